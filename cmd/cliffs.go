package cmd

import (
	"bufio"
	"bytes"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/compplan/compplan/plan"
	"github.com/compplan/compplan/plan/report"
	"github.com/compplan/compplan/plan/whatif"
	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/gen"
)

// cliffsOptions are the options of compplan cliffs.
type cliffsOptions struct {
	Members int
	Seed    uint64
	Strict  bool
	Format  string
}

func newCliffsCmd(s *streams) *cobra.Command {
	opts := &cliffsOptions{}
	c := &cobra.Command{
		Use:   "cliffs [--members N] [--seed S] [--strict] PLAN.yaml",
		Short: "Look for cliffs and flat spots: where paying more, or selling more, pays less",
		Long: `Cliffs generates an organisation (gen: --members members, a month of
sales, --seed) and sweeps, on it, every rank's pv, gv, legs count and legs gv
from 0 to twice the plan's value, and the own volume of the three members who
sponsor most; it lists every step where the payout moves against the value
(a requirement raised that pays more; a member who sells more and is paid
less) and every flat stretch of more than a quarter of a range. Exit 0;
with --strict, 1 when it finds a cliff (flat stretches do not count).`,
		Example: "  compplan cliffs examples/unilevel.yaml",
		Args:    oneArg("the plan file"),
		RunE:    func(c *cobra.Command, args []string) error { return runCliffs(c, s, opts, args[0]) },
	}
	f := c.Flags()
	f.IntVar(&opts.Members, "members", 2000, "members of the generated organisation (`N`)")
	f.Uint64Var(&opts.Seed, "seed", 1, "random `seed` of the generated organisation")
	f.BoolVar(&opts.Strict, "strict", false, "exit 1 when a cliff is found")
	f.StringVarP(&opts.Format, "format", "f", "text", "output `format`: text or json")
	markOwnMeaning(c, "format")
	return c
}

func runCliffs(c *cobra.Command, s *streams, opts *cliffsOptions, file string) error {
	format, err := textOrJSON(c, opts.Format)
	if err != nil {
		return err
	}
	if opts.Members < 10 || opts.Members > 1_000_000 {
		return usagef(c, "--members is 10 to 1000000, not %d", opts.Members)
	}
	in := &inputs{s: s}
	src, err := readWith(in, file, "plan", readSource)
	in.close()
	if err != nil {
		return err
	}
	base, err := src.With()
	if err != nil {
		return err
	}
	var members, sales bytes.Buffer
	if err := gen.Write(gen.Config{Members: opts.Members, SalesPerMember: 1, Months: 1, Seed: opts.Seed, Roots: 1}, &members, &sales); err != nil {
		return err
	}
	d, err := tree.ReadMembers(&members, "generated members")
	if err != nil {
		return err
	}
	d.KeepOrderIDs = base.ReadsOrderIDs()
	d.Money = &tree.Money{Currency: base.Currency, Digits: base.Digits}
	if err := d.ReadSales(&sales, "generated sales"); err != nil {
		return err
	}
	found, probes, err := whatif.Cliffs(src, d)
	if err != nil {
		return err
	}
	cliffs := 0
	for _, f := range found {
		if !f.Flat() {
			cliffs++
		}
	}
	w := bufio.NewWriter(s.out)
	if format == report.JSON {
		fmt.Fprintf(w, `{"plan":%q,"members":%d,"seed":%d,"probes":%d,"cliffs":%d,"findings":[`, base.Name, opts.Members, opts.Seed, probes, cliffs)
		for i, f := range found {
			if i > 0 {
				w.WriteString(",")
			}
			kind := "cliff"
			if f.Flat() {
				kind = "flat"
			}
			fmt.Fprintf(w, "\n"+`{"path":%q,"kind":%q,"from":%q,"to":%q,"figure":%q,"change":"%s","why":%q}`, f.Path, kind, f.From, f.To, f.Cliff.Figure, f.Cliff.Change, f.Cliff.Why)
		}
		w.WriteString("\n]}\n")
	} else {
		fmt.Fprintf(w, "%s: %d probes on %d generated members (seed %d): %d cliffs, %d flat stretches\n", base.Name, probes, opts.Members, opts.Seed, cliffs, len(found)-cliffs)
		for _, f := range found {
			kind := "cliff"
			if f.Flat() {
				kind = "flat "
			}
			fmt.Fprintf(w, "  %s  %s: %s\n", kind, f.Path, f.Cliff.Why)
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if opts.Strict && cliffs > 0 {
		return fmt.Errorf("%d cliffs found (--strict)", cliffs)
	}
	return nil
}

// readSource reads a plan file as a plan.Source (for sweep and cliffs).
func readSource(r io.Reader, name string) (*plan.Source, error) {
	b, err := io.ReadAll(io.LimitReader(r, plan.MaxPlanBytes+1))
	if err != nil {
		return nil, err
	}
	return plan.ParseSource(b, name)
}
