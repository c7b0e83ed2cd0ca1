package report

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/compplan/compplan/plan"
	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// PeriodColumns are the first columns of a period row; then one column per
// component, then balance_in, payable, balance_out (and with a binary, its
// figures): plan.PeriodColumns and plan.BalanceColumns, which a component
// may not be named like.
var PeriodColumns = plan.PeriodColumns

// PeriodWriter writes the long format of one or more periods: a row per
// period × member, in period order then id order (CSV), or one JSON
// document with a summary and the members of each period. Replay and
// run --period write through it, so their rows are the same bytes.
type PeriodWriter struct {
	w      *bufio.Writer
	format Format
	safe   bool
	n      int // periods written
	buf    []byte
	// layout, when set, are the CSV columns of several versions of the
	// plan (see Versions); nil: the columns of the plan of each result.
	layout *layout
}

// layout are the columns of a period row that depend on the plan: one per
// component, one per deduction (and net), and the binary's figures.
type layout struct {
	components, deductions []string
	binary, local          bool
}

func layoutOf(p *plan.Plan) layout {
	l := layout{components: componentNames(p), binary: p.Has(plan.TypeBinary)}
	for _, x := range p.Deductions {
		l.deductions = append(l.deductions, x.Name)
	}
	return l
}

// Versions lays the CSV rows out for every version of the plan a replay
// computes: the columns of the components and deductions any of them has,
// in the order they first appear (versions in the order given), and the
// binary's figures if any has a binary. A period's row leaves a column its
// version does not have empty. With one version, or versions with the
// same columns, the rows are what that plan writes.
func (pw *PeriodWriter) Versions(plans []*plan.Plan) {
	if len(plans) == 0 {
		return
	}
	all, same := layoutOf(plans[0]), true
	for _, p := range plans[1:] {
		l := layoutOf(p)
		same = same && slices.Equal(l.components, all.components) && slices.Equal(l.deductions, all.deductions) && l.binary == all.binary
		for _, c := range l.components {
			if !slices.Contains(all.components, c) {
				all.components = append(all.components, c)
			}
		}
		for _, x := range l.deductions {
			if !slices.Contains(all.deductions, x) {
				all.deductions = append(all.deductions, x)
			}
		}
		all.binary = all.binary || l.binary
	}
	if !same {
		pw.layout = &all
	}
}

// columns are the header of rows laid out as l.
func (l *layout) columns() []string {
	cols := append(append([]string(nil), plan.PeriodColumns...), l.components...)
	cols = append(cols, plan.BalanceColumns[:2]...) // balance_in, payable
	if len(l.deductions) > 0 {
		cols = append(append(cols, l.deductions...), plan.NetColumn)
	}
	cols = append(cols, plan.BalanceColumns[2:]...)
	if l.local {
		cols = append(cols, plan.LocalColumns...)
	}
	if l.binary {
		cols = append(cols, plan.BinaryColumns()...)
	}
	return cols
}

// of maps each of names to its index in r's plan (-1: not there).
func of[T any](names []string, list []T, name func(T) string) []int {
	idx := make([]int, len(names))
	for i, n := range names {
		idx[i] = slices.IndexFunc(list, func(x T) bool { return name(x) == n })
	}
	return idx
}

// NewPeriodWriter starts a period document on w (CSV or JSON).
func NewPeriodWriter(w io.Writer, f Format, safeCSV bool) (*PeriodWriter, error) {
	if f != CSV && f != JSON {
		return nil, fmt.Errorf("period rows are csv or json, not %s", f)
	}
	return &PeriodWriter{w: bufio.NewWriterSize(w, 1<<20), format: f, safe: safeCSV}, nil
}

func periodColumns(r *plan.Result) []string {
	cols := append(append([]string(nil), plan.PeriodColumns...), componentNames(r.Plan)...)
	cols = append(cols, plan.BalanceColumns[:2]...) // balance_in, payable
	cols = append(cols, deductionColumns(r.Plan)...)
	cols = append(cols, plan.BalanceColumns[2:]...)
	if r.Local != nil {
		cols = append(cols, plan.LocalColumns...)
	}
	if r.Legs != nil {
		cols = append(cols, plan.BinaryColumns()...)
	}
	return cols
}

