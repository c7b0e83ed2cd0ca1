package tree

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
)

// Placement columns of the members file: a binary tree position
// (placement_id and leg) and a forced matrix parent (matrix_parent_id).
const (
	// Left and Right are the two legs of a binary position.
	Left  uint8 = 0
	Right uint8 = 1
)

// LegName is "L" or "R".
func LegName(leg uint8) string { return [2]string{"L", "R"}[leg] }

// placementCols collects the placement columns while a members file is
// read; resolve turns the ids into member numbers once every id is known.
type placementCols struct {
	colPlace, colLeg, colMatrix int
	place, matrix               strtab  // the ids as written
	placeCol, legCol, matrixCol []int32 // the columns where they are
	leg                         []uint8 // Left, Right, or 2 when empty
}

func newPlacementCols(col []int) *placementCols {
	if col[mPlacement] < 0 && col[mLeg] < 0 && col[mMatrix] < 0 {
		return nil
	}
	return &placementCols{colPlace: col[mPlacement], colLeg: col[mLeg], colMatrix: col[mMatrix],
		place: newStrtab(), matrix: newStrtab()}
}

const noLeg uint8 = 2

// read takes the current record's placement fields.
func (pc *placementCols) read(c *csvReader) error {
	field := func(k int) ([]byte, int32) {
		if k < 0 {
			return nil, 0
		}
		return c.fields[k], int32(c.cols[k])
	}
	place, pcol := field(pc.colPlace)
	leg, lcol := field(pc.colLeg)
	matrix, mcol := field(pc.colMatrix)
	l := noLeg
	switch string(leg) {
	case "":
	case "L", "l":
		l = Left
	case "R", "r":
		l = Right
	default:
		return c.fieldError(pc.colLeg, "leg", "%q is not a leg: use L or R (or leave it empty to auto-place)", leg)
	}
	switch {
	case len(place) > 0 && l == noLeg:
		return c.fieldError(pc.colPlace, "placement_id", "placement under %q needs a leg: fill in the leg column with L or R", place)
	case len(place) == 0 && l != noLeg:
		return c.fieldError(pc.colLeg, "leg", "a leg without a placement_id: fill in the parent's id, or leave both empty to auto-place")
	}
	if !pc.place.add(place) || !pc.matrix.add(matrix) {
		return c.errorf(c.recLine, 0, "placement ids add up to more than 4 GiB")
	}
	pc.leg = append(pc.leg, l)
	pc.placeCol = append(pc.placeCol, pcol)
	pc.legCol = append(pc.legCol, lcol)
	pc.matrixCol = append(pc.matrixCol, mcol)
	return nil
}

// resolve sets o's explicit placements, checking that every parent exists,
// that no slot is taken twice, that customers are not placed and that the
// explicit placements have no cycle.
func (pc *placementCols) resolve(o *Org, name string, lines []int32) error {
	n := o.Len()
	o.lines = lines
	if pc.colPlace >= 0 {
		parents, err := o.resolveIDs(&pc.place, pc.placeCol, lines, name, "placement_id")
		if err != nil {
			return err
		}
		o.placeParent, o.placeLeg = parents, pc.leg
		// slot[2p+leg] is the first member placed there, +1.
		slot := make(map[int64]int32)
		for m := range n {
			p := parents[m]
			if p < 0 {
				continue
			}
			if o.Customer(int32(m)) {
				return &InputError{File: name, Line: int(lines[m]), Column: int(pc.placeCol[m]), Field: "placement_id",
					Msg: fmt.Sprintf("customer %s has a placement: customers are not placed in the binary tree", o.ID(int32(m)))}
			}
			if o.Customer(p) {
				return underCustomer(o, name, lines[m], pc.placeCol[m], "placement_id", int32(m), p,
					"customers are not in the binary tree; place %s under a distributor, or leave placement_id empty to auto-place it")
			}
			key := int64(p)*2 + int64(pc.leg[m])
			if prev, taken := slot[key]; taken {
				a, b := prev, int32(m)
				return &InputError{File: name, Line: int(lines[b]), Column: int(pc.legCol[b]), Field: "leg",
					Msg: fmt.Sprintf("%s and %s (line %d) are both placed in the %s leg of %s: a position holds one member; move one, or leave its placement empty to auto-place it",
						o.ID(b), o.ID(a), lines[a], LegName(pc.leg[m]), o.ID(p))}
			}
			slot[key] = int32(m)
		}
		if err := placementCycle(o, parents, nil, name, "placement_id"); err != nil {
			return err
		}
	}
	if pc.colMatrix >= 0 {
		parents, err := o.resolveIDs(&pc.matrix, pc.matrixCol, lines, name, "matrix_parent_id")
		if err != nil {
			return err
		}
		for m, p := range parents {
			if p >= 0 && o.Customer(int32(m)) {
				return &InputError{File: name, Line: int(lines[m]), Column: int(pc.matrixCol[m]), Field: "matrix_parent_id",
					Msg: fmt.Sprintf("customer %s has a matrix parent: customers are not placed in the matrix", o.ID(int32(m)))}
			}
			if p >= 0 && o.Customer(p) {
				return underCustomer(o, name, lines[m], pc.matrixCol[m], "matrix_parent_id", int32(m), p,
					"customers are not in the matrix; place %s under a distributor, or leave matrix_parent_id empty to place it by spillover")
			}
		}
		o.matrixParent = parents
		if err := placementCycle(o, parents, nil, name, "matrix_parent_id"); err != nil {
			return err
		}
	}
	return nil
}

