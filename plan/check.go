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
		c.Max[i] = comp.family().max(comp, p, c, top)
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

// leveled is a family paid on levels (or generations) that a rank may be
// paid on only some of.
type leveled interface {
	// paidOn is how many levels, or generations, rank r is paid on, and
	// which.
	paidOn(r int) (int, string)
}

// paidOn is how many levels, or generations, rank r is paid on, and which
// (none for a family without levels).
func (c *Component) paidOn(r int) (int, string) {
	if l, ok := c.rule.(leveled); ok {
		return l.paidOn(r)
	}
	return 0, "level"
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
