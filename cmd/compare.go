package cmd

import (
	"io"
	"path/filepath"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/compplan/compplan/plan"
	"github.com/compplan/compplan/plan/compare"
	"github.com/compplan/compplan/plan/report"
)

// compareOptions are the options of compplan compare.
type compareOptions struct {
	Members, Sales string
	Format         string
	Diff           string
	HTML           string
	Top            int
}

func newCompareCmd(s *streams) *cobra.Command {
	opts := &compareOptions{}
	c := &cobra.Command{
		Use:   "compare --members MEMBERS.csv [--sales SALES.csv] PLAN_A.yaml PLAN_B.yaml [PLAN_C.yaml ...]",
		Short: "Weigh draft plans side by side on the same data",
		Long: `Compute several plans on the same members and sales (read once) and show,
side by side: payout and payout %, paid and breakage per component, earners,
the spread of earnings (mean, median, p75, p90, p99, max; nearest rank), the
share of the top 1% and 10% of earners, earnings by paid-as rank (an income
disclosure table), and the members who gain and lose most against the first
plan.`,
		Example: "  compplan compare -m examples/members.csv -s examples/sales.csv examples/unilevel.yaml examples/matching.yaml",
		Args:    cobra.MinimumNArgs(2),
		RunE:    func(c *cobra.Command, args []string) error { return runCompare(c, s, opts, args) },
	}
	f := c.Flags()
	f.StringVarP(&opts.Members, "members", "m", "", "members `file` (CSV)")
	f.StringVarP(&opts.Sales, "sales", "s", "", "sales `file` (CSV)")
	f.StringVarP(&opts.Format, "format", "f", "", "output `format`: table, csv or json (default table on a terminal, csv otherwise)")
	f.StringVar(&opts.Diff, "diff", "", "write every member's rank and total per plan, and the change, to `file` (CSV)")
	f.StringVar(&opts.HTML, "html", "", "write a self-contained HTML page with the figures and charts to `file`")
	f.IntVar(&opts.Top, "top", 10, "how many members who gain and lose most to show per plan")
	return c
}

func runCompare(c *cobra.Command, s *streams, opts *compareOptions, plans []string) error {
	if opts.Members == "" {
		return usagef(c, "compare needs --members")
	}
	if opts.Top < 0 {
		return usagef(c, "--top must be 0 or more")
	}
	format := report.CSV
	if opts.Format != "" {
		var err error
		if format, err = report.ParseFormat(opts.Format); err != nil {
			return usagef(c, "%v", err)
		}
	} else if s.outTerminal {
		format = report.Table
	}
	ph := newPhases(s.err, false)
	in := &inputs{s: s}
	defer in.close()
	var ps []*plan.Plan
	keepOrders := false // a plan that reverses returns needs the order ids
	for _, file := range plans {
		p, err := readWith(in, file, "plan", plan.Read)
		if err != nil {
			return err
		}
		ps = append(ps, p)
		keepOrders = keepOrders || p.ReverseReturns
	}
	if err := compare.SameCurrency(plans, ps); err != nil {
		return err
	}
	_, d, err := load(s, ph, "", opts.Members, opts.Sales, keepOrders)
	if err != nil {
		return err
	}
	labels := planLabels(ps, plans)
	// The data is read once and shared; the plans run side by side.
	d.Org.ByID() // sort once, before the goroutines share it
	results := make([]*plan.Result, len(ps))
	errs := make([]error, len(ps))
	var wg sync.WaitGroup
	for i, p := range ps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = plan.Compute(p, d)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	cmp := compare.Compare(labels, results, opts.Top)
	if opts.Diff != "" {
		if err := s.writeAtomic(opts.Diff, func(w io.Writer) error { return report.WriteDiff(w, cmp) }); err != nil {
			return err
		}
	}
	if opts.HTML != "" {
		if err := s.writeAtomic(opts.HTML, func(w io.Writer) error { return report.WriteHTML(w, cmp) }); err != nil {
			return err
		}
	}
	return report.WriteComparison(s.out, cmp, format)
}

// planLabels labels plans by name, or by file name where names clash.
func planLabels(ps []*plan.Plan, files []string) []string {
	count := map[string]int{}
	for _, p := range ps {
		count[p.Name]++
	}
	labels := make([]string, len(ps))
	for i, p := range ps {
		labels[i] = p.Name
		if count[p.Name] > 1 {
			labels[i] = strings.TrimSuffix(filepath.Base(files[i]), filepath.Ext(files[i]))
		}
	}
	return labels
}
