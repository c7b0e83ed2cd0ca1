package compare

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/compplan/compplan/tree/dec"
)

// TestSortDecimals checks the radix sort against a comparison sort on
// lists of every shape: short ones (insertion sort), amounts that share
// their high bytes, negatives, zeros, the extremes, one value throughout.
func TestSortDecimals(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	gens := map[string]func() dec.D{
		"amounts":   func() dec.D { return dec.D(r.Int64N(100_000_000)) },
		"mostly 0":  func() dec.D { return dec.D(r.Int64N(3) * r.Int64N(1e9)) },
		"negatives": func() dec.D { return dec.D(r.Int64N(2e9) - 1e9) },
		"any":       func() dec.D { return dec.D(r.Uint64()) },
		"extremes":  func() dec.D { return []dec.D{math.MinInt64, math.MaxInt64, 0, -1, 1}[r.IntN(5)] },
		"one value": func() dec.D { return 42 },
	}
	for name, gen := range gens {
		for _, n := range []int{0, 1, 2, 255, 256, 1000, 100_000} {
			s := make([]dec.D, n)
			for i := range s {
				s[i] = gen()
			}
			want := slices.Clone(s)
			slices.Sort(want)
			scratch := make([]dec.D, n+3) // longer than s, and not zero
			for i := range scratch {
				scratch[i] = gen()
			}
			sortDecimals(s, scratch)
			if !slices.Equal(s, want) {
				t.Fatalf("%s, %d values: not sorted", name, n)
			}
		}
	}
}
