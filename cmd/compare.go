package cmd

import (
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/compplan/compplan/plan"
	"github.com/compplan/compplan/plan/compare"
	"github.com/compplan/compplan/plan/report"
	"github.com/compplan/compplan/tree"
)

// compareOptions are the options of compplan compare.
type compareOptions struct {
	Members, Sales string
	Rates, Moves   string
	Every          string
	From, To       string
	MaxPeriods     int
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
		Use:   "compare --members MEMBERS.csv [--sales SALES.csv] [--every month|week] PLAN_A.yaml PLAN_B.yaml [PLAN_C.yaml ...]",
		Short: "Weigh draft plans side by side on the same data",
		Long: `Compute several plans on the same members and sales (read once) and show,
side by side: payout and payout %, paid and breakage per component, earners,
the spread of earnings (mean, median, p75, p90, p99, max; nearest rank), the
share of the top 1% and 10% of earners, earnings by paid-as rank (an income
disclosure table), and the members who gain and lose most against the first
plan.

With --every month|week every plan replays the history period by period,
with its carried state, and the figures are over the whole span: each
member's earnings and pay summed over the periods, ranked by the highest
paid-as rank reached, and each period's payout. A plan argument may then list
versions of one plan, separated by commas (a-2025.yaml,a-2026.yaml): each
period is computed by the version in effect on its first day.`,
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
	f.StringVar(&opts.Moves, "moves", "", "genealogy changes `file` (CSV: member_id, sponsor_id, date[, placement_id, leg, matrix_parent_id]): each period uses the tree of its last day")
	f.StringVar(&opts.Rates, "rates", "", "exchange rates `file` (CSV: currency, date, rate in the plan's currency) for sales in other currencies")
	f.StringVar(&opts.Every, "every", "", "compare over history, period by period: `month` or week (every sale dated)")
	f.StringVar(&opts.From, "from", "", "with --every, the first `date` (default: the first sale's)")
	f.StringVar(&opts.To, "to", "", "with --every, the last `date` (default: the last sale's)")
	f.IntVar(&opts.MaxPeriods, "max-periods", 0, "with --every, refuse more than `N` periods (default 600 months or 2600 weeks)")
	f.StringVarP(&opts.Format, "format", "f", "", "output `format`: table, csv or json (default table on a terminal, csv otherwise)")
	f.StringVarP(&opts.Output, "output", "o", "-", "comparison `file`, written atomically (- is standard output)")
	f.StringVar(&opts.Diff, "diff", "", "write every member's rank and total per plan, and the change, to `file` (CSV; - is standard output)")
	f.StringVar(&opts.HTML, "html", "", "write a self-contained HTML page with the figures and charts to `file` (- is standard output)")
	f.IntVar(&opts.Top, "top", 10, "how many members who gain and lose most to show per plan")
	f.BoolVar(&opts.SafeCSV, "safe-csv", false, "prefix CSV text of --diff that a spreadsheet would run as a formula (= + - @) with '")
	return c
}

