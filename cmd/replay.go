package cmd

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/compplan/compplan/plan"
	"github.com/compplan/compplan/plan/report"
	"github.com/compplan/compplan/tree"
)

// replayOptions are the options of compplan replay.
type replayOptions struct {
	Plans             []string
	Members, Sales    string
	Rates, Moves      string
	Every             string
	From, To          string
	Format            string
	Output            string
	Summary           string
	Ledger            string
	StateIn, StateOut string
	Notes             string
	SafeCSV, Quiet    bool
	MaxPeriods        int
}

func newReplayCmd(s *streams) *cobra.Command {
	opts := &replayOptions{}
	c := &cobra.Command{
		Use:   "replay --plan PLAN.yaml --members MEMBERS.csv --sales SALES.csv --every month|week [--from DATE --to DATE]",
		Short: "Replay dated history period by period, carrying state from each period to the next",
		Long: `Replay computes every period in order, periods without sales included, each
with the state the period before handed over (binary carry, highest rank, rank
grace, held payouts and debits, orders' lines for returns), exactly as
consecutive runs chained with --state-out and --state-in would. It writes one
row per period and member (CSV or JSON) and a summary per period: a table on
stderr (not with --quiet) and, with --summary, a CSV file.

Give --plan once per version of a plan (the same name, each with its own
effective: date): each period is computed by the version in effect on its
first day, and the state carries from one version to the next (what the next
cannot carry is named on stderr and counted in the summary).`,
		Example: "  compplan replay -p examples/periods/plan.yaml -m examples/periods/members.csv -s examples/periods/sales.csv --every month",
		Args:    noArgs,
		RunE:    func(c *cobra.Command, _ []string) error { return runReplay(c, s, opts) },
	}
	f := c.Flags()
	f.StringArrayVarP(&opts.Plans, "plan", "p", nil, "plan `file` (YAML); once per version of the plan")
	f.StringVarP(&opts.Members, "members", "m", "", "members `file` (CSV)")
	f.StringVarP(&opts.Sales, "sales", "s", "", "sales `file` (CSV, every sale dated)")
	f.StringVar(&opts.Moves, "moves", "", "genealogy changes `file` (CSV: member_id, sponsor_id, date[, placement_id, leg, matrix_parent_id]): each period uses the tree of its last day")
	f.StringVar(&opts.Rates, "rates", "", "exchange rates `file` (CSV: currency, date, rate in the plan's currency) for sales in other currencies")
	f.StringVar(&opts.Every, "every", "", "period `length`: month or week (ISO weeks)")
	f.StringVar(&opts.From, "from", "", "first `date` to replay (default: the first sale's)")
	f.StringVar(&opts.To, "to", "", "last `date` to replay (default: the last sale's)")
	f.StringVarP(&opts.Format, "format", "f", "csv", "rows `format`: csv or json")
	f.StringVarP(&opts.Output, "output", "o", "-", "rows `file`, written atomically (- is standard output)")
	f.StringVar(&opts.Summary, "summary", "", "write the per-period summary to `file` (CSV)")
	f.StringVar(&opts.Ledger, "ledger", "", "write every period's commission lines to `file` (CSV, or JSON Lines when it ends in .jsonl)")
	f.StringVar(&opts.StateIn, "state-in", "", "start from the state in `file` (from run or replay --state-out): the replay goes on from the day after its period (default --from)")
	f.StringVar(&opts.StateOut, "state-out", "", "write the state after the last period to `file`, to go on with run --state-in")
	f.StringVar(&opts.Notes, "notes", "", "list every return counted as volume, period by period, in `file` (stderr gets one line counting them)")
	f.BoolVarP(&opts.Quiet, "quiet", "q", false, "no summary table on stderr")
	f.IntVar(&opts.MaxPeriods, "max-periods", 0, "refuse to replay more than `N` periods (default 600 months or 2600 weeks: 50 years)")
	f.BoolVar(&opts.SafeCSV, "safe-csv", false, "prefix CSV text that a spreadsheet would run as a formula with '")
	return c
}

