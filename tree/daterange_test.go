package tree

import (
	"fmt"
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

// TestDayRange: the lowest and highest day of a chunk's two-byte days,
// noDay (a sale without a date) never among them, at both ends of the
// range a chunk can hold.
func TestDayRange(t *testing.T) {
	for _, tc := range []struct {
		days      []uint16
		lo, hi    uint16
		dated     bool
		described string
	}{
		{nil, 0, 0, false, "no sale"},
		{[]uint16{noDay, noDay}, 0, 0, false, "no sale dated"},
		{[]uint16{7}, 7, 7, true, "one day"},
		{[]uint16{noDay, 3, 9, noDay, 5}, 3, 9, true, "undated sales among them"},
		{[]uint16{0, noDay - 1, noDay}, 0, noDay - 1, true, "the first and last day a chunk holds"},
		{[]uint16{noDay - 1}, noDay - 1, noDay - 1, true, "only the last"},
	} {
		lo, hi, dated := dayRange(tc.days)
		if dated != tc.dated || (dated && (lo != tc.lo || hi != tc.hi)) {
			t.Errorf("%s: %d..%d (%v), want %d..%d (%v)", tc.described, lo, hi, dated, tc.lo, tc.hi, tc.dated)
		}
	}
}

// TestDateRangeAcrossBlocks: sales read in blocks of a few rows, dates in
// no order and some rows undated, give the range of their dates, as a
// look at every sale gives it — in two-byte days, and in four-byte dates
// when a block's span is too wide for two.
func TestDateRangeAcrossBlocks(t *testing.T) {
	for _, tc := range []struct {
		dates       []string
		first, last string
	}{
		{[]string{"2026-03-04", "", "2025-12-31", "2026-07-19", "", "2026-01-01", "2026-07-18", "2025-12-30", ""}, "2025-12-30", "2026-07-19"},
		{[]string{"1830-06-01", "2199-12-31"}, "1830-06-01", "2199-12-31"},
	} {
		var b strings.Builder
		b.WriteString("member_id,amount,date\n")
		for i := range 200 {
			fmt.Fprintf(&b, "A,1,%s\n", tc.dates[i*7%len(tc.dates)])
		}
		d := mustMembers(t, "id\nA\n")
		if err := d.readSales(strings.NewReader(b.String()), "s.csv", 64); err != nil {
			t.Fatal(err)
		}
		if len(d.Sales.Chunks) < 10 {
			t.Fatalf("%d chunks: want many", len(d.Sales.Chunks))
		}
		if wide := tc.last > "2100"; wide != (d.Sales.Chunks[0].Date != nil) {
			t.Fatalf("%s..%s: the first chunk's dates in four bytes %v, want %v", tc.first, tc.last, d.Sales.Chunks[0].Date != nil, wide)
		}
		first, last, ok := d.Sales.DateRange()
		if !ok || FormatDate(first) != tc.first || FormatDate(last) != tc.last {
			t.Errorf("range %s..%s (%v), want %s..%s", FormatDate(first), FormatDate(last), ok, tc.first, tc.last)
		}
	}
}
