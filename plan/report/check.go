package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/compplan/compplan/plan"
	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
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
	if p.HasActive {
		fmt.Fprintf(w, "active: pv ≥ %s\n", p.ActivePV)
	} else {
		w.WriteString("active: everyone\n")
	}
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
		d := describeComponent(p, &comp)
		if comp.Type != plan.TypePool {
			d += capText(p, &comp)
		}
		rows = append(rows, []string{"  " + comp.Name, comp.Type, d})
	}
	writeAligned(w, nil, rows, func(int) bool { return false })

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

func describeComponent(p *plan.Plan, c *plan.Component) string {
	switch c.Type {
	case plan.TypePersonal:
		return c.Rate.String() + " of own volume"
	case plan.TypePool:
		var shares []string
		for r, n := range c.Shares {
			if n > 0 {
				shares = append(shares, fmt.Sprintf("%s %d", p.Ranks[r].Name, n))
			}
		}
		of := "volume"
		if c.PoolOfAmount {
			of = "sales amount"
		}
		return fmt.Sprintf("%s of the %s, shares %s", c.Rate, of, strings.Join(shares, ", ")) + capText(p, c)
	case plan.TypeDifferential:
		var rates []string
		for r, rate := range c.DiffRates {
			rates = append(rates, fmt.Sprintf("%s %s", p.Ranks[r].Name, rate))
		}
		s := "rates " + strings.Join(rates, ", ")
		if b := c.Breakaway; b != nil {
			s += fmt.Sprintf("; breakaway at %s, generations %s", p.Ranks[b.Rank].Name, rateList(b.Generations))
		}
		return s
	case plan.TypeFastStart:
		return fmt.Sprintf("levels %s on sales in the first %d days after joining", rateList(c.Levels), c.Days)
	case plan.TypeMatching:
		var of []string
		for _, o := range c.Of {
			of = append(of, p.Components[o].Name)
		}
		s := fmt.Sprintf("generations %s of what each member earned from %s", rateList(c.Generations), strings.Join(of, ", "))
		if c.PaidGenerations != nil {
			var paid []string
			for r, n := range c.PaidGenerations {
				paid = append(paid, fmt.Sprintf("%s %d", p.Ranks[r].Name, n))
			}
			s += "; paid generations " + strings.Join(paid, ", ")
		}
		return s
	case plan.TypeAdvancement:
		var amounts []string
		for r, a := range c.Amounts {
			if a != 0 {
				amounts = append(amounts, fmt.Sprintf("%s %s", p.Ranks[r].Name, a.AppendFixed(nil, p.Digits)))
			}
		}
		return "paid once on first reaching: " + strings.Join(amounts, ", ")
	case plan.TypeBinary:
		b := c.Binary
		s := c.Rate.String() + " of the paired (smaller) leg volume"
		if cy := b.Cycle; cy != nil {
			s = fmt.Sprintf("%s per cycle of %s left + %s right", cy.Amount.AppendFixed(nil, p.Digits), cy.Left, cy.Right)
		}
		switch {
		case !b.Carry:
			s += "; no carry"
		case b.CarryCap.Set:
			s += "; carry up to " + b.CarryCap.Value.String() + " a leg"
		default:
			s += "; carry without a cap"
		}
		if b.QualifySponsored {
			s += "; qualify: a personally sponsored distributor in each leg"
		}
		if b.KeepUnqualified {
			s += "; unqualified legs kept"
		} else {
			s += "; unqualified legs flushed"
		}
		return s + "; auto-placement " + tree.SideNames[b.Placement]
	case plan.TypeUnilevel, plan.TypeMatrix:
		var levels []string
		for _, l := range c.Levels {
			levels = append(levels, l.String())
		}
		s := fmt.Sprintf("levels %s; compression %s", strings.Join(levels, " "), c.Compression)
		if c.Type == plan.TypeMatrix {
			s = fmt.Sprintf("%d wide, %s", c.Width, s)
		}
		if c.PaidLevels != nil {
			var paid []string
			for r, n := range c.PaidLevels {
				paid = append(paid, fmt.Sprintf("%s %d", p.Ranks[r].Name, n))
			}
			s += "; paid levels " + strings.Join(paid, ", ")
		}
		return s
	}
	return ""
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
	b = append(b, `},"warnings":[`...)
	for i, msg := range c.Warnings {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonString(b, msg)
	}
	b = append(b, "]}\n"...)
	w.Write(b)
}

func rateList(rates []dec.Rate) string {
	var s []string
	for _, r := range rates {
		s = append(s, r.String())
	}
	return strings.Join(s, " ")
}

// capText is ", capped at X a member" for a component with a cap.
func capText(p *plan.Plan, c *plan.Component) string {
	if !c.Cap.Set {
		return ""
	}
	return fmt.Sprintf("; capped at %s a member", c.Cap.Value.AppendFixed(nil, p.Digits))
}
