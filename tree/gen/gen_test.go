package gen

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
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

// orderNum is the number of an order id SO-N.
func orderNum(t *testing.T, id string) int {
	n, err := strconv.Atoi(strings.TrimPrefix(id, "SO-"))
	if err != nil {
		t.Fatalf("order id %q", id)
	}
	return n
}

// TestSalesByDate: the default layout is a shop's order export: by date,
// then order id, strictly rising; members interleaved; new members join in
// every month of sales, and nobody sells before they joined.
func TestSalesByDate(t *testing.T) {
	var m, s bytes.Buffer
	sum, err := WriteSummary(Config{Members: 3000, SalesPerMember: 4, Months: 3, Seed: 5, ReturnPct: 5}, &m, &s)
	if err != nil {
		t.Fatal(err)
	}
	joined := map[string]string{}
	newIn := map[string]int{}
	for _, l := range strings.Split(strings.TrimSpace(m.String()), "\n")[1:] {
		f := strings.Split(l, ",")
		joined[f[0]] = f[3]
		newIn[f[3][:7]]++
	}
	for _, mon := range []string{"2026-01", "2026-02", "2026-03"} {
		if newIn[mon] == 0 {
			t.Errorf("no member joins in %s: %v", mon, newIn)
		}
	}
	if newIn["2026-04"] != 0 || sum.JoinedInSales != newIn["2026-01"]+newIn["2026-02"]+newIn["2026-03"] {
		t.Errorf("joins %v, summary says %d during the sales", newIn, sum.JoinedInSales)
	}
	lines := strings.Split(strings.TrimSpace(s.String()), "\n")[1:]
	prevDate, prevOrder, same := "", 0, 0
	for k, l := range lines {
		f := strings.Split(l, ",")
		date, order := f[4], orderNum(t, f[0])
		if date < prevDate || (date == prevDate && order <= prevOrder) {
			t.Fatalf("row %d (%s) is not after %s SO-%d", k+2, l, prevDate, prevOrder)
		}
		if date < joined[f[1]] {
			t.Fatalf("row %d (%s) is before its member joined on %s", k+2, l, joined[f[1]])
		}
		if k > 0 && strings.Split(lines[k-1], ",")[1] == f[1] {
			same++
		}
		prevDate, prevOrder = date, order
	}
	if same*20 > len(lines) {
		t.Errorf("%d of %d rows follow a row of the same member: not interleaved", same, len(lines))
	}
}

// TestSalesByMember: the grouped layout holds the same rows, grouped by
// member in id order within each month.
func TestSalesByMember(t *testing.T) {
	c := Config{Members: 2000, SalesPerMember: 3, Months: 3, Seed: 6, ReturnPct: 8}
	var m1, s1, m2, s2 bytes.Buffer
	sum1, err := WriteSummary(c, &m1, &s1)
	if err != nil {
		t.Fatal(err)
	}
	c.SalesOrder = SalesByMember
	sum2, err := WriteSummary(c, &m2, &s2)
	if err != nil {
		t.Fatal(err)
	}
	if m1.String() != m2.String() || fmt.Sprint(sum1) != fmt.Sprint(sum2) {
		t.Fatalf("the members or the summary depend on the sales order: %+v %+v", sum1, sum2)
	}
	byDate := strings.Split(strings.TrimSpace(s1.String()), "\n")
	byMember := strings.Split(strings.TrimSpace(s2.String()), "\n")
	if byMember[0] != byDate[0] {
		t.Fatalf("headers %q %q", byMember[0], byDate[0])
	}
	prevMonth, prevMember := "", ""
	for k, l := range byMember[1:] {
		f := strings.Split(l, ",")
		month := f[4][:7]
		if month < prevMonth || (month == prevMonth && f[1] < prevMember) {
			t.Fatalf("row %d (%s) is not grouped: after %s %s", k+2, l, prevMonth, prevMember)
		}
		prevMonth, prevMember = month, f[1]
	}
	a, b := slices.Clone(byDate[1:]), slices.Clone(byMember[1:])
	slices.Sort(a)
	slices.Sort(b)
	if !slices.Equal(a, b) {
		t.Fatal("the two layouts hold different rows")
	}
	if o, err := ParseSalesOrder("member"); err != nil || o != SalesByMember {
		t.Errorf("ParseSalesOrder(member) = %v, %v", o, err)
	}
	if _, err := ParseSalesOrder("id"); err == nil || !strings.Contains(err.Error(), "use date or member") {
		t.Errorf("ParseSalesOrder(id): %v", err)
	}
}

