package plan

import (
	"fmt"
	"strings"
	"testing"

	"github.com/compplan/compplan/tree/dec"
)

func TestCheckWarnings(t *testing.T) {
	tests := []struct{ name, src string }{
		{"levels paid to no rank", `
ranks: [{name: A}, {name: B, pv: 10}]
components:
  - {name: u, type: unilevel, levels: [5%, 4%, 3%], paid_levels: {A: 1, B: 2}}
`},
		{"dominated rank", `
ranks:
  - {name: Low, pv: 200}
  - {name: High, pv: 100}
components: [{name: r, type: personal, rate: 5%}]
`},
		{"rank without requirements above", `
ranks: [{name: A, pv: 5}, {name: B}]
components: [{name: r, type: personal, rate: 5%}]
`},
		{"nobody can earn", `
ranks: [{name: A}]
components:
  - {name: u, type: unilevel, levels: [5%], paid_levels: {A: 0}}
  - {name: r, type: personal, rate: 0%}
`},
		{"over the limit", `
components: [{name: u, type: unilevel, levels: [50%, 40%, 30%]}]
`},
		{"top rank paid fewer levels", `
ranks: [{name: A}, {name: B, pv: 100}]
components: [{name: u, type: unilevel, levels: [5%, 5%], paid_levels: {A: 2, B: 1}}]
`},
		{"families paying nothing", `
ranks: [{name: A}, {name: B, pv: 100}]
components:
  - {name: d, type: differential, rates: {A: 0%, B: 0%}}
  - {name: f, type: fast_start, days: 30, levels: [0%]}
  - {name: m, type: matching, of: [d], generations: [10%]}
`},
		{"clean", `
ranks: [{name: A}, {name: B, pv: 100, gv: 500, max_leg: 50%}, {name: C, pv: 100, gv: 500, legs: {count: 2, rank: B}}]
components: [{name: u, type: unilevel, levels: [5%, 5%], paid_levels: {A: 1, B: 2, C: 2}}]
`},
	}
	want := map[string][]string{
		"levels paid to no rank":          {"component u: levels 3 to 3 are paid to no rank: they are always breakage"},
		"dominated rank":                  {"rank Low can never be a paid-as rank: meeting its requirements meets those of High, which is higher"},
		"rank without requirements above": {"rank A can never be a paid-as rank: meeting its requirements meets those of B, which is higher"},
		"nobody can earn":                 {"component u: no rank is paid on any level with a rate above 0%: nobody can earn it", "component r pays 0%: nobody can earn it"},
		"over the limit":                  {"the plan can pay 120% of volume, more than 100%"},
		"top rank paid fewer levels":      {"component u: the top rank B is paid on fewer levels (1) than a lower rank (2)"},
		"families paying nothing": {"component d can pay nothing, even at the top rank: nobody can earn it",
			"component f can pay nothing, even at the top rank: nobody can earn it",
			"component m can pay nothing, even at the top rank: nobody can earn it"},
		"clean": nil,
	}
	for _, tt := range tests {
		p, err := Decode([]byte("name: x\ncurrency: USD\n"+tt.src), "p.yaml")
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		got := p.Check(dec.RateOne).Warnings
		if strings.Join(got, "\n") != strings.Join(want[tt.name], "\n") {
			t.Errorf("%s: warnings\n%q\nwant\n%q", tt.name, got, want[tt.name])
		}
	}
}

// TestCheckMaxIsReached: the theoretical maximum equals what a sale pays in
// a generated tree where every level above it is filled by an active member
// of the top rank. A complete binary tree where everyone has PV 2000: every
// member with children is Silver (two Bronze legs, 2000 + 1500 + 1500 ≥ 3000),
// so a leaf 6 deep has five Silver uplines.
func TestCheckMaxIsReached(t *testing.T) {
	p := examplePlan(t)
	var members, sales strings.Builder
	members.WriteString("id,sponsor_id\nm1,\n")
	sales.WriteString("order_id,member_id,amount\n")
	const n = 1<<7 - 1 // depths 0..6
	for i := 1; i <= n; i++ {
		if i > 1 {
			fmt.Fprintf(&members, "m%d,m%d\n", i, i/2)
		}
		fmt.Fprintf(&sales, "o%d,m%d,2000\n", i, i)
	}
	d := load(t, members.String(), sales.String())
	var paid dec.D
	leaf := d.Org.Lookup(fmt.Sprint("m", n))
	if _, err := ComputeWith(p, d, Options{Lines: func(r *Result, l *Line) error {
		if l.Seller == leaf && l.Earner >= 0 {
			if l.Earner != leaf && r.RankName(l.Earner) != "Silver" {
				t.Errorf("level %d is paid to %s, not Silver", l.PaidLevel, r.RankName(l.Earner))
			}
			paid += l.Amount
		}
		return nil
	}}); err != nil {
		t.Fatal(err)
	}
	max := p.Check(dec.RateOne).Total
	if want := dec.MulRound(dec.FromInt(2000), max, 2, dec.HalfEven); paid != want {
		t.Errorf("the leaf's sale paid %s, check's maximum %s of 2000 is %s", paid, max, want)
	}
}
