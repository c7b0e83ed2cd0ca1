package report

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/compplan/compplan/plan"
	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// WriteExplanation writes e as text (Table) or JSON.
func WriteExplanation(w io.Writer, r *plan.Result, e *plan.Explanation, f Format) error {
	bw := bufio.NewWriter(w)
	if f == JSON {
		writeExplanationJSON(bw, r, e)
	} else {
		writeExplanationText(bw, r, e)
	}
	return bw.Flush()
}

// componentLines returns the explanation's lines of component c and their sum.
func componentLines(e *plan.Explanation, c int) ([]*plan.Line, dec.D) {
	var lines []*plan.Line
	var sub dec.D
	for i := range e.Lines {
		if e.Lines[i].Component == c {
			lines = append(lines, &e.Lines[i])
			sub += e.Lines[i].Amount
		}
	}
	return lines, sub
}

// missedGroup is the missed lines of one component for one reason.
type missedGroup struct {
	component int
	note      string
	unlock    string
	amount    dec.D
	lines     []*plan.Line
}

// groupMissed groups missed lines by component and note (the note of a
// missed line names its reason and, for ranks, the rank and its levels).
func groupMissed(r *plan.Result, e *plan.Explanation) []*missedGroup {
	var out []*missedGroup
	for i := range e.Missed {
		l := &e.Missed[i]
		note := l.Note(r)
		var g *missedGroup
		for _, o := range out {
			if o.component == l.Component && o.note == note {
				g = o
			}
		}
		if g == nil {
			g = &missedGroup{component: l.Component, note: note, unlock: r.Unlock(e.Member, l)}
			out = append(out, g)
		}
		g.amount += l.Amount
		g.lines = append(g.lines, l)
	}
	return out
}

