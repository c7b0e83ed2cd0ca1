package cmd

import (
	"github.com/spf13/cobra"

	"github.com/compplan/compplan/plan"
	"github.com/compplan/compplan/plan/report"
	"github.com/compplan/compplan/tree"
)

// treeOptions are the options of compplan tree.
type treeOptions struct {
	Plan, Members, Sales string
	Root                 string
	Depth                int
	Placement            string
	CarryIn              string
	Moves, AsOf          string
}

func newTreeCmd(s *streams) *cobra.Command {
	opts := &treeOptions{}
	c := &cobra.Command{
		Use:   "tree --members MEMBERS.csv [--plan PLAN.yaml --sales SALES.csv] [--root ID] [--depth N]",
		Short: "Print the sponsor tree, with ranks, volumes and pay when a plan is given",
		Example: `  compplan tree -m examples/members.csv --root M1003 --depth 2
  compplan tree -m examples/members.csv -p examples/unilevel.yaml -s examples/sales.csv
  compplan tree -m examples/binary/members.csv -p examples/binary/plan.yaml -s examples/binary/sales.csv --placement binary --depth 3`,
		Args: noArgs,
		RunE: func(c *cobra.Command, _ []string) error { return runTree(c, s, opts) },
	}
	f := c.Flags()
	f.StringVarP(&opts.Members, "members", "m", "", "members `file` (CSV)")
	f.StringVarP(&opts.Plan, "plan", "p", "", "plan `file` (YAML): show rank, PV, GV and total")
	f.StringVarP(&opts.Sales, "sales", "s", "", "sales `file` (CSV)")
	f.StringVar(&opts.Root, "root", "", "print only the subtree of member `ID`")
	f.IntVar(&opts.Depth, "depth", -1, "print at most `N` levels below each root (-1: all)")
	f.StringVar(&opts.Placement, "placement", "", "draw the plan's `binary` or `matrix` placement tree instead of the sponsor tree")
	f.StringVar(&opts.Moves, "moves", "", "genealogy changes `file` (CSV: member_id, sponsor_id, date[, placement_id, leg, matrix_parent_id]): each period uses the tree of its last day")
	f.StringVar(&opts.AsOf, "as-of", "", "show the tree of a `date` (YYYY-MM-DD): the members joined by then, under their sponsors of that day (with --sales, the sales up to it)")
	f.StringVar(&opts.CarryIn, "carry-in", "", "binary carry-in `file` (CSV: id, left, right), as for run")
	return c
}

func runTree(c *cobra.Command, s *streams, opts *treeOptions) error {
	if opts.Members == "" {
		return usagef(c, "tree needs --members")
	}
	if opts.Sales != "" && opts.Plan == "" {
		return usagef(c, "--sales needs --plan: sales only show through a plan's figures")
	}
	if opts.Placement != "" && opts.Placement != "binary" && opts.Placement != "matrix" {
		return usagef(c, "--placement is binary or matrix, not %q", opts.Placement)
	}
	if opts.Placement != "" && opts.Plan == "" {
		return usagef(c, "--placement needs --plan: the plan's placement rule places members")
	}
	if err := oneStdin(c, opts.Plan, opts.Members, opts.Sales, [2]string{"carry-in", opts.CarryIn}, [2]string{"moves", opts.Moves}); err != nil {
		return err
	}
	p, d, err := load(s, newPhases(s.err, false), dataFiles{Plan: opts.Plan, Members: opts.Members, Sales: opts.Sales, Moves: opts.Moves})
	if err != nil {
		return err
	}
	if opts.AsOf != "" {
		day, ok := tree.ParseDate([]byte(opts.AsOf))
		if !ok {
			return usagef(c, "--as-of is a date: YYYY-MM-DD")
		}
		if opts.Sales == "" {
			d.Org, _ = d.Org.AsOf(day)
		} else if d, err = d.InPeriod(tree.Period{Name: "as of " + opts.AsOf, From: tree.MinDate, To: day}); err != nil {
			return err
		}
	}
	if err := readExtras(s, d, "", opts.CarryIn); err != nil {
		return err
	}
	var roots []int32
	if opts.Root != "" {
		m := d.Org.Lookup(opts.Root)
		if m < 0 {
			return usagef(c, "no member has id %q in %s", opts.Root, opts.Members)
		}
		roots = []int32{m}
	}
	var r *plan.Result
	if p != nil {
		if r, err = plan.Compute(p, d); err != nil {
			return err
		}
	}
	if opts.Placement != "" {
		if !p.Has(map[string]string{"binary": plan.TypeBinary, "matrix": plan.TypeMatrix}[opts.Placement]) {
			return usagef(c, "--placement %s: the plan has no %s component", opts.Placement, opts.Placement)
		}
		return report.WritePlacementTree(s.out, r, opts.Placement, roots, opts.Depth)
	}
	return report.WriteTree(s.out, d.Org, r, roots, opts.Depth)
}
