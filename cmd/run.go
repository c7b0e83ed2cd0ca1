package cmd

import (
	"cmp"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/compplan/compplan/plan"
	"github.com/compplan/compplan/plan/report"
	"github.com/compplan/compplan/tree"
)

// runOptions are the options of compplan run.
type runOptions struct {
	Plan, Members, Sales string
	Rates, Moves         string
	Adjustments          string
	Format               string
	Output               string
	SafeCSV              bool
	Ledger               string
	Verbose              bool
	Quiet                bool
	// Binary and matrix plans.
	CarryIn, CarryOut string
	PlacementOut      string
	// Periods.
	Period, From, To  string
	StateIn, StateOut string
}

func newRunCmd(s *streams) *cobra.Command {
	opts := &runOptions{}
	c := &cobra.Command{
		Use:   "run --plan PLAN.yaml --members MEMBERS.csv [--sales SALES.csv]",
		Short: "Compute every member's commissions",
		Long: `Compute every member's personal and team commissions under a plan.

Every flag can also come from an environment variable COMPPLAN_<FLAG>
(e.g. COMPPLAN_PLAN) or the config file; flags win. "-" as a file name
reads standard input (one input at most) or writes standard output.`,
		Example: "  compplan run --plan examples/unilevel.yaml --members examples/members.csv --sales examples/sales.csv",
		Args:    noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runRun(c, s, opts)
		},
	}
	f := c.Flags()
	f.StringVarP(&opts.Plan, "plan", "p", "", "plan `file` (YAML)")
	f.StringVarP(&opts.Members, "members", "m", "", "members `file` (CSV: id, sponsor_id, name, joined)")
	f.StringVarP(&opts.Sales, "sales", "s", "", "sales `file` (CSV: member_id, amount, volume, order_id, date, type)")
	f.StringVar(&opts.Adjustments, "adjustments", "", "adjustments `file` (CSV: member_id, amount, reason; amounts may be negative)")
	f.StringVarP(&opts.Format, "format", "f", "", "output `format`: table, csv or json (default table on a terminal, csv otherwise)")
	f.StringVarP(&opts.Output, "output", "o", "-", "output `file`, written atomically (- is standard output)")
	f.StringVar(&opts.Ledger, "ledger", "", "write every commission line to `file` (CSV, or JSON Lines when it ends in .jsonl)")
	f.BoolVarP(&opts.Verbose, "verbose", "v", false, "print each phase's time, rows and memory on stderr")
	f.BoolVarP(&opts.Quiet, "quiet", "q", false, "no progress line on stderr (it shows only when stderr is a terminal, outside CI)")
	f.StringVar(&opts.Moves, "moves", "", "genealogy changes `file` (CSV: member_id, sponsor_id, date[, placement_id, leg, matrix_parent_id]): each period uses the tree of its last day")
	f.StringVar(&opts.Rates, "rates", "", "exchange rates `file` (CSV: currency, date, rate in the plan's currency) for sales in other currencies")
	f.StringVar(&opts.CarryIn, "carry-in", "", "binary carry-in `file` (CSV: id, left, right), as --carry-out wrote it")
	f.StringVar(&opts.CarryOut, "carry-out", "", "write each member's binary carry-out to `file` (CSV: id, left, right)")
	f.StringVar(&opts.PlacementOut, "placement-out", "", "write the binary or matrix placement to `file` (CSV: id, placement_id, leg, …)")
	f.StringVar(&opts.Period, "period", "", "compute one `period`: a month (2026-03) or an ISO week (2026-W14); only its sales count")
	f.StringVar(&opts.From, "from", "", "with --to, compute the period from this `date` (YYYY-MM-DD) to --to, both included")
	f.StringVar(&opts.To, "to", "", "the last `date` of the period (YYYY-MM-DD)")
	f.StringVar(&opts.StateIn, "state-in", "", "the `file` of state the previous period wrote with --state-out")
	f.StringVar(&opts.StateOut, "state-out", "", "write the state this period hands the next to `file` (JSON)")
	f.BoolVar(&opts.SafeCSV, "safe-csv", false, "prefix CSV text that a spreadsheet would run as a formula (= + - @) with '")
	return c
}

