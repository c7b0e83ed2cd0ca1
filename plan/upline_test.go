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
