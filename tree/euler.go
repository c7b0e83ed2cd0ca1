package tree

import "github.com/compplan/compplan/tree/dec"

// eulerSums keeps the subtree sums of a forest that grows only by new
// leaves, as weaker-leg auto-placement grows a binary tree when no member
// it places has anyone below it yet.
//
// The forest is kept as one sequence of tokens in depth-first order: each
// member opens (token 2m, holding m's value) before its subtree and closes
// (token 2m+1, holding 0) after it, so a subtree's sum is the sum of the
// tokens from its open to its close. The sequence is a B-tree whose nodes
// hold their children's sums: a range sum reads a few nodes of up to etFan
// entries each, next to one another in memory, where a link-cut tree
// splays through dozens of nodes scattered over the heap.
type eulerSums struct {
	nodes []etNode
	root  int32
	// loc is where each token is: its leaf << etShift | an index in the
	// leaf at or before the token's. Tokens only move on in a leaf (an
	// insertion before them), so a lookup starts there and rarely goes
	// far; a split sets the moved tokens' loc exactly.
	loc []uint32
}

// etFan is a B-tree node's number of entries. With 64, a million members
// (two million tokens) are four levels deep.
const (
	etShift = 6
	etFan   = 1 << etShift
	// etMaxMembers bounds the forests eulerSums takes: their tokens fit
	// an int32 and their leaves (each at least half full) a loc.
	etMaxMembers = 1 << 29
)

type etNode struct {
	n      int32
	parent int32 // -1: the root
	pidx   int32 // the index of this node in its parent
	leaf   bool
	id     [etFan]int32 // a leaf's tokens, or an inner node's children
	sum    [etFan]dec.D // each token's value, or each child's sum
}

// newEulerSums builds the sequence of the forest given by child
// (child[2m+leg], -1 for none) below roots; vol is each member's value.
func newEulerSums(child []int32, roots []int32, vol []dec.D) *eulerSums {
	t := &eulerSums{loc: make([]uint32, len(child))}
	// Every node is at least half full (built ones three quarters): room
	// for all the tokens there can be, so that nodes are never copied.
	leaves := len(child)/(etFan/2) + 1
	t.nodes = make([]etNode, 0, leaves+leaves/(etFan/2-1)+8)
	const fill = etFan * 3 / 4 // room for the leaves to come
	leaf := t.newNode(true)
	put := func(tok int32, v dec.D) {
		if t.nodes[leaf].n == fill {
			leaf = t.newNode(true)
		}
		nd := &t.nodes[leaf]
		nd.id[nd.n], nd.sum[nd.n] = tok, v
		t.loc[tok] = uint32(leaf)<<etShift | uint32(nd.n)
		nd.n++
	}
	type frame struct {
		m    int32
		next uint8 // 0, 1: the leg to visit next; 2: close
	}
	var stack []frame
	for _, r := range roots {
		put(2*r, vol[r])
		stack = append(stack[:0], frame{m: r})
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			if f.next == 2 {
				put(2*f.m+1, 0)
				stack = stack[:len(stack)-1]
				continue
			}
			c := child[2*f.m+int32(f.next)]
			f.next++
			if c >= 0 {
				put(2*c, vol[c])
				stack = append(stack, frame{m: c})
			}
		}
	}
	// Inner levels over the leaves, until one node holds them all.
	level := make([]int32, len(t.nodes))
	for i := range level {
		level[i] = int32(i)
	}
	for len(level) > 1 {
		var up []int32
		for k, x := range level {
			if k%fill == 0 {
				up = append(up, t.newNode(false))
			}
			p := up[len(up)-1]
			nd := &t.nodes[p]
			nd.id[nd.n], nd.sum[nd.n] = x, t.nodes[x].total()
			t.nodes[x].parent, t.nodes[x].pidx = p, nd.n
			nd.n++
		}
		level = up
	}
	t.root = level[0]
	return t
}

func (t *eulerSums) newNode(leaf bool) int32 {
	t.nodes = append(t.nodes, etNode{parent: -1, leaf: leaf})
	return int32(len(t.nodes) - 1)
}

func (nd *etNode) total() dec.D { return sumOf(nd.sum[:nd.n]) }

func sumOf(s []dec.D) dec.D {
	v := dec.D(0)
	for _, x := range s {
		v += x
	}
	return v
}

// find returns the leaf that holds tok and tok's index in it.
func (t *eulerSums) find(tok int32) (int32, int) {
	l := t.loc[tok]
	x, i := int32(l>>etShift), int(l&(etFan-1))
	id := &t.nodes[x].id
	for id[i] != tok {
		i++
	}
	return x, i
}

