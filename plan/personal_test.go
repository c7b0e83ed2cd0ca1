package plan

import (
	"strings"
	"testing"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// TestPersonalTiers, by hand: tiers 5% from PV 100, 8% from PV 200. A's
// PV 99.99 is below the lowest tier: 0%, and nothing put up. B's PV is 100
// exactly (60 of its own and 40 of its customer E's): 5% of each sale, 3.00
// + 2.00. C's 200 exactly: 8%, 12.00 + 4.00. T (terminated, PV 300): 8% =
// 24.00 of breakage.
func TestPersonalTiers(t *testing.T) {
	r := calc(t, `name: t
currency: USD
components:
  - {name: retail, type: personal, tiers: [{pv: 100, rate: 5%}, {pv: 200, rate: 8%}]}
`, "id,sponsor_id,type,terminated\nA,,,\nB,A,,\nE,B,customer,\nC,A,,\nT,A,,2026-01-01\n",
		"member_id,amount\nA,99.99\nB,60\nE,40\nC,150\nC,50\nT,300\n")
	want := map[string]dec.D{"A": 0, "B": 5 * dec.One, "E": 0, "C": 16 * dec.One, "T": 0}
	for id, w := range want {
		if got := r.Total(r.Org.Lookup(id)); got != w {
			t.Errorf("%s earned %s, want %s", id, got, w)
		}
	}
	if r.Paid[0] != 21*dec.One || r.Breakage[0] != 24*dec.One {
		t.Errorf("paid %s, breakage %s; want 21, 24", r.Paid[0], r.Breakage[0])
	}
}

// TestPersonalRatesByRank, by hand: rates {Gold: 10%}. G (Gold, PV 500)
// earns 50.00; Z (Bronze, PV 100: not listed) and N (no rank, PV 50) earn
// 0%; F holds a Gold floor with PV 20: paid as Gold, 2.00. Over two months
// with rank_grace 2, G's February PV of 100 qualifies Bronze only, but G is
// paid as Gold by grace: 10.00.
func TestPersonalRatesByRank(t *testing.T) {
	plan := `name: t
currency: USD
rank_grace: 2
ranks: [{name: Bronze, pv: 100}, {name: Gold, pv: 500}]
components:
  - {name: retail, type: personal, rates: {Gold: 10%}}
`
	members := "id,sponsor_id,rank,joined\nG,,,2026-01-01\nZ,G,,2026-01-01\nN,G,,2026-01-01\nF,G,Gold,2026-01-01\n"
	sales := "member_id,amount,date\nG,500,2026-01-05\nZ,100,2026-01-05\nN,50,2026-01-05\nF,20,2026-01-05\nG,100,2026-02-05\n"
	p, err := Decode([]byte(plan), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d := mustData(t, members, sales, "")
	var got []string
	err = Replay(p, d, periodsOf(t, "01", "02"), Options{}, func(pr tree.Period, r *Result) error {
		for _, id := range []string{"G", "Z", "N", "F"} {
			m := r.Org.Lookup(id)
			got = append(got, pr.Name+" "+id+" "+r.RankName(m)+" "+string(r.Total(m).AppendFixed(nil, 2)))
		}
		return nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "2026-01 G Gold 50.00|2026-01 Z Bronze 0.00|2026-01 N  0.00|2026-01 F Gold 2.00|" +
		"2026-02 G Gold 10.00|2026-02 Z Bronze 0.00|2026-02 N  0.00|2026-02 F Gold 0.00"
	if s := strings.Join(got, "|"); s != want {
		t.Errorf("got  %s\nwant %s", s, want)
	}
}

// TestPersonalDecode: rate, rates and tiers are exclusive; tiers go up;
// each form round-trips and describes itself.
func TestPersonalDecode(t *testing.T) {
	const head = "name: t\ncurrency: USD\nranks: [{name: A}, {name: B}]\ncomponents:\n  - {name: p, type: personal, "
	for _, c := range []struct{ body, want string }{
		{"rate: 5%}", "5% of own volume"},
		{"rates: {B: 7%}}", "of own volume at the paid-as rank's rate: A 0%, B 7%"},
		{"tiers: [{pv: 0, rate: 5%}, {pv: 200, rate: 8%}]}", "of own volume at the tier of the period's PV: 5% from PV 0, 8% from PV 200"},
	} {
		p, err := Decode([]byte(head+c.body+"\n"), "p.yaml")
		if err != nil {
			t.Fatalf("%s: %v", c.body, err)
		}
		if got := p.Components[0].Describe(p); got != c.want {
			t.Errorf("%s: describe %q, want %q", c.body, got, c.want)
		}
		q, err := Decode(p.YAML(), "again.yaml")
		if err != nil || q.Hash() != p.Hash() || string(q.YAML()) != string(p.YAML()) {
			t.Errorf("%s: round trip: %v\n%s", c.body, err, p.YAML())
		}
	}
	for _, c := range []struct{ body, want string }{
		{"rate: 5%, tiers: [{pv: 0, rate: 5%}]}", "a personal component needs one of rate"},
		{"}", "a personal component needs one of rate"},
		{"tiers: [{pv: 200, rate: 5%}, {pv: 200, rate: 8%}]}", "tier pv 200 is not above the tier before it (200)"},
		{"tiers: [{pv: 100}]}", "a tier needs pv and rate"},
		{"tiers: []}", "tiers must be a list"},
		{"rates: {C: 5%}}", `rates rank "C"`},
	} {
		if _, err := Decode([]byte(head+c.body+"\n"), "p.yaml"); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.body, err, c.want)
		}
	}
	if _, err := Decode([]byte("name: t\ncurrency: USD\ncomponents: [{name: p, type: personal, rates: {A: 5%}}]\n"), "p.yaml"); err == nil || !strings.Contains(err.Error(), "rates needs ranks") {
		t.Errorf("rates without ranks: %v", err)
	}
}
