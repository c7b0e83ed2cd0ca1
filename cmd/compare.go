package cmd

import (
	"cmp"
	"fmt"
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
	Output         string
	Diff           string
	HTML           string
	Top            int
	SafeCSV        bool
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
		Args: func(c *cobra.Command, args []string) error {
			if len(args) < 2 {
				return usagef(c, "compare needs two plan files or more to weigh side by side, got %d: %s", len(args), c.UseLine())
			}
			return nil
		},
		RunE: func(c *cobra.Command, args []string) error { return runCompare(c, s, opts, args) },
	}
	f := c.Flags()
	f.StringVarP(&opts.Members, "members", "m", "", "members `file` (CSV)")
	f.StringVarP(&opts.Sales, "sales", "s", "", "sales `file` (CSV)")
	f.StringVarP(&opts.Format, "format", "f", "", "output `format`: table, csv or json (default table on a terminal, csv otherwise)")
	f.StringVarP(&opts.Output, "output", "o", "-", "comparison `file`, written atomically (- is standard output)")
	f.StringVar(&opts.Diff, "diff", "", "write every member's rank and total per plan, and the change, to `file` (CSV; - is standard output)")
	f.StringVar(&opts.HTML, "html", "", "write a self-contained HTML page with the figures and charts to `file` (- is standard output)")
	f.IntVar(&opts.Top, "top", 10, "how many members who gain and lose most to show per plan")
	f.BoolVar(&opts.SafeCSV, "safe-csv", false, "prefix CSV text of --diff that a spreadsheet would run as a formula (= + - @) with '")
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
	} else if (opts.Output == "-" || opts.Output == "") && s.outTerminal {
		format = report.Table
	}
	var planInputs [][2]string
	for _, file := range plans {
		planInputs = append(planInputs, [2]string{"plan " + file, file})
	}
	if err := oneStdin(c, "", opts.Members, opts.Sales, planInputs...); err != nil {
		return err
	}
	ins := []namedInput{{"--members", opts.Members}, {"--sales", opts.Sales}}
	for _, file := range plans {
		ins = append(ins, namedInput{"plan " + file, file})
	}
	outs := s.newOutputs(c, ins...)
	defer outs.abort()
	var files [3]*outputFile
	for i, o := range []struct{ flag, path string }{{"--output", cmp.Or(opts.Output, "-")}, {"--diff", opts.Diff}, {"--html", opts.HTML}} {
		var err error
		if files[i], err = outs.add(o.flag, o.path); err != nil {
			return err
		}
	}
	out, diff, html := files[0], files[1], files[2]
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
		keepOrders = keepOrders || p.ReadsOrderIDs()
	}
	if err := compare.SameCurrency(plans, ps); err != nil {
		return err
	}
	_, d, err := load(s, ph, "", opts.Members, opts.Sales, keepOrders)
	if err != nil {
		return err
	}
	if n := d.Sales.SpanNote(); n != "" {
		s.say("compplan: note: %s", n)
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
	comparison := compare.Compare(labels, results, opts.Top)
	if diff != nil {
		if err := report.WriteDiff(diff.writer(), comparison, opts.SafeCSV); err != nil {
			return err
		}
	}
	if html != nil {
		if err := report.WriteHTML(html.writer(), comparison); err != nil {
			return err
		}
	}
	if out != nil {
		if err := report.WriteComparison(out.writer(), comparison, format); err != nil {
			return err
		}
	}
	return outs.commit()
}

// planLabels labels plans by name; plans whose names clash are labelled by
// the shortest tail of their paths that tells them apart (file name without
// its extension first, then with folders), and a file given twice by its
// place in the list. Labels are always unique.
func planLabels(ps []*plan.Plan, files []string) []string {
	byName := map[string][]int{}
	for i, p := range ps {
		byName[p.Name] = append(byName[p.Name], i)
	}
	labels := make([]string, len(ps))
	for i, p := range ps {
		labels[i] = p.Name
	}
	for _, group := range byName {
		if len(group) < 2 {
			continue
		}
		paths := make([][]string, len(group))
		longest := 0
		for j, i := range group {
			clean := filepath.ToSlash(filepath.Clean(files[i]))
			clean = strings.TrimSuffix(clean, filepath.Ext(clean))
			paths[j] = strings.Split(clean, "/")
			longest = max(longest, len(paths[j]))
		}
		for n := 1; n <= longest; n++ {
			tails := map[string]string{} // tail -> the path it stands for
			unique := true
			for _, parts := range paths {
				full := strings.Join(parts, "/")
				if other, ok := tails[tail(parts, n)]; ok && other != full {
					unique = false // one file given twice is told apart below
				}
				tails[tail(parts, n)] = full
			}
			if unique || n == longest {
				for j, i := range group {
					labels[i] = tail(paths[j], n)
				}
				break
			}
		}
	}
	used := map[string]bool{}
	for _, l := range labels {
		used[l] = true
	}
	first := map[string]bool{}
	for i, l := range labels {
		if !first[l] {
			first[l] = true
			continue
		}
		for k := 2; ; k++ {
			if next := fmt.Sprintf("%s (%d)", l, k); !used[next] {
				labels[i] = next
				used[next] = true
				break
			}
		}
	}
	return labels
}

// tail is the last n parts of a path, joined by "/".
func tail(parts []string, n int) string {
	return strings.Join(parts[max(0, len(parts)-n):], "/")
}
