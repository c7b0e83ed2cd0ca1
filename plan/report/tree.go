package report

import (
	"bufio"
	"fmt"
	"io"
	"slices"

	"github.com/compplan/compplan/plan"
	"github.com/compplan/compplan/tree"
)

// maxDrawnDepth is how deep the tree is drawn with branches; deeper members
// are labelled with their depth so a very deep line stays linear in size.
const maxDrawnDepth = 64

// WriteTree writes the sponsor tree below roots (every root when empty),
// indented, children in id order, at most depth levels below each root
// (depth < 0: all). With a result, each line shows rank, PV, GV and total.
func WriteTree(w io.Writer, o *tree.Org, r *plan.Result, roots []int32, depth int) error {
	byID := o.CompareIDs
	kids := func(m int32) []int32 {
		k := slices.Clone(o.Children(m))
		slices.SortFunc(k, byID)
		return k
	}
	return writeTree(w, o, r, roots, depth, o.Sponsor, kids, nil)
}

// WritePlacementTree writes the binary (kind "binary") or matrix placement
// tree r was paid along, as WriteTree does: each member's children in leg
// or position order, labelled with it; binary lines show the legs.
func WritePlacementTree(w io.Writer, r *plan.Result, kind string, roots []int32, depth int) error {
	o := r.Org
	switch {
	case kind == "binary" && r.Binary != nil:
		b := r.Binary
		kids := func(m int32) []int32 {
			var k []int32
			for leg := tree.Left; leg <= tree.Right; leg++ {
				if c := b.Child(m, leg); c >= 0 {
					k = append(k, c)
				}
			}
			return k
		}
		label := func(m int32) string {
			if b.Parent[m] < 0 {
				return ""
			}
			return tree.LegName(b.Leg[m]) + " "
		}
		parent := func(m int32) int32 {
			if !b.Placed(m) {
				return 0 // not a root: customers are not drawn
			}
			return b.Parent[m]
		}
		return writeTree(w, o, r, roots, depth, parent, kids, label)
	case kind == "matrix" && r.Matrix != nil:
		x := r.Matrix
		label := func(m int32) string {
			if x.Parent[m] < 0 {
				return ""
			}
			return fmt.Sprintf("%d ", x.Position[m])
		}
		parent := func(m int32) int32 {
			if !x.Placed(m) {
				return 0
			}
			return x.Parent[m]
		}
		return writeTree(w, o, r, roots, depth, parent, x.Children, label)
	}
	return fmt.Errorf("the plan has no %s component: there is no %s placement to draw", kind, kind)
}

// writeTree draws the tree given by parent (roots: members whose parent is
// negative) and kids (in drawing order); label, when set, comes before each
// member's id.
func writeTree(w io.Writer, o *tree.Org, r *plan.Result, roots []int32, depth int, parent func(int32) int32, children func(int32) []int32, label func(int32) string) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	if len(roots) == 0 {
		for _, m := range o.ByID() {
			if parent(m) < 0 {
				roots = append(roots, m)
			}
		}
	}
	line := func(b []byte, m int32, prefix string) []byte {
		if label != nil {
			prefix += label(m)
		}
		return appendTreeLine(b, o, r, m, prefix)
	}
	// Depth first without recursion: a member's children are pushed in
	// reverse id order so they come off the stack in id order.
	type item struct {
		m      int32
		prefix string // what is drawn before the branch
		last   bool   // the last of its siblings
		depth  int
	}
	var b []byte
	for _, root := range roots {
		b = line(b[:0], root, "")
		bw.Write(b)
		var todo []item
		push := func(m int32, prefix string, d int) {
			if depth >= 0 && d >= depth {
				return
			}
			kids := children(m)
			for i := len(kids) - 1; i >= 0; i-- {
				todo = append(todo, item{m: kids[i], prefix: prefix, last: i == len(kids)-1, depth: d + 1})
			}
		}
		push(root, "", 0)
		for len(todo) > 0 {
			it := todo[len(todo)-1]
			todo = todo[:len(todo)-1]
			branch, more := "├── ", "│   "
			if it.last {
				branch, more = "└── ", "    "
			}
			prefix := it.prefix + branch
			if it.depth > maxDrawnDepth {
				prefix = fmt.Sprintf("%s[depth %d] ", it.prefix, it.depth)
			}
			b = line(b[:0], it.m, prefix)
			if _, err := bw.Write(b); err != nil {
				return err
			}
			if it.depth < maxDrawnDepth {
				it.prefix += more
			}
			push(it.m, it.prefix, it.depth)
		}
	}
	return bw.Flush()
}

func appendTreeLine(b []byte, o *tree.Org, r *plan.Result, m int32, prefix string) []byte {
	b = append(b, prefix...)
	b = append(b, printable(o.ID(m))...)
	if name := o.Name(m); name != "" {
		b = append(b, "  "...)
		b = append(b, printable(name)...)
	}
	if r != nil {
		b = append(b, "  ["...)
		if rank := r.RankName(m); rank != "" {
			b = append(b, rank...)
			b = append(b, ", "...)
		}
		b = append(b, "pv "...)
		b = r.PV[m].Append(b)
		b = append(b, ", gv "...)
		b = r.GV[m].Append(b)
		b = append(b, ", total "...)
		b = r.Total(m).AppendFixed(b, r.Plan.Digits)
		if r.Legs != nil && r.Binary.Placed(m) {
			b = append(b, ", legs "...)
			b = r.Legs.Left[m].Append(b)
			b = append(b, '/')
			b = r.Legs.Right[m].Append(b)
		}
		switch {
		case o.Customer(m):
			b = append(b, ", customer"...)
		case r.Terminated != nil && r.Terminated[m]:
			b = append(b, ", terminated"...)
		case !r.Active[m]:
			b = append(b, ", inactive"...)
		}
		b = append(b, ']')
	}
	return append(b, '\n')
}
