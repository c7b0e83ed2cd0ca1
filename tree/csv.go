package tree

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// MaxFieldBytes is the longest field a CSV file may hold; a longer one is an
// error rather than an unbounded allocation.
const MaxFieldBytes = 64 << 10

// InputError is bad input: a file, the line and column where the problem is,
// and what was expected. The CLI exits 2 for it.
type InputError struct {
	File   string
	Line   int // 1-based; 0 when the problem is the file as a whole
	Column int // 1-based byte column; 0 when not known
	Field  string
	Msg    string
}

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
	err     error

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
	return &csvReader{r: r, name: name, buf: make([]byte, 256<<10), line: 1}
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
	if c.end == len(c.buf) {
		if len(c.buf) >= 2*MaxFieldBytes+(4<<20) {
			// A record this long has a field over the limit; the parser
			// reports it once it sees the whole field, so grow once more.
			c.err = c.errorf(c.line, 0, "a record is longer than %d bytes: is a quote left open?", len(c.buf))
			return false
		}
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
	if i == len(b) {
		if c.eof {
			c.pos, c.line = c.end, line
			return false, true
		}
		return false, false
	}
	if i == len(b)-1 && b[i] == '\r' && !c.eof {
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
	c.pos += i
	c.line = line
	return true, false
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
		name := string(bytes.ToLower(f))
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

// fieldError is an InputError about field k of the current record.
func (c *csvReader) fieldError(k int, column, format string, args ...any) error {
	return &InputError{File: c.name, Line: c.lines[k], Column: c.cols[k], Field: column, Msg: fmt.Sprintf(format, args...)}
}

// errRagged is the error for a record whose field count differs from the header's.
func (c *csvReader) raggedError(want int) error {
	return c.errorf(c.recLine, 0, "row has %d fields but the header has %d: quote fields that contain commas", len(c.fields), want)
}

// trimSpace trims ASCII spaces and tabs, fast when there are none.
func trimSpace(f []byte) []byte {
	if n := len(f); n == 0 || (f[0] != ' ' && f[0] != '\t' && f[n-1] != ' ' && f[n-1] != '\t') {
		return f
	}
	return bytes.Trim(f, " \t")
}
