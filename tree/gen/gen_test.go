package gen

import (
	"bytes"
	"strings"
	"testing"

	"github.com/compplan/compplan/tree"
)

func TestWriteLoadsAndIsDeterministic(t *testing.T) {
	var m1, s1, m2, s2 bytes.Buffer
	c := Config{Members: 2000, SalesPerMember: 3, Seed: 7}
	if err := Write(c, &m1, &s1); err != nil {
		t.Fatal(err)
	}
	if err := Write(c, &m2, &s2); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(m1.Bytes(), m2.Bytes()) || !bytes.Equal(s1.Bytes(), s2.Bytes()) {
		t.Fatal("the same config wrote different bytes")
	}
	d, err := tree.ReadMembers(bytes.NewReader(m1.Bytes()), "members.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.ReadSales(bytes.NewReader(s1.Bytes()), "sales.csv"); err != nil {
		t.Fatal(err)
	}
	if d.Org.Len() != 2000 {
		t.Errorf("%d members, want 2000", d.Org.Len())
	}
	// About 3 sales a member on average.
	if n := d.Sales.Len(); n < 5000 || n > 7000 {
		t.Errorf("%d sales, want about 6000", n)
	}
	// Heavy-tailed recruiting: most members sponsor nobody, someone many.
	none, most := 0, 0
	for m := int32(0); m < 2000; m++ {
		k := len(d.Org.Children(m))
		if k == 0 {
			none++
		}
		most = max(most, k)
	}
	if none < 1000 || most < 20 {
		t.Errorf("%d members sponsor nobody and the most anyone sponsors is %d: not heavy-tailed", none, most)
	}
}

func TestMonthsAndSummary(t *testing.T) {
	var m, s bytes.Buffer
	sum, err := WriteSummary(Config{Members: 5000, SalesPerMember: 2, Months: 14, Seed: 3}, &m, &s)
	if err != nil {
		t.Fatal(err)
	}
	// Dates run from 2026-01 to 2027-02 and every month has sales.
	months := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(s.String()), "\n")[1:] {
		date := line[strings.LastIndexByte(line, ',')+1:]
		if _, ok := tree.ParseDate([]byte(date)); !ok {
			t.Fatalf("bad date %q", date)
		}
		months[date[:7]] = true
	}
	if len(months) != 14 || !months["2026-01"] || !months["2027-02"] {
		t.Errorf("sales fall in %d months: %v", len(months), months)
	}
	if sum.Members != 5000 || sum.Sales != strings.Count(s.String(), "\n")-1 {
		t.Errorf("summary %+v, %d sale rows", sum, strings.Count(s.String(), "\n")-1)
	}
	if sum.WithoutSalesPerMonth < 0.2 || sum.WithoutSalesPerMonth > 0.4 {
		t.Errorf("%.2f of members without sales in a month, want 0.2 to 0.4", sum.WithoutSalesPerMonth)
	}
	if sum.MaxDepth <= sum.MedianDepth || sum.MedianDepth < 2 {
		t.Errorf("depth median %d max %d: not a deep genealogy", sum.MedianDepth, sum.MaxDepth)
	}
}

// TestReturns: every return row returns a sale written before it, whole:
// the same order id and member, the negated amount and volume, a later
// month; without returns the file has no type column.
func TestReturns(t *testing.T) {
	var m, s bytes.Buffer
	sum, err := WriteSummary(Config{Members: 300, SalesPerMember: 3, Months: 3, Seed: 4, ReturnPct: 10}, &m, &s)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(s.String()), "\n")
	if lines[0] != "order_id,member_id,amount,volume,date,type" {
		t.Fatalf("header %q", lines[0])
	}
	sales := map[string][]string{}
	returns := 0
	for _, l := range lines[1:] {
		f := strings.Split(l, ",")
		if f[5] != "return" {
			sales[f[0]] = f
			continue
		}
		returns++
		o, ok := sales[f[0]]
		switch {
		case !ok:
			t.Fatalf("return of an order not written before: %s", l)
		case f[1] != o[1] || f[2] != "-"+o[2] || (o[3] != "" && f[3] != "-"+o[3]) || (o[3] == "" && f[3] != ""):
			t.Fatalf("return %s does not negate %s", l, strings.Join(o, ","))
		case f[4][:7] <= o[4][:7]:
			t.Fatalf("return %s is not in a later month than %s", l, strings.Join(o, ","))
		}
	}
	if returns == 0 || returns != sum.Returns || sum.Sales != len(lines)-1 {
		t.Errorf("%d returns, summary says %d; %d rows, summary %d", returns, sum.Returns, len(lines)-1, sum.Sales)
	}
	s.Reset()
	if _, err := WriteSummary(Config{Members: 10, SalesPerMember: 1, Months: 2, Seed: 4}, &m, &s); err != nil || !strings.HasPrefix(s.String(), "order_id,member_id,amount,volume,date\n") {
		t.Errorf("without returns: %v %q", err, s.String()[:40])
	}
}