func runRun(c *cobra.Command, s *streams, opts *runOptions) error {
	if opts.Plan == "" || opts.Members == "" {
		return usagef(c, "run needs --plan and --members")
	}
	toStdout := opts.Output == "-" || opts.Output == ""
	format := report.CSV
	if opts.Format != "" {
		var err error
		if format, err = report.ParseFormat(opts.Format); err != nil {
			return usagef(c, "%v", err)
		}
	} else if toStdout && s.outTerminal {
		format = report.Table
	}
	if err := oneStdin(c, opts.Plan, opts.Members, opts.Sales, [2]string{"adjustments", opts.Adjustments}, [2]string{"carry-in", opts.CarryIn}, [2]string{"state-in", opts.StateIn}, [2]string{"rates", opts.Rates}, [2]string{"moves", opts.Moves}); err != nil {
		return err
	}
	period, err := periodOf(c, opts.Period, opts.From, opts.To)
	if err != nil {
		return err
	}
	if period == nil && (opts.StateIn != "" || opts.StateOut != "") {
		return usagef(c, "--state-in and --state-out need a period: give --period or --from and --to")
	}
	outs := s.newOutputs(c, namedInput{"--plan", opts.Plan}, namedInput{"--members", opts.Members}, namedInput{"--sales", opts.Sales},
		namedInput{"--adjustments", opts.Adjustments}, namedInput{"--carry-in", opts.CarryIn}, namedInput{"--state-in", opts.StateIn}, namedInput{"--rates", opts.Rates}, namedInput{"--moves", opts.Moves})
	defer outs.abort()
	outs.mayReplace("--state-out", "--state-in")                   // a rolling state file: read whole first
	results, err := outs.add("--output", cmp.Or(opts.Output, "-")) // "" is standard output too
	if err != nil {
		return err
	}
	var more [4]*outputFile
	for i, o := range []struct{ flag, path string }{{"--ledger", opts.Ledger}, {"--carry-out", opts.CarryOut}, {"--placement-out", opts.PlacementOut}, {"--state-out", opts.StateOut}} {
		if more[i], err = outs.add(o.flag, o.path); err != nil {
			return err
		}
	}
	ledger, carryOut, placementOut, stateOut := more[0], more[1], more[2], more[3]

	ph := newPhases(s.err, opts.Verbose)
	if s.errTerminal && !opts.Quiet && !opts.Verbose && os.Getenv("CI") == "" {
		ph.prog = startProgress(s.err, inputSize(opts.Plan, opts.Members, opts.Sales))
		s.prog = ph.prog
		defer ph.prog.end()
	}
	p, d, err := load(s, ph, dataFiles{Plan: opts.Plan, Members: opts.Members, Sales: opts.Sales, Rates: opts.Rates, Moves: opts.Moves, KeepOrders: opts.Ledger != ""})
	if err != nil {
		return err
	}
	var state *plan.State
	if opts.StateIn != "" {
		if state, err = readState(s, opts.StateIn); err != nil {
			return err
		}
	}
	if err := readExtras(s, d, opts.Adjustments, opts.CarryIn); err != nil {
		return err
	}
	if opts.CarryOut != "" && !p.Has(plan.TypeBinary) {
		return usagef(c, "--carry-out writes a binary's carry, and the plan has no binary component")
	}
	if opts.PlacementOut != "" && !p.Has(plan.TypeBinary) && !p.Has(plan.TypeMatrix) {
		return usagef(c, "--placement-out writes a binary or matrix placement, and the plan has neither")
	}
	compute := func(o plan.Options) (*plan.Result, error) {
		o.Phase = ph.compute
		if period != nil {
			return plan.RunPeriod(p, d, *period, state, opts.StateIn, o)
		}
		return plan.ComputeWith(p, d, o)
	}
	var res *plan.Result
	if ledger != nil {
		name := ""
		if period != nil {
			name = period.Name
		}
		res, err = computeWithLedger(ledger.writer(), opts.Ledger, name, opts.SafeCSV, compute)
	} else {
		res, err = compute(plan.Options{})
	}
	if err != nil {
		return err
	}
	notes(s, res)
	if period != nil {
		effectNote(s, res.Plan, opts.Plan, *period)
	}
	if res.StateDropped != nil {
		s.say("compplan: note: %s was written by another version of plan %s: dropped %s", opts.StateIn, res.Plan.Name, res.StateDropped)
	}
	if period == nil {
		if n := d.Sales.SpanNote(); n != "" {
			s.say("compplan: note: %s", n)
		}
	}
	ph.prog.phase("writing")
	res.Org.ByID()
	ph.done("sort by id", res.Org.Len())
	ro := report.Options{Format: format, SafeCSV: opts.SafeCSV}
	write := func(w io.Writer) error { return report.WriteWith(w, res, ro) }
	if period != nil && format != report.Table {
		write = func(w io.Writer) error { // the long format replay writes
			pw, err := report.NewPeriodWriter(w, format, opts.SafeCSV)
			if err != nil {
				return err
			}
			if err := pw.Write(*period, res); err != nil {
				return err
			}
			return pw.Close()
		}
	}
	err = write(results.writer())
	ph.done("write "+string(format), res.Org.Len())
	if err != nil {
		return err
	}
	if carryOut != nil {
		if err := report.WriteCarry(carryOut.writer(), res); err != nil {
			return err
		}
	}
	if placementOut != nil {
		if err := report.WritePlacement(placementOut.writer(), res); err != nil {
			return err
		}
	}
	if stateOut != nil {
		if err := res.NextState(*period).Write(stateOut.writer()); err != nil {
			return err
		}
	}
	return outs.commit()
}

