package plan

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// periodsOf parses the months of 2026 given.
func periodsOf(t *testing.T, ms ...string) []tree.Period {
	t.Helper()
	var out []tree.Period
	for _, m := range ms {
		pr, err := tree.ParsePeriod("2026-" + m)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, pr)
	}
	return out
}

// replayErr replays the months and returns the error.
func replayErr(t *testing.T, p *Plan, d *tree.Data, ms ...string) error {
	t.Helper()
	return Replay(p, d, periodsOf(t, ms...), Options{}, func(tree.Period, *Result) error { return nil }, nil)
}

// chainErr runs the months chained through JSON states and returns the
// first error.
func chainErr(t *testing.T, p *Plan, d *tree.Data, ms ...string) error {
	t.Helper()
	var state *State
	for _, pr := range periodsOf(t, ms...) {
		r, err := RunPeriod(p, d, pr, state, "state.json", Options{})
		if err != nil {
			return err
		}
		var buf strings.Builder
		if err := r.NextState(pr).Write(&buf); err != nil {
			t.Fatal(err)
		}
		if state, err = ReadState(strings.NewReader(buf.String()), "state.json"); err != nil {
			t.Fatal(err)
		}
	}
	return nil
}

// TestReturnByAnotherMember: B's order O1 returned by A is an input error
// naming the return's row, whether O1 is held in the state (February),
// or among the same period's sales (January), in a replay or chained runs.
func TestReturnByAnotherMember(t *testing.T) {
	const plan = "name: r\ncurrency: USD\nreturns: reverse\ncomponents:\n  - {name: retail, type: personal, rate: 10%}\n  - {name: uni, type: unilevel, levels: [10%]}\n"
	p, err := Decode([]byte(plan), "plan.yaml")
	if err != nil {
		t.Fatal(err)
	}
	members := "id,sponsor_id,joined\nA,,2025-12-01\nB,A,2025-12-01\n"
	for _, c := range []struct{ sales, want string }{
		{"order_id,member_id,amount,date,type\nO1,B,500,2026-01-10,\nO1,A,-100,2026-02-10,return\n",
			`sales.csv:3: column "member_id": the return of order O1 is by A, but the order is B's: a return names its order's own member`},
		{"order_id,member_id,amount,date,type\nO1,B,500,2026-01-10,\nO2,A,10,2026-01-11,\nO1,A,-100,2026-01-20,return\n",
			`sales.csv:4: column "member_id": the return of order O1 is by A, but the order is B's: a return names its order's own member`},
	} {
		d := mustData(t, members, c.sales, "")
		if err := replayErr(t, p, d, "01", "02"); err == nil || err.Error() != c.want {
			t.Errorf("replay: %v\nwant %s", err, c.want)
		}
		if err := chainErr(t, p, d, "01", "02"); err == nil || err.Error() != c.want {
			t.Errorf("chained: %v\nwant %s", err, c.want)
		}
		var ie *tree.InputError
		if err := chainErr(t, p, d, "01", "02"); !errors.As(err, &ie) {
			t.Errorf("not an input error: %v", err)
		}
	}
}

