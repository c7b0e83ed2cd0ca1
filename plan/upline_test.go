package plan

import (
	"fmt"
	"strings"
	"testing"
)

// sellerLines renders, with show, every line whose source is seller's
// sales ("" skips a line).
func sellerLines(t *testing.T, r *Result, seller string, show func(r *Result, l *Line) string) string {
	t.Helper()
	var out []string
	s := r.Org.Lookup(seller)
	if _, err := ComputeWith(r.Plan, r.Data, Options{Lines: func(r *Result, l *Line) error {
		if l.Seller == s {
			if line := show(r, l); line != "" {
				out = append(out, line)
			}
		}
		return nil
	}}); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(out)
}

// earnerAmount is "earner:amount", breakage as "-".
func earnerAmount(r *Result, l *Line) string {
	earner := "-"
	if l.Earner >= 0 {
		earner = r.Org.ID(l.Earner)
	}
	return earner + ":" + string(l.Amount.AppendFixed(nil, r.Plan.Digits))
}

// linesOf renders who each level of seller's sales went to:
// "level:earner:amount".
func linesOf(t *testing.T, r *Result, seller string) string {
	return sellerLines(t, r, seller, func(r *Result, l *Line) string {
		if l.PaidLevel == 0 {
			return ""
		}
		return fmt.Sprintf("%d:%s", l.PaidLevel, earnerAmount(r, l))
	})
}

// TestDynamicVsDynamicRank: on the line Z ← A ← B ← C ← D, where B and C
// are Low (paid 1 level) and Z, A are High (paid 3), D's sale of 100:
//   - dynamic: level 2 is B, who is not paid on it (breakage); level 3 is A;
//   - dynamic-rank: B is skipped for level 2, which is A; level 3 is Z.
func TestDynamicVsDynamicRank(t *testing.T) {
	const plan = `
name: t
currency: USD
ranks: [{name: Low}, {name: High, pv: 100}]
components:
  - name: uni
    type: unilevel
    levels: [10%%, 5%%, 5%%]
    compression: %s
    paid_levels: {Low: 1, High: 3}
`
	members := "id,sponsor_id\nZ,\nA,Z\nB,A\nC,B\nD,C\n"
	sales := "member_id,amount\nZ,100\nA,100\nB,10\nC,10\nD,100\n"
	for _, tt := range []struct {
		mode string
		want string
	}{
		{"dynamic", "[1:C:10.00 2:-:5.00 3:A:5.00]"},
		{"dynamic-rank", "[1:C:10.00 2:A:5.00 3:Z:5.00]"},
	} {
		r := calc(t, fmt.Sprintf(plan, tt.mode), members, sales)
		if got := linesOf(t, r, "D"); got != tt.want {
			t.Errorf("%s: D's lines %s, want %s", tt.mode, got, tt.want)
		}
	}
}

// TestLevelsByRank: each rank has its own rates; the rest of the highest
// rate on a level is breakage. C sells 100: B (Low: 5% on level 1) is paid
// 5.00 of the level's 10.00, the other 5.00 is breakage; A (High) is paid
// level 2's 4%.
func TestLevelsByRank(t *testing.T) {
	const plan = `
name: t
currency: USD
ranks: [{name: Low}, {name: High, pv: 100}]
components:
  - name: uni
    type: unilevel
    levels_by_rank: {Low: [5%], High: [10%, 4%]}
`
	r := calc(t, plan, "id,sponsor_id\nA,\nB,A\nC,B\n", "member_id,amount\nA,100\nC,100\n")
	if got, want := linesOf(t, r, "C"), "[1:B:5.00 1:-:5.00 2:A:4.00]"; got != want {
		t.Errorf("C's lines %s, want %s", got, want)
	}
	// A's own 100 is above the top: 10.00 + 4.00 of breakage.
	expectTotals(t, r, "uni 9.00/19.00 payout 9.00")
}

