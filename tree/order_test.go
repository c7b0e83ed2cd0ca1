package tree

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/compplan/compplan/tree/dec"
)

// saleTuples renders every sale with all it carries, member by member:
// the sales of each member in the order they are held.
func saleTuples(d *Data) map[string][]string {
	out := map[string][]string{}
	for ci := range d.Sales.Chunks {
		c := &d.Sales.Chunks[ci]
		for k, m := range c.Member {
			file, line := c.Where(k)
			out[d.Org.ID(m)] = append(out[d.Org.ID(m)], fmt.Sprintf("%s qv=%s %s %q %q %s:%d",
				c.VolumeOf(k), c.QVOf(k), FormatDate(c.DateOf(k)), c.TypeOf(k), c.OrderID(k), file, line))
		}
	}
	return out
}

// TestSalesInBuckets: once read, the sales are held by buckets of member
// numbers, each member's in file order, with every column (qv, date, type,
// order id, a return's line) still theirs, however the file is cut into
// blocks.
func TestSalesInBuckets(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var members strings.Builder
	members.WriteString("id\n")
	const n = 150 // more members than buckets
	for i := range n {
		fmt.Fprintf(&members, "M%03d\n", i)
	}
	var in strings.Builder
	in.WriteString("member_id,amount,volume,qv,date,type,order_id\n")
	want := map[string][]string{}
	for row := range 3000 {
		id := fmt.Sprintf("M%03d", rng.IntN(n))
		amount, volume, qv := rng.IntN(100)+1, "", ""
		vol := fmt.Sprint(amount)
		if rng.IntN(3) == 0 {
			volume, vol = fmt.Sprint(amount/2), fmt.Sprint(amount/2)
		}
		q := vol
		if rng.IntN(5) == 0 {
			qv, q = fmt.Sprint(amount+7), fmt.Sprint(amount+7)
		}
		typ := []string{"", "order", "Autoship", "sample"}[rng.IntN(4)]
		date := fmt.Sprintf("2026-%02d-%02d", 1+rng.IntN(12), 1+rng.IntN(28))
		order := fmt.Sprintf("O%d", row)
		where := ":0"
		if rng.IntN(20) == 0 {
			typ, where = "return", fmt.Sprintf("s.csv:%d", row+2)
			amount, volume, qv = -amount, "", "" // volume and qv are the amount's
			vol, q = fmt.Sprint(amount), fmt.Sprint(amount)
		}
		fmt.Fprintf(&in, "%s,%d,%s,%s,%s,%s,%s\n", id, amount, volume, qv, date, typ, order)
		want[id] = append(want[id], fmt.Sprintf("%s qv=%s %s %q %q %s", vol, q, date, strings.ToLower(typ), order, where))
	}
	for _, size := range []int{200, 4096, 1 << 20} {
		d := mustMembers(t, members.String())
		d.KeepOrderIDs = true
		if err := d.readSales(strings.NewReader(in.String()), "s.csv", size); err != nil {
			t.Fatal(err)
		}
		got := saleTuples(d)
		for i := range n {
			id := fmt.Sprintf("M%03d", i)
			w := want[id]
			if strings.Join(got[id], "\n") != strings.Join(w, "\n") {
				t.Fatalf("blocks of %d: member %s holds\n%s\nwant\n%s", size, id, strings.Join(got[id], "\n"), strings.Join(w, "\n"))
			}
		}
		prev, x := -1, newBucketer(n)
		for _, c := range d.Sales.Chunks {
			for _, m := range c.Member {
				if b := x.of(m); b < prev {
					t.Fatalf("blocks of %d: member %d (bucket %d) after bucket %d", size, m, b, prev)
				} else {
					prev = b
				}
			}
		}
		if prev != sortBuckets-1 {
			t.Fatalf("blocks of %d: the last bucket is %d", size, prev)
		}
	}
}

// TestSalesWithManyTypes: blocks with many sale types between them keep
// each sale's type when cut into buckets.
func TestSalesWithManyTypes(t *testing.T) {
	var in strings.Builder
	in.WriteString("member_id,amount,type\n")
	for i := range 600 {
		fmt.Fprintf(&in, "%s,1,t%d\n", []string{"A", "B"}[i%2], i)
	}
	d := mustMembers(t, "id\nA\nB\n")
	if err := d.readSales(strings.NewReader(in.String()), "s.csv", 1024); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for ci := range d.Sales.Chunks {
		c := &d.Sales.Chunks[ci]
		for k, m := range c.Member {
			seen[d.Org.ID(m)+" "+c.TypeOf(k)] = true
		}
	}
	for i := range 600 {
		if key := fmt.Sprintf("%s t%d", []string{"A", "B"}[i%2], i); !seen[key] {
			t.Fatalf("sale %q lost", key)
		}
	}
	if d.Sales.Len() != 600 {
		t.Errorf("%d sales, want 600", d.Sales.Len())
	}
}

