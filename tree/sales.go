package tree

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
	"runtime"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/compplan/compplan/tree/dec"
)

// blockSize is how much of a sales file one worker parses at a time.
const blockSize = 4 << 20

// ReadSales reads a sales CSV (member_id, amount, and optionally volume,
// order_id, date, type) and adds its sales. name is the file name used in
// errors.
//
// The file is cut into blocks at record boundaries and the blocks are parsed
// on every core; the sales keep file order and the error reported is the
// first in the file, as if it had been read row by row.
func (d *Data) ReadSales(r io.Reader, name string) error {
	return d.readSales(r, name, blockSize)
}

func (d *Data) readSales(r io.Reader, name string, size int) error {
	return d.readSalesPlain(r, name, size, true)
}

// readSalesPlain is readSales; plain false reads every record the general
// way, which tests compare the plain way with (see rowBatch.fillPlain).
func (d *Data) readSalesPlain(r io.Reader, name string, size int, plain bool) error {
	c := newCSVReader(r, name)
	col, err := c.header(salesColumns)
	if err != nil {
		return err
	}
	for _, req := range []int{sMember, sAmount} {
		if col[req] < 0 {
			return &InputError{File: name, Line: 1, Msg: fmt.Sprintf("missing required column %q (a sales file needs member_id and amount)", salesColumns[req]) + c.separatorHint()}
		}
	}
	width := len(c.fields)
	body := c.body()
	bound := d.Org.joinedBound()

	type block struct {
		seq, line, rows int // rows: at most this many records (line breaks + 1)
		data            []byte
	}
	type result struct {
		seq   int
		sales Sales
		err   error
		cut   bool // sales.Chunks are the buckets of cutByBucket
	}
	n := d.Org.Len()
	workers := runtime.GOMAXPROCS(0)
	blocks := make(chan block, workers)
	free := make(chan []byte, workers+2) // parsed blocks' buffers, for reuse
	results := make(chan result, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// A block is parsed into the arrays of the one before,
			// which cutByBucket copied: reading makes no garbage.
			var spare SaleChunk
			var scratch []int32
			for b := range blocks {
				res := result{seq: b.seq}
				res.sales.Chunks = []SaleChunk{{Member: reuse(&spare.Member, 0, b.rows), Volume: reuse(&spare.Volume, 0, b.rows)}}
				res.sales.spare = &spare
				res.err = d.parseSales(b.data, name, b.line, col, width, plain, bound, &res.sales)
				res.sales.spare = nil
				if res.err == nil {
					if cut, ok := cutByBucket(res.sales.Chunks, n, &scratch); ok {
						spare = res.sales.Chunks[0]
						spare.typeNames, spare.returnAt, spare.orders = nil, nil, strtab{}
						res.sales.Chunks, res.cut = cut, true
					}
				}
				select {
				case free <- b.data[:0]:
				default:
				}
				results <- res
			}
		}()
	}
	readErr := make(chan error, 1)
	go func() {
		readErr <- splitBlocks(body, c.line, size, reusing(free), func(seq int, data []byte, line, breaks int) {
			blocks <- block{seq: seq, line: line, rows: breaks + 1, data: data}
		})
		close(blocks)
		wg.Wait()
		close(results)
	}()
	var parts []Sales
	firstErr, firstSeq := error(nil), -1
	allCut := true
	for res := range results {
		for len(parts) <= res.seq {
			parts = append(parts, Sales{})
		}
		parts[res.seq] = res.sales
		allCut = allCut && res.cut
		if res.err != nil && (firstSeq < 0 || res.seq < firstSeq) {
			firstErr, firstSeq = res.err, res.seq
		}
	}
	// An error in a block comes before the one that stopped the reading.
	if err := <-readErr; err != nil && firstErr == nil {
		return readingError(name, err)
	}
	if firstErr != nil {
		return firstErr
	}
	var chunks []SaleChunk
	if allCut {
		chunks = inBuckets(parts, n)
	} else { // a block cannot be one chunk: keep file order
		for k := range parts {
			for _, c := range parts[k].Chunks {
				if len(c.Member) > 0 {
					chunks = append(chunks, c)
				}
			}
		}
	}
	for k := range parts {
		if u := parts[k].FirstUndated; u > 0 && d.Sales.FirstUndated == 0 {
			d.Sales.FirstUndated, d.Sales.UndatedFile = u, name
		}
		if u := parts[k].FirstNoOrder; u > 0 && d.Sales.FirstNoOrder == 0 {
			d.Sales.FirstNoOrder, d.Sales.NoOrderFile = u, name
		}
		parts[k].Chunks = nil
		if !d.Sales.merge(&parts[k]) {
			return &InputError{File: name, Msg: "total sales are too large for compplan's exact decimals", Err: dec.ErrOverflow}
		}
	}
	d.Sales.Chunks = append(d.Sales.Chunks, chunks...)
	return d.convertReturns(name)
}

