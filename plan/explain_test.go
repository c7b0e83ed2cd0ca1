package plan

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// TestExplainMatchesLedger: on random plans and trees, explain's lines for a
// member are the ledger's lines for that member, its missed lines are the
// breakage on the member's levels, and its rank checks agree with the
// engine: the paid-as rank is the highest that holds.
func TestExplainMatchesLedger(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for i := 0; i < 100; i++ {
		plan := randomPlan(rng)
		members, sales := randomData(rng, 1+rng.IntN(60))
		r := calc(t, plan, memberHeader+strings.Join(members, "\n")+"\n", salesHeader+strings.Join(sales, "\n")+"\n")
		var ledger []Line
		if _, err := ComputeWith(r.Plan, r.Data, Options{Lines: func(_ *Result, l *Line) error {
			ledger = append(ledger, *l)
			return nil
		}}); err != nil {
			t.Fatal(err)
		}
		for k := 0; k < 3; k++ {
			m := int32(rng.IntN(r.Org.Len()))
			_, e, err := Explain(r.Plan, r.Data, m)
			if err != nil {
				t.Fatal(err)
			}
			var mine, missed []Line
			for _, l := range ledger {
				if l.Earner == m {
					mine = append(mine, l)
				} else if l.Earner < 0 && l.Upline == m {
					missed = append(missed, l)
				}
			}
			for i := range e.Missed {
				_ = r.Unlock(m, &e.Missed[i]) // every missed line can be explained
			}
			if !reflect.DeepEqual(mine, e.Lines) || !reflect.DeepEqual(missed, e.Missed) {
				t.Fatalf("case %d member %s: explain's lines differ from the ledger's", i, r.Org.ID(m))
			}
			held := NoRank
			for _, c := range e.Ranks {
				if c.Holds {
					held = c.Rank
					break
				}
			}
			if held != int(r.Rank[m]) {
				t.Fatalf("case %d member %s: checks say rank %d holds first, engine says %d\nplan:\n%s", i, r.Org.ID(m), held, r.Rank[m], plan)
			}
		}
	}
}
