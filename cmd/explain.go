package cmd

import (
	"errors"

	"github.com/spf13/cobra"

	"github.com/compplan/compplan/plan"
	"github.com/compplan/compplan/plan/report"
)

// explainOptions are the options of compplan explain.
type explainOptions struct {
	Plan, Members, Sales string
	Rates, Moves         string
	Adjustments, CarryIn string
	Format               string
	Period, From, To     string
	StateIn              string
}

func newExplainCmd(s *streams) *cobra.Command {
	opts := &explainOptions{}
	c := &cobra.Command{
		Use:   "explain --plan PLAN.yaml --members MEMBERS.csv [--sales SALES.csv] MEMBER_ID",
		Short: "Explain why a member was paid what they were paid, and not more",
		Long: `Explain one member's pay: PV, GV and legs; each rank's requirements, needed
against actual; every commission line, by component, exactly as the ledger
has it; and the breakage on the member's levels, with what would unlock it.`,
		Example: "  compplan explain -p examples/unilevel.yaml -m examples/members.csv -s examples/sales.csv M1003",
		Args:    oneArg("the id of the member to explain"),
		RunE:    func(c *cobra.Command, args []string) error { return runExplain(c, s, opts, args[0]) },
	}
	f := c.Flags()
	f.StringVarP(&opts.Plan, "plan", "p", "", "plan `file` (YAML)")
	f.StringVarP(&opts.Members, "members", "m", "", "members `file` (CSV)")
	f.StringVarP(&opts.Sales, "sales", "s", "", "sales `file` (CSV)")
	f.StringVar(&opts.Adjustments, "adjustments", "", "adjustments `file` (CSV: member_id, amount, reason), as for run")
	f.StringVar(&opts.Moves, "moves", "", "genealogy changes `file` (CSV: member_id, sponsor_id, date[, placement_id, leg, matrix_parent_id]): each period uses the tree of its last day")
	f.StringVar(&opts.Rates, "rates", "", "exchange rates `file` (CSV: currency, date, rate in the plan's currency) for sales in other currencies")
	f.StringVar(&opts.CarryIn, "carry-in", "", "binary carry-in `file` (CSV: id, left, right), as for run")
	f.StringVar(&opts.Period, "period", "", "explain one `period` (2026-03, 2026-W14), as run --period computes it")
	f.StringVar(&opts.From, "from", "", "with --to, explain the period from this `date`")
	f.StringVar(&opts.To, "to", "", "the last `date` of the period")
	f.StringVar(&opts.StateIn, "state-in", "", "the state `file` the previous period wrote (run --state-out)")
	f.StringVarP(&opts.Format, "format", "f", "text", "output `format`: text or json")
	markOwnMeaning(c, "format")
	return c
}

func runExplain(c *cobra.Command, s *streams, opts *explainOptions, id string) error {
	if opts.Plan == "" || opts.Members == "" {
		return usagef(c, "explain needs --plan and --members")
	}
	format, err := textOrJSON(c, opts.Format)
	if err != nil {
		return err
	}
	if err := oneStdin(c, opts.Plan, opts.Members, opts.Sales, [2]string{"adjustments", opts.Adjustments}, [2]string{"carry-in", opts.CarryIn}, [2]string{"state-in", opts.StateIn}, [2]string{"rates", opts.Rates}, [2]string{"moves", opts.Moves}); err != nil {
		return err
	}
	p, d, err := load(s, newPhases(s.err, false), dataFiles{Plan: opts.Plan, Members: opts.Members, Sales: opts.Sales, Rates: opts.Rates, Moves: opts.Moves, KeepOrders: true})
	if err != nil {
		return err
	}
	if err := readExtras(s, d, opts.Adjustments, opts.CarryIn); err != nil {
		return err
	}
	m := d.Org.Lookup(id)
	if m < 0 {
		return usagef(c, "no member has id %q in %s", id, opts.Members)
	}
	period, err := periodOf(c, opts.Period, opts.From, opts.To)
	if err != nil {
		return err
	}
	if period == nil && opts.StateIn != "" {
		return usagef(c, "--state-in needs a period: give --period or --from and --to")
	}
	var r *plan.Result
	var e *plan.Explanation
	if period != nil {
		var state *plan.State
		if opts.StateIn != "" {
			if state, err = readState(s, opts.StateIn); err != nil {
				return err
			}
		}
		if r, e, err = plan.ExplainPeriod(p, d, id, *period, state, opts.StateIn); errors.Is(err, plan.ErrNotInPeriod) {
			return usagef(c, "%v", err)
		}
		if err == nil {
			effectNote(s, p, opts.Plan, *period)
			if r.StateDropped != nil {
				s.say("compplan: note: %s was written by another version of plan %s: dropped %s", opts.StateIn, p.Name, r.StateDropped)
			}
		}
	} else {
		r, e, err = plan.Explain(p, d, m)
	}
	if err != nil {
		return err
	}
	return report.WriteExplanation(s.out, r, e, format)
}

// textOrJSON reads a --format of text (the aligned report) or json.
func textOrJSON(c *cobra.Command, format string) (report.Format, error) {
	switch format {
	case "text":
		return report.Table, nil
	case "json":
		return report.JSON, nil
	}
	return "", usagef(c, "unknown format %q: use text or json", format)
}
