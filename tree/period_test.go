package tree

import (
	"fmt"
	"strings"
	"testing"
)

func TestParsePeriod(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2026-03", "2026-03 (2026-03-01..2026-03-31)"},
		{"2024-02", "2024-02 (2024-02-01..2024-02-29)"},
		{"2026-W01", "2026-W01 (2025-12-29..2026-01-04)"}, // week 1 holds 4 January
		{"2026-W53", "2026-W53 (2026-12-28..2027-01-03)"}, // 2026 starts on a Thursday: 53 weeks
		{"2021-W01", "2021-W01 (2021-01-04..2021-01-10)"}, // 1 January 2021 is a Friday, in 2020-W53
		{"2026-w14", "2026-W14 (2026-03-30..2026-04-05)"},
		{"2025-W53", "error: period \"2025-W53\": 2025 has 52 ISO weeks"},
		{"2026-13", "error: period \"2026-13\" is neither a month (2026-03) nor an ISO week (2026-W14)"},
		{"2026-3", "error: period \"2026-3\" is neither"},
	}
	for _, tt := range tests {
		p, err := ParsePeriod(tt.in)
		got := p.String()
		if err != nil {
			got = "error: " + err.Error()
		}
		if !strings.HasPrefix(got, tt.want) {
			t.Errorf("%s: %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestPeriods(t *testing.T) {
	day := func(s string) int32 { d, _ := ParseDate([]byte(s)); return d }
	names := func(ps []Period) string {
		var s []string
		for _, p := range ps {
			s = append(s, p.Name)
		}
		return fmt.Sprint(s)
	}
	if got, want := names(Periods(Week, day("2026-12-30"), day("2027-01-05"))), "[2026-W53 2027-W01]"; got != want {
		t.Errorf("weeks %s, want %s", got, want)
	}
	if got, want := names(Periods(Month, day("2026-01-31"), day("2026-04-01"))), "[2026-01 2026-02 2026-03 2026-04]"; got != want {
		t.Errorf("months %s, want %s", got, want)
	}
	if got := PeriodOf(Week, day("2021-01-01")).Name; got != "2020-W53" {
		t.Errorf("1 January 2021 is in %s, want 2020-W53", got)
	}
}

// TestInPeriod: a member who joins after the period is not in its tree;
// their recruit who joined earlier hangs under the nearest upline who had
// joined; a termination after the period does not count yet; only the
// period's sales, renumbered.
func TestInPeriod(t *testing.T) {
	d := mustMembers(t, "id,sponsor_id,joined,terminated\nA,,2026-01-01,\nB,A,2026-02-10,\nC,B,2026-01-20,2026-02-15\nD,A,2026-01-05,2026-01-25\n")
	if err := d.ReadSales(strings.NewReader("member_id,amount,date\nA,10,2026-01-05\nC,20,2026-01-25\nB,30,2026-02-11\n"), "sales.csv"); err != nil {
		t.Fatal(err)
	}
	jan, _ := ParsePeriod("2026-01")
	pd, err := d.InPeriod(jan)
	if err != nil {
		t.Fatal(err)
	}
	o := pd.Org
	if got, want := describe(o), "A C<A D<A"; got != want {
		t.Errorf("January's tree %q, want %q", got, want)
	}
	if o.Terminated(o.Lookup("C")) != NoDate || o.Terminated(o.Lookup("D")) == NoDate {
		t.Errorf("C is terminated in February, D in January")
	}
	if n, amount := pd.Sales.Len(), pd.Sales.Amount; n != 2 || amount.String() != "30" {
		t.Errorf("January's sales: %d, %s", n, amount)
	}
	for _, c := range pd.Sales.Chunks {
		for _, m := range c.Member {
			if id := o.ID(m); id != "A" && id != "C" {
				t.Errorf("a January sale by %s", id)
			}
		}
	}
}
