package report

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/compplan/compplan/plan"
	"github.com/compplan/compplan/plan/compare"
	"github.com/compplan/compplan/tree/dec"
)

// SweepPoint is one point of a sweep: the values set, and the figures of
// the plan computed with them (kept without the result itself, so a sweep
// holds one result at a time).
type SweepPoint struct {
	Values     []string
	Payout     dec.D
	PayoutPct  dec.D
	HasPct     bool
	Earners    int
	Median     dec.D // of what earners are paid
	P90        dec.D
	Top1Share  dec.D
	Components []string
	Paid       []dec.D
	Breakage   []dec.D
	// MemberPay is, sweeping a member's volume, that member's total.
	MemberPay dec.D
	digits    int
	totals    []byte // run --format json's totals
}

// NewSweepPoint takes the figures of r, computed with values set.
func NewSweepPoint(values []string, r *plan.Result) SweepPoint {
	st := compare.Compare([]string{""}, []*plan.Result{r}, 0).Plans[0]
	pt := SweepPoint{Values: values, Payout: r.Payout, Earners: st.Earners, Median: st.AmongEarners.Median, P90: st.AmongEarners.P90,
		Top1Share: st.Top1Share, Components: componentNames(r.Plan), Paid: r.Paid, Breakage: r.Breakage, digits: r.Plan.Digits,
		totals: AppendTotalsJSON(nil, r)}
	pt.PayoutPct, pt.HasPct = r.PayoutPct()
	return pt
}

// Sweep is a sweep's points, and the cliffs found along it.
type Sweep struct {
	Paths  []string
	Points []SweepPoint
	// Member is the id of the member whose volume is swept ("": none):
	// the rows then say their pay.
	Member string
	Cliffs []Cliff
}

// sweepRows are the points as rows under a header: the paths set, payout,
// payout %, earners, the median and p90 of what earners are paid, the top
// 1%'s share, each component's paid and breakage, the member's pay when a
// member's volume is swept, and a note naming the cliffs found there.
func sweepRows(sw *Sweep) [][]string {
	paths, points := sw.Paths, sw.Points
	head := append([]string(nil), paths...)
	head = append(head, "payout", "payout_pct", "earners", "median_earners", "p90_earners", "top1_share_pct")
	if len(points) > 0 {
		for _, c := range points[0].Components {
			head = append(head, "paid_"+c, "breakage_"+c)
		}
	}
	if sw.Member != "" {
		head = append(head, "pay_"+sw.Member)
	}
	head = append(head, "note")
	notes := make([][]string, len(points))
	for _, c := range sw.Cliffs {
		at := c.To
		if c.Change == 0 {
			at = c.From // a flat stretch: where it starts
		}
		notes[at] = append(notes[at], c.Why)
	}
	rows := [][]string{head}
	for i, pt := range points {
		m := func(v dec.D) string { return string(v.AppendFixed(nil, pt.digits)) }
		pct := ""
		if pt.HasPct {
			pct = string(pt.PayoutPct.AppendFixed(nil, 2))
		}
		row := append([]string(nil), pt.Values...)
		median, p90 := "", ""
		if pt.Earners > 0 {
			median, p90 = m(pt.Median), m(pt.P90)
		}
		row = append(row, m(pt.Payout), pct, strconv.Itoa(pt.Earners), median, p90, string(pt.Top1Share.AppendFixed(nil, 2)))
		for c := range pt.Components {
			row = append(row, m(pt.Paid[c]), m(pt.Breakage[c]))
		}
		if sw.Member != "" {
			row = append(row, m(pt.MemberPay))
		}
		row = append(row, strings.Join(notes[i], "; "))
		rows = append(rows, row)
	}
	return rows
}

// WriteSweep writes a sweep's points: a row each (table or CSV), or JSON
// {"points": [{"values": {PATH: VALUE}, "totals": {…}, "earners": {…}}]}
// whose totals are run --format json's.
func WriteSweep(w io.Writer, sw *Sweep, f Format) error {
	paths, points := sw.Paths, sw.Points
	bw := bufio.NewWriter(w)
	switch f {
	case JSON:
		b := []byte(`{"points":[`)
		for i, pt := range points {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, "\n"+`{"values":{`...)
			for k, p := range paths {
				if k > 0 {
					b = append(b, ',')
				}
				b = append(append(jsonString(b, p), ':'), jsonString(nil, pt.Values[k])...)
			}
			b = append(b, `},"totals":`...)
			b = append(b, pt.totals...)
			b = fmt.Appendf(b, `,"earners":{"count":%d,"median":`, pt.Earners)
			if pt.Earners > 0 {
				b = append(money(b, pt.Median, pt.digits), `,"p90":`...)
				b = money(b, pt.P90, pt.digits)
			} else {
				b = append(b, `null,"p90":null`...)
			}
			b = append(b, `,"top1_share_pct":`...)
			b = append(pt.Top1Share.AppendFixed(b, 2), '}')
			if sw.Member != "" {
				b = append(b, `,"member_pay":`...)
				b = money(b, pt.MemberPay, pt.digits)
			}
			b = append(b, '}')
		}
		b = append(b, "\n],\"cliffs\":["...)
		for i, c := range sw.Cliffs {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, "\n"+`{"from":`...)
			b = jsonString(b, points[c.From].Values[0])
			b = append(b, `,"to":`...)
			b = jsonString(b, points[c.To].Values[0])
			b = append(b, `,"figure":`...)
			b = jsonString(b, c.Figure)
			b = append(b, `,"change":`...)
			b = money(b, c.Change, points[0].digits)
			b = append(b, `,"why":`...)
			b = append(jsonString(b, c.Why), '}')
		}
		bw.Write(append(b, "\n]}\n"...))
	case CSV:
		var b []byte
		for _, row := range sweepRows(sw) {
			b = appendCSVRow(b[:0], row)
			bw.Write(b)
		}
	default:
		rows := sweepRows(sw)
		writeAligned(bw, rows[0], rows[1:], func(c int) bool { return c < len(rows[0])-1 })
	}
	return bw.Flush()
}

