package report

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/compplan/compplan/plan"
	"github.com/compplan/compplan/tree"
)

// TestHeadersUseReservedColumns: every column a writer puts in a header row
// next to the components' is one plan.ReservedColumns refuses as a
// component name (so a new fixed column can never collide with a component
// unnoticed), and no header repeats a column.
func TestHeadersUseReservedColumns(t *testing.T) {
	src := `
name: x
currency: USD
min_payout: 5
deductions: [{name: tds, rate: 5%}]
ranks: [{name: A}, {name: B, pv: 10}]
components:
  - {name: retail, type: personal, rate: 10%}
  - {name: bin, type: binary, rate: 10%}
`
	p, err := plan.Decode([]byte(src), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d, err := tree.ReadMembers(strings.NewReader("id,sponsor_id,rank\nR,,B\nL,R,\nM,R,\n"), "members.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.ReadSales(strings.NewReader("member_id,amount\nL,100\nM,30\nR,20\n"), "sales.csv"); err != nil {
		t.Fatal(err)
	}
	r, err := plan.Compute(p, d)
	if err != nil {
		t.Fatal(err)
	}
	var members, periods bytes.Buffer
	if err := Write(&members, r, CSV); err != nil {
		t.Fatal(err)
	}
	pw, err := NewPeriodWriter(&periods, CSV, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := pw.Write(tree.Period{Name: "2026-01"}, r); err != nil {
		t.Fatal(err)
	}
	if err := pw.Close(); err != nil {
		t.Fatal(err)
	}
	reserved := plan.ReservedColumns(p)
	for name, out := range map[string]string{"members": members.String(), "periods": periods.String()} {
		head := strings.Split(strings.SplitN(out, "\n", 2)[0], ",")
		for _, want := range []string{"qualified_rank", "held", "binary_qualified", "tds", "net"} { // the optional ones are there
			if (name == "members" || want == "net") && !slices.Contains(head, want) {
				t.Errorf("%s header %v lacks %s: the test no longer covers it", name, head, want)
			}
		}
		seen := map[string]bool{}
		for _, col := range head {
			if seen[strings.ToLower(col)] {
				t.Errorf("%s header repeats %q: %v", name, col, head)
			}
			seen[strings.ToLower(col)] = true
			if col != "retail" && col != "bin" && col != "tds" && !slices.Contains(reserved, col) {
				t.Errorf("%s header column %q is not in plan.ReservedColumns: a component could take its name", name, col)
			}
		}
	}
}
