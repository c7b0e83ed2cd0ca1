package tree

import (
	"fmt"
	"slices"

	"github.com/compplan/compplan/tree/dec"
)

// Side is how members without a binary placement are auto-placed.
type Side uint8

// Auto-placement sides.
const (
	PlaceWeaker Side = iota // the sponsor's leg with less leg volume (ties: left)
	PlaceLeft               // always the sponsor's left leg
	PlaceRight              // always the sponsor's right leg
)

// SideNames are the plan's words for each Side.
var SideNames = []string{"weaker", "left", "right"}

// Binary is a binary placement tree over an organisation's distributors
// (customers are not placed).
type Binary struct {
	// Parent is each member's parent in the placement tree (-1: a root,
	// or a customer); Leg the side of the parent they hang on.
	Parent []int32
	Leg    []uint8
	// Auto marks members placed by the auto-placement rule.
	Auto  []bool
	child []int32 // child[2m+leg], or -1
	// order is a preorder: every member after their parent, and each
	// subtree contiguous (pos[m] is m's index, size[m] its subtree's size).
	order, pos, size []int32
	placed           []bool // in the tree: every distributor
	sink             int32  // keeps placeLeaves' warming loads
}

// Child returns m's child on leg (Left or Right), or -1.
func (b *Binary) Child(m int32, leg uint8) int32 { return b.child[2*m+int32(leg)] }

// TopDown returns the placed members, each after their parent. Walk it
// backwards to go bottom-up. Do not modify.
func (b *Binary) TopDown() []int32 { return b.order }

// Placed reports whether m is in the tree (customers are not).
func (b *Binary) Placed(m int32) bool { return b.placed[m] }

// InSubtree reports whether x is in the placement subtree of top (top
// included).
func (b *Binary) InSubtree(x, top int32) bool {
	return b.placed[x] && b.pos[top] <= b.pos[x] && b.pos[x] < b.pos[top]+b.size[top]
}

// PlaceBinary builds the binary tree: the members file's explicit
// placements, and every other distributor with a distributor sponsor
// auto-placed in order of (joined, id): under their sponsor (the nearest
// distributor upline), in the outermost free slot of the sponsor's leg that
// side picks. For PlaceWeaker that is the leg with less leg volume at that
// moment, counting carryIn (nil: none) and the volume (vol, per member) of
// the members placed so far; ties go left. Distributors without a sponsor
// are roots.
func PlaceBinary(o *Org, side Side, vol []dec.D, carryIn *[2][]dec.D) (*Binary, error) {
	return PlaceBinaryAfter(o, side, vol, carryIn, nil)
}

// Prior is where earlier periods auto-placed members: they keep their
// slot (Parent -1: not placed yet). File names where it was read (a state
// file), so a placement that cannot stand is reported against it; empty
// when the earlier periods were computed in this run.
type Prior struct {
	Parent []int32
	Leg    []uint8
	File   string
}

// PlaceBinaryAfter is PlaceBinary for a period after others: members prior
// placed keep their slot (unless a placement by hand now takes it), and
// only the others are auto-placed.
func PlaceBinaryAfter(o *Org, side Side, vol []dec.D, carryIn *[2][]dec.D, prior *Prior) (*Binary, error) {
	n := int32(o.Len())
	b := &Binary{Parent: make([]int32, n), Leg: make([]uint8, n), Auto: make([]bool, n), child: make([]int32, 2*n), placed: make([]bool, n)}
	for i := range b.child {
		b.child[i] = -1
	}
	for m := range n {
		b.Parent[m] = -1
		b.placed[m] = !o.Customer(m)
		if o.placeParent != nil && o.placeParent[m] >= 0 {
			p, leg := o.placeParent[m], o.placeLeg[m]
			b.Parent[m], b.Leg[m] = p, leg
			b.child[2*p+int32(leg)] = m
		}
	}
	var carried []bool // placed where prior says
	if prior != nil {
		carried = make([]bool, n)
		for m := range n {
			p := prior.Parent[m]
			if p < 0 || b.Parent[m] >= 0 || !b.placed[m] || !b.placed[p] || b.child[2*p+int32(prior.Leg[m])] >= 0 {
				continue
			}
			b.Parent[m], b.Leg[m], b.Auto[m], carried[m] = p, prior.Leg[m], true, true
			b.child[2*p+int32(prior.Leg[m])] = m
		}
		if cycle := findCycle(b.Parent); cycle != nil {
			return nil, b.cycleError(o, cycle, carried, prior)
		}
	}
	auto := o.autoPlaced(b.Parent)
	if len(auto) > 0 {
		if cycle := b.autoPlace(o, auto, side, vol, carryIn); cycle != nil {
			return nil, b.cycleError(o, cycle, carried, prior)
		}
	}
	if b.order == nil { // placeLeaves sets it
		b.preorder(n)
	}
	return b, nil
}