// Cliff is a step of a sweep where its figure moves against the value's
// expected direction (plan.SweepDirection), or a flat stretch longer than
// a quarter of the range: From and To index the points.
type Cliff struct {
	From, To int
	Figure   string // "payout", or "pay of ID" for a member's volume
	Change   dec.D  // To's figure less From's (0 for a flat stretch)
	Why      string
}

// FindCliffs looks along a one-value sweep (the path, with direction dir)
// for every step where the figure moves against dir, and every flat
// stretch of more than a quarter of the points; figure is each point's
// figure, named name.
func FindCliffs(path string, dir int, values []string, figure []dec.D, name string, digits int) []Cliff {
	var out []Cliff
	for i := 1; i < len(figure); i++ {
		d := figure[i] - figure[i-1]
		if (dir > 0 && d < 0) || (dir < 0 && d > 0) {
			verb := "falls"
			if d > 0 {
				verb = "rises"
			}
			out = append(out, Cliff{From: i - 1, To: i, Figure: name, Change: d,
				Why: fmt.Sprintf("%s %s by %s as %s rises from %s to %s", name, verb, dec.D(max(d, -d)).AppendFixed(nil, digits), path, values[i-1], values[i])})
		}
	}
	for i := 0; i < len(figure); {
		j := i
		for j+1 < len(figure) && figure[j+1] == figure[i] {
			j++
		}
		if j > i && 4*(j-i+1) > len(figure) {
			out = append(out, Cliff{From: i, To: j, Figure: name,
				Why: fmt.Sprintf("%s is flat at %s from %s=%s to %s", name, figure[i].AppendFixed(nil, digits), path, values[i], values[j])})
		}
		i = j + 1
	}
	return out
}

// WriteSweepHTML writes a sweep as one self-contained page (the style of
// WriteHTML): the points' table, and a line chart of the payout over the
// values — with a member's volume swept, of that member's pay too; over a
// grid, a line for each value of the second path — each cliff marked in
// red with what it is. Every point of a line carries data-series,
// data-label and data-value (the exact figure).
func WriteSweepHTML(w io.Writer, sw *Sweep) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(pageHead("compplan: sweep"))
	fmt.Fprintf(bw, "<h1>Sweep of %s</h1>\n", html.EscapeString(strings.Join(sw.Paths, " and ")))
	rows := sweepRows(sw)
	bw.WriteString("<table class=\"summary\">\n<tr>")
	for _, h := range rows[0] {
		fmt.Fprintf(bw, "<th>%s</th>", html.EscapeString(h))
	}
	bw.WriteString("</tr>\n")
	for _, row := range rows[1:] {
		bw.WriteString("<tr>")
		for i, cell := range row {
			if i < len(sw.Paths) {
				fmt.Fprintf(bw, "<th>%s</th>", html.EscapeString(cell))
			} else {
				fmt.Fprintf(bw, "<td class=\"%s\">%s</td>", map[bool]string{true: "name", false: "num"}[i == len(row)-1], html.EscapeString(thousands(cell)))
			}
		}
		bw.WriteString("</tr>\n")
	}
	bw.WriteString("</table>\n")
	type series struct {
		name   string
		points []int // indexes into sw.Points
		figure func(SweepPoint) dec.D
	}
	var lines []series
	payout := func(pt SweepPoint) dec.D { return pt.Payout }
	if len(sw.Paths) == 2 { // a line for each value of the second path
		byValue := map[string]int{}
		for i, pt := range sw.Points {
			v := pt.Values[1]
			k, ok := byValue[v]
			if !ok {
				k, byValue[v] = len(lines), len(lines)
				lines = append(lines, series{name: sw.Paths[1] + "=" + v, figure: payout})
			}
			lines[k].points = append(lines[k].points, i)
		}
	} else {
		all := make([]int, len(sw.Points))
		for i := range all {
			all[i] = i
		}
		lines = append(lines, series{name: "payout", points: all, figure: payout})
		if sw.Member != "" {
			lines = append(lines, series{name: "pay of " + sw.Member, points: all, figure: func(pt SweepPoint) dec.D { return pt.MemberPay }})
		}
	}
	for k, l := range lines {
		ch := lineChart{ID: fmt.Sprintf("sweep-%d", k), Title: l.name + " by " + sw.Paths[0], Series: l.name}
		for _, i := range l.points {
			pt := sw.Points[i]
			ch.Labels = append(ch.Labels, pt.Values[0])
			ch.Text = append(ch.Text, string(l.figure(pt).AppendFixed(nil, pt.digits)))
			ch.Values = append(ch.Values, toFloat(l.figure(pt)))
		}
		// The cliffs along this line: on its figure, and over a grid on
		// its points.
		at := map[int]int{} // a point's index on the line
		for k, i := range l.points {
			at[i] = k
		}
		for _, c := range sw.Cliffs {
			to, on := at[c.To]
			from, on2 := at[c.From]
			if on && on2 && (c.Figure == "payout") == (l.name == "payout" || len(sw.Paths) == 2) {
				ch.Marks = append(ch.Marks, mark{at: to, flat: c.Change == 0, from: from, why: c.Why})
			}
		}
		writeLineChart(bw, ch)
	}
	bw.WriteString(pageTail)
	return bw.Flush()
}