// TestDifferentialBreakaway: stairstep rates Bronze 5%, Silver 10%, Gold and
// Diamond 15%; breakaway at Gold with generations [4%, 2%], Gold paid one
// generation and Diamond two. Ranks come from PV; sales by X and V carry
// QV 1 (so they hold no rank) and CV 1000.
//
//	TOP (Diamond) ← G2 (Gold) ← G1 (Gold) ← Z (Bronze) ← S (Silver) ← B (Bronze) ← X
//	                            G1 ← G0 (Gold) ← V
//
// X's 1000: B 5% = 50; S the 5% above B's 5% = 50; Z, Bronze 5%, is below
// the 10% already paid: nothing (a negative differential is not paid); G1
// the last 5% = 50 and, being Gold, leads the breakaway: the differential
// stops. Generation 1 is the next leader up, G2: 4% = 40; generation 2,
// TOP (Diamond, paid two): 2% = 20.
// V's 1000: G0 15% = 150 and leads; generation 1 G1 = 40; generation 2
// would be G2, but Gold is paid one generation: 20 of breakage.
func TestDifferentialBreakaway(t *testing.T) {
	const plan = `
name: t
currency: USD
ranks:
  - {name: Bronze, pv: 100}
  - {name: Silver, pv: 200}
  - {name: Gold, pv: 300}
  - {name: Diamond, pv: 400}
components:
  - name: stair
    type: differential
    rates: {Bronze: 5%, Silver: 10%, Gold: 15%, Diamond: 15%}
    breakaway:
      rank: Gold
      generations: [4%, 2%]
      paid_generations: {Gold: 1, Diamond: 2}
`
	members := "id,sponsor_id\nTOP,\nG2,TOP\nG1,G2\nZ,G1\nS,Z\nB,S\nX,B\nG0,G1\nV,G0\n"
	sales := "member_id,amount,qv\nTOP,400,\nG2,300,\nG1,300,\nZ,100,\nS,200,\nB,100,\nG0,300,\nX,1000,1\nV,1000,1\n"
	r := calc(t, plan, members, sales)
	lines := func(seller string) string {
		return sellerLines(t, r, seller, func(r *Result, l *Line) string {
			if l.PaidLevel > 0 {
				return fmt.Sprintf("g%d:%s", l.PaidLevel, earnerAmount(r, l))
			}
			return earnerAmount(r, l)
		})
	}
	if got, want := lines("X"), "[B:50.00 S:50.00 G1:50.00 g1:G2:40.00 g2:TOP:20.00]"; got != want {
		t.Errorf("X's lines %s\nwant        %s", got, want)
	}
	if got, want := lines("V"), "[G0:150.00 g1:G1:40.00 g2:-:20.00]"; got != want {
		t.Errorf("V's lines %s\nwant        %s", got, want)
	}
}

// TestMatchingTwoGenerations: a 10%/5% match of unilevel earnings. M earns
// 100.00 of unilevel (a 100% level 1 on S's 100). M's sponsor I is
// inactive: generation 1 (10.00) is breakage; generation 2 is T (5.00).
// I's own earnings (0) put up nothing.
func TestMatchingTwoGenerations(t *testing.T) {
	const plan = `
name: t
currency: USD
active: {pv: 10}
components:
  - {name: uni, type: unilevel, levels: [100%]}
  - {name: match, type: matching, of: [uni], generations: [10%, 5%]}
`
	r := calc(t, plan, "id,sponsor_id\nT,\nI,T\nM,I\nS,M\n", "member_id,amount\nT,10\nM,10\nS,100\n")
	// uni: S's 100 → M 100.00; M's 10 → I inactive: breakage 10; T's 10: above the top.
	// match of M's 100.00: gen 1 I (inactive) ✗10.00, gen 2 T 5.00.
	expectRows(t, r, map[string]string{
		"T": "- true 10 120 0.00 5.00",
		"I": "- false 0 110 0.00 0.00",
		"M": "- true 10 110 100.00 0.00",
	})
	expectTotals(t, r, "uni 100.00/20.00 match 5.00/10.00 payout 105.00")
}

// TestFastStartWindow: a 30-day window from joining on 2026-01-01 is
// joined ≤ date < joined + 30: the sale on 2026-01-30 (day 29) pays, the
// sale on 2026-01-31 (day 30) does not (a sale before joining is an input
// error, see tree's TestErrors).
func TestFastStartWindow(t *testing.T) {
	const plan = `
name: t
currency: USD
components:
  - {name: fast, type: fast_start, days: 30, levels: [20%, 10%]}
`
	members := "id,sponsor_id,joined\nA,,2025-01-01\nB,A,2025-06-01\nN,B,2026-01-01\n"
	sales := "member_id,amount,date\nN,100,2026-01-30\nN,1000,2026-01-31\nN,50,2026-01-01\n"
	r := calc(t, plan, members, sales)
	// Day 29: B 20.00, A 10.00; day 0: B 10.00, A 5.00.
	expectRows(t, r, map[string]string{"B": "- true 0 1150 30.00", "A": "- true 0 1150 15.00"})
	expectTotals(t, r, "fast 45.00/0.00 payout 45.00")
	// Without dates, a fast_start plan cannot run.
	p, _ := Decode([]byte(plan), "p.yaml")
	d := load(t, "id,sponsor_id,joined\nA,,2025-01-01\nB,A,\n", "member_id,amount,date\nA,5,2026-01-01\n")
	if _, err := Compute(p, d); err == nil || !strings.Contains(err.Error(), `members.csv:3: column "joined": no joined date: fast_start component fast needs every member's joined date`) {
		t.Errorf("error = %v", err)
	}
	d = load(t, "id,sponsor_id,joined\nA,,2025-01-01\n", "member_id,amount,date\nA,5,2026-01-01\nA,5,\n")
	if _, err := Compute(p, d); err == nil || !strings.Contains(err.Error(), `sales.csv:3: column "date": no date: fast_start component fast needs every sale's date`) {
		t.Errorf("error = %v", err)
	}
}
