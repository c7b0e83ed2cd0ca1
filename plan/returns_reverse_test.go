package plan

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/compplan/compplan/tree"
)

// computeOrdersErr is calcOrders returning Compute's error.
func computeOrdersErr(t *testing.T, src, members, sales string) (*Result, error) {
	t.Helper()
	p, d := decodeAndRead(t, src, members, sales, true)
	return Compute(p, d)
}

// TestReturnsTwiceRowOrder: under returns: reverse, two returns of O1
// (70 and 50 of its 100) give the same money whatever their row order.
// They are applied in canonical order (date, then returned volume): the 50
// is reversed (B's retail 10.00 → −5.00, A's unilevel is breakage: A is
// inactive), then the 70 would take the order past its 100 and is counted
// as volume (−7.00 retail, B's PV 100 − 70 = 30 < 40: B inactive, C's
// unilevel 50.00 is breakage). B: 10 − 5 − 7 = −2.00 either way.
func TestReturnsTwiceRowOrder(t *testing.T) {
	const plan = `
name: w2
currency: USD
returns: reverse
active: {pv: 40}
components:
  - {name: retail, type: personal, rate: 10%}
  - {name: uni, type: unilevel, levels: [10%]}
`
	members := "id,sponsor_id\nA,\nB,A\nC,B\n"
	head := "order_id,member_id,amount,volume,type\n"
	r1 := calcOrders(t, plan, members, head+"O1,B,100,100,\nO9,C,500,500,\nO1,B,-70,-70,return\nO1,B,-50,-50,return\n")
	r2 := calcOrders(t, plan, members, head+"O1,B,-50,-50,return\nO1,B,100,100,\nO9,C,500,500,\nO1,B,-70,-70,return\n")
	want := map[string]string{"B": "- false 30 530 -2.00 0.00", "A": "- false 0 530 0.00 0.00"}
	expectRows(t, r1, want)
	expectRows(t, r2, want)
	if a, b := allRows(r1), allRows(r2); a != b {
		t.Errorf("row order changed the money:\n%s\n%s", a, b)
	}
	// Dated returns: the earlier return is applied first, whatever the
	// rows: the 70 of 8 January is reversed (−7.00), the 50 of the 9th is
	// counted as volume (−5.00): B's PV 50, active, C's unilevel 50.00.
	// B: 10 − 7 − 5 + 50 = 48.00.
	head = "order_id,member_id,amount,volume,type,date\n"
	d1 := calcOrders(t, plan, members, head+"O1,B,100,100,,2026-01-01\nO9,C,500,500,,2026-01-01\nO1,B,-50,-50,return,2026-01-09\nO1,B,-70,-70,return,2026-01-08\n")
	d2 := calcOrders(t, plan, members, head+"O1,B,-70,-70,return,2026-01-08\nO1,B,100,100,,2026-01-01\nO9,C,500,500,,2026-01-01\nO1,B,-50,-50,return,2026-01-09\n")
	want = map[string]string{"B": "- true 50 550 -2.00 50.00"}
	expectRows(t, d1, want)
	expectRows(t, d2, want)
}

// TestOrderOfTwoSellers: an order id sold by two members, then returned,
// is an input error naming the return's row and both sellers, whatever the
// row order.
func TestOrderOfTwoSellers(t *testing.T) {
	const plan = "name: t\ncurrency: USD\nreturns: reverse\ncomponents:\n  - {name: uni, type: unilevel, levels: [10%]}\n"
	members := "id,sponsor_id\nA,\nB,A\nC,A\n"
	head := "order_id,member_id,amount,type\n"
	for _, sales := range []string{"O1,B,100,\nO1,C,30,\nO1,B,-60,return\n", "O1,C,30,\nO1,B,100,\nO1,B,-60,return\n"} {
		_, err := computeOrdersErr(t, plan, members, head+sales)
		var ie *tree.InputError
		if !errors.As(err, &ie) || !strings.Contains(err.Error(), "sales.csv:4") || !strings.Contains(err.Error(), "sold by both B and C") {
			t.Errorf("%q: got %v, want an input error at sales.csv:4 naming B and C", sales, err)
		}
	}
}

