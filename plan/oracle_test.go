package plan

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// oracle computes each member's earnings per component straight from the
// README's definitions, slowly and recursively, sharing nothing with the
// engine but the decoded plan and the parsed rows.
type oracle struct {
	p       *Plan
	sponsor map[string]string
	kids    map[string][]string
	sales   map[string][]dec.D
	rank    map[string]int
}

func newOracle(p *Plan, d *tree.Data) *oracle {
	o := &oracle{p: p, sponsor: map[string]string{}, kids: map[string][]string{}, sales: map[string][]dec.D{}, rank: map[string]int{}}
	for m := int32(0); m < int32(d.Org.Len()); m++ {
		id := d.Org.ID(m)
		if s := d.Org.Sponsor(m); s >= 0 {
			o.sponsor[id] = d.Org.ID(s)
			o.kids[d.Org.ID(s)] = append(o.kids[d.Org.ID(s)], id)
		}
	}
	for _, c := range d.Sales.Chunks {
		for k, m := range c.Member {
			o.sales[d.Org.ID(m)] = append(o.sales[d.Org.ID(m)], c.Volume[k])
		}
	}
	return o
}

func (o *oracle) pv(id string) dec.D {
	var s dec.D
	for _, v := range o.sales[id] {
		s += v
	}
	return s
}

func (o *oracle) gv(id string) dec.D {
	s := o.pv(id)
	for _, k := range o.kids[id] {
		s += o.gv(k)
	}
	return s
}

func (o *oracle) active(id string) bool { return !o.p.HasActive || o.pv(id) >= o.p.ActivePV }

// subtreeHas reports whether id's subtree (id included) holds a member of
// paid-as rank r or higher.
func (o *oracle) subtreeHas(id string, r int) bool {
	if o.paidAs(id) >= r {
		return true
	}
	for _, k := range o.kids[id] {
		if o.subtreeHas(k, r) {
			return true
		}
	}
	return false
}

func (o *oracle) paidAs(id string) int {
	if r, ok := o.rank[id]; ok {
		return r
	}
	best := NoRank
	for i := len(o.p.Ranks) - 1; i >= 0 && best == NoRank; i-- {
		r := o.p.Ranks[i]
		ok := !r.PV.Set || o.pv(id) >= r.PV.Value
		if r.GV.Set {
			q := o.gv(id)
			if r.MaxLeg > 0 {
				legCap := dec.MulRound(r.GV.Value, r.MaxLeg, dec.Scale, dec.Down)
				q = o.pv(id)
				for _, k := range o.kids[id] {
					q += min(o.gv(k), legCap)
				}
			}
			ok = ok && q >= r.GV.Value
		}
		if r.Legs.Count > 0 {
			n := 0
			for _, k := range o.kids[id] {
				if o.subtreeHas(k, r.Legs.Rank) {
					n++
				}
			}
			ok = ok && n >= r.Legs.Count
		}
		if ok {
			best = i
		}
	}
	o.rank[id] = best
	return best
}

// earned returns member id → amount for component c.
func (o *oracle) earned(c *Component) map[string]dec.D {
	out := map[string]dec.D{}
	line := func(v dec.D, r dec.Rate) dec.D { return dec.MulRound(v, r, o.p.Digits, o.p.Rounding) }
	for seller, vols := range o.sales {
		for _, v := range vols {
			if c.Type == TypePersonal {
				out[seller] += line(v, c.Rate)
				continue
			}
			// Level k: the k-th upline, counting only active ones when dynamic.
			u, ok := o.sponsor[seller]
			for k := 1; k <= len(c.Levels) && ok; k++ {
				for ok && c.Compression == CompressDynamic && !o.active(u) {
					u, ok = o.sponsor[u]
				}
				if !ok {
					break
				}
				paid := len(c.Levels)
				if c.PaidLevels != nil {
					paid = 0
					if r := o.paidAs(u); r != NoRank {
						paid = c.PaidLevels[r]
					}
				}
				if o.active(u) && k <= paid {
					out[u] += line(v, c.Levels[k-1])
				}
				u, ok = o.sponsor[u]
			}
		}
	}
	return out
}

// TestEngineMatchesOracle compares every member's rank and earnings with the
// oracle on random plans and trees.
func TestEngineMatchesOracle(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for i := 0; i < 300; i++ {
		plan := randomPlan(rng)
		members, sales := randomData(rng, 1+rng.IntN(120))
		r := calc(t, plan, "id,sponsor_id,name\n"+strings.Join(members, "\n")+"\n", "member_id,amount,volume\n"+strings.Join(sales, "\n")+"\n")
		o := newOracle(r.Plan, r.Data)
		for m := int32(0); m < int32(r.Org.Len()); m++ {
			id := r.Org.ID(m)
			if got, want := int(r.Rank[m]), o.paidAs(id); got != want {
				t.Fatalf("case %d: %s rank %d, oracle %d\nplan:\n%s", i, id, got, want, plan)
			}
			if r.GV[m] != o.gv(id) || r.Active[m] != o.active(id) {
				t.Fatalf("case %d: %s gv %s active %v, oracle %s %v", i, id, r.GV[m], r.Active[m], o.gv(id), o.active(id))
			}
		}
		for c := range r.Plan.Components {
			want := o.earned(&r.Plan.Components[c])
			for m := int32(0); m < int32(r.Org.Len()); m++ {
				if got := r.Earned[c][m]; got != want[r.Org.ID(m)] {
					t.Fatalf("case %d: %s earned %s from %s, oracle %s\nplan:\n%s", i, r.Org.ID(m), got, r.Plan.Components[c].Name, want[r.Org.ID(m)], plan)
				}
			}
		}
	}
}
