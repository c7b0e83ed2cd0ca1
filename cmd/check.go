package cmd

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/compplan/compplan/plan"
	"github.com/compplan/compplan/plan/report"
	"github.com/compplan/compplan/tree/dec"
)

// checkOptions are the options of compplan check.
type checkOptions struct {
	MaxPayout string
	Strict    bool
	Format    string
}

// errWarnings is returned by check --strict when the plan has warnings.
var errWarnings = errors.New("the plan has warnings (--strict)")

func newCheckCmd(s *streams) *cobra.Command {
	opts := &checkOptions{}
	c := &cobra.Command{
		Use:   "check PLAN.yaml",
		Short: "Validate a plan without data: its structure, maximum payout and warnings",
		Long: `Validate a plan and print its structure, the most each component can pay as
a percentage of volume (every level filled, everyone active at the top rank),
and warnings: levels no rank is paid on, ranks that can never be a paid-as
rank, components nobody can earn, a maximum payout over --max-payout.

Exit 0 when valid (warnings or not), 2 for an invalid plan; with --strict,
warnings exit 1.`,
		Example: "  compplan check examples/unilevel.yaml",
		Args:    oneArg("the plan file"),
		RunE:    func(c *cobra.Command, args []string) error { return runCheck(c, s, opts, args[0]) },
	}
	f := c.Flags()
	f.StringVar(&opts.MaxPayout, "max-payout", "100%", "warn when the maximum payout is above this `rate` of volume")
	f.BoolVar(&opts.Strict, "strict", false, "exit 1 when there are warnings")
	f.StringVarP(&opts.Format, "format", "f", "text", "output `format`: text or json")
	markOwnMeaning(c, "format")
	return c
}

func runCheck(c *cobra.Command, s *streams, opts *checkOptions, file string) error {
	limit, err := dec.ParseRate(opts.MaxPayout) // the plan's rate parser: "20" is refused with a hint
	if errors.Is(err, dec.ErrSyntax) {
		return usagef(c, "--max-payout %q is not a rate such as 100%% or 0.6", opts.MaxPayout)
	}
	if err != nil {
		return usagef(c, "--max-payout %q %v", opts.MaxPayout, err)
	}
	format, err := textOrJSON(c, opts.Format)
	if err != nil {
		return err
	}
	p, err := readWith(&inputs{s: s}, file, "plan", plan.Read)
	if err != nil {
		return err
	}
	res := p.Check(limit)
	if err := report.WriteCheck(s.out, p, res, format); err != nil {
		return err
	}
	if opts.Strict && len(res.Warnings) > 0 {
		return fmt.Errorf("%w: %d", errWarnings, len(res.Warnings))
	}
	return nil
}