// subtree returns the sum of m's subtree: of the tokens from m's open to
// its close.
func (t *eulerSums) subtree(m int32) dec.D {
	x, i := t.find(2 * m)
	y, j := t.find(2*m + 1)
	s := dec.D(0)
	for x != y { // leaves are all at one depth: x and y meet at their lowest common node
		s += sumOf(t.nodes[x].sum[i:t.nodes[x].n]) + sumOf(t.nodes[y].sum[:j])
		i, j = int(t.nodes[x].pidx)+1, int(t.nodes[y].pidx)
		x, y = t.nodes[x].parent, t.nodes[y].parent
	}
	return s + sumOf(t.nodes[x].sum[i:j])
}

// addLeaf adds m, with value v, as at's child on leg: its two tokens go
// just after at's open (the left leg) or just before at's close (the right
// leg), where at has no child on that leg.
func (t *eulerSums) addLeaf(m, at int32, leg uint8, v dec.D) {
	x, i := t.find(2*at + int32(leg))
	if leg == Left {
		i++
	}
	if t.nodes[x].n > etFan-2 {
		r := t.split(x)
		if h := int(t.nodes[x].n); i > h {
			x, i = r, i-h
		}
	}
	nd := &t.nodes[x]
	copy(nd.id[i+2:nd.n+2], nd.id[i:nd.n])
	copy(nd.sum[i+2:nd.n+2], nd.sum[i:nd.n])
	nd.id[i], nd.sum[i] = 2*m, v
	nd.id[i+1], nd.sum[i+1] = 2*m+1, 0
	nd.n += 2
	t.loc[2*m] = uint32(x)<<etShift | uint32(i)
	t.loc[2*m+1] = uint32(x)<<etShift | uint32(i+1)
	for ; t.nodes[x].parent >= 0; x = t.nodes[x].parent {
		t.nodes[t.nodes[x].parent].sum[t.nodes[x].pidx] += v
	}
}

// put inserts child id with sum v at index i of inner node x, which has
// room.
func (t *eulerSums) put(x int32, i int, id int32, v dec.D) {
	nd := &t.nodes[x]
	copy(nd.id[i+1:nd.n+1], nd.id[i:nd.n])
	copy(nd.sum[i+1:nd.n+1], nd.sum[i:nd.n])
	nd.id[i], nd.sum[i] = id, v
	nd.n++
	for k := i; k < int(nd.n); k++ { // the children after i moved on
		t.nodes[nd.id[k]].parent, t.nodes[nd.id[k]].pidx = x, int32(k)
	}
}

// split moves the upper half of full node x into a new node just after it,
// splitting its parent first if that is full too, and returns the new node.
func (t *eulerSums) split(x int32) int32 {
	if p := t.nodes[x].parent; p >= 0 && t.nodes[p].n == etFan {
		t.split(p) // x's parent may now be the new node
	}
	r := t.newNode(t.nodes[x].leaf)
	nx, nr := &t.nodes[x], &t.nodes[r]
	h := nx.n / 2
	nr.n = int32(copy(nr.id[:], nx.id[h:nx.n]))
	copy(nr.sum[:], nx.sum[h:nx.n])
	nx.n = h
	for k, y := range nr.id[:nr.n] {
		if nr.leaf {
			t.loc[y] = uint32(r)<<etShift | uint32(k)
		} else {
			t.nodes[y].parent, t.nodes[y].pidx = r, int32(k)
		}
	}
	moved := nr.total()
	p := nx.parent
	if p < 0 { // a new root above x (the append moves the nodes)
		p = t.newNode(false)
		nx = &t.nodes[x]
		np := &t.nodes[p]
		np.id[0], np.sum[0], np.n = x, nx.total(), 1
		nx.parent, nx.pidx, t.root = p, 0, p
	}
	j := int(t.nodes[x].pidx)
	t.nodes[p].sum[j] -= moved
	t.put(p, j+1, r, moved)
	return r
}

