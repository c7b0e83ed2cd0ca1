package plan

import (
	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// paidAsRanks gives every member their paid-as rank in one bottom-up pass:
// the highest rank whose own requirements all hold. A legs rule looks at the
// highest paid-as rank in each personally sponsored member's subtree, which
// the pass has computed by the time it reaches the sponsor.
//
// It returns the ranks and, for each member, the highest paid-as rank in
// their subtree (them included).
func paidAsRanks(p *Plan, o *tree.Org, pv, gv []dec.D) (rank, best []int16) {
	n := o.Len()
	rank = make([]int16, n)
	best = make([]int16, n)
	if len(p.Ranks) == 0 {
		for m := range rank {
			rank[m], best[m] = NoRank, NoRank
		}
		return rank, best
	}
	legCap := make([]dec.D, len(p.Ranks))
	for i := range p.Ranks {
		legCap[i] = p.Ranks[i].legCap()
	}
	td := o.TopDown()
	for k := len(td) - 1; k >= 0; k-- {
		m := td[k]
		kids := o.Children(m)
		rank[m] = NoRank
		for i := len(p.Ranks) - 1; i >= 0; i-- {
			if holds(&p.Ranks[i], legCap[i], pv, gv, best, m, kids) {
				rank[m] = int16(i)
				break
			}
		}
		b := rank[m]
		for _, c := range kids {
			b = max(b, best[c])
		}
		best[m] = b
	}
	return rank, best
}

// legCap is the most one leg counts toward the qualifying GV: MaxLeg × the
// gv requirement, truncated to dec's precision; 0 without max_leg.
func (r *Rank) legCap() dec.D {
	if r.MaxLeg == 0 {
		return 0
	}
	return dec.MulRound(r.GV.Value, r.MaxLeg, dec.Scale, dec.Down)
}

// holds reports whether member m meets every requirement of rank r.
func holds(r *Rank, legCap dec.D, pv, gv []dec.D, best []int16, m int32, kids []int32) bool {
	if r.PV.Set && pv[m] < r.PV.Value {
		return false
	}
	if r.GV.Set {
		if r.MaxLeg == 0 {
			if gv[m] < r.GV.Value {
				return false
			}
		} else if qualifyingGV(pv[m], gv, kids, legCap, r.GV.Value) < r.GV.Value {
			return false
		}
	}
	if r.Legs.Count > 0 {
		n := 0
		for _, c := range kids {
			if best[c] >= int16(r.Legs.Rank) {
				n++
			}
		}
		if n < r.Legs.Count {
			return false
		}
	}
	return true
}

// qualifyingGV is PV plus each leg's volume capped at legCap. It stops
// adding once it reaches need (the answer only has to be compared to it).
func qualifyingGV(pv dec.D, gv []dec.D, kids []int32, legCap, need dec.D) dec.D {
	q := pv
	for _, c := range kids {
		if q >= need {
			break
		}
		q += min(gv[c], legCap)
	}
	return q
}
