package tree

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/compplan/compplan/tree/dec"
)

// ReturnType is the sale type of a return: a row with a negative amount
// and volume and the order_id of the sale it returns.
const ReturnType = "return"

// Period is a run's span of days, both ends included.
type Period struct {
	Name     string // "2026-03", "2026-W14", or "2026-01-01..2026-02-15"
	From, To int32  // days since 1970-01-01
}

// Every is how replay cuts history into periods.
type Every string

// The period lengths.
const (
	Month Every = "month"
	Week  Every = "week"
)

// ParsePeriod reads a month (2026-03) or an ISO week (2026-W14).
func ParsePeriod(s string) (Period, error) {
	bad := fmt.Errorf("period %q is neither a month (2026-03) nor an ISO week (2026-W14)", s)
	if len(s) == 7 && s[4] == '-' {
		y, err1 := strconv.Atoi(s[:4])
		m, err2 := strconv.Atoi(s[5:])
		if err1 != nil || err2 != nil || m < 1 || m > 12 || y < 1 {
			return Period{}, bad
		}
		return monthOf(y, m), nil
	}
	if len(s) == 8 && s[4] == '-' && (s[5] == 'W' || s[5] == 'w') {
		y, err1 := strconv.Atoi(s[:4])
		w, err2 := strconv.Atoi(s[6:])
		if err1 != nil || err2 != nil || y < 1 || w < 1 || w > isoWeeks(y) {
			if err1 == nil && err2 == nil && w > 0 {
				return Period{}, fmt.Errorf("period %q: %d has %d ISO weeks", s, y, isoWeeks(y))
			}
			return Period{}, bad
		}
		if p := weekOf(y, w); p.To <= MaxDate {
			return p, nil
		}
		return Period{}, fmt.Errorf("period %q ends in the year 10000, after 9999-12-31, the last date compplan reads and writes", s)
	}
	return Period{}, bad
}

// Range is the period from one day to another, both included.
func Range(from, to int32) (Period, error) {
	if to < from {
		return Period{}, fmt.Errorf("the period would end on %s, before it starts on %s", FormatDate(to), FormatDate(from))
	}
	return Period{Name: FormatDate(from) + ".." + FormatDate(to), From: from, To: to}, nil
}

func monthOf(y, m int) Period {
	from := int32(daysFromCivil(y, m, 1))
	return Period{Name: fmt.Sprintf("%04d-%02d", y, m), From: from, To: from + int32(daysIn(y, m)) - 1}
}

// weekday is 0 for Monday … 6 for Sunday.
func weekday(day int32) int32 { return ((day+3)%7 + 7) % 7 }

// isoWeek1 is the Monday of ISO week 1 of year y (the week with 4 January).
func isoWeek1(y int) int32 {
	jan4 := int32(daysFromCivil(y, 1, 4))
	return jan4 - weekday(jan4)
}

func isoWeeks(y int) int { return int((isoWeek1(y+1) - isoWeek1(y)) / 7) }

func weekOf(y, w int) Period {
	from := isoWeek1(y) + int32(7*(w-1))
	return Period{Name: fmt.Sprintf("%04d-W%02d", y, w), From: from, To: from + 6}
}

// PeriodOf returns the month or ISO week holding day.
func PeriodOf(every Every, day int32) Period {
	if every == Week {
		thursday := day - weekday(day) + 3
		y, _, _ := civil(thursday)
		return weekOf(y, int((thursday-isoWeek1(y))/7)+1)
	}
	y, m, _ := civil(day)
	return monthOf(y, m)
}

// Periods returns every month or week from the one holding from to the one
// holding to, in order.
func Periods(every Every, from, to int32) []Period {
	var out []Period
	for p := PeriodOf(every, from); p.From <= to; p = PeriodOf(every, p.To+1) {
		out = append(out, p)
	}
	return out
}

// MaxDate is 9999-12-31, the last day a date in a file can name: ParseDate
// reads four-digit years only; MinDate is 0000-01-01, the first.
const (
	MaxDate int32 = 2932896
	MinDate int32 = -719528
)

