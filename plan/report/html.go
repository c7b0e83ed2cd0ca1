package report

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/compplan/compplan/plan/compare"
	"github.com/compplan/compplan/tree/dec"
)

// WriteHTML writes a comparison as one self-contained HTML page a founder
// can put before a board: a header saying what was compared on what data,
// the summary table (thousands separators; a change column against the
// first plan), the income disclosure table by paid-as rank of each plan,
// the members who gain and lose most, and inline SVG charts with axes —
// earners by earnings (decades, a log scale), payout by component, members
// by rank, and over history the payout of each period — with no external
// script, style or font, and a print style for A4. Every bar carries
// data-plan, data-label and data-value (the exact figure) so tests can
// check the picture against the numbers; bar heights are proportional to
// the values. A small inline script records each chart's drawn size and
// any error in the data-check attribute of a hidden element (no part of
// the visible page).
func WriteHTML(w io.Writer, c *compare.Comparison) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(pageHead("compplan: plans compared"))
	bw.WriteString("<h1>Plans compared</h1>\n")
	writeDataFacts(bw, c)
	v := &plansView{c}
	rows := summaryRows(c)
	cur := c.Plans[0].Result.Plan.Currency
	fmt.Fprintf(bw, "<h2>Summary</h2>\n<table class=\"summary\">\n<caption>Amounts in %s; a change is against %s.</caption>\n<tr>", html.EscapeString(cur), html.EscapeString(c.Plans[0].Label))
	for i, h := range rows[0] {
		fmt.Fprintf(bw, "<th>%s</th>", html.EscapeString(h))
		if i > 1 {
			fmt.Fprintf(bw, "<th>change</th>")
		}
	}
	bw.WriteString("</tr>\n")
	for _, row := range rows[1:] {
		bw.WriteString("<tr>")
		for i, cell := range row {
			if i == 0 {
				fmt.Fprintf(bw, "<th>%s</th>", html.EscapeString(cell))
				continue
			}
			fmt.Fprintf(bw, "<td>%s</td>", html.EscapeString(thousands(cell)))
			if i > 1 {
				fmt.Fprintf(bw, "<td class=\"change\">%s</td>", html.EscapeString(change(row[1], cell)))
			}
		}
		bw.WriteString("</tr>\n")
	}
	bw.WriteString("</table>\n")
	for i, p := range c.Plans {
		fmt.Fprintf(bw, "<section class=\"plan\"><h2>%s: income disclosure by paid-as rank</h2>\n<table>\n<tr><th>rank</th><th>members</th><th>%% of members</th><th>median</th><th>mean</th><th>max</th></tr>\n", html.EscapeString(p.Label))
		for _, r := range p.Ranks {
			name := r.Rank
			if name == "" {
				name = "(no rank)"
			}
			fmt.Fprintf(bw, "<tr><th>%s</th><td>%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", html.EscapeString(name), thousands(fmt.Sprint(r.Count)),
				r.Pct.AppendFixed(nil, 2), thousands(v.money(i, r.Median)), thousands(v.money(i, r.Mean)), thousands(v.money(i, r.Max)))
		}
		bw.WriteString("</table>\n")
		if i > 0 {
			for _, list := range []struct {
				name string
				m    []compare.Mover
			}{{"gain most", c.Gainers[i]}, {"lose most", c.Losers[i]}} {
				if len(list.m) == 0 {
					continue
				}
				fmt.Fprintf(bw, "<h3>Against %s: who would %s</h3>\n<table>\n<tr><th>id</th><th>name</th><th>%s</th><th>%s</th><th>change</th></tr>\n",
					html.EscapeString(c.Plans[0].Label), list.name, html.EscapeString(c.Plans[0].Label), html.EscapeString(p.Label))
				o := p.Result.Org
				for _, mv := range list.m {
					fmt.Fprintf(bw, "<tr><th>%s</th><td class=\"name\">%s</td><td>%s</td><td>%s</td><td>%s</td></tr>\n", html.EscapeString(o.ID(mv.Member)), html.EscapeString(o.Name(mv.Member)),
						thousands(v.money(0, mv.Before)), thousands(v.money(i, mv.After)), thousands(v.money(i, mv.Delta)))
				}
				bw.WriteString("</table>\n")
			}
		}
		bw.WriteString("</section>\n")
	}
	for _, ch := range Charts(c) {
		writeChart(bw, ch)
	}
	bw.WriteString(pageTail)
	return bw.Flush()
}