// stateEnd is the last day of the state's period ("" without a state).
func stateEnd(s *plan.State) string {
	if s == nil {
		return ""
	}
	return s.PeriodEnd
}

func runReplay(c *cobra.Command, s *streams, opts *replayOptions) error {
	if len(opts.Plans) == 0 || slices.Contains(opts.Plans, "") || opts.Members == "" || opts.Sales == "" {
		return usagef(c, "replay needs --plan, --members and --sales")
	}
	every := tree.Every(opts.Every)
	if every != tree.Month && every != tree.Week {
		return usagef(c, "--every is month or week, not %q", opts.Every)
	}
	format, err := report.ParseFormat(opts.Format)
	if err != nil || format == report.Table {
		return usagef(c, "--format is csv or json for replay rows (the summary is the table)")
	}
	more := [][2]string{{"state-in", opts.StateIn}, {"rates", opts.Rates}, {"moves", opts.Moves}}
	ins := []namedInput{{"--members", opts.Members}, {"--sales", opts.Sales}, {"--state-in", opts.StateIn}, {"--rates", opts.Rates}, {"--moves", opts.Moves}}
	for _, file := range opts.Plans {
		more, ins = append(more, [2]string{"plan " + file, file}), append(ins, namedInput{"--plan", file})
	}
	if err := oneStdin(c, "", opts.Members, opts.Sales, more...); err != nil {
		return err
	}
	outs := s.newOutputs(c, ins...)
	defer outs.abort()
	var files [5]*outputFile
	for i, o := range []struct{ flag, path string }{{"--output", cmp.Or(opts.Output, "-")}, {"--summary", opts.Summary}, {"--ledger", opts.Ledger}, {"--state-out", opts.StateOut}, {"--notes", opts.Notes}} {
		var err error
		if files[i], err = outs.add(o.flag, o.path); err != nil {
			return err
		}
	}
	rows, summaryOut, ledger, stateOut, notesOut := files[0], files[1], files[2], files[3], files[4]
	var returnNotes []string // "PERIOD: note", for --notes and the count on stderr
	v, err := readVersions(s, opts.Plans)
	if err != nil {
		return err
	}
	keepOrders := opts.Ledger != ""
	for _, p := range v.Plans {
		keepOrders = keepOrders || p.ReadsOrderIDs()
	}
	_, d, err := load(s, newPhases(s.err, false), dataFiles{Members: opts.Members, Sales: opts.Sales, Rates: opts.Rates, Moves: opts.Moves, KeepOrders: keepOrders, Money: v.Plans[0]})
	if err != nil {
		return err
	}
	if err := d.Sales.Dated(); err != nil {
		return err
	}
	var state *plan.State
	if opts.StateIn != "" {
		if state, err = readState(s, opts.StateIn); err != nil {
			return err
		}
	}
	first, last, err := dayRange(c, d, opts.From, opts.To, stateEnd(state))
	if err != nil {
		return err
	}
	if opts.MaxPeriods < 0 {
		return usagef(c, "--max-periods must be 1 or more")
	}
	if err := boundPeriods(c, d, opts.Sales, opts.MaxPeriods, opts.From, opts.To, every, first, last); err != nil {
		return err
	}
	periods := tree.Periods(every, first, last)
	var used []*plan.Plan // the versions the periods use, in order
	for _, pr := range periods {
		p, _, err := v.At(pr.From)
		if err != nil {
			return err
		}
		if !slices.Contains(used, p) {
			used = append(used, p)
		}
	}

	var summary, heads [][]string
	type periodResult struct {
		period tree.Period
		res    *plan.Result
	}
	var final periodResult // the state after it goes to --state-out
	replay := func(rows io.Writer, ledger io.Writer) error {
		pw, err := report.NewPeriodWriter(rows, format, opts.SafeCSV)
		if err != nil {
			return err
		}
		pw.Versions(used)
		var led *report.Ledger
		// Each result is written (and summed up) before the next is
		// handed over, and only the last is kept: its arrays of earnings
		// can go to a later period.
		o := plan.Options{State: state, StateName: opts.StateIn, Recycle: true}
		jsonl := isJSONL(opts.Ledger)
		// A period's rows are written while the next period computes; a
		// computed period waits for the writer to take it, so no more than
		// two periods' results are held (a period computes in about twice
		// the time its rows take: the writer is seldom behind).
		results := make(chan periodResult)
		written := make(chan error, 1)
		go func() {
			var err error
			for d := range results {
				if err != nil {
					continue // drain
				}
				for _, n := range d.res.ReturnsAsVolume {
					returnNotes = append(returnNotes, d.period.Name+": "+n)
				}
				err = pw.Write(d.period, d.res)
				h, row := report.SummaryRow(d.period, d.res)
				heads, summary = append(heads, h), append(summary, row)
				final = d
			}
			written <- err
		}()
		var last *plan.Plan
		err = plan.ReplayVersions(v, d, periods, o, func(period tree.Period, res *plan.Result) error {
			if led != nil {
				led.Deductions(res)
			}
			if res.Plan != last && last != nil || res.StateDropped != nil {
				versionNote(s, v, period, res, last != nil)
			}
			last = res.Plan
			results <- periodResult{period, res}
			return nil
		}, func(period tree.Period, first bool) func(*plan.Result, *plan.Line) error {
			if ledger == nil {
				return nil
			}
			if led != nil {
				if err := led.Flush(); err != nil {
					return func(*plan.Result, *plan.Line) error { return err }
				}
			}
			led = report.NewPeriodLedger(ledger, jsonl, period.Name, first).WithSafeCSV(opts.SafeCSV)
			return led.Line
		})
		close(results)
		if werr := <-written; err == nil {
			err = werr
		}
		if err != nil {
			return err
		}
		if led != nil {
			if err := led.Flush(); err != nil {
				return err
			}
		}
		return pw.Close()
	}
	if err := replay(rows.writer(), ledger.writer()); err != nil {
		return err
	}
	if len(returnNotes) > 0 {
		where := "give --notes FILE to list them"
		if notesOut != nil {
			where = "listed in " + opts.Notes
		}
		s.say("compplan: note: %d returns were counted as volume (an order not known, past the return window, or returned beyond its volume); %s", len(returnNotes), where)
	}
	if notesOut != nil {
		w := notesOut.writer()
		for _, n := range returnNotes {
			if _, err := io.WriteString(w, n+"\n"); err != nil {
				return err
			}
		}
	}
	head, summary := report.MergeSummaries(heads, summary)
	if !opts.Quiet {
		s.say("%s: %d periods (%s)", v.Plans[0].Name, len(periods), every)
		if err := report.WriteSummary(s.err, summary, head, true); err != nil {
			return err
		}
	}
	if summaryOut != nil {
		if err := report.WriteSummary(summaryOut.writer(), summary, head, false); err != nil {
			return err
		}
	}
	if stateOut != nil && final.res != nil {
		if err := final.res.NextState(final.period).Write(stateOut.writer()); err != nil {
			return err
		}
	}
	return outs.commit()
}

