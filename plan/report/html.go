package report

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"math"

	"github.com/compplan/compplan/plan/compare"
	"github.com/compplan/compplan/tree/dec"
)

// WriteHTML writes a comparison as one self-contained HTML page: the summary
// table and three inline SVG charts — earners by earnings (decades, a log
// scale), payout by component, members by rank — with no external script,
// style or font. Every bar carries data-plan, data-label and data-value (the
// exact figure) so tests can check the picture against the numbers; bar
// heights are proportional to the values. A small inline script records
// each chart's drawn size and any error in the data-check attribute of a hidden
// element (no part of the visible page).
func WriteHTML(w io.Writer, c *compare.Comparison) error {
	bw := bufio.NewWriter(w)
	bw.WriteString(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>compplan: plans compared</title>
<style>
body{font-family:sans-serif;margin:2em;color:#222}
table{border-collapse:collapse}td,th{padding:2px 8px;border-bottom:1px solid #ddd;text-align:right}
td:first-child,th:first-child{text-align:left}
.chart{margin:1.5em 0}.chart text{font-size:11px}
</style>
<script>window.compplanErrors=[];window.onerror=function(m){window.compplanErrors.push(String(m))};</script>
</head><body>
<h1>Plans compared</h1>
`)
	rows := summaryRows(c)
	bw.WriteString("<table>\n<tr>")
	for _, h := range rows[0] {
		fmt.Fprintf(bw, "<th>%s</th>", html.EscapeString(h))
	}
	bw.WriteString("</tr>\n")
	for _, row := range rows[1:] {
		bw.WriteString("<tr>")
		for _, cell := range row {
			fmt.Fprintf(bw, "<td>%s</td>", html.EscapeString(cell))
		}
		bw.WriteString("</tr>\n")
	}
	bw.WriteString("</table>\n")
	for _, ch := range Charts(c) {
		writeChart(bw, ch)
	}
	// The self-check the browser test reads is the data-check attribute of
	// a hidden element: no part of the visible page.
	bw.WriteString(`<div id="check" hidden data-check=""></div>
<script>
(function(){
  var charts=document.querySelectorAll('svg.chart'), sized=0;
  for(var i=0;i<charts.length;i++){var r=charts[i].getBoundingClientRect(); if(r.width>0&&r.height>0) sized++;}
  document.getElementById('check').dataset.check='charts='+charts.length+' sized='+sized+' errors='+window.compplanErrors.length;
})();
</script>
</body></html>
`)
	return bw.Flush()
}

// Chart is one grouped bar chart: for each group (x) one bar per plan.
type Chart struct {
	ID, Title string
	Groups    []string
	Plans     []string
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
	width := 60 + len(ch.Groups)*(len(ch.Plans)*barWidth+groupGap) + 160
	fmt.Fprintf(w, "<h2>%s</h2>\n<svg class=\"chart\" id=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" data-max=\"%g\">\n",
		html.EscapeString(ch.Title), ch.ID, width, chartTop+chartHeight+60, width, chartTop+chartHeight+60, top)
	base := chartTop + chartHeight
	fmt.Fprintf(w, "<line x1=\"50\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>\n", base, width-150, base)
	x := 60
	for g, group := range ch.Groups {
		for p := range ch.Plans {
			h := 0.0
			if top > 0 {
				h = ch.Values[g][p] / top * chartHeight
			}
			fmt.Fprintf(w, "<rect x=\"%d\" y=\"%.3f\" width=\"%d\" height=\"%.3f\" fill=\"%s\" data-plan=\"%s\" data-label=\"%s\" data-value=\"%s\"><title>%s, %s: %s</title></rect>\n",
				x, float64(base)-h, barWidth-2, h, palette[p%len(palette)], html.EscapeString(ch.Plans[p]), html.EscapeString(group),
				ch.Text[g][p], html.EscapeString(ch.Plans[p]), html.EscapeString(group), ch.Text[g][p])
			x += barWidth
		}
		fmt.Fprintf(w, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", x-len(ch.Plans)*barWidth/2, base+16, html.EscapeString(group))
		x += groupGap
	}
	for p, name := range ch.Plans {
		fmt.Fprintf(w, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s</text>\n",
			width-140, chartTop+p*16, palette[p%len(palette)], width-125, chartTop+p*16+9, html.EscapeString(name))
	}
	w.WriteString("</svg>\n")
}