// placeLeaves is autoPlace on the weaker side when every member of auto is
// placed as a leaf (see growsByLeaves); spon[k] is auto[k]'s sponsor.
//
// Placing a million members at random spots of a tree of a million spends
// its time on cache misses, not on arithmetic. So a member's placement
// records share a cache line (slot), the subtree volumes are an Euler tour
// in a B-tree (eulerSums), and members are taken a batch at a time: the
// records the batch will read are first touched in passes whose loads do
// not wait on one another (warm), so that their misses overlap.
func (b *Binary) placeLeaves(auto, spon []int32, vol []dec.D, carryIn *[2][]dec.D) {
	slots := b.slots()
	isAuto := make([]bool, len(b.Parent))
	for _, m := range auto {
		isAuto[m] = true
	}
	var roots []int32
	for m, p := range b.Parent {
		if p < 0 && b.placed[m] && !isAuto[m] {
			roots = append(roots, int32(m))
		}
	}
	sums := newEulerSums(b.child, roots, vol)
	var carry [2][]dec.D
	if carryIn != nil {
		carry = *carryIn
	}
	legVolume := func(s int32, leg uint8) dec.D {
		v := dec.D(0)
		if carry[leg] != nil {
			v = carry[leg][s]
		}
		if c := slots[s].child[leg]; c >= 0 {
			v += sums.subtree(c)
		}
		return v
	}
	const batch = 32
	var sink int32
	for k0 := 0; k0 < len(auto); k0 += batch {
		k1 := min(k0+batch, len(auto))
		sink += warm(slots, sums, spon[k0:k1])
		for k := k0; k < k1; k++ {
			m, s := auto[k], spon[k]
			leg := Left
			if legVolume(s, Right) < legVolume(s, Left) {
				leg = Right
			}
			h := slots[s].head[leg]
			at := slots[h].bot[leg] // the bottom of the outer chain s is on
			slots[at].child[leg] = m
			slots[h].bot[leg] = m
			slots[m].head[leg] = h
			b.Parent[m], b.Leg[m], b.Auto[m] = at, leg, true
			sums.addLeaf(m, at, leg, vol[m])
		}
	}
	for m := range slots {
		b.child[2*m], b.child[2*m+1] = slots[m].child[0], slots[m].child[1]
	}
	b.sink = sink
	// The sequence is the preorder (the roots in member order, left before
	// right): read it off instead of walking the tree.
	n := int32(len(b.Parent))
	b.order, b.pos, b.size = make([]int32, 0, n), make([]int32, n), make([]int32, n)
	sums.each(func(tok int32) {
		m := tok / 2
		if tok%2 == 0 {
			b.pos[m] = int32(len(b.order))
			b.order = append(b.order, m)
		} else {
			b.size[m] = int32(len(b.order)) - b.pos[m]
		}
	})
}

// each calls f with every token, in order.
func (t *eulerSums) each(f func(tok int32)) {
	var walk func(x int32)
	walk = func(x int32) {
		nd := &t.nodes[x]
		for _, y := range nd.id[:nd.n] {
			if nd.leaf {
				f(y)
			} else {
				walk(y)
			}
		}
	}
	walk(t.root)
}

// slot is a member's placement records, in one place: their children, and
// for each leg the top (head) of the outer chain they are on, and if they
// are that top, its bottom (bot).
type slot struct {
	child, head, bot [2]int32
}

// slots returns every member's slot in the forest placed so far.
func (b *Binary) slots() []slot {
	slots := make([]slot, len(b.Parent))
	for m := range slots {
		s := &slots[m]
		s.child = [2]int32{b.child[2*m], b.child[2*m+1]}
		s.head = [2]int32{int32(m), int32(m)}
		s.bot = s.head
	}
	for m := range slots {
		for leg := range 2 {
			if p := b.Parent[m]; p >= 0 && int(b.Leg[m]) == leg {
				continue // not the top of its chain on leg
			}
			y := int32(m)
			for c := slots[y].child[leg]; c >= 0; c = slots[y].child[leg] {
				y = c
				slots[y].head[leg] = int32(m)
			}
			slots[m].bot[leg] = y
		}
	}
	return slots
}

// warm touches what placing the members sponsored by spon will read, in
// passes whose loads do not depend on one another, and returns a value
// made of them (for the caller to keep, so that the loads stay).
func warm(slots []slot, sums *eulerSums, spon []int32) int32 {
	var x int32
	at := func(tok int32) *int32 { // the entry a lookup of tok starts at
		l := sums.loc[tok]
		return &sums.nodes[l>>etShift].id[l&(etFan-1)]
	}
	for _, s := range spon {
		x += slots[s].child[0] + slots[s].head[0]
	}
	for _, s := range spon {
		sl := &slots[s]
		for leg := range 2 {
			if c := sl.child[leg]; c >= 0 {
				x += int32(sums.loc[2*c] + sums.loc[2*c+1])
			}
			x += slots[sl.head[leg]].bot[leg]
		}
	}
	for _, s := range spon {
		sl := &slots[s]
		for leg := range 2 {
			if c := sl.child[leg]; c >= 0 {
				x += *at(2 * c) + *at(2*c + 1)
			}
			b := slots[sl.head[leg]].bot[leg]
			x += int32(sums.loc[2*b] + sums.loc[2*b+1])
		}
	}
	for _, s := range spon {
		sl := &slots[s]
		for leg := range 2 {
			b := slots[sl.head[leg]].bot[leg]
			x += *at(2 * b) + *at(2*b + 1)
		}
	}
	return x
}
