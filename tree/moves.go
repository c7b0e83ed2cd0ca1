package tree

import (
	"cmp"
	"fmt"
	"io"
	"slices"
)

// A move hangs a member, with their whole downline, under a new sponsor
// (and, optionally, in a new binary slot or under a new matrix parent) from
// a day on (--moves).
type move struct {
	day     int32
	member  int32
	sponsor int32 // -1: a root
	// place is the new binary parent (-1: none; keep: unchanged), leg its
	// leg; matrix the new matrix parent (keep: unchanged).
	place, matrix int32
	leg           uint8
	line          int32
}

// keep marks a placement a move leaves as it was.
const keep int32 = -2

var moveColumns = []string{"member_id", "sponsor_id", "date", "placement_id", "leg", "matrix_parent_id"}

// ReadMoves reads a moves CSV: member_id, sponsor_id (empty: the member
// becomes a root) and date, and optionally placement_id and leg (a new
// binary slot; left out or empty: the member keeps theirs) and
// matrix_parent_id. From that date the member, with their whole
// downline, hangs under the new sponsor. A moves file changes d.Org to
// the tree after every move; Org.AsOf gives the tree of a day. Moves that
// name unknown members, move one member twice on one date, or make a
// sponsor or placement cycle or put two members in one binary slot as of
// their date are errors naming the row.
func (d *Data) ReadMoves(r io.Reader, name string) error {
	c := newCSVReader(r, name)
	col, err := c.header(moveColumns)
	if err != nil {
		return err
	}
	for i := range 3 {
		if col[i] < 0 {
			return &InputError{File: name, Line: 1, Msg: fmt.Sprintf("missing required column %q (a moves file has member_id, sponsor_id and date)", moveColumns[i]) + c.separatorHint()}
		}
	}
	o := d.Org
	if o.moves != nil {
		return &InputError{File: name, Msg: "moves were read already: give one moves file"}
	}
	width := len(c.fields)
	var moves []move
	type at struct{ line, col int }
	where := map[int32]at{} // a move's line → the member_id column, for errors found later
	member := func(k int, what string, empty bool) (int32, error) {
		id := c.fields[k]
		if len(id) == 0 {
			if empty {
				return -1, nil
			}
			return 0, c.fieldError(k, what, "empty %s", what)
		}
		m := o.find(id)
		if m < 0 {
			return 0, c.fieldError(k, what, "unknown member %q: a move names members of the members file", id)
		}
		return m, nil
	}
	for c.next() {
		if len(c.fields) != width {
			return c.raggedError(width)
		}
		mv := move{place: keep, matrix: keep, line: int32(c.recLine)}
		if mv.member, err = member(col[0], "member_id", false); err != nil {
			return err
		}
		if mv.sponsor, err = member(col[1], "sponsor_id", true); err != nil {
			return err
		}
		if mv.sponsor == mv.member {
			return c.fieldError(col[1], "sponsor_id", "%s moved under themselves", o.ID(mv.member))
		}
		if mv.day, err = c.date(col[2], "date"); err != nil {
			return err
		}
		if mv.day == NoDate {
			return c.fieldError(col[2], "date", "a move needs the date it takes effect")
		}
		if k, l := col[3], col[4]; k >= 0 && len(c.fields[k]) > 0 || l >= 0 && len(c.fields[l]) > 0 {
			if k < 0 || l < 0 || len(c.fields[k]) == 0 || len(c.fields[l]) == 0 {
				return c.fieldError(max(k, l), "placement_id", "a new binary slot needs both placement_id and leg")
			}
			if o.placeParent == nil {
				return c.fieldError(k, "placement_id", "a binary placement moves, and the members file places nobody (placement_id and leg)")
			}
			if mv.place, err = member(k, "placement_id", false); err != nil {
				return err
			}
			switch string(c.fields[l]) {
			case "L", "l":
				mv.leg = Left
			case "R", "r":
				mv.leg = Right
			default:
				return c.fieldError(l, "leg", "%q is not a leg: use L or R", c.fields[l])
			}
		}
		if k := col[5]; k >= 0 && len(c.fields[k]) > 0 {
			if o.matrixParent == nil {
				return c.fieldError(k, "matrix_parent_id", "a matrix placement moves, and the members file places nobody in a matrix (matrix_parent_id)")
			}
			if mv.matrix, err = member(k, "matrix_parent_id", false); err != nil {
				return err
			}
		}
		if o.Customer(mv.member) && (mv.place != keep || mv.matrix != keep) {
			return c.fieldError(col[0], "member_id", "customer %s gets a placement: customers are not placed", o.ID(mv.member))
		}
		where[mv.line] = at{c.recLine, c.cols[col[0]]}
		moves = append(moves, mv)
	}
	if c.err != nil {
		return c.err
	}
	if len(moves) == 0 {
		return nil
	}
	slices.SortStableFunc(moves, func(a, b move) int { return cmp.Compare(a.day, b.day) })
	bad := func(mv move, format string, args ...any) error {
		w := where[mv.line]
		return &InputError{File: name, Line: w.line, Column: w.col, Field: "member_id", Msg: fmt.Sprintf(format, args...)}
	}
	// Apply them day by day, checking the tree of each day.
	sponsor := slices.Clone(o.sponsor)
	place, matrix := slices.Clone(o.placeParent), slices.Clone(o.matrixParent)
	leg := slices.Clone(o.placeLeg)
	for i := 0; i < len(moves); {
		j := i
		seen := map[int32]move{}
		for ; j < len(moves) && moves[j].day == moves[i].day; j++ {
			mv := moves[j]
			if prev, twice := seen[mv.member]; twice {
				return bad(mv, "%s moves twice on %s (also line %d): one move a member a day", o.ID(mv.member), FormatDate(mv.day), where[prev.line].line)
			}
			seen[mv.member] = mv
			sponsor[mv.member] = mv.sponsor
			if mv.place != keep {
				place[mv.member], leg[mv.member] = mv.place, mv.leg
			}
			if mv.matrix != keep {
				matrix[mv.member] = mv.matrix
			}
		}
		for _, mv := range moves[i:j] {
			for _, p := range []struct {
				parent []int32
				what   string
			}{{sponsor, "sponsor"}, {place, "binary placement"}, {matrix, "matrix placement"}} {
				if p.parent != nil && onCycle(p.parent, mv.member) {
					return bad(mv, "moving %s on %s makes a %s cycle: %s is in %s's own downline then", o.ID(mv.member), FormatDate(mv.day), p.what, o.ID(p.parent[mv.member]), o.ID(mv.member))
				}
			}
			if mv.place >= 0 {
				for other, p := range place {
					if p == mv.place && leg[other] == mv.leg && int32(other) != mv.member {
						return bad(mv, "moving %s on %s into the %s leg of %s, which %s holds then", o.ID(mv.member), FormatDate(mv.day), LegName(mv.leg), o.ID(mv.place), o.ID(int32(other)))
					}
				}
			}
		}
		i = j
	}
	moved := o.movedTo(moves, MaxDate, true)
	moved.base, moved.moves = o, moves
	d.Org = moved
	return nil
}