// periodOf reads --period, or --from and --to (nil: no period).
func periodOf(c *cobra.Command, period, from, to string) (*tree.Period, error) {
	switch {
	case period != "" && (from != "" || to != ""):
		return nil, usagef(c, "give --period or --from and --to, not both")
	case period != "":
		p, err := tree.ParsePeriod(period)
		if err != nil {
			return nil, usagef(c, "%v", err)
		}
		return &p, nil
	case from == "" && to == "":
		return nil, nil
	case from == "" || to == "":
		return nil, usagef(c, "--from and --to go together: give both dates")
	}
	f, ok1 := tree.ParseDate([]byte(from))
	t, ok2 := tree.ParseDate([]byte(to))
	if !ok1 || !ok2 {
		return nil, usagef(c, "--from and --to are dates: YYYY-MM-DD")
	}
	p, err := tree.Range(f, t)
	if err != nil {
		return nil, usagef(c, "%v", err)
	}
	return &p, nil
}

// effectNote says when a period starts before the plan (one version of it)
// takes effect: run computes it all the same; replay takes the version in
// effect.
func effectNote(s *streams, p *plan.Plan, file string, period tree.Period) {
	if _, _, err := (plan.Versions{Plans: []*plan.Plan{p}, Files: []string{file}}).At(period.From); err != nil {
		s.say("compplan: note: %s takes effect on %s (effective), after %s starts: computed with it all the same", file, p.Effective, period.Name)
	}
}

// readState reads a --state-in file.
func readState(s *streams, file string) (*plan.State, error) {
	in := &inputs{s: s}
	defer in.close()
	return readWith(in, file, "state", plan.ReadState)
}

// notes prints what the run reports without failing: returns counted as
// volume.
func notes(s *streams, res *plan.Result) {
	for _, n := range res.ReturnsAsVolume {
		s.say("compplan: note: %s", n)
	}
}

// inputSize is the total size of the named files (0 when one is stdin or
// not a regular file: the progress line then shows bytes without a bar).
func inputSize(files ...string) int64 {
	var n int64
	for _, f := range files {
		if f == "" {
			continue
		}
		fi, err := os.Stat(f)
		if f == "-" || err != nil || !fi.Mode().IsRegular() {
			return 0
		}
		n += fi.Size()
	}
	return n
}

// oneStdin checks that at most one of the plan, members and sales files is
// standard input.
func oneStdin(c *cobra.Command, planFile, members, sales string, more ...[2]string) error {
	stdin := []string{}
	names := append([][2]string{{"plan", planFile}, {"members", members}, {"sales", sales}}, more...)
	for _, in := range names {
		if in[1] == "-" {
			stdin = append(stdin, in[0])
		}
	}
	if len(stdin) > 1 {
		return usagef(c, "both %s and %s read standard input (-): only one input can", stdin[0], stdin[1])
	}
	return nil
}

