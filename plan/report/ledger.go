package report

import (
	"io"
	"strconv"
	"strings"

	"github.com/compplan/compplan/plan"
)

// LedgerColumns are the ledger's columns, in order.
var LedgerColumns = []string{"period", "earner", "component", "source_member", "source_order",
	"level", "compressed_level", "base", "rate", "amount", "note"}

// Ledger streams commission lines as CSV or, with JSONLines, one JSON
// object per line with the same keys. Call Line for each line (it fits
// plan.Options.Lines), then Flush.
type Ledger struct {
	w         *asyncWriter
	jsonLines bool
	b, tmp    []byte
}

// NewLedger starts a ledger on w; the CSV form writes its header now.
func NewLedger(w io.Writer, jsonLines bool) *Ledger {
	l := &Ledger{w: newAsyncWriter(w), jsonLines: jsonLines}
	if !jsonLines {
		l.w.Write([]byte(strings.Join(LedgerColumns, ",") + "\n"))
	}
	return l
}

// Line writes one commission line of result r.
func (l *Ledger) Line(r *plan.Result, ln *plan.Line) error {
	l.b = l.appendLine(l.b[:0], r, ln)
	_, err := l.w.Write(l.b)
	return err
}

// appendLine appends one line as a CSV record or a JSON object, with its
// line break.
func (l *Ledger) appendLine(b []byte, r *plan.Result, ln *plan.Line) []byte {
	p := r.Plan
	sale := &r.Data.Sales.Chunks[ln.Sale.Chunk]
	t := l.tmp[:0]
	b = l.text(b, 0, nil)
	if ln.Earner >= 0 {
		t = r.Org.AppendID(t, ln.Earner)
	}
	b = l.text(b, 1, t)
	b = l.text(b, 2, append(t[:0], p.Components[ln.Component].Name...))
	b = l.text(b, 3, r.Org.AppendID(t[:0], ln.Seller))
	b = l.text(b, 4, sale.AppendOrderID(t[:0], int(ln.Sale.K)))
	b = l.sep(b, 5)
	if ln.Upline >= 0 {
		b = strconv.AppendInt(b, int64(ln.Level), 10)
	} else if l.jsonLines {
		b = append(b, "null"...)
	}
	b = strconv.AppendInt(l.sep(b, 6), int64(ln.PaidLevel), 10)
	b = ln.Base.Append(l.sep(b, 7))
	b = ln.Rate.AppendFraction(l.sep(b, 8))
	b = ln.Amount.AppendFixed(l.sep(b, 9), p.Digits)
	t = ln.AppendNote(t[:0], r)
	b = l.text(b, 10, t)
	if l.jsonLines {
		b = append(b, '}')
	}
	l.tmp = t
	return append(b, '\n')
}

// text appends field i holding f, quoted for CSV or JSON; empty text is
// null in JSON (but for the note, which is always a string).
func (l *Ledger) text(b []byte, i int, f []byte) []byte {
	b = l.sep(b, i)
	switch {
	case !l.jsonLines:
		return csvField(b, f)
	case len(f) == 0 && i != len(LedgerColumns)-1:
		return append(b, "null"...)
	}
	return jsonString(b, f)
}

// sep starts field i: a comma, or in JSON the key too.
func (l *Ledger) sep(b []byte, i int) []byte {
	switch {
	case l.jsonLines && i == 0:
		b = append(b, '{')
	case i > 0:
		b = append(b, ',')
	}
	if l.jsonLines {
		b = append(b, '"')
		b = append(b, LedgerColumns[i]...)
		b = append(b, '"', ':')
	}
	return b
}

// Flush writes what is buffered and ends the ledger; it returns the first
// write error. Call it once, after the last line.
func (l *Ledger) Flush() error { return l.w.Close() }
