package cmd

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/compplan/compplan/plan"
	"github.com/compplan/compplan/plan/report"
	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/gen"
)

// benchData writes (once, cached in the temp dir) a generated data set of
// n members with k sales each on average, laid out as a shop exports them
// (by date, members interleaved), and returns its two files.
func benchData(b *testing.B, n, k int) (members, sales string) {
	return benchMonths(b, n, k, 1, gen.SalesByDate)
}

// benchMonths is benchData with months of dated sales, in the given order.
func benchMonths(b *testing.B, n, k, months int, order gen.SalesOrder) (members, sales string) {
	b.Helper()
	// The name says the generator's layout version, so no figure is
	// measured on data an older compplan gen wrote.
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("compplan-bench2-%s-%d-%d", gen.SalesOrderNames[order], n, k))
	if months > 1 {
		dir += fmt.Sprintf("-%dm", months)
	}
	members, sales = filepath.Join(dir, "members.csv"), filepath.Join(dir, "sales.csv")
	if _, err := os.Stat(filepath.Join(dir, "done")); err == nil {
		return members, sales
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	mf, err := os.Create(members)
	if err != nil {
		b.Fatal(err)
	}
	sf, err := os.Create(sales)
	if err != nil {
		b.Fatal(err)
	}
	if err := gen.Write(gen.Config{Members: n, SalesPerMember: k, Months: months, Seed: 1, SalesOrder: order}, mf, sf); err != nil {
		b.Fatal(err)
	}
	mf.Close()
	sf.Close()
	os.WriteFile(filepath.Join(dir, "done"), nil, 0o644)
	return members, sales
}

// BenchmarkRun measures compplan run end to end (load, compute, write CSV)
// on the example unilevel plan (ranks, max_leg, legs, dynamic compression),
// the hybrid plan (every upline family at once), and the binary (by rate:
// weaker-leg auto-placement; by cycle: left) and 3x7 matrix examples, whose
// generated members are all auto-placed. The sales are in date order, as a
// shop exports them; the by-member rows hold the same sales grouped by
// member, to show that the speed does not depend on the order.
func BenchmarkRun(b *testing.B) {
	for _, bench := range []struct {
		plan  string
		n     int
		order gen.SalesOrder
	}{{"unilevel", 100_000, gen.SalesByDate}, {"unilevel", 1_000_000, gen.SalesByDate}, {"unilevel", 1_000_000, gen.SalesByMember},
		{"hybrid", 1_000_000, gen.SalesByDate}, {"hybrid", 1_000_000, gen.SalesByMember},
		{"binary", 1_000_000, gen.SalesByDate}, {"binary-cycle", 1_000_000, gen.SalesByDate}, {"matrix", 1_000_000, gen.SalesByDate}} {
		n, planFile := bench.n, map[string]string{
			"unilevel":     "../examples/unilevel.yaml",
			"hybrid":       "../examples/hybrid/plan.yaml",
			"binary":       "../examples/binary/plan.yaml",
			"binary-cycle": "../examples/binary/cycle.yaml",
			"matrix":       "../examples/matrix/plan.yaml",
		}[bench.plan]
		b.Run(fmt.Sprintf("%s/by-%s/members=%d/sales=%d", bench.plan, gen.SalesOrderNames[bench.order], n, 10*n), func(b *testing.B) {
			members, sales := benchMonths(b, n, 10, 1, bench.order)
			out := filepath.Join(b.TempDir(), "out.csv")
			args := []string{"run", "--plan", planFile, "--members", members, "--sales", sales, "--output", out}
			b.ReportAllocs()
			for b.Loop() {
				if code := Main(args, newStreams(nil, io.Discard, os.Stderr)); code != 0 {
					b.Fatalf("exit %d", code)
				}
			}
		})
	}
}