// TestReturnOfOrderWithoutEarnerLines: under returns: reverse, every order
// is remembered, even one that paid no earner line. B (terminated) earned nothing on O1 in January (its 50.00 retail is
// breakage); O1 returned in February is still O1's reversal: no volume
// (B's PV 0, not −500), nothing to reverse, and no "counted as volume"
// note. With a binary-only plan, O1 (B's 100 in A's left leg) is known
// too.
func TestReturnOfOrderWithoutEarnerLines(t *testing.T) {
	const plan = "name: r\ncurrency: USD\nreturns: reverse\ncomponents:\n  - {name: retail, type: personal, rate: 10%}\n"
	members := "id,sponsor_id,joined,terminated\nA,,2025-12-01,\nB,A,2025-12-01,2026-01-01\n"
	sales := "order_id,member_id,amount,date,type\nO1,B,500,2026-01-10,\nO1,B,-500,2026-02-10,return\n"
	rs := months(t, plan, members, sales, "01", "02")
	expectPeriod(t, rs[0], "Jan", map[string]string{"B": "- 500 500 0.00 | in 0.00 pay 0.00 out 0.00"})
	expectPeriod(t, rs[1], "Feb", map[string]string{"B": "- 0 0 0.00 | in 0.00 pay 0.00 out 0.00"})
	if len(rs[1].ReturnsAsVolume) != 0 {
		t.Errorf("February: %v", rs[1].ReturnsAsVolume)
	}
	if got := expectBreakage(rs[0]); got != "50" {
		t.Errorf("January's breakage %s, want 50", got)
	}

	const bplan = "name: b\ncurrency: USD\nreturns: reverse\ncomponents:\n  - {name: bin, type: binary, rate: 10%}\n"
	bmembers := "id,sponsor_id,joined,placement_id,leg\nA,,2025-12-01,,\nB,A,2025-12-01,A,L\nC,A,2025-12-01,A,R\n"
	bsales := "order_id,member_id,amount,date,type\nO1,B,100,2026-01-10,\nO2,C,100,2026-01-11,\nO1,B,-100,2026-02-10,return\n"
	rs = months(t, bplan, bmembers, bsales, "01", "02")
	if len(rs[1].ReturnsAsVolume) != 0 {
		t.Errorf("binary, February: %v", rs[1].ReturnsAsVolume)
	}
}

func expectBreakage(r *Result) string {
	var b int64
	for _, x := range r.Breakage {
		b += int64(x)
	}
	return fmt.Sprint(dec.D(b))
}

// clawLines returns the binary's reversal lines of r: "earner amount note".
func clawLines(t *testing.T, r *Result) string {
	t.Helper()
	var out []string
	if _, err := ComputeWith(r.Plan, r.Data, Options{carried: r.carried, Lines: func(res *Result, l *Line) error {
		if l.Reason == Reversed && res.Plan.Components[l.Component].Type == TypeBinary {
			out = append(out, fmt.Sprintf("%s %s %s", res.Org.ID(l.Earner), l.Amount, l.Note(res)))
		}
		return nil
	}}); err != nil {
		t.Fatal(err)
	}
	return strings.Join(out, "; ")
}

