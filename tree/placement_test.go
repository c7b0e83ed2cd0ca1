package tree

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/compplan/compplan/tree/dec"
	"github.com/compplan/compplan/tree/gen"
)

// binaryOf renders a binary placement as "id<parent:leg" in id order, with
// a * for auto-placed members.
func binaryOf(o *Org, b *Binary) string {
	var s []string
	for _, m := range o.ByID() {
		if !b.Placed(m) {
			continue
		}
		x := o.ID(m)
		if p := b.Parent[m]; p >= 0 {
			x += "<" + o.ID(p) + ":" + LegName(b.Leg[m])
			if b.Auto[m] {
				x += "*"
			}
		}
		s = append(s, x)
	}
	return strings.Join(s, " ")
}

func matrixOf(o *Org, x *Matrix) string {
	var s []string
	for _, m := range o.ByID() {
		if !x.Placed(m) {
			continue
		}
		e := o.ID(m)
		if p := x.Parent[m]; p >= 0 {
			e += fmt.Sprintf("<%s:%d", o.ID(p), x.Position[m])
		}
		s = append(s, e)
	}
	return strings.Join(s, " ")
}

// volumes maps ids to volumes, for PlaceBinary.
func volumes(o *Org, v map[string]int64) []dec.D {
	out := make([]dec.D, o.Len())
	for id, x := range v {
		out[o.Lookup(id)] = dec.FromInt(x)
	}
	return out
}

