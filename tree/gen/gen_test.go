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