// TestBinaryReturnsReverse: under returns: reverse, a return takes its
// order's volume out of the legs it was counted in. A has B on the left
// and C on the right, 10% of the paired volume. Hand-computed:
//   - Same period: O1 100 by B, O2 100 by C, 40 of O1 returned in January:
//     A's legs are 60/100, pairing 60 (6.00), the right carries 40.
//   - Earlier period, partial returns: January pairs 100/100 and pays
//     10.00 (carry 0/0). February returns 30 of O1: the carry is 0, so the
//     30 was paired: −round(10.00 × 30/100) = −3.00; C's 50 in February
//     carries. March returns the other 70: cumulative 100/100 → 10.00, less
//     the 3.00 already clawed back: −7.00.
//   - The carry first: January B 300 (O1), C 100: pairs 100 (10.00),
//     carries 200 left. February returns 150 of O1: the carry-in 200 goes
//     to 50, nothing clawed back; the legs are 50/0 and 50 carries. March
//     returns the other 150: 50 from the carry, 100 was paired: −10.00
//     (all that pairing paid, never more).
//   - Carried, then paired (see below): the pairing of a later period
//     that used the order's carried volume is clawed back.
//   - Cumulative rounding: a cycle of 300/300 pays 1.00; O1's 300 returned
//     as 100 in each of February, March and April: targets 0.33, 0.67,
//     1.00: lines −0.33, −0.34, −0.33 (not −0.33 three times).
func TestBinaryReturnsReverse(t *testing.T) {
	const plan = "name: b\ncurrency: USD\nreturns: reverse\ncomponents:\n  - {name: bin, type: binary, %s}\n"
	members := "id,sponsor_id,joined,placement_id,leg\nA,,2025-12-01,,\nB,A,2025-12-01,A,L\nC,A,2025-12-01,A,R\n"
	head := "order_id,member_id,amount,date,type\n"
	rate := fmt.Sprintf(plan, "rate: 10%")

	rs := months(t, rate, members, head+"O1,B,100,2026-01-10,\nO2,C,100,2026-01-11,\nO1,B,-40,2026-01-20,return\n", "01")
	if got, want := legsRow(rs[0], "A"), "60/100 in 0/0 paired 60/60 out 0/40 flushed 0/0 true"; got != want {
		t.Errorf("same period: A %s\nwant %s", got, want)
	}
	expectTotals(t, rs[0], "bin 6.00/0.00 payout 6.00")

	rs = months(t, rate, members, head+"O1,B,100,2026-01-10,\nO2,C,100,2026-01-11,\nO1,B,-30,2026-02-10,return\nO3,C,50,2026-02-11,\nO1,B,-70,2026-03-10,return\n", "01", "02", "03")
	for i, want := range []string{
		"100/100 in 0/0 paired 100/100 out 0/0 flushed 0/0 true",
		"0/50 in 0/0 paired 0/0 out 0/50 flushed 0/0 true",
		"0/50 in 0/50 paired 0/0 out 0/50 flushed 0/0 true",
	} {
		if got := legsRow(rs[i], "A"); got != want {
			t.Errorf("partial, period %d: A %s\nwant %s", i+1, got, want)
		}
	}
	expectPeriod(t, rs[1], "Feb", map[string]string{"A": "- 0 50 -3.00 | in 0.00 pay 0.00 out -3.00"})
	expectPeriod(t, rs[2], "Mar", map[string]string{"A": "- 0 0 -7.00 | in -3.00 pay 0.00 out -10.00"})
	if got, want := clawLines(t, rs[1]), "A -3 return of order O1: binary clawback of 30/0 of the 100/100 paired 1 period earlier that paid 10.00"; got != want {
		t.Errorf("February's clawback: %s\nwant %s", got, want)
	}
	if got, want := clawLines(t, rs[2]), "A -7 return of order O1: binary clawback of 100/0 of the 100/100 paired 2 periods earlier that paid 10.00"; got != want {
		t.Errorf("March's clawback: %s\nwant %s", got, want)
	}

	rs = months(t, rate, members, head+"O1,B,300,2026-01-10,\nO2,C,100,2026-01-11,\nO1,B,-150,2026-02-10,return\nO1,B,-150,2026-03-10,return\n", "01", "02", "03")
	for i, want := range []string{
		"300/100 in 0/0 paired 100/100 out 200/0 flushed 0/0 true",
		"50/0 in 50/0 paired 0/0 out 50/0 flushed 0/0 true",
		"0/0 in 0/0 paired 0/0 out 0/0 flushed 0/0 true",
	} {
		if got := legsRow(rs[i], "A"); got != want {
			t.Errorf("carry first, period %d: A %s\nwant %s", i+1, got, want)
		}
	}
	expectTotals(t, rs[1], "bin 0.00/0.00 payout 0.00")
	expectTotals(t, rs[2], "bin -10.00/0.00 payout 0.00")

	// Carried, then paired: January's O1 (B 100) carries 100 left; C's
	// 100 in February pairs it (10.00). March returns O1: the carry-in is
	// 0, January paired nothing, February's pairing held it: −10.00.
	rs = months(t, rate, members, head+"O1,B,100,2026-01-10,\nO2,C,100,2026-02-11,\nO1,B,-100,2026-03-10,return\n", "01", "02", "03")
	if got, want := clawLines(t, rs[2]), "A -10 return of order O1: binary clawback of 100/0 of the 100/100 paired 1 period earlier that paid 10.00"; got != want {
		t.Errorf("carried, then paired: %s\nwant %s", got, want)
	}

	cycle := fmt.Sprintf(plan, "cycle: {left: 300, right: 300, amount: 1}")
	rs = months(t, cycle, members, head+"O1,B,300,2026-01-10,\nO2,C,300,2026-01-11,\nO1,B,-100,2026-02-10,return\nO1,B,-100,2026-03-10,return\nO1,B,-100,2026-04-10,return\n", "01", "02", "03", "04")
	var got []string
	for _, r := range rs[1:] {
		got = append(got, fmt.Sprint(r.Earned[0][r.Org.Lookup("A")]))
	}
	if strings.Join(got, " ") != "-0.33 -0.34 -0.33" {
		t.Errorf("cycle clawbacks %v, want -0.33 -0.34 -0.33", got)
	}
}

