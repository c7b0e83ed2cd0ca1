package report

import (
	"bufio"
	"fmt"
	"io"

	"github.com/compplan/compplan/plan/compare"
	"github.com/compplan/compplan/tree/dec"
)

// WriteComparison writes a comparison as a side-by-side table (Table), the
// same as CSV rows (CSV), or JSON with one object per plan.
func WriteComparison(w io.Writer, c *compare.Comparison, f Format) error {
	bw := bufio.NewWriter(w)
	switch f {
	case JSON:
		writeComparisonJSON(bw, c)
	case CSV:
		var b []byte
		for _, row := range summaryRows(c) {
			b = appendCSVRow(b[:0], row)
			bw.Write(b)
		}
	default:
		writeComparisonTable(bw, c)
	}
	return bw.Flush()
}

func (s *plansView) money(p int, d dec.D) string {
	return string(d.AppendFixed(nil, s.c.Plans[p].Result.Plan.Digits))
}

type plansView struct{ c *compare.Comparison }

// summaryRows are the side-by-side figures: a header row of plan labels,
// then one row per figure.
func summaryRows(c *compare.Comparison) [][]string {
	v := &plansView{c}
	head := []string{"figure"}
	for _, p := range c.Plans {
		head = append(head, p.Label)
	}
	rows := [][]string{head}
	add := func(name string, cell func(i int, p *compare.PlanStats) string) {
		row := []string{name}
		for i := range c.Plans {
			row = append(row, cell(i, &c.Plans[i]))
		}
		rows = append(rows, row)
	}
	add("payout", func(i int, p *compare.PlanStats) string { return v.money(i, p.Result.Payout) })
	add("payout %", func(_ int, p *compare.PlanStats) string {
		if pct, ok := p.Result.PayoutPct(); ok {
			return string(pct.AppendFixed(nil, 2))
		}
		return ""
	})
	add("earners", func(_ int, p *compare.PlanStats) string { return fmt.Sprint(p.Earners) })
	add("earners %", func(_ int, p *compare.PlanStats) string { return string(p.EarnersPct.AppendFixed(nil, 2)) })
	for _, d := range []struct {
		name string
		of   func(p *compare.PlanStats) compare.Dist
	}{{"all members", func(p *compare.PlanStats) compare.Dist { return p.All }},
		{"earners", func(p *compare.PlanStats) compare.Dist { return p.AmongEarners }}} {
		for _, fig := range []struct {
			name string
			get  func(compare.Dist) dec.D
		}{{"mean", func(x compare.Dist) dec.D { return x.Mean }}, {"median", func(x compare.Dist) dec.D { return x.Median }},
			{"p75", func(x compare.Dist) dec.D { return x.P75 }}, {"p90", func(x compare.Dist) dec.D { return x.P90 }},
			{"p99", func(x compare.Dist) dec.D { return x.P99 }}, {"max", func(x compare.Dist) dec.D { return x.Max }}} {
			add(fig.name+" ("+d.name+")", func(i int, p *compare.PlanStats) string {
				if x := d.of(p); x.Has {
					return v.money(i, fig.get(x))
				}
				return ""
			})
		}
	}
	add("top 1% share %", func(_ int, p *compare.PlanStats) string { return string(p.Top1Share.AppendFixed(nil, 2)) })
	add("top 10% share %", func(_ int, p *compare.PlanStats) string { return string(p.Top10Share.AppendFixed(nil, 2)) })
	// Components by name, in the order they first appear.
	var names []string
	seen := map[string]bool{}
	for _, p := range c.Plans {
		for _, comp := range p.Result.Plan.Components {
			if !seen[comp.Name] {
				seen[comp.Name], names = true, append(names, comp.Name)
			}
		}
	}
	for _, name := range names {
		for _, what := range []string{"paid", "breakage"} {
			add(name+" "+what, func(i int, p *compare.PlanStats) string {
				for k, comp := range p.Result.Plan.Components {
					if comp.Name == name {
						if what == "paid" {
							return v.money(i, p.Result.Paid[k])
						}
						return v.money(i, p.Result.Breakage[k])
					}
				}
				return ""
			})
		}
	}
	// Over history, each period's payout and payout %.
	for k := range c.Plans[0].Periods {
		name := c.Plans[0].Periods[k].Period.Name
		add("payout "+name, func(i int, p *compare.PlanStats) string { return v.money(i, p.Periods[k].Payout) })
		add("payout % "+name, func(_ int, p *compare.PlanStats) string {
			if f := p.Periods[k]; f.HasPct {
				return string(f.PayoutPct.AppendFixed(nil, 2))
			}
			return ""
		})
	}
	return rows
}

