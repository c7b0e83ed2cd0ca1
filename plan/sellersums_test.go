package plan

import (
	"math/rand/v2"
	"testing"

	"github.com/compplan/compplan/tree/dec"
)

// TestSellerSums: whatever the chunks' ranges of sellers (in a window,
// across windows, backwards, wider than a window), every amount taken is
// paid out once to its seller, and a chunk too wide is refused. Batches
// of more than warmBatch sellers are added through addEach and paid after
// warm is shown exactly the sellers about to be paid.
func TestSellerSums(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for round := range 200 {
		const members, levels = 120, 3
		got := map[int32][levels]dec.D{}
		var warmed []int32 // what warm was shown and is not paid yet
		s := newSellerSums(members, levels, func(m int32, row []dec.D) {
			if len(warmed) == 0 || warmed[0] != m {
				t.Fatalf("member %d paid, but warm was shown %v", m, warmed)
			}
			warmed = warmed[1:]
			g := got[m]
			for i, a := range row {
				g[i] += a
			}
			got[m] = g
		})
		s.warm = func(ms []int32) uint64 {
			if len(warmed) > 0 || len(ms) > warmBatch {
				t.Fatalf("warm shown %v while %v are unpaid", ms, warmed)
			}
			warmed = append(warmed, ms...)
			return 0
		}
		s.width = 1 + rng.IntN(90) // small windows: many flushes
		want := map[int32][levels]dec.D{}
		var acc dec.Acc
		for range 1 + rng.IntN(10) {
			from := rng.IntN(members)
			span := 1 + rng.IntN(100)
			chunk := make([]int32, rng.IntN(80))
			for k := range chunk {
				chunk[k] = int32(min(from+rng.IntN(span), members-1))
			}
			if !s.take(chunk) {
				lo, hi := chunk[0], chunk[0]
				for _, m := range chunk {
					lo, hi = min(lo, m), max(hi, m)
				}
				if int(hi-lo) < s.width {
					t.Fatalf("round %d: a chunk spanning %d members refused by a window of %d", round, hi-lo+1, s.width)
				}
				continue
			}
			each := rng.IntN(2) == 0
			rows := make([][]dec.D, len(chunk))
			for k, m := range chunk {
				a := []dec.D{dec.D(rng.IntN(100) - 20), dec.D(rng.IntN(5)), 1}
				rows[k] = a
				if !each {
					s.add(&acc, m, 0, a[:1])
					s.add(&acc, m, 1, a[1:])
				}
				w := want[m]
				for i := range a {
					w[i] += a[i]
				}
				want[m] = w
			}
			if each {
				s.addEach(&acc, chunk, func(k int) []dec.D { return rows[k] })
			}
		}
		s.flush()
		if len(warmed) > 0 {
			t.Fatalf("round %d: warm shown %v, never paid", round, warmed)
		}
		for m, w := range want {
			if w != [levels]dec.D{} && got[m] != w {
				t.Fatalf("round %d: member %d paid %v, want %v", round, m, got[m], w)
			}
		}
		for m, g := range got {
			if g != want[m] {
				t.Fatalf("round %d: member %d paid %v, want %v", round, m, g, want[m])
			}
		}
	}
}

// TestSellerSumsPayOnce: the chunks of one bucket in a date-ordered file
// each hold members anywhere in the bucket, so a later chunk often starts
// below the first; when they all fit one window, the window moves down to
// take them, and every seller is paid once, their whole sums. When the
// window cannot hold both, it is paid out first.
func TestSellerSumsPayOnce(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	paid := map[int32]int{}
	got := map[int32][2]dec.D{}
	s := newSellerSums(1000, 2, func(m int32, row []dec.D) {
		paid[m]++
		got[m] = [2]dec.D{got[m][0] + row[0], got[m][1] + row[1]}
	})
	s.width = 100
	var acc dec.Acc
	want := map[int32][2]dec.D{}
	add := func(chunk []int32) {
		if !s.take(chunk) {
			t.Fatalf("chunk %v refused", chunk)
		}
		for _, m := range chunk {
			s.add(&acc, m, 0, []dec.D{1, dec.D(m)})
			want[m] = [2]dec.D{want[m][0] + 1, want[m][1] + dec.D(m)}
		}
	}
	// 30 chunks of members 500..599, each starting lower or higher than
	// the ones before.
	for range 30 {
		chunk := make([]int32, 1+rng.IntN(20))
		for k := range chunk {
			chunk[k] = 500 + int32(rng.IntN(100))
		}
		add(chunk)
	}
	add([]int32{599})
	add([]int32{500}) // 500..599: the window's 100 members
	if len(paid) > 0 {
		t.Fatalf("paid %v before the window was full", paid)
	}
	add([]int32{499}) // the window cannot hold 499..599: paid out first
	for m, n := range paid {
		if n != 1 || got[m] != want[m] {
			t.Fatalf("member %d paid %d times, %v, want once %v", m, n, got[m], want[m])
		}
	}
	if len(paid) != len(want)-1 {
		t.Fatalf("%d members paid, want %d", len(paid), len(want)-1)
	}
	s.flush()
	if paid[499] != 1 || got[499] != want[499] {
		t.Fatalf("member 499 paid %d times, %v, want once %v", paid[499], got[499], want[499])
	}
}
