package plan

import (
	"os"
	"runtime"
	"testing"

	"github.com/compplan/compplan/tree/gen"
)

// TestWorkersPayAsOne: from parallelSales sales on, a component's sales
// are split over the cores in runs of chunks, each worker paying its own;
// a line sink makes one worker pay them all. Both must give every member,
// component, paid total and breakage the same, on sales in date order
// (every bucket a chunk of each block: many chunks, split where a run
// ends) and grouped by member.
func TestWorkersPayAsOne(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 90,000 sales")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4)) // four workers, whatever the machine
	for _, order := range []gen.SalesOrder{gen.SalesByDate, gen.SalesByMember} {
		d := generated(t, gen.Config{Members: 9000, SalesPerMember: 10, Seed: 7, SalesOrder: order})
		if d.Sales.Len() < parallelSales || len(d.Sales.Chunks) < 4 {
			t.Fatalf("%d sales in %d chunks: too few to split", d.Sales.Len(), len(d.Sales.Chunks))
		}
		for _, file := range []string{"../examples/unilevel.yaml", "../examples/hybrid/plan.yaml"} {
			p := readPlanFile(t, file)
			split, err := Compute(p, d)
			if err != nil {
				t.Fatal(err)
			}
			lines := 0
			one, err := ComputeWith(p, d, Options{Lines: func(*Result, *Line) error { lines++; return nil }})
			if err != nil {
				t.Fatal(err)
			}
			if lines == 0 {
				t.Fatalf("%s: no lines", file)
			}
			checkReconciles(t, split)
			for c := range p.Components {
				if split.Paid[c] != one.Paid[c] || split.Breakage[c] != one.Breakage[c] {
					t.Fatalf("%s, %s: paid %s breakage %s split over the cores, %s and %s by one",
						file, p.Components[c].Name, split.Paid[c], split.Breakage[c], one.Paid[c], one.Breakage[c])
				}
				for m := range split.Earned[c] {
					if split.Earned[c][m] != one.Earned[c][m] {
						t.Fatalf("%s, %s: %s earned %s split over the cores, %s by one",
							file, p.Components[c].Name, d.Org.ID(int32(m)), split.Earned[c][m], one.Earned[c][m])
					}
				}
			}
		}
	}
}

func readPlanFile(t *testing.T, name string) *Plan {
	t.Helper()
	src, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Decode(src, name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
