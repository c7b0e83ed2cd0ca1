package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/compplan/compplan/tree"
)

// Versions are the versions of one plan, in the order they take effect: a
// version without effective (at most one) first, then by their effective
// days. A period is computed by the latest version effective on its first
// day (At).
type Versions struct {
	Plans []*Plan
	// Files name each plan's file, for errors and notes.
	Files []string
}

// NewVersions orders the versions of one plan. It refuses versions of
// different plans (another name or currency: a state carries only between
// versions of one plan) and two versions taking effect on one day (two
// without effective included). files names each plan's file.
func NewVersions(plans []*Plan, files []string) (Versions, error) {
	v := Versions{Plans: slices.Clone(plans), Files: slices.Clone(files)}
	for len(v.Files) < len(v.Plans) {
		v.Files = append(v.Files, "")
	}
	order := make([]int, len(plans))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return strings.Compare(plans[a].Effective, plans[b].Effective) })
	for i, k := range order {
		v.Plans[i], v.Files[i] = plans[k], files[k]
	}
	for i := 1; i < len(v.Plans); i++ {
		a, b := v.Plans[0], v.Plans[i]
		bad := func(format string, args ...any) error {
			return &tree.InputError{File: v.Files[i], Msg: fmt.Sprintf(format, args...)}
		}
		switch {
		case b.Name != a.Name:
			return Versions{}, bad("plan %q is not a version of plan %q (%s): versions of one plan have one name", b.Name, a.Name, v.Files[0])
		case b.Currency != a.Currency:
			return Versions{}, bad("this version pays in %s and the version in %s in %s: versions of one plan pay in one currency", b.Currency, a.Currency, v.Files[0])
		case b.Effective == v.Plans[i-1].Effective && b.Effective == "":
			return Versions{}, bad("neither this version nor %s says when it takes effect: give every version but the first effective: YYYY-MM-DD", v.Files[i-1])
		case b.Effective == v.Plans[i-1].Effective:
			return Versions{}, bad("this version and %s both take effect on %s: one day has one version", v.Files[i-1], b.Effective)
		}
	}
	return v, nil
}

// Single is one plan as its only version.
func Single(p *Plan) Versions { return Versions{Plans: []*Plan{p}, Files: []string{""}} }

// At returns the version that computes a period starting on day: the
// latest effective on it, and its index. Before every version takes
// effect, it is an error naming the first version's day.
func (v Versions) At(day int32) (*Plan, int, error) {
	date := tree.FormatDate(day)
	i := len(v.Plans) - 1
	for i >= 0 && v.Plans[i].Effective > date {
		i--
	}
	if i < 0 {
		return nil, -1, &tree.InputError{File: v.Files[0], Msg: fmt.Sprintf("plan %s takes effect on %s, after the period starting %s: start later (--from), or give a version of the plan in effect then (one without effective applies from the start)",
			v.Plans[0].Name, v.Plans[0].Effective, date)}
	}
	return v.Plans[i], i, nil
}
