package plan

import (
	"testing"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// TestLineSource: explain's words for where a line comes from, for every
// family that has its own, the generic reasons before them, and the level
// or own sale of the others.
func TestLineSource(t *testing.T) {
	p, err := Decode([]byte(`name: s
currency: USD
ranks: [{name: A}, {name: B}]
components:
  - {name: retail, type: personal, rate: 10%}
  - {name: uni, type: unilevel, levels: [5%]}
  - {name: diff, type: differential, rates: {A: 5%, B: 10%}, breakaway: {rank: B, generations: [2%]}}
  - {name: match, type: matching, of: [uni], generations: [10%]}
  - {name: pool, type: pool, percent: 1%, shares: {B: 1}}
  - {name: bin, type: binary, rate: 10%}
`), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d := mustData(t, "id,sponsor_id\nS,\nE,S\n", "member_id,amount\nS,10\n", "")
	res := &Result{Plan: p, Org: d.Org}
	s, e := d.Org.Lookup("S"), d.Org.Lookup("E")
	for _, c := range []struct {
		comp   int
		line   Line
		source string
	}{
		{0, Line{Seller: s, Earner: s}, "own sale"},
		{1, Line{Seller: s, Earner: e, PaidLevel: 1}, "level 1 from S"},
		{2, Line{Seller: s, Earner: e, PaidLevel: 2}, "breakaway generation 2 from S"},
		{2, Line{Seller: s, Earner: s}, "own sale, differential"},
		{2, Line{Seller: s, Earner: e, Level: 3}, "differential on S, 3 up"},
		{3, Line{Seller: s, Earner: e, PaidLevel: 1}, "generation 1 on S's earnings"},
		{4, Line{Seller: -1, Earner: e}, "pool share"},
		{5, Line{Seller: -1, Earner: e}, "paired legs"},
		{1, Line{Seller: s, Earner: e, PaidLevel: 1, Reason: Capped}, "cap"},
		{4, Line{Seller: -1, Earner: e, Reason: MemberCapped}, "cap"},
		{5, Line{Seller: -1, Earner: e, Reason: Scaled}, "payout cap"},
		{0, Line{Seller: s, Earner: s, Reason: Reversed}, "return: reversed share of"},
	} {
		c.line.Component = c.comp
		if got := res.LineSource(&c.line); got != c.source {
			t.Errorf("%s line %+v: source %q, want %q", p.Components[c.comp].Name, c.line, got, c.source)
		}
	}
	d.Adjustments = []tree.Adjustment{{Member: e, Amount: 5 * dec.One}}
	q, err := withAdjustments(p, d)
	if err != nil {
		t.Fatal(err)
	}
	res.Plan = q
	l := Line{Component: len(q.Components) - 1, Seller: -1, Earner: e}
	if got := res.LineSource(&l); q.Components[l.Component].Type != TypeAdjustment || got != "adjustment" {
		t.Errorf("adjustment line: source %q", got)
	}
}