// pageHead is the start of a report page, its style included: print on A4,
// no chart or table cut across pages.
func pageHead(title string) string {
	return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>` + html.EscapeString(title) + `</title>
<style>
body{font-family:sans-serif;margin:2em;color:#222;max-width:1100px}
table{border-collapse:collapse;margin:0.5em 0 1.5em}td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:right;font-variant-numeric:tabular-nums}
th:first-child{text-align:left}td.name{text-align:left}td.change{color:#666}
caption{text-align:left;color:#666;padding-bottom:4px}
dl.facts{display:grid;grid-template-columns:max-content auto;gap:2px 16px}dl.facts dt{color:#666}dl.facts dd{margin:0}
.chart{margin:1.5em 0;max-width:100%;height:auto}.chart text{font-size:11px}
@media print{@page{size:A4;margin:12mm}body{margin:0}table,svg,section,h2{break-inside:avoid;page-break-inside:avoid}h2{break-after:avoid}}
</style>
<script>window.compplanErrors=[];window.onerror=function(m){window.compplanErrors.push(String(m))};</script>
</head><body>
`
}

// pageTail ends a report page with the self-check the browser test reads:
// the data-check attribute of a hidden element, no part of the visible
// page.
const pageTail = `<div id="check" hidden data-check=""></div>
<script>
(function(){
  var charts=document.querySelectorAll('svg.chart'), sized=0;
  for(var i=0;i<charts.length;i++){var r=charts[i].getBoundingClientRect(); if(r.width>0&&r.height>0) sized++;}
  document.getElementById('check').dataset.check='charts='+charts.length+' sized='+sized+' errors='+window.compplanErrors.length;
})();
</script>
</body></html>
`

// writeDataFacts writes what the comparison was computed on (nothing when
// it does not say).
func writeDataFacts(w *bufio.Writer, c *compare.Comparison) {
	d := c.Data
	if d == nil {
		return
	}
	digits := c.Plans[0].Result.Plan.Digits
	span := "undated sales"
	if d.From != "" {
		span = d.From + " to " + d.To
	}
	if d.Periods > 0 {
		span += fmt.Sprintf(", %s by %s", plural(d.Periods, "period"), d.Every)
	}
	facts := [][2]string{
		{"members", thousands(fmt.Sprint(d.Members)) + fmt.Sprintf(" (%s customers)", thousands(fmt.Sprint(d.Customers)))},
		{"sales", thousands(fmt.Sprint(d.Sales)) + ", " + d.Currency + " " + thousands(string(exactMoney(nil, d.SalesAmount, digits)))},
		{"span", span},
		{"currency", d.Currency},
		{"plans", fmt.Sprint(len(c.Plans))},
		{"files", strings.Join(d.Files, ", ")},
	}
	w.WriteString("<dl class=\"facts\">\n")
	for _, f := range facts {
		fmt.Fprintf(w, "<dt>%s</dt><dd>%s</dd>\n", f[0], html.EscapeString(f[1]))
	}
	w.WriteString("</dl>\n")
}

// thousands groups a number's integer digits by three with commas
// ("1234567.50" → "1,234,567.50"); anything else is left as it is.
func thousands(s string) string {
	sign, rest := "", s
	if strings.HasPrefix(rest, "-") || strings.HasPrefix(rest, "+") {
		sign, rest = rest[:1], rest[1:]
	}
	intPart, frac, hasFrac := strings.Cut(rest, ".")
	if intPart == "" || strings.Trim(intPart, "0123456789") != "" || (hasFrac && strings.Trim(frac, "0123456789") != "") {
		return s
	}
	var b strings.Builder
	for i, ch := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(ch)
	}
	if hasFrac {
		return sign + b.String() + "." + frac
	}
	return sign + b.String()
}

// change is b − a for two figures of the summary written as decimals, with
// a sign and grouped ("" when either is not a number).
func change(a, b string) string {
	x, err1 := dec.Parse([]byte(a))
	y, err2 := dec.Parse([]byte(b))
	if err1 != nil || err2 != nil {
		return ""
	}
	digits := 0
	if _, frac, ok := strings.Cut(b, "."); ok {
		digits = len(frac)
	}
	d := y - x
	s := string(d.AppendFixed(nil, digits))
	if d > 0 {
		s = "+" + s
	}
	return thousands(s)
}

// Chart is one grouped bar chart: for each group (x) one bar per plan.
type Chart struct {
	ID, Title string
	Groups    []string
	// Labels are the groups as shown under the axis, when shorter than
	// Groups (the data-label of each bar); nil: Groups.
	Labels []string
	Plans  []string
	// Values[g][p] is the figure of plan p in group g, as text (exact) and
	// as a number for the bar's height.
	Text   [][]string
	Values [][]float64
}

// Charts are the comparison's charts.
func Charts(c *compare.Comparison) []Chart {
	var plans []string
	for _, p := range c.Plans {
		plans = append(plans, p.Label)
	}
	// Earners by earnings, in decades of the currency.
	maxTotal := dec.D(0)
	for _, p := range c.Plans {
		if p.AmongEarners.Has {
			maxTotal = max(maxTotal, p.AmongEarners.Max)
		}
	}
	decades := 1
	for d := dec.FromInt(10); d <= maxTotal && decades < 12; d *= 10 {
		decades++
	}
	dist := Chart{ID: "earnings", Title: "Earners by earnings (log scale of amounts)", Plans: plans}
	bounds := []dec.D{0}
	for k, b := 0, dec.FromInt(1); k < decades; k, b = k+1, b*10 {
		lo, hi := bounds[len(bounds)-1], b*10
		dist.Groups = append(dist.Groups, fmt.Sprintf("%s–%s", lo, hi))
		dist.Labels = append(dist.Labels, shortAmount(lo)+"–"+shortAmount(hi))
		bounds = append(bounds, hi)
	}
	for g := range dist.Groups {
		var text []string
		var vals []float64
		for _, p := range c.Plans {
			n := 0
			r := p.Result
			for _, m := range r.Org.ByID() {
				if t := r.Total(m); t > 0 && t >= bounds[g] && t < bounds[g+1] {
					n++
				}
			}
			text, vals = append(text, fmt.Sprint(n)), append(vals, float64(n))
		}
		dist.Text, dist.Values = append(dist.Text, text), append(dist.Values, vals)
	}
	// Payout by component.
	comps := Chart{ID: "components", Title: "Payout by component", Plans: plans}
	seen := map[string]bool{}
	for _, p := range c.Plans {
		for _, comp := range p.Result.Plan.Components {
			if !seen[comp.Name] {
				seen[comp.Name] = true
				comps.Groups = append(comps.Groups, comp.Name)
			}
		}
	}
	for _, name := range comps.Groups {
		var text []string
		var vals []float64
		for _, p := range c.Plans {
			paid := dec.D(0)
			for k, comp := range p.Result.Plan.Components {
				if comp.Name == name {
					paid = p.Result.Paid[k]
				}
			}
			text = append(text, string(paid.AppendFixed(nil, p.Result.Plan.Digits)))
			vals = append(vals, toFloat(paid))
		}
		comps.Text, comps.Values = append(comps.Text, text), append(comps.Values, vals)
	}
	// Members by paid-as rank.
	ranks := Chart{ID: "ranks", Title: "Members by paid-as rank", Plans: plans}
	seen = map[string]bool{}
	for _, p := range c.Plans {
		for _, rs := range p.Ranks {
			name := rs.Rank
			if name == "" {
				name = "(no rank)"
			}
			if !seen[name] {
				seen[name] = true
				ranks.Groups = append(ranks.Groups, name)
			}
		}
	}
	for _, name := range ranks.Groups {
		var text []string
		var vals []float64
		for _, p := range c.Plans {
			n := 0
			for _, rs := range p.Ranks {
				if rs.Rank == name || (rs.Rank == "" && name == "(no rank)") {
					n = rs.Count
				}
			}
			text, vals = append(text, fmt.Sprint(n)), append(vals, float64(n))
		}
		ranks.Text, ranks.Values = append(ranks.Text, text), append(ranks.Values, vals)
	}
	charts := []Chart{dist, comps, ranks}
	if len(c.Plans[0].Periods) > 0 { // over history: the payout of each period
		periods := Chart{ID: "periods", Title: "Payout by period", Plans: plans}
		for k, f := range c.Plans[0].Periods {
			periods.Groups = append(periods.Groups, f.Period.Name)
			var text []string
			var vals []float64
			for _, p := range c.Plans {
				text = append(text, string(p.Periods[k].Payout.AppendFixed(nil, p.Result.Plan.Digits)))
				vals = append(vals, toFloat(p.Periods[k].Payout))
			}
			periods.Text, periods.Values = append(periods.Text, text), append(periods.Values, vals)
		}
		charts = append(charts, periods)
	}
	return charts
}

// toFloat is for drawing only: bar heights, never money.
func toFloat(d dec.D) float64 { return float64(d) / float64(dec.One) }

var palette = []string{"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948"}

// Chart geometry: bars stand on the baseline at y = chartTop + chartHeight.
const (
	chartTop    = 30
	chartHeight = 200
	barWidth    = 18
	groupGap    = 24
)

func writeChart(w *bufio.Writer, ch Chart) {
	top := 0.0
	for _, vals := range ch.Values {
		for _, v := range vals {
			top = math.Max(top, v)
		}
	}
	// Labels under the bars turn 40 degrees when a group is narrower than
	// its label, so they never overlap.
	groupWidth := len(ch.Plans)*barWidth + groupGap
	longest := 0
	for g := range ch.Groups {
		longest = max(longest, len([]rune(ch.label(g))))
	}
	turn := longest*6 > groupWidth
	bottom := 40
	if turn {
		bottom = 20 + longest*5
	}
	width := 80 + len(ch.Groups)*groupWidth + 160
	height := chartTop + chartHeight + bottom
	fmt.Fprintf(w, "<h2>%s</h2>\n<svg class=\"chart\" id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" data-max=\"%g\">\n",
		html.EscapeString(ch.Title), ch.ID, width, height, width, height, top)
	base := chartTop + chartHeight
	// The y axis: five ticks from 0 to the top value, labelled.
	fmt.Fprintf(w, "<line x1=\"70\" y1=\"%d\" x2=\"70\" y2=\"%d\" stroke=\"#888\"/>\n", chartTop, base)
	for k := 0; k <= 4; k++ {
		y := float64(base) - float64(k)*chartHeight/4
		fmt.Fprintf(w, "<line x1=\"66\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/><text x=\"62\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
			y, width-150, y, y+4, axisLabel(top*float64(k)/4))
	}
	fmt.Fprintf(w, "<line x1=\"70\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>\n", base, width-150, base)
	x := 80
	for g, group := range ch.Groups {
		for p := range ch.Plans {
			h := 0.0
			if top > 0 {
				h = ch.Values[g][p] / top * chartHeight
			}
			fmt.Fprintf(w, "<rect x=\"%d\" y=\"%.3f\" width=\"%d\" height=\"%.3f\" fill=\"%s\" data-plan=\"%s\" data-label=\"%s\" data-value=\"%s\"><title>%s, %s: %s</title></rect>\n",
				x, float64(base)-h, barWidth-2, h, palette[p%len(palette)], html.EscapeString(ch.Plans[p]), html.EscapeString(group),
				ch.Text[g][p], html.EscapeString(ch.Plans[p]), html.EscapeString(ch.label(g)), thousands(ch.Text[g][p]))
			x += barWidth
		}
		cx := x - len(ch.Plans)*barWidth/2
		if turn {
			fmt.Fprintf(w, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\" transform=\"rotate(-40 %d %d)\">%s</text>\n", cx, base+14, cx, base+14, html.EscapeString(ch.label(g)))
		} else {
			fmt.Fprintf(w, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", cx, base+16, html.EscapeString(ch.label(g)))
		}
		x += groupGap
	}
	for p, name := range ch.Plans {
		fmt.Fprintf(w, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>\n",
			width-140, chartTop+p*16, palette[p%len(palette)], width-125, chartTop+p*16+9, html.EscapeString(name))
	}
	w.WriteString("</svg>\n")
}

// label is group g's label as shown (Labels, else the group itself).
func (ch *Chart) label(g int) string {
	if g < len(ch.Labels) && ch.Labels[g] != "" {
		return ch.Labels[g]
	}
	return ch.Groups[g]
}

// axisLabel writes an axis value short: 1,250, 12.5k, 3.4M.
func axisLabel(v float64) string {
	switch a := math.Abs(v); {
	case a >= 1e6:
		return strconv.FormatFloat(v/1e6, 'f', 1, 64) + "M"
	case a >= 1e4:
		return strconv.FormatFloat(v/1e3, 'f', 1, 64) + "k"
	case a == math.Trunc(a):
		return thousands(strconv.FormatFloat(v, 'f', 0, 64))
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

// shortAmount writes a decade's bound short: 0, 10, 100, 1k, 10k, 1M.
func shortAmount(d dec.D) string {
	s := d.String()
	for _, u := range []struct {
		zeros, name string
	}{{"000000000", "G"}, {"000000", "M"}, {"000", "k"}} {
		if t, ok := strings.CutSuffix(s, u.zeros); ok && t != "" {
			return t + u.name
		}
	}
	return s
}
