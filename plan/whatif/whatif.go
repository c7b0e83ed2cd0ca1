// Package whatif computes a plan over ranges of its numbers (a sweep),
// and looks along them for cliffs: steps where the payout, or a member's
// pay, moves against what the number should do.
package whatif

import (
	"fmt"
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
// d's sales (order id sweep-ID). With one set it looks for cliffs along it
// (report.FindCliffs, plan.SweepDirection): the payout, or the member's
// pay for member.ID.pv. Call Check first.
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
	if len(sets) == 1 && len(sw.Points) > 1 {
		figure, name := make([]dec.D, len(sw.Points)), "payout"
		for i, pt := range sw.Points {
			figure[i] = pt.Payout
			if m >= 0 {
				figure[i] = pt.MemberPay
			}
		}
		if m >= 0 {
			name = "the pay of " + sw.Member
		}
		sw.Cliffs = report.FindCliffs(sets[0].Path, plan.SweepDirection(sets[0].Path), sets[0].Values, figure, name, digits)
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