func writeComparisonTable(w *bufio.Writer, c *compare.Comparison) {
	rows := summaryRows(c)
	writeAligned(w, rows[0], rows[1:], func(col int) bool { return col > 0 })
	v := &plansView{c}
	for i, p := range c.Plans {
		fmt.Fprintf(w, "\n%s: earnings by paid-as rank\n", p.Label)
		var rr [][]string
		for _, r := range p.Ranks {
			name := r.Rank
			if name == "" {
				name = "(no rank)"
			}
			rr = append(rr, []string{name, fmt.Sprint(r.Count), string(r.Pct.AppendFixed(nil, 2)), v.money(i, r.Median), v.money(i, r.Mean), v.money(i, r.Max)})
		}
		writeAligned(w, []string{"rank", "members", "%", "median", "mean", "max"}, rr, func(col int) bool { return col > 0 })
		if i == 0 {
			continue
		}
		for _, list := range []struct {
			name string
			m    []compare.Mover
		}{{"gain most", c.Gainers[i]}, {"lose most", c.Losers[i]}} {
			fmt.Fprintf(w, "\n%s against %s: who would %s\n", p.Label, c.Plans[0].Label, list.name)
			var mr [][]string
			for _, mv := range list.m {
				o := p.Result.Org
				mr = append(mr, []string{printable(o.ID(mv.Member)), printable(o.Name(mv.Member)), v.money(0, mv.Before), v.money(i, mv.After), v.money(i, mv.Delta)})
			}
			writeAligned(w, []string{"id", "name", c.Plans[0].Label, p.Label, "change"}, mr, func(col int) bool { return col > 1 })
		}
	}
}