// lineChart is one line over a sweep's values.
type lineChart struct {
	ID, Title, Series string
	Labels, Text      []string
	Values            []float64
	Marks             []mark
}

// mark is a cliff on a line: the point it reaches (at), or a flat stretch
// from..at.
type mark struct {
	at, from int
	flat     bool
	why      string
}

func writeLineChart(w *bufio.Writer, ch lineChart) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range ch.Values {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if lo > 0 {
		lo = 0
	}
	if hi <= lo {
		hi = lo + 1
	}
	n := len(ch.Values)
	step := 600.0 / float64(max(n-1, 1))
	width, height := 760, chartTop+chartHeight+70
	x := func(i int) float64 { return 80 + float64(i)*step }
	y := func(v float64) float64 { return float64(chartTop+chartHeight) - (v-lo)/(hi-lo)*chartHeight }
	fmt.Fprintf(w, "<h2>%s</h2>\n<svg class=\"chart\" id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n",
		html.EscapeString(ch.Title), ch.ID, width, height, width, height)
	base := chartTop + chartHeight
	fmt.Fprintf(w, "<line x1=\"70\" y1=\"%d\" x2=\"70\" y2=\"%d\" stroke=\"#888\"/><line x1=\"70\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>\n", chartTop, base, base, width-60, base)
	for k := 0; k <= 4; k++ {
		v := lo + (hi-lo)*float64(k)/4
		fmt.Fprintf(w, "<line x1=\"66\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/><text x=\"62\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", y(v), width-60, y(v), y(v)+4, axisLabel(v))
	}
	var pts []string
	for i, v := range ch.Values {
		pts = append(pts, fmt.Sprintf("%.2f,%.2f", x(i), y(v)))
	}
	fmt.Fprintf(w, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>\n", palette[0], strings.Join(pts, " "))
	every := max(1, (n+11)/12) // at most about 12 labels under the axis
	for i, v := range ch.Values {
		fmt.Fprintf(w, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"3\" fill=\"%s\" data-series=\"%s\" data-label=\"%s\" data-value=\"%s\"><title>%s = %s: %s</title></circle>\n",
			x(i), y(v), palette[0], html.EscapeString(ch.Series), html.EscapeString(ch.Labels[i]), ch.Text[i], html.EscapeString(ch.Labels[i]), html.EscapeString(ch.Series), thousands(ch.Text[i]))
		if i%every == 0 || i == n-1 {
			fmt.Fprintf(w, "<text x=\"%.2f\" y=\"%d\" text-anchor=\"end\" transform=\"rotate(-40 %.2f %d)\">%s</text>\n", x(i), base+14, x(i), base+14, html.EscapeString(ch.Labels[i]))
		}
	}
	for _, m := range ch.Marks {
		if m.flat {
			fmt.Fprintf(w, "<line class=\"flat\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" stroke=\"#e15759\" stroke-width=\"6\" stroke-opacity=\"0.35\"><title>%s</title></line>\n",
				x(m.from), y(ch.Values[m.from]), x(m.at), y(ch.Values[m.at]), html.EscapeString(m.why))
			continue
		}
		fmt.Fprintf(w, "<circle class=\"cliff\" cx=\"%.2f\" cy=\"%.2f\" r=\"7\" fill=\"none\" stroke=\"#e15759\" stroke-width=\"2\"><title>%s</title></circle>\n",
			x(m.at), y(ch.Values[m.at]), html.EscapeString(m.why))
	}
	w.WriteString("</svg>\n")
}
