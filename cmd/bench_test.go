package cmd

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/compplan/compplan/tree/gen"
)

// benchData writes (once, cached in the temp dir) a generated data set of
// n members with k sales each on average and returns its two files.
func benchData(b *testing.B, n, k int) (members, sales string) {
	b.Helper()
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("compplan-bench-%d-%d", n, k))
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
	if err := gen.Write(gen.Config{Members: n, SalesPerMember: k, Seed: 1}, mf, sf); err != nil {
		b.Fatal(err)
	}
	mf.Close()
	sf.Close()
	os.WriteFile(filepath.Join(dir, "done"), nil, 0o644)
	return members, sales
}

// BenchmarkRun measures compplan run end to end (load, compute, write CSV)
// on the example unilevel plan: ranks, max_leg, legs, dynamic compression.
func BenchmarkRun(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("members=%d/sales=%d", n, 10*n), func(b *testing.B) {
			members, sales := benchData(b, n, 10)
			out := filepath.Join(b.TempDir(), "out.csv")
			args := []string{"run", "--plan", "../examples/unilevel.yaml", "--members", members, "--sales", sales, "--output", out}
			b.ReportAllocs()
			for b.Loop() {
				if code := Main(args, newStreams(nil, io.Discard, os.Stderr)); code != 0 {
					b.Fatalf("exit %d", code)
				}
			}
		})
	}
}