// BenchmarkPhases measures each phase of a run on its own: reading the
// members, reading the sales (both cores), computing the example plan, and
// writing the CSV result.
func BenchmarkPhases(b *testing.B) {
	p, err := plan.Decode(mustRead(b, "../examples/unilevel.yaml"), "unilevel.yaml")
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range []int{100_000, 1_000_000} {
		members, sales := benchData(b, n, 10)
		readMembers := func(b *testing.B) *tree.Data {
			f, err := os.Open(members)
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			d, err := tree.ReadMembers(f, members)
			if err != nil {
				b.Fatal(err)
			}
			return d
		}
		readSales := func(b *testing.B, d *tree.Data) {
			f, err := os.Open(sales)
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			if err := d.ReadSales(f, sales); err != nil {
				b.Fatal(err)
			}
		}
		name := fmt.Sprintf("members=%d", n)
		b.Run(name+"/read-members", func(b *testing.B) {
			for b.Loop() {
				readMembers(b)
			}
		})
		d := readMembers(b)
		b.Run(name+"/read-sales", func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				d2 := readMembers(b)
				b.StartTimer()
				readSales(b, d2)
			}
		})
		readSales(b, d)
		var r *plan.Result
		b.Run(name+"/compute", func(b *testing.B) {
			for b.Loop() {
				if r, err = plan.Compute(p, d); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(name+"/write-csv", func(b *testing.B) {
			for b.Loop() {
				if err := report.Write(io.Discard, r, report.CSV); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func mustRead(b *testing.B, name string) []byte {
	data, err := os.ReadFile(name)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkCompare measures compplan compare of three plans (unilevel,
// matching, stairstep) on data read once; compare it with BenchmarkRun.
func BenchmarkCompare(b *testing.B) {
	n := 1_000_000
	members, sales := benchData(b, n, 10)
	args := []string{"compare", "--members", members, "--sales", sales, "-f", "json",
		"../examples/unilevel.yaml", "../examples/matching.yaml", "../examples/differential.yaml"}
	b.Run(fmt.Sprintf("plans=3/members=%d/sales=%d", n, 10*n), func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if code := Main(args, newStreams(nil, io.Discard, os.Stderr)); code != 0 {
				b.Fatalf("exit %d", code)
			}
		}
	})
}

// BenchmarkReplay replays 12 months of 1M members (sales dated over the
// year, about 8.4M) month by month with the example unilevel plan, against
// one run over all the same sales: the sales are bucketed by period once,
// and each period is one computation over the tree.
func BenchmarkReplay(b *testing.B) {
	n := 1_000_000
	members, sales := benchMonths(b, n, 1, 12, gen.SalesByDate)
	out := filepath.Join(b.TempDir(), "out.csv")
	for _, bench := range []struct {
		name string
		args []string
	}{
		{"run-all-sales", []string{"run", "--plan", "../examples/unilevel.yaml", "--members", members, "--sales", sales, "--output", out}},
		{"replay-12-months", []string{"replay", "--every", "month", "-q", "--plan", "../examples/unilevel.yaml", "--members", members, "--sales", sales, "--output", out}},
	} {
		b.Run(fmt.Sprintf("%s/members=%d", bench.name, n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if code := Main(bench.args, newStreams(nil, io.Discard, os.Stderr)); code != 0 {
					b.Fatalf("exit %d", code)
				}
			}
		})
	}
}

// BenchmarkPeriodRows measures replay's two halves apart, on 12 months of
// 1M members: computing every month's result (replay-compute, nothing
// written), and formatting one period's rows (a row a member) to
// io.Discard; run with -cpu 1 for the cost of a row on one core.
func BenchmarkPeriodRows(b *testing.B) {
	p, err := plan.Decode(mustRead(b, "../examples/unilevel.yaml"), "unilevel.yaml")
	if err != nil {
		b.Fatal(err)
	}
	n := 1_000_000
	members, sales := benchMonths(b, n, 1, 12, gen.SalesByDate)
	mf, sf := mustOpen(b, members), mustOpen(b, sales)
	defer mf.Close()
	defer sf.Close()
	d, err := tree.ReadMembers(mf, members)
	if err != nil {
		b.Fatal(err)
	}
	if err := d.ReadSales(sf, sales); err != nil {
		b.Fatal(err)
	}
	r, err := plan.Compute(p, d)
	if err != nil {
		b.Fatal(err)
	}
	first, last, _ := d.Sales.DateRange()
	b.Run(fmt.Sprintf("replay-compute/members=%d", n), func(b *testing.B) {
		periods := tree.Periods(tree.Month, first, last)
		for b.Loop() {
			err := plan.Replay(p, d, periods, plan.Options{}, func(tree.Period, *plan.Result) error { return nil }, nil)
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	period := tree.PeriodOf(tree.Month, first)
	b.Run(fmt.Sprintf("members=%d", n), func(b *testing.B) {
		for b.Loop() {
			pw, err := report.NewPeriodWriter(io.Discard, report.CSV, false)
			if err != nil {
				b.Fatal(err)
			}
			if err := pw.Write(period, r); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/row")
	})
}

func mustOpen(b *testing.B, name string) *os.File {
	f, err := os.Open(name)
	if err != nil {
		b.Fatal(err)
	}
	return f
}
