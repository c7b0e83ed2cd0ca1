package tree

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxFieldBytes is the longest field a CSV file may hold; a longer one is an
// error rather than an unbounded allocation.
const MaxFieldBytes = 64 << 10

// MaxRecordBytes is the longest record (one row, with its line end) a CSV
// file may hold: a reader stops there, so that an unclosed quote or a file
// without line ends cannot hold the whole input in memory.
const MaxRecordBytes = 1 << 20

// InputError is bad input: a file, the line and column where the problem is,
// and what was expected. The CLI exits 2 for it.
type InputError struct {
	File   string
	Line   int // 1-based; 0 when the problem is the file as a whole
	Column int // 1-based byte column; 0 when not known
	Field  string
	Msg    string
	// Err is what the error wraps: dec.ErrOverflow for a total beyond the
	// exact range, which is no fault of the input's form (exit 1, not 2).
	Err error
}

func (e *InputError) Unwrap() error { return e.Err }

func (e *InputError) Error() string {
	var b bytes.Buffer
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	if e.Field != "" {
		fmt.Fprintf(&b, "column %q: ", e.Field)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// csvReader reads RFC 4180 CSV fast: fields are byte slices into its own
// buffer, valid until the next call to next. It strips a UTF-8 byte order
// mark, accepts LF and CRLF line ends and quoted fields (with "" escapes and
// line breaks inside), skips empty lines, trims spaces around every field and
// rejects invalid UTF-8, bare quotes and unterminated quotes with the line and
// column where they are.
type csvReader struct {
	r    io.Reader
	name string
	buf  []byte
	pos  int // start of unread data in buf
	end  int // end of valid data in buf
	eof  bool

	line    int // line number of the next unread byte
	recLine int // line where the current record starts

	fields  [][]byte
	cols    []int // 1-based byte column of each field on its line
	lines   []int // line of each field
	scratch []byte
	// inScratch: some of the record's fields are in scratch (quoted),
	// the rest point into buf.
	inScratch bool
	// plain: buf holds no quote and is valid UTF-8, so a record is a
	// line split at its commas (see rowBatch.fillPlain).
	plain bool
	// spaces: buf may hold a space or a tab, which trim then trims.
	spaces bool
	err    error

	lastDate       [10]byte // the last date parsed, and its day
	lastDay        int32
	hasLastDate    bool
	lastDayOfMonth int // the last date's day of the month,
	lastMonthDays  int // and the number of days in its month

	// refund: the current record is a return, whose amount and volumes
	// are 0 or less.
	refund bool
}

func newCSVReader(r io.Reader, name string) *csvReader {
	return &csvReader{r: &lineEnds{r: r}, name: name, buf: make([]byte, 256<<10), line: 1}
}

// lineEnds reads r with every lone CR (the line end of "CSV (Macintosh)"
// files) turned into an LF; a CRLF stays as it is. A CR at the end of a
// read is held back until the next byte shows whether an LF follows.
// Bytes keep their places, so columns do not change, and a lone CR counts
// as one line end, as an LF or a CRLF does.
type lineEnds struct {
	r        io.Reader
	cr       bool // a CR was read and not yet returned
	extra    byte // a byte to return before reading more (hasExtra)
	hasExtra bool
	err      error // the error to return with extra
}

func (l *lineEnds) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if l.hasExtra {
		p[0], l.hasExtra = l.extra, false
		err := l.err
		l.err = nil
		return 1, err
	}
	for {
		if l.cr && len(p) == 1 { // no room to look ahead in p
			var two [2]byte
			n, err := l.Read(two[:])
			if n == 0 {
				return 0, err
			}
			p[0] = two[0]
			if n == 2 {
				l.extra, l.hasExtra, l.err = two[1], true, err
				return 1, nil
			}
			return 1, err
		}
		off := 0
		if l.cr {
			off = 1
		}
		n, err := l.r.Read(p[off:])
		end := off + n
		if l.cr {
			switch {
			case n > 0:
				p[0], l.cr = '\n', false
				if p[1] == '\n' {
					p[0] = '\r'
				}
			case err != nil: // a CR at the end of the input
				p[0], l.cr = '\n', false
			default:
				end = 0
			}
		}
		for j := off; j < end; {
			k := bytes.IndexByte(p[j:end], '\r')
			if k < 0 {
				break
			}
			j += k
			if j+1 < end {
				if p[j+1] != '\n' {
					p[j] = '\n'
				}
				j++
				continue
			}
			if err == nil { // the last byte: hold it back
				l.cr = true
				end--
			} else {
				p[j] = '\n'
			}
			break
		}
		if end > 0 || err != nil {
			return end, err
		}
	}
}

func (c *csvReader) errorf(line, col int, format string, args ...any) error {
	return &InputError{File: c.name, Line: line, Column: col, Msg: fmt.Sprintf(format, args...)}
}

// fill compacts the buffer so unread data starts at 0 and reads more.
// It reports false when no more data can come.
func (c *csvReader) fill() bool {
	if c.eof {
		return false
	}
	if c.pos > 0 {
		c.end = copy(c.buf, c.buf[c.pos:c.end])
		c.pos = 0
	}
	if c.end == len(c.buf) { // next stops before a record outgrows MaxRecordBytes
		nb := make([]byte, 2*len(c.buf))
		copy(nb, c.buf[:c.end])
		c.buf = nb
	}
	for {
		n, err := c.r.Read(c.buf[c.end:])
		c.end += n
		if err == io.EOF {
			c.eof = true
			return n > 0
		}
		if err != nil {
			c.err = fmt.Errorf("%s: %w", c.name, err)
			c.eof = true
			return false
		}
		if n > 0 {
			return true
		}
	}
}

// next reads the next record into c.fields. It returns false at the end of
// input or on error (see c.err).
func (c *csvReader) next() bool {
	if c.err != nil {
		return false
	}
	if c.line == 1 && c.pos == 0 {
		for c.end < 3 && c.fill() {
		}
		if bytes.HasPrefix(c.buf[c.pos:c.end], []byte("\xEF\xBB\xBF")) {
			c.pos += 3
		}
	}
	for {
		ok, complete := c.parse()
		if ok {
			return true
		}
		if c.err != nil {
			return false
		}
		if complete { // nothing left at all
			return false
		}
		if c.end-c.pos > MaxRecordBytes+2 { // not even its line end fits
			c.err = recordTooLong(c.name, c.line, c.buf[c.pos:c.end])
			return false
		}
		if !c.fill() {
			if c.err != nil {
				return false
			}
			// At EOF: parse once more knowing no more data comes.
			ok, _ := c.parse()
			return ok
		}
	}
}

// parse tries to read one record from buf[pos:end]. It returns ok when a
// record was read; otherwise complete reports that the input is exhausted
// (no record at all) and an incomplete record waits for more data.
func (c *csvReader) parse() (ok, complete bool) {
	b := c.buf[c.pos:c.end]
	// Skip empty lines.
	i, line := 0, c.line
	for {
		if i < len(b) && b[i] == '\n' {
			i++
			line++
			continue
		}
		if i+1 < len(b) && b[i] == '\r' && b[i+1] == '\n' {
			i += 2
			line++
			continue
		}
		break
	}
	// Empty lines are read: a record starts at pos, on line.
	c.pos, c.line, b, i = c.pos+i, line, b[i:], 0
	if len(b) == 0 {
		return false, c.eof
	}
	if len(b) == 1 && b[0] == '\r' && !c.eof {
		return false, false
	}
	c.fields = c.fields[:0]
	c.cols = c.cols[:0]
	c.lines = c.lines[:0]
	// Fast path: a whole line without quotes, split with vectorised searches.
	if nl := bytes.IndexByte(b[i:], '\n'); nl >= 0 || c.eof {
		end, next := len(b), len(b)
		if nl >= 0 {
			end, next = i+nl, i+nl+1
		}
		if rec := b[i:end]; bytes.IndexByte(rec, '"') < 0 {
			if n := len(rec); n > 0 && rec[n-1] == '\r' {
				rec = rec[:n-1]
			}
			if len(rec) > MaxRecordBytes {
				c.err = recordTooLong(c.name, line, rec)
				return false, false
			}
			valid := utf8.Valid(rec)
			for start := 0; ; {
				j := bytes.IndexByte(rec[start:], ',')
				f := rec[start:]
				if j >= 0 {
					f = rec[start : start+j]
				}
				if len(f) > MaxFieldBytes {
					c.err = c.errorf(line, start+1, "field is longer than %d bytes", MaxFieldBytes)
					return false, false
				}
				if !valid && !utf8.Valid(f) {
					c.err = c.errorf(line, start+1, "field is not valid UTF-8: save the file as UTF-8")
					return false, false
				}
				c.cols = append(c.cols, start+1)
				c.lines = append(c.lines, line)
				c.fields = append(c.fields, trimSpace(f))
				if j < 0 {
					break
				}
				start += j + 1
			}
			c.recLine = line
			c.inScratch = false
			c.pos += next
			c.line = line
			if nl >= 0 {
				c.line++
			}
			return true, false
		}
	}
	c.scratch = c.scratch[:0]
	recLine := line
	lineStart := i
	type span struct{ from, to int } // into b, or into scratch when from < 0
	var spans [64]span
	sp := spans[:0]
	recEnd := 0 // where the record's last field ends
	for {
		col := i - lineStart + 1
		c.cols = append(c.cols, col)
		c.lines = append(c.lines, line)
		if i < len(b) && b[i] == '"' {
			// Quoted field: copy into scratch, unescaping "".
			open, openCol := line, col
			start := len(c.scratch)
			i++
			for {
				j := bytes.IndexByte(b[i:], '"')
				if j < 0 {
					if c.eof {
						c.err = c.errorf(open, openCol, "a quoted field is never closed: add the closing \"")
					}
					return false, false
				}
				chunk := b[i : i+j]
				if n := bytes.Count(chunk, []byte{'\n'}); n > 0 {
					line += n
					lineStart = i + bytes.LastIndexByte(chunk, '\n') + 1
				}
				c.scratch = append(c.scratch, chunk...)
				i += j + 1
				if i < len(b) && b[i] == '"' {
					c.scratch = append(c.scratch, '"')
					i++
					continue
				}
				if i == len(b) && !c.eof {
					return false, false // the next byte may be a second quote
				}
				break
			}
			if len(c.scratch)-start > MaxFieldBytes {
				c.err = c.errorf(open, openCol, "field is longer than %d bytes", MaxFieldBytes)
				return false, false
			}
			sp = append(sp, span{-1 - start, len(c.scratch)})
			if i < len(b) && b[i] != ',' && b[i] != '\n' && b[i] != '\r' {
				c.err = c.errorf(line, i-lineStart+1, "unexpected %q after a closing quote: a quote inside a quoted field is written \"\"", b[i])
				return false, false
			}
		} else {
			start := i
			for i < len(b) && b[i] != ',' && b[i] != '\n' {
				if b[i] == '"' {
					c.err = c.errorf(line, i-lineStart+1, "a quote inside an unquoted field: quote the whole field and write the quote as \"\"")
					return false, false
				}
				i++
			}
			if i == len(b) && !c.eof {
				return false, false
			}
			to := i
			if to > start && b[to-1] == '\r' && i < len(b) {
				to--
			}
			if to-start > MaxFieldBytes {
				c.err = c.errorf(line, col, "field is longer than %d bytes", MaxFieldBytes)
				return false, false
			}
			sp = append(sp, span{start, to})
		}
		recEnd = i
		if i < len(b) && b[i] == '\r' && i+1 < len(b) && b[i+1] == '\n' {
			i++
		}
		if i >= len(b) || b[i] == '\n' {
			if i < len(b) {
				i++
				line++
			}
			break
		}
		i++ // the comma
	}
	if recEnd > MaxRecordBytes {
		c.err = recordTooLong(c.name, recLine, b[:recEnd])
		return false, false
	}
	for k, s := range sp {
		var f []byte
		if s.from < 0 {
			f = c.scratch[-1-s.from : s.to]
		} else {
			f = b[s.from:s.to]
		}
		if !utf8.Valid(f) {
			c.err = c.errorf(c.lines[k], c.cols[k], "field is not valid UTF-8: save the file as UTF-8")
			return false, false
		}
		c.fields = append(c.fields, trimSpace(f))
	}
	c.recLine = recLine
	c.inScratch = len(c.scratch) > 0
	c.pos += i
	c.line = line
	return true, false
}

// recordTooLong is the error for a record longer than MaxRecordBytes that
// starts on line with the bytes rec (all of it, or as much as was read).
// It says a quote is left open only when one is, and where it opened.
func recordTooLong(name string, line int, rec []byte) *InputError {
	open, at := false, 0
	for i, ch := range rec {
		if ch == '"' {
			if open = !open; open {
				at = i
			}
		}
	}
	msg := fmt.Sprintf("a record longer than %d MiB starts on this line: a record (one row) may hold at most %d bytes", MaxRecordBytes>>20, MaxRecordBytes)
	if open {
		qline := line + bytes.Count(rec[:at], []byte{'\n'})
		col := at - bytes.LastIndexByte(rec[:at], '\n')
		msg = fmt.Sprintf("a record longer than %d MiB starts on this line: is a quote left open? The quote at line %d, column %d is never closed", MaxRecordBytes>>20, qline, col)
	}
	return &InputError{File: name, Line: line, Msg: msg}
}

// header reads the header row and maps each wanted column name
// (case-insensitive, surrounding spaces ignored) to its index, or -1.
// Duplicate names are an error; unknown columns are ignored.
func (c *csvReader) header(want []string) ([]int, error) {
	if !c.next() {
		if c.err != nil {
			return nil, c.err
		}
		return nil, &InputError{File: c.name, Msg: "the file is empty: expected a header row naming the columns (" + strings.Join(want, ", ") + ")"}
	}
	idx := make([]int, len(want))
	for i := range idx {
		idx[i] = -1
	}
	seen := map[string]int{}
	for k, f := range c.fields {
		// Any space around a name goes, a no-break space too: a column
		// not recognised is ignored, and its data with it.
		name := strings.ToLower(strings.TrimFunc(string(f), unicode.IsSpace))
		if prev, dup := seen[name]; dup && name != "" {
			return nil, c.errorf(c.recLine, c.cols[k], "column %q appears twice (first at field %d): rename or remove one", f, prev+1)
		}
		seen[name] = k
		for i, w := range want {
			if name == w {
				idx[i] = k
			}
		}
	}
	return idx, nil
}

// separatorHint, when the header just read is one column holding
// semicolons or tabs, says to save the file with commas.
func (c *csvReader) separatorHint() string {
	if len(c.fields) != 1 {
		return ""
	}
	for _, sep := range []struct{ ch, name string }{{";", "semicolons"}, {"\t", "tabs"}} {
		if bytes.Contains(c.fields[0], []byte(sep.ch)) {
			return fmt.Sprintf("; the header is one column %q: save the file with commas between the columns, not %s", c.fields[0], sep.name)
		}
	}
	return ""
}

// fieldError is an InputError about field k of the current record.
func (c *csvReader) fieldError(k int, column, format string, args ...any) error {
	return &InputError{File: c.name, Line: c.lines[k], Column: c.cols[k], Field: column, Msg: fmt.Sprintf(format, args...)}
}

// errRagged is the error for a record whose field count differs from the header's.
func (c *csvReader) raggedError(want int) error {
	return c.errorf(c.recLine, 0, "row has %d fields but the header has %d: quote fields that contain commas", len(c.fields), want)
}

// trim is trimSpace where c.spaces says the buffer may hold spaces.
func (c *csvReader) trim(f []byte) []byte {
	if !c.spaces {
		return f
	}
	return trimSpace(f)
}

// trimSpace trims ASCII spaces and tabs, fast when there are none.
func trimSpace(f []byte) []byte {
	if n := len(f); n == 0 || (f[0] != ' ' && f[0] != '\t' && f[n-1] != ' ' && f[n-1] != '\t') {
		return f
	}
	return bytes.Trim(f, " \t")
}
