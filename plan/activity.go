package plan

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// Activity is what makes a distributor active beyond their PV in the
// period reaching the plan's active pv (active: {pv, window, order_types,
// new_member_periods}). A distributor is active when any of these holds:
//   - their PV summed over this period and the Window−1 before it (the
//     state carries the earlier periods' PV: Result.RecentPV) reaches pv;
//   - they, or a customer credited to them, have a sale of one of
//     OrderTypes in the period (an autoship), matched case-insensitively;
//   - the period is one of their first NewPeriods (the period they
//     joined is their first).
//
// Customers are never active. The pv column stays the period's PV.
type Activity struct {
	Window     int      // periods of PV summed; 1: this period's alone
	OrderTypes []string // sale types that make their member active
	NewPeriods int      // periods from joining a member is active regardless; 0: none
}

// Why a member is active (Result.ActiveBy).
const (
	NotActive     uint8 = iota
	ActiveByPV          // PV (over the window) reaches active pv; or everyone is active
	ActiveByOrder       // a sale of one of order_types
	ActiveAsNew         // one of their first new_member_periods periods
)

// activity says who is active, who is terminated, and who is eligible to
// earn: active and not terminated. sales are the effective sales (a
// customer's credited to their distributor).
func (r *run) activity(sales *tree.Sales, res *Result) {
	p, o := r.plan, r.org
	a := &p.Activity
	n := o.Len()
	r.active, r.eligible = make([]bool, n), make([]bool, n)
	pv := r.pv
	if a.Window > 1 {
		pv = r.windowed(r.pv, r.recentPV(), a.Window)
		res.WindowPV = pv
	}
	res.RecentPV = recentOf(r.pv, r.recentPV(), p.pvHistory())
	by := make([]uint8, n)
	for m := range n {
		if !o.Customer(int32(m)) && (!p.HasActive || pv[m] >= p.ActivePV) {
			by[m] = ActiveByPV
		}
	}
	if len(a.OrderTypes) > 0 {
		for _, ch := range sales.Chunks {
			for k, m := range ch.Member {
				if by[m] == NotActive && !o.Customer(m) && slices.ContainsFunc(a.OrderTypes, func(t string) bool { return strings.EqualFold(t, ch.TypeOf(k)) }) {
					by[m] = ActiveByOrder
				}
			}
		}
	}
	if a.NewPeriods > 0 {
		every := periodKind(*r.period) // needs checked it is a month or a week
		for m := range n {
			if by[m] == NotActive && !o.Customer(int32(m)) && tree.CountPeriods(every, o.Joined(int32(m)), r.period.From) <= a.NewPeriods {
				by[m] = ActiveAsNew
			}
		}
	}
	for m := range n {
		r.active[m] = by[m] != NotActive
		r.eligible[m] = r.active[m]
	}
	res.ActiveBy = by
	for m := range n {
		if o.Terminated(int32(m)) != tree.NoDate {
			if r.terminated == nil {
				r.terminated = make([]bool, n)
			}
			r.terminated[m] = true
			r.eligible[m] = false
		}
	}
}

// pvHistory is how many earlier periods' PV the plan reads: for an active
// window, or a rank window.
func (p *Plan) pvHistory() int { return max(p.Activity.Window, p.RankWindow, 1) - 1 }

// recentPV is each member's PV of the periods before this one, most recent
// first (nil: none carried).
func (r *run) recentPV() [][]dec.D {
	if r.carried == nil {
		return nil
	}
	return r.carried.recentPV
}

// windowed is now plus, for each member, the first window-1 figures of
// before: a figure summed over this period and the ones before it.
func (r *run) windowed(now []dec.D, before [][]dec.D, window int) []dec.D {
	out := slices.Clone(now)
	if before == nil {
		return out
	}
	for m := range out {
		for _, v := range before[m][:min(len(before[m]), window-1)] {
			out[m] += v // each period's figure is in range, and a window is short
		}
	}
	return out
}

// recentOf is what the next period reads: for each member this period's
// figure, then the earlier ones, keep in all (nil when keep is 0).
// Periods of 0 at the end add nothing: dropped, as the state does, so that
// replay and chained runs carry the same.
func recentOf(now []dec.D, before [][]dec.D, keep int) [][]dec.D {
	if keep == 0 {
		return nil
	}
	out := make([][]dec.D, len(now))
	for m := range out {
		var b []dec.D
		if before != nil {
			b = before[m]
		}
		out[m] = trimTrailing(latest(now[m], b, keep), 0)
	}
	return out
}

// periodKind is the kind of period p is (a calendar month or an ISO
// week), or "" for another span of days.
func periodKind(p tree.Period) tree.Every {
	for _, every := range []tree.Every{tree.Month, tree.Week} {
		if q := tree.PeriodOf(every, p.From); q.From == p.From && q.To == p.To {
			return every
		}
	}
	return ""
}

// activityNeeds: new_member_periods counts periods since joining, so it
// needs a month or a week and every member's joined date.
func (p *Plan) activityNeeds(d *tree.Data) error {
	if p.Activity.NewPeriods == 0 {
		return nil
	}
	if d.Period == nil || periodKind(*d.Period) == "" {
		return &tree.InputError{File: d.Org.File(),
			Msg: "active new_member_periods counts periods from a member's joining: give a month or a week (--period 2026-03 or 2026-W14), or replay --every month or week"}
	}
	if line := d.Org.FirstUnjoined(); line > 0 {
		return &tree.InputError{File: d.Org.File(), Line: line, Field: "joined",
			Msg: "no joined date: active new_member_periods needs every member's joined date"}
	}
	return nil
}