// boundPeriods refuses a replay of more periods than --max-periods (by
// default 50 years' worth): one mistyped year (9026, or 9999-12-31 for "no
// date") would otherwise write millions of rows. The message names the
// sales at both ends of the range.
func boundPeriods(c *cobra.Command, d *tree.Data, sales string, maxPeriods int, from, to string, every tree.Every, first, last int32) error {
	limit, unit := maxPeriods, "months"
	if every == tree.Week {
		unit = "weeks"
	}
	if limit == 0 {
		limit = 600
		if every == tree.Week {
			limit = 2600
		}
	}
	n := tree.CountPeriods(every, first, last)
	if n <= limit {
		if every == tree.Week && tree.PeriodOf(every, last).To > tree.MaxDate {
			return usagef(c, "the ISO week of %s ends in the year 10000, after 9999-12-31, the last date compplan reads and writes: replay by month, or end with --to", tree.FormatDate(last))
		}
		return nil
	}
	if from != "" && to != "" {
		return usagef(c, "--from %s --to %s is %d %s, more than --max-periods %d: raise --max-periods to replay them all", from, to, n, unit, limit)
	}
	sale := func(day int32) string {
		c, k, ok := d.Sales.FirstOn(day)
		if !ok {
			return tree.FormatDate(day)
		}
		s := tree.FormatDate(day) + " (the sale of " + d.Org.ID(c.Member[k])
		if id := c.OrderID(k); id != "" {
			s += ", order " + id
		}
		return s + ")"
	}
	return &tree.InputError{File: sales, Msg: fmt.Sprintf(
		"the sales run from %s to %s: %d %s, more than the %d a replay runs at most: is a date mistyped (a year such as 9026, or 9999-12-31 for \"no date\")? Give --from and --to, or raise --max-periods",
		sale(first), sale(last), n, unit, limit)}
}

