package cmd

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/compplan/compplan/plan"
	"github.com/compplan/compplan/plan/report"
	"github.com/compplan/compplan/tree"
)

// runOptions are the options of compplan run.
type runOptions struct {
	Plan, Members, Sales string
	Format               string
	Output               string
	SafeCSV              bool
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
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runRun(c, s, opts)
		},
	}
	f := c.Flags()
	f.StringVarP(&opts.Plan, "plan", "p", "", "plan `file` (YAML)")
	f.StringVarP(&opts.Members, "members", "m", "", "members `file` (CSV: id, sponsor_id, name, joined)")
	f.StringVarP(&opts.Sales, "sales", "s", "", "sales `file` (CSV: member_id, amount, volume, order_id, date, type)")
	f.StringVarP(&opts.Format, "format", "f", "", "output `format`: table, csv or json (default table on a terminal, csv otherwise)")
	f.StringVarP(&opts.Output, "output", "o", "-", "output `file`, written atomically (- is standard output)")
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
	stdin := []string{}
	for _, in := range [][2]string{{"plan", opts.Plan}, {"members", opts.Members}, {"sales", opts.Sales}} {
		if in[1] == "-" {
			stdin = append(stdin, in[0])
		}
	}
	if len(stdin) > 1 {
		return usagef(c, "both %s and %s read standard input (-): only one input can", stdin[0], stdin[1])
	}
	if !toStdout {
		for _, in := range []string{opts.Plan, opts.Members, opts.Sales} {
			if in != "" && in != "-" && sameFile(in, opts.Output) {
				return usagef(c, "--output %s is also an input: write the result to another file", opts.Output)
			}
		}
	}

	res, err := compute(c, s, opts)
	if err != nil {
		return err
	}
	ro := report.Options{Format: format, SafeCSV: opts.SafeCSV}
	if toStdout {
		return report.WriteWith(s.out, res, ro)
	}
	out, err := createAtomic(opts.Output)
	if err != nil {
		return err
	}
	defer out.abort()
	if err := report.WriteWith(out, res, ro); err != nil {
		return err
	}
	return out.commit()
}

// compute loads the plan and data and runs the plan.
func compute(c *cobra.Command, s *streams, opts *runOptions) (*plan.Result, error) {
	in := &inputs{s: s}
	defer in.close()
	p, err := readWith(in, opts.Plan, "plan", plan.Read)
	if err != nil {
		return nil, err
	}
	d, err := readWith(in, opts.Members, "members", tree.ReadMembers)
	if err != nil {
		return nil, err
	}
	if opts.Sales != "" {
		if _, err := readWith(in, opts.Sales, "sales", func(r io.Reader, name string) (struct{}, error) {
			return struct{}{}, d.ReadSales(r, name)
		}); err != nil {
			return nil, err
		}
	}
	return plan.Compute(p, d)
}

func readWith[T any](in *inputs, name, what string, read func(io.Reader, string) (T, error)) (T, error) {
	var zero T
	r, shown, err := in.open(name, what)
	if err != nil {
		return zero, err
	}
	return read(r, shown)
}