// Write adds one period's rows.
func (pw *PeriodWriter) Write(period tree.Period, r *plan.Result) error {
	digits := r.Plan.Digits
	b := pw.buf[:0]
	text := csvField
	if pw.safe {
		text = safeCSVField
	}
	if pw.format == JSON {
		if pw.n == 0 {
			b = append(b, `{"plan":`...)
			b = jsonString(b, r.Plan.Name)
			b = append(b, `,"currency":`...)
			b = jsonString(b, r.Plan.Currency)
			b = append(b, `,"periods":[`...)
		} else {
			b = append(b, ',')
		}
		b = append(b, "\n"+`{"period":`...)
		b = jsonString(b, period.Name)
		b = fmt.Appendf(b, `,"from":"%s","to":"%s","summary":{`, tree.FormatDate(period.From), tree.FormatDate(period.To))
		head, row := SummaryRow(period, r)
		dropped := false
		for i := 3; i < len(head); i++ {
			if i > 3 {
				b = append(b, ',')
			}
			key, ok := strings.CutPrefix(head[i], droppedPrefix)
			if ok && !dropped {
				b, dropped = append(b, `"state_dropped":{`...), true
			} else if !ok && dropped {
				return fmt.Errorf("a summary column after %sFIELD: %s", droppedPrefix, head[i]) // never: they come last
			}
			b = append(append(jsonString(b, key), ':'), jsonValue(row[i])...)
		}
		if dropped {
			b = append(b, '}')
		}
		b = append(b, `},"members":[`...)
	} else if pw.n == 0 {
		cols := periodColumns(r)
		if pw.layout != nil {
			pw.layout.local = r.Local != nil // the members file's, the same every period
			cols = pw.layout.columns()
		}
		b = append(b, strings.Join(cols, ",")...)
		b = append(b, '\n')
	}
	var comps, deds []int // with a layout, r's index of each column's component and deduction
	if pw.layout != nil {
		comps = of(pw.layout.components, r.Plan.Components, func(c plan.Component) string { return c.Name })
		deds = of(pw.layout.deductions, r.Plan.Deductions, func(x plan.Deduction) string { return x.Name })
	}
	if _, err := pw.w.Write(b); err != nil {
		return err
	}
	pw.buf = b[:0]
	o := r.Org
	name := []byte(period.Name)
	ranks := make([][]byte, len(r.Plan.Ranks))
	for i, rk := range r.Plan.Ranks {
		ranks[i] = []byte(rk.Name)
	}
	// The CSV fields the same on many rows, made once: the period, each
	// rank; ids need no quoting when none holds a comma, quote or line
	// break (and --safe-csv is off).
	nameField := text(nil, name)
	rankFields := make([][]byte, len(ranks))
	for i, rk := range ranks {
		rankFields[i] = text(nil, rk)
	}
	plainIDs := !pw.safe && o.IDsArePlain()
	byID := o.ByID()
	err := writeRows(pw.w, len(byID), func() func(b []byte, k int) []byte {
		var tmp []byte
		return func(b []byte, k int) []byte {
			m := byID[k]
			rk := r.Rank[m]
			if pw.format == JSON {
				if k > 0 {
					b = append(b, ',')
				}
				b = append(b, "\n"+`{"id":`...)
				tmp = o.AppendID(tmp[:0], m)
				b = jsonString(b, tmp)
				b = append(b, `,"rank":`...)
				if rk == plan.NoRank {
					b = append(b, "null"...)
				} else {
					b = jsonString(b, ranks[rk])
				}
				b = appendFiguresJSON(b, r, m)
				b = appendComponentsJSON(b, r, m)
				b = append(b, `,"balance_in":`...)
				b = money(b, balanceIn(r, m), digits)
				b = append(b, `,"payable":`...)
				b = money(b, r.Payable(m), digits)
				b = appendDeductionsJSON(b, r, m)
				b = append(b, `,"balance_out":`...)
				b = money(b, r.BalanceOut[m], digits)
				b = appendLocalJSON(b, r, m)
				if r.Legs != nil {
					b = appendLegsJSON(append(b, `,"binary":{`...), r.Legs, m)
				}
				return append(b, '}')
			}
			b = append(b, nameField...)
			b = append(b, ',')
			if plainIDs {
				b = o.AppendID(b, m)
			} else {
				tmp = o.AppendID(tmp[:0], m)
				b = text(b, tmp)
			}
			b = append(b, ',')
			if rk != plan.NoRank {
				b = append(b, rankFields[rk]...)
			}
			b = append(b, ',')
			b = r.PV[m].Append(b)
			b = append(b, ',')
			b = r.GV[m].Append(b)
			personal, team, total := r.Totals(m)
			b = money(append(b, ','), personal, digits)
			b = money(append(b, ','), team, digits)
			b = money(append(b, ','), total, digits)
			if pw.layout != nil {
				return pw.layout.appendRow(b, r, m, comps, deds)
			}
			for c := range r.Plan.Components {
				b = money(append(b, ','), r.Earned[c][m], digits)
			}
			b = money(append(b, ','), balanceIn(r, m), digits)
			b = money(append(b, ','), r.PayableOf(m, total), digits)
			b = appendDeductions(b, r, m)
			b = money(append(b, ','), r.BalanceOut[m], digits)
			b = appendLocal(b, r, m)
			if r.Legs != nil {
				for _, v := range r.Legs.Figures(m) {
					b = v.Append(append(b, ','))
				}
				b = strconv.AppendBool(append(b, ','), r.Legs.Qualified[m])
			}
			return append(b, '\n')
		}
	})
	if err != nil {
		return err
	}
	pw.n++
	if pw.format == JSON {
		_, err = pw.w.WriteString("\n]}")
	}
	return err
}

