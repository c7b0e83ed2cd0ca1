package tree

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/compplan/compplan/tree/dec"
)

func addSeeds(f *testing.F, files ...string) {
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(string(b))
		}
	}
}

// writeMembers writes d's members back as CSV.
func writeMembers(d *Data) string {
	var b strings.Builder
	b.WriteString("id,sponsor_id,name,joined,type,rank,terminated,placement_id,leg,matrix_parent_id\n")
	q := func(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
	o := d.Org
	for m := int32(0); m < int32(o.Len()); m++ {
		sp := ""
		if s := o.Sponsor(m); s >= 0 {
			sp = o.ID(s)
		}
		j := ""
		if o.Joined(m) != NoDate {
			j = FormatDate(o.Joined(m))
		}
		typ, term := "", ""
		if o.Customer(m) {
			typ = "customer"
		}
		if o.Terminated(m) != NoDate {
			term = FormatDate(o.Terminated(m))
		}
		place, leg, mp := "", "", ""
		if o.placeParent != nil && o.placeParent[m] >= 0 {
			place, leg = o.ID(o.placeParent[m]), LegName(o.placeLeg[m])
		}
		if o.matrixParent != nil && o.matrixParent[m] >= 0 {
			mp = o.ID(o.matrixParent[m])
		}
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", q(o.ID(m)), q(sp), q(o.Name(m)), j, typ, q(o.Floor(m)), term, q(place), leg, q(mp))
	}
	return b.String()
}

// membersDetail is writeMembers with the line of the first member without
// a joined day and whether the file had a type column.
func membersDetail(d *Data) string {
	return fmt.Sprintf("%s| unjoined %d customers %t", writeMembers(d), d.Org.FirstUnjoined(), d.Org.HasCustomers())
}

// FuzzReadMembers: any input gives an *InputError naming the file, or
// members that, written back and read again, are the same.
func FuzzReadMembers(f *testing.F) {
	addSeeds(f, "../examples/members.csv", "../examples/worked/members.csv")
	for _, s := range []string{"id,sponsor_id\nA,\nB,A\n", "id,type,rank,terminated\nA,,Gold,2026-01-01\nB,customer,,\n", "id\n\"a\"\"b\",\n", "\xEF\xBB\xBFid\r\nA\r\n", "id,sponsor_id\nA,B\nB,A\n", "id,name\nA,\"x\ny\"\n",
		"id,sponsor_id,placement_id,leg,matrix_parent_id\nA,,,,\nB,A,A,L,A\nC,A,B,R,\n"} {
		f.Add(s)
	}
	f.Add("id,sponsor_id\rA,\rB,A\r")
	f.Fuzz(func(t *testing.T, in string) {
		d, err := ReadMembers(strings.NewReader(in), "m.csv")
		// Read in blocks of 7 bytes on every core, or row by row, the
		// members and the error are the same.
		for _, size := range []int{0, 7} {
			d2, err2 := readMembers(strings.NewReader(in), "m.csv", size)
			if fmt.Sprint(err) != fmt.Sprint(err2) || (err == nil && membersDetail(d) != membersDetail(d2)) {
				t.Fatalf("blocks of %d read differently: %v / %v", size, err, err2)
			}
		}
		// Lone CRs for line ends read the same, errors and all.
		if !strings.Contains(in, "\r") {
			dCR, errCR := ReadMembers(strings.NewReader(strings.ReplaceAll(in, "\n", "\r")), "m.csv")
			if fmt.Sprint(err) != fmt.Sprint(errCR) || (err == nil && writeMembers(d) != writeMembers(dCR)) {
				t.Fatalf("CR line ends read differently: %v / %v", err, errCR)
			}
		}
		if err != nil {
			var e *InputError
			if !errors.As(err, &e) || e.File != "m.csv" {
				t.Fatalf("error %v (%T) does not name the file", err, err)
			}
			return
		}
		out := writeMembers(d)
		d2, err := ReadMembers(strings.NewReader(out), "again.csv")
		if err != nil {
			t.Fatalf("written back, the members do not load: %v\n%s", err, out)
		}
		if a, b := writeMembers(d2), out; a != b {
			t.Fatalf("members changed on a round trip:\n%s\n%s", a, b)
		}
	})
}

// FuzzReadSales: any sales input gives an *InputError naming the file and a
// line, or sales whose sums match their rows; block size does not matter.
func FuzzReadSales(f *testing.F) {
	addSeeds(f, "../examples/sales.csv", "../examples/worked/sales.csv")
	for _, s := range []string{"member_id,amount\nA,1\n", "member_id,amount,volume\nB,1.5,\n\"A\",\"2\",3\n", "member_id,amount\nA,1e3\n",
		"member_id,amount,date\nA,1,2026-01-01\nB,2,2014-01-01\nA,3,2026-01-01\nC,4,2039-05-05\n",
		// In other currencies (testRates), a return at its order's rate.
		"order_id,member_id,amount,volume,currency,date,type\nO1,B,100.00,,EUR,2026-03-05,\nO1,B,-50,,EUR,2026-03-25,return\nO2,C,15000,,JPY,2026-03-12,\nO3,A,7,3,GBP,2026-03-31,\n",
		"order_id,member_id,amount,currency,date,type,qv\nO1,B,-5,EUR,2026-03-25,return,\nO1,B,99.99,EUR,2026-03-05,,10\n"} {
		f.Add(s)
	}
	rates, err := ReadRates(strings.NewReader(testRates), "rates.csv")
	if err != nil {
		f.Fatal(err)
	}
	money := &Money{Currency: "USD", Digits: 2, Rates: rates}
	f.Fuzz(func(t *testing.T, in string) {
		members := "id,sponsor_id\nA,\nB,A\nM1001,\nM1002,M1001\nC,B\nD,C\nE,D\nF,D\nG,C\nH,F\n"
		d1 := mustMembers(t, members)
		d1.Money = money
		err1 := d1.readSales(strings.NewReader(in), "s.csv", 1<<20)
		d2 := mustMembers(t, members)
		d2.Money = money
		err2 := d2.readSales(strings.NewReader(in), "s.csv", 5)
		if (err1 == nil) != (err2 == nil) || (err1 != nil && err1.Error() != err2.Error()) {
			t.Fatalf("block size changed the outcome: %v / %v", err1, err2)
		}
		// Records without quotes split at their commas (fillPlain) read
		// as the general reader reads them.
		d4 := mustMembers(t, members)
		d4.Money, d4.KeepOrderIDs = money, true
		err4 := d4.readSalesPlain(strings.NewReader(in), "s.csv", 1<<20, false)
		d5 := mustMembers(t, members)
		d5.Money, d5.KeepOrderIDs = money, true
		err5 := d5.readSalesPlain(strings.NewReader(in), "s.csv", 1<<20, true)
		if fmt.Sprint(err4) != fmt.Sprint(err5) || (err4 == nil && salesDetail(d4) != salesDetail(d5)) {
			t.Fatalf("plain records read differently: %v / %v\n%s\n%s", err4, err5, salesDetail(d4), salesDetail(d5))
		}
		// Lone CRs for line ends read the same, errors and all.
		if !strings.Contains(in, "\r") {
			d3 := mustMembers(t, members)
			d3.Money = money
			err3 := d3.readSales(strings.NewReader(strings.ReplaceAll(in, "\n", "\r")), "s.csv", 7)
			if fmt.Sprint(err1) != fmt.Sprint(err3) || (err1 == nil && salesOf(d1) != salesOf(d3)) {
				t.Fatalf("CR line ends read differently: %v / %v", err1, err3)
			}
		}
		if err1 != nil {
			var e *InputError
			if !errors.As(err1, &e) || e.File != "s.csv" {
				t.Fatalf("error %v (%T) does not name the file", err1, err1)
			}
			return
		}
		if salesOf(d1) != salesOf(d2) {
			t.Fatal("block size changed the sales")
		}
		// Every dated sale's amount is in its day's sum, whatever the blocks.
		if first, last, ok := d1.Sales.DateRange(); ok && d1.Sales.FirstUndated == 0 {
			if a, b := d1.Sales.AmountIn(first, last), d2.Sales.AmountIn(first, last); a != d1.Sales.Amount || b != a {
				t.Fatalf("days sum to %s and %s, the sales to %s", a, b, d1.Sales.Amount)
			}
		}
		var sum int64
		for _, c := range d1.Sales.Chunks {
			for _, v := range c.Volumes() {
				sum += int64(v)
			}
		}
		if sum != int64(d1.Sales.TotalVolume) {
			t.Fatalf("volume total %d, rows sum to %d", d1.Sales.TotalVolume, sum)
		}
		// Written back, the sales load again unchanged.
		var out strings.Builder
		out.WriteString("member_id,amount,volume,type,order_id\n")
		for _, c := range d1.Sales.Chunks {
			for k, m := range c.Member {
				fmt.Fprintf(&out, "\"%s\",0,%s", strings.ReplaceAll(d1.Org.ID(m), `"`, `""`), c.VolumeOf(k))
				if c.VolumeOf(k) < 0 { // a return's
					out.WriteString(",return,R\n")
				} else {
					out.WriteString(",,\n")
				}
			}
		}
		d3 := mustMembers(t, members)
		if err := d3.ReadSales(strings.NewReader(out.String()), "again.csv"); err != nil {
			t.Fatalf("written back, the sales do not load: %v\n%s", err, out.String())
		}
		if salesOf(d3) != salesOf(d1) {
			t.Fatalf("sales changed on a round trip:\n%s\n%s", salesOf(d1), salesOf(d3))
		}
	})
}

// FuzzPlacement: members that load place into a binary tree and a matrix,
// or give an *InputError; a placed tree has every distributor once, at most
// one member per slot (width per matrix member), no cycle.
func FuzzPlacement(f *testing.F) {
	for _, s := range []string{
		"id,sponsor_id,placement_id,leg\nA,,,\nB,A,A,L\nC,A,,\nD,B,,\n",
		"id,sponsor_id,joined,matrix_parent_id\nA,,,\nB,A,2026-01-01,A\nC,A,2026-01-02,\nD,C,,A\n",
		"id,sponsor_id,placement_id,leg\nR,,,\nC,R,A,L\nA,C,,\n",
		"id,sponsor_id,type,placement_id,leg,matrix_parent_id\nR,,,,,\nK,R,customer,,,\nD,K,,,,\nE,K,,,,\nF,D,,R,L,R\n",
	} {
		f.Add(s, uint8(0), uint8(2))
	}
	f.Fuzz(func(t *testing.T, in string, side, width uint8) {
		d, err := ReadMembers(strings.NewReader(in), "m.csv")
		if err != nil {
			return
		}
		o := d.Org
		vol := make([]dec.D, o.Len())
		for m := range vol {
			vol[m] = dec.FromInt(int64(m % 7))
		}
		check := func(parent []int32, placed func(int32) bool, order []int32, what string) {
			if len(order) != countPlaced(o.Len(), placed) {
				t.Fatalf("%s: %d members in the order, %d placed", what, len(order), countPlaced(o.Len(), placed))
			}
			for m := range int32(o.Len()) {
				if p := parent[m]; p >= 0 && o.Customer(p) {
					t.Fatalf("%s: %s is placed under the customer %s", what, o.ID(m), o.ID(p))
				}
			}
			seen := make([]bool, o.Len())
			for _, m := range order {
				if seen[m] || (parent[m] >= 0 && !seen[parent[m]]) {
					t.Fatalf("%s: %s out of order", what, o.ID(m))
				}
				seen[m] = true
			}
		}
		b, err := PlaceBinary(o, Side(side%3), vol, nil)
		var e *InputError
		if err != nil {
			if !errors.As(err, &e) || e.File != "m.csv" {
				t.Fatalf("binary: error %v does not name the file", err)
			}
		} else {
			check(b.Parent, b.Placed, b.TopDown(), "binary")
			for m := range int32(o.Len()) {
				if p := b.Parent[m]; p >= 0 && b.Child(p, b.Leg[m]) != m {
					t.Fatalf("binary: %s is not its parent's %s child", o.ID(m), LegName(b.Leg[m]))
				}
			}
		}
		w := 1 + int(width%4)
		x, err := PlaceMatrix(o, w)
		if err != nil {
			if !errors.As(err, &e) || e.File != "m.csv" {
				t.Fatalf("matrix: error %v does not name the file", err)
			}
			return
		}
		check(x.Parent, x.Placed, x.TopDown(), "matrix")
		for m := range int32(o.Len()) {
			if len(x.Children(m)) > w {
				t.Fatalf("matrix: %s has %d children, width %d", o.ID(m), len(x.Children(m)), w)
			}
		}
	})
}

func countPlaced(n int, placed func(int32) bool) int {
	k := 0
	for m := range int32(n) {
		if placed(m) {
			k++
		}
	}
	return k
}

// FuzzReadCarry: a carry file gives an *InputError naming the file, or
// carries that add up to their rows.
func FuzzReadCarry(f *testing.F) {
	for _, s := range []string{"id,left,right\nA,10,0\nB,,5.5\n", "id,left,right\nA,1\n", "id,left,right\nA,1,1\nA,2,2\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		d := mustMembers(t, "id,sponsor_id,type\nA,,\nB,A,\nK,A,customer\n")
		err := d.ReadCarry(strings.NewReader(in), "c.csv")
		if err != nil {
			var e *InputError
			if !errors.As(err, &e) || e.File != "c.csv" {
				t.Fatalf("error %v (%T) does not name the file", err, err)
			}
			return
		}
		if d.CarryIn[0][2] != 0 || d.CarryIn[1][2] != 0 {
			t.Fatal("a customer carries volume")
		}
		for leg := range 2 {
			for _, v := range d.CarryIn[leg] {
				if v < 0 {
					t.Fatalf("negative carry %s", v)
				}
			}
		}
	})
}

