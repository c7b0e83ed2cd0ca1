package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/compplan/compplan/tree/dec"
)

// Dropped counts what a state written by another version of the plan held
// and this version cannot carry; each thing dropped is counted once.
// Everything else carries: balances (held payouts and debits) always, and
// ranks, components and binary figures by their names where this version
// has them. History this version does not read (recent ranks or volumes
// beyond its windows) is not counted: nothing depends on it.
type Dropped struct {
	// Money is what the dropped commission lines and binary pairings
	// paid (a pairing's less what was clawed back already): the most
	// returns of those orders could have clawed back.
	Money dec.D `json:"money"`
	// Ranks counts a highest, recent qualified or recent paid-as rank
	// (one per period) this version does not have.
	Ranks int `json:"ranks"`
	// Carries counts binary legs whose carry was dropped, in part or in
	// whole (no binary, or volume older than carry_expires keeps), and
	// CarryVolume is that volume.
	Carries     int   `json:"carries"`
	CarryVolume dec.D `json:"carry_volume"`
	// Placements counts binary auto-placements (no binary).
	Placements int `json:"placements"`
	// Advancements counts reached ranks of a rank_advancement this
	// version does not have, or does not hold over several periods, or
	// a rank it does not have.
	Advancements int `json:"advancements"`
	// Instalments counts advancement instalments still to come that this
	// version cannot pay (no such component or rank, or not that many
	// instalments).
	Instalments int `json:"instalments"`
	// Orders counts the orders kept for returns (returns: reverse) when
	// this version's returns are not reverse; Lines every commission
	// line dropped (theirs, and lines or matches of a component this
	// version does not have); Pairings the binary pairings kept for
	// clawbacks (no binary, or returns not reverse).
	Orders   int `json:"orders"`
	Lines    int `json:"lines"`
	Pairings int `json:"pairings"`
}

// String says what was dropped, for a note: "nothing", or the counts that
// are not 0.
func (d *Dropped) String() string {
	var parts []string
	count := func(n int, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %s", n, many)
	}
	add := func(n int, one, many string) {
		if n > 0 {
			parts = append(parts, count(n, one, many))
		}
	}
	if d.Money != 0 || d.Orders+d.Pairings+d.Lines > 0 {
		parts = append(parts, fmt.Sprintf("%s kept for clawbacks", d.Money))
	}
	add(d.Orders, "order kept for returns", "orders kept for returns")
	add(d.Pairings, "binary pairing", "binary pairings")
	add(d.Lines, "commission line", "commission lines")
	if d.Carries > 0 {
		parts = append(parts, fmt.Sprintf("%s (%s volume)", count(d.Carries, "binary carry", "binary carries"), d.CarryVolume))
	}
	add(d.Placements, "binary placement", "binary placements")
	add(d.Ranks, "rank", "ranks")
	add(d.Advancements, "advancement reached", "advancements reached")
	add(d.Instalments, "instalment to come", "instalments to come")
	if len(parts) == 0 {
		return "nothing"
	}
	return strings.Join(parts, ", ")
}