func writeExplanationText(w *bufio.Writer, r *plan.Result, e *plan.Explanation) {
	p, o, m := r.Plan, r.Org, e.Member
	money := func(d dec.D) string { return string(d.AppendFixed(nil, p.Digits)) }
	who := func(k int32) string { return printable(o.ID(k) + "  " + o.Name(k)) }
	sponsor := "none (a root)"
	if s := o.Sponsor(m); s >= 0 {
		sponsor = who(s)
	}
	active := r.ActiveReason(m)
	rank := r.RankName(m)
	if rank == "" {
		rank = "none"
	}
	head := [][]string{
		{"member", who(m)}, {"sponsor", sponsor},
		{"pv", r.PV[m].String()}, {"gv", r.GV[m].String()},
		{"active", active}, {"paid-as rank", rank},
	}
	if e.Period != "" {
		head = append([][]string{{"period", e.Period}}, head...)
		if q := r.QualifiedName(m); q != rank && !(q == "" && rank == "none") {
			if q == "" {
				q = "none"
			}
			head = append(head, []string{"qualified rank", q + " (the paid-as rank is higher: a rank floor or rank grace)"})
		}
	}
	writeAligned(w, nil, head, func(int) bool { return false })

	fmt.Fprintf(w, "\nlegs (%d personally sponsored)\n", len(e.Legs))
	var rows [][]string
	for _, l := range e.Legs {
		best := "no rank"
		if l.Best != plan.NoRank {
			best = "highest rank " + p.Ranks[l.Best].Name
		}
		rows = append(rows, []string{"  " + who(l.Member), l.Volume.String(), best})
	}
	writeAligned(w, nil, rows, func(c int) bool { return c == 1 })

	writePlacementText(w, r, m, who)

	if len(e.Ranks) > 0 {
		w.WriteString("\nranks (highest first; the paid-as rank is the highest that holds)\n")
		for _, c := range e.Ranks {
			status := "does not hold"
			switch {
			case int16(c.Rank) == r.Rank[m] && !c.Holds:
				status = "does not hold, but is the paid-as rank (a rank floor, or rank grace from an earlier period)"
			case int16(c.Rank) == r.Rank[m]:
				status = "holds: the paid-as rank"
			case c.Holds:
				status = "holds"
			}
			if len(c.Requirements) == 0 {
				status += " (no requirements)"
			}
			fmt.Fprintf(w, "  %s: %s\n", p.Ranks[c.Rank].Name, status)
			rows = rows[:0]
			for _, q := range c.Requirements {
				met := "not met"
				if q.Met {
					met = "met"
				}
				rows = append(rows, []string{"    " + q.What, "needs " + q.Need, "has " + q.Have, met})
			}
			writeAligned(w, nil, rows, func(int) bool { return false })
		}
	}

	w.WriteString("\ncommissions\n")
	var total dec.D
	for c := range p.Components {
		lines, sub := componentLines(e, c)
		total += sub
		fmt.Fprintf(w, "  %s: %s (%s)\n", p.Components[c].Name, money(sub), plural(len(lines), "line"))
		writeAligned(w, nil, lineRows(r, lines), numericLineColumn)
	}
	fmt.Fprintf(w, "  total: %s\n", money(total))
	in, held := memberBalances(r, m)
	if e.Period != "" || r.BalanceIn != nil || held != 0 {
		fmt.Fprintf(w, "  balance in: %s, payable: %s, balance out: %s\n", money(in), money(r.Payable(m)), money(r.BalanceOut[m]))
	}
	switch mp := p.MinPayout.Value; {
	case held != 0:
		fmt.Fprintf(w, "  held: %s (the total with the balance carried in) is below min_payout %s, so it is not paid this run: it is carried out as the balance, and paid once later earnings bring it to %s (%s more)\n",
			money(held), money(mp), money(mp), money(mp-held))
	case p.MinPayout.Set && in > 0 && r.Payable(m) > 0:
		fmt.Fprintf(w, "  released: the %s held before is paid with this total (together at least min_payout %s)\n", money(in), money(mp))
	}
	if len(p.Deductions) > 0 {
		if steps := deductionSteps(r, m); len(steps) > 0 {
			fmt.Fprintf(w, "  deductions: %s\n", strings.Join(steps, "; "))
		} else {
			w.WriteString("  deductions: none (nothing is payable)\n")
		}
		fmt.Fprintf(w, "  net: %s\n", money(r.Net(m)))
	}

	w.WriteString("\nmissed (breakage on this member's levels)\n")
	groups := groupMissed(r, e)
	if len(groups) == 0 {
		w.WriteString("  nothing\n")
	}
	for _, g := range groups {
		fmt.Fprintf(w, "  %s: %s over %s: %s\n", p.Components[g.component].Name, money(g.amount), plural(len(g.lines), "line"), g.note)
		if g.unlock != "" {
			fmt.Fprintf(w, "    to earn it: %s\n", g.unlock)
		}
		writeAligned(w, nil, lineRows(r, g.lines), numericLineColumn)
	}
}

func numericLineColumn(c int) bool { return c == 2 || c == 4 }

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// lineRows renders lines as: what, order, base × rate, = amount, note.
func lineRows(r *plan.Result, lines []*plan.Line) [][]string {
	rows := make([][]string, 0, len(lines))
	for _, l := range lines {
		what := r.LineSource(l)
		order := ""
		if l.Sale.Chunk >= 0 {
			order = r.Data.Sales.Chunks[l.Sale.Chunk].OrderID(int(l.Sale.K))
		}
		if order != "" {
			order = "order " + order
		}
		note := ""
		if l.Earner >= 0 {
			note = l.Note(r)
		}
		base, rate := l.Base.String(), "× "+l.Rate.String()
		if cy := r.Plan.Components[l.Component].Cycle(); cy != nil && l.Reason != plan.Capped {
			base, rate = plural(int(l.Base/dec.One), "cycle"), "× "+string(cy.Amount.AppendFixed(nil, r.Plan.Digits))
		}
		money := func(d dec.D) string { return string(d.AppendFixed(nil, r.Plan.Digits)) }
		amount := "= " + money(l.Amount)
		switch f := string(r.ScaleFactor.AppendFraction(nil)); {
		case l.Unscaled != 0 && l.Reason == plan.Scaled: // what the cap took from a line
			amount = "= " + money(l.Unscaled) + ", less " + money(l.Unscaled-l.Amount) + " paid after the payout cap " + f + " → " + money(l.Amount)
		case l.Unscaled != 0:
			amount = "= " + money(l.Unscaled) + ", scaled by the payout cap " + f + " → " + money(l.Amount)
		}
		rows = append(rows, []string{"    " + printable(what), printable(order),
			base, rate, amount, note})
	}
	return rows
}

