package plan

import (
	"fmt"
	"strings"
	"testing"

	"github.com/compplan/compplan/tree/dec"
)

// TestGenerationMatch, by hand. M earns 100.00 of retail; up the sponsor
// line Y, L1 (Leader), X, L2 (Leader), TOP (Leader); Leaders by rank floor.
// A [10%, 5%] match with generation_rank: Leader, paid_generations
// {Leader: 2} (no rank: paid none):
//   - Y: generation 1 (nobody between): 10.00 of breakage (no rank);
//   - L1: generation 1 (Y is no Leader): L1 earns 10.00, and closes it;
//   - X: generation 2: 5.00 of breakage;
//   - L2: generation 2: L2 earns 5.00, and closes it: past the last
//     generation, TOP is not reached.
//
// M's own rank does not count (a member is in the generations of those
// above); with sponsor levels instead, L1 is on generation 2 (5.00) and
// Y's 10.00 is breakage.
func TestGenerationMatch(t *testing.T) {
	const plan = `name: g
currency: USD
ranks: [{name: Leader, pv: 100000}]
components:
  - {name: retail, type: personal, rate: 10%}
  - {name: match, type: matching, of: [retail], generations: [10%, 5%], paid_generations: {Leader: 2}GEN}
`
	render := func(r *Result) string {
		var out []string
		for _, id := range []string{"TOP", "L2", "X", "L1", "Y"} {
			out = append(out, fmt.Sprintf("%s %s", id, r.Earned[1][r.Org.Lookup(id)].AppendFixed(nil, 2)))
		}
		return strings.Join(out, " ") + fmt.Sprintf(" | paid %s breakage %s", r.Paid[1].AppendFixed(nil, 2), r.Breakage[1].AppendFixed(nil, 2))
	}
	for _, c := range []struct{ gen, mRank, want string }{
		{", generation_rank: Leader", "", "TOP 0.00 L2 5.00 X 0.00 L1 10.00 Y 0.00 | paid 15.00 breakage 15.00"},
		{", generation_rank: Leader", "Leader", "TOP 0.00 L2 5.00 X 0.00 L1 10.00 Y 0.00 | paid 15.00 breakage 15.00"},
		{"", "", "TOP 0.00 L2 0.00 X 0.00 L1 5.00 Y 0.00 | paid 5.00 breakage 10.00"},
	} {
		members := "id,sponsor_id,rank\nTOP,,Leader\nL2,TOP,Leader\nX,L2,\nL1,X,Leader\nY,L1,\nM,Y," + c.mRank + "\n"
		r := calc(t, strings.Replace(plan, "GEN", c.gen, 1), members, "member_id,amount\nM,1000\n")
		if got := render(r); got != c.want {
			t.Errorf("generation_rank %q, M %q:\n got %s\nwant %s", c.gen, c.mRank, got, c.want)
		}
	}
}

// TestGenerationMatchDecode: the key names a rank, round-trips, and check
// warns that its maximum assumes one earner per generation.
func TestGenerationMatchDecode(t *testing.T) {
	const head = "name: g\ncurrency: USD\nranks: [{name: A}, {name: B}]\ncomponents:\n  - {name: u, type: unilevel, levels: [5%]}\n  - {name: m, type: matching, of: [u], generations: [10%], "
	p, err := Decode([]byte(head+"generation_rank: B}\n"), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	q, err := Decode(p.YAML(), "again.yaml")
	if err != nil || q.Hash() != p.Hash() || !strings.Contains(string(p.YAML()), "generation_rank: B") {
		t.Errorf("round trip: %v\n%s", err, p.YAML())
	}
	if got := p.Components[1].Describe(p); !strings.HasSuffix(got, "; generations end at B") {
		t.Errorf("describe: %s", got)
	}
	if w := strings.Join(p.Check(dec.RateOne).Warnings, "\n"); !strings.Contains(w, "component m: generations end at a rank, and every upline in a generation is paid on it: its maximum assumes one earner per generation") {
		t.Errorf("check warnings:\n%s", w)
	}
	if _, err := Decode([]byte(head+"generation_rank: C}\n"), "p.yaml"); err == nil || !strings.Contains(err.Error(), `generation_rank "C" is not a rank of this plan (ranks: A, B)`) {
		t.Errorf("unknown rank: %v", err)
	}
	noGen, _ := Decode([]byte(head+"paid_generations: {B: 1}}\n"), "p.yaml")
	if noGen == nil || strings.Contains(string(noGen.YAML()), "generation_rank") {
		t.Errorf("without the key, none is written")
	}
}
