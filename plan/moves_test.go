package plan

import (
	"strings"
	"testing"

	"github.com/compplan/compplan/tree"
)

// TestMovesOverPeriods, by hand: unilevel 10% and 5%. A sponsors B and D, B
// sponsors C, C sponsors E. C moves under D on 1 March with its downline
// (E); E moves under A on 15 April (April's tree is that of 30 April). C and
// E sell 100 a month.
//
//   - February: E's 100 pays C 10.00 and B 5.00; C's pays B 10.00 and A 5.00.
//   - March: E's pays C 10.00 and D 5.00 (C's new sponsor); C's pays D
//     10.00 and A 5.00.
//   - April: E's pays A 10.00, and its 5.00 of level 2 is breakage (A is
//     a root); C's pays D 10.00 and A 5.00.
//
// Replay and the chained runs agree (months).
func TestMovesOverPeriods(t *testing.T) {
	const plan = "name: m\ncurrency: USD\ncomponents:\n  - {name: uni, type: unilevel, levels: [10%, 5%]}\n"
	members := "id,sponsor_id,joined\nA,,2025-01-01\nB,A,2025-01-01\nC,B,2025-01-01\nD,A,2025-01-01\nE,C,2025-01-01\n"
	var sales strings.Builder
	sales.WriteString("member_id,amount,date\n")
	for _, m := range []string{"02", "03", "04"} {
		sales.WriteString("E,100,2026-" + m + "-10\nC,100,2026-" + m + "-10\n")
	}
	moves := "member_id,sponsor_id,date\nE,A,2026-04-15\nC,D,2026-03-01\n"
	rs := monthsWith(t, plan, members, sales.String(), func(d *tree.Data) error {
		return d.ReadMoves(strings.NewReader(moves), "moves.csv")
	}, "02", "03", "04")
	want := []map[string]string{
		{"A": "5.00", "B": "15.00", "C": "10.00", "D": "0.00", "E": "0.00"},
		{"A": "5.00", "B": "0.00", "C": "10.00", "D": "15.00", "E": "0.00"},
		{"A": "15.00", "B": "0.00", "C": "0.00", "D": "10.00", "E": "0.00"},
	}
	for i, r := range rs {
		for id, w := range want[i] {
			if got := string(r.Total(r.Org.Lookup(id)).AppendFixed(nil, 2)); got != w {
				t.Errorf("month %d: %s earns %s, want %s", i+2, id, got, w)
			}
		}
	}
	expectTotals(t, rs[2], "uni 25.00/5.00 payout 25.00")
}
