package plan

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/compplan/compplan/tree"
)

// computeOrdersErr is calcOrders returning Compute's error.
func computeOrdersErr(t *testing.T, src, members, sales string) (*Result, error) {
	t.Helper()
	p, err := Decode([]byte(src), "plan.yaml")
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	d, err := tree.ReadMembers(strings.NewReader(members), "members.csv")
	if err != nil {
		t.Fatalf("ReadMembers: %v", err)
	}
	d.KeepOrderIDs = true
	if err := d.ReadSales(strings.NewReader(sales), "sales.csv"); err != nil {
		t.Fatalf("ReadSales: %v", err)
	}
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