// computeWithLedger runs compute writing every line to the ledger w (JSON
// Lines when file ends in .jsonl), with period in its period column; safe
// is --safe-csv.
func computeWithLedger(w io.Writer, file, period string, safe bool, compute func(plan.Options) (*plan.Result, error)) (*plan.Result, error) {
	l := report.NewPeriodLedger(w, isJSONL(file), period, true).WithSafeCSV(safe)
	res, err := compute(plan.Options{Lines: l.Line})
	if err == nil {
		l.Deductions(res)
	}
	if ferr := l.Flush(); err == nil {
		err = ferr
	}
	return res, err
}

// isJSONL reports whether a ledger file is JSON Lines (by its name).
func isJSONL(file string) bool { return strings.HasSuffix(strings.ToLower(file), ".jsonl") }

// dataFiles are the files load reads.
type dataFiles struct {
	Plan, Members, Sales string
	// Rates are the exchange rates of sales in other currencies
	// (--rates; "" for none); Moves the genealogy's changes (--moves).
	Rates, Moves string
	// KeepOrders keeps the sales' order ids.
	KeepOrders bool
	// Money, when Plan is "", is the plan (a version) whose currency the
	// sales are converted to.
	Money *plan.Plan
}

// load reads the plan (when f.Plan is not empty), the rates and the data.
func load(s *streams, ph *phases, f dataFiles) (*plan.Plan, *tree.Data, error) {
	in := &inputs{s: s, prog: ph.prog}
	defer in.close()
	if s.hugePages {
		s.hugePages = false
		hugeHeap(heapFor(f.Members, f.Sales))
	}
	var p *plan.Plan
	var err error
	if f.Plan != "" {
		if p, err = readWith(in, f.Plan, "plan", plan.Read); err != nil {
			return nil, nil, err
		}
		ph.done("read plan", -1)
	}
	var rates *tree.Rates
	if f.Rates != "" {
		if rates, err = readWith(in, f.Rates, "rates", tree.ReadRates); err != nil {
			return nil, nil, err
		}
	}
	d, err := readWith(in, f.Members, "members", tree.ReadMembers)
	if err != nil {
		return nil, nil, err
	}
	ph.done("read members", d.Org.Len())
	if f.Moves != "" {
		if _, err := readWith(in, f.Moves, "moves", func(r io.Reader, name string) (struct{}, error) {
			return struct{}{}, d.ReadMoves(r, name)
		}); err != nil {
			return nil, nil, err
		}
	}
	d.KeepOrderIDs = f.KeepOrders || (p != nil && p.ReadsOrderIDs()) // a return names the order it reverses; a first order is one order
	if money := cmp.Or(p, f.Money); money != nil {
		d.Money = &tree.Money{Currency: money.Currency, Digits: money.Digits, Rates: rates}
	}
	if f.Sales != "" {
		before := d.Sales.Len()
		if _, err := readWith(in, f.Sales, "sales", func(r io.Reader, name string) (struct{}, error) {
			return struct{}{}, d.ReadSales(r, name)
		}); err != nil {
			return nil, nil, err
		}
		ph.done("read sales", d.Sales.Len()-before)
	}
	return p, d, nil
}

func readWith[T any](in *inputs, name, what string, read func(io.Reader, string) (T, error)) (T, error) {
	var zero T
	r, shown, err := in.open(name, what)
	if err != nil {
		return zero, err
	}
	return read(r, shown)
}

// readExtras reads the optional adjustments and binary carry-in files
// into d.
func readExtras(s *streams, d *tree.Data, adjustments, carryIn string) error {
	in := &inputs{s: s}
	defer in.close()
	if adjustments != "" {
		if _, err := readWith(in, adjustments, "adjustments", func(r io.Reader, name string) (struct{}, error) {
			return struct{}{}, d.ReadAdjustments(r, name)
		}); err != nil {
			return err
		}
	}
	if carryIn != "" {
		if _, err := readWith(in, carryIn, "carry-in", func(r io.Reader, name string) (struct{}, error) {
			return struct{}{}, d.ReadCarry(r, name)
		}); err != nil {
			return err
		}
	}
	return nil
}
