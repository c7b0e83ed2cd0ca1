package plan

import (
	"strings"
	"testing"
	"time"

	"github.com/compplan/compplan/tree/gen"
)

// BenchmarkHybrid computes the example hybrid plan (retail, unilevel,
// differential with breakaway, matching, fast start) on 1M generated
// members and ~10M sales in date order, read once, and reports each
// phase's milliseconds beside the whole (ms/volumes, ms/stairstep…).
func BenchmarkHybrid(b *testing.B) {
	p := readExample(b, "hybrid/plan.yaml")
	d := generated(b, gen.Config{Members: 1_000_000, SalesPerMember: 10, Seed: 1})
	spent := map[string]time.Duration{}
	var last time.Time
	opts := Options{Phase: func(name string) {
		now := time.Now()
		spent[strings.ReplaceAll(strings.TrimPrefix(name, "component "), " ", "-")] += now.Sub(last)
		last = now
	}}
	for b.Loop() {
		last = time.Now()
		if _, err := ComputeWith(p, d, opts); err != nil {
			b.Fatal(err)
		}
	}
	for name, t := range spent {
		b.ReportMetric(float64(t.Microseconds())/1e3/float64(b.N), "ms/"+name)
	}
}
