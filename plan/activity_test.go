package plan

import (
	"fmt"
	"strings"
	"testing"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

const activityPlan = `name: Activity
currency: USD
active: {pv: 100, window: 2, order_types: [Autoship], new_member_periods: 2}
components:
  - {name: unilevel, type: unilevel, levels: [10%]}
`

// TestActivity works active's window, order_types and new_member_periods
// by hand over four months (months: by replay and by chained runs through
// the state's JSON, which carries recent_pv). Active: PV over this month
// and the one before ≥ 100; or an order of type Autoship (any case, a
// customer's crediting their distributor); or one of a member's first 2
// months. A sponsors B, C and D; K is B's customer; C joins on 10 Feb.
//
//	         Jan            Feb                 Mar                   Apr
//	A PV     60: 60 no      50: 110 yes         0: 50 no              120: 120 yes
//	B PV     30: 30 no      20 AUTOSHIP: yes    30 (K's autoship): yes 0: 30 no
//	C PV     -              0: new (1st)        10: new (2nd)         50: 60 no
//	D PV     40: 40 no      80: 120 yes         20: 100 yes (exactly) 0: 20 no
//
// A's unilevel, 10% of B's, C's and D's (and K's, as B's) sales: Jan 7.00
// breakage (inactive), Feb 10.00, Mar 6.00 breakage, Apr 5.00.
func TestActivity(t *testing.T) {
	members := "id,sponsor_id,name,joined,type\n" +
		"A,,Ann,2025-06-01,\nB,A,Ben,2025-06-01,\nD,A,Dee,2025-06-01,\nK,B,Kim,2025-06-01,customer\nC,A,Cat,2026-02-10,\n"
	sales := "member_id,amount,date,type\n" +
		"A,60,2026-01-05,\nB,30,2026-01-05,\nD,40,2026-01-05,\n" +
		"A,50,2026-02-05,\nB,20,2026-02-05,AUTOSHIP\nD,80,2026-02-05,\n" +
		"K,30,2026-03-05,autoship\nC,10,2026-03-05,\nD,20,2026-03-05,\n" +
		"A,120,2026-04-05,\nC,50,2026-04-05,\n"
	rs := months(t, activityPlan, members, sales, "01", "02", "03", "04")
	why := map[uint8]string{NotActive: "no", ActiveByPV: "pv", ActiveByOrder: "order", ActiveAsNew: "new"}
	want := []string{
		"A 60/60 no; B 30/30 no; D 40/40 no | A 0.00, breakage 7.00",
		"A 50/110 pv; B 20/50 order; C 0/0 new; D 80/120 pv | A 10.00, breakage 0.00",
		"A 0/50 no; B 30/50 order; C 10/10 new; D 20/100 pv | A 0.00, breakage 6.00",
		"A 120/120 pv; B 0/30 no; C 50/60 no; D 0/20 no | A 5.00, breakage 0.00",
	}
	for i, r := range rs {
		var rows []string
		for _, id := range []string{"A", "B", "C", "D"} {
			m := r.Org.Lookup(id)
			if m < 0 {
				continue
			}
			if r.Active[m] != (r.ActiveBy[m] != NotActive) {
				t.Errorf("month %d %s: active %t, by %d", i+1, id, r.Active[m], r.ActiveBy[m])
			}
			rows = append(rows, fmt.Sprintf("%s %s/%s %s", id, r.PV[m], r.ActivePV(m), why[r.ActiveBy[m]]))
		}
		a := r.Org.Lookup("A")
		got := strings.Join(rows, "; ") + fmt.Sprintf(" | A %s, breakage %s", r.Earned[0][a].AppendFixed(nil, 2), r.Breakage[0].AppendFixed(nil, 2))
		// A's own sales are above the top of the tree: breakage too.
		got = strings.Replace(got, "breakage "+string(r.Breakage[0].AppendFixed(nil, 2)), "breakage "+string((r.Breakage[0]-aboveTop(r)).AppendFixed(nil, 2)), 1)
		if got != want[i] {
			t.Errorf("month %d:\n got %s\nwant %s", i+1, got, want[i])
		}
	}
	// Why, as explain says it.
	for _, c := range []struct {
		month int
		id    string
		want  string
	}{
		{1, "A", "yes (PV over the last 2 periods 110 ≥ 100)"},
		{1, "B", "yes (an order of type Autoship; PV over the last 2 periods 50 < 100)"},
		{1, "C", "yes (one of a new member's first 2 periods; PV over the last 2 periods 0 < 100)"},
		{2, "A", "no (PV over the last 2 periods 50 < 100)"},
		{2, "K", "no (a customer)"},
	} {
		r := rs[c.month]
		if got := r.ActiveReason(r.Org.Lookup(c.id)); got != c.want {
			t.Errorf("month %d %s: %q, want %q", c.month+1, c.id, got, c.want)
		}
	}
	if got, want := rs[2].Unlock(rs[2].Org.Lookup("A"), &Line{Reason: Inactive}), "be active: PV over the last 2 periods 50 of 100 needed, or an order of type Autoship"; got != want {
		t.Errorf("unlock %q, want %q", got, want)
	}
}

// aboveTop is the breakage of lines above the top of the tree.
func aboveTop(r *Result) (s dec.D) {
	_, err := ComputeWith(r.Plan, r.Data, Options{carried: r.carried, Lines: func(_ *Result, l *Line) error {
		if l.Reason == AboveTop {
			s += l.Amount
		}
		return nil
	}})
	if err != nil {
		panic(err)
	}
	return s
}

func TestActivityDecode(t *testing.T) {
	p, err := Decode([]byte(activityPlan), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.DescribeActive(), "pv over the last 2 periods ≥ 100; or an order of type Autoship; or one of a member's first 2 periods (the period they join is the first)"; got != want {
		t.Errorf("describe:\n%s\nwant\n%s", got, want)
	}
	if q, err := Decode(p.YAML(), "again.yaml"); err != nil || q.Hash() != p.Hash() || !strings.Contains(string(p.YAML()), "active:\n    pv: \"100\"\n    window: 2\n    order_types: [Autoship]\n    new_member_periods: 2\n") {
		t.Errorf("round trip: %v\n%s", err, p.YAML())
	}
	// A plan with pv alone keeps its canonical form, and so its hash.
	plain, _ := Decode([]byte("name: x\ncurrency: USD\nactive: {pv: 50}\ncomponents: [{name: u, type: unilevel, levels: [5%]}]\n"), "p.yaml")
	if strings.Contains(string(plain.YAML()), "window") {
		t.Errorf("pv alone:\n%s", plain.YAML())
	}
	const head = "name: x\ncurrency: USD\ncomponents: [{name: u, type: unilevel, levels: [5%]}]\nactive: "
	for _, c := range []struct{ active, want string }{
		{"{window: 2}", "active needs pv"},
		{"{pv: 50, window: 0}", "active window"},
		{"{pv: 50, window: 25}", "active window"},
		{"{pv: 50, order_types: autoship}", "active order_types must be a list of sale types"},
		{"{pv: 50, order_types: [autoship, AutoShip]}", `sale type "AutoShip" is listed twice`},
		{"{pv: 50, order_types: [return]}", "a return is not an order"},
		{"{pv: 50, new_member_periods: 25}", "active new_member_periods must be at most 24 periods"},
		{"{pv: 50, new_member_periods: -1}", "new_member_periods"},
		{"{pv: 50, grace: 1}", "grace"},
	} {
		if _, err := Decode([]byte(head+c.active+"\n"), "p.yaml"); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.active, err, c.want)
		}
	}
	// new_member_periods counts months or weeks from every member's joining.
	d := mustData(t, "id,sponsor_id,joined\nA,,2026-01-01\n", "member_id,amount,date\nA,10,2026-01-05\n", "")
	if _, err := Compute(p, d); err == nil || !strings.Contains(err.Error(), "active new_member_periods counts periods from a member's joining: give a month or a week") {
		t.Errorf("no period: %v", err)
	}
	from, _ := tree.ParseDate([]byte("2026-01-01"))
	span, _ := tree.Range(from, from+14)
	if _, err := RunPeriod(p, d, span, nil, "", Options{}); err == nil || !strings.Contains(err.Error(), "give a month or a week") {
		t.Errorf("a span of days: %v", err)
	}
	unjoined := mustData(t, "id,sponsor_id,joined\nA,,2026-01-01\nB,A,\n", "member_id,amount,date\nA,10,2026-01-05\n", "")
	if _, err := RunPeriod(p, unjoined, periodsOf(t, "01")[0], nil, "", Options{}); err == nil || !strings.Contains(err.Error(), "no joined date: active new_member_periods needs every member's joined date") {
		t.Errorf("unjoined: %v", err)
	}
}
