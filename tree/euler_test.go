package tree

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/compplan/compplan/tree/dec"
)

// TestEulerSums grows a random forest leaf by leaf, from one built whole,
// to four B-tree levels (so leaves and inner nodes split, and the root
// does), and checks every member's subtree sum against sums added up
// from the bottom.
func TestEulerSums(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 9))
	const n, built = 200000, 1500
	parent := make([]int32, n)
	child := make([]int32, 2*n)
	for i := range child {
		child[i] = -1
	}
	vol := make([]dec.D, n)
	var roots []int32
	// attach hangs m under a random earlier member with a free leg (a
	// root if none is found).
	attach := func(m int32) (int32, uint8) {
		for range 8 {
			p := rng.Int32N(m)
			leg := uint8(rng.IntN(2))
			if child[2*p+int32(leg)] < 0 {
				return p, leg
			}
		}
		return -1, 0
	}
	for m := range int32(n) {
		vol[m] = dec.FromInt(int64(rng.IntN(150) - 50))
		parent[m] = -1
		if m == 0 || m >= built {
			continue
		}
		if p, leg := attach(m); p >= 0 && rng.IntN(10) > 0 {
			parent[m], child[2*p+int32(leg)] = p, m
		}
	}
	for m := range int32(built) {
		if parent[m] < 0 {
			roots = append(roots, m)
		}
	}
	sums := newEulerSums(child, roots, vol)
	check := func(upTo int32) {
		t.Helper()
		want := make([]dec.D, upTo)
		copy(want, vol)
		for m := upTo - 1; m >= 0; m-- { // parents come before children
			if p := parent[m]; p >= 0 {
				want[p] += want[m]
			}
		}
		for m := range upTo {
			if parent[m] < 0 && m >= built {
				continue // not placed
			}
			if got := sums.subtree(m); got != want[m] {
				t.Fatalf("after %d members: subtree of %d sums to %s, want %s", upTo, m, got, want[m])
			}
		}
	}
	check(built)
	for m := int32(built); m < n; m++ {
		p, leg := attach(m)
		if p < 0 || (parent[p] < 0 && p >= built) {
			continue
		}
		parent[m], child[2*p+int32(leg)] = p, m
		sums.addLeaf(m, p, leg, vol[m])
		if m%40000 == 0 {
			check(m + 1)
		}
	}
	check(n)
	depth := 0
	for x := sums.root; x >= 0; x = sums.nodes[x].id[0] {
		depth++
		if sums.nodes[x].leaf {
			break
		}
	}
	if depth < 4 {
		t.Fatalf("the B-tree is %d levels deep: the test does not reach inner splits", depth)
	}
}

// TestGrowsByLeaves pins when weaker-leg placement may use eulerSums:
// only when every member it places is a leaf under a sponsor placed
// before them.
func TestGrowsByLeaves(t *testing.T) {
	for _, tc := range []struct {
		name, members string
		want          bool
		sponsors      string // of the members to place, in turn
	}{
		{"auto-placed only", "id,sponsor_id,joined\nA,,2026-01-01\nB,A,2026-01-02\nC,B,2026-01-03\n", true, "A B"},
		{"placed by hand under a root", "id,sponsor_id,joined,placement_id,leg\nA,,2026-01-01,,\nB,A,2026-01-02,A,R\nC,B,2026-01-03,,\n", true, "B"},
		{"placed by hand under one auto-placed", "id,sponsor_id,joined,placement_id,leg\nA,,2026-01-01,,\nB,A,2026-01-02,,\nC,B,2026-01-03,B,L\n", false, ""},
		{"a sponsor who joined after their recruit", "id,sponsor_id,joined\nA,,2026-01-01\nB,A,2026-01-05\nC,B,2026-01-03\n", false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := mustMembers(t, tc.members).Org
			b, err := PlaceBinary(o, PlaceLeft, nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			// Start again from the explicit placements, as autoPlace does.
			for m := range b.Parent {
				if b.Auto[m] {
					p := b.Parent[m]
					b.child[2*p+int32(b.Leg[m])], b.Parent[m] = -1, -1
				}
			}
			auto := o.autoPlaced(b.Parent)
			spon, got := b.growsByLeaves(o, auto)
			if got != tc.want {
				t.Fatalf("growsByLeaves = %v, want %v", got, tc.want)
			}
			if got {
				var ids []string
				for _, s := range spon {
					ids = append(ids, o.ID(s))
				}
				if s := strings.Join(ids, " "); s != tc.sponsors {
					t.Fatalf("sponsors %q, want %q", s, tc.sponsors)
				}
			}
		})
	}
}
