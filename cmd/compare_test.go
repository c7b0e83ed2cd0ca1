package cmd

import (
	"slices"
	"testing"

	"github.com/compplan/compplan/plan"
)

func TestPlanLabels(t *testing.T) {
	for _, tc := range []struct {
		names, files, want []string
	}{
		{[]string{"A", "B"}, []string{"a.yaml", "b.yaml"}, []string{"A", "B"}},
		{[]string{"A", "A"}, []string{"plans/a.yaml", "plans/copy.yaml"}, []string{"a", "copy"}},
		{[]string{"A", "A", "B"}, []string{"2025/plan.yaml", "2026/plan.yaml", "x.yaml"}, []string{"2025/plan", "2026/plan", "B"}},
		{[]string{"A", "A"}, []string{"x/q/plan.yaml", "y/q/plan.yaml"}, []string{"x/q/plan", "y/q/plan"}},
		{[]string{"A", "A"}, []string{"plan.yaml", "./plan.yaml"}, []string{"plan", "plan (2)"}},
		{[]string{"A", "A", "plan (2)"}, []string{"plan.yaml", "plan.yaml", "z.yaml"}, []string{"plan", "plan (3)", "plan (2)"}},
	} {
		var ps []*plan.Plan
		for _, n := range tc.names {
			ps = append(ps, &plan.Plan{Name: n})
		}
		got := planLabels(ps, tc.files)
		if !slices.Equal(got, tc.want) {
			t.Errorf("planLabels(%v, %v) = %q, want %q", tc.names, tc.files, got, tc.want)
		}
	}
}
