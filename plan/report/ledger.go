package report

import (
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/compplan/compplan/plan"
	"github.com/compplan/compplan/tree"
)

// LedgerColumns are the ledger's columns, in order.
var LedgerColumns = []string{"period", "earner", "component", "source_member", "source_order",
	"level", "compressed_level", "base", "rate", "amount", "note",
	"unscaled_amount", "scale"}

// ledgerNote is the note's column: a string in JSON even when empty.
const ledgerNote = 10

// Ledger streams commission lines as CSV or, with jsonLines, one JSON
// object per line with the same keys. Call Line for each line (it fits
// plan.Options.Lines), then Flush once.
//
// Lines are copied into batches that goroutines format in parallel; a
// writer goroutine puts the formatted batches back in order and writes
// them, so formatting uses every core and overlaps the writes.
type Ledger struct {
	jsonLines bool
	r         *plan.Result
	batch     []plan.Line
	seq       int
	jobs      chan ledgerJob
	done      chan error
	free      chan []plan.Line
	freeOut   chan []byte
	started   bool
	header    []byte
	w         io.Writer
	err       error
	period    []byte // the period column's text ("" outside periods)
	safe      bool   // CSV text a spreadsheet would run as a formula gets a '
	deducted  *plan.Result
}

// Deductions has Flush write r's deduction lines after the commission
// lines (see appendDeductionLines); without it, or without deductions in
// the plan, there are none.
func (l *Ledger) Deductions(r *plan.Result) { l.deducted = r }

// WithSafeCSV sets whether the CSV ledger prefixes text a spreadsheet would
// run as a formula (ids, order ids, notes such as an adjustment's reason)
// with ', as --safe-csv does for the results; JSON Lines are never
// changed. Call it before the first line.
func (l *Ledger) WithSafeCSV(on bool) *Ledger {
	l.safe = on && !l.jsonLines
	return l
}

type ledgerJob struct {
	seq   int
	lines []plan.Line
	out   []byte
}

const ledgerBatch = 4096

// warmLines is how many lines' order ids a formatter touches (see
// tree.Sales.WarmOrderIDs) before it formats them: the lines come in
// seller order, and in a file in date order a seller's orders are
// scattered over it.
const warmLines = 256

// NewLedger starts a ledger on w.
func NewLedger(w io.Writer, jsonLines bool) *Ledger {
	l := &Ledger{w: w, jsonLines: jsonLines}
	if !jsonLines {
		l.header = []byte(strings.Join(LedgerColumns, ",") + "\n")
	}
	return l
}

// start launches the formatters and the writer.
func (l *Ledger) start() {
	l.started = true
	workers := runtime.GOMAXPROCS(0)
	l.jobs = make(chan ledgerJob, 2*workers)
	l.free = make(chan []plan.Line, 4*workers)
	l.freeOut = make(chan []byte, 4*workers)
	formatted := make(chan ledgerJob, 2*workers)
	// With --safe-csv every id goes through the checked text path.
	plainIDs, plainOrders := l.r.Org.IDsArePlain() && !l.safe, l.r.Data.Sales.OrderIDsArePlain() && !l.safe
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f := &lineFormatter{jsonLines: l.jsonLines, plainIDs: plainIDs, plainOrders: plainOrders, period: l.period, safe: l.safe}
			sales := &l.r.Data.Sales
			for j := range l.jobs {
				for from := 0; from < len(j.lines); from += warmLines {
					lines := j.lines[from:min(from+warmLines, len(j.lines))]
					f.sink += sales.WarmOrderIDs(len(lines), func(i int) (c, k int32) { return lines[i].Sale.Chunk, lines[i].Sale.K })
					for k := range lines {
						j.out = f.appendLine(j.out, l.r, &lines[k])
					}
				}
				formatted <- j
			}
		}()
	}
	go func() { wg.Wait(); close(formatted) }()
	l.done = make(chan error, 1)
	go func() {
		_, err := l.w.Write(l.header)
		pending := map[int]ledgerJob{}
		next := 0
		for j := range formatted {
			pending[j.seq] = j
			for {
				j, ok := pending[next]
				if !ok {
					break
				}
				delete(pending, next)
				next++
				if err == nil {
					_, err = l.w.Write(j.out)
				}
				select {
				case l.free <- j.lines[:0]:
				default:
				}
				select {
				case l.freeOut <- j.out[:0]:
				default:
				}
			}
		}
		l.done <- err
	}()
}

// Line adds one commission line of result r.
func (l *Ledger) Line(r *plan.Result, ln *plan.Line) error {
	if !l.started {
		l.r = r
		l.start()
	}
	if l.batch == nil {
		select {
		case l.batch = <-l.free:
		default:
			l.batch = make([]plan.Line, 0, ledgerBatch)
		}
	}
	l.batch = append(l.batch, *ln)
	if len(l.batch) == ledgerBatch {
		l.send()
	}
	return nil
}

