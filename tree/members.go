package tree

import (
	"bytes"
	"fmt"
	"math"
	"runtime"
	"sync"
	"unicode/utf8"
)

// memberRows is what the rows of a members file read into: the org's ids,
// names, joined days and optional columns, and what waits until every id
// is known (sponsors, placements) with the line and column of each row.
type memberRows struct {
	o     *Org
	c     *csvReader
	col   []int
	width int
	place *placementCols

	lines, idCols, spCols []int32
	spIDs                 strtab
	indexed               int32 // rows whose ids are in o.index
}

// row reads m.c's current record as member k of m.o.
func (m *memberRows) row(k int32) error {
	c, o, col := m.c, m.o, m.col
	id := c.fields[col[mID]]
	if len(id) == 0 {
		return c.fieldError(col[mID], "id", "empty id: every member needs an id")
	}
	for _, ch := range id {
		if ch < ' ' || ch == 0x7f {
			return c.fieldError(col[mID], "id", "id %q holds a control character (byte 0x%02x): an id is one line of printable text", id, ch)
		}
	}
	if !o.ids.add(id) {
		return c.errorf(c.recLine, 0, "member ids add up to more than 4 GiB")
	}
	m.lines = append(m.lines, int32(c.recLine))
	m.idCols = append(m.idCols, int32(c.cols[col[mID]]))
	var sp, display []byte
	spCol := int32(0)
	if col[mSponsor] >= 0 {
		sp = c.fields[col[mSponsor]]
		spCol = int32(c.cols[col[mSponsor]])
	}
	if col[mName] >= 0 {
		display = c.fields[col[mName]]
	}
	if !m.spIDs.add(sp) || !o.names.add(display) {
		return c.errorf(c.recLine, 0, "member ids or names add up to more than 4 GiB")
	}
	m.spCols = append(m.spCols, spCol)
	j := NoDate
	if col[mJoined] >= 0 {
		var err error
		if j, err = c.date(col[mJoined], "joined"); err != nil {
			return err
		}
	}
	o.joined = append(o.joined, j)
	if j == NoDate && o.firstUnjoined == 0 {
		o.firstUnjoined = c.recLine
	}
	if err := o.readOptional(c, col, k); err != nil {
		return err
	}
	if m.place != nil {
		return m.place.read(c)
	}
	return nil
}

// readAll reads the rows one by one, with a members file's sales into d.
func (m *memberRows) readAll(d *Data) error {
	c, o, col := m.c, m.o, m.col
	for c.next() {
		if len(c.fields) != m.width {
			return m.fail(c.raggedError(m.width))
		}
		k := int32(o.ids.len())
		if k == maxMembers {
			return m.fail(c.errorf(c.recLine, 0, "more than %d members", maxMembers))
		}
		if err := m.row(k); err != nil {
			return m.fail(err)
		}
		if col[mAmount] >= 0 && len(c.fields[col[mAmount]]) > 0 {
			if err := c.sale(&d.Sales, k, col[mAmount], col[mVolume], -1, d.KeepOrderIDs); err != nil {
				return m.fail(err)
			}
			if d.Sales.FirstUndated == 0 {
				d.Sales.FirstUndated, d.Sales.UndatedFile = c.recLine, c.name
			}
			if d.Sales.FirstNoOrder == 0 { // a members file's sale has no order id
				d.Sales.FirstNoOrder, d.Sales.NoOrderFile = c.recLine, c.name
			}
		} else if col[mVolume] >= 0 && len(c.fields[col[mVolume]]) > 0 {
			return m.fail(c.fieldError(col[mVolume], "volume", "a volume without an amount: fill in the sale's amount too, or leave both empty"))
		}
	}
	if c.err != nil {
		return m.fail(c.err)
	}
	return nil
}

// index puts the ids read since it last ran into the org's index, a batch
// at a time, each with its joined day (which a sale's lookup brings
// along), and reports the first that is already there. (An id read on a
// row whose joined day is not gets 0: only its error is reported.)
//
// The ids are indexed once the file is read (see ReadMembers: ids in
// member order need no slots), or at the first error in it, so that a
// duplicate id on an earlier line is the error reported.
func (m *memberRows) index() error {
	o := m.o
	n := int32(o.ids.len())
	if o.index.n == 0 && o.index.full(int(n-m.indexed)) { // room for them all at once
		o.index = newIDIndex(int(n-m.indexed)*4/3 + 1)
	}
	for m.indexed < n {
		to := min(m.indexed+batch, n)
		if dup, prev := o.index.insertBatch(&o.ids, o.joined, m.indexed, to); dup >= 0 {
			return &InputError{File: m.c.name, Line: int(m.lines[dup]), Column: int(m.idCols[dup]), Field: "id",
				Msg: fmt.Sprintf("duplicate id %q: it is already used on line %d", o.ids.get(dup), m.lines[prev])}
		}
		m.indexed = to
	}
	return nil
}

// fail returns err, unless an id read before it is a duplicate: the error
// on the earlier line wins. (nil: no error, and nothing is indexed.)
func (m *memberRows) fail(err error) error {
	if err == nil {
		return nil
	}
	if ferr := m.index(); ferr != nil {
		return ferr
	}
	return err
}

