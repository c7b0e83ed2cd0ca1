package plan

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// months runs the months of 2026 given (e.g. "01", "02") twice: by Replay,
// and as chained runs (RunPeriod) whose state goes through its JSON form;
// both must give the same figures. Every period reconciles (checkReconciles
// and checkLines). It returns the replay's results.
func months(t *testing.T, plan, members, sales string, ms ...string) []*Result {
	t.Helper()
	return monthsWith(t, plan, members, sales, nil, ms...)
}

// monthsWith is months with more data: with, when set, reads it (moves,
// say) into the data before the months run.
func monthsWith(t *testing.T, plan, members, sales string, with func(*tree.Data) error, ms ...string) []*Result {
	t.Helper()
	p, err := Decode([]byte(plan), "plan.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d := mustData(t, members, sales, "")
	if with != nil {
		if err := with(d); err != nil {
			t.Fatal(err)
		}
	}
	periods := periodsOf(t, ms...)
	var replayed []*Result
	if err := Replay(p, d, periods, Options{}, func(_ tree.Period, r *Result) error {
		replayed = append(replayed, r)
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	var state *State
	for i, pr := range periods {
		r, err := RunPeriod(p, d, pr, state, "state.json", Options{})
		if err != nil {
			t.Fatal(err)
		}
		checkReconciles(t, r)
		checkLines(t, r)
		if a, b := periodRows(r)+carryRows(r), periodRows(replayed[i])+carryRows(replayed[i]); a != b {
			t.Fatalf("%s: chained run and replay differ:\n%s\n%s", pr.Name, a, b)
		}
		var buf bytes.Buffer
		if err := r.NextState(pr).Write(&buf); err != nil {
			t.Fatal(err)
		}
		if state, err = ReadState(&buf, "state.json"); err != nil {
			t.Fatal(err)
		}
	}
	return replayed
}

// periodRows renders each member: id rank pv gv, each component, balance
// in, payable, balance out.
func periodRows(r *Result) string {
	var b strings.Builder
	for _, m := range r.Org.ByID() {
		fmt.Fprintf(&b, "%s %s\n", r.Org.ID(m), periodRow(r, m))
	}
	return b.String()
}

// carryRows renders each member's binary carry out and flushed volume,
// with the carry's ages (carry_expires): "" without a binary.
func carryRows(r *Result) string {
	if r.Legs == nil {
		return ""
	}
	var b strings.Builder
	for _, m := range r.Org.ByID() {
		lg := r.Legs
		fmt.Fprintf(&b, "%s carry %s/%s flushed %s/%s", r.Org.ID(m), lg.CarryOutL[m], lg.CarryOutR[m], lg.FlushedL[m], lg.FlushedR[m])
		if lg.AgesOut[0] != nil {
			fmt.Fprintf(&b, " ages %v/%v", lg.AgesOut[0][m], lg.AgesOut[1][m])
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func periodRow(r *Result, m int32) string {
	rank := r.RankName(m)
	if rank == "" {
		rank = "-"
	}
	s := fmt.Sprintf("%s %s %s", rank, r.PV[m], r.GV[m])
	for c := range r.Plan.Components {
		s += " " + string(r.Earned[c][m].AppendFixed(nil, r.Plan.Digits))
	}
	in := "0.00"
	if r.BalanceIn != nil {
		in = string(r.BalanceIn[m].AppendFixed(nil, r.Plan.Digits))
	}
	s += fmt.Sprintf(" | in %s pay %s out %s", in, r.Payable(m).AppendFixed(nil, r.Plan.Digits), r.BalanceOut[m].AppendFixed(nil, r.Plan.Digits))
	if r.Deducted != nil {
		s += " | less"
		for k := range r.Deducted {
			s += " " + string(r.Deducted[k][m].AppendFixed(nil, r.Plan.Digits))
		}
		s += " net " + string(r.Net(m).AppendFixed(nil, r.Plan.Digits))
	}
	return s
}

func expectPeriod(t *testing.T, r *Result, name string, want map[string]string) {
	t.Helper()
	for id, w := range want {
		m := r.Org.Lookup(id)
		got := "not in the tree"
		if m >= 0 {
			got = periodRow(r, m)
		}
		if got != w {
			t.Errorf("%s %s:\n got  %s\n want %s", name, id, got, w)
		}
	}
}

// TestRanksOverPeriods: rank advancement (once; a skipped rank pays too),
// rank grace, a member joining mid-history, held minimum payouts carried
// forward and a fast-start window across a period boundary. Hand-computed:
//   - Jan: A's PV 150 is Bronze: retail 15.00, advancement Bronze 10.00.
//     B joins on 10 Feb: not in January's tree.
//   - Feb: A's PV 350 is Gold, skipping Silver: advancement 20 + 40 =
//     60.00, retail 35.00, and fast start on new member B's sale of 60
//     (day 10 of 30): 6.00. B's retail 6.00 is under the minimum payout of
//     20: held.
//   - Mar: A's PV 50 qualifies for nothing, but grace (2 periods) keeps
//     Gold from February; no advancement again. Retail 5.00 + fast start
//     3.00 on B's sale of 30 (day 23) = 8.00: held. B: 3.00 + 6.00 held
//     = 9.00: held again.
//   - Apr: A's PV 250 is Silver (grace looks back one period, which had
//     nothing); retail 25.00 + 8.00 held = 33.00 paid. B's PV 200 is
//     Silver: advancement Bronze 10 + Silver 20, retail 20.00, + 9.00 held
//     = 59.00 paid. B's sale of 10 April is day 59: no fast start.
func TestRanksOverPeriods(t *testing.T) {
	const plan = `
name: p
currency: USD
active: {pv: 50}
min_payout: 20
rank_grace: 2
ranks: [{name: Bronze, pv: 100}, {name: Silver, pv: 200}, {name: Gold, pv: 300}]
components:
  - {name: retail, type: personal, rate: 10%}
  - {name: adv, type: rank_advancement, amounts: {Bronze: 10, Silver: 20, Gold: 40}}
  - {name: fast, type: fast_start, days: 30, levels: [10%]}
`
	members := "id,sponsor_id,joined\nA,,2025-12-01\nB,A,2026-02-10\n"
	sales := "member_id,amount,date\nA,150,2026-01-15\nA,350,2026-02-15\nB,60,2026-02-20\nA,50,2026-03-15\nB,30,2026-03-05\nA,250,2026-04-15\nB,200,2026-04-10\n"
	rs := months(t, plan, members, sales, "01", "02", "03", "04")
	expectPeriod(t, rs[0], "Jan", map[string]string{
		"A": "Bronze 150 150 15.00 10.00 0.00 | in 0.00 pay 25.00 out 0.00",
		"B": "not in the tree",
	})
	expectPeriod(t, rs[1], "Feb", map[string]string{
		"A": "Gold 350 410 35.00 60.00 6.00 | in 0.00 pay 101.00 out 0.00",
		"B": "- 60 60 6.00 0.00 0.00 | in 0.00 pay 0.00 out 6.00",
	})
	expectPeriod(t, rs[2], "Mar", map[string]string{
		"A": "Gold 50 80 5.00 0.00 3.00 | in 0.00 pay 0.00 out 8.00",
		"B": "- 30 30 3.00 0.00 0.00 | in 6.00 pay 0.00 out 9.00",
	})
	expectPeriod(t, rs[3], "Apr", map[string]string{
		"A": "Silver 250 450 25.00 0.00 0.00 | in 8.00 pay 33.00 out 0.00",
		"B": "Silver 200 200 20.00 30.00 0.00 | in 9.00 pay 59.00 out 0.00",
	})
	if got := rs[3].Org.ID(rs[3].Org.ByID()[0]); got != "A" || rs[0].Org.Len() != 1 {
		t.Errorf("January's tree has %d members", rs[0].Org.Len())
	}
}

// TestReturnsOverPeriods: B's order O1 of 500 in January is returned in
// February; A, B's sponsor, earned 10% of it on the unilevel.
//   - returns: volume: February's −500 is B's volume: B's retail −50.00, A's
//     unilevel −50.00; A's own 100 pays 10.00, so A is at −40.00 and B at
//     −50.00: both carried as debits. In March A's 700 pays 70.00 − 40.00
//     = 30.00; B's debit stays.
//   - returns: reverse: February's return has no volume (B's PV is 0, A's GV
//     100), and O1's lines are reversed in full: B −50.00 (retail), A
//     −50.00 (unilevel). The money is the same here; the volumes are not.
//   - A partial return (250 of 500) reverses half: −25.00 each.
func TestReturnsOverPeriods(t *testing.T) {
	const plan = `
name: r
currency: USD
returns: %s
components:
  - {name: retail, type: personal, rate: 10%%}
  - {name: uni, type: unilevel, levels: [10%%]}
`
	members := "id,sponsor_id,joined\nA,,2025-12-01\nB,A,2025-12-01\n"
	sales := "order_id,member_id,amount,date,type\nO1,B,500,2026-01-10,\nO1,B,-%s,2026-02-10,return\nO2,A,100,2026-02-11,\nO3,A,700,2026-03-01,\n"
	rs := months(t, fmt.Sprintf(plan, "volume"), members, fmt.Sprintf(sales, "500"), "01", "02", "03")
	expectPeriod(t, rs[0], "Jan", map[string]string{"A": "- 0 500 0.00 50.00 | in 0.00 pay 50.00 out 0.00", "B": "- 500 500 50.00 0.00 | in 0.00 pay 50.00 out 0.00"})
	expectPeriod(t, rs[1], "Feb", map[string]string{"A": "- 100 -400 10.00 -50.00 | in 0.00 pay 0.00 out -40.00", "B": "- -500 -500 -50.00 0.00 | in 0.00 pay 0.00 out -50.00"})
	expectPeriod(t, rs[2], "Mar", map[string]string{"A": "- 700 700 70.00 0.00 | in -40.00 pay 30.00 out 0.00", "B": "- 0 0 0.00 0.00 | in -50.00 pay 0.00 out -50.00"})
	if rs[1].Debits != dec.FromInt(-90) {
		t.Errorf("February's debits %s, want -90", rs[1].Debits)
	}

	rs = months(t, fmt.Sprintf(plan, "reverse"), members, fmt.Sprintf(sales, "500"), "01", "02", "03")
	expectPeriod(t, rs[1], "Feb reverse", map[string]string{"A": "- 100 100 10.00 -50.00 | in 0.00 pay 0.00 out -40.00", "B": "- 0 0 -50.00 0.00 | in 0.00 pay 0.00 out -50.00"})
	expectPeriod(t, rs[2], "Mar reverse", map[string]string{"A": "- 700 700 70.00 0.00 | in -40.00 pay 30.00 out 0.00"})

	rs = months(t, fmt.Sprintf(plan, "reverse"), members, fmt.Sprintf(sales, "250"), "01", "02")
	expectPeriod(t, rs[1], "Feb partial", map[string]string{"A": "- 100 100 10.00 -25.00 | in 0.00 pay 0.00 out -15.00", "B": "- 0 0 -25.00 0.00 | in 0.00 pay 0.00 out -25.00"})
	var notes []string
	if _, err := ComputeWith(rs[1].Plan, rs[1].Data, Options{carried: rs[1].carried, Lines: func(r *Result, l *Line) error {
		if l.Reason == Reversed {
			notes = append(notes, fmt.Sprintf("%s %s %s %s", r.Plan.Components[l.Component].Name, r.Org.ID(l.Earner), l.Amount, l.Note(r)))
		}
		return nil
	}}); err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(notes, "; "), "retail B -25 return of order O1; uni A -25 return of order O1"; got != want {
		t.Errorf("reversal lines: %s\nwant %s", got, want)
	}
}

// TestReturnOutsideWindow: with return_window 1, an order of January
// returned in March is past the window: it is counted as volume, and
// reported; an unknown order too.
func TestReturnOutsideWindow(t *testing.T) {
	const plan = "name: r\ncurrency: USD\nreturns: reverse\nreturn_window: 1\ncomponents:\n  - {name: retail, type: personal, rate: 10%}\n"
	members := "id,sponsor_id,joined\nA,,2025-12-01\n"
	sales := "order_id,member_id,amount,date,type\nO1,A,500,2026-01-10,\nO1,A,-100,2026-03-10,return\nO9,A,-10,2026-03-11,return\n"
	rs := months(t, plan, members, sales, "01", "02", "03")
	expectPeriod(t, rs[2], "Mar", map[string]string{"A": "- -110 -110 -11.00 | in 0.00 pay 0.00 out -11.00"})
	want := "[return of order O1 by A counted as volume: order O1 is not among this period's sales nor, within the return window of 1 period, the earlier ones " +
		"return of order O9 by A counted as volume: order O9 is not among this period's sales nor, within the return window of 1 period, the earlier ones]"
	if got := fmt.Sprint(rs[2].ReturnsAsVolume); got != want {
		t.Errorf("reported %s\nwant %s", got, want)
	}
}

// TestBinaryCarryOverPeriods: A's legs are B (left) and C (right), 10% of
// the paired volume, carry capped at 100 a leg.
//   - Jan: 300 / 100: pairs 100 (10.00); the left's 200 carries 100, 100
//     flushed.
//   - Feb: 0 + 100 carried / 150: pairs 100 (10.00); the right's 50 carries.
//   - Mar: 20 / 0 + 50: pairs 20 (2.00); the right's 30 carries.
func TestBinaryCarryOverPeriods(t *testing.T) {
	const plan = "name: b\ncurrency: USD\ncomponents:\n  - {name: bin, type: binary, rate: 10%, carry_cap: 100}\n"
	members := "id,sponsor_id,joined,placement_id,leg\nA,,2025-12-01,,\nB,A,2025-12-01,A,L\nC,A,2025-12-01,A,R\n"
	sales := "member_id,amount,date\nB,300,2026-01-05\nC,100,2026-01-06\nC,150,2026-02-05\nB,20,2026-03-05\n"
	rs := months(t, plan, members, sales, "01", "02", "03")
	want := []string{
		"300/100 in 0/0 paired 100/100 out 100/0 flushed 100/0 true",
		"100/150 in 100/0 paired 100/100 out 0/50 flushed 0/0 true",
		"20/50 in 0/50 paired 20/20 out 0/30 flushed 0/0 true",
	}
	for i, r := range rs {
		if got := legsRow(r, "A"); got != want[i] {
			t.Errorf("period %d: A %s\nwant %s", i+1, got, want[i])
		}
	}
	expectTotals(t, rs[2], "bin 2.00/0.00 payout 2.00")
}

// TestStateRefused: a state from another plan, of an unknown version, or
// that leaves a gap before the period is an error naming the file.
func TestStateRefused(t *testing.T) {
	// A's 1.00 of January is under the minimum payout: held, carried.
	const plan = "name: r\ncurrency: USD\nmin_payout: 20\ncomponents:\n  - {name: retail, type: personal, rate: 10%}\n"
	p, _ := Decode([]byte(plan), "p.yaml")
	d := mustData(t, "id,joined\nA,2025-12-01\n", "member_id,amount,date\nA,10,2026-01-05\n", "")
	jan, _ := tree.ParsePeriod("2026-01")
	mar, _ := tree.ParsePeriod("2026-03")
	r, err := RunPeriod(p, d, jan, nil, "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := r.NextState(jan)
	if _, err := RunPeriod(p, d, mar, s, "jan.json", Options{}); err == nil || !strings.Contains(err.Error(), "jan.json: the state ends 2026-01-31 (period 2026-01) but this run starts 2026-03-01") {
		t.Errorf("gap: %v", err)
	}
	feb, _ := tree.ParsePeriod("2026-02")
	// Another plan (another name), or another currency, is refused;
	// another version of the plan (another rate) carries.
	for _, c := range []struct{ from, to, want string }{
		{"name: r\n", "name: q\n", `jan.json: the state was written for plan "r", and this plan is "q"`},
		{"USD", "EUR", "jan.json: the state was written for a plan paying in USD, and this version pays in EUR"},
		{"10%", "11%", ""},
	} {
		other, err := Decode([]byte(strings.Replace(plan, c.from, c.to, 1)), "q.yaml")
		if err != nil {
			t.Fatal(err)
		}
		_, err = RunPeriod(other, d, feb, s, "jan.json", Options{})
		if (c.want == "" && err != nil) || (c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want))) {
			t.Errorf("%s -> %s: %v", c.from, c.to, err)
		}
	}
	if _, err := ReadState(strings.NewReader(`{"version": 9}`), "v9.json"); err == nil || !strings.Contains(err.Error(), "v9.json: state version 9: this compplan reads versions 1 to 5") {
		t.Errorf("version: %v", err)
	}
	// A version 1 state (written before recent_paid) still reads, and
	// carries what it holds; versions 0 and 6 do not read. A state before
	// version 5 carries only to the plan whose hash it records.
	var v1 bytes.Buffer
	if err := s.Write(&v1); err != nil {
		t.Fatal(err)
	}
	old := strings.Replace(v1.String(), `"version": 5,`, `"version": 1,`, 1)
	if got, err := ReadState(strings.NewReader(old), "v1.json"); err != nil || got.Version != 1 || len(got.Members) != len(s.Members) {
		t.Errorf("version 1: %v, %+v", err, got)
	} else {
		r1, err1 := RunPeriod(p, d, feb, got, "v1.json", Options{})
		r3, err3 := RunPeriod(p, d, feb, s, "jan.json", Options{})
		if err1 != nil || err3 != nil || periodRows(r1) != periodRows(r3) || !strings.Contains(periodRows(r1), "in 1.00") {
			t.Errorf("version 1 carried differently: %v, %v\n%s", err1, err3, periodRows(r1))
		}
		other, _ := Decode([]byte(strings.Replace(plan, "10%", "11%", 1)), "q.yaml")
		if _, err := RunPeriod(other, d, feb, got, "v1.json", Options{}); err == nil || !strings.Contains(err.Error(), "v1.json: the state was written for another plan (sha256") || !strings.Contains(err.Error(), "by an earlier compplan (state version 1)") {
			t.Errorf("version 1, another version of the plan: %v", err)
		}
	}
	for _, v := range []string{"0", "6"} {
		if _, err := ReadState(strings.NewReader(strings.Replace(v1.String(), `"version": 5,`, `"version": `+v+`,`, 1)), "v.json"); err == nil || !strings.Contains(err.Error(), "state version "+v+": this compplan reads versions 1 to 5") {
			t.Errorf("version %s: %v", v, err)
		}
	}
	noName := strings.Replace(v1.String(), `"plan_name": "r",`, "", 1)
	if _, err := ReadState(strings.NewReader(noName), "v5.json"); err == nil || !strings.Contains(err.Error(), `v5.json: plan_name "" and currency "USD": a state of version 5 or later names its plan and currency`) {
		t.Errorf("version 5 without a name: %v", err)
	}
	if _, err := ReadState(strings.NewReader(`{"version": 1, "surprise": 1}`), "x.json"); err == nil || !strings.Contains(err.Error(), `x.json: bad state document: json: unknown field "surprise"`) {
		t.Errorf("unknown field: %v", err)
	}
	undated := mustData(t, "id\nA\n", "member_id,amount\nA,10\n", "")
	if _, err := RunPeriod(p, undated, jan, nil, "", Options{}); err == nil || !strings.Contains(err.Error(), `sales.csv:2: column "date": this sale has no date`) {
		t.Errorf("undated: %v", err)
	}
}

// TestReplayRandom: random plans of every family over three months of
// random sales with returns (whole orders, some returned twice, under
// either policy): each period reconciles, and replay equals chained runs
// whose state goes through JSON (see months).
func TestReplayRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	for i := 0; i < 60; i++ {
		plan := randomPlan(rng)
		if rng.IntN(2) == 0 {
			plan = strings.Replace(plan, "components:\n", "returns: reverse\nreturn_window: 1\ncomponents:\n", 1)
		}
		if strings.Contains(plan, "ranks:") && rng.IntN(2) == 0 {
			plan = strings.Replace(plan, "components:\n", "rank_grace: 2\ncomponents:\n", 1)
		}
		members, _ := randomData(rng, 1+rng.IntN(60))
		// Half the cases: the third quarter of the members file joins on
		// 1 February and the last on 1 March, so January's and
		// February's organisations are the first members (organisations
		// as of a day that share the whole one's, and February's takes
		// January's state).
		late := map[string]int{} // the first month a member may sell in
		if i%2 == 1 {
			for k := len(members) / 2; k < len(members); k++ {
				month := 2 + (k-len(members)/2)*2/max(len(members)-len(members)/2, 1)
				f := strings.Split(members[k], ",")
				f[6] = fmt.Sprintf("2026-%02d-01", month)
				members[k] = strings.Join(f, ",")
				late[f[0]] = month
			}
		}
		var ids []string
		for _, row := range members {
			if f := strings.Split(row, ","); f[3] != "customer" {
				ids = append(ids, f[0])
			}
		}
		if len(ids) == 0 {
			continue
		}
		sales := []string{"order_id,member_id,amount,volume,type,date"}
		type order struct{ id, member, amount, volume string }
		var orders []order
		for k := 0; k < 3*len(ids); k++ {
			o := order{fmt.Sprintf("O%d", k), ids[rng.IntN(len(ids))], fmt.Sprintf("%d.%02d", rng.IntN(300), rng.IntN(100)), ""}
			if rng.IntN(3) == 0 {
				o.volume = fmt.Sprint(rng.IntN(300))
			}
			typ := ""
			if rng.IntN(6) == 0 {
				typ = "sample"
			}
			// Members joined in January: sales from 29 January on.
			month := 1 + rng.IntN(3)
			if from := late[o.member]; from > 0 {
				month = from + rng.IntN(4-from)
			}
			day := 1 + rng.IntN(28)
			if month == 1 {
				day = 29 + rng.IntN(3)
			}
			sales = append(sales, fmt.Sprintf("%s,%s,%s,%s,%s,2026-%02d-%02d", o.id, o.member, o.amount, o.volume, typ, month, day))
			orders = append(orders, o)
			if rng.IntN(5) == 0 { // returned whole, in March (sometimes twice)
				for n := 1 + rng.IntN(2); n > 0; n-- {
					vol := ""
					if o.volume != "" {
						vol = "-" + o.volume
					}
					sales = append(sales, fmt.Sprintf("%s,%s,-%s,%s,return,2026-03-%02d", o.id, o.member, o.amount, vol, 1+rng.IntN(28)))
				}
			}
		}
		rs := months(t, plan, memberHeader+strings.Join(members, "\n")+"\n", strings.Join(sales, "\n")+"\n", "01", "02", "03")
		t.Logf("case %d: %d sales, march payout %s, reversed %d, as volume %d", i, len(sales), rs[2].Payout, len(rs[2].reversedSales), len(rs[2].ReturnsAsVolume))
		if t.Failed() {
			t.Fatalf("case %d; plan:\n%s", i, plan)
		}
	}
}

// TestAutoPlacementKeptOverPeriods: on the weaker leg, C is placed in
// January by January's volumes (B's 100 on the left: C goes right). In
// February's volumes alone C would tie and go left; it keeps its slot,
// and only D, who joins in February, is placed by February's volumes (the
// left, B's 0 against C's 100).
func TestAutoPlacementKeptOverPeriods(t *testing.T) {
	const plan = "name: b\ncurrency: USD\ncomponents:\n  - {name: bin, type: binary, rate: 10%}\n"
	members := "id,sponsor_id,joined\nA,,2025-12-01\nB,A,2026-01-02\nC,A,2026-01-03\nD,A,2026-02-02\n"
	sales := "member_id,amount,date\nB,100,2026-01-05\nC,100,2026-02-05\n"
	rs := months(t, plan, members, sales, "01", "02")
	where := func(r *Result, id string) string {
		m := r.Org.Lookup(id)
		return r.Org.ID(r.Binary.Parent[m]) + ":" + tree.LegName(r.Binary.Leg[m])
	}
	if got := where(rs[0], "C"); got != "A:R" {
		t.Errorf("January: C at %s, want A:R", got)
	}
	if got := where(rs[1], "C"); got != "A:R" {
		t.Errorf("February: C at %s, want A:R (kept)", got)
	}
	if got := where(rs[1], "D"); got != "B:L" {
		t.Errorf("February: D at %s, want B:L", got)
	}
}
