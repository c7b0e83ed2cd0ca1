// Package report writes a computed plan.Result as CSV, JSON or an aligned
// table. The layouts are a contract for scripts: columns and keys are only
// ever added, never renamed. Output is a pure function of the result, so the
// same input gives byte-identical output.
package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/compplan/compplan/plan"
	"github.com/compplan/compplan/tree/dec"
)

// Format is an output format.
type Format string

// The output formats.
const (
	CSV   Format = "csv"
	JSON  Format = "json"
	Table Format = "table"
)

// ParseFormat checks a format name.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(s)); f {
	case CSV, JSON, Table:
		return f, nil
	}
	return "", fmt.Errorf("unknown format %q: use table, csv or json", s)
}

// Options say how to write a result.
type Options struct {
	Format Format
	// SafeCSV prefixes CSV text fields that a spreadsheet would run as a
	// formula (starting with = + - @, a tab or a carriage return) with '.
	SafeCSV bool
}

// Write writes r in format f.
func Write(w io.Writer, r *plan.Result, f Format) error {
	return WriteWith(w, r, Options{Format: f})
}

// WriteWith writes r as opts say.
func WriteWith(w io.Writer, r *plan.Result, opts Options) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	var err error
	switch f := opts.Format; f {
	case CSV:
		text := csvField
		if opts.SafeCSV {
			text = safeCSVField
		}
		err = writeCSV(bw, r, text)
	case JSON:
		err = writeJSON(bw, r)
	case Table:
		err = writeTable(bw, r)
	default:
		return fmt.Errorf("unknown format %q", opts.Format)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

// Columns are the fixed member columns, before one column per component
// (plan.MemberColumns: a component may not take their names).
// qualified_rank follows rank when the members file gives rank floors, and
// held follows total when the plan has a minimum payout.
var Columns = plan.MemberColumns

// columns are the member columns of r, in order.
func columns(r *plan.Result) []string {
	var cols []string
	for _, c := range plan.MemberColumns {
		cols = append(cols, c)
		if c == "rank" && r.Org.HasFloors() {
			cols = append(cols, plan.QualifiedRankColumn)
		}
		if c == "total" {
			if r.Held != nil {
				cols = append(cols, plan.HeldColumn)
			}
			cols = append(cols, deductionColumns(r.Plan)...)
			if r.Local != nil {
				cols = append(cols, plan.LocalColumns...)
			}
		}
	}
	cols = append(cols, componentNames(r.Plan)...)
	if r.Legs != nil {
		cols = append(cols, plan.BinaryColumns()...)
	}
	return cols
}

// money appends an amount with exactly the currency's minor digits.
func money(b []byte, d dec.D, digits int) []byte { return d.AppendFixed(b, digits) }

// exactMoney appends a sum of input amounts: the currency's digits, more
// only when the amounts had more.
func exactMoney(b []byte, d dec.D, digits int) []byte {
	if dec.Round(d, digits, dec.Down) == d {
		return d.AppendFixed(b, digits)
	}
	return d.Append(b)
}

func writeCSV(w *bufio.Writer, r *plan.Result, text func(b, f []byte) []byte) error {
	var b []byte
	for i, c := range columns(r) {
		if i > 0 {
			b = append(b, ',')
		}
		b = csvField(b, []byte(c))
	}
	b = append(b, '\n')
	if _, err := w.Write(b); err != nil {
		return err
	}
	digits := r.Plan.Digits
	byID := r.Org.ByID()
	return writeRows(w, len(byID), func() func(b []byte, k int) []byte {
		var tmp []byte
		return func(b []byte, k int) []byte {
			m := byID[k]
			tmp = r.Org.AppendID(tmp[:0], m)
			b = text(b, tmp)
			b = append(b, ',')
			tmp = r.Org.AppendName(tmp[:0], m)
			b = text(b, tmp)
			b = append(b, ',')
			tmp = append(tmp[:0], r.RankName(m)...)
			b = text(b, tmp)
			if r.Org.HasFloors() {
				b = append(b, ',')
				tmp = append(tmp[:0], r.QualifiedName(m)...)
				b = text(b, tmp)
			}
			if r.Active[m] {
				b = append(b, ",true,"...)
			} else {
				b = append(b, ",false,"...)
			}
			b = r.PV[m].Append(b)
			b = append(b, ',')
			b = r.GV[m].Append(b)
			b = append(b, ',')
			b = money(b, r.Personal(m), digits)
			b = append(b, ',')
			b = money(b, r.Team(m), digits)
			b = append(b, ',')
			b = money(b, r.Total(m), digits)
			if r.Held != nil {
				b = append(b, ',')
				b = money(b, r.Held[m], digits)
			}
			b = appendDeductions(b, r, m)
			b = appendLocal(b, r, m)
			for c := range r.Plan.Components {
				b = append(b, ',')
				b = money(b, r.Earned[c][m], digits)
			}
			if r.Legs != nil {
				for _, v := range r.Legs.Figures(m) {
					b = append(b, ',')
					b = v.Append(b)
				}
				b = strconv.AppendBool(append(b, ','), r.Legs.Qualified[m])
			}
			return append(b, '\n')
		}
	})
}

// safeCSVField is csvField with a ' before text a spreadsheet would run as
// a formula.
func safeCSVField(b, f []byte) []byte {
	if len(f) > 0 && strings.IndexByte("=+-@\t\r", f[0]) >= 0 {
		return csvField(b, append([]byte{'\''}, f...))
	}
	return csvField(b, f)
}

// csvField appends f, quoted when it holds a comma, quote or line break.
func csvField(b, f []byte) []byte {
	plain := true
	for _, c := range f {
		if c == ',' || c == '"' || c == '\n' || c == '\r' {
			plain = false
			break
		}
	}
	if plain {
		return append(b, f...)
	}
	b = append(b, '"')
	for _, c := range f {
		if c == '"' {
			b = append(b, '"')
		}
		b = append(b, c)
	}
	return append(b, '"')
}

func writeJSON(w *bufio.Writer, r *plan.Result) error {
	p := r.Plan
	digits := p.Digits
	b := []byte(`{"plan":`)
	b = jsonString(b, p.Name)
	b = append(b, `,"currency":`...)
	b = jsonString(b, p.Currency)
	b = append(b, `,"totals":`...)
	b = AppendTotalsJSON(b, r)
	b = append(b, `,"members":[`...)
	var tmp []byte
	for k, m := range r.Org.ByID() {
		if k > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n"+`{"id":`...)
		tmp = r.Org.AppendID(tmp[:0], m)
		b = jsonString(b, string(tmp))
		b = append(b, `,"name":`...)
		tmp = r.Org.AppendName(tmp[:0], m)
		b = jsonString(b, string(tmp))
		b = append(b, `,"rank":`...)
		if name := r.RankName(m); name != "" {
			b = jsonString(b, name)
		} else {
			b = append(b, "null"...)
		}
		b = append(b, `,"qualified_rank":`...)
		if name := r.QualifiedName(m); name != "" {
			b = jsonString(b, name)
		} else {
			b = append(b, "null"...)
		}
		b = fmt.Appendf(b, `,"active":%t`, r.Active[m])
		b = appendFiguresJSON(b, r, m)
		b = append(b, `,"held":`...)
		if r.Held != nil {
			b = money(b, r.Held[m], digits)
		} else {
			b = money(b, 0, digits)
		}
		b = appendDeductionsJSON(b, r, m)
		b = appendLocalJSON(b, r, m)
		b = appendComponentsJSON(b, r, m)
		if r.Legs != nil {
			b = appendLegsJSON(append(b, `,"binary":{`...), r.Legs, m)
		}
		b = append(b, '}')
		if len(b) > 1<<15 {
			if _, err := w.Write(b); err != nil {
				return err
			}
			b = b[:0]
		}
	}
	b = append(b, "\n]}\n"...)
	_, err := w.Write(b)
	return err
}

// jsonString appends s as a JSON string.
func jsonString[T string | []byte](b []byte, s T) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n')
		case c == '\r':
			b = append(b, '\\', 'r')
		case c == '\t':
			b = append(b, '\\', 't')
		case c < 0x20 || c == 0x7f:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

func writeTable(w *bufio.Writer, r *plan.Result) error {
	p := r.Plan
	digits := p.Digits
	head := columns(r)
	rows := make([][]string, 0, r.Org.Len())
	for _, m := range r.Org.ByID() {
		row := []string{printable(r.Org.ID(m)), printable(r.Org.Name(m)), r.RankName(m)}
		if r.Org.HasFloors() {
			row = append(row, r.QualifiedName(m))
		}
		row = append(row, fmt.Sprint(r.Active[m]), r.PV[m].String(), r.GV[m].String(),
			string(money(nil, r.Personal(m), digits)),
			string(money(nil, r.Team(m), digits)),
			string(money(nil, r.Total(m), digits)))
		if r.Held != nil {
			row = append(row, string(money(nil, r.Held[m], digits)))
		}
		row = append(row, deductionCells(r, m)...)
		for c := range p.Components {
			row = append(row, string(money(nil, r.Earned[c][m], digits)))
		}
		if r.Legs != nil {
			for _, v := range r.Legs.Figures(m) {
				row = append(row, v.String())
			}
			row = append(row, fmt.Sprint(r.Legs.Qualified[m]))
		}
		rows = append(rows, row)
	}
	firstNumber := 4
	if r.Org.HasFloors() {
		firstNumber = 5
	}
	numeric := func(col int) bool { return col >= firstNumber }
	writeAligned(w, head, rows, numeric)

	fmt.Fprintf(w, "\n%s (%s)\n", p.Name, p.Currency)
	pct := ""
	if v, ok := r.PayoutPct(); ok {
		pct = string(v.AppendFixed(nil, 2)) + "%"
	}
	totals := [][]string{
		{"members", fmt.Sprint(r.Org.Len())},
		{"sales", fmt.Sprint(r.Sales)},
		{"sales amount", string(exactMoney(nil, r.SalesAmount, digits))},
		{"volume", r.Volume.String()},
		{"payout", string(money(nil, r.Payout, digits))},
		{"held", string(money(nil, r.HeldTotal, digits))},
		{"debits", string(money(nil, r.Debits, digits))},
		{"payout %", pct},
	}
	totals = append(totals, deductionTotals(r)...)
	p2 := r.Plan
	if p2.MemberCap.Set || p2.PayoutCap != 0 || r.CutByComponentCaps != 0 {
		totals = append(totals,
			[]string{"cut by component caps", string(money(nil, r.CutByComponentCaps, digits))},
			[]string{"cut by member cap", string(money(nil, r.CutByMemberCap, digits))},
			[]string{"cut by payout cap", string(money(nil, r.CutByPayoutCap, digits))},
			[]string{"scale factor", string(r.ScaleFactor.AppendFraction(nil))})
	}
	if r.Legs != nil {
		for i, v := range r.Legs.Totals() {
			totals = append(totals, []string{"binary " + strings.ReplaceAll(plan.LegColumns[i], "_", " "), v.String()})
		}
	}
	writeAligned(w, nil, totals, func(col int) bool { return col > 0 })
	w.WriteString("\n")
	comps := make([][]string, 0, len(p.Components))
	for c, comp := range p.Components {
		comps = append(comps, []string{comp.Name, comp.Type,
			string(money(nil, r.Paid[c], digits)), string(money(nil, r.Breakage[c], digits))})
	}
	writeAligned(w, []string{"component", "type", "paid", "breakage"}, comps, func(col int) bool { return col >= 2 })
	return nil
}

func componentNames(p *plan.Plan) []string {
	names := make([]string, len(p.Components))
	for i, c := range p.Components {
		names[i] = c.Name
	}
	return names
}

// writeAligned writes rows in columns padded to their widest cell (in
// runes), numbers right-aligned.
func writeAligned(w *bufio.Writer, head []string, rows [][]string, numeric func(int) bool) {
	var width []int
	measure := func(row []string) {
		for i, cell := range row {
			if i >= len(width) {
				width = append(width, 0)
			}
			width[i] = max(width[i], utf8.RuneCountInString(cell))
		}
	}
	if head != nil {
		measure(head)
	}
	for _, row := range rows {
		measure(row)
	}
	put := func(row []string) {
		var line strings.Builder
		for i, cell := range row {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(cell))
			if i > 0 {
				line.WriteString("  ")
			}
			if numeric(i) {
				line.WriteString(pad + cell)
			} else {
				line.WriteString(cell)
				if i < len(row)-1 {
					line.WriteString(pad)
				}
			}
		}
		w.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
	if head != nil {
		put(head)
	}
	for _, row := range rows {
		put(row)
	}
}

// printable replaces control characters (a line break in a quoted name)
// with spaces, so every table row stays one line.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// appendFiguresJSON appends member m's ,"pv","gv","personal","team","total".
func appendFiguresJSON(b []byte, r *plan.Result, m int32) []byte {
	digits := r.Plan.Digits
	b = r.PV[m].Append(append(b, `,"pv":`...))
	b = r.GV[m].Append(append(b, `,"gv":`...))
	b = money(append(b, `,"personal":`...), r.Personal(m), digits)
	b = money(append(b, `,"team":`...), r.Team(m), digits)
	return money(append(b, `,"total":`...), r.Total(m), digits)
}

// appendComponentsJSON appends member m's ,"components":{NAME:amount, …}.
func appendComponentsJSON(b []byte, r *plan.Result, m int32) []byte {
	b = append(b, `,"components":{`...)
	for c, comp := range r.Plan.Components {
		if c > 0 {
			b = append(b, ',')
		}
		b = money(append(jsonString(b, comp.Name), ':'), r.Earned[c][m], r.Plan.Digits)
	}
	return append(b, '}')
}

// appendLegsJSON appends member m's binary figures and qualification as
// the members of a JSON object, and closes it.
func appendLegsJSON(b []byte, l *plan.Legs, m int32) []byte {
	for i, v := range l.Figures(m) {
		b = append(append(jsonString(b, plan.LegColumns[i]), ':'), v.String()...)
		b = append(b, ',')
	}
	return append(strconv.AppendBool(append(b, `"qualified":`...), l.Qualified[m]), '}')
}

// payoutCurrency is the currency member m is paid in: the members file's,
// or the plan's.
func payoutCurrency(r *plan.Result, m int32) string {
	if c := r.Org.PayCurrency(m); c != "" {
		return c
	}
	return r.Plan.Currency
}

// appendLocal appends member m's payout currency and what they are paid in
// it, each after a comma (nothing without Result.Local).
func appendLocal(b []byte, r *plan.Result, m int32) []byte {
	if r.Local == nil {
		return b
	}
	cur := payoutCurrency(r, m)
	digits, _ := dec.CurrencyDigits(cur)
	b = append(append(append(b, ','), cur...), ',')
	return money(b, r.Local.Amount[m], digits)
}

// appendLocalJSON appends member m's "payout_currency" and "payable_local"
// (nothing without Result.Local).
func appendLocalJSON(b []byte, r *plan.Result, m int32) []byte {
	if r.Local == nil {
		return b
	}
	cur := payoutCurrency(r, m)
	digits, _ := dec.CurrencyDigits(cur)
	b = append(b, `,"payout_currency":`...)
	b = jsonString(b, cur)
	b = append(b, `,"payable_local":`...)
	return money(b, r.Local.Amount[m], digits)
}

// AppendTotalsJSON appends the totals object of run --format json: sales
// amount, volume, payout and payout %, counts, held and debits, the
// deductions, the payout cap's factor and cuts, the binary's totals and
// each component's paid and breakage.
func AppendTotalsJSON(b []byte, r *plan.Result) []byte {
	p := r.Plan
	digits := p.Digits
	b = append(b, `{"sales_amount":`...)
	b = exactMoney(b, r.SalesAmount, digits)
	b = append(b, `,"volume":`...)
	b = r.Volume.Append(b)
	b = append(b, `,"payout":`...)
	b = money(b, r.Payout, digits)
	b = append(b, `,"payout_pct":`...)
	if pct, ok := r.PayoutPct(); ok {
		b = pct.AppendFixed(b, 2)
	} else {
		b = append(b, "null"...)
	}
	b = fmt.Appendf(b, `,"sales_count":%d,"members_count":%d,"held":`, r.Sales, r.Org.Len())
	b = money(b, r.HeldTotal, digits)
	b = append(b, `,"debits":`...)
	b = money(b, r.Debits, digits)
	b = appendDeductionsJSON(b, r, -1)
	b = append(b, `,"scale_factor":`...)
	b = r.ScaleFactor.AppendFraction(b)
	b = append(b, `,"cut":{"component_caps":`...)
	b = money(b, r.CutByComponentCaps, digits)
	b = append(b, `,"member_cap":`...)
	b = money(b, r.CutByMemberCap, digits)
	b = append(b, `,"payout_cap":`...)
	b = money(b, r.CutByPayoutCap, digits)
	b = append(b, '}')
	if r.Legs != nil {
		b = append(b, `,"binary":{`...)
		for i, v := range r.Legs.Totals() {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(append(jsonString(b, plan.LegColumns[i]), ':'), v.String()...)
		}
		b = append(b, '}')
	}
	b = append(b, `,"components":{`...)
	for c, comp := range p.Components {
		if c > 0 {
			b = append(b, ',')
		}
		b = jsonString(b, comp.Name)
		b = append(b, `:{"paid":`...)
		b = money(b, r.Paid[c], digits)
		b = append(b, `,"breakage":`...)
		b = money(b, r.Breakage[c], digits)
		b = append(b, '}')
	}
	return append(b, "}}"...)
}