// TestFullReturnInThirds: an order returned in three parts (33.33, 33.33,
// 33.34 of 100) reverses exactly what it paid: each reversal is cumulative
// — round(paid × returned so far ÷ 100) less what was already reversed. B's
// retail 10.00: −3.33, −3.34 (6.67 − 3.33), −3.33 (10 − 6.67) = 0.00. A's
// unilevel 5.00: −1.67 (1.6665), −1.66 (3.33 − 1.67), −1.67 = 0.00.
func TestFullReturnInThirds(t *testing.T) {
	const plan = `
name: t
currency: USD
returns: reverse
components:
  - {name: retail, type: personal, rate: 10%}
  - {name: uni, type: unilevel, levels: [5%]}
`
	members := "id,sponsor_id\nA,\nB,A\nC,A\n"
	head := "order_id,member_id,amount,volume,type\n"
	r := calcOrders(t, plan, members, head+"O1,B,100,100,\nO1,B,-33.33,-33.33,return\nO1,B,-33.33,-33.33,return\nO1,B,-33.34,-33.34,return\n")
	expectRows(t, r, map[string]string{"B": "- true 100 100 0.00 0.00", "A": "- true 0 100 0.00 0.00"})
}

// TestPartialReturnsAcrossPeriods: O1 of 100 in January, 33.33 returned in
// February, the other 66.67 in March. February: retail −3.33 (3.333), uni
// −1.67 (1.6665). March, from the state's returned 33.33: retail 10.00 −
// 3.33 = −6.67, uni 5.00 − 1.67 = −3.33. Each earner nets to 0.
func TestPartialReturnsAcrossPeriods(t *testing.T) {
	const plan = `
name: t
currency: USD
returns: reverse
components:
  - {name: retail, type: personal, rate: 10%}
  - {name: uni, type: unilevel, levels: [5%]}
`
	members := "id,sponsor_id,joined\nA,,2025-01-01\nB,A,2025-01-01\n"
	sales := "order_id,member_id,amount,date,type\nO1,B,100,2026-01-05,\nO1,B,-33.33,2026-02-05,return\nO1,B,-66.67,2026-03-05,return\n"
	rs := months(t, plan, members, sales, "01", "02", "03")
	expectPeriod(t, rs[1], "Feb", map[string]string{"B": "- 0 0 -3.33 0.00 | in 0.00 pay 0.00 out -3.33", "A": "- 0 0 0.00 -1.67 | in 0.00 pay 0.00 out -1.67"})
	expectPeriod(t, rs[2], "Mar", map[string]string{"B": "- 0 0 -6.67 0.00 | in -3.33 pay 0.00 out -10.00", "A": "- 0 0 0.00 -3.33 | in -1.67 pay 0.00 out -5.00"})
}

func allRows(r *Result) string {
	var b strings.Builder
	for _, m := range r.Org.ByID() {
		b.WriteString(r.Org.ID(m) + " " + row(r, r.Org.ID(m)) + "\n")
	}
	return b.String()
}