func runCompare(c *cobra.Command, s *streams, opts *compareOptions, args []string) error {
	if opts.Members == "" {
		return usagef(c, "compare needs --members")
	}
	if opts.Top < 0 {
		return usagef(c, "--top must be 0 or more")
	}
	every := tree.Every(opts.Every)
	switch {
	case opts.Every != "" && every != tree.Month && every != tree.Week:
		return usagef(c, "--every is month or week, not %q", opts.Every)
	case opts.Every == "" && (opts.From != "" || opts.To != "" || opts.MaxPeriods != 0):
		return usagef(c, "--from, --to and --max-periods are for a comparison over periods: give --every month|week")
	case opts.MaxPeriods < 0:
		return usagef(c, "--max-periods must be 1 or more")
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
	// Each argument is a plan, or versions of one separated by commas.
	groups := make([][]string, len(args))
	var plans []string // every plan file
	for i, arg := range args {
		groups[i] = strings.Split(arg, ",")
		if slices.Contains(groups[i], "") {
			return usagef(c, "plan argument %q: an empty file name (versions of a plan are separated by single commas)", arg)
		}
		if len(groups[i]) > 1 && every == "" {
			return usagef(c, "%s lists versions of a plan, which apply period by period: give --every month|week", arg)
		}
		plans = append(plans, groups[i]...)
	}
	planInputs := [][2]string{{"rates", opts.Rates}, {"moves", opts.Moves}}
	for _, file := range plans {
		planInputs = append(planInputs, [2]string{"plan " + file, file})
	}
	if err := oneStdin(c, "", opts.Members, opts.Sales, planInputs...); err != nil {
		return err
	}
	ins := []namedInput{{"--members", opts.Members}, {"--sales", opts.Sales}, {"--rates", opts.Rates}, {"--moves", opts.Moves}}
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
	var versions []plan.Versions
	var ps []*plan.Plan // each argument's first version: its name, currency and label
	var firstFiles []string
	keepOrders := false // a plan that reverses returns needs the order ids
	for _, group := range groups {
		v, err := readVersions(s, group)
		if err != nil {
			return err
		}
		versions, ps, firstFiles = append(versions, v), append(ps, v.Plans[0]), append(firstFiles, group[0])
		for _, p := range v.Plans {
			keepOrders = keepOrders || p.ReadsOrderIDs()
		}
	}
	if err := compare.SameCurrency(firstFiles, ps); err != nil {
		return err
	}
	_, d, err := load(s, ph, dataFiles{Members: opts.Members, Sales: opts.Sales, Rates: opts.Rates, Moves: opts.Moves, KeepOrders: keepOrders, Money: ps[0]})
	if err != nil {
		return err
	}
	labels := planLabels(ps, firstFiles)
	// The data is read once and shared; the plans run side by side.
	d.Org.ByID() // sort once, before the goroutines share it
	var comparison *compare.Comparison
	if every == "" {
		if n := d.Sales.SpanNote(); n != "" {
			s.say("compplan: note: %s", n)
		}
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
		if err := firstError(errs); err != nil {
			return err
		}
		comparison = compare.Compare(labels, results, opts.Top)
	} else {
		if comparison, err = compareOver(c, s, d, opts, every, versions, labels); err != nil {
			return err
		}
	}
	comparison.Data = dataFacts(d, ps[0].Currency, append([]string{opts.Members, opts.Sales}, args...))
	if every != "" {
		first, last, _ := dayRange(c, d, opts.From, opts.To, "")
		comparison.Data.Periods, comparison.Data.Every = tree.CountPeriods(every, first, last), string(every)
		comparison.Data.From, comparison.Data.To = tree.FormatDate(first), tree.FormatDate(last)
	}
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

// firstError is the first error of errs that is not nil.
func firstError(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// compareOver replays every plan (its versions) over the periods of
// --every and compares the spans. Each plan's notes (where a version takes
// over) are said after all have run, plan by plan.
func compareOver(c *cobra.Command, s *streams, d *tree.Data, opts *compareOptions, every tree.Every, versions []plan.Versions, labels []string) (*compare.Comparison, error) {
	if err := d.Sales.Dated(); err != nil {
		return nil, err
	}
	first, last, err := dayRange(c, d, opts.From, opts.To, "")
	if err != nil {
		return nil, err
	}
	if err := boundPeriods(c, d, opts.Sales, opts.MaxPeriods, opts.From, opts.To, every, first, last); err != nil {
		return nil, err
	}
	periods := tree.Periods(every, first, last)
	spans := make([]*plan.Span, len(versions))
	errs := make([]error, len(versions))
	notes := make([][]string, len(versions))
	var wg sync.WaitGroup
	for i, v := range versions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			spans[i] = plan.NewSpan(v, d.Org.Len())
			var before *plan.Plan
			errs[i] = plan.ReplayVersions(v, d, periods, plan.Options{}, func(pr tree.Period, res *plan.Result) error {
				if before != nil && res.Plan != before {
					notes[i] = append(notes[i], labels[i]+": "+versionNoteText(v, pr, res, true))
				}
				before = res.Plan
				spans[i].Add(pr, res)
				return nil
			}, nil)
		}()
	}
	wg.Wait()
	if err := firstError(errs); err != nil {
		return nil, err
	}
	for _, list := range notes {
		for _, n := range list {
			s.say("compplan: note: %s", n)
		}
	}
	return compare.CompareSpans(labels, spans, opts.Top), nil
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

// dataFacts describes the data a comparison was computed on, for the
// HTML page's header.
func dataFacts(d *tree.Data, currency string, files []string) *compare.Data {
	f := &compare.Data{Members: d.Org.Len(), Sales: d.Sales.Len(), SalesAmount: d.Sales.Amount, Currency: currency}
	for m := range int32(d.Org.Len()) {
		if d.Org.Customer(m) {
			f.Customers++
		}
	}
	if first, last, ok := d.Sales.DateRange(); ok {
		f.From, f.To = tree.FormatDate(first), tree.FormatDate(last)
	}
	for _, file := range files {
		if file != "" {
			f.Files = append(f.Files, file)
		}
	}
	return f
}