// underCustomer is the error for distributor m placed by hand under
// customer p: p is in no placement tree, so m's whole subtree would leave
// every leg and level. advice has a %s for m's id.
func underCustomer(o *Org, name string, line, col int32, column string, m, p int32, advice string) error {
	return &InputError{File: name, Line: int(line), Column: int(col), Field: column,
		Msg: fmt.Sprintf("%s is placed under %s, a customer: "+advice, o.ID(m), o.ID(p), o.ID(m))}
}

// resolveIDs looks up each member's id in keys (empty: -1), refusing
// unknown ids and members that name themselves.
func (o *Org) resolveIDs(keys *strtab, cols, lines []int32, name, column string) ([]int32, error) {
	out := make([]int32, keys.len())
	// The cores look up a share each, and the first error in the file wins.
	workers := runtime.GOMAXPROCS(0)
	errs := make([]error, workers)
	sinks := make([]uint64, workers)
	inShares(workers, len(out), batch, func(w, from, to int) {
		sinks[w], errs[w] = o.resolveRange(keys, cols, lines, name, column, out, from, to)
	})
	for w := range workers {
		o.index.sink += sinks[w]
		if errs[w] != nil {
			return nil, errs[w]
		}
	}
	return out, nil
}

// resolveRange sets out[k] for the keys from to to-1, and returns the
// first error among them.
func (o *Org) resolveRange(keys *strtab, cols, lines []int32, name, column string, out []int32, from, to int) (sink uint64, err error) {
	var batchKeys [batch][]byte
	var found [batch]int32
	for ; from < to; from += batch {
		end := min(from+batch, to)
		for k := from; k < end; k++ {
			batchKeys[k-from] = keys.get(int32(k))
		}
		sink += o.findBatch(batchKeys[:end-from], found[:end-from], nil)
		for k := from; k < end; k++ {
			id, s := batchKeys[k-from], found[k-from]
			switch {
			case len(id) == 0:
				s = -1
			case s < 0 && column == "sponsor_id":
				return sink, &InputError{File: name, Line: int(lines[k]), Column: int(cols[k]), Field: column,
					Msg: fmt.Sprintf("unknown sponsor %q: no member has that id (leave sponsor_id empty for a root)", id)}
			case s < 0:
				return sink, &InputError{File: name, Line: int(lines[k]), Column: int(cols[k]), Field: column,
					Msg: fmt.Sprintf("unknown placement parent %q: no member has that id (leave %s empty to auto-place the member)", id, column)}
			case s == int32(k) && column == "sponsor_id":
				return sink, &InputError{File: name, Line: int(lines[k]), Column: int(cols[k]), Field: column,
					Msg: fmt.Sprintf("member %q sponsors itself: a root's sponsor_id is empty", id)}
			case s == int32(k):
				return sink, &InputError{File: name, Line: int(lines[k]), Column: int(cols[k]), Field: column,
					Msg: fmt.Sprintf("member %q is placed under itself: name another member, or leave %s empty to auto-place it", id, column)}
			}
			out[k] = s
		}
	}
	return sink, nil
}

// placementCycle reports a cycle in parent (a placement tree), naming its
// members from the smallest id. why, when set, says for each member how it
// came to its parent (auto-placed members); column names the file column.
func placementCycle(o *Org, parent []int32, why func(m int32) string, name, column string) error {
	if cycle := findCycle(parent); cycle != nil {
		return cycleError(o, cycle, parent, why, name, column)
	}
	return nil
}

func cycleError(o *Org, cycle, parent []int32, why func(m int32) string, name, column string) error {
	return describeCycle(o, cycle, o.line, why, name, column, "placement cycle", "a member cannot be placed below itself")
}

// describeCycle names a cycle (each member followed by the next up it),
// from its smallest id so the message does not depend on row order: kind
// of %d members: A (line 3) how B (line 4) how A; advice.
func describeCycle(o *Org, cycle []int32, line func(int32) int, how func(int32) string, name, column, kind, advice string) error {
	first := 0
	for k := range cycle {
		if o.CompareIDs(cycle[k], cycle[first]) < 0 {
			first = k
		}
	}
	cycle = append(slices.Clone(cycle[first:]), cycle[:first]...)
	var b strings.Builder
	const show = 12
	for k, c := range cycle {
		if k == show {
			fmt.Fprintf(&b, " … (%d more)", len(cycle)-show)
			break
		}
		h := "is placed under"
		if how != nil {
			h = how(c)
		}
		if l := line(c); l > 0 {
			fmt.Fprintf(&b, "%s (line %d) %s ", o.ID(c), l, h)
		} else {
			fmt.Fprintf(&b, "%s %s ", o.ID(c), h)
		}
	}
	if len(cycle) <= show {
		b.WriteString(o.ID(cycle[0]))
	}
	return &InputError{File: name, Line: line(cycle[0]), Field: column,
		Msg: fmt.Sprintf("%s of %d members: %s; %s", kind, len(cycle), b.String(), advice)}
}

// HasPlacement reports whether the members file has binary placement
// columns (placement_id, leg).
func (o *Org) HasPlacement() bool { return o.placeParent != nil }

// HasMatrixPlacement reports whether it has a matrix_parent_id column.
func (o *Org) HasMatrixPlacement() bool { return o.matrixParent != nil }

// line is member m's line in the members file (0 when not kept).
func (o *Org) line(m int32) int {
	if o.lines == nil {
		return 0
	}
	return int(o.lines[m])
}
