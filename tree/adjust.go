package tree

import (
	"cmp"
	"fmt"
	"io"
	"slices"

	"github.com/compplan/compplan/tree/dec"
)

// Adjustment is a one-off correction to a member's pay.
type Adjustment struct {
	Member int32
	Amount dec.D // may be negative
	Reason string
	Line   int32 // where it is in its file, for errors
	Column int32 // the amount's column
}

var adjustmentColumns = []string{"member_id", "amount", "reason"}

// ReadAdjustments reads an adjustments CSV (member_id, amount, reason; the
// amount may be negative) for d's members. They are kept sorted by member
// id, amount and reason, so that their order in the file does not matter.
func (d *Data) ReadAdjustments(r io.Reader, name string) error {
	c := newCSVReader(r, name)
	col, err := c.header(adjustmentColumns)
	if err != nil {
		return err
	}
	for _, req := range []int{0, 1} {
		if col[req] < 0 {
			return &InputError{File: name, Line: 1, Msg: fmt.Sprintf("missing required column %q (an adjustments file needs member_id, amount and reason)", adjustmentColumns[req]) + c.separatorHint()}
		}
	}
	width := len(c.fields)
	o := d.Org
	for c.next() {
		if len(c.fields) != width {
			return c.raggedError(width)
		}
		id := c.fields[col[0]]
		m := o.find(id)
		if m < 0 {
			return c.fieldError(col[0], "member_id", "adjustment for unknown member %q: add the member to the members file or remove the adjustment", id)
		}
		a, err := dec.Parse(c.fields[col[1]])
		if err != nil {
			return c.fieldError(col[1], "amount", "%q is not an amount: %v", c.fields[col[1]], err)
		}
		reason := ""
		if col[2] >= 0 {
			reason = string(c.fields[col[2]])
		}
		d.Adjustments = append(d.Adjustments, Adjustment{Member: m, Amount: a, Reason: reason, Line: int32(c.recLine), Column: int32(c.cols[col[1]])})
	}
	if c.err != nil {
		return c.err
	}
	d.AdjustmentsFile = name
	slices.SortStableFunc(d.Adjustments, func(a, b Adjustment) int {
		if c := o.CompareIDs(a.Member, b.Member); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Amount, b.Amount); c != 0 {
			return c
		}
		return cmp.Compare(a.Reason, b.Reason)
	})
	return nil
}