// parseSales parses one block of sales rows starting at line.
//
// Rows are taken a batch at a time: the batch's member ids are hashed and
// their slots in the id index touched together (see idIndex.warmBatch),
// so that their cache misses overlap, and that is done a batch ahead: the
// next batch is read and its slots touched before this one's ids are
// looked up and its rows added, so the loads complete while this batch's
// rows are parsed. So the speed does not depend on whether the rows come
// member by member or, as a shop exports them, in date order with every
// member interleaved. Each row is checked and added in file order, so the
// error reported is the first in the file, as if the rows were read one
// by one.
//
// With bound (see Org.joinedBound) the lookups do not load each member's
// joined day: a sale dated on or after its member's bound is not before
// the member joined, and only one dated before it loads the day itself.
func (d *Data) parseSales(data []byte, name string, line int, col []int, width int, plain bool, bound []int32, s *Sales) error {
	c := &csvReader{name: name, buf: data, end: len(data), eof: true, line: line}
	c.plain = plain && bytes.IndexByte(data, '"') < 0 && utf8.Valid(data)
	c.spaces = bytes.IndexByte(data, ' ') >= 0 || bytes.IndexByte(data, '\t') >= 0
	var batches [2]rowBatch
	b, next := &batches[0], &batches[1]
	cv := converter{m: d.Money}
	k := col[sMember]
	exact := []int32(nil) // the joined days, when b.joined holds bounds
	if bound != nil {
		exact = d.Org.joined
	}
	stop := b.fill(c, width)
	d.warm(b, k, bound == nil)
	for {
		more := stop == nil && b.n == batch
		var nextStop error
		if more {
			nextStop = next.fill(c, width)
			d.warm(next, k, bound == nil)
		}
		if bound == nil {
			d.Org.findWarmed(b.keys[:b.n], b.hs[:b.n], b.found[:b.n], b.joined[:b.n])
		} else {
			d.Org.findWarmed(b.keys[:b.n], b.hs[:b.n], b.found[:b.n], nil)
			for r, m := range b.found[:b.n] {
				if m >= 0 {
					b.joined[r] = bound[m/joinedGroup]
				}
			}
		}
		for r := range b.n {
			b.restore(c, r)
			m := b.found[r]
			if m < 0 {
				id := c.fields[k]
				if len(id) == 0 {
					return c.fieldError(k, "member_id", "empty member_id: every sale needs the id of the member who made it")
				}
				return c.fieldError(k, "member_id", "sale for unknown member %q: add the member to the members file or remove the sale", id)
			}
			if err := c.fullSale(s, m, col, d.KeepOrderIDs, b.joined[r], exact, &cv); err != nil {
				return err
			}
		}
		if stop != nil {
			return stop
		}
		if !more {
			break
		}
		b, next, stop = next, b, nextStop
	}
	s.flushDay()
	return c.err
}

// warm hashes the ids in column k of b's rows and touches their slots in
// the id index (see idIndex.warmBatch); joined says whether their joined
// days will be looked up with them.
func (d *Data) warm(b *rowBatch, k int, joined bool) {
	for r := range b.n {
		b.keys[r] = b.fields[r*b.width+k]
	}
	b.sink += d.Org.index.warmBatch(b.keys[:b.n], b.hs[:b.n], joined)
}

// rowBatch holds up to batch records read from a csvReader over a whole
// block, so that the reader may go on to the next ones: a field in the
// block stays where it is, a quoted one (unescaped into the reader's
// scratch, which the next record reuses) is copied.
type rowBatch struct {
	n, width int
	fields   [][]byte // record r's fields are fields[r*width:][:width]
	cols     []int
	lines    []int
	recLine  [batch]int
	keys     [batch][]byte // the member ids, for warm
	hs       [batch]uint64 // their hashes
	found    [batch]int32
	joined   [batch]int32
	sink     uint64
	arena    []byte     // the quoted records' fields
	quoted   [][2]int32 // each quoted field's index in fields and end in arena
	// The reader's own buffers: it parses into these, never into the
	// batch's.
	ownFields [][]byte
	ownCols   []int
	ownLines  []int
}

