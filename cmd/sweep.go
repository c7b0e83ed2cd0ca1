package cmd

import (
	"cmp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/compplan/compplan/plan"
	"github.com/compplan/compplan/plan/report"
	"github.com/compplan/compplan/plan/whatif"
)

// sweepOptions are the options of compplan sweep.
type sweepOptions struct {
	Plan, Members, Sales string
	Rates, Moves         string
	Sets                 []string
	Format               string
	Output               string
	HTML                 string
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
	f.StringVar(&opts.HTML, "html", "", "write a self-contained HTML page with the points and line charts, cliffs marked, to `file`")
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
	page, err := outs.add("--html", opts.HTML)
	if err != nil {
		return err
	}
	in := &inputs{s: s}
	src, err := readWith(in, opts.Plan, "plan", readSource)
	in.close()
	if err != nil {
		return err
	}
	var sets []whatif.Set
	for _, set := range opts.Sets {
		path, rng, ok := strings.Cut(set, "=")
		if !ok || path == "" {
			return usagef(c, "--set %q: expected PATH=FROM..TO/STEP", set)
		}
		if _, isMember := whatif.MemberPath(path); !isMember {
			if _, err := src.Value(path); err != nil {
				return usagef(c, "--set %v", err)
			}
		}
		values, err := plan.ParseRange(rng)
		if err != nil {
			return usagef(c, "--set %s: %v", path, err)
		}
		sets = append(sets, whatif.Set{Path: path, Values: values})
	}
	base, err := src.With()
	if err != nil {
		return err
	}
	_, d, err := load(s, newPhases(s.err, false), dataFiles{Members: opts.Members, Sales: opts.Sales, Rates: opts.Rates, Moves: opts.Moves, Money: base})
	if err != nil {
		return err
	}
	if err := whatif.Check(src, d, sets); err != nil {
		return usagef(c, "--set %v", err)
	}
	sw, err := whatif.Sweep(src, d, sets)
	if err != nil {
		return err
	}
	if page != nil {
		if err := report.WriteSweepHTML(page.writer(), sw); err != nil {
			return err
		}
	}
	if out != nil {
		if err := report.WriteSweep(out.writer(), sw, format); err != nil {
			return err
		}
	}
	return outs.commit()
}