// TestReversalOfCappedPay: a reversal takes back what the order's lines
// actually paid, after the caps. B's order of 1000 in January pays A 10% =
// 100.00 of unilevel, capped at 50 (a member cap, or the component's cap):
// A is paid 50.00. Its whole return in February reverses those 50.00, not
// the 100.00 before the cap: A nets 0.
func TestReversalOfCappedPay(t *testing.T) {
	members := "id,sponsor_id,joined\nA,,2025-01-01\nB,A,2025-01-01\n"
	sales := "order_id,member_id,amount,date,type\nO1,B,1000,2026-01-05,\nO1,B,-1000,2026-02-05,return\n"
	for name, plan := range map[string]string{
		"member cap":    "name: t\ncurrency: USD\nreturns: reverse\nmember_cap: 50\ncomponents:\n  - {name: uni, type: unilevel, levels: [10%]}\n",
		"component cap": "name: t\ncurrency: USD\nreturns: reverse\ncomponents:\n  - {name: uni, type: unilevel, levels: [10%], cap: 50}\n",
	} {
		rs := months(t, plan, members, sales, "01", "02")
		expectPeriod(t, rs[0], name+" Jan", map[string]string{"A": "- 0 1000 50.00 | in 0.00 pay 50.00 out 0.00"})
		expectPeriod(t, rs[1], name+" Feb", map[string]string{"A": "- 0 0 -50.00 | in 0.00 pay 0.00 out -50.00"})
	}
	// Half of it returned in February, the other half in March: −25.00
	// each. In the same period as the order, a half return reverses 50.00
	// of the 100.00 before the cap, which then does not bite: 50.00 paid,
	// and the other half's return in February takes the 50.00 back.
	plan := "name: t\ncurrency: USD\nreturns: reverse\nmember_cap: 50\ncomponents:\n  - {name: uni, type: unilevel, levels: [10%]}\n"
	rs := months(t, plan, members, "order_id,member_id,amount,date,type\nO1,B,1000,2026-01-05,\nO1,B,-500,2026-02-05,return\nO1,B,-500,2026-03-05,return\n", "01", "02", "03")
	expectPeriod(t, rs[1], "halves Feb", map[string]string{"A": "- 0 0 -25.00 | in 0.00 pay 0.00 out -25.00"})
	expectPeriod(t, rs[2], "halves Mar", map[string]string{"A": "- 0 0 -25.00 | in -25.00 pay 0.00 out -50.00"})
	rs = months(t, plan, members, "order_id,member_id,amount,date,type\nO1,B,1000,2026-01-05,\nO1,B,-500,2026-01-06,return\nO1,B,-500,2026-02-05,return\n", "01", "02")
	expectPeriod(t, rs[0], "same period Jan", map[string]string{"A": "- 0 1000 50.00 | in 0.00 pay 50.00 out 0.00"})
	expectPeriod(t, rs[1], "same period Feb", map[string]string{"A": "- 0 0 -50.00 | in 0.00 pay 0.00 out -50.00"})
	// 200 of 1000 returned in January nets A's 100.00 to 80.00, capped to
	// 50.00: the rest of the order, returned in February, takes back the
	// 50.00 A was paid on it (62.50 recorded for the whole order, less the
	// 12.50 of January's fifth), so A nets 0.
	rs = months(t, plan, members, "order_id,member_id,amount,date,type\nO1,B,1000,2026-01-05,\nO1,B,-200,2026-01-06,return\nO1,B,-800,2026-02-05,return\n", "01", "02")
	expectPeriod(t, rs[0], "capped net Jan", map[string]string{"A": "- 0 1000 50.00 | in 0.00 pay 50.00 out 0.00"})
	expectPeriod(t, rs[1], "capped net Feb", map[string]string{"A": "- 0 0 -50.00 | in 0.00 pay 0.00 out -50.00"})
	// A matching on top: R matches 10% of A's capped 50.00 = 5.00 in
	// January; the return takes back those 5.00 (not 10% of the uncapped
	// 100.00).
	plan = "name: t\ncurrency: USD\nreturns: reverse\ncomponents:\n  - {name: uni, type: unilevel, levels: [10%], cap: 50}\n  - {name: match, type: matching, of: [uni], generations: [10%]}\n"
	rs = months(t, plan, "id,sponsor_id,joined\nR,,2025-01-01\nA,R,2025-01-01\nB,A,2025-01-01\n", sales, "01", "02")
	expectPeriod(t, rs[0], "match Jan", map[string]string{"A": "- 0 1000 50.00 0.00 | in 0.00 pay 50.00 out 0.00", "R": "- 0 1000 0.00 5.00 | in 0.00 pay 5.00 out 0.00"})
	expectPeriod(t, rs[1], "match Feb", map[string]string{"A": "- 0 0 -50.00 0.00 | in 0.00 pay 0.00 out -50.00", "R": "- 0 0 0.00 -5.00 | in 0.00 pay 0.00 out -5.00"})
}