// fill reads records from c until the batch is full or c ends. It returns
// the error that stopped it at a record (a ragged row); c.err says why c
// ended.
func (b *rowBatch) fill(c *csvReader, width int) (stop error) {
	b.n, b.width = 0, width
	b.fields, b.cols, b.lines = b.fields[:0], b.cols[:0], b.lines[:0]
	b.arena, b.quoted = b.arena[:0], b.quoted[:0]
	c.fields, c.cols, c.lines = b.ownFields[:0], b.ownCols[:0], b.ownLines[:0]
	if c.plain {
		b.fillPlain(c, width)
	}
	for b.n < batch && c.next() {
		b.ownFields, b.ownCols, b.ownLines = c.fields, c.cols, c.lines
		if len(c.fields) != width {
			stop = c.raggedError(width)
			break
		}
		if c.inScratch {
			for k, f := range c.fields {
				b.arena = append(b.arena, f...)
				b.quoted = append(b.quoted, [2]int32{int32(len(b.fields) + k), int32(len(b.arena))})
			}
		}
		b.fields = append(b.fields, c.fields...)
		b.cols = append(b.cols, c.cols...)
		b.lines = append(b.lines, c.lines...)
		b.recLine[b.n] = c.recLine
		b.n++
	}
	from := int32(0)
	for _, q := range b.quoted {
		b.fields[q[0]] = b.arena[from:q[1]:q[1]]
		from = q[1]
	}
	return stop // the ragged row is not in the batch: the rows before it are checked first
}

// fillPlain reads records into the batch as fill does, for a reader whose
// whole buffer is plain (c.plain: no quote, valid UTF-8), where a record is
// its line split at the commas: one pass over the bytes, and no copy of the
// fields. It stops before a record it does not read as parse would (a
// ragged row, a record or field too long), which fill reads then the
// general way, to the same fields or the same error.
func (b *rowBatch) fillPlain(c *csvReader, width int) {
	buf := c.buf[:c.end]
	i, line := c.pos, c.line
	for b.n < batch && i < len(buf) {
		switch {
		case buf[i] == '\n': // an empty line
			i, line = i+1, line+1
			continue
		case buf[i] == '\r' && i+1 < len(buf) && buf[i+1] == '\n':
			i, line = i+2, line+1
			continue
		}
		start, from := i, len(b.fields)
		f, long := i, false // the field's start; a field too long
		for {
			// The next comma or line feed, eight bytes at a time.
			if i+8 <= len(buf) {
				w := binary.LittleEndian.Uint64(buf[i:])
				if m := zeroBytes(w^(ones*',')) | zeroBytes(w^(ones*'\n')); m != 0 {
					i += bits.TrailingZeros64(m) / 8
				} else {
					i = delim(buf, i+8)
				}
			} else {
				i = delim(buf, i)
			}
			if i == len(buf) || buf[i] != ',' {
				break
			}
			long = long || i-f > MaxFieldBytes
			b.fields = append(b.fields, c.trim(buf[f:i]))
			b.cols = append(b.cols, f-start+1)
			i++
			f = i
		}
		to := i
		if to > f && buf[to-1] == '\r' {
			to--
		}
		long = long || to-f > MaxFieldBytes || to-start > MaxRecordBytes
		b.fields = append(b.fields, c.trim(buf[f:to]))
		b.cols = append(b.cols, f-start+1)
		if long || len(b.fields)-from != width {
			b.fields, b.cols = b.fields[:from], b.cols[:from]
			i = start
			break
		}
		for range width {
			b.lines = append(b.lines, line)
		}
		b.recLine[b.n] = line
		b.n++
		if i < len(buf) {
			i, line = i+1, line+1
		}
	}
	c.pos, c.line = i, line
}

const ones, highs = 0x0101010101010101, 0x8080808080808080

// zeroBytes has the high bit of each byte of x set where that byte is 0,
// and no other bit.
func zeroBytes(x uint64) uint64 { return ^((x&^highs + ^uint64(highs)) | x | ^uint64(highs)) }

