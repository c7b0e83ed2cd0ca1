package cmd

import (
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/compplan/compplan/tree/gen"
)

// genOptions are the options of compplan gen.
type genOptions struct {
	Members, SalesPerMember int
	Seed                    uint64
	Out                     string
}

func newGenCmd(st *streams) *cobra.Command {
	opts := &genOptions{}
	c := &cobra.Command{
		Use:   "gen --members N [--sales-per-member K] [--seed S] --out DIR",
		Short: "Write a synthetic members.csv and sales.csv for trying and benchmarking plans",
		Long: `Write DIR/members.csv and DIR/sales.csv in the format run reads.
The same flags always give the same bytes.`,
		Example: "  compplan gen --members 1000000 --sales-per-member 10 --out /tmp/data",
		Args:    cobra.NoArgs,
		RunE:    func(c *cobra.Command, _ []string) error { return runGen(c, st, opts) },
	}
	f := c.Flags()
	f.IntVar(&opts.Members, "members", 0, "number of members")
	f.IntVar(&opts.SalesPerMember, "sales-per-member", 10, "average sales per member")
	f.Uint64Var(&opts.Seed, "seed", 1, "random seed")
	f.StringVar(&opts.Out, "out", "", "output `directory` (created if missing)")
	return c
}

func runGen(c *cobra.Command, st *streams, opts *genOptions) error {
	if opts.Members < 1 || opts.Out == "" {
		return usagef(c, "gen needs --members (at least 1) and --out")
	}
	if opts.SalesPerMember < 0 {
		return usagef(c, "--sales-per-member must be 0 or more")
	}
	if err := os.MkdirAll(opts.Out, 0o755); err != nil {
		return err
	}
	m, err := st.createAtomic(filepath.Join(opts.Out, "members.csv"))
	if err != nil {
		return err
	}
	defer m.abort()
	s, err := st.createAtomic(filepath.Join(opts.Out, "sales.csv"))
	if err != nil {
		return err
	}
	defer s.abort()
	cfg := gen.Config{Members: opts.Members, SalesPerMember: opts.SalesPerMember, Seed: opts.Seed}
	if err := gen.Write(cfg, m, s); err != nil {
		return err
	}
	if err := m.commit(); err != nil {
		return err
	}
	return s.commit()
}