// ActivePV is the PV member m's activity is measured on: the period's, or
// with a window the sum over it.
func (res *Result) ActivePV(m int32) dec.D {
	if res.WindowPV != nil {
		return res.WindowPV[m]
	}
	return res.PV[m]
}

// pvWords says what ActivePV is: "PV" or "PV over the last 3 periods".
func (p *Plan) pvWords() string {
	if p.Activity.Window > 1 {
		return fmt.Sprintf("PV over the last %d periods", p.Activity.Window)
	}
	return "PV"
}

// ActiveReason says why member m is active, or why not, for explain.
func (res *Result) ActiveReason(m int32) string {
	p := res.Plan
	a := &p.Activity
	switch {
	case !p.HasActive && res.Active[m]:
		return "yes (everyone is active in this plan)"
	case res.ActiveBy == nil:
	case res.ActiveBy[m] == ActiveByOrder:
		return fmt.Sprintf("yes (an order of type %s; %s %s < %s)", strings.Join(a.OrderTypes, " or "), p.pvWords(), res.ActivePV(m), p.ActivePV)
	case res.ActiveBy[m] == ActiveAsNew:
		return fmt.Sprintf("yes (one of a new member's first %d periods; %s %s < %s)", a.NewPeriods, p.pvWords(), res.ActivePV(m), p.ActivePV)
	}
	if res.Active[m] {
		return fmt.Sprintf("yes (%s %s ≥ %s)", p.pvWords(), res.ActivePV(m), p.ActivePV)
	}
	if res.Org.Customer(m) {
		return "no (a customer)"
	}
	return fmt.Sprintf("no (%s %s < %s)", p.pvWords(), res.ActivePV(m), p.ActivePV)
}

// activeUnlock says what makes member m active, for explain's "to earn it".
func (res *Result) activeUnlock(m int32) string {
	p := res.Plan
	s := fmt.Sprintf("be active: %s %s of %s needed", p.pvWords(), res.ActivePV(m), p.ActivePV)
	if len(p.Activity.OrderTypes) > 0 {
		s += ", or an order of type " + strings.Join(p.Activity.OrderTypes, " or ")
	}
	return s
}

// active reads active: {pv, window, order_types, new_member_periods}.
func (d *decoder) active(n *yaml.Node) error {
	p := &d.p
	af, err := d.fields(n, "active", "pv", "window", "order_types", "new_member_periods")
	if err != nil {
		return err
	}
	if af["pv"] == nil {
		return d.errf(n, "active needs pv, the personal volume that makes a member active")
	}
	if p.ActivePV, err = d.volume(af["pv"], "active pv"); err != nil {
		return err
	}
	p.HasActive = true
	p.Activity.Window = 1
	if v := af["window"]; v != nil {
		if p.Activity.Window, err = d.periods1(v, "active window", "this period's PV alone"); err != nil {
			return err
		}
	}
	if v := af["new_member_periods"]; v != nil {
		if p.Activity.NewPeriods, err = d.count(v, "active new_member_periods"); err != nil {
			return err
		}
		if p.Activity.NewPeriods > MaxGrace {
			return d.errf(v, "active new_member_periods must be at most %d periods", MaxGrace)
		}
	}
	if v := af["order_types"]; v != nil {
		if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
			return d.errf(v, "active order_types must be a list of sale types, e.g. [autoship], not %s", kindName(v))
		}
		for _, t := range v.Content {
			name, err := d.str(t, "an active order type")
			if err != nil {
				return err
			}
			if slices.ContainsFunc(p.Activity.OrderTypes, func(o string) bool { return strings.EqualFold(o, name) }) {
				return d.errf(t, "sale type %q is listed twice (types are matched case-insensitively)", name)
			}
			if strings.EqualFold(name, tree.ReturnType) {
				return d.errf(t, "a return is not an order: it cannot make its member active")
			}
			p.Activity.OrderTypes = append(p.Activity.OrderTypes, name)
		}
	}
	return nil
}

type yamlActive struct {
	PV         string   `yaml:"pv"`
	Window     int      `yaml:"window,omitempty"`
	OrderTypes []string `yaml:"order_types,omitempty,flow"`
	NewPeriods int      `yaml:"new_member_periods,omitempty"`
}

func encodeActive(p *Plan) *yamlActive {
	if !p.HasActive {
		return nil
	}
	y := &yamlActive{PV: p.ActivePV.String(), OrderTypes: p.Activity.OrderTypes, NewPeriods: p.Activity.NewPeriods}
	if p.Activity.Window > 1 {
		y.Window = p.Activity.Window
	}
	return y
}

// DescribeActive is check's line for activity.
func (p *Plan) DescribeActive() string {
	if !p.HasActive {
		return "everyone"
	}
	a := &p.Activity
	s := fmt.Sprintf("pv ≥ %s", p.ActivePV)
	if a.Window > 1 {
		s = fmt.Sprintf("pv over the last %d periods ≥ %s", a.Window, p.ActivePV)
	}
	if len(a.OrderTypes) > 0 {
		s += "; or an order of type " + strings.Join(a.OrderTypes, " or ")
	}
	if a.NewPeriods > 0 {
		s += fmt.Sprintf("; or one of a member's first %d periods (the period they join is the first)", a.NewPeriods)
	}
	return s
}
