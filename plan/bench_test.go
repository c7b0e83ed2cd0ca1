package plan

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
	"github.com/compplan/compplan/tree/gen"
)

// shapeData writes n members shaped as "line" (each sponsors the next),
// "balanced" (member i sponsored by (i-1)/2) or "wide" (all under m0),
// each with one sale of 100.
func shapeData(shape string, n int) (members, sales string) {
	var m, s strings.Builder
	m.WriteString("id,sponsor_id\nm0,\n")
	s.WriteString("member_id,amount\nm0,100\n")
	for i := 1; i < n; i++ {
		sp := 0
		switch shape {
		case "line":
			sp = i - 1
		case "balanced":
			sp = (i - 1) / 2
		}
		fmt.Fprintf(&m, "m%d,m%d\n", i, sp)
		fmt.Fprintf(&s, "m%d,100\n", i)
	}
	return m.String(), s.String()
}

func examplePlan(tb testing.TB) *Plan { return readExample(tb, "unilevel.yaml") }

// readExample decodes the plan at path in the examples folder.
func readExample(tb testing.TB, path string) *Plan {
	src, err := os.ReadFile("../examples/" + path)
	if err != nil {
		tb.Fatal(err)
	}
	p, err := Decode(src, filepath.Base(path))
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func load(tb testing.TB, members, sales string) *tree.Data {
	d, err := tree.ReadMembers(strings.NewReader(members), "members.csv")
	if err != nil {
		tb.Fatal(err)
	}
	if err := d.ReadSales(strings.NewReader(sales), "sales.csv"); err != nil {
		tb.Fatal(err)
	}
	return d
}

// generated loads the members and sales compplan gen makes of cfg.
func generated(tb testing.TB, cfg gen.Config) *tree.Data {
	var members, sales strings.Builder
	if err := gen.Write(cfg, &members, &sales); err != nil {
		tb.Fatal(err)
	}
	return load(tb, members.String(), sales.String())
}

// BenchmarkShape compares a line a million deep, a balanced tree and one
// sponsor of a million members: load and compute the example plan.
func BenchmarkShape(b *testing.B) {
	p := examplePlan(b)
	for _, shape := range []string{"balanced", "line", "wide"} {
		members, sales := shapeData(shape, 1_000_000)
		b.Run(shape, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Compute(p, load(b, members, sales)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestExtremeShapes: a line a million deep and a sponsor of a million
// members compute without recursion, with exact group volumes and pay.
func TestExtremeShapes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two trees of a million members")
	}
	p := examplePlan(t)
	const n = 1_000_000
	for _, shape := range []string{"line", "wide"} {
		members, sales := shapeData(shape, n)
		r, err := Compute(p, load(t, members, sales))
		if err != nil {
			t.Fatal(err)
		}
		root := r.Org.Lookup("m0")
		if r.GV[root] != dec.FromInt(100*n) {
			t.Errorf("%s: root GV %s, want %d", shape, r.GV[root], 100*n)
		}
		// Everyone is active (PV 100 ≥ 50). Line: every member is Bronze (PV
		// 100, GV ≥ 1000) except the last nine, and no one has two legs, so
		// no Silver; the root is paid its 3 levels: 5 + 5 + 4.
		// Wide: the root is Bronze (GV 100M, one-member legs hold no Bronze)
		// and earns level 1 of a million sales: 5% × 100 × 999,999.
		want := map[string]string{"line": "14.00", "wide": "4999995.00"}[shape]
		if got := string(r.Earned[1][root].AppendFixed(nil, 2)); got != want {
			t.Errorf("%s: root unilevel %s, want %s", shape, got, want)
		}
	}
}

// TestParallelMatchesSequential: a data set large enough for the components
// to run on every core gives exactly the figures of the one-worker run with
// lines written out, and reconciles.
func TestParallelMatchesSequential(t *testing.T) {
	d := generated(t, gen.Config{Members: 30000, SalesPerMember: 5, Seed: 4})
	if d.Sales.Len() < 1<<16 || len(d.Sales.Chunks) < 2 {
		t.Fatalf("%d sales in %d chunks: too few to run in parallel", d.Sales.Len(), len(d.Sales.Chunks))
	}
	r, err := Compute(examplePlan(t), d)
	if err != nil {
		t.Fatal(err)
	}
	checkReconciles(t, r)
	checkLines(t, r) // recomputes on one worker, with lines, and compares
}

// BenchmarkBinary computes a binary plan (10% of the paired volume) on a
// generated organisation of 1M members and ~10M sales, auto-placed on the
// weaker leg or down the left, and reports each phase's share: placement
// (tree.PlaceBinary) and the binary component itself — the leg volumes in
// one bottom-up pass over the placement tree, then the pairing of every
// member and its lines.
func BenchmarkBinary(b *testing.B) {
	d := generated(b, gen.Config{Members: 1_000_000, SalesPerMember: 10, Seed: 1})
	for _, side := range []string{"weaker", "left"} {
		p, err := Decode([]byte("name: b\ncurrency: USD\ncomponents:\n  - {name: bin, type: binary, rate: 10%, carry_cap: 5000, placement: "+side+"}\n"), "b.yaml")
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("placement=%s/members=1000000/sales=%d", side, d.Sales.Len()), func(b *testing.B) {
			phases := map[string]time.Duration{}
			last := time.Now()
			opts := Options{Phase: func(name string) {
				now := time.Now()
				phases[name] += now.Sub(last)
				last = now
			}}
			for b.Loop() {
				last = time.Now()
				if _, err := ComputeWith(p, d, opts); err != nil {
					b.Fatal(err)
				}
			}
			n := float64(b.N)
			b.ReportMetric(phases["placement"].Seconds()/n, "placement-s/op")
			b.ReportMetric(phases["component bin"].Seconds()/n, "legs+pay-s/op")
		})
	}
}
