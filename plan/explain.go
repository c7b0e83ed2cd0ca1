package plan

import (
	"errors"
	"fmt"
	"slices"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// Requirement is one rank requirement checked for one member.
type Requirement struct {
	What string // "pv", "gv", "qualifying gv", "legs"
	Need string // what the rank needs, e.g. "3000" or "2 legs with Bronze or higher"
	Have string // what the member has
	Met  bool
}

// RankCheck is one rank's requirements checked for one member.
type RankCheck struct {
	Rank         int
	Requirements []Requirement
	Holds        bool // every requirement is met (a rank without any always holds)
}

// Leg is one personally sponsored member's subtree.
type Leg struct {
	Member int32
	Volume dec.D // the leg's volume: that member's GV
	Best   int16 // the highest paid-as rank in the leg, or NoRank
}

// Explanation says why a member was paid what they were paid, and not more.
// It is built from the same result and lines the engine posted.
type Explanation struct {
	Member int32
	// Period is the period explained ("" for a run without one).
	Period string
	Legs   []Leg
	// Ranks are checked highest first; the paid-as rank is the first that
	// holds.
	Ranks []RankCheck
	// Lines are the member's commission lines, component by component, as
	// in the ledger; Missed are breakage lines on the member's own levels.
	Lines, Missed []Line
}

// CheckRanks checks every rank's requirements for member m, highest first,
// with the same function that decided the ranks.
func (r *Result) CheckRanks(m int32) []RankCheck {
	p := r.Plan
	var out []RankCheck
	for i := len(p.Ranks) - 1; i >= 0; i-- {
		rk := &p.Ranks[i]
		var res [6]reqResult
		ok, n := rk.evaluate(i, r.facts, m, true, &res)
		c := RankCheck{Rank: i, Holds: ok && !r.Org.Customer(m)}
		for _, q := range res[:n] {
			c.Requirements = append(c.Requirements, rk.requirement(p, i, r.facts, m, q))
		}
		out = append(out, c)
	}
	return out
}

// Explain computes the plan over the data, keeping member m's lines, and
// explains them: the same computation, and the same lines, as a run with a
// ledger.
func Explain(p *Plan, d *tree.Data, m int32) (*Result, *Explanation, error) {
	return explain(p, d, m, Options{})
}

// ExplainPeriod explains member id's pay in one period, computed as
// RunPeriod computes it (with the state the period before handed over).
func ExplainPeriod(p *Plan, d *tree.Data, id string, period tree.Period, state *State, stateName string) (*Result, *Explanation, error) {
	if state != nil {
		if err := state.Check(p, period, stateName); err != nil {
			return nil, nil, err
		}
	}
	pd, err := d.InPeriod(period)
	if err != nil {
		return nil, nil, err
	}
	m := pd.Org.Lookup(id)
	if m < 0 {
		return nil, nil, fmt.Errorf("%w: member %s joined after the period %s", ErrNotInPeriod, id, period)
	}
	r, e, err := explain(p, pd, m, Options{State: state, StateName: stateName})
	if e != nil {
		e.Period = period.Name
	}
	return r, e, err
}

// ErrNotInPeriod means a member was not in the tree in a period.
var ErrNotInPeriod = errors.New("not in the period")

func explain(p *Plan, d *tree.Data, m int32, opts Options) (*Result, *Explanation, error) {
	e := &Explanation{Member: m}
	opts.Lines = func(_ *Result, l *Line) error {
		switch {
		case l.Earner == m:
			e.Lines = append(e.Lines, *l)
		case l.Earner < 0 && l.Upline == m:
			e.Missed = append(e.Missed, *l)
		}
		return nil
	}
	r, err := ComputeWith(p, d, opts)
	if err != nil {
		return nil, nil, err
	}
	e.Ranks = r.CheckRanks(m)
	for _, k := range r.Org.Children(m) {
		e.Legs = append(e.Legs, Leg{Member: k, Volume: r.GV[k], Best: r.SubtreeRank[k]})
	}
	slices.SortFunc(e.Legs, func(a, b Leg) int { return r.Org.CompareIDs(a.Member, b.Member) })
	return r, e, nil
}

// Unlock says what member m would need for the level a missed line was
// on: to be active, or to reach the lowest rank paid on that level.
func (r *Result) Unlock(m int32, l *Line) string {
	p := r.Plan
	switch l.Reason {
	case Inactive:
		return r.activeUnlock(m)
	case NotInLegs:
		return "personally sponsor a distributor in each binary leg"
	case RankLevels, NoRankHeld, RankRate:
	default:
		return "" // caps, scaling, terminations and the top of the tree: no rank unlocks them
	}
	comp := &p.Components[l.Component]
	for i := range p.Ranks {
		if n, _ := comp.paidOn(i); n < l.PaidLevel || i <= int(r.Rank[m]) {
			continue
		}
		for _, c := range r.CheckRanks(m) {
			if c.Rank != i {
				continue
			}
			s := "reach " + p.Ranks[i].Name + ":"
			for _, q := range c.Requirements {
				if !q.Met {
					s += fmt.Sprintf(" %s %s of %s needed;", q.What, q.Have, q.Need)
				}
			}
			return s[:len(s)-1]
		}
	}
	_, unit := comp.paidOn(0)
	return fmt.Sprintf("no rank is paid on %s %d", unit, l.PaidLevel)
}