// TestSaleDatesKept: dates are held in two bytes from the block's first
// date when they span less than 179 years, in four otherwise; undated
// sales stay undated either way.
func TestSaleDatesKept(t *testing.T) {
	for _, dates := range [][]string{
		{"2026-01-05", "", "2026-12-31", "2026-01-05", "2205-03-01"},
		{"2026-01-05", "", "2026-12-31", "1900-01-01", "2205-03-01"},
		{"", "", "2026-12-31"},
		{"0001-01-01", "9999-12-31", ""},
	} {
		var in strings.Builder
		in.WriteString("member_id,amount,date\n")
		for _, d := range dates {
			fmt.Fprintf(&in, "A,1,%s\n", d)
		}
		d := mustMembers(t, "id\nA\n")
		if err := d.readSales(strings.NewReader(in.String()), "s.csv", 1<<20); err != nil {
			t.Fatal(err)
		}
		var got []string
		for ci := range d.Sales.Chunks {
			c := &d.Sales.Chunks[ci]
			for k := range c.Member {
				if day := c.DateOf(k); day != NoDate {
					got = append(got, FormatDate(day))
				} else {
					got = append(got, "")
				}
			}
		}
		if strings.Join(got, ",") != strings.Join(dates, ",") {
			t.Errorf("dates %v read back as %v", dates, got)
		}
	}
}

// TestBuckets: every member falls in a bucket below the count, buckets
// rise with member numbers, and none holds more than BucketSpan members.
func TestBuckets(t *testing.T) {
	for _, n := range []int{0, 1, 2, 63, 64, 65, 100, 1000, 999_999, 1_000_000, 10_000_000, 12_345_678} {
		x := newBucketer(n)
		count := make([]int, x.b)
		prev := 0
		for m := range int32(n) {
			b := x.of(m)
			if b < prev || b >= x.b {
				t.Fatalf("n %d: member %d in bucket %d after %d (of %d)", n, m, b, prev, x.b)
			}
			prev = b
			count[b]++
		}
		for b, c := range count {
			if c > BucketSpan(n) {
				t.Fatalf("n %d: bucket %d holds %d members, span %d", n, b, c, BucketSpan(n))
			}
		}
	}
}

// TestIDLengths: ids of every length around the index's inline bytes, each
// a prefix of the next, are told apart, and a sale's lookup brings its
// member's own joined day.
func TestIDLengths(t *testing.T) {
	var members strings.Builder
	members.WriteString("id,joined\n")
	var ids []string
	for n := 1; n <= 20; n++ {
		id := strings.Repeat("X", n)
		ids = append(ids, id)
		fmt.Fprintf(&members, "%s,2026-01-%02d\n", id, n)
	}
	for k, id := range ids {
		var in strings.Builder
		in.WriteString("member_id,amount,date\n")
		for _, other := range ids {
			fmt.Fprintf(&in, "%s,1,2026-01-%02d\n", other, len(other)) // each on its joined day
		}
		fmt.Fprintf(&in, "%s,1,2026-01-%02d\n", id, len(id)-1) // the day before
		d := mustMembers(t, members.String())
		err := d.readSales(strings.NewReader(in.String()), "s.csv", 1<<20)
		if len(id) == 1 { // 2026-01-00 is no date
			if err == nil {
				t.Fatal("a sale dated 2026-01-00 was read")
			}
			continue
		}
		want := fmt.Sprintf("s.csv:22:%d: column \"date\": the sale is dated 2026-01-%02d, before its member joined (2026-01-%02d)", len(id)+4, len(id)-1, len(id))
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("id %d bytes long: %v, want %s", len(id), err, want)
		}
		if m := d.Org.Lookup(id); m != int32(k) {
			t.Errorf("Lookup(%s) = %d, want %d", id, m, k)
		}
	}
}