func writeComparisonJSON(w *bufio.Writer, c *compare.Comparison) {
	v := &plansView{c}
	b := []byte(`{"plans":[`)
	dist := func(b []byte, i int, d compare.Dist) []byte {
		b = fmt.Appendf(b, `{"n":%d`, d.N)
		for _, f := range []struct {
			k string
			v dec.D
		}{{"mean", d.Mean}, {"median", d.Median}, {"p75", d.P75}, {"p90", d.P90}, {"p99", d.P99}, {"max", d.Max}} {
			b = append(b, `,"`+f.k+`":`...)
			if d.Has {
				b = append(b, v.money(i, f.v)...)
			} else {
				b = append(b, "null"...)
			}
		}
		return append(b, '}')
	}
	for i, p := range c.Plans {
		r := p.Result
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"label":`...)
		b = jsonString(b, p.Label)
		b = append(b, `,"plan":`...)
		b = jsonString(b, r.Plan.Name)
		b = append(b, `,"payout":`...)
		b = append(b, v.money(i, r.Payout)...)
		b = append(b, `,"payout_pct":`...)
		if pct, ok := r.PayoutPct(); ok {
			b = pct.AppendFixed(b, 2)
		} else {
			b = append(b, "null"...)
		}
		if p.Periods != nil {
			b = append(b, `,"periods":[`...)
			for k, f := range p.Periods {
				if k > 0 {
					b = append(b, ',')
				}
				b = append(b, `{"period":`...)
				b = jsonString(b, f.Period.Name)
				b = append(b, `,"payout":`...)
				b = append(b, v.money(i, f.Payout)...)
				b = append(b, `,"payout_pct":`...)
				if f.HasPct {
					b = f.PayoutPct.AppendFixed(b, 2)
				} else {
					b = append(b, "null"...)
				}
				b = append(b, '}')
			}
			b = append(b, ']')
		}
		b = append(b, `,"components":{`...)
		for k, comp := range r.Plan.Components {
			if k > 0 {
				b = append(b, ',')
			}
			b = jsonString(b, comp.Name)
			b = fmt.Appendf(b, `:{"paid":%s,"breakage":%s}`, v.money(i, r.Paid[k]), v.money(i, r.Breakage[k]))
		}
		b = fmt.Appendf(b, `},"members":%d,"earners":%d,"earners_pct":%s,"all":`, r.Org.Len(), p.Earners, p.EarnersPct.AppendFixed(nil, 2))
		b = dist(b, i, p.All)
		b = append(b, `,"among_earners":`...)
		b = dist(b, i, p.AmongEarners)
		b = fmt.Appendf(b, `,"top1_share_pct":%s,"top10_share_pct":%s,"ranks":[`, p.Top1Share.AppendFixed(nil, 2), p.Top10Share.AppendFixed(nil, 2))
		for k, rs := range p.Ranks {
			if k > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"rank":`...)
			if rs.Rank == "" {
				b = append(b, "null"...)
			} else {
				b = jsonString(b, rs.Rank)
			}
			b = fmt.Appendf(b, `,"count":%d,"pct":%s,"median":%s,"mean":%s,"max":%s}`, rs.Count, rs.Pct.AppendFixed(nil, 2),
				v.money(i, rs.Median), v.money(i, rs.Mean), v.money(i, rs.Max))
		}
		b = append(b, ']')
		for _, list := range []struct {
			k string
			m []compare.Mover
		}{{"gainers", c.Gainers[i]}, {"losers", c.Losers[i]}} {
			b = append(b, `,"`+list.k+`":[`...)
			for k, mv := range list.m {
				if k > 0 {
					b = append(b, ',')
				}
				b = append(b, `{"id":`...)
				b = jsonString(b, r.Org.ID(mv.Member))
				b = fmt.Appendf(b, `,"before":%s,"after":%s,"change":%s}`, v.money(0, mv.Before), v.money(i, mv.After), v.money(i, mv.Delta))
			}
			b = append(b, ']')
		}
		b = append(b, '}')
	}
	w.Write(append(b, "]}\n"...))
}

// WriteDiff writes every member's rank and total under each plan, and the
// change against the first plan: id, name, rank_<plan> and total_<plan> per
// plan, then delta_<plan> for each plan after the first.
func WriteDiff(w io.Writer, c *compare.Comparison, safe bool) error {
	text := csvField
	if safe {
		text = safeCSVField
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	v := &plansView{c}
	head := []string{"id", "name"}
	for _, p := range c.Plans {
		head = append(head, "rank_"+p.Label, "total_"+p.Label)
	}
	for _, p := range c.Plans[1:] {
		head = append(head, "delta_"+p.Label)
	}
	var b []byte
	for i, h := range head {
		if i > 0 {
			b = append(b, ',')
		}
		b = csvField(b, []byte(h))
	}
	bw.Write(append(b, '\n'))
	first := c.Plans[0].Result
	for _, m := range first.Org.ByID() {
		b = text(b[:0], []byte(first.Org.ID(m)))
		b = append(b, ',')
		b = text(b, []byte(first.Org.Name(m)))
		for i, p := range c.Plans {
			b = append(b, ',')
			b = text(b, []byte(p.Result.RankName(m)))
			b = append(b, ',')
			b = append(b, v.money(i, p.Result.Total(m))...)
		}
		for i, p := range c.Plans[1:] {
			b = append(b, ',')
			b = append(b, v.money(i+1, p.Result.Total(m)-first.Total(m))...)
		}
		bw.Write(append(b, '\n'))
	}
	return bw.Flush()
}