// autoPlaced returns the distributors to auto-place, in order of (joined,
// id): those without an explicit parent whose sponsor line holds a
// distributor.
func (o *Org) autoPlaced(parent []int32) []int32 {
	var auto []int32
	for m := range int32(o.Len()) {
		if parent[m] < 0 && !o.Customer(m) && o.placementSponsor(m) >= 0 {
			auto = append(auto, m)
		}
	}
	o.sortByJoined(auto)
	return auto
}

// placementSponsor is m's nearest distributor upline in the sponsor tree,
// or -1.
func (o *Org) placementSponsor(m int32) int32 {
	s := o.sponsor[m]
	for s >= 0 && o.Customer(s) {
		s = o.sponsor[s]
	}
	return s
}

// cycleError reports a placement cycle (each member followed by its
// parent). A cycle that holds a member placed where a state file put it is
// that file's fault, not the members file's: the state was written for
// other members, or edited.
func (b *Binary) cycleError(o *Org, cycle []int32, carried []bool, prior *Prior) error {
	inState := prior != nil && prior.File != "" && slices.ContainsFunc(cycle, func(m int32) bool { return carried[m] })
	how := func(x int32) string {
		switch {
		case carried != nil && carried[x]:
			if inState {
				return "is placed by the state under"
			}
			return "is placed by an earlier period under"
		case b.Auto[x]:
			return "is auto-placed under its sponsor's leg, at"
		case inState:
			return fmt.Sprintf("is placed by the members file (line %d) under", o.line(x))
		}
		return "is placed under"
	}
	if !inState {
		return describeCycle(o, cycle, o.line, how, o.file, "placement_id", "placement cycle", "a member cannot be placed below itself")
	}
	none := func(int32) int { return 0 }
	return describeCycle(o, cycle, none, how, prior.File, "", "the binary placement it carries makes a placement cycle",
		"a member cannot be placed below itself; the state does not fit these members: run the period from the state the previous period wrote for them")
}

// findCycle returns a cycle of parent (each member followed by its
// parent), or nil.
func findCycle(parent []int32) []int32 {
	n := len(parent)
	// state: 0 unvisited, 1 on the current path, 2 done.
	state := make([]uint8, n)
	var path []int32
	for start := range n {
		if state[start] != 0 {
			continue
		}
		path = path[:0]
		m := int32(start)
		for m >= 0 && state[m] == 0 {
			state[m] = 1
			path = append(path, m)
			m = parent[m]
		}
		if m >= 0 && state[m] == 1 {
			return slices.Clone(path[slices.Index(path, m):])
		}
		for _, p := range path {
			state[p] = 2
		}
	}
	return nil
}