// TestBinaryCarryNeverNegative: under returns: volume, January pairs
// 100/100; February's return of 150 by B and C's 50 leave A's legs at
// −150/50: nothing pairs, the right carries 50 and the left carries 0,
// its shortfall of 150 flushed (a carry is never negative: it is a valid
// carry-in). March starts from 0/50.
func TestBinaryCarryNeverNegative(t *testing.T) {
	const plan = "name: b\ncurrency: USD\ncomponents:\n  - {name: bin, type: binary, rate: 10%}\n"
	members := "id,sponsor_id,joined,placement_id,leg\nA,,2025-12-01,,\nB,A,2025-12-01,A,L\nC,A,2025-12-01,A,R\n"
	sales := "order_id,member_id,amount,date,type\nO1,B,100,2026-01-10,\nO2,C,100,2026-01-11,\nO1,B,-150,2026-02-10,return\nO3,C,50,2026-02-11,\nO4,B,80,2026-03-01,\n"
	rs := months(t, plan, members, sales, "01", "02", "03")
	for i, want := range []string{
		"100/100 in 0/0 paired 100/100 out 0/0 flushed 0/0 true",
		"-150/50 in 0/0 paired 0/0 out 0/50 flushed -150/0 true",
		"80/50 in 0/50 paired 50/50 out 30/0 flushed 0/0 true",
	} {
		if got := legsRow(rs[i], "A"); got != want {
			t.Errorf("period %d: A %s\nwant %s", i+1, got, want)
		}
	}
}

