package report

import (
	"bufio"
	"errors"
	"io"
	"strconv"

	"github.com/compplan/compplan/plan"
	"github.com/compplan/compplan/tree"
)

// WritePlacement writes the placement trees r was paid along as CSV, one
// row per placed member in id order: id, then placement_id and leg for a
// binary, matrix_parent_id and matrix_position for a matrix. The columns
// are the members file's own, so a company can keep the placement: it is
// meant to be read back, so --safe-csv never changes it (a ' would change
// the ids).
func WritePlacement(w io.Writer, r *plan.Result) error {
	b, x := r.Binary, r.Matrix
	if b == nil && x == nil {
		return errors.New("the plan has no binary or matrix component: there is no placement to write")
	}
	text := csvField
	bw := bufio.NewWriterSize(w, 1<<16)
	head := "id"
	if b != nil {
		head += ",placement_id,leg"
	}
	if x != nil {
		head += ",matrix_parent_id,matrix_position"
	}
	bw.WriteString(head + "\n")
	var line, tmp []byte
	o := r.Org
	for _, m := range o.ByID() {
		if (b != nil && !b.Placed(m)) || (x != nil && !x.Placed(m)) {
			continue
		}
		line = text(line[:0], o.AppendID(tmp[:0], m))
		if b != nil {
			line = append(line, ',')
			if p := b.Parent[m]; p >= 0 {
				line = text(line, o.AppendID(tmp[:0], p))
				line = append(append(line, ','), tree.LegName(b.Leg[m])...)
			} else {
				line = append(line, ',')
			}
		}
		if x != nil {
			line = append(line, ',')
			if p := x.Parent[m]; p >= 0 {
				line = text(line, o.AppendID(tmp[:0], p))
				line = strconv.AppendInt(append(line, ','), int64(x.Position[m]), 10)
			} else {
				line = append(line, ',')
			}
		}
		line = append(line, '\n')
		if _, err := bw.Write(line); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// WriteCarry writes each member's binary carry-out as CSV (id, left,
// right), in id order, members carrying nothing left out: the --carry-in
// of the next period.
func WriteCarry(w io.Writer, r *plan.Result) error {
	l := r.Legs
	if l == nil {
		return errors.New("the plan has no binary component: there is no carry to write")
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.WriteString("id,left,right\n")
	var line []byte
	for _, m := range r.Org.ByID() {
		if l.CarryOutL[m] == 0 && l.CarryOutR[m] == 0 {
			continue
		}
		line = csvField(line[:0], r.Org.AppendID(nil, m))
		line = l.CarryOutL[m].Append(append(line, ','))
		line = l.CarryOutR[m].Append(append(line, ','))
		if _, err := bw.Write(append(line, '\n')); err != nil {
			return err
		}
	}
	return bw.Flush()
}