// readVersions reads the plan files given, versions of one plan.
func readVersions(s *streams, files []string) (plan.Versions, error) {
	in := &inputs{s: s}
	defer in.close()
	var ps []*plan.Plan
	var shown []string
	for _, file := range files {
		p, err := readWith(in, file, "plan", plan.Read)
		if err != nil {
			return plan.Versions{}, err
		}
		ps, shown = append(ps, p), append(shown, file)
	}
	return plan.NewVersions(ps, shown)
}

// versionNote says on stderr which version of the plan computes a period
// from there on (changed: another than the period before's), and what the
// state it was handed held that this version could not carry.
func versionNote(s *streams, v plan.Versions, period tree.Period, res *plan.Result, changed bool) {
	s.say("compplan: note: %s", versionNoteText(v, period, res, changed))
}

// versionNoteText is versionNote's text, after "compplan: note: ".
func versionNoteText(v plan.Versions, period tree.Period, res *plan.Result, changed bool) string {
	var parts []string
	if changed {
		i := slices.Index(v.Plans, res.Plan)
		parts = append(parts, fmt.Sprintf("the version effective %s (%s) computes from here", res.Plan.Effective, v.Files[i]))
	}
	if d := res.StateDropped; d != nil {
		from := "the state read was written by another version"
		if changed {
			from = "the state carried to it"
		}
		parts = append(parts, from+": dropped "+d.String())
	}
	return period.Name + ": " + strings.Join(parts, "; ")
}

// dayRange is the days a replay computes: from --from (default the first
// dated sale's day, or the day after resumeAfter, the end of a state's
// period) to --to (default the last dated sale's).
func dayRange(c *cobra.Command, d *tree.Data, from, to, resumeAfter string) (first, last int32, err error) {
	first, last, have := d.Sales.DateRange()
	if end, ok := tree.ParseDate([]byte(resumeAfter)); ok && from == "" {
		first, have = end+1, true // resumed: from the day after the state's period
		if to == "" && last < first {
			last = first // no sales after the state: its next period, empty
		}
	}
	for _, bound := range []struct {
		flag, value string
		day         *int32
	}{{"--from", from, &first}, {"--to", to, &last}} {
		switch day, ok := tree.ParseDate([]byte(bound.value)); {
		case bound.value == "" && !have:
			return 0, 0, usagef(c, "there are no dated sales to replay: give --from and --to")
		case bound.value == "":
		case !ok:
			return 0, 0, usagef(c, "%s is a date: YYYY-MM-DD", bound.flag)
		default:
			*bound.day = day
		}
	}
	if last < first {
		return 0, 0, usagef(c, "--to %s is before --from %s", tree.FormatDate(last), tree.FormatDate(first))
	}
	return first, last, nil
}
