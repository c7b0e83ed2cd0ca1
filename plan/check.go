package plan

import (
	"fmt"
	"strings"

	"github.com/compplan/compplan/tree/dec"
)

// Check is what a plan designer needs to know before running a plan on
// data: the most each component can pay, and what looks wrong.
type Check struct {
	// Max[c] is the most component c can pay as a fraction of volume:
	// every level filled, everyone active at the top rank.
	Max      []dec.Rate
	Total    dec.Rate
	Warnings []string
}

// Check computes the plan's theoretical maximum payout and its warnings;
// limit is the payout (a fraction of volume) above which to warn.
func (p *Plan) Check(limit dec.Rate) *Check {
	c := &Check{Max: make([]dec.Rate, len(p.Components))}
	top := len(p.Ranks) - 1
	order, _ := evaluationOrder(p.Components) // matched components first
	for _, i := range order {
		comp := &p.Components[i]
		c.Max[i] = comp.family().max(p, c, top)
		c.Total += c.Max[i]
	}
	for i := 0; i < top; i++ {
		for j := i + 1; j <= top; j++ {
			if p.Ranks[i].implies(&p.Ranks[j]) {
				c.warn("rank %s can never be a paid-as rank: meeting its requirements meets those of %s, which is higher", p.Ranks[i].Name, p.Ranks[j].Name)
				break
			}
		}
	}
	if c.Total > limit {
		c.warn("the plan can pay %s of volume, more than %s", c.Total, limit)
	}
	return c
}

// paysSomething warns when a component's maximum is 0, and returns it.
func (c *Check) paysSomething(comp *Component, max dec.Rate) dec.Rate {
	if max == 0 {
		c.warn("component %s can pay nothing, even at the top rank: nobody can earn it", comp.Name)
	}
	return max
}

func (c *Check) warn(format string, args ...any) {
	c.Warnings = append(c.Warnings, fmt.Sprintf(format, args...))
}

func sumRates(rates []dec.Rate) dec.Rate {
	var s dec.Rate
	for _, r := range rates {
		s += r
	}
	return s
}

// paidOn is how many levels, or generations, rank r is paid on, and which.
func (c *Component) paidOn(r int) (int, string) {
	switch {
	case c.Type == TypeMatching:
		return c.generationsPaid(r), "generation"
	case c.Type == TypeDifferential && c.Breakaway != nil:
		return c.Breakaway.generationsPaid(r), "generation"
	}
	return c.levelsPaid(r), "level"
}

// levelsPaid is how many levels of a unilevel rank r is paid on (r may be
// NoRank: a plan without ranks pays everyone every level).
func (c *Component) levelsPaid(r int) int {
	switch {
	case c.LevelsByRank != nil && r >= 0:
		return len(c.LevelsByRank[r])
	case c.PaidLevels == nil && c.LevelsByRank == nil:
		return len(c.Levels)
	case r < 0 || c.PaidLevels == nil:
		return 0
	}
	return c.PaidLevels[r]
}

func (c *Check) checkUnilevel(p *Plan, comp *Component) {
	most := 0
	for r := range p.Ranks {
		most = max(most, comp.levelsPaid(r))
	}
	if len(p.Ranks) == 0 {
		most = len(comp.Levels)
	}
	switch {
	case most == 0 || sumRates(comp.Levels[:most]) == 0:
		c.warn("component %s: no rank is paid on any level with a rate above 0%%: nobody can earn it", comp.Name)
	case most < len(comp.Levels):
		c.warn("component %s: levels %d to %d are paid to no rank: they are always breakage", comp.Name, most+1, len(comp.Levels))
	}
	if top := len(p.Ranks) - 1; top >= 0 && comp.levelsPaid(top) < most {
		c.warn("component %s: the top rank %s is paid on fewer levels (%d) than a lower rank (%d)", comp.Name, p.Ranks[top].Name, comp.levelsPaid(top), most)
	}
}

// implies reports whether every member meeting r's requirements also meets
// h's, so that h (higher) always wins over r.
func (r *Rank) implies(h *Rank) bool {
	if h.PV.Set && (!r.PV.Set || r.PV.Value < h.PV.Value) {
		return false
	}
	if h.GV.Set {
		if !r.GV.Set || r.GV.Value < h.GV.Value {
			return false
		}
		// With a leg cap on h, r's count must be capped at least as hard.
		if h.MaxLeg > 0 && (r.MaxLeg == 0 || r.legCap() > h.legCap()) {
			return false
		}
	}
	if h.Legs.Count > 0 {
		if r.Legs.Count < h.Legs.Count || (r.Legs.Rank < 0) != (h.Legs.Rank < 0) {
			return false
		}
		if (h.Legs.Rank >= 0 && r.Legs.Rank < h.Legs.Rank) || (h.Legs.Rank < 0 && r.Legs.GV < h.Legs.GV) {
			return false
		}
	}
	return r.Customers >= h.Customers && r.SponsoredActive >= h.SponsoredActive
}

// Describe writes a rank's requirements in words.
func (r *Rank) Describe(p *Plan) string {
	var parts []string
	if r.PV.Set {
		parts = append(parts, "pv ≥ "+r.PV.Value.String())
	}
	if r.GV.Set {
		s := "gv ≥ " + r.GV.Value.String()
		if r.MaxLeg > 0 {
			s += fmt.Sprintf(" (each leg counting at most %s = %s)", r.MaxLeg, r.legCap())
		}
		parts = append(parts, s)
	}
	switch {
	case r.Legs.Count > 0 && r.Legs.Rank >= 0:
		parts = append(parts, fmt.Sprintf("%s with %s or higher", counted(r.Legs.Count, "leg"), p.Ranks[r.Legs.Rank].Name))
	case r.Legs.Count > 0:
		parts = append(parts, fmt.Sprintf("%s with a volume of %s or more", counted(r.Legs.Count, "leg"), r.Legs.GV))
	}
	if r.Customers > 0 {
		parts = append(parts, counted(r.Customers, "personally sponsored customer")+" with a sale")
	}
	if r.SponsoredActive > 0 {
		parts = append(parts, counted(r.SponsoredActive, "personally sponsored active distributor"))
	}
	if len(parts) == 0 {
		return "no requirements"
	}
	return strings.Join(parts, ", ")
}