// TestGrowthChurnCustomersAutoship: the knobs do what they say, and the
// data loads (every sale on or after its member joined, none by a member
// after the month they leave in).
func TestGrowthChurnCustomersAutoship(t *testing.T) {
	c := Config{Members: 20000, SalesPerMember: 2, Months: 6, Seed: 3, GrowthPct: 10, ChurnPct: 5, CustomerPct: 20, AutoshipPct: 30}
	var m, s bytes.Buffer
	sum, err := WriteSummary(c, &m, &s)
	if err != nil {
		t.Fatal(err)
	}
	// Growth: a starting organisation, then 10% of the size so far each
	// month, rounded down, the last month taking the rest.
	start, per := growth(20000, 6, 10)
	size := start
	for k, n := range per[:5] {
		if n != size*10/100 || sum.JoinedPerMonth[k] != n {
			t.Errorf("month %d: %d joined (summary %d), want %d", k+1, n, sum.JoinedPerMonth[k], size*10/100)
		}
		size += n
	}
	if size+per[5] != 20000 || per[5] < size*10/100 || per[5] > size*10/100+size/50 {
		t.Errorf("the last month: %d joined onto %d", per[5], size)
	}
	d, err := tree.ReadMembers(bytes.NewReader(m.Bytes()), "members.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.ReadSales(bytes.NewReader(s.Bytes()), "sales.csv"); err != nil {
		t.Fatal(err)
	}
	o := d.Org
	customers, churned := 0, 0
	for i := range int32(o.Len()) {
		if o.Customer(i) {
			customers++
			if len(o.Children(i)) > 0 {
				t.Fatalf("customer %s sponsors %d", o.ID(i), len(o.Children(i)))
			}
		}
		if o.Terminated(i) != tree.NoDate {
			churned++
		}
	}
	if customers != sum.Customers || customers < 3600 || customers > 4400 {
		t.Errorf("%d customers (summary %d), want about 20%% of 20,000", customers, sum.Customers)
	}
	// 5% of the members a month, over six months of a growing organisation.
	if churned != sum.Churned || churned < 2500 || churned > 4500 {
		t.Errorf("%d members churned (summary %d)", churned, sum.Churned)
	}
	auto, all := 0, 0
	for c := range d.Sales.Chunks {
		ch := &d.Sales.Chunks[c]
		for k, mem := range ch.Member {
			all++
			if ch.TypeOf(k) == "autoship" {
				auto++
			}
			if t0 := o.Terminated(mem); t0 != tree.NoDate && monthOf(ch.DateOf(k)) >= monthOf(t0) {
				t.Fatalf("%s sells on %s, in or after the month they leave (%s)", o.ID(mem), tree.FormatDate(ch.DateOf(k)), tree.FormatDate(t0))
			}
		}
	}
	if pct := 100 * auto / all; pct < 28 || pct > 32 {
		t.Errorf("%d%% of sales autoship, want about 30%%", pct)
	}
	var m2, s2 bytes.Buffer
	if err := Write(c, &m2, &s2); err != nil || !bytes.Equal(m.Bytes(), m2.Bytes()) || !bytes.Equal(s.Bytes(), s2.Bytes()) {
		t.Errorf("the same config wrote different bytes: %v", err)
	}
}

// monthOf is a day's year and month as one number.
func monthOf(day int32) int {
	s := tree.FormatDate(day)
	y, _ := strconv.Atoi(s[:4])
	mo, _ := strconv.Atoi(s[5:7])
	return y*12 + mo
}
