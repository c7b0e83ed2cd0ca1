package plan

import (
	"fmt"
	"strings"
	"testing"
)

// TestRankWindow works rank_window: 2 by hand over three months (by replay
// and by chained runs through the state, which carries recent_pv and
// recent_gv). Ranks: Bronze PV 100; Silver GV 500 with max_leg 60% (at
// most 300 from a leg); Gold 2 legs of GV 200 or more. A sponsors B and C.
//
//	      Jan PV  Feb PV  Mar PV
//	A       60      50       0
//	B      150     100       0
//	C       50     200       0
//
// Jan (no earlier month): A 60, GV 260: no rank; B Bronze; C none.
// Feb, over Jan and Feb: A's PV 110 (Bronze), GV 610 with legs B 250 and C
// 250, each under 300 (Silver), two legs of 200 or more (Gold): Gold, the
// highest. Feb alone would give A nothing (PV 50, GV 350, one leg of 200).
// B 250: Bronze; C 250: Bronze. Mar, over Feb and Mar: A PV 50, GV 350,
// legs 100 and 200: none; B 100 Bronze; C 200 Bronze.
func TestRankWindow(t *testing.T) {
	const plan = `name: w
currency: USD
rank_window: 2
ranks:
  - {name: Bronze, pv: 100}
  - {name: Silver, gv: 500, max_leg: 60%}
  - {name: Gold, legs: {count: 2, gv: 200}}
components:
  - {name: retail, type: personal, rate: 10%}
`
	members := "id,sponsor_id,joined\nA,,2025-01-01\nB,A,2025-01-01\nC,A,2025-01-01\n"
	sales := "member_id,amount,date\nA,60,2026-01-02\nB,150,2026-01-02\nC,50,2026-01-02\n" +
		"A,50,2026-02-02\nB,100,2026-02-02\nC,200,2026-02-02\nA,0,2026-03-02\n"
	// An active window longer than the rank window carries more PV: the
	// ranks still read two months.
	longer := months(t, strings.Replace(plan, "rank_window: 2\n", "rank_window: 2\nactive: {pv: 0, window: 3}\n", 1), members, sales, "01", "02", "03")
	rs := months(t, plan, members, sales, "01", "02", "03")
	want := []string{"A - 60/260; B Bronze 150/150; C - 50/50", "A Gold 50/350; B Bronze 100/100; C Bronze 200/200", "A - 0/0; B Bronze 0/0; C Bronze 0/0"}
	for i, r := range append(rs, longer...) {
		i %= len(rs)
		var rows []string
		for _, id := range []string{"A", "B", "C"} {
			m := r.Org.Lookup(id)
			rank := r.RankName(m)
			if rank == "" {
				rank = "-"
			}
			rows = append(rows, fmt.Sprintf("%s %s %s/%s", id, rank, r.PV[m], r.GV[m]))
		}
		if got := strings.Join(rows, "; "); got != want[i] {
			t.Errorf("month %d:\n got %s\nwant %s", i+1, got, want[i])
		}
	}
	// What a rank needed and had, as explain says it: over the window.
	p := rs[1].Plan
	a := rs[1].Org.Lookup("A")
	var got []string
	for _, c := range rs[1].CheckRanks(a) {
		for _, q := range c.Requirements {
			got = append(got, fmt.Sprintf("%s %s: %s of %s %t", p.Ranks[c.Rank].Name, q.What, q.Have, q.Need, q.Met))
		}
	}
	if s, want := strings.Join(got, "; "), "Gold legs: 2 of 2 legs with a volume of 200 or more true; Silver qualifying gv: 610 (gv 610) of 500, each leg counting at most 300 true; Bronze pv: 110 of 100 true"; s != want {
		t.Errorf("A's requirements in February:\n%s\nwant\n%s", s, want)
	}
	q, err := Decode(p.YAML(), "again.yaml")
	if err != nil || q.Hash() != p.Hash() || !strings.Contains(string(p.YAML()), "rank_window: 2") {
		t.Errorf("round trip: %v\n%s", err, p.YAML())
	}
	if _, err := Decode([]byte(strings.Replace(plan, "rank_window: 2", "rank_window: 0", 1)), "p.yaml"); err == nil || !strings.Contains(err.Error(), "rank_window") {
		t.Errorf("rank_window 0: %v", err)
	}
}
