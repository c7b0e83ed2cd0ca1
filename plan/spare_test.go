package plan

import (
	"runtime"
	"slices"
	"testing"
	"unsafe"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
	"github.com/compplan/compplan/tree/gen"
)

// TestSparesTake: a spare is taken again when it is long enough, cleared
// and cut to the length asked; otherwise a new array with the room given.
func TestSparesTake(t *testing.T) {
	s := newSpares(100)
	a := s.take(40)
	if len(a) != 40 || cap(a) != 100 {
		t.Fatalf("a new array: len %d cap %d, want 40 and 100", len(a), cap(a))
	}
	for i := range a {
		a[i] = 7
	}
	s.give(a)
	b := s.take(60)
	if len(b) != 60 || unsafe.SliceData(b) != unsafe.SliceData(a) {
		t.Fatalf("len %d, same array %v: want the spare, 60 long", len(b), unsafe.SliceData(b) == unsafe.SliceData(a))
	}
	for i, v := range b {
		if v != 0 {
			t.Fatalf("amount %d of a spare taken again is %s, want 0", i, v)
		}
	}
	if c := s.take(10); unsafe.SliceData(c) == unsafe.SliceData(b) {
		t.Fatal("an array taken twice")
	}
	s.give(b)
	if c := s.take(101); len(c) != 101 || unsafe.SliceData(c) == unsafe.SliceData(b) {
		t.Fatalf("longer than every spare: len %d, want a new array of 101", len(c))
	}
	if c := s.take(100); unsafe.SliceData(c) != unsafe.SliceData(b) {
		t.Fatal("a spare exactly as long as asked was not taken")
	}
}

// TestSparesAcrossPeriods: computations that share spares, as a replay's
// periods do (here the same data twice, on four workers, the spares
// holding garbage at first), earn what a computation of their own does.
func TestSparesAcrossPeriods(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 90,000 sales")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	d := generated(t, gen.Config{Members: 9000, SalesPerMember: 10, Seed: 8})
	if d.Sales.Len() < parallelSales {
		t.Fatalf("%d sales: too few to split over the workers", d.Sales.Len())
	}
	for _, file := range []string{"../examples/unilevel.yaml", "../examples/hybrid/plan.yaml"} {
		p := readPlanFile(t, file)
		alone, err := Compute(p, d)
		if err != nil {
			t.Fatal(err)
		}
		s := newSpares(d.Org.Len())
		for range 3 {
			junk := make([]dec.D, d.Org.Len())
			for i := range junk {
				junk[i] = dec.One
			}
			s.give(junk)
		}
		for round := range 2 {
			got, err := ComputeWith(p, d, Options{spares: s})
			if err != nil {
				t.Fatal(err)
			}
			for c := range p.Components {
				for m := range got.Earned[c] {
					if got.Earned[c][m] != alone.Earned[c][m] {
						t.Fatalf("%s, round %d, %s: %s earned %s with spares, %s alone",
							file, round, p.Components[c].Name, d.Org.ID(int32(m)), got.Earned[c][m], alone.Earned[c][m])
					}
				}
			}
		}
		if len(s.arrays) < 3 {
			t.Errorf("%s: %d spares left: the workers' arrays were not given back", file, len(s.arrays))
		}
	}
}

// TestReplayRecycle: a replay that lets later periods reuse a period's
// arrays of earnings (Options.Recycle) earns, period by period, what one
// that does not earns (three months of 90,000 sales each, four workers);
// and a result's Earned is gone once each has been called with the
// period after it.
func TestReplayRecycle(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 270,000 sales")
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	d := generated(t, gen.Config{Members: 9000, SalesPerMember: 10, Months: 3, Seed: 9})
	first, last, _ := d.Sales.DateRange()
	periods := tree.Periods(tree.Month, first, last)
	if len(periods) != 3 {
		t.Fatalf("%d periods, want 3", len(periods))
	}
	for _, file := range []string{"../examples/unilevel.yaml", "../examples/hybrid/plan.yaml"} {
		p := readPlanFile(t, file)
		replay := func(recycle bool) [][][]dec.D {
			var earned [][][]dec.D
			var results []*Result
			err := Replay(p, d, periods, Options{Recycle: recycle}, func(_ tree.Period, r *Result) error {
				if n := len(results); recycle && n >= 2 && results[n-2].Earned != nil {
					t.Errorf("%s: the earnings of the period before last are still there", file)
				}
				results = append(results, r)
				var e [][]dec.D
				for _, a := range r.Earned {
					e = append(e, slices.Clone(a))
				}
				earned = append(earned, e)
				return nil
			}, nil)
			if err != nil {
				t.Fatal(err)
			}
			return earned
		}
		want, got := replay(false), replay(true)
		for i := range want {
			for c := range want[i] {
				if !slices.Equal(got[i][c], want[i][c]) {
					t.Fatalf("%s, %s, %s: earnings differ with Recycle", file, periods[i].Name, p.Components[c].Name)
				}
			}
		}
	}
}

// TestGiveEarned: a result's arrays of earnings go to the spares once each,
// however many components share one, and the result forgets them.
func TestGiveEarned(t *testing.T) {
	a, b := make([]dec.D, 5), make([]dec.D, 5)
	r := &Result{Earned: [][]dec.D{a, a, nil, b, a}}
	s := newSpares(5)
	r.giveEarned(s)
	if r.Earned != nil {
		t.Error("the result still has its earnings")
	}
	if len(s.arrays) != 2 || unsafe.SliceData(s.arrays[0]) != unsafe.SliceData(a) || unsafe.SliceData(s.arrays[1]) != unsafe.SliceData(b) {
		t.Errorf("%d spares, want a and b once each", len(s.arrays))
	}
}
