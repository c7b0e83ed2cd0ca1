package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/compplan/compplan/tree"
)

// nearestDistributors returns, for each member, themselves when they are a
// distributor, else their nearest distributor upline (-1 when a customer
// has none); nil when the organisation has no customers.
func nearestDistributors(o *tree.Org) []int32 {
	if !o.HasCustomers() {
		return nil
	}
	dist := make([]int32, o.Len())
	for _, m := range o.TopDown() {
		switch s := o.Sponsor(m); {
		case !o.Customer(m):
			dist[m] = m
		case s < 0:
			dist[m] = -1
		default:
			dist[m] = dist[s]
		}
	}
	return dist
}

// effectiveSales returns the sales as components see them: a customer's
// sale is a sale of their nearest distributor upline (a customer with none
// keeps it, and every line on it is breakage), and a sale of a
// non-commissionable type has commissionable volume 0. A chunk is copied
// only when something in it changes.
func effectiveSales(p *Plan, s *tree.Sales, dist []int32, zero map[SaleRef]bool) []tree.SaleChunk {
	if dist == nil && len(p.NonCommissionable) == 0 && len(zero) == 0 {
		return s.Chunks
	}
	out := make([]tree.SaleChunk, len(s.Chunks))
	for c, ch := range s.Chunks {
		out[c] = ch
		if dist != nil {
			out[c].Member = slices.Clone(ch.Member)
			for k, m := range ch.Member {
				if d := dist[m]; d >= 0 {
					out[c].Member[k] = d
				}
			}
		}
		if ch.Type != nil && len(p.NonCommissionable) > 0 {
			free := make([]bool, len(ch.TypeNames()))
			any := false
			for t, name := range ch.TypeNames() {
				free[t] = p.nonCommissionable(name)
				any = any || free[t]
			}
			if any {
				vol := slices.Clone(ch.Volumes())
				if ch.QV == nil {
					out[c].QV = ch.Volumes() // QV stays what it was
				}
				for k, t := range ch.Type {
					if free[t] {
						vol[k] = 0
					}
				}
				out[c].SetVolumes(vol)
			}
		}
		if len(zero) > 0 { // reversed returns: no volume of any kind
			cloned := false
			for k := range ch.Member {
				if !zero[SaleRef{int32(c), int32(k)}] {
					continue
				}
				if !cloned { // copies of this chunk's volumes, changed below
					out[c].QV = slices.Clone(out[c].QVOrVolume())
					out[c].SetVolumes(slices.Clone(out[c].Volumes()))
					cloned = true
				}
				out[c].Volume[k], out[c].QV[k] = 0, 0
			}
		}
	}
	return out
}

// buyers marks the customers who made a sale (before their sales are
// credited upline); nil without customers.
func buyers(o *tree.Org, s *tree.Sales) []bool {
	if !o.HasCustomers() {
		return nil
	}
	b := make([]bool, o.Len())
	for _, ch := range s.Chunks {
		for _, m := range ch.Member {
			b[m] = b[m] || o.Customer(m)
		}
	}
	return b
}

// floorRanks resolves each member's rank floor to a rank of the plan
// (NoRank for none); nil without a rank column. A floor naming no rank of
// the plan is an error pointing at the members file.
func floorRanks(p *Plan, o *tree.Org) ([]int16, error) {
	if !o.HasFloors() {
		return nil, nil
	}
	names, at := o.FloorNames()
	index := make([]int16, len(names))
	for i, name := range names {
		index[i] = NoRank
		for r := range p.Ranks {
			if p.Ranks[r].Name == name {
				index[i] = int16(r)
			}
		}
		if index[i] == NoRank {
			return nil, &tree.InputError{File: o.File(), Line: int(at[i][0]), Column: int(at[i][1]), Field: "rank",
				Msg: fmt.Sprintf("rank floor %q is not a rank of plan %s (ranks: %s)", name, p.Name, rankList(p))}
		}
	}
	floor := make([]int16, o.Len())
	for m := range floor {
		floor[m] = NoRank
		if f := o.FloorIndex(int32(m)); f >= 0 {
			floor[m] = index[f]
		}
	}
	return floor, nil
}

func rankList(p *Plan) string {
	s := ""
	for i, r := range p.Ranks {
		if i > 0 {
			s += ", "
		}
		s += r.Name
	}
	return s
}

// nonCommissionable reports whether the plan lists sale type t as
// non-commissionable. Sale types are matched without regard to case (the
// sales reader keeps them in lower case; a plan may write them in any).
func (p *Plan) nonCommissionable(t string) bool {
	return slices.ContainsFunc(p.NonCommissionable, func(n string) bool { return strings.EqualFold(n, t) })
}
