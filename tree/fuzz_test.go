package tree

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
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
	b.WriteString("id,sponsor_id,name,joined,type,rank,terminated\n")
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
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,%s,%s\n", q(o.ID(m)), q(sp), q(o.Name(m)), j, typ, q(o.Floor(m)), term)
	}
	return b.String()
}

// FuzzReadMembers: any input gives an *InputError naming the file, or
// members that, written back and read again, are the same.
func FuzzReadMembers(f *testing.F) {
	addSeeds(f, "../examples/members.csv", "../examples/worked/members.csv")
	for _, s := range []string{"id,sponsor_id\nA,\nB,A\n", "id,type,rank,terminated\nA,,Gold,2026-01-01\nB,customer,,\n", "id\n\"a\"\"b\",\n", "\xEF\xBB\xBFid\r\nA\r\n", "id,sponsor_id\nA,B\nB,A\n", "id,name\nA,\"x\ny\"\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		d, err := ReadMembers(strings.NewReader(in), "m.csv")
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
	for _, s := range []string{"member_id,amount\nA,1\n", "member_id,amount,volume\nB,1.5,\n\"A\",\"2\",3\n", "member_id,amount\nA,1e3\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		members := "id,sponsor_id\nA,\nB,A\nM1001,\nM1002,M1001\nC,B\nD,C\nE,D\nF,D\nG,C\nH,F\n"
		d1 := mustMembers(t, members)
		err1 := d1.readSales(strings.NewReader(in), "s.csv", 1<<20)
		d2 := mustMembers(t, members)
		err2 := d2.readSales(strings.NewReader(in), "s.csv", 5)
		if (err1 == nil) != (err2 == nil) || (err1 != nil && err1.Error() != err2.Error()) {
			t.Fatalf("block size changed the outcome: %v / %v", err1, err2)
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
		var sum int64
		for _, c := range d1.Sales.Chunks {
			for _, v := range c.Volume {
				sum += int64(v)
			}
		}
		if sum != int64(d1.Sales.TotalVolume) {
			t.Fatalf("volume total %d, rows sum to %d", d1.Sales.TotalVolume, sum)
		}
		// Written back, the sales load again unchanged.
		var out strings.Builder
		out.WriteString("member_id,amount,volume\n")
		for _, c := range d1.Sales.Chunks {
			for k, m := range c.Member {
				fmt.Fprintf(&out, "\"%s\",0,%s\n", strings.ReplaceAll(d1.Org.ID(m), `"`, `""`), c.Volume[k])
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