// TestCompactVolumes: a block whose volumes all fit in four bytes holds
// them so, another keeps eight; either way every sale keeps its exact
// volume, at the edges of the four-byte range too.
func TestCompactVolumes(t *testing.T) {
	if !fitInt32([]dec.D{214748_3647, -214748_3648}) || fitInt32([]dec.D{214748_3648}) || fitInt32([]dec.D{-214748_3649}) {
		t.Fatal("fitInt32 misjudges the edges of the int32 range")
	}
	const members = "id\nA\nB\nC\n"
	var in strings.Builder
	in.WriteString("member_id,amount,volume\n")
	pv := map[string]dec.D{}
	vols := []string{"214748.3647", "214748.3648", "12.5", "99999999.9999", "0.0001"}
	for row := range 400 {
		id := string(rune('A' + row%3))
		v := "10"
		if row%37 == 0 {
			v = vols[(row/37)%len(vols)]
		}
		fmt.Fprintf(&in, "%s,1,%s\n", id, v)
		x, err := dec.Parse([]byte(v))
		if err != nil {
			t.Fatal(err)
		}
		pv[id] += x
	}
	for _, size := range []int{300, 1 << 20} {
		d := mustMembers(t, members)
		if err := d.readSales(strings.NewReader(in.String()), "s.csv", size); err != nil {
			t.Fatal(err)
		}
		compact, wide := 0, 0
		for _, c := range d.Sales.Chunks {
			if c.vol32 != nil {
				compact++
			} else {
				wide++
			}
		}
		if size == 300 && (compact == 0 || wide == 0) {
			t.Errorf("blocks of %d: %d compact and %d wide chunks, want both kinds", size, compact, wide)
		}
		got, err := PersonalVolume(d.Org, &d.Sales)
		if err != nil {
			t.Fatal(err)
		}
		for m := range int32(d.Org.Len()) {
			if got[m] != pv[d.Org.ID(m)] {
				t.Errorf("blocks of %d: member %s has PV %s, want %s", size, d.Org.ID(m), got[m], pv[d.Org.ID(m)])
			}
		}
		var sum dec.D
		for _, c := range d.Sales.Chunks {
			for k := range c.Member {
				sum += c.VolumeOf(k)
			}
		}
		if sum != pv["A"]+pv["B"]+pv["C"] {
			t.Errorf("blocks of %d: volumes sum to %s", size, sum)
		}
	}
}

// TestWarmOrderIDs: warming loads each order id's offset and first byte
// (their sum is what it returns), and skips what has no order id: a line
// from no sale (chunk -1), a sales file read without its order ids, and an
// empty order id.
func TestWarmOrderIDs(t *testing.T) {
	d := mustMembers(t, "id,sponsor_id\nA,\nB,A\n")
	d.KeepOrderIDs = true
	if err := d.ReadSales(strings.NewReader("member_id,amount,order_id\nA,10,x1\nB,20,\nA,5,zz\n"), "s.csv"); err != nil {
		t.Fatal(err)
	}
	type ref struct{ c, k int32 }
	var refs []ref
	var want uint64
	for c, ch := range d.Sales.Chunks {
		for k := range ch.Member {
			refs = append(refs, ref{int32(c), int32(k)})
			if id := ch.OrderIDBytes(k); len(id) > 0 {
				want += uint64(ch.orders.off[k]) + uint64(id[0])
			} else {
				want += uint64(ch.orders.off[k]) // the empty id's offset only
			}
		}
	}
	refs = append(refs, ref{-1, 0}, ref{-1, 7})
	at := func(i int) (c, k int32) { return refs[i].c, refs[i].k }
	if got := d.Sales.WarmOrderIDs(len(refs), at); got != want {
		t.Errorf("WarmOrderIDs = %d, want %d (offsets and first bytes of x1, the empty id and zz)", got, want)
	}
	if want == 0 || len(refs) != 5 {
		t.Fatalf("the test's sales: %d refs, sum %d", len(refs), want)
	}

	plain := mustMembers(t, "id,sponsor_id\nA,\n")
	if err := plain.ReadSales(strings.NewReader("member_id,amount,order_id\nA,10,x1\n"), "s.csv"); err != nil {
		t.Fatal(err)
	}
	if got := plain.Sales.WarmOrderIDs(1, func(int) (c, k int32) { return 0, 0 }); got != 0 {
		t.Errorf("WarmOrderIDs without kept order ids = %d, want 0", got)
	}
}