// autoPlace places the members of auto, in turn, at the bottom of their
// sponsor's leg. It stops at a member whose sponsor is in its own subtree
// (placed there by hand or by a prior) and returns the cycle that placing
// it would make, from it up; nil when all are placed.
func (b *Binary) autoPlace(o *Org, auto []int32, side Side, vol []dec.D, carryIn *[2][]dec.D) []int32 {
	if side == PlaceWeaker {
		if spon, ok := b.growsByLeaves(o, auto); ok {
			b.placeLeaves(auto, spon, vol, carryIn)
			return nil
		}
	}
	n := int32(len(b.Parent))
	var sums *pathSums
	if side == PlaceWeaker {
		sums = b.subtreeSums(vol)
	}
	roots := newRootSets(b.Parent)
	// jump[leg][m] is a member on m's outer chain on that leg, at or above
	// its bottom: chains only grow at the bottom, so it stays valid.
	var jump [2][]int32
	for leg := range jump {
		jump[leg] = make([]int32, n)
		for m := range n {
			jump[leg][m] = m
		}
	}
	bottom := func(m int32, leg uint8) int32 {
		j := jump[leg]
		y := m
		for {
			if j[y] != y {
				y = j[y]
			} else if c := b.child[2*y+int32(leg)]; c >= 0 {
				y = c
			} else {
				break
			}
		}
		for x := m; x != y; { // compress
			next := j[x]
			if next == x {
				next = b.child[2*x+int32(leg)]
			}
			j[x] = y
			x = next
		}
		return y
	}
	legVolume := func(s int32, leg uint8) dec.D {
		v := dec.D(0)
		if carryIn != nil && carryIn[leg] != nil {
			v = carryIn[leg][s]
		}
		if c := b.child[2*s+int32(leg)]; c >= 0 {
			v += sums.get(c)
		}
		return v
	}
	for _, m := range auto {
		s := o.placementSponsor(m)
		leg := Left
		switch side {
		case PlaceRight:
			leg = Right
		case PlaceWeaker:
			if legVolume(s, Right) < legVolume(s, Left) {
				leg = Right
			}
		}
		at := bottom(s, leg)
		if roots.find(at) == m { // m's subtree holds its sponsor
			b.Parent[m], b.Leg[m], b.Auto[m] = at, leg, true
			var path []int32
			for x := at; ; x = b.Parent[x] {
				path = append(path, x)
				if x == m {
					break
				}
			}
			return path
		}
		b.Parent[m], b.Leg[m], b.Auto[m] = at, leg, true
		b.child[2*at+int32(leg)] = m
		roots.join(m, at)
		if sums != nil {
			sums.link(m, at, b.child[2*m] < 0 && b.child[2*m+1] < 0)
		}
	}
	return nil
}

// growsByLeaves reports whether placing auto, in turn, only ever adds a
// leaf to a tree that holds the sponsor: no member of auto has anyone
// placed below them, and each one's sponsor is placed before them. If so,
// it also returns each one's sponsor. Otherwise (a member placed by hand
// under one placed automatically, or a sponsor who joined after their
// recruit) whole trees are hung under others.
func (b *Binary) growsByLeaves(o *Org, auto []int32) ([]int32, bool) {
	if len(b.Parent) > etMaxMembers {
		return nil, false
	}
	turn := make([]int32, len(b.Parent)) // 1 + the index in auto; 0: not auto
	for k, m := range auto {
		if b.child[2*m] >= 0 || b.child[2*m+1] >= 0 {
			return nil, false
		}
		turn[m] = int32(k) + 1
	}
	spon := make([]int32, len(auto))
	for k, m := range auto {
		spon[k] = o.placementSponsor(m)
		if turn[spon[k]] > int32(k) {
			return nil, false
		}
	}
	return spon, true
}

// subtreeSums starts the dynamic subtree volumes from the explicit forest.
func (b *Binary) subtreeSums(vol []dec.D) *pathSums {
	n := int32(len(b.Parent))
	sum := make([]dec.D, n)
	copy(sum, vol)
	// Bottom-up over the explicit forest: a breadth-first order from its
	// roots, walked backwards.
	order := make([]int32, 0, n)
	for m := range n {
		if b.Parent[m] < 0 {
			order = append(order, m)
		}
	}
	for k := 0; k < len(order); k++ {
		for leg := range 2 {
			if c := b.child[2*order[k]+int32(leg)]; c >= 0 {
				order = append(order, c)
			}
		}
	}
	for k := len(order) - 1; k >= 0; k-- {
		if m := order[k]; b.Parent[m] >= 0 {
			sum[b.Parent[m]] += sum[m]
		}
	}
	return newPathSums(b.Parent, sum)
}

// preorder orders the placed members depth-first, left before right, from
// the roots in member order, and sizes every subtree.
func (b *Binary) preorder(n int32) {
	b.order = make([]int32, 0, n)
	b.pos = make([]int32, n)
	b.size = make([]int32, n)
	stack := make([]int32, 0, 64)
	for r := range n {
		if b.Parent[r] >= 0 || !b.placed[r] {
			continue
		}
		stack = append(stack[:0], r)
		for len(stack) > 0 {
			m := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			b.pos[m] = int32(len(b.order))
			b.order = append(b.order, m)
			for leg := 1; leg >= 0; leg-- {
				if c := b.child[2*m+int32(leg)]; c >= 0 {
					stack = append(stack, c)
				}
			}
		}
	}
	for k := len(b.order) - 1; k >= 0; k-- {
		m := b.order[k]
		b.size[m]++
		if p := b.Parent[m]; p >= 0 {
			b.size[p] += b.size[m]
		}
	}
}

// rootSets is a union-find whose sets are the trees of a growing forest,
// each named by its root.
type rootSets struct{ up []int32 }

