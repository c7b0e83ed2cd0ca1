package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/compplan/compplan/plan"
	"github.com/compplan/compplan/tree"
)

// TestPeriodRowsText: replay's rows (CSV and JSON) name each member's
// rank, quote an id holding a comma, and with
// --safe-csv defuse one a spreadsheet would run, and add up personal and
// team by the components' kinds. Worked by hand: retail 10% of each
// member's own sales, one unilevel level of 5%: R is paid 5% of a,b's 100
// and +C's 50.
func TestPeriodRowsText(t *testing.T) {
	p, err := plan.Decode([]byte(`
name: x
currency: USD
ranks: [{name: "Gold, Star"}, {name: Silver, pv: 60}]
components:
  - {name: retail, type: personal, rate: 10%}
  - {name: uni, type: unilevel, levels: [5%]}
`), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r := compute(t, p, "id,sponsor_id\nR,\n\"a,b\",R\n+C,R\n", "member_id,amount\n\"a,b\",100\n+C,50\n")
	// The same without a,b: every id plain, and +C still defused.
	r2 := compute(t, p, "id,sponsor_id\nR,\n+C,R\n", "member_id,amount\n+C,50\n")
	period := tree.PeriodOf(tree.Month, 20454) // 2026-01
	for _, tc := range []struct {
		r    *plan.Result
		safe bool
		want string
	}{
		{r, false, `period,id,rank,pv,gv,personal,team,total,retail,uni,balance_in,payable,balance_out
2026-01,+C,"Gold, Star",50,50,5.00,0.00,5.00,5.00,0.00,0.00,5.00,0.00
2026-01,R,"Gold, Star",0,150,0.00,7.50,7.50,0.00,7.50,0.00,7.50,0.00
2026-01,"a,b",Silver,100,100,10.00,0.00,10.00,10.00,0.00,0.00,10.00,0.00
`},
		{r, true, `period,id,rank,pv,gv,personal,team,total,retail,uni,balance_in,payable,balance_out
2026-01,'+C,"Gold, Star",50,50,5.00,0.00,5.00,5.00,0.00,0.00,5.00,0.00
2026-01,R,"Gold, Star",0,150,0.00,7.50,7.50,0.00,7.50,0.00,7.50,0.00
2026-01,"a,b",Silver,100,100,10.00,0.00,10.00,10.00,0.00,0.00,10.00,0.00
`},
		{r2, true, `period,id,rank,pv,gv,personal,team,total,retail,uni,balance_in,payable,balance_out
2026-01,'+C,"Gold, Star",50,50,5.00,0.00,5.00,5.00,0.00,0.00,5.00,0.00
2026-01,R,"Gold, Star",0,50,0.00,2.50,2.50,0.00,2.50,0.00,2.50,0.00
`},
	} {
		if got := periodText(t, CSV, tc.safe, period, tc.r); got != tc.want {
			t.Errorf("safe %v:\n%s\nwant\n%s", tc.safe, got, tc.want)
		}
	}
	// The JSON rows name each member's own rank too, and null for a
	// customer's (customers hold none).
	r3 := compute(t, p, "id,sponsor_id,type\nR,,\nK,R,customer\n", "member_id,amount\nK,10\n")
	for _, tc := range []struct {
		r    *plan.Result
		want []string
	}{
		{r, []string{`{"id":"+C","rank":"Gold, Star"`, `{"id":"R","rank":"Gold, Star"`, `{"id":"a,b","rank":"Silver"`}},
		{r3, []string{`{"id":"K","rank":null`, `{"id":"R","rank":"Gold, Star"`}},
	} {
		out := periodText(t, JSON, false, period, tc.r)
		for _, want := range tc.want {
			if !strings.Contains(out, want) {
				t.Errorf("JSON rows lack %s:\n%s", want, out)
			}
		}
	}
}

// periodText is the text a PeriodWriter in format f writes for r as one
// period.
func periodText(t *testing.T, f Format, safe bool, period tree.Period, r *plan.Result) string {
	t.Helper()
	var out bytes.Buffer
	pw, err := NewPeriodWriter(&out, f, safe)
	if err != nil {
		t.Fatal(err)
	}
	if err := pw.Write(period, r); err != nil {
		t.Fatal(err)
	}
	if err := pw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.String()
}
