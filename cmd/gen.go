package cmd

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/compplan/compplan/tree/gen"
)

// genOptions are the options of compplan gen.
type genOptions struct {
	Members, SalesPerMember, Months int
	Returns                         int
	Growth, Churn                   int
	Customers, Autoship             int
	Seed                            uint64
	Out                             string
	SalesOrder                      string
}

func newGenCmd(st *streams) *cobra.Command {
	opts := &genOptions{}
	c := &cobra.Command{
		Use:   "gen --members N [--sales-per-member K] [--months M] [--returns PCT] [--growth PCT] [--churn PCT] [--customers PCT] [--autoship PCT] [--seed S] [--sales-order date|member] --out DIR",
		Short: "Write a synthetic members.csv and sales.csv for trying and benchmarking plans",
		Long: `Write DIR/members.csv and DIR/sales.csv in the format run reads.
The same flags always give the same bytes.

Members join evenly over the year before the sales start and the months of
sales; with --growth the organisation grows by that percent a month instead
(--members is its size at the end). --churn terminates that percent of the
members each month (they sell nothing from then on), --customers makes that
percent of members retail customers (they buy and sponsor nobody), and
--autoship gives that percent of orders the type autoship. The sales are laid
out as a shop exports orders: by date, order ids rising, the rows of all
members interleaved. --sales-order member writes the same rows grouped by
member within each month instead.`,
		Example: "  compplan gen --members 1000000 --sales-per-member 10 --out /tmp/data",
		Args:    noArgs,
		RunE:    func(c *cobra.Command, _ []string) error { return runGen(c, st, opts) },
	}
	f := c.Flags()
	f.IntVar(&opts.Members, "members", 0, "number of members")
	f.IntVar(&opts.SalesPerMember, "sales-per-member", 10, "average sales per member per month")
	f.IntVar(&opts.Months, "months", 1, "months of sales, from January 2026")
	f.IntVar(&opts.Returns, "returns", 0, "`percent` of sales returned whole the month after (a row of type return; needs --months 2 or more)")
	f.IntVar(&opts.Growth, "growth", 0, "`percent` the organisation grows by each month of sales (0: members join evenly)")
	f.IntVar(&opts.Churn, "churn", 0, "`percent` of members who leave each month (terminated; no more sales)")
	f.IntVar(&opts.Customers, "customers", 0, "`percent` of members who are retail customers")
	f.IntVar(&opts.Autoship, "autoship", 0, "`percent` of orders of type autoship")
	f.Uint64Var(&opts.Seed, "seed", 1, "random seed")
	f.StringVar(&opts.SalesOrder, "sales-order", "date", "layout of sales.csv: `date` (a shop's order export) or member (grouped by member within each month)")
	f.StringVar(&opts.Out, "out", "", "output `directory` (created if missing)")
	markOwnMeaning(c, "members")
	return c
}

func runGen(c *cobra.Command, st *streams, opts *genOptions) error {
	if opts.Members < 1 || opts.Out == "" {
		return usagef(c, "gen needs --members (at least 1) and --out")
	}
	if opts.SalesPerMember < 0 || opts.Months < 1 || opts.Months > 1200 {
		return usagef(c, "--sales-per-member must be 0 or more and --months from 1 to 1200")
	}
	for _, pct := range []struct {
		flag string
		v    int
	}{{"returns", opts.Returns}, {"growth", opts.Growth}, {"churn", opts.Churn}, {"customers", opts.Customers}, {"autoship", opts.Autoship}} {
		if pct.v < 0 || pct.v > 100 {
			return usagef(c, "--%s is a percent from 0 to 100", pct.flag)
		}
	}
	if opts.Returns > 0 && opts.Months < 2 {
		return usagef(c, "--returns needs --months 2 or more: a sale is returned the month after")
	}
	order, err := gen.ParseSalesOrder(opts.SalesOrder)
	if err != nil {
		return usagef(c, "--sales-order: %v", err)
	}
	if err := os.MkdirAll(opts.Out, 0o777); err != nil { // less the umask
		return fmt.Errorf("--out %s: cannot make the folder: %w", opts.Out, err)
	}
	outs := st.newOutputs(c)
	defer outs.abort()
	m, err := outs.add("members file", filepath.Join(opts.Out, "members.csv"))
	if err != nil {
		return err
	}
	s, err := outs.add("sales file", filepath.Join(opts.Out, "sales.csv"))
	if err != nil {
		return err
	}
	cfg := gen.Config{Members: opts.Members, SalesPerMember: opts.SalesPerMember, Months: opts.Months, Seed: opts.Seed, ReturnPct: opts.Returns, SalesOrder: order,
		GrowthPct: opts.Growth, ChurnPct: opts.Churn, CustomerPct: opts.Customers, AutoshipPct: opts.Autoship}
	sum, err := gen.WriteSummary(cfg, m.writer(), s.writer())
	if err != nil {
		return err
	}
	if err := outs.commit(); err != nil {
		return err
	}
	returns := ""
	if sum.Returns > 0 {
		returns = fmt.Sprintf(" (%d of them returns)", sum.Returns)
	}
	fmt.Fprintf(st.err, "compplan: wrote %d members (%d joined during the sales) and %d sales%s; sponsor tree depth median %d, max %d; the most anyone sponsored: %d; %.0f%% of members without sales in a month\n",
		sum.Members, sum.JoinedInSales, sum.Sales, returns, sum.MedianDepth, sum.MaxDepth, sum.MostSponsored, 100*sum.WithoutSalesPerMonth)
	if opts.Growth > 0 || opts.Churn > 0 || opts.Customers > 0 {
		fmt.Fprintf(st.err, "compplan: joined per month %v; %d customers (%.1f%%), %d members churned\n",
			sum.JoinedPerMonth, sum.Customers, 100*float64(sum.Customers)/float64(sum.Members), sum.Churned)
	}
	return nil
}