// TestMatchingReversalGoesToTheMatcher: a return reverses a matching bonus
// from whoever was paid it on the order, never from whoever matches now.
// January: Y's order O1 of 100 pays X 10.00 of unilevel; S has not joined
// (10 February), so X's matcher is U: 50% = 5.00. February: S has joined
// and is X's sponsor; O1 is returned: X −10.00, U −5.00 (the match U was
// paid on O1), S nothing.
func TestMatchingReversalGoesToTheMatcher(t *testing.T) {
	const plan = `
name: t
currency: USD
returns: reverse
%s
components:
  - {name: uni, type: unilevel, levels: [10%%]}
  - {name: match, type: matching, of: [uni], generations: [50%%]}
`
	members := "id,sponsor_id,joined\nU,,2025-01-01\nS,U,2026-02-10\nX,S,2025-01-01\nY,X,2025-01-01\n"
	sales := "order_id,member_id,amount,date,type\nO1,Y,100,2026-01-05,\nO1,Y,-100,2026-02-15,return\n"
	rs := months(t, fmt.Sprintf(plan, ""), members, sales, "01", "02")
	expectPeriod(t, rs[0], "Jan", map[string]string{"U": "- 0 100 0.00 5.00 | in 0.00 pay 5.00 out 0.00", "X": "- 0 100 10.00 0.00 | in 0.00 pay 10.00 out 0.00"})
	expectPeriod(t, rs[1], "Feb", map[string]string{
		"U": "- 0 0 0.00 -5.00 | in 0.00 pay 0.00 out -5.00",
		"S": "- 0 0 0.00 0.00 | in 0.00 pay 0.00 out 0.00",
		"X": "- 0 0 -10.00 0.00 | in 0.00 pay 0.00 out -10.00"})

	// U inactive in January (the match on O1 is breakage), active in
	// February: the return takes nothing from U, who was paid nothing on
	// O1. X's own O3 keeps X active in January (its unilevel to U is
	// breakage too).
	members = "id,sponsor_id,joined\nU,,2025-01-01\nX,U,2025-01-01\nY,X,2025-01-01\n"
	sales = "order_id,member_id,amount,date,type\nO1,Y,100,2026-01-05,\nO3,X,50,2026-01-05,\nO1,Y,-100,2026-02-15,return\nO2,U,60,2026-02-16,\n"
	rs = months(t, fmt.Sprintf(plan, "active: {pv: 50}"), members, sales, "01", "02")
	expectPeriod(t, rs[0], "inactive Jan", map[string]string{"U": "- 0 150 0.00 0.00 | in 0.00 pay 0.00 out 0.00"})
	expectPeriod(t, rs[1], "inactive Feb", map[string]string{"U": "- 60 60 0.00 0.00 | in 0.00 pay 0.00 out 0.00", "X": "- 0 0 -10.00 0.00 | in 0.00 pay 0.00 out -10.00"})
}