// appendRow appends the rest of member m's row laid out as l, from the
// components on: comps and deds give r's index of each column's component
// and deduction (-1 for none: an empty cell).
func (l *layout) appendRow(b []byte, r *plan.Result, m int32, comps, deds []int) []byte {
	digits := r.Plan.Digits
	for _, c := range comps {
		b = append(b, ',')
		if c >= 0 {
			b = money(b, r.Earned[c][m], digits)
		}
	}
	b = money(append(b, ','), balanceIn(r, m), digits)
	b = money(append(b, ','), r.Payable(m), digits)
	if len(deds) > 0 {
		for _, k := range deds {
			b = append(b, ',')
			if k >= 0 {
				b = money(b, r.Deducted[k][m], digits)
			}
		}
		b = money(append(b, ','), r.Net(m), digits)
	}
	b = money(append(b, ','), r.BalanceOut[m], digits)
	if l.local {
		b = appendLocal(b, r, m)
	}
	if l.binary {
		if r.Legs != nil {
			for _, v := range r.Legs.Figures(m) {
				b = v.Append(append(b, ','))
			}
			b = strconv.AppendBool(append(b, ','), r.Legs.Qualified[m])
		} else {
			b = append(b, strings.Repeat(",", len(plan.BinaryColumns()))...)
		}
	}
	return append(b, '\n')
}

// Close ends the document.
func (pw *PeriodWriter) Close() error {
	if pw.format == JSON {
		if pw.n == 0 {
			pw.w.WriteString(`{"periods":[`)
		}
		pw.w.WriteString("\n]}\n")
	}
	return pw.w.Flush()
}

func balanceIn(r *plan.Result, m int32) dec.D {
	if r.BalanceIn == nil {
		return 0
	}
	return r.BalanceIn[m]
}

// jsonValue writes a summary cell as JSON: numbers as they are, "" as
// null, anything else as a string.
func jsonValue(s string) []byte {
	if s == "" {
		return []byte("null")
	}
	if _, err := dec.Parse([]byte(s)); err == nil {
		return []byte(s)
	}
	return jsonString(nil, s)
}

