package plan

import (
	"fmt"
	mbits "math/bits"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// rankFacts is what rank requirements look at.
type rankFacts struct {
	org    *tree.Org
	pv, gv []dec.D
	best   []int16 // highest paid-as rank in each member's subtree, them included
	// buyer[m]: m is a customer with a sale; activeDist[m]: m is an active,
	// not terminated distributor.
	buyer, activeDist []bool
	legCap            []dec.D // per rank: the most one leg counts (0: no cap)
}

// paidAsRanks gives every member their qualified and paid-as ranks in one
// bottom-up pass. The qualified rank is the highest rank whose own
// requirements all hold; the paid-as rank is the higher of it and the
// member's rank floor (floor[m], NoRank for none). Customers hold no rank. A
// legs rule looks at the highest paid-as rank in each personally sponsored
// member's subtree, which the pass has computed by the time it reaches the
// sponsor. It also fills f.best.
func paidAsRanks(p *Plan, f *rankFacts, floor []int16) (paid, qualified []int16) {
	o := f.org
	n := o.Len()
	paid, qualified = make([]int16, n), make([]int16, n)
	f.best = make([]int16, n)
	f.legCap = make([]dec.D, len(p.Ranks))
	for i := range p.Ranks {
		f.legCap[i] = p.Ranks[i].legCap()
	}
	// The volume requirements first, member by member in number order
	// (the volumes are read in order, not at random): volume[m] has bit i
	// set when m meets rank i's PV and GV. Customers meet none.
	var volume []uint16
	if len(p.Ranks) <= 16 {
		volume = make([]uint16, n)
		for m := range int32(n) {
			if o.Customer(m) {
				continue
			}
			var bits uint16
			for i := range p.Ranks {
				rk := &p.Ranks[i]
				if (!rk.PV.Set || f.pv[m] >= rk.PV.Value) && (!rk.GV.Set || f.gv[m] >= rk.GV.Value) {
					bits |= 1 << i
				}
			}
			volume[m] = bits
		}
	}
	td := o.TopDown()
	for k := len(td) - 1; k >= 0; k-- {
		m := td[k]
		q := int16(NoRank)
		switch {
		case volume != nil:
			var res [6]reqResult
			for bits := volume[m]; bits != 0; {
				i := 15 - mbits.LeadingZeros16(bits) // the highest rank left
				bits &^= 1 << i
				if ok, _ := p.Ranks[i].evaluate(i, f, m, false, &res); ok {
					q = int16(i)
					break
				}
			}
		case !o.Customer(m):
			var res [6]reqResult
			for i := len(p.Ranks) - 1; i >= 0; i-- {
				rk := &p.Ranks[i]
				if (rk.PV.Set && f.pv[m] < rk.PV.Value) || (rk.GV.Set && f.gv[m] < rk.GV.Value) {
					continue // fails a volume requirement: the common case, checked inline
				}
				if ok, _ := rk.evaluate(i, f, m, false, &res); ok {
					q = int16(i)
					break
				}
			}
		}
		qualified[m] = q
		paid[m] = q
		if floor != nil {
			paid[m] = max(q, floor[m])
		}
		b := paid[m]
		for _, c := range o.Children(m) {
			b = max(b, f.best[c])
		}
		f.best[m] = b
	}
	return paid, qualified
}

// reqKind names a rank requirement.
type reqKind uint8

const (
	reqPV reqKind = iota
	reqGV
	reqQualifyingGV
	reqLegs
	reqCustomers
	reqSponsoredActive
)

// reqResult is one requirement checked: what the member has, as a volume
// (pv, gv) or a count (legs, customers, sponsored active), and whether it
// is met.
type reqResult struct {
	kind reqKind
	have dec.D
	n    int
	met  bool
}

// evaluate reports whether member m meets every requirement of rank rk
// (index i). With all set it checks every requirement and records each in
// out (res[:n]); without, it stops at the first that fails. This one
// function decides ranks for the engine and for explain, which formats out.
func (rk *Rank) evaluate(i int, f *rankFacts, m int32, all bool, out *[6]reqResult) (ok bool, n int) {
	// Each requirement is recorded in out; without all, the first that
	// fails ends the check.
	if rk.PV.Set {
		out[n] = reqResult{kind: reqPV, have: f.pv[m], met: f.pv[m] >= rk.PV.Value}
		if n++; !out[n-1].met && !all {
			return false, n
		}
	}
	kids := f.org.Children(m)
	if rk.GV.Set {
		if rk.MaxLeg == 0 {
			out[n] = reqResult{kind: reqGV, have: f.gv[m], met: f.gv[m] >= rk.GV.Value}
		} else {
			q := qualifyingGV(f.pv[m], f.gv, kids, f.legCap[i], rk.GV.Value, all)
			out[n] = reqResult{kind: reqQualifyingGV, have: q, met: q >= rk.GV.Value}
		}
		if n++; !out[n-1].met && !all {
			return false, n
		}
	}
	if rk.Legs.Count > 0 {
		legs := 0
		for _, c := range kids {
			if (rk.Legs.Rank >= 0 && f.best[c] >= int16(rk.Legs.Rank)) || (rk.Legs.Rank < 0 && f.gv[c] >= rk.Legs.GV) {
				legs++
			}
		}
		out[n] = reqResult{kind: reqLegs, n: legs, met: legs >= rk.Legs.Count}
		if n++; !out[n-1].met && !all {
			return false, n
		}
	}
	if rk.Customers > 0 {
		c := count(kids, f.buyer)
		out[n] = reqResult{kind: reqCustomers, n: c, met: c >= rk.Customers}
		if n++; !out[n-1].met && !all {
			return false, n
		}
	}
	if rk.SponsoredActive > 0 {
		c := count(kids, f.activeDist)
		out[n] = reqResult{kind: reqSponsoredActive, n: c, met: c >= rk.SponsoredActive}
		n++
	}
	ok = true
	for _, r := range out[:n] {
		ok = ok && r.met
	}
	return ok, n
}

// requirement writes a checked requirement in words.
func (rk *Rank) requirement(p *Plan, i int, f *rankFacts, m int32, r reqResult) Requirement {
	q := Requirement{Met: r.met, Have: fmt.Sprint(r.n)}
	switch r.kind {
	case reqPV:
		q.What, q.Need, q.Have = "pv", rk.PV.Value.String(), r.have.String()
	case reqGV:
		q.What, q.Need, q.Have = "gv", rk.GV.Value.String(), r.have.String()
	case reqQualifyingGV:
		q.What = "qualifying gv"
		q.Need = fmt.Sprintf("%s, each leg counting at most %s", rk.GV.Value, f.legCap[i])
		q.Have = fmt.Sprintf("%s (gv %s)", r.have, f.gv[m])
	case reqLegs:
		q.What = "legs"
		if rk.Legs.Rank >= 0 {
			q.Need = fmt.Sprintf("%s with %s or higher", counted(rk.Legs.Count, "leg"), p.Ranks[rk.Legs.Rank].Name)
		} else {
			q.Need = fmt.Sprintf("%s with a volume of %s or more", counted(rk.Legs.Count, "leg"), rk.Legs.GV)
		}
	case reqCustomers:
		q.What, q.Need = "customers", counted(rk.Customers, "personally sponsored customer")+" with a sale"
	case reqSponsoredActive:
		q.What, q.Need = "sponsored active", counted(rk.SponsoredActive, "personally sponsored active distributor")
	}
	return q
}

func count(members []int32, yes []bool) int {
	n := 0
	if yes == nil {
		return 0
	}
	for _, m := range members {
		if yes[m] {
			n++
		}
	}
	return n
}

// legCap is the most one leg counts toward the qualifying GV: MaxLeg × the
// gv requirement, truncated to dec's precision; 0 without max_leg.
func (r *Rank) legCap() dec.D {
	if r.MaxLeg == 0 {
		return 0
	}
	return dec.MulRound(r.GV.Value, r.MaxLeg, dec.Scale, dec.Down)
}

// qualifyingGV is PV plus each leg's volume capped at legCap. Unless full is
// set it stops adding once it reaches need (it only has to be compared).
func qualifyingGV(pv dec.D, gv []dec.D, kids []int32, legCap, need dec.D, full bool) dec.D {
	q := pv
	for _, c := range kids {
		if q >= need && !full {
			break
		}
		q += min(gv[c], legCap)
	}
	return q
}

// counted writes n things: "1 leg", "2 legs".
func counted(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
