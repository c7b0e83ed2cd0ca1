package tree

import (
	"fmt"
	"math/rand/v2"
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

// TestPeriodsAtTheEndOfTime: a sale dated 9999-12-31 (a common "no date"
// placeholder) made the periods loop for ever (year 10000 was read back as
// 1000). They end, and no date after 9999-12-31 is read.
func TestPeriodsAtTheEndOfTime(t *testing.T) {
	day := func(s string) int32 {
		d, ok := ParseDate([]byte(s))
		if !ok {
			t.Fatalf("%s is not a date", s)
		}
		return d
	}
	months := Periods(Month, day("9999-10-15"), day("9999-12-31"))
	if len(months) != 3 || months[2].Name != "9999-12" || months[2].To != MaxDate {
		t.Errorf("months %v", months)
	}
	// 9999-12-31 is a Friday in 9999-W52, which ends on a Sunday of year 10000.
	weeks := Periods(Week, day("9999-12-20"), MaxDate)
	if len(weeks) != 2 || weeks[1].Name != "9999-W52" || FormatDate(weeks[1].To) != "10000-01-02" {
		t.Errorf("weeks %v", weeks)
	}
	if got := FormatDate(MaxDate + 1); got != "10000-01-01" {
		t.Errorf("the day after 9999-12-31 is written %s", got)
	}
	if MaxDate != day("9999-12-31") {
		t.Errorf("MaxDate is %s", FormatDate(MaxDate))
	}
	for _, s := range []string{"10000-01-01", "9999-12-32", "9999-13-01"} {
		if _, ok := ParseDate([]byte(s)); ok {
			t.Errorf("%s is read as a date", s)
		}
	}
	if p := PeriodOf(Month, MaxDate+1); p.Name != "10000-01" || p.From != MaxDate+1 {
		t.Errorf("the month after 9999-12 is %v", p)
	}
	d := mustMembers(t, "id\nA\n")
	err := d.ReadSales(strings.NewReader("member_id,amount,date\nA,1,9999-12-31\nA,1,9999-12-30\nA,1,10000-01-01\n"), "s.csv")
	if err == nil || !strings.Contains(err.Error(), `s.csv:4:5: column "date": "10000-01-01" is not a date`) {
		t.Errorf("a sale dated 10000-01-01: %v", err)
	}
}

// TestCountPeriods: CountPeriods is len(Periods) without building them, at
// year ends, ISO weeks 52 and 53, ends before starts, and the last year.
func TestCountPeriods(t *testing.T) {
	day := func(s string) int32 { d, _ := ParseDate([]byte(s)); return d }
	for _, tt := range []struct {
		every    Every
		from, to string
		want     int
	}{
		{Month, "2026-01-01", "2026-01-31", 1},
		{Month, "2026-01-31", "2026-02-01", 2},
		{Month, "2025-12-31", "2026-01-01", 2},
		{Month, "2026-03-15", "2026-03-10", 1}, // the same month, to before from
		{Month, "2026-03-15", "2026-02-28", 0},
		{Month, "2000-01-01", "9999-12-31", 8000 * 12},
		{Month, "0001-01-01", "9999-12-31", 9999 * 12},
		{Week, "2026-12-27", "2027-01-04", 3}, // 2026-W52, W53, 2027-W01
		{Week, "2026-12-28", "2027-01-03", 1}, // 2026-W53 exactly
		{Week, "2020-12-31", "2021-01-04", 2}, // 2020-W53, 2021-W01
		{Week, "2021-01-01", "2021-01-01", 1}, // in 2020-W53
		{Week, "2026-01-07", "2026-01-05", 1}, // the same week, to before from
		{Week, "2026-01-07", "2026-01-04", 0},
		{Week, "9999-12-31", "9999-12-31", 1},
		{Week, "2026-01-05", "2027-01-03", 52},
	} {
		from, to := day(tt.from), day(tt.to)
		got := CountPeriods(tt.every, from, to)
		if got != tt.want {
			t.Errorf("CountPeriods(%s, %s, %s) = %d, want %d", tt.every, tt.from, tt.to, got, tt.want)
		}
		if n := len(Periods(tt.every, from, to)); tt.want < 1000 && n != tt.want {
			t.Errorf("len(Periods(%s, %s, %s)) = %d, want %d", tt.every, tt.from, tt.to, n, tt.want)
		}
	}
	// Against Periods over spans around many year ends.
	for y := 1998; y <= 2030; y++ {
		for _, every := range []Every{Month, Week} {
			base := day(fmt.Sprintf("%04d-12-20", y))
			for a := int32(0); a < 20; a += 3 {
				for b := int32(-10); b < 60; b += 7 {
					from, to := base+a, base+a+b
					if got, want := CountPeriods(every, from, to), len(Periods(every, from, to)); got != want {
						t.Fatalf("CountPeriods(%s, %s, %s) = %d, Periods gives %d", every, FormatDate(from), FormatDate(to), got, want)
					}
				}
			}
		}
	}
}

// TestAsOfPrefixMatchesCopy: when the members file lists members in the
// order they joined, an earlier day's organisation shares the whole one's
// ids, names and index (prefix); it must be the organisation a copy of
// the members kept gives, member for member. When every sponsor is
// numbered below their recruits (every other round), its sponsors and
// top-down order are views of the whole one's.
func TestAsOfPrefixMatchesCopy(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	filtered := map[bool]int{}
	views := 0
	defer func() {
		if filtered[true] == 0 || filtered[false] == 0 || views == 0 {
			t.Errorf("days whose tree is filtered, and built: %d, %d; with views: %d; the test needs all", filtered[true], filtered[false], views)
		}
	}()
	for round := range 40 {
		n := 2 + rng.IntN(60)
		idOf := func(i int) string {
			if i%4 == 3 { // past the index's inline bytes
				return fmt.Sprintf("a-long-member-id-%03d", i)
			}
			return fmt.Sprintf("M%03d", i)
		}
		var b strings.Builder
		b.WriteString("id,sponsor_id,name,joined,type,terminated,placement_id,leg,matrix_parent_id\n")
		taken := map[string]bool{}
		// Sponsors come before their recruits in rank, a random order of
		// its own: a member may join before their sponsor, whom an earlier
		// day's organisation then lacks.
		rank := rng.Perm(n)
		if round%2 == 1 { // sponsors numbered below their recruits
			for i := range rank {
				rank[i] = i
			}
		}
		byRank := make([]int, n)
		for i, r := range rank {
			byRank[r] = i
		}
		for i := range n {
			sp, place, leg, mp := "", "", "", ""
			if rank[i] > 0 {
				j := byRank[rng.IntN(rank[i])]
				sp = idOf(j)
				if p, l := idOf(j), []string{"L", "R"}[rng.IntN(2)]; i%5 != 4 && j%5 != 4 && rng.IntN(3) == 0 && !taken[p+l] {
					place, leg, taken[p+l] = p, l, true
				}
				if i%5 != 4 && j%5 != 4 && rng.IntN(3) == 0 {
					mp = idOf(j)
				}
			}
			typ := ""
			if i%5 == 4 {
				typ = "customer" // never a placement, nor placed
			}
			term := ""
			if rng.IntN(5) == 0 {
				term = fmt.Sprintf("2026-%02d-15", 1+rng.IntN(12))
			}
			fmt.Fprintf(&b, "%s,%s,Name %d,2026-%02d-01,%s,%s,%s,%s,%s\n", idOf(i), sp, i, 1+i*12/n, typ, term, place, leg, mp)
		}
		d, err := ReadMembers(strings.NewReader(b.String()), "m.csv")
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		o := d.Org
		for _, day := range []string{"2026-01-01", "2026-03-31", "2026-06-30", "2026-12-31"} {
			at, _ := ParseDate([]byte(day))
			keep := func(m int32) bool { j := o.joined[m]; return j == NoDate || j <= at }
			remap := make([]int32, n)
			k := int32(0)
			for m := range int32(n) {
				remap[m] = -1
				if keep(m) {
					remap[m], k = k, k+1
				}
			}
			p := o.prefix(remap, k, at)
			if p == nil {
				t.Fatalf("round %d, %s: members in join order, yet no prefix", round, day)
			}
			same := true // the prefix's tree is the whole one's, filtered
			for m := range k {
				same = same && o.sponsor[m] < k
			}
			filtered[same]++
			if o.numbered != (round%2 == 1) {
				t.Fatalf("round %d: numbered %v", round, o.numbered)
			}
			if o.numbered && k > 0 {
				if !p.numbered || &p.sponsor[0] != &o.sponsor[0] || &p.topDown[0] != &o.topDown[0] || cap(p.sponsor) != int(k) || cap(p.topDown) != int(k) {
					t.Fatalf("round %d, %s: sponsors numbered in order, yet the prefix's are not views of the whole's", round, day)
				}
				views++
			}
			c := o.copySubset(remap, k, at)
			if got, want := describeOrg(p), describeOrg(c); got != want {
				t.Fatalf("round %d, %s: prefix\n%s\ncopy\n%s", round, day, got, want)
			}
			for m := range int32(n) {
				id := o.ID(m)
				if got, want := p.Lookup(id), c.Lookup(id); got != want {
					t.Fatalf("round %d, %s: Lookup(%s) = %d, copy says %d", round, day, id, got, want)
				}
			}
		}
	}
}

// describeOrg renders everything an organisation says of its members.
func describeOrg(o *Org) string {
	var b strings.Builder
	for m := range int32(o.Len()) {
		fmt.Fprintf(&b, "%s %s sp=%d joined=%d cust=%v term=%d kids=%v", o.ID(m), o.Name(m), o.Sponsor(m), o.Joined(m), o.Customer(m), o.Terminated(m), o.Children(m))
		if o.placeParent != nil {
			fmt.Fprintf(&b, " place=%d/%d", o.placeParent[m], o.placeLeg[m])
		}
		if o.matrixParent != nil {
			fmt.Fprintf(&b, " matrix=%d", o.matrixParent[m])
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "top=%v", o.TopDown())
	return b.String()
}

// TestSpanNote: sales over more than one calendar month get a note saying
// they are computed as one period; one month's, or undated sales, none.
func TestSpanNote(t *testing.T) {
	for _, c := range []struct{ sales, want string }{
		{"member_id,amount,date\nA,1,2026-03-01\nA,1,2026-03-31\n", ""},
		{"member_id,amount,date\nA,1,2026-01-31\nA,1,2026-02-01\n", "the sales run from 2026-01-31 to 2026-02-01, 2 calendar months, and are computed as one period"},
		{"member_id,amount,date\nA,1,2026-12-20\nA,1,2025-01-05\n", "the sales run from 2025-01-05 to 2026-12-20, 24 calendar months"},
		{"member_id,amount\nA,1\n", ""},
	} {
		d, err := ReadMembers(strings.NewReader("id\nA\n"), "m.csv")
		if err != nil {
			t.Fatal(err)
		}
		if err := d.ReadSales(strings.NewReader(c.sales), "s.csv"); err != nil {
			t.Fatal(err)
		}
		got := d.Sales.SpanNote()
		if (c.want == "") != (got == "") || !strings.HasPrefix(got, c.want) {
			t.Errorf("%q: %q, want %q…", c.sales, got, c.want)
		}
	}
}
