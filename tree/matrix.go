package tree

import (
	"fmt"
	"slices"
	"strings"
)

// Matrix is a forced matrix: a placement tree over an organisation's
// distributors in which every member has at most Width positions under them.
type Matrix struct {
	Width int
	// Parent is each member's matrix parent (-1: a root, or a customer);
	// Position their 1-based position under it, left to right.
	Parent   []int32
	Position []int32
	// Auto marks members placed by spillover.
	Auto     []bool
	children [][]int32
	order    []int32
	placed   []bool
}

// Children returns m's children in position order. Do not modify.
func (x *Matrix) Children(m int32) []int32 { return x.children[m] }

// TopDown returns the placed members breadth-first, each after their
// parent. Do not modify.
func (x *Matrix) TopDown() []int32 { return x.order }

// Placed reports whether m is in the matrix (customers are not).
func (x *Matrix) Placed(m int32) bool { return x.placed[m] }

// PlaceMatrix builds the forced matrix of the given width: the members
// file's matrix_parent_id placements first (each parent's explicit members
// in the first positions, in order of joined, then id), then every other
// distributor with a distributor sponsor placed by spillover, in order of
// (joined, id): under their sponsor (the nearest distributor upline),
// breadth-first and left to right, in the first free position at any depth.
// Distributors without a sponsor are roots.
func PlaceMatrix(o *Org, width int) (*Matrix, error) {
	n := int32(o.Len())
	x := &Matrix{Width: width, Parent: make([]int32, n), Position: make([]int32, n), Auto: make([]bool, n),
		children: make([][]int32, n), placed: make([]bool, n)}
	for m := range n {
		x.Parent[m] = -1
		x.placed[m] = !o.Customer(m)
	}
	if o.matrixParent != nil {
		explicit := make([]int32, 0)
		for m := range n {
			if o.matrixParent[m] >= 0 {
				explicit = append(explicit, m)
			}
		}
		o.sortByJoined(explicit)
		for _, m := range explicit {
			p := o.matrixParent[m]
			x.Parent[m] = p
			x.children[p] = append(x.children[p], m)
			x.Position[m] = int32(len(x.children[p]))
		}
		for _, m := range explicit {
			if p := x.Parent[m]; len(x.children[p]) > width {
				return nil, x.widthError(o, p)
			}
		}
	}
	auto := o.autoPlaced(x.Parent)
	roots := newRootSets(x.Parent)
	// cursor[s] is sponsor s's levelCursor in cursors, +1 (0: none yet).
	cursor := make([]int32, n)
	var cursors []levelCursor
	kids := kidSlab{w: min(width, 8)}
	for _, m := range auto {
		s := o.placementSponsor(m)
		if cursor[s] == 0 {
			cursors = append(cursors, levelCursor{top: s})
			cursor[s] = int32(len(cursors))
		}
		at := cursors[cursor[s]-1].firstFree(x)
		x.Parent[m], x.Auto[m] = at, true
		if roots.find(at) == m {
			var path []int32
			for y := at; ; y = x.Parent[y] {
				path = append(path, y)
				if y == m {
					break
				}
			}
			return nil, cycleError(o, path, x.Parent, func(y int32) string {
				if x.Auto[y] {
					return "spills over under its sponsor, to"
				}
				return "is placed under"
			}, o.file, "matrix_parent_id")
		}
		x.children[at] = kids.add(x.children[at], m)
		x.Position[m] = int32(len(x.children[at]))
		roots.join(m, at)
	}
	x.order = make([]int32, 0, n)
	for m := range n {
		if x.Parent[m] < 0 && x.placed[m] {
			x.order = append(x.order, m)
		}
	}
	for k := 0; k < len(x.order); k++ {
		x.order = append(x.order, x.children[x.order[k]]...)
	}
	return x, nil
}

// kidSlab hands out children slices from shared blocks: w slots each
// (more only by append's own growth), instead of an allocation per parent.
type kidSlab struct {
	w     int
	block []int32
}

// add appends m to kids, a member's children.
func (k *kidSlab) add(kids []int32, m int32) []int32 {
	if cap(kids) == 0 {
		if len(k.block) < k.w {
			k.block = make([]int32, k.w*4096)
		}
		kids, k.block = k.block[:0:k.w], k.block[k.w:]
	}
	return append(kids, m)
}

// levelCursor finds a sponsor's first free position: level is the first
// level of the sponsor's subtree (relative to them) with a free position
// (nil: the sponsor alone, top), and every member before level[i] is
// full. Positions only fill, so it only moves forward.
type levelCursor struct {
	top   int32
	i     int32
	level []int32
}

func (c *levelCursor) firstFree(x *Matrix) int32 {
	if c.level == nil {
		if len(x.children[c.top]) < x.Width {
			return c.top
		}
		// top is full, so its children never change: share them.
		c.level, c.i = x.children[c.top], 0
	}
	for {
		for int(c.i) < len(c.level) && len(x.children[c.level[c.i]]) >= x.Width {
			c.i++
		}
		if int(c.i) < len(c.level) {
			return c.level[c.i]
		}
		next := make([]int32, 0, len(c.level)*x.Width) // every one is full
		for _, m := range c.level {
			next = append(next, x.children[m]...)
		}
		c.level, c.i = next, 0
	}
}

// sortByJoined sorts members by joined date, then id.
func (o *Org) sortByJoined(ms []int32) {
	slices.SortFunc(ms, func(a, b int32) int {
		if ja, jb := o.joined[a], o.joined[b]; ja != jb {
			if ja < jb {
				return -1
			}
			return 1
		}
		return o.CompareIDs(a, b)
	})
}

func (x *Matrix) widthError(o *Org, p int32) error {
	kids := x.children[p]
	var b strings.Builder
	for k, c := range kids {
		if k > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s (line %d)", o.ID(c), o.line(c))
	}
	extra := kids[x.Width]
	return &InputError{File: o.file, Line: o.line(extra), Field: "matrix_parent_id",
		Msg: fmt.Sprintf("%d members are placed under %s, more than the matrix width %d: %s; move one, or leave its matrix_parent_id empty to place it by spillover",
			len(kids), o.ID(p), x.Width, b.String())}
}