func writeExplanationJSON(w *bufio.Writer, r *plan.Result, e *plan.Explanation) {
	p, o, m := r.Plan, r.Org, e.Member
	b := []byte(`{"id":`)
	b = jsonString(b, o.ID(m))
	b = append(b, `,"name":`...)
	b = jsonString(b, o.Name(m))
	b = append(b, `,"sponsor":`...)
	if s := o.Sponsor(m); s >= 0 {
		b = jsonString(b, o.ID(s))
	} else {
		b = append(b, "null"...)
	}
	b = fmt.Appendf(b, `,"pv":%s,"gv":%s,"active":%t,"rank":`, r.PV[m], r.GV[m], r.Active[m])
	if name := r.RankName(m); name != "" {
		b = jsonString(b, name)
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `,"legs":[`...)
	for i, l := range e.Legs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"id":`...)
		b = jsonString(b, o.ID(l.Member))
		b = fmt.Appendf(b, `,"volume":%s,"highest_rank":`, l.Volume)
		if l.Best != plan.NoRank {
			b = jsonString(b, p.Ranks[l.Best].Name)
		} else {
			b = append(b, "null"...)
		}
		b = append(b, '}')
	}
	b = append(b, ']')
	if r.Legs != nil {
		b = append(b, `,"binary":{`...)
		if pa := r.Binary.Parent[m]; pa >= 0 {
			b = append(append(append(b, `"placement_id":`...), jsonString(nil, o.ID(pa))...), `,"leg":"`+tree.LegName(r.Binary.Leg[m])+`",`...)
		}
		b = appendLegsJSON(b, r.Legs, m)
	}
	if x := r.Matrix; x != nil && x.Parent[m] >= 0 {
		b = append(append(append(b, `,"matrix":{"parent":`...), jsonString(nil, o.ID(x.Parent[m]))...), fmt.Sprintf(`,"position":%d}`, x.Position[m])...)
	}
	b = append(b, `,"ranks":[`...)
	for i, c := range e.Ranks {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"rank":`...)
		b = jsonString(b, p.Ranks[c.Rank].Name)
		b = fmt.Appendf(b, `,"holds":%t,"paid_as":%t,"requirements":[`, c.Holds, int16(c.Rank) == r.Rank[m])
		for k, q := range c.Requirements {
			if k > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"what":`...)
			b = jsonString(b, q.What)
			b = append(b, `,"need":`...)
			b = jsonString(b, q.Need)
			b = append(b, `,"have":`...)
			b = jsonString(b, q.Have)
			b = fmt.Appendf(b, `,"met":%t}`, q.Met)
		}
		b = append(b, "]}"...)
	}
	led := &lineFormatter{jsonLines: true}
	lineArray := func(b []byte, lines []*plan.Line) []byte {
		b = append(b, '[')
		for i, l := range lines {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, bytes.TrimSuffix(led.appendLine(nil, r, l), []byte("\n"))...)
		}
		return append(b, ']')
	}
	b = append(b, `],"components":[`...)
	var total dec.D
	for c := range p.Components {
		lines, sub := componentLines(e, c)
		total += sub
		if c > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"name":`...)
		b = jsonString(b, p.Components[c].Name)
		b = append(b, `,"total":`...)
		b = sub.AppendFixed(b, p.Digits)
		b = append(b, `,"lines":`...)
		b = lineArray(b, lines)
		b = append(b, '}')
	}
	b = append(b, `],"total":`...)
	b = total.AppendFixed(b, p.Digits)
	in, held := memberBalances(r, m)
	b = append(b, `,"balance_in":`...)
	b = in.AppendFixed(b, p.Digits)
	b = append(b, `,"payable":`...)
	b = r.Payable(m).AppendFixed(b, p.Digits)
	b = append(b, `,"balance_out":`...)
	b = r.BalanceOut[m].AppendFixed(b, p.Digits)
	b = append(b, `,"held":`...)
	b = held.AppendFixed(b, p.Digits)
	if len(p.Deductions) > 0 {
		b = append(b, `,"deductions":[`...)
		for i, s := range p.Deduct(r.Payable(m)) {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(jsonString(append(b, `{"name":`...), s.Deduction.Name), `,"amount":`...)
			b = append(s.Took.AppendFixed(b, p.Digits), `,"why":`...)
			b = append(jsonString(b, s.Why(p)), '}')
		}
		b = r.Net(m).AppendFixed(append(b, `],"net":`...), p.Digits)
	}
	b = append(b, `,"missed":[`...)
	for i, g := range groupMissed(r, e) {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"component":`...)
		b = jsonString(b, p.Components[g.component].Name)
		b = append(b, `,"amount":`...)
		b = g.amount.AppendFixed(b, p.Digits)
		b = append(b, `,"reason":`...)
		b = jsonString(b, g.note)
		b = append(b, `,"unlock":`...)
		b = jsonString(b, g.unlock)
		b = append(b, `,"lines":`...)
		b = lineArray(b, g.lines)
		b = append(b, '}')
	}
	b = append(b, "]}\n"...)
	w.Write(b)
}

// writePlacementText describes member m's binary legs and matrix position.
func writePlacementText(w *bufio.Writer, r *plan.Result, m int32, who func(int32) string) {
	if b, l := r.Binary, r.Legs; l != nil && b.Placed(m) {
		where := "placed at a root of the binary tree"
		if pa := b.Parent[m]; pa >= 0 {
			where = "placed in the " + tree.LegName(b.Leg[m]) + " leg of " + who(pa)
			if b.Auto[m] {
				where += " (auto-placed)"
			}
		}
		f := l.Figures(m)
		q := "yes"
		if !l.Qualified[m] {
			q = "no"
		}
		fmt.Fprintf(w, "\nbinary (%s)\n", where)
		writeAligned(w, []string{"", "left", "right"}, [][]string{
			{"  leg volume (with carry-in)", f[0].String(), f[1].String()},
			{"  carry-in", f[2].String(), f[3].String()},
			{"  paired", f[4].String(), f[5].String()},
			{"  carry-out", f[6].String(), f[7].String()},
			{"  flushed", f[8].String(), f[9].String()},
		}, func(c int) bool { return c > 0 })
		fmt.Fprintf(w, "  qualified: %s\n", q)
		if a := l.AgesOut; a[0] != nil {
			ages := func(v []dec.D) string {
				if len(v) == 0 {
					return "none"
				}
				parts := make([]string, len(v))
				for i, x := range v {
					parts[i] = x.String()
				}
				return strings.Join(parts, ", ")
			}
			fmt.Fprintf(w, "  carry-out by the period its volume is from, this period's first: left %s; right %s\n", ages(a[0][m]), ages(a[1][m]))
		}
	}
	if x := r.Matrix; x != nil && x.Placed(m) {
		where := "a root of the matrix"
		if pa := x.Parent[m]; pa >= 0 {
			where = fmt.Sprintf("position %d under %s", x.Position[m], who(pa))
			if x.Auto[m] {
				where += " (spillover)"
			}
		}
		fmt.Fprintf(w, "\nmatrix: %s; %d of %d positions below filled\n", where, len(x.Children(m)), x.Width)
	}
}

// memberBalances is member m's balance carried in and the amount held
// under min_payout (0 when none).
func memberBalances(r *plan.Result, m int32) (in, held dec.D) {
	if r.BalanceIn != nil {
		in = r.BalanceIn[m]
	}
	if r.Held != nil {
		held = r.Held[m]
	}
	return in, held
}