func TestPlaceBinary(t *testing.T) {
	// A sponsors B..F, who join in that order; H is placed by hand in B's
	// left slot; G (sponsored by B) joins last.
	const members = `id,sponsor_id,joined,placement_id,leg
A,,2026-01-01,,
B,A,2026-01-02,,
C,A,2026-01-03,,
D,A,2026-01-04,,
E,A,2026-01-05,,
F,A,2026-01-06,,
G,B,2026-01-09,,
H,A,2026-01-07,B,L
`
	vol := map[string]int64{"B": 100, "C": 50, "D": 30, "E": 10, "H": 5}
	tests := []struct {
		name  string
		side  Side
		carry map[string][2]int64
		want  string
	}{
		// weaker: B ties (0:0) → L; C: 105 vs 0 → R; D: 105 vs 50 → R,
		// under C; E: 105 vs 80 → R, under D; F: 105 vs 90 → R, under E.
		// G goes to B's weaker leg: L holds H (5), R is empty → R.
		{"weaker", PlaceWeaker, nil, "A B<A:L* C<A:R* D<C:R* E<D:R* F<E:R* G<B:R* H<B:L"},
		// A carry-in of 60 on A's right leg: C sees 105 vs 60 → R; D sees
		// 105 vs 110 → L, under B's outer left chain (H's left).
		{"weaker with carry-in", PlaceWeaker, map[string][2]int64{"A": {0, 60}}, "A B<A:L* C<A:R* D<H:L* E<C:R* F<E:R* G<B:R* H<B:L"},
		// left: everyone down A's outer left chain; G's sponsor B holds H
		// in its left slot already, so G goes under H.
		{"left, a slot already taken", PlaceLeft, nil, "A B<A:L* C<H:L* D<C:L* E<D:L* F<E:L* G<F:L* H<B:L"},
		{"right", PlaceRight, nil, "A B<A:R* C<B:R* D<C:R* E<D:R* F<E:R* G<F:R* H<B:L"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := mustMembers(t, members).Org
			var carry *[2][]dec.D
			if tt.carry != nil {
				carry = &[2][]dec.D{make([]dec.D, o.Len()), make([]dec.D, o.Len())}
				for id, c := range tt.carry {
					carry[0][o.Lookup(id)], carry[1][o.Lookup(id)] = dec.FromInt(c[0]), dec.FromInt(c[1])
				}
			}
			b, err := PlaceBinary(o, tt.side, volumes(o, vol), carry)
			if err != nil {
				t.Fatal(err)
			}
			if got := binaryOf(o, b); got != tt.want {
				t.Errorf("placement\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestPlaceBinaryCustomers(t *testing.T) {
	const members = `id,sponsor_id,type,placement_id,leg
A,,,,
K,A,customer,,
B,K,,,
C,,,,
`
	o := mustMembers(t, members).Org
	b, err := PlaceBinary(o, PlaceWeaker, make([]dec.D, o.Len()), nil)
	if err != nil {
		t.Fatal(err)
	}
	// The customer K is not placed; B, sponsored by K, goes under A.
	if got, want := binaryOf(o, b), "A B<A:L* C"; got != want {
		t.Errorf("placement %s, want %s", got, want)
	}
}

func TestPlacementErrors(t *testing.T) {
	tests := []struct{ name, members, want string }{
		{"duplicate slot", "id,sponsor_id,placement_id,leg\nA,,,\nB,A,A,L\nC,A,A,l\n",
			`members.csv:4:7: column "leg": C and B (line 3) are both placed in the L leg of A: a position holds one member`},
		{"bad leg", "id,sponsor_id,placement_id,leg\nA,,,\nB,A,A,X\n", `members.csv:3:7: column "leg": "X" is not a leg: use L or R`},
		{"leg without parent", "id,sponsor_id,placement_id,leg\nA,,,\nB,A,,R\n", `members.csv:3:6: column "leg": a leg without a placement_id`},
		{"parent without leg", "id,sponsor_id,placement_id,leg\nA,,,\nB,A,A,\n", `members.csv:3:5: column "placement_id": placement under "A" needs a leg`},
		{"unknown parent", "id,sponsor_id,placement_id,leg\nA,,,\nB,A,Z,L\n", `members.csv:3:5: column "placement_id": unknown placement parent "Z"`},
		{"placed under itself", "id,sponsor_id,placement_id,leg\nA,,,\nB,A,B,L\n", `members.csv:3:5: column "placement_id": member "B" is placed under itself`},
		{"placement cycle", "id,sponsor_id,placement_id,leg\nA,,,\nB,A,C,L\nC,A,B,R\n",
			`members.csv:3: column "placement_id": placement cycle of 2 members: B (line 3) is placed under C (line 4) is placed under B;`},
		{"customer placed", "id,sponsor_id,type,placement_id,leg\nA,,,,\nK,A,customer,A,L\n", `members.csv:3:14: column "placement_id": customer K has a placement`},
		{"matrix parent unknown", "id,sponsor_id,matrix_parent_id\nA,,\nB,A,Q\n", `members.csv:3:5: column "matrix_parent_id": unknown placement parent "Q"`},
		{"matrix cycle", "id,sponsor_id,matrix_parent_id\nA,,\nB,A,C\nC,A,B\n", `members.csv:3: column "matrix_parent_id": placement cycle of 2 members`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadMembers(strings.NewReader(tt.members), "members.csv")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v\nwant it to contain %s", err, tt.want)
			}
		})
	}
}

// TestAutoPlacementCycle: B is placed by hand under C, C by hand under A,
// and A (sponsored by C) is auto-placed: into C's subtree, below itself.
func TestAutoPlacementCycle(t *testing.T) {
	const members = "id,sponsor_id,placement_id,leg\nR,,,\nC,R,A,L\nA,C,,\n"
	o := mustMembers(t, members).Org
	_, err := PlaceBinary(o, PlaceLeft, make([]dec.D, o.Len()), nil)
	want := `members.csv:4: column "placement_id": placement cycle of 2 members: A (line 4) is auto-placed under its sponsor's leg, at C (line 3) is placed under A`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v\nwant %s", err, want)
	}
}

func TestPlaceMatrix(t *testing.T) {
	tests := []struct {
		name, members string
		width         int
		want          string
	}{
		// A sponsors B..H: B, C fill A's first level; D..G spill to B's and
		// C's positions, left to right; H goes to the third level, under D.
		{"spillover fills a full first level", `id,sponsor_id,joined
A,,2026-01-01
B,A,2026-01-02
C,A,2026-01-03
D,A,2026-01-04
E,A,2026-01-05
F,A,2026-01-06
G,A,2026-01-07
H,A,2026-01-08
`, 2, "A B<A:1 C<A:2 D<B:1 E<B:2 F<C:1 G<C:2 H<D:1"},
		// X is placed by hand under A and takes the first position; B takes
		// the second; C spills to X; D, sponsored by B, goes under B even
		// though X has a free position; E (same day as D, larger id) too.
		{"explicit positions first, spillover within the sponsor's subtree", `id,sponsor_id,joined,matrix_parent_id
A,,2026-01-01,
B,A,2026-01-02,
C,A,2026-01-03,
E,B,2026-01-04,
D,B,2026-01-04,
X,A,2026-01-09,A
`, 2, "A B<A:2 C<X:1 D<B:1 E<B:2 X<A:1"},
		{"width 1 is a line", "id,sponsor_id\nA,\nB,A\nC,A\nD,B\n", 1, "A B<A:1 C<B:1 D<C:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := mustMembers(t, tt.members).Org
			x, err := PlaceMatrix(o, tt.width)
			if err != nil {
				t.Fatal(err)
			}
			if got := matrixOf(o, x); got != tt.want {
				t.Errorf("matrix\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestMatrixWidthError(t *testing.T) {
	o := mustMembers(t, "id,sponsor_id,joined,matrix_parent_id\nA,,,\nB,A,2026-01-01,A\nC,A,2026-01-02,A\nD,A,2026-01-03,A\n").Org
	_, err := PlaceMatrix(o, 2)
	want := `members.csv:5: column "matrix_parent_id": 3 members are placed under A, more than the matrix width 2: B (line 3), C (line 4), D (line 5)`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v\nwant %s", err, want)
	}
}

// randomPlacementCSV is a members file of n members: each sponsored by an
// earlier one, joined on one of a few days (so ties are broken by id), a
// third placed by hand in a free slot of an earlier member, and a fifth
// under an earlier matrix parent with room (the matrix is 3 wide).
func randomPlacementCSV(rng *rand.Rand, n int) (header string, rows []string) {
	taken := map[string]bool{}
	under := map[string]int{}
	for i := range n {
		id := fmt.Sprintf("m%d", i)
		sp, place, leg, mp := "", "", "", ""
		if i > 0 {
			sp = fmt.Sprintf("m%d", rng.IntN(i))
			if rng.IntN(3) == 0 {
				p, l := fmt.Sprintf("m%d", rng.IntN(i)), "LR"[rng.IntN(2):][:1]
				if !taken[p+l] {
					taken[p+l] = true
					place, leg = p, l
				}
			}
			if p := fmt.Sprintf("m%d", rng.IntN(i)); rng.IntN(5) == 0 && under[p] < 3 {
				under[p]++
				mp = p
			}
		}
		rows = append(rows, fmt.Sprintf("%s,%s,2026-01-%02d,%s,%s,%s", id, sp, 1+rng.IntN(4), place, leg, mp))
	}
	return "id,sponsor_id,joined,placement_id,leg,matrix_parent_id", rows
}

// naiveWeaker places like PlaceBinary with PlaceWeaker, the slow way:
// every leg volume is summed afresh over the members below.
func naiveWeaker(o *Org, vol []dec.D) []string {
	n := int32(o.Len())
	parent, leg := make([]int32, n), make([]uint8, n)
	child := map[[2]int32]int32{}
	for m := range n {
		parent[m] = -1
		if p := o.placeParent[m]; p >= 0 {
			parent[m], leg[m] = p, o.placeLeg[m]
			child[[2]int32{p, int32(leg[m])}] = m
		}
	}
	below := func(x, top int32) bool {
		for ; x >= 0; x = parent[x] {
			if x == top {
				return true
			}
		}
		return false
	}
	legVolume := func(s int32, l uint8) dec.D {
		c, ok := child[[2]int32{s, int32(l)}]
		if !ok {
			return 0
		}
		var v dec.D
		for x := range n {
			if below(x, c) {
				v += vol[x]
			}
		}
		return v
	}
	for _, m := range o.autoPlaced(parent) {
		s := o.sponsor[m]
		l := Left
		if legVolume(s, Right) < legVolume(s, Left) {
			l = Right
		}
		at := s
		for {
			c, ok := child[[2]int32{at, int32(l)}]
			if !ok {
				break
			}
			at = c
		}
		parent[m], leg[m] = at, l
		child[[2]int32{at, int32(l)}] = m
	}
	out := make([]string, n)
	for m := range n {
		if parent[m] >= 0 {
			out[m] = o.ID(parent[m]) + ":" + LegName(leg[m])
		}
	}
	return out
}

// TestPlaceBinaryRandom checks the link-cut leg volumes against the naive
// placement, and that the placement does not depend on row order.
func TestPlaceBinaryRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for trial := range 200 {
		header, rows := randomPlacementCSV(rng, 2+rng.IntN(60))
		o := mustMembers(t, header+"\n"+strings.Join(rows, "\n")+"\n").Org
		vol := make([]dec.D, o.Len())
		for m := range vol {
			vol[m] = dec.FromInt(int64(rng.IntN(5) * 10))
		}
		b, err := PlaceBinary(o, PlaceWeaker, vol, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := naiveWeaker(o, vol)
		for m := range int32(o.Len()) {
			got := ""
			if b.Parent[m] >= 0 {
				got = o.ID(b.Parent[m]) + ":" + LegName(b.Leg[m])
			}
			if got != want[m] {
				t.Fatalf("trial %d: %s placed at %q, naive %q\n%s", trial, o.ID(m), got, want[m], strings.Join(rows, "\n"))
			}
		}
		// Shuffled rows, volumes carried by id: the same placement.
		first := binaryOf(o, b)
		firstMatrix, err := PlaceMatrix(o, 3)
		if err != nil {
			t.Fatal(err)
		}
		byID := map[string]dec.D{}
		for m := range int32(o.Len()) {
			byID[o.ID(m)] = vol[m]
		}
		shuffled := slices.Clone(rows)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		o2 := mustMembers(t, header+"\n"+strings.Join(shuffled, "\n")+"\n").Org
		vol2 := make([]dec.D, o2.Len())
		for m := range int32(o2.Len()) {
			vol2[m] = byID[o2.ID(m)]
		}
		b2, err := PlaceBinary(o2, PlaceWeaker, vol2, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := binaryOf(o2, b2); got != first {
			t.Fatalf("trial %d: shuffled rows placed differently:\n%s\n%s", trial, got, first)
		}
		x2, err := PlaceMatrix(o2, 3)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := matrixOf(o2, x2), matrixOf(o, firstMatrix); got != want {
			t.Fatalf("trial %d: shuffled rows give another matrix:\n%s\n%s", trial, got, want)
		}
		// Every subtree is contiguous in the preorder.
		for _, m := range b.TopDown() {
			if p := b.Parent[m]; p >= 0 && !b.InSubtree(m, p) {
				t.Fatalf("trial %d: %s not in its parent's subtree", trial, o.ID(m))
			}
		}
	}
}

// walkWeaker places like PlaceBinaryAfter with PlaceWeaker in
// O(n·depth): every member keeps its subtree sum, and a placement adds to
// every member above. ok is false when a placement would make a cycle.
func walkWeaker(o *Org, vol []dec.D, carryIn *[2][]dec.D, prior *Prior) (parent []int32, leg []uint8, ok bool) {
	n := int32(o.Len())
	parent, leg = make([]int32, n), make([]uint8, n)
	child := make([]int32, 2*n)
	for i := range child {
		child[i] = -1
	}
	for m := range n {
		parent[m] = -1
		if o.placeParent != nil && o.placeParent[m] >= 0 {
			parent[m], leg[m] = o.placeParent[m], o.placeLeg[m]
			child[2*parent[m]+int32(leg[m])] = m
		}
	}
	if prior != nil {
		for m := range n {
			p := prior.Parent[m]
			if p < 0 || parent[m] >= 0 || o.Customer(m) || o.Customer(p) || child[2*p+int32(prior.Leg[m])] >= 0 {
				continue
			}
			parent[m], leg[m] = p, prior.Leg[m]
			child[2*p+int32(leg[m])] = m
		}
	}
	sum := make([]dec.D, n)
	addUp := func(x int32, v dec.D) bool {
		for steps := int32(0); x >= 0; x = parent[x] {
			if steps++; steps > n {
				return false
			}
			sum[x] += v
		}
		return true
	}
	for m := range n {
		if !addUp(m, vol[m]) {
			return nil, nil, false
		}
	}
	for _, m := range o.autoPlaced(parent) {
		s := o.placementSponsor(m)
		legVolume := func(l uint8) dec.D {
			var v dec.D
			if carryIn != nil {
				v = carryIn[l][s]
			}
			if c := child[2*s+int32(l)]; c >= 0 {
				v += sum[c]
			}
			return v
		}
		l := Left
		if legVolume(Right) < legVolume(Left) {
			l = Right
		}
		at := s
		for child[2*at+int32(l)] >= 0 {
			at = child[2*at+int32(l)]
		}
		parent[m], leg[m] = at, l
		child[2*at+int32(l)] = m
		if !addUp(at, sum[m]) {
			return nil, nil, false
		}
	}
	return parent, leg, true
}

// TestPlaceBinaryWalk checks weaker-leg placement against walkWeaker on
// deep generated organisations and on random ones with placements by hand,
// with carried leg volumes and an earlier period's placement, and volumes
// that are often equal (ties), negative (returns) or large.
func TestPlaceBinaryWalk(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for trial := range 40 {
		var o *Org
		if trial%2 == 0 {
			var mb, sb strings.Builder
			if err := gen.Write(gen.Config{Members: 500 + rng.IntN(4000), Seed: uint64(trial), Roots: 1 + rng.IntN(3)}, &mb, &sb); err != nil {
				t.Fatal(err)
			}
			o = mustMembers(t, mb.String()).Org
		} else {
			header, rows := randomPlacementCSV(rng, 2+rng.IntN(1500))
			o = mustMembers(t, header+"\n"+strings.Join(rows, "\n")+"\n").Org
		}
		n := o.Len()
		randVol := func() dec.D {
			switch rng.IntN(4) {
			case 0:
				return 0
			case 1:
				return dec.FromInt(int64(rng.IntN(3) * 50))
			case 2:
				return -dec.FromInt(int64(rng.IntN(100)))
			}
			return dec.D(rng.Int64N(1e12))
		}
		vol := make([]dec.D, n)
		for m := range vol {
			vol[m] = randVol()
		}
		var carryIn *[2][]dec.D
		if trial%3 != 0 {
			carryIn = &[2][]dec.D{make([]dec.D, n), make([]dec.D, n)}
			for m := range n {
				if rng.IntN(4) == 0 {
					carryIn[rng.IntN(2)][m] = randVol()
				}
			}
		}
		var prior *Prior
		if trial%4 == 1 {
			first, err := PlaceBinary(o, PlaceWeaker, make([]dec.D, n), nil)
			if err != nil {
				continue
			}
			prior = &Prior{Parent: slices.Clone(first.Parent), Leg: first.Leg}
			for m := range prior.Parent {
				if rng.IntN(2) == 0 {
					prior.Parent[m] = -1
				}
			}
		}
		b, err := PlaceBinaryAfter(o, PlaceWeaker, vol, carryIn, prior)
		parent, leg, ok := walkWeaker(o, vol, carryIn, prior)
		if (err == nil) != ok {
			t.Fatalf("trial %d: error %v, walk ok %v", trial, err, ok)
		}
		if err != nil {
			continue
		}
		for m := range int32(n) {
			if b.Parent[m] != parent[m] || (parent[m] >= 0 && b.Leg[m] != leg[m]) {
				t.Fatalf("trial %d: %s placed under %d:%d, walk %d:%d", trial, o.ID(m), b.Parent[m], b.Leg[m], parent[m], leg[m])
			}
		}
		// The preorder, whichever way it was made, is the one a walk of
		// the tree gives.
		order, pos, size := b.order, b.pos, b.size
		b.preorder(int32(n))
		if !slices.Equal(order, b.order) || !slices.Equal(pos, b.pos) || !slices.Equal(size, b.size) {
			t.Fatalf("trial %d: preorder %v %v %v, a walk gives %v %v %v", trial, order, pos, size, b.order, b.pos, b.size)
		}
	}
}

// naiveMatrix places like PlaceMatrix, the slow way: a breadth-first
// search from the sponsor for every member spilled over. ok is false when
// a placement would make a cycle.
func naiveMatrix(o *Org, width int) (parent, position []int32, ok bool) {
	n := int32(o.Len())
	parent, position = make([]int32, n), make([]int32, n)
	kids := make([][]int32, n)
	for m := range n {
		parent[m] = -1
	}
	if o.matrixParent != nil {
		var explicit []int32
		for m := range n {
			if o.matrixParent[m] >= 0 {
				explicit = append(explicit, m)
			}
		}
		o.sortByJoined(explicit)
		for _, m := range explicit {
			p := o.matrixParent[m]
			parent[m] = p
			kids[p] = append(kids[p], m)
			position[m] = int32(len(kids[p]))
		}
	}
	for _, m := range o.autoPlaced(parent) {
		queue := []int32{o.placementSponsor(m)}
		for len(kids[queue[0]]) >= width {
			queue = append(queue[1:], kids[queue[0]]...)
		}
		at := queue[0]
		for y := at; y >= 0; y = parent[y] {
			if y == m {
				return nil, nil, false
			}
		}
		parent[m] = at
		kids[at] = append(kids[at], m)
		position[m] = int32(len(kids[at]))
	}
	return parent, position, true
}

// TestPlaceMatrixNaive checks spillover against naiveMatrix on generated
// organisations and on random ones with matrix parents by hand.
func TestPlaceMatrixNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 13))
	for trial := range 60 {
		var o *Org
		if trial%2 == 0 {
			var mb, sb strings.Builder
			if err := gen.Write(gen.Config{Members: 2 + rng.IntN(3000), Seed: uint64(trial), Roots: 1 + rng.IntN(3)}, &mb, &sb); err != nil {
				t.Fatal(err)
			}
			o = mustMembers(t, mb.String()).Org
		} else {
			header, rows := randomPlacementCSV(rng, 2+rng.IntN(1500))
			o = mustMembers(t, header+"\n"+strings.Join(rows, "\n")+"\n").Org
		}
		width := 3 // randomPlacementCSV places at most 3 under anyone
		if trial%2 == 0 {
			width = 1 + rng.IntN(12)
		}
		x, err := PlaceMatrix(o, width)
		parent, position, ok := naiveMatrix(o, width)
		if (err == nil) != ok {
			t.Fatalf("trial %d: error %v, naive ok %v", trial, err, ok)
		}
		if err != nil {
			continue
		}
		for m := range int32(o.Len()) {
			if x.Parent[m] != parent[m] || x.Position[m] != position[m] {
				t.Fatalf("trial %d (width %d): %s at %d:%d, naive %d:%d", trial, width, o.ID(m), x.Parent[m], x.Position[m], parent[m], position[m])
			}
		}
		for _, m := range x.TopDown() {
			for k, c := range x.Children(m) {
				if x.Parent[c] != m || x.Position[c] != int32(k+1) {
					t.Fatalf("trial %d: %s's children out of order", trial, o.ID(m))
				}
			}
		}
	}
}
