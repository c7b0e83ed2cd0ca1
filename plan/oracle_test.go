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
	p          *Plan
	org        *tree.Org
	sponsor    map[string]string
	kids       map[string][]string
	customer   map[string]bool
	terminated map[string]bool
	floor      map[string]int
	bought     map[string]bool         // a customer with a sale of their own
	sales      map[string][]oracleSale // by the member credited with them
	rank       map[string]int
}

type oracleSale struct {
	qv, cv dec.D
	date   int32
	typ    string
}

func newOracle(p *Plan, d *tree.Data) *oracle {
	o := &oracle{p: p, org: d.Org, sponsor: map[string]string{}, kids: map[string][]string{}, customer: map[string]bool{},
		terminated: map[string]bool{}, floor: map[string]int{}, bought: map[string]bool{},
		sales: map[string][]oracleSale{}, rank: map[string]int{}}
	org := d.Org
	for m := int32(0); m < int32(org.Len()); m++ {
		id := org.ID(m)
		if s := org.Sponsor(m); s >= 0 {
			o.sponsor[id] = org.ID(s)
			o.kids[org.ID(s)] = append(o.kids[org.ID(s)], id)
		}
		o.customer[id] = org.Customer(m)
		o.terminated[id] = org.Terminated(m) != tree.NoDate
		o.floor[id] = NoRank
		for r := range p.Ranks {
			if p.Ranks[r].Name == org.Floor(m) {
				o.floor[id] = r
			}
		}
	}
	for _, c := range d.Sales.Chunks {
		for k, m := range c.Member {
			seller := org.ID(m)
			if o.customer[seller] {
				o.bought[seller] = true
				// Credited to the nearest distributor upline, if any.
				for u, ok := o.sponsor[seller]; ok; u, ok = o.sponsor[u] {
					if !o.customer[u] {
						seller = u
						break
					}
				}
			}
			cv := c.VolumeOf(k)
			for _, t := range p.NonCommissionable {
				if c.TypeOf(k) == t {
					cv = 0
				}
			}
			o.sales[seller] = append(o.sales[seller], oracleSale{qv: c.QVOf(k), cv: cv, date: c.DateOf(k), typ: c.TypeOf(k)})
		}
	}
	return o
}

func (o *oracle) pv(id string) dec.D {
	var s dec.D
	for _, v := range o.sales[id] {
		s += v.qv
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

// active: PV (one period: a window adds nothing without a state), or a
// sale of one of order_types, any case.
func (o *oracle) active(id string) bool {
	if o.customer[id] {
		return false
	}
	for _, s := range o.sales[id] {
		for _, t := range o.p.Activity.OrderTypes {
			if strings.EqualFold(s.typ, t) {
				return true
			}
		}
	}
	return !o.p.HasActive || o.pv(id) >= o.p.ActivePV
}

// eligible: active and not terminated: may earn and holds a level under
// dynamic compression.
func (o *oracle) eligible(id string) bool { return o.active(id) && !o.terminated[id] }

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
	for i := len(o.p.Ranks) - 1; i >= 0 && best == NoRank && !o.customer[id]; i-- {
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
				if (r.Legs.Rank >= 0 && o.subtreeHas(k, r.Legs.Rank)) || (r.Legs.Rank < 0 && o.gv(k) >= r.Legs.GV) {
					n++
				}
			}
			ok = ok && n >= r.Legs.Count
		}
		customers, active := 0, 0
		for _, k := range o.kids[id] {
			if o.customer[k] && o.bought[k] {
				customers++
			}
			if o.eligible(k) {
				active++
			}
		}
		ok = ok && customers >= r.Customers && active >= r.SponsoredActive
		if ok {
			best = i
		}
	}
	o.rank[id] = max(best, o.floor[id])
	return o.rank[id]
}