// FuzzParsePeriod: a period either is refused or names a span of whole
// days whose name parses back to the same span, and every day of it maps
// back to it.
func FuzzParsePeriod(f *testing.F) {
	for _, s := range []string{"2026-03", "2026-W14", "2026-W53", "2025-W53", "2026-13", "0001-01", "9999-W52"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		p, err := ParsePeriod(in)
		if err != nil {
			return
		}
		if p.To < p.From || (p.To-p.From != 6 && (p.To-p.From < 27 || p.To-p.From > 30)) {
			t.Fatalf("%q: %s..%s is neither a week nor a month", in, FormatDate(p.From), FormatDate(p.To))
		}
		again, err := ParsePeriod(p.Name)
		if err != nil || again != p {
			t.Fatalf("%q: name %q parses to %v (%v)", in, p.Name, again, err)
		}
		every := Month
		if p.To-p.From == 6 {
			every = Week
		}
		for _, day := range []int32{p.From, (p.From + p.To) / 2, p.To} {
			if got := PeriodOf(every, day); got != p {
				t.Fatalf("%q: day %s is in %v", in, FormatDate(day), got)
			}
		}
	})
}

// FuzzCountPeriods: CountPeriods is the number of periods Periods builds,
// for any span of up to 3 years (and any order of its ends) from year 1 to
// 9999, and a month or week count never stops.
func FuzzCountPeriods(f *testing.F) {
	for _, s := range [][3]int32{{0, 0, 0}, {1, 20000, 20400}, {0, MaxDate - 40, MaxDate}, {1, MaxDate - 3, MaxDate}, {1, 10, 3}} {
		f.Add(s[0] == 1, s[1], s[2])
	}
	first, _ := ParseDate([]byte("0001-01-01"))
	f.Fuzz(func(t *testing.T, week bool, from, to int32) {
		if from < first || from > MaxDate || to < first || to > MaxDate || to-from > 3*366 || from-to > 3*366 {
			return
		}
		every := Month
		if week {
			every = Week
		}
		if got, want := CountPeriods(every, from, to), len(Periods(every, from, to)); got != want {
			t.Fatalf("CountPeriods(%s, %s, %s) = %d, Periods has %d", every, FormatDate(from), FormatDate(to), got, want)
		}
	})
}
