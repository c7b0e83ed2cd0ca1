package report

import (
	"bufio"
	"io"
	"strconv"

	"github.com/compplan/compplan/plan"
)

// LedgerColumns are the ledger's columns, in order.
var LedgerColumns = []string{"period", "earner", "component", "source_member", "source_order",
	"level", "compressed_level", "base", "rate", "amount", "note"}

// Ledger streams commission lines as CSV or, with JSONLines, one JSON
// object per line with the same keys. Call Line for each line (it fits
// plan.Options.Lines), then Flush.
type Ledger struct {
	w         *bufio.Writer
	jsonLines bool
	b, tmp    []byte
}

// NewLedger starts a ledger on w; the CSV form writes its header now.
func NewLedger(w io.Writer, jsonLines bool) *Ledger {
	l := &Ledger{w: bufio.NewWriterSize(w, 1<<16), jsonLines: jsonLines}
	if !jsonLines {
		for i, c := range LedgerColumns {
			if i > 0 {
				l.w.WriteByte(',')
			}
			l.w.WriteString(c)
		}
		l.w.WriteByte('\n')
	}
	return l
}

// Line writes one commission line of result r.
func (l *Ledger) Line(r *plan.Result, ln *plan.Line) error {
	p := r.Plan
	sale := &r.Data.Sales.Chunks[ln.Sale.Chunk]
	earner := ""
	if ln.Earner >= 0 {
		earner = r.Org.ID(ln.Earner)
	}
	level := ""
	if ln.Upline >= 0 {
		level = strconv.Itoa(ln.Level)
	}
	fields := [...]string{
		"", earner, p.Components[ln.Component].Name, r.Org.ID(ln.Seller), sale.OrderID(int(ln.Sale.K)),
		level, strconv.Itoa(ln.PaidLevel),
		string(ln.Base.Append(l.tmp[:0])), string(ln.Rate.AppendFraction(nil)),
		string(ln.Amount.AppendFixed(nil, p.Digits)), ln.Note(r),
	}
	b := l.b[:0]
	if l.jsonLines {
		for i, f := range fields {
			if i == 0 {
				b = append(b, '{')
			} else {
				b = append(b, ',')
			}
			b = jsonString(b, LedgerColumns[i])
			b = append(b, ':')
			switch {
			case i >= 5 && i <= 9 && f != "": // numbers
				b = append(b, f...)
			case f == "" && i != 10:
				b = append(b, "null"...)
			default:
				b = jsonString(b, f)
			}
		}
		b = append(b, "}\n"...)
	} else {
		for i, f := range fields {
			if i > 0 {
				b = append(b, ',')
			}
			b = csvField(b, []byte(f))
		}
		b = append(b, '\n')
	}
	l.b = b
	_, err := l.w.Write(b)
	return err
}

// Flush writes what is buffered.
func (l *Ledger) Flush() error { return l.w.Flush() }
