package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"

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
	digits     int
	totals     []byte // run --format json's totals
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

// sweepRows are the points as rows under a header: the paths set, payout,
// payout %, earners, the median and p90 of what earners are paid, the top
// 1%'s share, and each component's paid and breakage.
func sweepRows(paths []string, points []SweepPoint) [][]string {
	head := append([]string(nil), paths...)
	head = append(head, "payout", "payout_pct", "earners", "median_earners", "p90_earners", "top1_share_pct")
	if len(points) > 0 {
		for _, c := range points[0].Components {
			head = append(head, "paid_"+c, "breakage_"+c)
		}
	}
	rows := [][]string{head}
	for _, pt := range points {
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
		rows = append(rows, row)
	}
	return rows
}

// WriteSweep writes a sweep's points: a row each (table or CSV), or JSON
// {"points": [{"values": {PATH: VALUE}, "totals": {…}, "earners": {…}}]}
// whose totals are run --format json's.
func WriteSweep(w io.Writer, paths []string, points []SweepPoint, f Format) error {
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
			b = append(pt.Top1Share.AppendFixed(b, 2), "}}"...)
		}
		bw.Write(append(b, "\n]}\n"...))
	case CSV:
		for _, row := range sweepRows(paths, points) {
			var b []byte
			for i, cell := range row {
				if i > 0 {
					b = append(b, ',')
				}
				b = csvField(b, []byte(cell))
			}
			bw.Write(append(b, '\n'))
		}
	default:
		rows := sweepRows(paths, points)
		writeAligned(bw, rows[0], rows[1:], func(c int) bool { return true })
	}
	return bw.Flush()
}
