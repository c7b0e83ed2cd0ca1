package tree

import (
	"strings"
	"testing"
)

// A day whose sales add up to 0 still bounds the range: a free sample on
// the last day, a sale and its return on the first.
func TestDateRangeZeroDays(t *testing.T) {
	for _, tc := range []struct {
		sales       string
		first, last string
	}{
		{"A,2026-01-05,10,,,\nA,2026-01-31,0,500,,\n", "2026-01-05", "2026-01-31"},
		{"A,2026-01-02,10,,O1,\nA,2026-01-02,-10,-10,O1,return\nA,2026-02-10,5,,O2,\n", "2026-01-02", "2026-02-10"},
		{"A,2026-03-01,5,,O1,\nA,2026-03-09,-100,,O1,return\nA,2026-03-09,50,,O2,\nA,2026-03-09,50,,O3,\n", "2026-03-01", "2026-03-09"},
		{"A,2026-01-02,10,,O1,\nA,2026-01-02,-10,-10,O1,return\n", "2026-01-02", "2026-01-02"},
	} {
		d := mustMembers(t, "id\nA\n")
		if err := d.ReadSales(strings.NewReader("member_id,date,amount,volume,order_id,type\n"+tc.sales), "s.csv"); err != nil {
			t.Fatal(err)
		}
		first, last, ok := d.Sales.DateRange()
		if !ok || FormatDate(first) != tc.first || FormatDate(last) != tc.last {
			t.Errorf("%q: range %s..%s (%v), want %s..%s", tc.sales, FormatDate(first), FormatDate(last), ok, tc.first, tc.last)
		}
	}
	d := mustMembers(t, "id\nA\n")
	if err := d.ReadSales(strings.NewReader("member_id,amount\nA,5\n"), "s.csv"); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := d.Sales.DateRange(); ok {
		t.Errorf("undated sales have a date range")
	}
}
