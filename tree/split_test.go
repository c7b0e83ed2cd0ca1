package tree

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/compplan/compplan/tree/dec"
	"github.com/compplan/compplan/tree/gen"
)

// periodSales lists every sale of s dated from..to as text (member,
// volume, QV, date, type, order id), sorted: what a period holds, whatever
// its chunks.
func periodSales(d *Data, s Sales, from, to int32) []string {
	var out []string
	for _, c := range s.Chunks {
		for k := range c.Member {
			if day := c.DateOf(k); day >= from && day <= to {
				out = append(out, fmt.Sprintf("%s %s %s %s %s %s", d.Org.ID(c.Member[k]), c.VolumeOf(k), c.QVOf(k),
					FormatDate(day), c.TypeOf(k), c.OrderID(k)))
			}
		}
	}
	slices.Sort(out)
	return out
}

// TestSplitViews: Split gives each period exactly the sales dated in it,
// for sales in date order (each period a view of each chunk: no copy) and
// grouped by member (a member's sales in date order, then the next's: most
// chunks' dates go back, and are copied out), with returns and order ids;
// a period's volume is its sales'. A chunk whose dates go back to a period
// they left is copied, not viewed.
func TestSplitViews(t *testing.T) {
	var want [][]string
	for _, order := range []gen.SalesOrder{gen.SalesByDate, gen.SalesByMember} {
		var mb, sb bytes.Buffer
		if err := gen.Write(gen.Config{Members: 3000, SalesPerMember: 3, Months: 4, Seed: 9, ReturnPct: 5, SalesOrder: order}, &mb, &sb); err != nil {
			t.Fatal(err)
		}
		d, err := ReadMembers(&mb, "members.csv")
		if err != nil {
			t.Fatal(err)
		}
		d.KeepOrderIDs = true
		if err := d.ReadSales(&sb, "sales.csv"); err != nil {
			t.Fatal(err)
		}
		first, last, _ := d.Sales.DateRange()
		periods := Periods(Month, first, last)
		periods = periods[1 : len(periods)-1] // the first and the last month's sales in no period
		split, err := d.Split(periods)
		if err != nil {
			t.Fatal(err)
		}
		views, chunks := 0, 0
		for i, p := range periods {
			chunks += len(split[i].Chunks)
			// Every sale the period holds (read whatever its date), against
			// the whole file's sales dated in it, read from the file's chunks.
			got, exact := periodSales(d, split[i], math.MinInt32, MaxDate), periodSales(d, d.Sales, p.From, p.To)
			if !slices.Equal(got, exact) {
				t.Fatalf("%s, %s: %d sales, want %d", gen.SalesOrderNames[order], p.Name, len(got), len(exact))
			}
			if order == gen.SalesByDate {
				want = append(want, got)
			} else if !slices.Equal(got, want[i]) {
				t.Fatalf("%s: the orders differ", p.Name)
			}
			var sum dec.D
			for _, c := range split[i].Chunks {
				for k := range c.Member {
					sum += c.VolumeOf(k)
				}
			}
			if split[i].TotalVolume != sum {
				t.Fatalf("%s, %s: total volume %s, its sales' %s", gen.SalesOrderNames[order], p.Name, split[i].TotalVolume, sum)
			}
			for _, c := range split[i].Chunks {
				for _, o := range d.Sales.Chunks {
					if len(c.Member) > 0 && len(o.Member) > 0 && sameArray(c.Member, o.Member) {
						views++
						break
					}
				}
			}
		}
		if order == gen.SalesByDate && (views != chunks || views == 0) {
			t.Fatalf("date order: %d of %d chunks are views", views, chunks)
		}
	}

	// A chunk with dates in January, then March (no period), then
	// January again: copied, and January has both.
	d, err := ReadMembers(strings.NewReader("id,sponsor_id\nA,\n"), "members.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.ReadSales(strings.NewReader("member_id,amount,date\nA,1,2026-01-05\nA,2,2026-03-01\nA,3,2026-01-06\nA,4,2026-02-01\n"), "sales.csv"); err != nil {
		t.Fatal(err)
	}
	jan, _ := ParsePeriod("2026-01")
	feb, _ := ParsePeriod("2026-02")
	split, err := d.Split([]Period{jan, feb})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(periodSales(d, split[0], math.MinInt32, MaxDate), "; "); got != "A 1 1 2026-01-05  ; A 3 3 2026-01-06  " {
		t.Fatalf("January: %s", got)
	}
	if got := strings.Join(periodSales(d, split[1], math.MinInt32, MaxDate), "; "); got != "A 4 4 2026-02-01  " {
		t.Fatalf("February: %s", got)
	}
	if sameArray(split[0].Chunks[0].Member, d.Sales.Chunks[0].Member) {
		t.Fatal("January's sales go back in their chunk, and are a view of it")
	}
}

// sameArray reports whether a is a view into b's array.
func sameArray(a, b []int32) bool {
	if cap(b) == 0 || len(a) == 0 {
		return false
	}
	pa, pb := uintptr(unsafe.Pointer(&a[0])), uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	return pa >= pb && pa < pb+uintptr(cap(b))*4
}