// onCycle reports whether walking up parent from m comes back to m.
func onCycle(parent []int32, m int32) bool {
	for p, steps := parent[m], 0; p >= 0 && steps <= len(parent); p, steps = parent[p], steps+1 {
		if p == m {
			return true
		}
	}
	return false
}

// movedTo is o (without moves) after the moves dated on or before day: its
// own organisation with the sponsors and placements changed, sharing the
// rest. o itself when none applies. Without build, its children and
// top-down order are left for AsOf to build if it needs them (a subset of
// the members builds its own).
func (o *Org) movedTo(moves []move, day int32, build bool) *Org {
	n := 0
	for n < len(moves) && moves[n].day <= day {
		n++
	}
	if n == 0 {
		return o
	}
	c := &Org{file: o.file, ids: o.ids, names: o.names, index: o.index, indexKeys: o.indexKeys, joined: o.joined,
		firstUnjoined: o.firstUnjoined, customer: o.customer, terminated: o.terminated, floor: o.floor, floorNames: o.floorNames, floorAt: o.floorAt,
		payCur: o.payCur, payNames: o.payNames, placeParent: o.placeParent, placeLeg: o.placeLeg, matrixParent: o.matrixParent, lines: o.lines}
	c.sponsor = slices.Clone(o.sponsor)
	placed, inMatrix := false, false
	for _, mv := range moves[:n] {
		c.sponsor[mv.member] = mv.sponsor
		placed = placed || mv.place != keep
		inMatrix = inMatrix || mv.matrix != keep
	}
	if placed {
		c.placeParent, c.placeLeg = slices.Clone(o.placeParent), slices.Clone(o.placeLeg)
	}
	if inMatrix {
		c.matrixParent = slices.Clone(o.matrixParent)
	}
	for _, mv := range moves[:n] {
		if mv.place != keep {
			c.placeParent[mv.member], c.placeLeg[mv.member] = mv.place, mv.leg
		}
		if mv.matrix != keep {
			c.matrixParent[mv.member] = mv.matrix
		}
	}
	if build {
		_ = c.build(o.file, nil) // ReadMoves checked every day's tree: no cycle
	}
	c.byID = o.ByID()
	c.byIDOnce.Do(func() {})
	return c
}

// Moves reports whether the organisation changes over time (a moves file).
func (o *Org) Moves() bool { return o.moves != nil }