func newRootSets(parent []int32) *rootSets {
	up := slices.Clone(parent)
	for m, p := range up {
		if p < 0 {
			up[m] = int32(m)
		}
	}
	return &rootSets{up}
}

func (s *rootSets) find(m int32) int32 {
	r := m
	for s.up[r] != r {
		r = s.up[r]
	}
	for s.up[m] != r {
		s.up[m], m = r, s.up[m]
	}
	return r
}

// join hangs the tree whose root is child under at.
func (s *rootSets) join(child, at int32) { s.up[child] = s.find(at) }

// pathSums keeps every member's subtree sum in a forest that grows by
// hanging whole trees under members: a link-cut tree with path-add and
// point queries, each O(log n) amortised. Nodes are 1-based inside (0 is
// none), each in one 24-byte record so that a rotation touches few cache
// lines. A node's value is kept as d, its difference from its parent's
// value in its splay tree (a splay root's d is its value): adding to a
// whole splay tree changes one d, and nothing is left to push down, so a
// splay is one bottom-up pass.
type pathSums struct {
	n []lcNode
}

type lcNode struct {
	l, r, p int32
	d       dec.D
}

func newPathSums(parent []int32, sum []dec.D) *pathSums {
	t := &pathSums{n: make([]lcNode, len(parent)+1)}
	for m, par := range parent {
		t.n[m+1].p = par + 1 // every edge starts light: a path-parent pointer
		t.n[m+1].d = sum[m]
	}
	return t
}

// get returns m's subtree sum. Splaying m in its own splay tree (no
// access: a path-add only reaches one splay tree) puts its value in d.
func (t *pathSums) get(m int32) dec.D {
	x := m + 1
	t.splay(x)
	return t.n[x].d
}

// link hangs the tree rooted at child under at, adding its sum to at and
// every member above; leaf says child has nothing below it (its value is
// then its d, with no splay needed).
func (t *pathSums) link(child, at int32, leaf bool) {
	c, a := child+1, at+1
	if !leaf {
		t.splay(c) // c is a root: its splay tree is the top of its tree
	}
	s := t.n[c].d
	t.access(a)
	t.n[a].d += s // a is the splay root of the path from its root to a
	t.n[c].p = a
}

// rotate lifts x above its parent, keeping every value.
func (t *pathSums) rotate(x int32) {
	n := t.n
	p := n[x].p
	g := n[p].p
	if g != 0 {
		if n[g].l == p {
			n[g].l = x
		} else if n[g].r == p {
			n[g].r = x
		} // else p is a splay root and x takes its path-parent pointer
	}
	n[x].p = g
	var c int32
	if n[p].l == x {
		c = n[x].r
		n[p].l = c
		n[x].r = p
	} else {
		c = n[x].l
		n[p].r = c
		n[x].l = p
	}
	dx := n[x].d
	if c != 0 {
		n[c].p = p
		n[c].d += dx
	}
	n[p].p = x
	n[x].d = dx + n[p].d
	n[p].d = -dx
}

// splay makes x the root of its splay tree.
func (t *pathSums) splay(x int32) {
	n := t.n
	for {
		p := n[x].p
		if p == 0 || (n[p].l != x && n[p].r != x) {
			return
		}
		if g := n[p].p; g != 0 && (n[g].l == p || n[g].r == p) {
			if (n[g].l == p) == (n[p].l == x) {
				t.rotate(p)
			} else {
				t.rotate(x)
			}
		}
		t.rotate(x)
	}
}

// access makes the path from x's root to x one splay tree, rooted at x.
func (t *pathSums) access(x int32) {
	n := t.n
	last := int32(0)
	for y := x; y != 0; y = n[y].p {
		t.splay(y)
		// y's right subtree (deeper on its path) leaves the splay tree:
		// its d becomes a value; last joins it, d relative to y.
		dy := n[y].d
		if r := n[y].r; r != 0 {
			n[r].d += dy
		}
		if last != 0 {
			n[last].d -= dy
		}
		n[y].r = last
		last = y
	}
	t.splay(x)
}

// String names a binary position, for messages.
func (b *Binary) String(o *Org, m int32) string {
	if b.Parent[m] < 0 {
		return o.ID(m) + " (root)"
	}
	return fmt.Sprintf("%s (%s of %s)", o.ID(m), LegName(b.Leg[m]), o.ID(b.Parent[m]))
}