// CountPeriods is len(Periods(every, from, to)), without building them:
// how many months or ISO weeks a replay from..to would run.
func CountPeriods(every Every, from, to int32) int {
	// Periods runs from the period holding from while a period starts by
	// to: up to the period holding to, none when that one comes first.
	var n int
	if every == Week {
		monday := func(d int32) int { return int(d) - int(weekday(d)) }
		n = (monday(to)-monday(from))/7 + 1
	} else {
		y1, m1, _ := civil(from)
		y2, m2, _ := civil(to)
		n = (y2*12 + m2) - (y1*12 + m1) + 1
	}
	return max(n, 0)
}

// civil returns the year, month and day of a day number (Howard Hinnant's
// civil_from_days), for any year: it must not go through FormatDate's four
// digits, or year 10000 reads as 1000 and the periods never end.
func civil(days int32) (y, m, d int) {
	z := int(days) + 719468
	era := z / 146097
	if z < 0 {
		era = (z - 146096) / 146097
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}

// Dated reports whether every sale has a date, or says which row has none.
func (s *Sales) Dated() error {
	if s.FirstUndated > 0 {
		return &InputError{File: s.UndatedFile, Line: s.FirstUndated, Field: "date",
			Msg: "this sale has no date: with a period every sale needs a date (YYYY-MM-DD)"}
	}
	return nil
}

// DateRange returns the first and last sale dates (ok false without dated
// sales). It reads every sale's date, not the days' amounts: a day whose
// sales add up to 0 (a free sample, a sale and its return) is a day of
// sales all the same.
func (s *Sales) DateRange() (first, last int32, ok bool) {
	see := func(lo, hi int32) {
		if !ok || lo < first {
			first = lo
		}
		if !ok || hi > last {
			last = hi
		}
		ok = true
	}
	for i := range s.Chunks {
		switch c := &s.Chunks[i]; {
		case c.days != nil:
			if lo, hi, dated := dayRange(c.days); dated {
				see(c.dayBase+int32(lo), c.dayBase+int32(hi))
			}
		case c.Date != nil:
			for _, day := range c.Date {
				if day != NoDate {
					see(day, day)
				}
			}
		}
	}
	return first, last, ok
}

// dayRange returns the lowest and highest of days other than noDay (dated
// false when there is none), without a branch a day: a pass over 10M sales
// took 30–50 ms a day at a time.
func dayRange(days []uint16) (lo, hi uint16, dated bool) {
	// noDay is the largest uint16, so it never lowers lo; one more than
	// each day wraps it to 0, so it never raises top.
	lo, top := uint16(noDay), uint16(0)
	for _, d := range days {
		lo, top = min(lo, d), max(top, d+1)
	}
	return lo, top - 1, top > 0
}

// SpanNote is what a computation of all the sales as one period should
// say when their dates span more than one calendar month: that ranks are
// qualified on all of it and nothing is carried between months. It is ""
// otherwise, and when no sale is dated.
func (s *Sales) SpanNote() string {
	first, last, ok := s.DateRange()
	if !ok {
		return ""
	}
	n := CountPeriods(Month, first, last)
	if n < 2 {
		return ""
	}
	return fmt.Sprintf("the sales run from %s to %s, %d calendar months, and are computed as one period: ranks qualify on all of it, and nothing carries from month to month (no binary carry, held payouts, rank grace or state); give --period or --from and --to for one span, or replay --every month for each",
		FormatDate(first), FormatDate(last), n)
}

// FirstOn returns the chunk and index of the first sale dated day (ok false
// when there is none), to name a sale in a message.
func (s *Sales) FirstOn(day int32) (c *SaleChunk, k int, ok bool) {
	for i := range s.Chunks {
		c := &s.Chunks[i]
		if !c.Dated() {
			continue
		}
		for k := range c.Member {
			if c.DateOf(k) == day {
				return c, k, true
			}
		}
	}
	return nil, 0, false
}

// AmountIn is the sales amount of the days from..to.
func (s *Sales) AmountIn(from, to int32) dec.D {
	var a dec.D
	for day, v := range s.dayAmount {
		if day >= from && day <= to {
			a += v
		}
	}
	return a
}

// InPeriod returns the data of one period: the members who joined by its
// last day (the others are not in the tree), as the organisation stood
// then (a termination after the period does not count yet), and the sales
// dated inside it. Every sale needs a date. It shares what it can with d.
func (d *Data) InPeriod(p Period) (*Data, error) {
	split, err := d.Split([]Period{p})
	if err != nil {
		return nil, err
	}
	return d.WithSales(p, split[0])
}

// Split buckets the sales by period in one pass: sale k goes to the period
// holding its date (periods in order, not overlapping); sales outside every
// period are left out. Every sale needs a date.
func (d *Data) Split(periods []Period) ([]Sales, error) {
	if err := d.Sales.Dated(); err != nil {
		return nil, err
	}
	out := make([]Sales, len(periods))
	for i := range out { // a sale without an order id is the whole file's concern
		out[i].FirstNoOrder, out[i].NoOrderFile = d.Sales.FirstNoOrder, d.Sales.NoOrderFile
	}
	if len(periods) == 0 {
		return out, nil
	}
	which := func(day int32) int {
		i, _ := slices.BinarySearchFunc(periods, day, func(p Period, day int32) int {
			switch {
			case p.To < day:
				return -1
			case p.From > day:
				return 1
			}
			return 0
		})
		if i < len(periods) && periods[i].From <= day && day <= periods[i].To {
			return i
		}
		return -1
	}
	// A chunk's sales go to the periods in runs of one period each. In a
	// file in date order every period is one run of each chunk (a block's
	// bucket of members, in file order): the period takes a view of the
	// chunk, no copy. Otherwise the sales of a period are copied out.
	type run struct{ period, from, to int }
	var runs []run
	for _, c := range d.Sales.Chunks {
		if !c.Dated() {
			continue
		}
		runs = runs[:0]
		last, lastDay, lastPeriod := -1, NoDate, -1
		inOrder := true // each period in one run, so runs are few
		for k := range c.Member {
			day := c.DateOf(k)
			if day != lastDay {
				i := which(day)
				lastDay = day
				if i == last {
					continue
				}
				if i >= 0 {
					inOrder = inOrder && i > lastPeriod
					lastPeriod = i
				}
				last = i
				runs = append(runs, run{i, k, k})
			}
		}
		for r := range runs {
			runs[r].to = len(c.Member)
			if r+1 < len(runs) {
				runs[r].to = runs[r+1].from
			}
		}
		if inOrder {
			for _, r := range runs {
				if r.period < 0 {
					continue
				}
				out[r.period].Chunks = append(out[r.period].Chunks, c.view(r.from, r.to))
				for k := r.from; k < r.to; k++ {
					out[r.period].TotalVolume += c.VolumeOf(k)
				}
			}
			continue
		}
		keep := make([][]int, len(periods))
		for _, r := range runs {
			for k := r.from; r.period >= 0 && k < r.to; k++ {
				keep[r.period] = append(keep[r.period], k)
			}
		}
		for i, ks := range keep {
			if len(ks) == 0 {
				continue
			}
			out[i].Chunks = append(out[i].Chunks, c.pick(ks, nil))
			for _, k := range ks {
				out[i].TotalVolume += c.VolumeOf(k)
			}
		}
	}
	for day, a := range d.Sales.dayAmount {
		if i := which(day); i >= 0 {
			if out[i].dayAmount == nil {
				out[i].dayAmount = map[int32]dec.D{}
			}
			out[i].dayAmount[day] = a
			out[i].Amount += a
		}
	}
	return out, nil
}

// WithSales returns the data of period p with the sales s (from Split):
// the organisation as it stood on p's last day, the sales renumbered to it.
func (d *Data) WithSales(p Period, s Sales) (*Data, error) {
	out, _, err := d.WithSalesRemap(p, s)
	return out, err
}

// WithSalesRemap is WithSales, and the number of each of d's members in
// the period's organisation (-1: not in it; nil: the same numbering).
func (d *Data) WithSalesRemap(p Period, s Sales) (*Data, []int32, error) {
	o, remap := d.Org.AsOf(p.To)
	out := &Data{Org: o, Adjustments: d.Adjustments, AdjustmentsFile: d.AdjustmentsFile, KeepOrderIDs: d.KeepOrderIDs,
		CarryIn: d.CarryIn, CarryInFile: d.CarryInFile, Sales: s, Period: &p, Money: d.Money}
	if remap == nil {
		return out, remap, nil
	}
	out.Adjustments = nil
	for _, a := range d.Adjustments {
		if a.Member = remap[a.Member]; a.Member < 0 {
			return nil, nil, &InputError{File: d.AdjustmentsFile, Line: int(a.Line), Column: int(a.Column),
				Msg: fmt.Sprintf("adjustment for a member who joins after the period %s", p.Name)}
		}
		out.Adjustments = append(out.Adjustments, a)
	}
	if d.CarryIn != nil {
		out.CarryIn = &[2][]dec.D{make([]dec.D, o.Len()), make([]dec.D, o.Len())}
		for m, n := range remap {
			if n >= 0 {
				out.CarryIn[0][n], out.CarryIn[1][n] = d.CarryIn[0][m], d.CarryIn[1][m]
			}
		}
	}
	if k := o.Len(); k > 0 && remap[k-1] == int32(k-1) {
		// The first k members, numbered as in the whole organisation (see
		// AsOf): a sale's member keeps its number.
		return out, remap, nil
	}
	out.Sales.Chunks = slices.Clone(s.Chunks)
	for c := range out.Sales.Chunks {
		ch := &out.Sales.Chunks[c]
		members := make([]int32, len(ch.Member))
		for k, m := range ch.Member {
			members[k] = remap[m] // a sale dated in p is by a member who joined by p's end
		}
		ch.Member = members
	}
	return out, remap, nil
}

// pick returns a chunk of the sales k of c (the whole chunk when keep
// holds every sale and remap is nil).
func (c *SaleChunk) pick(keep []int, remap []int32) SaleChunk {
	if len(keep) == len(c.Member) && remap == nil {
		return *c
	}
	out := SaleChunk{Member: make([]int32, len(keep)), Volume: make([]dec.D, len(keep)), Date: make([]int32, len(keep)), typeNames: c.typeNames}
	if c.QV != nil {
		out.QV = make([]dec.D, len(keep))
	}
	if c.Type != nil {
		out.Type = make([]uint8, len(keep))
	}
	if c.orders.off != nil {
		out.orders = newStrtab()
	}
	if c.returnAt != nil {
		out.file = c.file
	}
	for i, k := range keep {
		m := c.Member[k]
		if remap != nil {
			m = remap[m]
		}
		out.Member[i], out.Volume[i], out.Date[i] = m, c.VolumeOf(k), c.DateOf(k)
		if c.QV != nil {
			out.QV[i] = c.QV[k]
		}
		if c.Type != nil {
			out.Type[i] = c.Type[k]
		}
		if c.orders.off != nil {
			out.orders.add(c.OrderIDBytes(k))
		}
		if l, ok := c.returnAt[int32(k)]; ok {
			if out.returnAt == nil {
				out.returnAt = map[int32]int32{}
			}
			out.returnAt[int32(i)] = l
		}
	}
	return out
}

// AsOf returns the organisation as it stood on day: the members who joined
// by then (members without a joined date always count), each under their
// nearest upline who had joined, terminations after that day undone. It
// returns o itself, and a nil remap, when nothing changes; otherwise remap
// gives each member's number in the new organisation (-1: not in it).
//
// With moves (ReadMoves), each member hangs under their sponsor (and in
// their placements) as of that day.
func (o *Org) AsOf(day int32) (*Org, []int32) {
	if o.moves != nil && o.moves[len(o.moves)-1].day > day {
		return o.base.movedTo(o.moves, day, false).AsOf(day)
	}
	n := int32(o.Len())
	absent, later := false, false
	for m := range n {
		if j := o.joined[m]; j != NoDate && j > day {
			absent = true
		}
		if t := o.Terminated(m); t != NoDate && t > day {
			later = true
		}
	}
	if !absent && o.topDown == nil { // moved (movedTo), and kept whole
		_ = o.build(o.file, nil) // ReadMoves checked every day's tree: no cycle
	}
	if !absent && !later {
		return o, nil
	}
	if !absent { // the same members: only terminations change
		c := Org{file: o.file, ids: o.ids, names: o.names, index: o.index, sponsor: o.sponsor, joined: o.joined,
			firstUnjoined: o.firstUnjoined, customer: o.customer, floor: o.floor, floorNames: o.floorNames, floorAt: o.floorAt,
			payCur: o.payCur, payNames: o.payNames,
			placeParent: o.placeParent, placeLeg: o.placeLeg, matrixParent: o.matrixParent, lines: o.lines,
			childStart: o.childStart, children: o.children, topDown: o.topDown, numbered: o.numbered}
		c.terminated = slices.Clone(o.terminated)
		for m, t := range c.terminated {
			if t != NoDate && t > day {
				c.terminated[m] = NoDate
			}
		}
		return &c, nil
	}
	return o.subset(func(m int32) bool { j := o.joined[m]; return j == NoDate || j <= day }, day)
}

// subset builds the organisation of the members keep holds, numbered in
// their old order.
func (o *Org) subset(keep func(int32) bool, day int32) (*Org, []int32) {
	n := int32(o.Len())
	remap := make([]int32, n)
	k := int32(0)
	for m := range n {
		remap[m] = -1
		if keep(m) {
			remap[m] = k
			k++
		}
	}
	if s := o.prefix(remap, k, day); s != nil {
		return s, remap
	}
	return o.copySubset(remap, k, day), remap
}

// copySubset is subset by copying the members kept (remap gives their
// numbers, k of them) into an organisation of their own.
func (o *Org) copySubset(remap []int32, k int32, day int32) *Org {
	n := int32(o.Len())
	s := &Org{file: o.file, ids: newStrtab(), names: newStrtab(), index: newIDIndex(int(k) * 4 / 3),
		floorNames: o.floorNames, floorAt: o.floorAt, firstUnjoined: o.firstUnjoined, payNames: o.payNames}
	s.sponsor, s.joined = make([]int32, 0, k), make([]int32, 0, k)
	lines := make([]int32, 0, k)
	up := func(parent []int32, m int32) int32 { // nearest kept member up parent, renumbered
		for p := parent[m]; p >= 0; p = parent[p] {
			if remap[p] >= 0 {
				return remap[p]
			}
		}
		return -1
	}
	for m := range n {
		if remap[m] < 0 {
			continue
		}
		s.ids.add(o.ids.get(m))
		s.names.add(o.names.get(m))
		s.sponsor = append(s.sponsor, up(o.sponsor, m))
		s.joined = append(s.joined, o.joined[m])
		lines = append(lines, int32(o.line(m)))
		if o.customer != nil {
			s.customer = append(s.customer, o.customer[m])
		}
		if o.terminated != nil {
			t := o.terminated[m]
			if t != NoDate && t > day {
				t = NoDate
			}
			s.terminated = append(s.terminated, t)
		}
		if o.floor != nil {
			s.floor = append(s.floor, o.floor[m])
		}
		if o.payCur != nil {
			s.payCur = append(s.payCur, o.payCur[m])
		}
		if o.placeParent != nil {
			p, leg := int32(-1), o.placeLeg[m]
			if pp := o.placeParent[m]; pp >= 0 && remap[pp] >= 0 {
				p = remap[pp]
			}
			s.placeParent, s.placeLeg = append(s.placeParent, p), append(s.placeLeg, leg)
		}
		if o.matrixParent != nil {
			p := int32(-1)
			if pp := o.matrixParent[m]; pp >= 0 && remap[pp] >= 0 {
				p = remap[pp]
			}
			s.matrixParent = append(s.matrixParent, p)
		}
	}
	if o.lines != nil {
		s.lines = lines
	}
	for from := int32(0); from < k; from += batch {
		s.index.insertBatch(&s.ids, s.joined, from, min(from+batch, k))
	}
	// A sub-forest of a forest: build cannot fail.
	if err := s.build(o.file, lines); err != nil {
		panic("tree: a subset of an organisation has a cycle: " + err.Error())
	}
	return s
}

// prefix is subset for the usual case, members numbered in the order they
// joined (a members file in id or join order): the members kept are the
// first k, whose numbers do not change, so the ids, names and the index
// are shared with o instead of copied and hashed again. It returns nil
// when the members kept are not the first k.
func (o *Org) prefix(remap []int32, k int32, day int32) *Org {
	if k == 0 || remap[k-1] != k-1 {
		return nil // numbers rise with members: the k-th kept is member k-1 only if all before are kept
	}
	keys := o.indexKeys
	if keys == nil {
		keys = &o.ids
	}
	view := func(t *strtab) strtab {
		end := t.off[k]
		return strtab{data: t.data[:end:end], off: t.off[: k+1 : k+1]}
	}
	s := &Org{file: o.file, ids: view(&o.ids), names: view(&o.names), index: o.index, indexKeys: keys,
		floorNames: o.floorNames, floorAt: o.floorAt, firstUnjoined: o.firstUnjoined, payNames: o.payNames,
		joined: o.joined[:k:k]}
	same := true // every member kept keeps their sponsor
	if o.numbered {
		// Sponsors numbered below their recruits (build found so, with
		// its top-down order): the first k members' sponsors are among
		// them, and their array is a view.
		s.sponsor = o.sponsor[:k:k]
	} else {
		s.sponsor = make([]int32, k)
		for m := range k {
			p := o.sponsor[m]
			for p >= k {
				p, same = o.sponsor[p], false
			}
			s.sponsor[m] = p
		}
	}
	if o.customer != nil {
		s.customer = o.customer[:k:k]
	}
	if o.floor != nil {
		s.floor = o.floor[:k:k]
	}
	if o.payCur != nil {
		s.payCur = o.payCur[:k:k]
	}
	if o.terminated != nil {
		s.terminated = slices.Clone(o.terminated[:k])
		for m, t := range s.terminated {
			if t != NoDate && t > day {
				s.terminated[m] = NoDate
			}
		}
	}
	cut := func(parent []int32) []int32 {
		out := slices.Clone(parent[:k])
		for m, p := range out {
			if p >= k {
				out[m] = -1
			}
		}
		return out
	}
	if o.placeParent != nil {
		s.placeParent, s.placeLeg = cut(o.placeParent), o.placeLeg[:k:k]
	}
	if o.matrixParent != nil {
		s.matrixParent = cut(o.matrixParent)
	}
	var lines []int32
	if o.lines != nil {
		lines = o.lines[:k:k]
		s.lines = lines
	} else {
		lines = make([]int32, k)
	}
	if same && o.topDown != nil { // (a moved organisation may not be built: see movedTo)
		s.filterTree(o)
	} else if err := s.build(o.file, lines); err != nil {
		panic("tree: a subset of an organisation has a cycle: " + err.Error())
	}
	return s
}

// filterTree sets s's children and top-down order from o's, for s the
// first members of o with the same sponsors: o's lists without the
// members after them. This is what build would give (children are in
// member order; the top-down order is number order or near it (build), and
// a prefix keeps either), read in order where build would write at
// random.
func (s *Org) filterTree(o *Org) {
	k := int32(len(s.sponsor))
	s.childStart = make([]int32, k+1)
	s.children = make([]int32, 0, min(int32(len(o.children)), k))
	for m := range k {
		for _, c := range o.Children(m) {
			if c < k {
				s.children = append(s.children, c)
			}
		}
		s.childStart[m+1] = int32(len(s.children))
	}
	if o.numbered { // number order: its first k
		s.topDown, s.numbered = o.topDown[:k:k], true
		return
	}
	s.topDown = make([]int32, 0, k)
	for _, m := range o.topDown {
		if m < k {
			s.topDown = append(s.topDown, m)
		}
	}
}

// String formats a period for messages: its name and its days.
func (p Period) String() string {
	if strings.Contains(p.Name, "..") {
		return p.Name
	}
	return fmt.Sprintf("%s (%s..%s)", p.Name, FormatDate(p.From), FormatDate(p.To))
}

// WithSale returns d with one more sale: member m's, of amount and volume
// v, on day (NoDate: undated), with order id order — a synthetic sale, as
// sweep's member paths add. d itself is unchanged (its chunks are shared).
func (d *Data) WithSale(m int32, v dec.D, day int32, order string) (*Data, error) {
	out := *d
	out.Sales.Chunks = append(slices.Clip(d.Sales.Chunks), SaleChunk{Member: []int32{m}, Volume: []dec.D{v}})
	c := &out.Sales.Chunks[len(out.Sales.Chunks)-1]
	if day != NoDate {
		c.Date = []int32{day}
		out.Sales.dayAmount = maps.Clone(d.Sales.dayAmount)
		if out.Sales.dayAmount == nil {
			out.Sales.dayAmount = map[int32]dec.D{}
		}
		out.Sales.dayAmount[day] += v
	}
	if d.KeepOrderIDs {
		c.orders = newStrtab()
		c.orders.add([]byte(order))
	}
	var o1, o2 bool
	out.Sales.Amount, o1 = dec.Add(d.Sales.Amount, v)
	out.Sales.TotalVolume, o2 = dec.Add(d.Sales.TotalVolume, v)
	if o1 || o2 {
		return nil, &InputError{Msg: "the sales with one more are too large for compplan's exact decimals", Err: dec.ErrOverflow}
	}
	return &out, nil
}
