package compare

import (
	"cmp"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// TestMoversMatchSort: the movers kept in one pass are the first top of
// a full sort (by change, ties by id), whatever the ties and sizes.
func TestMoversMatchSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const n = 300
	var m strings.Builder
	m.WriteString("id\n")
	for i := range n {
		fmt.Fprintf(&m, "M%04d\n", (i*7919)%n) // file order is not id order
	}
	d, err := tree.ReadMembers(strings.NewReader(m.String()), "m.csv")
	if err != nil {
		t.Fatal(err)
	}
	o := d.Org
	for round := range 100 {
		a, b := make([]dec.D, n), make([]dec.D, n)
		for i := range n {
			a[i], b[i] = dec.D(rng.IntN(5)), dec.D(rng.IntN(5)) // many ties
		}
		top := []int{0, 1, 3, 10, n, 2 * n}[round%6]
		gainers, losers := movers(o, a, b, top)
		type mv struct {
			id    string
			delta dec.D
		}
		var up, down []mv
		for _, x := range o.ByID() {
			switch delta := b[x] - a[x]; {
			case delta > 0:
				up = append(up, mv{o.ID(x), delta})
			case delta < 0:
				down = append(down, mv{o.ID(x), delta})
			}
		}
		slices.SortStableFunc(up, func(x, y mv) int { return cmp.Compare(y.delta, x.delta) })
		slices.SortStableFunc(down, func(x, y mv) int { return cmp.Compare(x.delta, y.delta) })
		check := func(side string, got []Mover, want []mv) {
			want = want[:min(top, len(want))]
			if len(got) != len(want) {
				t.Fatalf("round %d top %d: %d %s, want %d", round, top, len(got), side, len(want))
			}
			for i := range want {
				if o.ID(got[i].Member) != want[i].id || got[i].Delta != want[i].delta {
					t.Fatalf("round %d top %d: %s %d is %s %s, want %s %s", round, top, side, i, o.ID(got[i].Member), got[i].Delta, want[i].id, want[i].delta)
				}
			}
		}
		check("gainers", gainers, up)
		check("losers", losers, down)
	}
}

// TestMeanExact: the mean is exact past the range of one int64 sum.
func TestMeanExact(t *testing.T) {
	for _, vals := range [][]dec.D{
		{math.MaxInt64, math.MaxInt64, math.MaxInt64},
		{math.MinInt64, math.MinInt64, 5},
		{math.MaxInt64, math.MinInt64, -1, 3},
		{-15000, -5000},
		{1, 2, 3, 4},
	} {
		sorted := slices.Clone(vals)
		slices.Sort(sorted)
		got := describeSorted(sorted, 2).Mean
		sum := new(big.Int)
		for _, v := range vals {
			sum.Add(sum, big.NewInt(int64(v)))
		}
		// half-even to 2 places: units of 100 (Scale 4).
		r := new(big.Rat).SetFrac(sum, big.NewInt(int64(len(vals))*100))
		q, rem := new(big.Int).QuoRem(r.Num(), r.Denom(), new(big.Int))
		if sum.Sign() < 0 && rem.Sign() != 0 {
			q.Sub(q, big.NewInt(1))
			rem.Add(rem, r.Denom())
		}
		switch c := new(big.Int).Mul(rem, big.NewInt(2)).Cmp(r.Denom()); {
		case c > 0, c == 0 && q.Bit(0) == 1:
			q.Add(q, big.NewInt(1))
		}
		if want := q.Int64() * 100; int64(got) != want {
			t.Errorf("mean of %v = %d, want %d", vals, got, want)
		}
	}
}