// earned returns member id → amount for component c; done holds what the
// components it matches earned.
func (o *oracle) earned(c *Component, done map[int]map[string]dec.D) map[string]dec.D {
	out := map[string]dec.D{}
	line := func(v dec.D, r dec.Rate) dec.D { return dec.MulRound(v, r, o.p.Digits, o.p.Rounding) }
	// up is the next upline who is not a customer.
	up := func(u string) (string, bool) {
		for {
			s, ok := o.sponsor[u]
			if !ok || !o.customer[s] {
				return s, ok
			}
			u = s
		}
	}
	switch c.Type {
	case TypeMatching:
		for id := range o.customer {
			var base dec.D
			for _, m := range c.s().Of {
				base += done[m][id]
			}
			// paid is how many generations u is paid on.
			paid := func(u string) int {
				if c.s().PaidGenerations == nil {
					return len(c.s().Generations)
				}
				if r := o.paidAs(u); r != NoRank {
					return c.s().PaidGenerations[r]
				}
				return 0
			}
			// By sponsor levels, generation g is the g-th upline; with
			// generation_rank every upline is paid on the generation id is
			// in for them, one more past each member at or above the rank.
			g := 0
			for u, ok := up(id); g < len(c.s().Generations) && ok; u, ok = up(u) {
				if o.eligible(u) && g < paid(u) {
					out[u] += line(base, c.s().Generations[g])
				}
				if r := o.paidAs(u); !c.s().RankGenerations || (r != NoRank && r >= c.s().GenerationRank) {
					g++
				}
			}
		}
		return out
	case TypeDifferential:
		rateOf := func(u string) dec.Rate {
			if r := o.paidAs(u); r != NoRank {
				return c.s().DiffRates[r]
			}
			return 0
		}
		isLeader := func(u string) bool {
			return c.s().Breakaway != nil && o.paidAs(u) != NoRank && o.paidAs(u) >= c.s().Breakaway.Rank
		}
		for seller, sales := range o.sales {
			for _, sale := range sales {
				var paid dec.D
				var paidRate dec.Rate
				leader, ok := "", true
				for u := seller; ok; u, ok = up(u) {
					if o.eligible(u) && rateOf(u) > paidRate {
						out[u] += line(sale.cv, rateOf(u)) - paid
						paid, paidRate = line(sale.cv, rateOf(u)), rateOf(u)
					}
					if isLeader(u) {
						leader = u
						break
					}
				}
				if leader == "" {
					continue
				}
				u, ok := up(leader)
				for g, rate := range c.s().Breakaway.Generations {
					for ok && !isLeader(u) {
						u, ok = up(u)
					}
					if !ok {
						break
					}
					if o.eligible(u) && g < c.s().Breakaway.generationsPaid(o.paidAs(u)) {
						out[u] += line(sale.cv, rate)
					}
					u, ok = up(u)
				}
			}
		}
		return out
	case TypeFastStart:
		for seller, sales := range o.sales {
			joined := o.org.Joined(o.org.Lookup(seller))
			for _, sale := range sales {
				if sale.date < joined || sale.date-joined >= int32(c.s().Days) {
					continue
				}
				u, ok := up(seller)
				for k := 0; k < len(c.s().Levels) && ok; k++ {
					if o.eligible(u) {
						out[u] += line(sale.cv, c.s().Levels[k])
					}
					u, ok = up(u)
				}
			}
		}
		return out
	}
	for seller, sales := range o.sales {
		for _, sale := range sales {
			v := sale.cv
			if c.Type == TypePersonal {
				if !o.customer[seller] && !o.terminated[seller] {
					rate := c.s().Rate
					if rates := c.s().PersonalRates; rates != nil {
						rate = 0
						if rk := o.paidAs(seller); rk != NoRank {
							rate = rates[rk]
						}
					}
					if tiers := c.s().Tiers; tiers != nil {
						rate = 0
						for _, t := range tiers {
							if o.pv(seller) >= t.PV {
								rate = t.Rate
							}
						}
					}
					out[seller] += line(v, rate)
				}
				continue
			}
			// Level k: the k-th upline, skipping customers, and counting
			// only eligible ones when dynamic, and only eligible ones whose
			// rank is paid on level k when dynamic-rank.
			levelsOf := func(u string) int {
				switch r := o.paidAs(u); {
				case c.s().LevelsByRank != nil && r != NoRank:
					return len(c.s().LevelsByRank[r])
				case c.s().LevelsByRank != nil:
					return 0
				case c.s().PaidLevels == nil:
					return len(c.s().Levels)
				case r == NoRank:
					return 0
				default:
					return c.s().PaidLevels[r]
				}
			}
			u, ok := o.sponsor[seller]
			for k := 1; k <= len(c.s().Levels) && ok; k++ {
				for ok && (o.customer[u] ||
					(c.s().Compression == CompressDynamic && !o.eligible(u)) ||
					(c.s().Compression == CompressDynamicRank && !(o.eligible(u) && k <= levelsOf(u)))) {
					u, ok = o.sponsor[u]
				}
				if !ok {
					break
				}
				if o.eligible(u) && k <= levelsOf(u) {
					rate := c.s().Levels[k-1]
					if c.s().LevelsByRank != nil {
						rate = c.s().LevelsByRank[o.paidAs(u)][k-1]
					}
					out[u] += line(v, rate)
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
		p, err := Decode([]byte(plan), "p.yaml")
		if err != nil {
			t.Fatal(err)
		}
		members, sales := randomDataRanks(rng, 1+rng.IntN(120), len(p.Ranks))
		r := calc(t, plan, memberHeader+strings.Join(members, "\n")+"\n", salesHeader+strings.Join(sales, "\n")+"\n")
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
		done := map[int]map[string]dec.D{}
		order, err := evaluationOrder(r.Plan.Components)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range order {
			want := o.earned(&r.Plan.Components[c], done)
			done[c] = want
			for m := int32(0); m < int32(r.Org.Len()); m++ {
				if got := r.Earned[c][m]; got != want[r.Org.ID(m)] {
					t.Fatalf("case %d: %s earned %s from %s, oracle %s\nplan:\n%s", i, r.Org.ID(m), got, r.Plan.Components[c].Name, want[r.Org.ID(m)], plan)
				}
			}
		}
	}
}
