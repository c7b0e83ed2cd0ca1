package plan

import (
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// matrix pays levels exactly as a unilevel does (rates, paid_levels,
// levels_by_rank, compression), but along the forced matrix: level k of a
// sale is the seller's k-th matrix upline.
type matrix struct {
	unilevel     // its levels, along the matrix
	Width    int // the positions under each member
}

func (f matrix) pay(r *run, p *poster) { f.payLevels(r, p, r.matrixLevels()) }

// matrixLevels is the matrix as a levelTree, computed once.
func (r *run) matrixLevels() *levelTree {
	if r.matrixTree == nil {
		x := r.matrix
		t := &levelTree{up: x.Parent, parent: x.Parent, depth: make([]int32, len(x.Parent)), activeUp: make([]int32, len(x.Parent))}
		for m := range t.activeUp {
			t.activeUp[m] = -1
		}
		for _, m := range x.TopDown() {
			if pa := x.Parent[m]; pa >= 0 {
				t.depth[m] = t.depth[pa] + 1
				t.activeUp[m] = t.activeUp[pa]
				if r.eligible[pa] {
					t.activeUp[m] = pa
				}
			}
		}
		r.matrixTree = t
	}
	return r.matrixTree
}

func (matrix) bySale() bool { return true }

func (f matrix) max(c *Component, p *Plan, ch *Check, top int) dec.Rate {
	return f.unilevel.max(c, p, ch, top)
}

func (d *decoder) matrix(n *yaml.Node, c *matrix) error {
	for _, o := range d.p.Components {
		if o.Type == TypeMatrix {
			return d.errf(n, "a plan has at most one matrix component (%s is one already): members hold one matrix position", o.Name)
		}
	}
	// width is the matrix's own key; the rest are a unilevel's.
	if err := d.levelsOf(n, &c.unilevel, "a matrix component", "width"); err != nil {
		return err
	}
	var width *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "width" {
			width = n.Content[i+1]
		}
	}
	if width == nil {
		return d.errf(n, "a matrix needs width: the number of positions under each member, e.g. width: 3")
	}
	w, err := d.count(width, "width")
	if err != nil {
		return err
	}
	if w < 1 || w > MaxWidth {
		return d.errf(width, "width must be from 1 to %d: the number of positions under each member, not %d", MaxWidth, w)
	}
	c.Width = w
	return nil
}

// MaxWidth is the widest matrix a plan may declare.
const MaxWidth = 1000

func (f matrix) describe(p *Plan) string {
	return fmt.Sprintf("%d wide, %s", f.Width, f.unilevel.describe(p))
}

func (f matrix) encode(p *Plan, y *yamlComponent) {
	y.Width = f.Width
	f.unilevel.encode(p, y)
}

// place builds the matrix by spillover.
func (f matrix) place(r *run, _ *[2][]dec.D) error {
	x, err := tree.PlaceMatrix(r.org, f.Width)
	if err != nil {
		return err
	}
	r.matrix = x
	r.matrixLevels() // before components may run in parallel
	return nil
}