// forVersion returns the state as this version of the plan carries it,
// and what it dropped. It copies what it changes: s is left as it is.
func (s *State) forVersion(p *Plan) (*State, *Dropped) {
	d := &Dropped{}
	t := *s
	t.Members = make([]MemberState, len(s.Members))
	binary := p.Has(TypeBinary)
	expires := p.carryExpires()
	hasRank := func(name string) bool {
		return name == "" || slices.ContainsFunc(p.Ranks, func(r Rank) bool { return r.Name == name })
	}
	component := func(name string) *Component {
		for i := range p.Components {
			if c := &p.Components[i]; c.Name == name && c.Type != TypeAdjustment {
				return c
			}
		}
		return nil
	}
	ranks := func(list []string) []string {
		if !slices.ContainsFunc(list, func(q string) bool { return !hasRank(q) }) {
			return list
		}
		out := slices.Clone(list)
		for i, q := range out {
			if !hasRank(q) {
				out[i] = ""
				d.Ranks++
			}
		}
		return out
	}
	for i, ms := range s.Members {
		if !hasRank(ms.Highest) {
			ms.Highest = ""
			d.Ranks++
		}
		ms.Recent, ms.RecentPaid = ranks(ms.Recent), ranks(ms.RecentPaid)
		if ms.Reached != nil {
			reached := map[string]string{}
			for comp, q := range ms.Reached {
				c := component(comp)
				if r, ok := c.ruleAs().(reacher); ok && r.keepsReached() && hasRank(q) && q != "" {
					reached[comp] = q
				} else {
					d.Advancements++
				}
			}
			ms.Reached = reached
			if len(reached) == 0 {
				ms.Reached = nil
			}
		}
		if ms.Instalments != nil {
			var kept []InstalmentState
			for _, in := range ms.Instalments {
				if f, ok := component(in.Component).ruleAs().(instalmenter); ok && f.instalments() > in.Paid && hasRank(in.Rank) && in.Rank != "" {
					kept = append(kept, in)
				} else {
					d.Instalments++
				}
			}
			ms.Instalments = kept
		}
		if keep := p.pvHistory(); len(ms.RecentPV) > keep {
			ms.RecentPV = ms.RecentPV[:keep:keep]
		}
		if keep := p.RankWindow - 1; len(ms.RecentGV) > keep {
			ms.RecentGV = ms.RecentGV[:keep:keep]
		}
		if len(ms.RecentPV) == 0 {
			ms.RecentPV = nil
		}
		if len(ms.RecentGV) == 0 {
			ms.RecentGV = nil
		}
		for leg, carry := range [2]**dec.D{&ms.CarryLeft, &ms.CarryRight} {
			ages := [2]*[]dec.D{&ms.CarryLeftByAge, &ms.CarryRightByAge}[leg]
			switch {
			case *carry == nil:
			case !binary:
				if **carry != 0 {
					d.Carries++
					d.CarryVolume += **carry
				}
				*carry, *ages = nil, nil
			case *ages != nil && expires == 0:
				*ages = nil // the carry stays, counted as from the period before
			case len(*ages) > expires:
				var old dec.D
				for _, a := range (*ages)[expires:] {
					old += a
				}
				if old != 0 {
					d.Carries++
					d.CarryVolume += old
				}
				left := **carry - old
				*carry, *ages = &left, (*ages)[:expires:expires]
			}
		}
		if !binary {
			ms.CarryLeftByAge, ms.CarryRightByAge = nil, nil
			if ms.PlacementID != "" {
				d.Placements++
				ms.PlacementID, ms.Leg = "", ""
			}
		}
		t.Members[i] = ms
	}
	t.Orders = nil
	for _, o := range s.Orders {
		if !p.ReverseReturns {
			d.Orders++
		}
		kept := o
		kept.Lines = nil
		for _, l := range o.Lines {
			if p.ReverseReturns && component(l.Component) != nil {
				kept.Lines = append(kept.Lines, l)
				continue
			}
			d.Lines++
			d.Money += l.Amount
		}
		if kept.Lines == nil {
			kept.Lines = []OrderLine{}
		}
		if p.ReverseReturns {
			t.Orders = append(t.Orders, kept)
		}
	}
	t.Pairings = nil
	for _, pr := range s.Pairings {
		whole := !binary || !p.ReverseReturns
		if whole {
			d.Pairings++
			d.Money += pr.Paid - pr.Clawed
		}
		kept := pr
		kept.Matches = nil
		for _, l := range pr.Matches {
			if !whole && component(l.Component) != nil {
				kept.Matches = append(kept.Matches, l)
				continue
			}
			d.Lines++
			d.Money += l.Amount
		}
		if !whole {
			t.Pairings = append(t.Pairings, kept)
		}
	}
	return &t, d
}

// ruleAs is the component's rule (nil for no component), for the
// interfaces a family may implement.
func (c *Component) ruleAs() any {
	if c == nil {
		return nil
	}
	return c.rule
}

// droppedOf is what laying the state dropped (nil for none laid).
func (c *carried) droppedOf() *Dropped {
	if c == nil {
		return nil
	}
	return c.dropped
}