// delim returns the index of the first comma or line feed in b from i on,
// or len(b), eight bytes at a time.
func delim(b []byte, i int) int {
	for ; i+8 <= len(b); i += 8 {
		w := binary.LittleEndian.Uint64(b[i:])
		if m := zeroBytes(w^(ones*',')) | zeroBytes(w^(ones*'\n')); m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(b); i++ {
		if b[i] == ',' || b[i] == '\n' {
			return i
		}
	}
	return len(b)
}

// restore makes record r of the batch c's current record.
func (b *rowBatch) restore(c *csvReader, r int) {
	w := b.width
	c.fields, c.cols, c.lines = b.fields[r*w:][:w:w], b.cols[r*w:][:w:w], b.lines[r*w:][:w:w]
	c.recLine = b.recLine[r]
}

// addDay adds a sale's amount to its day's. While a block is read the sums
// go into an array of days around the block's first date, and into the map
// at the end of the block (see flushDay): a map update per sale costs half
// a second at 100 million sales.
func (s *Sales) addDay(day int32, amount dec.D) {
	const window = 1 << 12 // days
	if s.days == nil {
		s.days = make([]dec.D, window)
		s.daysFrom = day - window/2
	}
	if k := day - s.daysFrom; k >= 0 && k < window {
		s.days[k] += amount
		return
	}
	if s.dayAmount == nil {
		s.dayAmount = map[int32]dec.D{}
	}
	s.dayAmount[day] += amount
}

// flushDay puts the sums of the day array into the map.
func (s *Sales) flushDay() {
	for k, a := range s.days {
		if a != 0 {
			if s.dayAmount == nil {
				s.dayAmount = map[int32]dec.D{}
			}
			s.dayAmount[s.daysFrom+int32(k)] += a
		}
	}
	s.days = nil
}

// body returns the rest of c's input after the header: what the header
// read buffered ahead, then c.r, which turns lone CRs into line ends.
func (c *csvReader) body() io.Reader {
	if c.eof {
		return bytes.NewReader(c.buf[c.pos:c.end])
	}
	return io.MultiReader(bytes.NewReader(bytes.Clone(c.buf[c.pos:c.end])), c.r)
}

// reusing returns splitBlocks's get: a buffer given back on free when one
// is there and large enough, else a new one.
func reusing(free chan []byte) func(n int) []byte {
	return func(n int) []byte {
		select {
		case b := <-free:
			if cap(b) >= n {
				return b[:n]
			}
		default:
		}
		return make([]byte, n)
	}
}

// readingError is the error that stopped splitBlocks reading file name.
func readingError(name string, err error) error {
	if e, ok := err.(*InputError); ok {
		e.File = name
		return e
	}
	return fmt.Errorf("%s: %w", name, err)
}

// splitBlocks reads r and hands emit blocks of whole records (cut after a
// line break outside quotes), each with the line number it starts on and
// the number of line breaks it holds.
// get returns a buffer of n bytes; a buffer is reused only after emit's
// consumer is done with it.
func splitBlocks(r io.Reader, line, size int, get func(n int) []byte, emit func(seq int, data []byte, line, breaks int)) error {
	var carry []byte
	seq := 0
	next := min(size, 64<<10) // small files get small buffers; large ones grow to size
	for eof := false; !eof; {
		buf := get(max(next, 2*len(carry)))
		next = min(2*next, size)
		n := copy(buf, carry)
		for n < len(buf) && !eof {
			k, err := r.Read(buf[n:])
			n += k
			if err == io.EOF {
				eof = true
			} else if err != nil {
				return err
			}
		}
		buf = buf[:n]
		cut := len(buf)
		if !eof {
			cut = recordCut(buf)
			tail, tailLine := buf, line
			if cut >= 0 {
				tail, tailLine = buf[cut:], line+bytes.Count(buf[:cut], []byte{'\n'})
			}
			if len(tail) > MaxRecordBytes+2 { // not even its line end fits
				return recordTooLong("", tailLine, tail)
			}
			if cut < 0 { // one record larger than the block: read more
				carry = buf
				continue
			}
		}
		if cut > 0 {
			breaks := bytes.Count(buf[:cut], []byte{'\n'})
			emit(seq, buf[:cut], line, breaks)
			seq++
			line += breaks
		}
		carry = append([]byte(nil), buf[cut:]...)
	}
	return nil
}

// recordCut returns the end of the last whole record in b (just after a
// line break that is not inside quotes), or -1 if there is none. b starts at
// a record boundary.
func recordCut(b []byte) int {
	last := bytes.LastIndexByte(b, '\n')
	if last < 0 {
		return -1
	}
	if bytes.IndexByte(b, '"') < 0 {
		return last + 1
	}
	cut, quoted := -1, false
	for i, ch := range b {
		switch {
		case ch == '"':
			quoted = !quoted
		case ch == '\n' && !quoted:
			cut = i + 1
		}
	}
	return cut
}

// fullSale reads the current sales record of member m: amount, volume, qv,
// cv, type and order id. joined is m's joined day, or with exact (every
// member's joined day) a day at or after it, which exact[m] refines when
// the sale is dated before it.
func (c *csvReader) fullSale(s *Sales, m int32, col []int, keep bool, joined int32, exact []int32, cv *converter) error {
	if col[sType] >= 0 {
		c.fields[col[sType]] = lowerType(c.fields[col[sType]])
	}
	c.refund = col[sType] >= 0 && string(c.fields[col[sType]]) == ReturnType
	if c.refund && (col[sOrder] < 0 || len(c.fields[col[sOrder]]) == 0) {
		k := max(col[sOrder], col[sType])
		return c.fieldError(k, "order_id", "a return needs the order_id of the sale it returns")
	}
	amount, err := c.decimal(col[sAmount], "amount")
	if err != nil {
		return err
	}
	r := saleRow{member: m, hasType: col[sType] >= 0, date: NoDate}
	if col[sDate] >= 0 {
		if r.date, err = c.date(col[sDate], "date"); err != nil {
			return err
		}
	}
	var pending *pendingReturn
	if k := col[sCurrency]; k >= 0 && len(c.fields[k]) > 0 && (cv.m == nil || string(c.fields[k]) != cv.m.Currency) {
		if c.refund && cv.m != nil && cv.m.Rates != nil {
			cur := string(c.fields[k])
			// A return converts at its order's rate, once every order
			// is read (see convertReturns): 0 until then.
			if r.date == NoDate {
				return c.fieldError(k, "currency", "a sale in %s without a date: its rate is the one on its date", cur)
			}
			if _, ok := dec.CurrencyDigits(cur); !ok {
				return c.fieldError(k, "currency", "%q is not an ISO 4217 currency code such as EUR, GBP or JPY", cur)
			}
			pending = &pendingReturn{line: c.recLine, col: c.cols[k], order: string(c.fields[col[sOrder]]), currency: cur, amount: amount, day: r.date,
				volume: col[sVolume] < 0 || len(c.fields[col[sVolume]]) == 0}
			pending.qv = pending.volume && (col[sQV] < 0 || len(c.fields[col[sQV]]) == 0)
			pending.cv = pending.volume && (col[sCV] < 0 || len(c.fields[col[sCV]]) == 0)
			amount = 0
		} else {
			if amount, err = cv.convert(amount, c.fields[k], r.date); err != nil {
				return c.fieldError(k, "currency", "%v", err)
			}
			if col[sOrder] >= 0 && len(c.fields[col[sOrder]]) > 0 && !c.refund {
				s.noteForeignOrder(c.fields[col[sOrder]], c.fields[k], r.date)
			}
		}
	}
	volume, err := c.optionalDecimal(col[sVolume], "volume", amount)
	if err != nil {
		return err
	}
	switch {
	case r.date == NoDate:
		if s.FirstUndated == 0 {
			s.FirstUndated = c.recLine
		}
	case joined != NoDate && r.date < joined && (exact == nil || r.date < exact[m]):
		if exact != nil {
			joined = exact[m]
		}
		return c.fieldError(col[sDate], "date", "the sale is dated %s, before its member joined (%s): fix the date or the member's joined", FormatDate(r.date), FormatDate(joined))
	default:
		s.addDay(r.date, amount) // bounded by the total, checked below
	}
	if r.qv, err = c.optionalDecimal(col[sQV], "qv", volume); err != nil {
		return err
	}
	if r.cv, err = c.optionalDecimal(col[sCV], "cv", volume); err != nil {
		return err
	}
	// QV and CV each default to the volume: a QV is kept only where it
	// differs from the CV (a cv column without a qv column is such a case).
	r.hasQV = r.qv != r.cv
	if err := c.addTotals(s, amount, r.cv); err != nil {
		return err
	}
	if r.hasType {
		r.typ = c.fields[col[sType]]
	}
	if col[sOrder] >= 0 {
		r.order = c.fields[col[sOrder]]
	}
	if len(r.order) == 0 && s.FirstNoOrder == 0 {
		s.FirstNoOrder = c.recLine
	}
	if !s.addRow(&r, keep) {
		return c.errorf(c.recLine, 0, "more than 255 sale types, or order ids over 4 GiB, in one block")
	}
	if c.refund {
		s.Chunks[len(s.Chunks)-1].markReturn(c.name, c.recLine)
	}
	if pending != nil {
		s.pending = append(s.pending, *pending)
	}
	return nil
}

// lowerType returns a sale type in lower case: types are matched without
// regard to case (RETURN is a return; a plan's "Sample" matches "SAMPLE").
// ASCII is lowered in place (t is the current record's field); anything
// else in a copy, trimmed of any Unicode space (a "return" followed by a
// no-break space is a return).
func lowerType(t []byte) []byte {
	for i, ch := range t {
		if ch >= utf8.RuneSelf {
			return bytes.ToLower(bytes.TrimFunc(t, unicode.IsSpace))
		}
		if 'A' <= ch && ch <= 'Z' {
			t[i] = ch + 'a' - 'A'
		}
	}
	return t
}