// reversalLedger replays months of 2026 and renders every line, in the
// order the engine hands them out, with its sale's order id and date.
func reversalLedger(t *testing.T, plan, members, sales string, ms ...string) string {
	t.Helper()
	p, err := Decode([]byte(plan), "plan.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d := mustData(t, members, sales, "")
	periods := periodsOf(t, ms...)
	var b strings.Builder
	line := func(r *Result, l *Line) error {
		o, date := "", int32(0)
		if l.Sale.Chunk >= 0 {
			ch := &r.Data.Sales.Chunks[l.Sale.Chunk]
			o, date = ch.OrderID(int(l.Sale.K)), ch.DateOf(int(l.Sale.K))
		}
		earner := "-"
		if l.Earner >= 0 {
			earner = r.Org.ID(l.Earner)
		}
		fmt.Fprintf(&b, "%s %s %s %s %d %s\n", r.Plan.Components[l.Component].Name, earner, l.Amount, o, date, l.Note(r))
		return nil
	}
	if err := Replay(p, d, periods, Options{Lines: line}, func(pr tree.Period, r *Result) error {
		fmt.Fprintf(&b, "== %s\n%s", pr.Name, periodRows(r))
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	// Chained runs too, each period's lines and rows.
	var state *State
	for _, pr := range periods {
		r, err := RunPeriod(p, d, pr, state, "state.json", Options{Lines: line})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "== chained %s\n%s", pr.Name, periodRows(r))
		state = r.NextState(pr)
		fmt.Fprintf(&b, "%s", stateBytes(t, state))
	}
	return b.String()
}

// TestReversalsShuffled: under returns: reverse, the ledger (reversal lines
// included, in their order), the rows and the state do not depend on the
// sales' row order: examples/periods (three returns) and a plan with caps,
// a matching and an order returned twice in one month, replayed and
// chained, each with its rows shuffled.
func TestReversalsShuffled(t *testing.T) {
	read := func(name string) string {
		b, err := os.ReadFile("../examples/periods/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	capped := `
name: t
currency: USD
returns: reverse
member_cap: 60
components:
  - {name: retail, type: personal, rate: 10%}
  - {name: uni, type: unilevel, levels: [10%, 5%], cap: 40}
  - {name: match, type: matching, of: [uni], generations: [50%]}
`
	cases := []struct{ plan, members, sales string }{
		{read("plan.yaml"), read("members.csv"), read("sales.csv")},
		{capped, "id,sponsor_id,joined\nA,,2025-01-01\nB,A,2025-01-01\nC,B,2025-01-01\nD,C,2025-01-01\n",
			"order_id,member_id,amount,date,type\nO1,D,300,2026-01-05,\nO2,C,200,2026-01-06,\nO3,D,100,2026-01-07,\n" +
				"O1,D,-70,2026-02-05,return\nO1,D,-50,2026-02-05,return\nO2,C,-200,2026-02-09,return\nO4,B,500,2026-02-10,\n" +
				"O3,D,-30,2026-03-01,return\nO3,D,-30,2026-03-01,return\nO1,D,-180,2026-03-02,return\nO4,B,-250,2026-03-03,return\nO5,D,80,2026-03-04,\nO5,D,-80,2026-03-05,return\n"},
	}
	rng := rand.New(rand.NewPCG(7, 11))
	for i, c := range cases {
		want := reversalLedger(t, c.plan, c.members, c.sales, "01", "02", "03", "04", "05", "06")
		rows := strings.Split(strings.TrimSuffix(c.sales, "\n"), "\n")
		for range 4 {
			body := slices.Clone(rows[1:])
			rng.Shuffle(len(body), func(a, b int) { body[a], body[b] = body[b], body[a] })
			got := reversalLedger(t, c.plan, c.members, rows[0]+"\n"+strings.Join(body, "\n")+"\n", "01", "02", "03", "04", "05", "06")
			if got != want {
				t.Fatalf("case %d: shuffled rows change the ledger:\n%s", i, firstDiff(want, got))
			}
		}
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n  %s\n  %s", i+1, al[i], bl[i])
		}
	}
	return "lengths differ"
}

// TestTwoSellersStateRowOrder: an order id sold by two members and not
// returned is kept in the state as the lower id's, whatever the rows, even
// when it paid no line.
func TestTwoSellersStateRowOrder(t *testing.T) {
	const plan = "name: t\ncurrency: USD\nreturns: reverse\ncomponents:\n  - {name: uni, type: unilevel, levels: [10%]}\n"
	// B and C have no upline: O1 pays no line (the state keeps it anyway).
	members := "id,sponsor_id,joined\nB,,2025-01-01\nC,,2025-01-01\n"
	head := "order_id,member_id,amount,date\n"
	var states []string
	for _, sales := range []string{"O1,C,30,2026-01-02\nO1,B,100,2026-01-03\n", "O1,B,100,2026-01-03\nO1,C,30,2026-01-02\n"} {
		p, err := Decode([]byte(plan), "plan.yaml")
		if err != nil {
			t.Fatal(err)
		}
		pr := periodsOf(t, "01")[0]
		r, err := RunPeriod(p, mustData(t, members, head+sales, ""), pr, nil, "s.json", Options{})
		if err != nil {
			t.Fatal(err)
		}
		states = append(states, stateBytes(t, r.NextState(pr)))
	}
	if states[0] != states[1] || !strings.Contains(states[0], `"seller": "B"`) {
		t.Errorf("states differ or O1 is not B's:\n%s\n%s", states[0], states[1])
	}
}
