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
	bw := bufio.NewWriterSize(w, 1<<16)
	if len(roots) == 0 {
		for _, m := range o.ByID() {
			if o.Sponsor(m) < 0 {
				roots = append(roots, m)
			}
		}
	}
	byID := o.CompareIDs
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
		b = appendTreeLine(b[:0], o, r, root, "")
		bw.Write(b)
		var todo []item
		push := func(m int32, prefix string, d int) {
			if depth >= 0 && d >= depth {
				return
			}
			kids := slices.Clone(o.Children(m))
			slices.SortFunc(kids, byID)
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
			b = appendTreeLine(b[:0], o, r, it.m, prefix)
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