// stateBytes is s as written.
func stateBytes(t *testing.T, s *State) string {
	t.Helper()
	var b strings.Builder
	if err := s.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// replayAndChain returns the state after the last month as replay writes
// it and as chained runs write it.
func replayAndChain(t *testing.T, p *Plan, d *tree.Data, ms ...string) (replayed, chained string) {
	t.Helper()
	periods := periodsOf(t, ms...)
	var last *Result
	if err := Replay(p, d, periods, Options{}, func(_ tree.Period, r *Result) error { last = r; return nil }, nil); err != nil {
		t.Fatal(err)
	}
	replayed = stateBytes(t, last.NextState(periods[len(periods)-1]))
	var state *State
	for _, pr := range periods {
		r, err := RunPeriod(p, d, pr, state, "state.json", Options{})
		if err != nil {
			t.Fatal(err)
		}
		chained = stateBytes(t, r.NextState(pr))
		if state, err = ReadState(strings.NewReader(chained), "state.json"); err != nil {
			t.Fatal(err)
		}
	}
	return replayed, chained
}

// TestReplayStateHoldsPendingOrders: replay's state after March is the
// chained runs' state byte for byte: it holds O2 and O3, which are not
// returned (yet), so April can reverse them; and a run continued from it
// reverses O3's return (B −20.00) as the chained one does.
func TestReplayStateHoldsPendingOrders(t *testing.T) {
	const plan = "name: r\ncurrency: USD\nreturns: reverse\ncomponents:\n  - {name: retail, type: personal, rate: 10%}\n  - {name: uni, type: unilevel, levels: [10%]}\n"
	p, err := Decode([]byte(plan), "plan.yaml")
	if err != nil {
		t.Fatal(err)
	}
	members := "id,sponsor_id,joined\nA,,2025-12-01\nB,A,2025-12-01\n"
	sales := "order_id,member_id,amount,date,type\nO1,B,500,2026-01-10,\nO1,B,-100,2026-02-10,return\nO2,A,100,2026-02-11,\nO3,B,200,2026-03-01,\nO3,B,-200,2026-04-02,return\n"
	d := mustData(t, members, sales, "")
	replayed, chained := replayAndChain(t, p, d, "01", "02", "03")
	if replayed != chained {
		t.Fatalf("replay's state:\n%s\nchained runs' state:\n%s", replayed, chained)
	}
	for _, o := range []string{`"order_id": "O2"`, `"order_id": "O3"`} {
		if !strings.Contains(replayed, o) {
			t.Errorf("replay's state lacks %s", o)
		}
	}
	s, err := ReadState(strings.NewReader(replayed), "after.json")
	if err != nil {
		t.Fatal(err)
	}
	apr := periodsOf(t, "04")[0]
	r, err := RunPeriod(p, d, apr, s, "after.json", Options{})
	if err != nil {
		t.Fatal(err)
	}
	expectPeriod(t, r, "Apr", map[string]string{"B": "- 0 0 -20.00 0.00 | in 0.00 pay 0.00 out -20.00"})
}

// TestAdjustmentsKeepThePlansIdentity: January with adjustments writes a
// state whose plan hash is the plan's own, so February (without them)
// reads it; the adjustment (A +3.50 on 10.00) is paid in January only.
func TestAdjustmentsKeepThePlansIdentity(t *testing.T) {
	const plan = "name: r\ncurrency: USD\ncomponents:\n  - {name: retail, type: personal, rate: 10%}\n"
	p, err := Decode([]byte(plan), "plan.yaml")
	if err != nil {
		t.Fatal(err)
	}
	members := "id,joined\nA,2025-12-01\n"
	sales := "member_id,amount,date\nA,100,2026-01-05\nA,50,2026-02-05\n"
	d := mustData(t, members, sales, "")
	if err := d.ReadAdjustments(strings.NewReader("member_id,amount,reason\nA,3.50,bonus\n"), "adj.csv"); err != nil {
		t.Fatal(err)
	}
	ps := periodsOf(t, "01", "02")
	jan, err := RunPeriod(p, d, ps[0], nil, "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	s := jan.NextState(ps[0])
	if s.PlanHash != p.Hash() {
		t.Errorf("state's plan hash %.12s, the plan's %.12s", s.PlanHash, p.Hash())
	}
	feb, err := RunPeriod(p, mustData(t, members, sales, ""), ps[1], s, "jan.json", Options{})
	if err != nil {
		t.Fatal(err)
	}
	expectPeriod(t, jan, "Jan", map[string]string{"A": "- 100 100 10.00 3.50 | in 0.00 pay 13.50 out 0.00"})
	expectPeriod(t, feb, "Feb", map[string]string{"A": "- 50 50 5.00 | in 0.00 pay 5.00 out 0.00"})
}

// strictPlan and strictState are a valid state for strictPlan over
// strictMembers, which each case of TestStateStrict breaks.
const (
	strictPlan    = "name: s\ncurrency: USD\nreturns: reverse\ncomponents:\n  - {name: retail, type: personal, rate: 10%}\n  - {name: bin, type: binary, rate: 10%}\n"
	strictMembers = "id,sponsor_id,joined,type\nA,,2025-12-01,\nB,A,2025-12-01,\nC,A,2025-12-01,\nD,A,2025-12-01,customer\n"
	strictState   = `{"version":1,"plan_sha256":"HASH","period":"2026-01","period_end":"2026-01-31","periods":1,
"members":[{"id":"A","carry_left":10,"balance":-5.5},{"id":"B","placement_id":"A","leg":"L"},{"id":"C","placement_id":"A","leg":"R"}],
"orders":[{"order_id":"O1","seller":"B","volume":100,"period_number":1,"lines":[{"earner":"B","component":"retail","amount":10}]}],
"pairings":[{"member":"A","period_number":1,"paid":10,"paired_left":100,"paired_right":100}]}`
)

// TestStateStrict: a state file is checked as strictly as the CSV files
// it stands for; each error names the file and where in it.
func TestStateStrict(t *testing.T) {
	p, err := Decode([]byte(strictPlan), "plan.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d := mustData(t, strictMembers, "order_id,member_id,amount,date\nO2,B,10,2026-02-03\n", "")
	feb := periodsOf(t, "02")[0]
	base := strings.Replace(strictState, "HASH", p.Hash(), 1)
	run := func(in string) error {
		s, err := ReadState(strings.NewReader(in), "s.json")
		if err != nil {
			return err
		}
		_, err = RunPeriod(p, d, feb, s, "s.json", Options{})
		return err
	}
	if err := run(base); err != nil {
		t.Fatalf("the valid state: %v", err)
	}
	for _, c := range []struct{ from, to, want string }{
		{`"carry_left":10`, `"carry_left":-10`, `s.json: members[0] ("A"): carry_left -10 is negative`},
		{`{"id":"C","placement_id":"A","leg":"R"}`, `{"id":"C","placement_id":"A","leg":"L"}`, `s.json: members[2] ("C"): C and B (members[1]) are both placed in the L leg of A`},
		{`{"id":"C","placement_id":"A","leg":"R"}`, `{"id":"A","placement_id":"B","leg":"R"}`, `s.json: members[2] ("A"): member A is in the state twice (also members[0])`},
		{`"balance":-5.5`, `"balance":-5.505`, `s.json: members[0] ("A"): balance -5.505 is finer than USD's 2 decimals`},
		{`"amount":10`, `"amount":10.001`, `s.json: orders[0] ("O1").lines[0]: amount 10.001 is finer than USD's 2 decimals`},
		{`{"earner":"B"`, `{"earner":"Z"`, `s.json: orders[0] ("O1").lines[0]: earner "Z" is not in the members file`},
		{`"component":"retail"`, `"component":"bonus"`, `s.json: orders[0] ("O1").lines[0]: component "bonus" is not a component of the plan`},
		{`"seller":"B"`, `"seller":"Y"`, `s.json: orders[0] ("O1"): seller "Y" is not in the members file`},
		{`"volume":100,`, `"volume":100,"returned":101,`, `s.json: orders[0] ("O1"): returned 101: expected 0 to the order's volume 100`},
		{`"period_number":1,"lines"`, `"period_number":2,"lines"`, `s.json: orders[0] ("O1"): period_number 2: expected 1 to periods (1)`},
		{`"balance":-5.5},`, `"balance":-5.5},{"id":"B","balance":99999999999999},{"id":"D","balance":99999999999999},`, `member B is in the state twice`},
		{`{"id":"A","carry_left":10,"balance":-5.5}`, `{"id":"A","balance":99999999999999},{"id":"X1","balance":99999999999999},{"id":"X2","balance":99999999999999},{"id":"X3","balance":99999999999999},{"id":"X4","balance":99999999999999},{"id":"X5","balance":99999999999999},{"id":"X6","balance":99999999999999},{"id":"X7","balance":99999999999999},{"id":"X8","balance":99999999999999},{"id":"X9","balance":99999999999999}`,
			`s.json: members[2] ("X2").balance: the state's figures add up beyond 230584300921369.3951, the exact range`},
		{`"paid":10,`, `"paid":10,"clawed_back":11,`, `s.json: pairings[0] ("A"): clawed_back 11: expected 0 to paid (10)`},
		{`"paid":10,`, `"paid":0,`, `s.json: pairings[0] ("A"): paid 0: a pairing kept for clawbacks paid above 0`},
		{`"paid":10,`, `"paid":10.005,`, `s.json: pairings[0] ("A"): paid 10.005 or clawed_back 0 is finer than USD's 2 decimals`},
		{`{"member":"A"`, `{"member":"Q"`, `s.json: pairings[0] ("Q"): member "Q" is not in the members file`},
		{`{"id":"C","placement_id":"A","leg":"R"}`, `{"id":"D","placement_id":"A","leg":"R"}`, `s.json: members[2] ("D"): D is a customer: customers are never placed`},
		{`"leg":"L"`, `"leg":"X"`, `s.json: members[1] ("B"): leg "X": expected L or R`},
		// Placements the state carries that make a cycle: with each other,
		// or with a member auto-placed now (B, sponsored by A, goes to the
		// bottom of A's leg, C, whom the state put under A, A under B).
		{`{"id":"A","carry_left":10,"balance":-5.5}`, `{"id":"A","carry_left":10,"balance":-5.5,"placement_id":"C","leg":"L"}`,
			`s.json: the binary placement it carries makes a placement cycle of 2 members: A is placed by the state under C is placed by the state under A; a member cannot be placed below itself; the state does not fit these members`},
		{`{"id":"A","carry_left":10,"balance":-5.5},{"id":"B","placement_id":"A","leg":"L"}`, `{"id":"A","carry_left":10,"balance":-5.5,"placement_id":"B","leg":"R"}`,
			`s.json: the binary placement it carries makes a placement cycle of 3 members: A is placed by the state under B is auto-placed under its sponsor's leg, at C is placed by the state under A; a member cannot be placed below itself`},
		{`"plan_sha256":"`, `"plan_sha256":"x`, `s.json: plan_sha256 "x`},
		{`"periods":1,`, `"periods":0,`, `s.json: periods 0: expected 1 or more`},
		{`]}`, `]} {}`, `s.json: not a compplan state file`},
	} {
		in := strings.Replace(base, c.from, c.to, 1)
		if in == base {
			t.Fatalf("case %q does not change the state", c.want)
		}
		if err := run(in); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v\nwant %s", err, c.want)
		} else if !strings.HasPrefix(err.Error(), "s.json: ") {
			t.Errorf("%v does not name the file", err)
		}
	}
	// The size limit: reading stops there, with an error naming the file.
	if _, err := readState(strings.NewReader(base), "big.json", int64(len(base)-1)); err == nil || !strings.HasPrefix(err.Error(), "big.json: larger than ") {
		t.Errorf("over the limit: %v", err)
	}
	if _, err := readState(strings.NewReader(base), "big.json", int64(len(base))); err != nil {
		t.Errorf("at the limit: %v", err)
	}
	if MaxStateBytes != 1<<30 {
		t.Errorf("MaxStateBytes %d, documented as 1 GiB", MaxStateBytes)
	}
}

// TestReadStateReadsItAll: ReadState reads its input to the end before it
// returns, and the state keeps nothing of the input's bytes: the file may
// be replaced at once (a rolling --state-in s.json --state-out s.json).
func TestReadStateReadsItAll(t *testing.T) {
	p, err := Decode([]byte(strictPlan), "plan.yaml")
	if err != nil {
		t.Fatal(err)
	}
	in := []byte(strings.Replace(strictState, "HASH", p.Hash(), 1))
	r := &countingReader{b: in}
	s, err := ReadState(r, "s.json")
	if err != nil {
		t.Fatal(err)
	}
	if !r.eof || r.n != len(in) {
		t.Errorf("read %d of %d bytes, at the end: %t", r.n, len(in), r.eof)
	}
	before := stateBytes(t, s)
	for i := range in {
		in[i] = 'x' // the file replaced
	}
	if after := stateBytes(t, s); after != before {
		t.Errorf("the state changed with its input:\n%s\n%s", before, after)
	}
}

type countingReader struct {
	b   []byte
	n   int
	eof bool
}

func (r *countingReader) Read(p []byte) (int, error) {
	if r.n == len(r.b) {
		r.eof = true
		return 0, io.EOF
	}
	k := copy(p, r.b[r.n:])
	r.n += k
	return k, nil
}
