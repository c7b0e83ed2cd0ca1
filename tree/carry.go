package tree

import (
	"fmt"
	"io"

	"github.com/compplan/compplan/tree/dec"
)

var carryColumns = []string{"id", "left", "right"}

// ReadCarry reads a binary carry-in CSV (id, left, right: the volume each
// of a member's legs carries in from the previous period) into
// d.CarryIn. A member may appear once; members not listed carry nothing.
func (d *Data) ReadCarry(r io.Reader, name string) error {
	c := newCSVReader(r, name)
	col, err := c.header(carryColumns)
	if err != nil {
		return err
	}
	for k, want := range carryColumns {
		if col[k] < 0 {
			return &InputError{File: name, Line: 1, Msg: fmt.Sprintf("missing required column %q (a carry file has the columns id, left, right, as --carry-out writes them)", want) + c.separatorHint()}
		}
	}
	width := len(c.fields)
	o := d.Org
	carry := &[2][]dec.D{make([]dec.D, o.Len()), make([]dec.D, o.Len())}
	line := make(map[int32]int)
	var total dec.D
	for c.next() {
		if len(c.fields) != width {
			return c.raggedError(width)
		}
		id := c.fields[col[0]]
		m := o.find(id)
		switch {
		case m < 0:
			return c.fieldError(col[0], "id", "carry for unknown member %q: add the member to the members file or remove the row", id)
		case o.Customer(m):
			return c.fieldError(col[0], "id", "carry for customer %q: customers have no binary legs", id)
		case line[m] > 0:
			return c.fieldError(col[0], "id", "member %q appears twice: it is already on line %d", id, line[m])
		}
		line[m] = c.recLine
		for leg, k := range []int{col[1], col[2]} {
			v, err := c.optionalDecimal(k, carryColumns[1+leg], 0)
			if err != nil {
				return err
			}
			var over bool
			if total, over = dec.Add(total, v); over || total > dec.Max/4 {
				return c.fieldError(k, carryColumns[1+leg], "the carried volumes add up to more than %s", dec.Max/4)
			}
			carry[leg][m] = v
		}
	}
	if c.err != nil {
		return c.err
	}
	d.CarryIn, d.CarryInFile = carry, name
	return nil
}