// readBlocks reads the rest of the file as ReadSales does: cut into blocks
// of whole records, parsed on every core into rows of their own, which are
// then appended to m in file order and their ids indexed. Only rows that
// read into nothing shared (no sales, ranks, currencies or placements) can
// be read so. The error reported is the first in the file, as readAll's.
func (m *memberRows) readBlocks(size int) error {
	c := m.c
	body := c.body()
	type block struct {
		seq, line int
		data      []byte
	}
	type part struct {
		seq  int
		rows *memberRows
		err  error
	}
	// Parsed blocks' buffers are reused, and a fixed number of parts go
	// round: a worker takes a part before a block, so the part of the next
	// block to append is never waiting for one held by later blocks.
	workers := runtime.GOMAXPROCS(0)
	blocks := make(chan block, workers)
	free := make(chan []byte, 2*workers+2)
	spare := make(chan *memberRows, workers+2)
	for range cap(spare) {
		spare <- &memberRows{o: &Org{ids: newStrtab(), names: newStrtab()}, col: m.col, width: m.width, spIDs: newStrtab()}
	}
	parts := make(chan part, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var b rowBatch
			for {
				p := <-spare
				bl, ok := <-blocks
				if !ok {
					return
				}
				p.reset()
				bc := &csvReader{name: c.name, buf: bl.data, end: len(bl.data), eof: true, line: bl.line}
				bc.plain = bytes.IndexByte(bl.data, '"') < 0 && utf8.Valid(bl.data)
				bc.spaces = bytes.IndexByte(bl.data, ' ') >= 0 || bytes.IndexByte(bl.data, '\t') >= 0
				p.c = bc
				err := p.readBlock(&b)
				select {
				case free <- bl.data[:0]:
				default:
				}
				parts <- part{bl.seq, p, err}
			}
		}()
	}
	readErr := make(chan error, 1)
	go func() {
		readErr <- splitBlocks(body, c.line, size, reusing(free), func(seq int, data []byte, line, _ int) {
			blocks <- block{seq: seq, line: line, data: data}
		})
		close(blocks)
		wg.Wait()
		close(parts)
	}()
	var firstErr error
	waiting := map[int]part{}
	next := 0
	for p := range parts {
		waiting[p.seq] = p
		for p, ok := waiting[next]; ok; p, ok = waiting[next] {
			delete(waiting, next)
			next++
			if firstErr == nil {
				firstErr = m.appendPart(p.rows, p.err)
			}
			spare <- p.rows
		}
	}
	if err := <-readErr; err != nil && firstErr == nil {
		return readingError(c.name, err)
	}
	return firstErr
}

// readBlock reads the rows of a block (p.c) into p until the first error.
func (p *memberRows) readBlock(b *rowBatch) error {
	c := p.c
	for {
		stop := b.fill(c, p.width)
		for r := range b.n {
			b.restore(c, r)
			if err := p.row(int32(p.o.ids.len())); err != nil {
				return err
			}
		}
		if stop != nil {
			return stop
		}
		if b.n < batch {
			return c.err
		}
	}
}

// reset empties p for another block.
func (p *memberRows) reset() {
	o := p.o
	o.ids.data, o.ids.off = o.ids.data[:0], o.ids.off[:1]
	o.names.data, o.names.off = o.names.data[:0], o.names.off[:1]
	o.joined, o.customer, o.terminated, o.firstUnjoined = o.joined[:0], o.customer[:0], o.terminated[:0], 0
	p.spIDs.data, p.spIDs.off = p.spIDs.data[:0], p.spIDs.off[:1]
	p.lines, p.idCols, p.spCols = p.lines[:0], p.idCols[:0], p.spCols[:0]
}

// appendPart appends the rows of a block, p, read up to its error err (nil:
// all of them), and returns the first error among them (see fail).
func (m *memberRows) appendPart(p *memberRows, err error) error {
	o, q := m.o, p.o
	// A block's rows fit (4 MB), but not always with every row before them.
	n := p.o.ids.len()
	if k := int(maxMembers) - o.ids.len(); n > k {
		n, err = k, m.c.errorf(int(p.lines[k]), 0, "more than %d members", maxMembers)
	}
	for _, t := range [][2]*strtab{{&o.ids, &q.ids}, {&o.names, &q.names}, {&m.spIDs, &p.spIDs}} {
		if k := t[1].fits(len(t[0].data), min(n, t[1].len())); k < min(n, t[1].len()) {
			n, err = k, m.c.errorf(int(p.lines[k]), 0, "member ids or names add up to more than 4 GiB")
		}
	}
	o.ids.appendFirst(&q.ids, n)
	o.names.appendFirst(&q.names, min(n, q.names.len()))
	m.spIDs.appendFirst(&p.spIDs, min(n, p.spIDs.len()))
	o.joined = append(o.joined, q.joined[:min(n, len(q.joined))]...)
	if q.customer != nil {
		o.customer = append(o.customer, q.customer[:min(n, len(q.customer))]...)
	}
	if q.terminated != nil {
		o.terminated = append(o.terminated, q.terminated[:min(n, len(q.terminated))]...)
	}
	if o.firstUnjoined == 0 {
		o.firstUnjoined = q.firstUnjoined
	}
	m.lines = append(m.lines, p.lines[:n]...)
	m.idCols = append(m.idCols, p.idCols[:n]...)
	m.spCols = append(m.spCols, p.spCols[:min(n, len(p.spCols))]...)
	return m.fail(err)
}

// fits returns how many of s's first n strings fit after size bytes in a
// table of at most 4 GiB.
func (s *strtab) fits(size, n int) int {
	if size+int(s.off[n]) <= math.MaxUint32 {
		return n
	}
	k := 0
	for k < n && size+int(s.off[k+1]) <= math.MaxUint32 {
		k++
	}
	return k
}

// appendFirst appends the first n strings of src.
func (s *strtab) appendFirst(src *strtab, n int) {
	base := uint32(len(s.data))
	s.data = append(s.data, src.data[:src.off[n]]...)
	for _, off := range src.off[1 : n+1] {
		s.off = append(s.off, base+off)
	}
}
