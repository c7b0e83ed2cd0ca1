package plan

import (
	"strings"
	"testing"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// TestReturnWindowDays, by hand: returns: reverse with return_window_days:
// 30, retail 10%. A's orders O1 (100, 10 January) and O2 (100, 25 January);
// O3 (200, 10 February). O1's return on 5 February (26 days) reverses its
// 10.00 and leaves February's PV alone; O2's on 25 February (31 days) is
// past the window: counted as volume (PV 200 - 100 = 100), with a note;
// O4's (100, 28 January) on 27 February, exactly 30 days on, is reversed.
// February's total: 20.00 - 10.00 - 10.00 - 10.00 = -10.00.
// After February (ends the 28th) the state keeps O3 only (O1's window ended
// 9 February, O2's 24 February, O4's 27 February, and O5's, of 29 January,
// on the 28th itself: a return on 1 March would be 31 days on). By weeks the same: the same notes, the
// same PV and retail over February's weeks.
func TestReturnWindowDays(t *testing.T) {
	const plan = "name: d\ncurrency: USD\nreturns: reverse\nreturn_window_days: 30\ncomponents:\n  - {name: retail, type: personal, rate: 10%}\n"
	const members = "id,sponsor_id,joined\nA,,2025-01-01\n"
	const sales = "order_id,member_id,amount,date,type\nO1,A,100,2026-01-10,\nO2,A,100,2026-01-25,\nO3,A,200,2026-02-10,\nO1,A,-100,2026-02-05,return\nO2,A,-100,2026-02-25,return\nO4,A,100,2026-01-28,\nO4,A,-100,2026-02-27,return\nO5,A,100,2026-01-29,\n"
	rs := months(t, plan, members, sales, "01", "02")
	feb := rs[1]
	a := feb.Org.Lookup("A")
	if feb.PV[a] != dec.FromInt(100) || feb.Total(a).String() != "-10" || len(feb.ReturnsAsVolume) != 1 ||
		!strings.Contains(feb.ReturnsAsVolume[0], "return of order O2 by A counted as volume: it is past the return window of 30 days after the order's date, 2026-01-25") {
		t.Errorf("February: PV %s, total %s (20.00 on O3, -10.00 and -10.00 reversed, -10.00 as volume), notes %q", feb.PV[a], feb.Total(a), feb.ReturnsAsVolume)
	}
	st := feb.NextState(periodsOf(t, "02")[0])
	if len(st.Orders) != 1 || st.Orders[0].Order != "O3" || st.Orders[0].Date != "2026-02-10" {
		t.Errorf("February's state keeps %+v, want O3 of 2026-02-10 only", st.Orders)
	}
	jan := rs[0].NextState(periodsOf(t, "01")[0])
	if len(jan.Orders) != 4 {
		t.Errorf("January's state keeps %d orders, want O1, O2, O4 and O5", len(jan.Orders))
	}
	// Within one period too: with 10 days, O6 (1 March) returned on 20
	// March is past the window; O7 (5 March) returned on 15 March is not.
	short := strings.Replace(plan, "return_window_days: 30", "return_window_days: 10", 1)
	mar := months(t, short, members, "order_id,member_id,amount,date,type\nO6,A,100,2026-03-01,\nO6,A,-100,2026-03-20,return\nO7,A,50,2026-03-05,\nO7,A,-50,2026-03-15,return\n", "03")[0]
	if m := mar.Org.Lookup("A"); mar.PV[m] != dec.FromInt(50) || len(mar.ReturnsAsVolume) != 1 || !strings.Contains(mar.ReturnsAsVolume[0], "return of order O6 by A counted as volume: it is past the return window of 10 days after the order's date, 2026-03-01") {
		t.Errorf("March: PV %s, want 50 (150 less O6's 100 as volume; O7 reversed), notes %q", mar.PV[m], mar.ReturnsAsVolume)
	}
	// By ISO weeks: February's weeks add up to the month.
	p, err := Decode([]byte(plan), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d := mustData(t, members, sales, "")
	from, _ := tree.ParseDate([]byte("2026-01-05"))
	to, _ := tree.ParseDate([]byte("2026-03-01"))
	var pv, total dec.D
	var notes []string
	if err := Replay(p, d, tree.Periods(tree.Week, from, to), Options{}, func(pr tree.Period, r *Result) error {
		if pr.From >= dayOf("2026-02-02") {
			m := r.Org.Lookup("A")
			pv, total, notes = pv+r.PV[m], total+r.Total(m), append(notes, r.ReturnsAsVolume...)
		}
		return nil
	}, nil); err != nil {
		t.Fatal(err)
	}
	if pv != dec.FromInt(100) || total != dec.FromInt(-10) || len(notes) != 1 || notes[0] != feb.ReturnsAsVolume[0] {
		t.Errorf("by weeks: PV %s, total %s, notes %q", pv, total, notes)
	}
}

func TestReturnWindowDaysDecode(t *testing.T) {
	for _, c := range []struct{ plan, want string }{
		{"returns: reverse\nreturn_window: 2\nreturn_window_days: 30\n", "give return_window (periods) or return_window_days (days), not both"},
		{"returns: volume\nreturn_window_days: 30\n", "return_window_days is for returns: reverse"},
		{"returns: reverse\nreturn_window_days: 0\n", "return_window_days must be from 1 to 3660 days, not 0"},
		{"returns: reverse\nreturn_window_days: 3661\n", "return_window_days must be from 1 to 3660 days"},
	} {
		_, err := Decode([]byte("name: d\ncurrency: USD\n"+c.plan+"components:\n  - {name: r, type: personal, rate: 1%}\n"), "p.yaml")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v", c.plan, err)
		}
	}
	p, err := Decode([]byte("name: d\ncurrency: USD\nreturns: reverse\nreturn_window_days: 45\ncomponents:\n  - {name: r, type: personal, rate: 1%}\n"), "p.yaml")
	if err != nil || p.ReturnWindowDays != 45 || !strings.Contains(string(p.YAML()), "return_window_days: 45") || strings.Contains(string(p.YAML()), "return_window:") {
		t.Fatalf("%v\n%s", err, p.YAML())
	}
	q, err := Decode(p.YAML(), "again.yaml")
	if err != nil || q.Hash() != p.Hash() {
		t.Errorf("round trip: %v", err)
	}
}
