package cmd

import (
	"cmp"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/compplan/compplan/plan"
	"github.com/compplan/compplan/plan/report"
	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// sweepOptions are the options of compplan sweep.
type sweepOptions struct {
	Plan, Members, Sales string
	Rates, Moves         string
	Sets                 []string
	Format               string
	Output               string
}

func newSweepCmd(s *streams) *cobra.Command {
	opts := &sweepOptions{}
	c := &cobra.Command{
		Use:   "sweep --plan PLAN.yaml --members MEMBERS.csv [--sales SALES.csv] --set PATH=FROM..TO/STEP [--set ...]",
		Short: "Compute a plan over a range of one of its numbers (or a grid of two): what if level 2 paid 6%?",
		Long: `Sweep sets one value of the plan (--set PATH=FROM..TO/STEP) to each value of
a range and computes the plan at each point exactly as run computes the edited
plan, on data read once. Two --set give a grid. A PATH is the plan's keys down
to one value, joined by dots: components.unilevel.levels.1, ranks.Silver.gv,
active.pv, payout_cap (a named item of a list by its name, any other by its
index from 0). Each point's row: the values set, payout, payout %, earners, the
median and p90 of what earners are paid, the top 1%'s share, and each
component's paid and breakage.`,
		Example: "  compplan sweep -p examples/unilevel.yaml -m examples/members.csv -s examples/sales.csv --set components.unilevel.levels.1=3%..7%/1%",
		Args:    noArgs,
		RunE:    func(c *cobra.Command, _ []string) error { return runSweep(c, s, opts) },
	}
	f := c.Flags()
	f.StringVarP(&opts.Plan, "plan", "p", "", "plan `file` (YAML)")
	f.StringVarP(&opts.Members, "members", "m", "", "members `file` (CSV)")
	f.StringVarP(&opts.Sales, "sales", "s", "", "sales `file` (CSV)")
	f.StringVar(&opts.Rates, "rates", "", "exchange rates `file`, as for run")
	f.StringVar(&opts.Moves, "moves", "", "genealogy changes `file`, as for run")
	f.StringArrayVar(&opts.Sets, "set", nil, "`PATH=FROM..TO/STEP`: the value to sweep (twice: a grid)")
	f.StringVarP(&opts.Format, "format", "f", "", "output `format`: table, csv or json (default table on a terminal, csv otherwise)")
	f.StringVarP(&opts.Output, "output", "o", "-", "output `file`, written atomically (- is standard output)")
	return c
}

func runSweep(c *cobra.Command, s *streams, opts *sweepOptions) error {
	if opts.Plan == "" || opts.Members == "" {
		return usagef(c, "sweep needs --plan and --members")
	}
	if len(opts.Sets) == 0 || len(opts.Sets) > 2 {
		return usagef(c, "sweep needs one --set PATH=FROM..TO/STEP, or two for a grid, not %d", len(opts.Sets))
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
	if err := oneStdin(c, opts.Plan, opts.Members, opts.Sales, [2]string{"rates", opts.Rates}, [2]string{"moves", opts.Moves}); err != nil {
		return err
	}
	outs := s.newOutputs(c, namedInput{"--plan", opts.Plan}, namedInput{"--members", opts.Members}, namedInput{"--sales", opts.Sales},
		namedInput{"--rates", opts.Rates}, namedInput{"--moves", opts.Moves})
	defer outs.abort()
	out, err := outs.add("--output", cmp.Or(opts.Output, "-"))
	if err != nil {
		return err
	}
	in := &inputs{s: s}
	src, err := readWith(in, opts.Plan, "plan", func(r io.Reader, name string) (*plan.Source, error) {
		b, err := io.ReadAll(io.LimitReader(r, plan.MaxPlanBytes+1))
		if err != nil {
			return nil, err
		}
		return plan.ParseSource(b, name)
	})
	in.close()
	if err != nil {
		return err
	}
	var paths []string
	var ranges [][]string
	member := "" // the id of a member.ID.pv path
	for _, set := range opts.Sets {
		path, rng, ok := strings.Cut(set, "=")
		if !ok || path == "" {
			return usagef(c, "--set %q: expected PATH=FROM..TO/STEP", set)
		}
		if id, ok := memberPath(path); ok {
			if member != "" {
				return usagef(c, "--set %s: one member's volume at a time", path)
			}
			member = id
		} else if _, err := src.Value(path); err != nil {
			return usagef(c, "--set %v", err)
		}
		values, err := plan.ParseRange(rng)
		if err != nil {
			return usagef(c, "--set %s: %v", path, err)
		}
		paths, ranges = append(paths, path), append(ranges, values)
	}
	if len(paths) == 2 && paths[0] == paths[1] {
		return usagef(c, "--set %s is given twice", paths[0])
	}
	base, err := src.With()
	if err != nil {
		return err
	}
	_, d, err := load(s, newPhases(s.err, false), dataFiles{Members: opts.Members, Sales: opts.Sales, Rates: opts.Rates, Moves: opts.Moves, Money: base})
	if err != nil {
		return err
	}
	m := int32(-1)
	if member != "" {
		if m = d.Org.Lookup(member); m < 0 {
			return usagef(c, "--set member.%s.pv: no member has id %q in %s", member, member, opts.Members)
		}
	}
	day := tree.NoDate // a member's added volume is a sale on the last day of the sales
	if _, last, ok := d.Sales.DateRange(); ok {
		day = last
	}
	// The grid: the first --set varies slowest.
	grid := [][]string{{}}
	for _, values := range ranges {
		var next [][]string
		for _, g := range grid {
			for _, v := range values {
				next = append(next, append(append([]string(nil), g...), v))
			}
		}
		grid = next
	}
	sw := &report.Sweep{Paths: paths, Member: member}
	for _, values := range grid {
		var settings []plan.Setting
		pd := d
		for k, path := range paths {
			if _, ok := memberPath(path); !ok {
				settings = append(settings, plan.Setting{Path: path, Value: values[k]})
				continue
			}
			v, err := dec.Parse([]byte(strings.TrimPrefix(values[k], "+")))
			if err != nil || v < 0 {
				return usagef(c, "--set %s: %q is not a volume of 0 or more to add", path, values[k])
			}
			if pd, err = d.WithSale(m, v, day, "sweep-"+member); err != nil {
				return err
			}
		}
		p, err := src.With(settings...)
		if err != nil {
			return fmt.Errorf("at %s: %w", pointName(paths, values), err)
		}
		res, err := plan.Compute(p, pd)
		if err != nil {
			return fmt.Errorf("at %s: %w", pointName(paths, values), err)
		}
		pt := report.NewSweepPoint(values, res)
		if m >= 0 {
			pt.MemberPay = res.Total(m)
		}
		sw.Points = append(sw.Points, pt)
	}
	if len(paths) == 1 && len(sw.Points) > 1 { // cliffs along one value (a grid has none yet)
		figure, name := make([]dec.D, len(sw.Points)), "payout"
		for i, pt := range sw.Points {
			figure[i] = pt.Payout
			if m >= 0 {
				figure[i] = pt.MemberPay
			}
		}
		if m >= 0 {
			name = "the pay of " + member
		}
		sw.Cliffs = report.FindCliffs(paths[0], plan.SweepDirection(paths[0]), ranges[0], figure, name, base.Digits)
	}
	if err := report.WriteSweep(out.writer(), sw, format); err != nil {
		return err
	}
	return outs.commit()
}

// memberPath reads a member.ID.pv path: the member's id.
func memberPath(path string) (string, bool) {
	rest, ok := strings.CutPrefix(path, "member.")
	if !ok {
		return "", false
	}
	id, ok := strings.CutSuffix(rest, ".pv")
	return id, ok && id != ""
}

// pointName names a point of a sweep: PATH=VALUE, ….
func pointName(paths, values []string) string {
	parts := make([]string, len(paths))
	for k := range paths {
		parts[k] = paths[k] + "=" + values[k]
	}
	return strings.Join(parts, ", ")
}
