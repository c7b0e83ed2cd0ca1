// Package whatif computes a plan over ranges of its numbers (a sweep),
// and looks along them for cliffs: steps where the payout, or a member's
// pay, moves against what the number should do.
package whatif

import (
	"fmt"
	"slices"
	"strings"

	"github.com/compplan/compplan/plan"
	"github.com/compplan/compplan/plan/report"
	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// Set is one value of the plan to sweep, and its values (plan.ParseRange),
// or, with the path member.ID.pv, volume to add to that member.
type Set struct {
	Path   string
	Values []string
}

// MemberPath reads a member.ID.pv path: the member's id.
func MemberPath(path string) (string, bool) {
	rest, ok := strings.CutPrefix(path, "member.")
	if !ok {
		return "", false
	}
	id, ok := strings.CutSuffix(rest, ".pv")
	return id, ok && id != ""
}

// Check checks each set's path against the plan and the data before a
// sweep: a path leading to one value of the plan, or member.ID.pv of a
// member of d (at most one), each path once.
func Check(src *plan.Source, d *tree.Data, sets []Set) error {
	member, seen := "", map[string]bool{}
	for _, s := range sets {
		if seen[s.Path] {
			return fmt.Errorf("%s is given twice", s.Path)
		}
		seen[s.Path] = true
		if id, ok := MemberPath(s.Path); ok {
			if member != "" {
				return fmt.Errorf("%s: one member's volume at a time", s.Path)
			}
			member = id
			if d.Org.Lookup(id) < 0 {
				return fmt.Errorf("%s: no member has id %q", s.Path, id)
			}
			continue
		}
		if _, err := src.Value(s.Path); err != nil {
			return err
		}
	}
	return nil
}

// Sweep computes the plan at every point of the sets' values (two sets: a
// grid, the first varying slowest), each exactly as a run of the edited
// plan file, on d; a member's added volume is one sale on the last day of
// d's sales (order id sweep-ID). It looks for cliffs along the first
// set's values (report.FindCliffs, plan.SweepDirection) — over a grid,
// for each value of the second — in the payout, or the member's pay for
// member.ID.pv. Call Check first.
func Sweep(src *plan.Source, d *tree.Data, sets []Set) (*report.Sweep, error) {
	sw := &report.Sweep{}
	m := int32(-1)
	for _, s := range sets {
		sw.Paths = append(sw.Paths, s.Path)
		if id, ok := MemberPath(s.Path); ok {
			sw.Member, m = id, d.Org.Lookup(id)
		}
	}
	day := tree.NoDate
	if _, last, ok := d.Sales.DateRange(); ok {
		day = last
	}
	grid := [][]string{{}}
	for _, s := range sets {
		var next [][]string
		for _, g := range grid {
			for _, v := range s.Values {
				next = append(next, append(append([]string(nil), g...), v))
			}
		}
		grid = next
	}
	digits := 2
	for _, values := range grid {
		var settings []plan.Setting
		pd := d
		for k, s := range sets {
			if _, ok := MemberPath(s.Path); !ok {
				settings = append(settings, plan.Setting{Path: s.Path, Value: values[k]})
				continue
			}
			v, err := dec.Parse([]byte(strings.TrimPrefix(values[k], "+")))
			if err != nil || v < 0 {
				return nil, fmt.Errorf("%s: %q is not a volume of 0 or more to add", s.Path, values[k])
			}
			if pd, err = d.WithSale(m, v, day, "sweep-"+sw.Member); err != nil {
				return nil, err
			}
		}
		p, err := src.With(settings...)
		if err != nil {
			return nil, fmt.Errorf("at %s: %w", pointName(sw.Paths, values), err)
		}
		digits = p.Digits
		res, err := plan.Compute(p, pd)
		if err != nil {
			return nil, fmt.Errorf("at %s: %w", pointName(sw.Paths, values), err)
		}
		pt := report.NewSweepPoint(values, res)
		if m >= 0 {
			pt.MemberPay = res.Total(m)
		}
		sw.Points = append(sw.Points, pt)
	}
	// Cliffs along the first path: over a grid, along it for each value of
	// the second (the points of one are every len(second)-th).
	name := "payout"
	if m >= 0 {
		name = "the pay of " + sw.Member
	}
	lines, stride := 1, 1
	if len(sets) == 2 {
		lines, stride = len(sets[1].Values), len(sets[1].Values)
	}
	for l := range lines {
		var idx []int
		for i := l; i < len(sw.Points); i += stride {
			idx = append(idx, i)
		}
		if len(idx) < 2 {
			continue
		}
		figure := make([]dec.D, len(idx))
		for k, i := range idx {
			figure[k] = sw.Points[i].Payout
			if m >= 0 {
				figure[k] = sw.Points[i].MemberPay
			}
		}
		for _, c := range report.FindCliffs(sets[0].Path, plan.SweepDirection(sets[0].Path), sets[0].Values, figure, name, digits) {
			c.From, c.To = idx[c.From], idx[c.To]
			if len(sets) == 2 {
				c.Why += " (" + sets[1].Path + "=" + sets[1].Values[l] + ")"
			}
			sw.Cliffs = append(sw.Cliffs, c)
		}
	}
	return sw, nil
}

// pointName names a point of a sweep: PATH=VALUE, ….
func pointName(paths, values []string) string {
	parts := make([]string, len(paths))
	for k := range paths {
		parts[k] = paths[k] + "=" + values[k]
	}
	return strings.Join(parts, ", ")
}

// Finding is a cliff or a flat stretch a probe found.
type Finding struct {
	Path  string
	Cliff report.Cliff
	// Values are the path's values at the cliff's ends.
	From, To string
}

// Flat reports whether the finding is a flat stretch, not a step against
// the value's direction.
func (f Finding) Flat() bool { return f.Cliff.Change == 0 }

// Probes are the sweeps Cliffs runs on plan src and data d: every rank's
// pv, gv, legs count and legs gv, from 0 to twice the plan's value in
// tenths (a count by 1), and the volume of the three members who sponsor
// most (ties: the lower id), from +0 to twice the highest rank's pv (1,000
// without one) in tenths.
func Probes(src *plan.Source, base *plan.Plan, d *tree.Data) []Set {
	var out []Set
	tenths := func(top dec.D, whole bool) []string {
		step := top / 10
		if whole {
			step = dec.One
		} else if r := dec.Round(step, 2, dec.Down); r > 0 {
			step = r
		}
		if step <= 0 {
			return nil
		}
		var vals []string
		for v := dec.D(0); v <= top && len(vals) < 41; v += step {
			vals = append(vals, v.String())
		}
		return vals
	}
	var topPV dec.D
	for _, r := range base.Ranks {
		for _, key := range []string{"pv", "gv", "legs.count", "legs.gv"} {
			path := "ranks." + r.Name + "." + key
			v, err := src.Value(path)
			if err != nil || v == "" {
				continue
			}
			x, err := dec.Parse([]byte(v))
			if err != nil || x <= 0 {
				continue
			}
			if key == "pv" {
				topPV = max(topPV, x)
			}
			if vals := tenths(2*x, key == "legs.count"); len(vals) > 1 {
				out = append(out, Set{Path: path, Values: vals})
			}
		}
	}
	if topPV == 0 {
		topPV = dec.FromInt(500)
	}
	o := d.Org
	type recruiter struct {
		m int32
		n int
	}
	var top []recruiter
	for _, m := range o.ByID() {
		if n := len(o.Children(m)); n > 0 && !o.Customer(m) {
			top = append(top, recruiter{m, n})
		}
	}
	// The three who sponsor most, in id order among equals (ByID order,
	// and a stable sort).
	slices.SortStableFunc(top, func(a, b recruiter) int { return b.n - a.n })
	for _, r := range top[:min(3, len(top))] {
		vals := tenths(2*topPV, false)
		for i := range vals {
			vals[i] = "+" + vals[i]
		}
		out = append(out, Set{Path: "member." + o.ID(r.m) + ".pv", Values: vals})
	}
	return out
}

// Cliffs runs every probe (Probes) and returns what they found, probe by
// probe.
func Cliffs(src *plan.Source, d *tree.Data) ([]Finding, int, error) {
	base, err := src.With()
	if err != nil {
		return nil, 0, err
	}
	probes := Probes(src, base, d)
	var out []Finding
	for _, p := range probes {
		sw, err := Sweep(src, d, []Set{p})
		if err != nil {
			return nil, 0, err
		}
		for _, c := range sw.Cliffs {
			out = append(out, Finding{Path: p.Path, Cliff: c, From: p.Values[c.From], To: p.Values[c.To]})
		}
	}
	return out, len(probes), nil
}
