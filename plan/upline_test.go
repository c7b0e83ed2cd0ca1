package plan

import (
	"fmt"
	"testing"
)

// linesOf returns who each unilevel level of seller's sales went to:
// "level:earner:amount", breakage as "-".
func linesOf(t *testing.T, r *Result, seller string) []string {
	t.Helper()
	var out []string
	s := r.Org.Lookup(seller)
	if _, err := ComputeWith(r.Plan, r.Data, Options{Lines: func(r *Result, l *Line) error {
		if l.Seller == s && l.PaidLevel > 0 {
			earner := "-"
			if l.Earner >= 0 {
				earner = r.Org.ID(l.Earner)
			}
			out = append(out, fmt.Sprintf("%d:%s:%s", l.PaidLevel, earner, l.Amount.AppendFixed(nil, 2)))
		}
		return nil
	}}); err != nil {
		t.Fatal(err)
	}
	return out
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
		if got := fmt.Sprint(linesOf(t, r, "D")); got != tt.want {
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
	if got, want := fmt.Sprint(linesOf(t, r, "C")), "[1:B:5.00 1:-:5.00 2:A:4.00]"; got != want {
		t.Errorf("C's lines %s, want %s", got, want)
	}
	// A's own 100 is above the top: 10.00 + 4.00 of breakage.
	if got, want := totals(r), "uni 9.00/19.00 payout 9.00"; got != want {
		t.Errorf("totals %s, want %s", got, want)
	}
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
		var out []string
		s := r.Org.Lookup(seller)
		if _, err := ComputeWith(r.Plan, r.Data, Options{Lines: func(r *Result, l *Line) error {
			if l.Seller == s {
				who := "-"
				if l.Earner >= 0 {
					who = r.Org.ID(l.Earner)
				}
				gen := ""
				if l.PaidLevel > 0 {
					gen = fmt.Sprintf("g%d:", l.PaidLevel)
				}
				out = append(out, gen+who+":"+string(l.Amount.AppendFixed(nil, 2)))
			}
			return nil
		}}); err != nil {
			t.Fatal(err)
		}
		return fmt.Sprint(out)
	}
	if got, want := lines("X"), "[B:50.00 S:50.00 G1:50.00 g1:G2:40.00 g2:TOP:20.00]"; got != want {
		t.Errorf("X's lines %s\nwant        %s", got, want)
	}
	if got, want := lines("V"), "[G0:150.00 g1:G1:40.00 g2:-:20.00]"; got != want {
		t.Errorf("V's lines %s\nwant        %s", got, want)
	}
}