func (l *Ledger) send() {
	var out []byte
	select {
	case out = <-l.freeOut:
	default:
		out = make([]byte, 0, 128*ledgerBatch)
	}
	l.jobs <- ledgerJob{seq: l.seq, lines: l.batch, out: out}
	l.seq++
	l.batch = nil
}

// Flush writes the lines not yet written and ends the ledger; it returns
// the first write error.
func (l *Ledger) Flush() error {
	if !l.started {
		if _, err := l.w.Write(l.header); err != nil {
			return err
		}
		l.started = true
		return l.writeDeductions()
	}
	if l.done == nil {
		return l.err
	}
	if len(l.batch) > 0 {
		l.send()
	}
	close(l.jobs)
	l.err = <-l.done
	l.done = nil
	if l.err == nil {
		l.err = l.writeDeductions()
	}
	return l.err
}

// writeDeductions writes the deduction lines Deductions asked for.
func (l *Ledger) writeDeductions() error {
	if l.deducted == nil || l.deducted.Deducted == nil {
		return nil
	}
	f := &lineFormatter{jsonLines: l.jsonLines, period: l.period, safe: l.safe}
	_, err := l.w.Write(f.appendDeductionLines(nil, l.deducted))
	l.deducted = nil
	return err
}

// lineFormatter formats ledger lines; each goroutine has its own.
type lineFormatter struct {
	jsonLines bool
	tmp       []byte
	// plainIDs and plainOrders say member ids and order ids need no CSV
	// quoting, so they are copied as they are.
	plainIDs, plainOrders bool
	period                []byte
	safe                  bool   // CSV: prefix formula-like text with '
	sink                  uint64 // keeps the warming loads (WarmOrderIDs)
}

// appendLine appends one line as a CSV record or a JSON object, with its
// line break.
func (l *lineFormatter) appendLine(b []byte, r *plan.Result, ln *plan.Line) []byte {
	p := r.Plan
	var sale *tree.SaleChunk // nil for a line from no sale (an adjustment)
	if ln.Sale.Chunk >= 0 {
		sale = &r.Data.Sales.Chunks[ln.Sale.Chunk]
	}
	t := l.tmp[:0]
	b = l.text(b, 0, l.period)
	if ln.Earner >= 0 && l.plainIDs && !l.jsonLines {
		b = r.Org.AppendID(l.sep(b, 1), ln.Earner)
	} else {
		if ln.Earner >= 0 {
			t = r.Org.AppendID(t, ln.Earner)
		}
		b = l.text(b, 1, t)
	}
	b = l.text(b, 2, append(t[:0], p.Components[ln.Component].Name...))
	switch {
	case ln.Seller < 0: // a pool share or a cap: no source member
		b = l.text(b, 3, nil)
	case l.plainIDs && !l.jsonLines:
		b = r.Org.AppendID(l.sep(b, 3), ln.Seller)
	default:
		b = l.text(b, 3, r.Org.AppendID(t[:0], ln.Seller))
	}
	switch {
	case sale == nil:
		b = l.text(b, 4, nil)
	case l.plainOrders && !l.jsonLines:
		b = sale.AppendOrderID(l.sep(b, 4), int(ln.Sale.K))
	default:
		b = l.text(b, 4, sale.AppendOrderID(t[:0], int(ln.Sale.K)))
	}
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
	b = l.text(b, ledgerNote, t)
	// A line the payout cap scaled (and the breakage of what it took):
	// the amount before the cap, round(rate × base), and the factor.
	b = l.sep(b, 11)
	if ln.Unscaled != 0 {
		b = ln.Unscaled.AppendFixed(b, p.Digits)
	} else if l.jsonLines {
		b = append(b, "null"...)
	}
	b = l.sep(b, 12)
	if ln.Unscaled != 0 {
		b = r.ScaleFactor.AppendFraction(b)
	} else if l.jsonLines {
		b = append(b, "null"...)
	}
	if l.jsonLines {
		b = append(b, '}')
	}
	l.tmp = t
	return append(b, '\n')
}

// text appends field i holding f, quoted for CSV or JSON; empty text is
// null in JSON (but for the note, which is always a string).
func (l *lineFormatter) text(b []byte, i int, f []byte) []byte {
	b = l.sep(b, i)
	switch {
	case !l.jsonLines && l.safe:
		return safeCSVField(b, f)
	case !l.jsonLines:
		return csvField(b, f)
	case len(f) == 0 && i != ledgerNote:
		return append(b, "null"...)
	}
	return jsonString(b, f)
}

// sep starts field i: a comma, or in JSON the key too.
func (l *lineFormatter) sep(b []byte, i int) []byte {
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

// NewPeriodLedger starts the lines of one period on w: the period column
// holds its name, and the header is written only with header set (the
// first period of a replay).
func NewPeriodLedger(w io.Writer, jsonLines bool, period string, header bool) *Ledger {
	l := NewLedger(w, jsonLines)
	l.period = []byte(period)
	if !header {
		l.header = nil
	}
	return l
}
