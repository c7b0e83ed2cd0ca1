package report

import (
	"fmt"

	"github.com/compplan/compplan/plan"
)

// The plan's deductions (see plan.Deduction) add a column each, by name,
// and net to the member rows (after held) and the period rows (after
// payable); "deductions" {NAME: sum} and "net" to the totals; a line per
// deduction to the ledger; and nothing at all to a plan without them.

// deductionColumns are the deductions' columns and net (none without
// deductions).
func deductionColumns(p *plan.Plan) []string {
	if len(p.Deductions) == 0 {
		return nil
	}
	var cols []string
	for _, x := range p.Deductions {
		cols = append(cols, x.Name)
	}
	return append(cols, plan.NetColumn)
}

// appendDeductions appends member m's deductions and net, each after a
// comma.
func appendDeductions(b []byte, r *plan.Result, m int32) []byte {
	if r.Deducted == nil {
		return b
	}
	for _, d := range r.Deducted {
		b = money(append(b, ','), d[m], r.Plan.Digits)
	}
	return money(append(b, ','), r.Net(m), r.Plan.Digits)
}

// deductionCells are member m's deductions and net as text.
func deductionCells(r *plan.Result, m int32) []string {
	var cells []string
	for _, d := range r.Deducted {
		cells = append(cells, string(money(nil, d[m], r.Plan.Digits)))
	}
	if r.Deducted != nil {
		cells = append(cells, string(money(nil, r.Net(m), r.Plan.Digits)))
	}
	return cells
}

// appendDeductionsJSON appends ,"deductions":{NAME: amount},"net":amount
// for member m, or the totals when m is -1.
func appendDeductionsJSON(b []byte, r *plan.Result, m int32) []byte {
	if r.Deducted == nil {
		return b
	}
	p := r.Plan
	b = append(b, `,"deductions":{`...)
	for k, x := range p.Deductions {
		if k > 0 {
			b = append(b, ',')
		}
		v := r.DeductedTotal[k]
		if m >= 0 {
			v = r.Deducted[k][m]
		}
		b = money(append(jsonString(b, x.Name), ':'), v, p.Digits)
	}
	net := r.NetTotal()
	if m >= 0 {
		net = r.Net(m)
	}
	return money(append(b, `},"net":`...), net, p.Digits)
}

// deductionTotals are the totals' rows for the deductions and net.
func deductionTotals(r *plan.Result) [][]string {
	if r.Deducted == nil {
		return nil
	}
	var rows [][]string
	for k, x := range r.Plan.Deductions {
		rows = append(rows, []string{"deduction " + x.Name, string(money(nil, r.DeductedTotal[k], r.Plan.Digits))})
	}
	return append(rows, []string{"net", string(money(nil, r.NetTotal(), r.Plan.Digits))})
}

// appendDeductionLines appends the ledger's deduction lines of r: one per
// deduction that asks something of a member with anything payable, in id
// order after every commission line. The component column names the
// deduction, base is the payable, rate the deduction's rate (empty for a
// fee), amount what it took, and the note, which starts "deduction:",
// says why. A member's deduction lines sum to their payable less their
// net (their total less their net when no balance is carried).
func (l *lineFormatter) appendDeductionLines(b []byte, r *plan.Result) []byte {
	if r.Deducted == nil {
		return b
	}
	p := r.Plan
	t := l.tmp[:0]
	for _, m := range r.Org.ByID() {
		for _, s := range p.Deduct(r.Payable(m)) {
			if s.Want == 0 {
				continue
			}
			b = l.text(b, 0, l.period)
			b = l.text(b, 1, r.Org.AppendID(t[:0], m))
			b = l.text(b, 2, append(t[:0], s.Deduction.Name...))
			b = l.text(b, 3, nil)
			b = l.text(b, 4, nil)
			b = l.sep(b, 5)
			if l.jsonLines {
				b = append(b, "null"...)
			}
			b = append(l.sep(b, 6), '0')
			b = s.Payable.AppendFixed(l.sep(b, 7), p.Digits)
			b = l.sep(b, 8)
			if s.Deduction.ByRate {
				b = s.Deduction.Rate.AppendFraction(b)
			} else if l.jsonLines {
				b = append(b, "null"...)
			}
			b = s.Took.AppendFixed(l.sep(b, 9), p.Digits)
			t = append(t[:0], "deduction: "...)
			t = append(t, s.Why(p)...)
			b = l.text(b, ledgerNote, t)
			for _, i := range []int{11, 12} {
				b = l.sep(b, i)
				if l.jsonLines {
					b = append(b, "null"...)
				}
			}
			if l.jsonLines {
				b = append(b, '}')
			}
			b = append(b, '\n')
		}
	}
	l.tmp = t
	return b
}

// deductionSteps are member m's deductions, with why, as explain prints
// them ("" when the plan has none).
func deductionSteps(r *plan.Result, m int32) []string {
	var out []string
	for _, s := range r.Plan.Deduct(r.Payable(m)) {
		out = append(out, fmt.Sprintf("%s %s (%s)", s.Deduction.Name, money(nil, s.Took, r.Plan.Digits), s.Why(r.Plan)))
	}
	return out
}