// SummaryRow is one period's summary: its name and days, members (and how
// many joined in it), active members, sales, sales amount, volume, payout,
// payout %, earners (members paid above 0), what was carried out (held and
// debits), the deductions and net (with deductions), each component's
// paid and breakage, and the count of each paid-as rank.
func SummaryRow(period tree.Period, r *plan.Result) (head, row []string) {
	p, o := r.Plan, r.Org
	digits := p.Digits
	head = []string{"period", "from", "to", "members", "new_members", "active", "sales", "sales_amount", "volume",
		"payout", "payout_pct", "earners", "held", "debits"}
	var newMembers, active, earners int
	ranks := make([]int, len(p.Ranks))
	for m := range int32(o.Len()) {
		if j := o.Joined(m); j != tree.NoDate && j >= period.From && j <= period.To {
			newMembers++
		}
		if r.Active[m] {
			active++
		}
		if r.Payable(m) > 0 {
			earners++
		}
		if k := r.Rank[m]; k != plan.NoRank {
			ranks[k]++
		}
	}
	pct := ""
	if v, ok := r.PayoutPct(); ok {
		pct = string(v.AppendFixed(nil, 2))
	}
	row = []string{period.Name, tree.FormatDate(period.From), tree.FormatDate(period.To), strconv.Itoa(o.Len()),
		strconv.Itoa(newMembers), strconv.Itoa(active), strconv.Itoa(r.Sales), string(exactMoney(nil, r.SalesAmount, digits)),
		r.Volume.String(), string(money(nil, r.Payout, digits)), pct, strconv.Itoa(earners),
		string(money(nil, r.HeldTotal, digits)), string(money(nil, r.Debits, digits))}
	for k, x := range p.Deductions {
		head = append(head, "deduction_"+x.Name)
		row = append(row, string(money(nil, r.DeductedTotal[k], digits)))
	}
	if len(p.Deductions) > 0 {
		head = append(head, plan.NetColumn)
		row = append(row, string(money(nil, r.NetTotal(), digits)))
	}
	for c, comp := range p.Components {
		head = append(head, "paid_"+comp.Name, "breakage_"+comp.Name)
		row = append(row, string(money(nil, r.Paid[c], digits)), string(money(nil, r.Breakage[c], digits)))
	}
	for i, rk := range p.Ranks {
		head = append(head, "rank_"+rk.Name)
		row = append(row, strconv.Itoa(ranks[i]))
	}
	if d := r.StateDropped; d != nil {
		for _, f := range droppedFields(d, digits) {
			head, row = append(head, droppedPrefix+f[0]), append(row, f[1])
		}
	}
	return head, row
}

// droppedPrefix begins the summary columns of what a state written by
// another version of the plan held and this one could not carry; JSON
// writes them as one object, "state_dropped".
const droppedPrefix = "state_dropped_"

// droppedFields are d's figures, named as in JSON.
func droppedFields(d *plan.Dropped, digits int) [][2]string {
	return [][2]string{{"money", string(money(nil, d.Money, digits))}, {"ranks", strconv.Itoa(d.Ranks)},
		{"carries", strconv.Itoa(d.Carries)}, {"carry_volume", d.CarryVolume.String()}, {"placements", strconv.Itoa(d.Placements)},
		{"advancements", strconv.Itoa(d.Advancements)}, {"instalments", strconv.Itoa(d.Instalments)},
		{"orders", strconv.Itoa(d.Orders)}, {"lines", strconv.Itoa(d.Lines)}, {"pairings", strconv.Itoa(d.Pairings)}}
}

// MergeSummaries lays summary rows of different heads (versions of a plan
// with different components or ranks, a period that dropped state) out
// under one head: every column of any, in the order they first appear; a
// row leaves a column it does not have empty.
func MergeSummaries(heads, rows [][]string) (head []string, out [][]string) {
	at := map[string]int{}
	for _, last := range []bool{false, true} { // the state_dropped columns last
		for _, h := range heads {
			for _, c := range h {
				if _, ok := at[c]; !ok && strings.HasPrefix(c, droppedPrefix) == last {
					at[c] = len(head)
					head = append(head, c)
				}
			}
		}
	}
	for i, row := range rows {
		full := make([]string, len(head))
		for j, c := range heads[i] {
			full[at[c]] = row[j]
		}
		out = append(out, full)
	}
	return head, out
}

// WriteSummary writes the per-period summaries as CSV, or as an aligned
// table.
func WriteSummary(w io.Writer, rows [][]string, head []string, table bool) error {
	bw := bufio.NewWriter(w)
	if table {
		writeAligned(bw, head, rows, func(c int) bool { return c >= 3 })
		return bw.Flush()
	}
	b := appendCSVRow(nil, head)
	for _, row := range rows {
		b = appendCSVRow(b, row)
	}
	bw.Write(b)
	return bw.Flush()
}

// appendCSVRow appends cells as one CSV record, its line end included.
func appendCSVRow(b []byte, cells []string) []byte {
	for i, c := range cells {
		if i > 0 {
			b = append(b, ',')
		}
		b = csvField(b, []byte(c))
	}
	return append(b, '\n')
}
