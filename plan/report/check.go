package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/compplan/compplan/plan"
)

// WriteCheck writes a plan's structure, its maximum payout and warnings as
// text (Table) or JSON.
func WriteCheck(w io.Writer, p *plan.Plan, c *plan.Check, f Format) error {
	bw := bufio.NewWriter(w)
	if f == JSON {
		writeCheckJSON(bw, p, c)
	} else {
		writeCheckText(bw, p, c)
	}
	return bw.Flush()
}

func writeCheckText(w *bufio.Writer, p *plan.Plan, c *plan.Check) {
	fmt.Fprintf(w, "plan %s: %s, %d decimal places, rounding %s per line\n", p.Name, p.Currency, p.Digits, p.Rounding)
	fmt.Fprintf(w, "active: %s\n", p.DescribeActive())
	if len(p.NonCommissionable) > 0 {
		fmt.Fprintf(w, "non-commissionable sale types (QV only): %s\n", strings.Join(p.NonCommissionable, ", "))
	}
	if p.MinPayout.Set {
		fmt.Fprintf(w, "minimum payout: %s (smaller totals are held)\n", p.MinPayout.Value.AppendFixed(nil, p.Digits))
	}
	if p.MemberCap.Set {
		fmt.Fprintf(w, "member cap: %s a member in all\n", p.MemberCap.Value.AppendFixed(nil, p.Digits))
	}
	if p.PayoutCap != 0 {
		fmt.Fprintf(w, "payout cap: %s of the sales amount (lines are scaled down when it binds)\n", p.PayoutCap)
	}
	if p.RankWindow > 1 {
		fmt.Fprintf(w, "rank window: rank requirements read PV and GV (and so legs' volumes) summed over this period and the %d before\n", p.RankWindow-1)
	}
	if p.RankGrace > 1 {
		fmt.Fprintf(w, "rank grace: the paid-as rank is the best qualified in this period or the %d before\n", p.RankGrace-1)
	}
	if p.ReverseReturns {
		fmt.Fprintf(w, "returns: reverse (a return reverses its order's lines, pro rata; a chained run keeps them %d periods)\n", p.ReturnWindow)
	}
	if len(p.Ranks) > 0 {
		w.WriteString("\nranks (lowest first)\n")
		var rows [][]string
		for i := range p.Ranks {
			rows = append(rows, []string{"  " + p.Ranks[i].Name, p.Ranks[i].Describe(p)})
		}
		writeAligned(w, nil, rows, func(int) bool { return false })
	}
	w.WriteString("\ncomponents\n")
	var rows [][]string
	for _, comp := range p.Components {
		rows = append(rows, []string{"  " + comp.Name, comp.Type, comp.Describe(p)})
	}
	writeAligned(w, nil, rows, func(int) bool { return false })

	if len(p.Deductions) > 0 {
		w.WriteString("\ndeductions (in order, from what each member is paid; the maximum below is before them)\n")
		rows = rows[:0]
		for i := range p.Deductions {
			rows = append(rows, []string{"  " + p.Deductions[i].Name, p.Deductions[i].Describe(p)})
		}
		writeAligned(w, nil, rows, func(int) bool { return false })
	}

	w.WriteString("\nmaximum payout, % of volume (every level filled, everyone active at the top rank)\n")
	rows = rows[:0]
	for i, comp := range p.Components {
		rows = append(rows, []string{"  " + comp.Name, c.Max[i].String()})
	}
	rows = append(rows, []string{"  total", c.Total.String()})
	writeAligned(w, nil, rows, func(col int) bool { return col == 1 })

	if len(c.Warnings) == 0 {
		w.WriteString("\nno warnings\n")
		return
	}
	fmt.Fprintf(w, "\nwarnings (%d)\n", len(c.Warnings))
	for _, msg := range c.Warnings {
		fmt.Fprintf(w, "  - %s\n", msg)
	}
}

func writeCheckJSON(w *bufio.Writer, p *plan.Plan, c *plan.Check) {
	b := []byte(`{"plan":`)
	b = jsonString(b, p.Name)
	b = append(b, `,"currency":`...)
	b = jsonString(b, p.Currency)
	b = append(b, `,"max_payout_pct":{`...)
	for i, comp := range p.Components {
		b = jsonString(b, comp.Name)
		b = append(b, ':')
		b = append(b, strings.TrimSuffix(c.Max[i].String(), "%")...)
		b = append(b, ',')
	}
	b = append(b, `"total":`...)
	b = append(b, strings.TrimSuffix(c.Total.String(), "%")...)
	b = append(b, '}')
	if len(p.Deductions) > 0 {
		b = append(b, `,"deductions":[`...)
		for i := range p.Deductions {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(jsonString(append(b, `{"name":`...), p.Deductions[i].Name), `,"description":`...)
			b = append(jsonString(b, p.Deductions[i].Describe(p)), '}')
		}
		b = append(b, ']')
	}
	b = append(b, `,"warnings":[`...)
	for i, msg := range c.Warnings {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonString(b, msg)
	}
	b = append(b, "]}\n"...)
	w.Write(b)
}
