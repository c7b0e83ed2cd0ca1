package tree

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/compplan/compplan/tree/dec"
)

func mustMembers(t *testing.T, csv string) *Data {
	t.Helper()
	d, err := ReadMembers(strings.NewReader(csv), "members.csv")
	if err != nil {
		t.Fatalf("ReadMembers: %v", err)
	}
	return d
}

// describe renders the tree as "id<sponsor" pairs in id order, for comparing.
func describe(o *Org) string {
	var b strings.Builder
	for _, m := range o.ByID() {
		b.WriteString(o.ID(m))
		if s := o.Sponsor(m); s >= 0 {
			b.WriteString("<" + o.ID(s))
		}
		b.WriteString(" ")
	}
	return strings.TrimSpace(b.String())
}

func TestReadMembers(t *testing.T) {
	tests := []struct {
		name, csv, want string
	}{
		{"plain", "id,sponsor_id,name\nA,,Ann\nB,A,Bob\nC,B,Cy\n", "A B<A C<B"},
		{"any column order and case", "Name,SPONSOR_ID,Id\nAnn,,A\nBob,A,B\n", "A B<A"},
		{"sponsor after member", "id,sponsor_id\nB,A\nA,\n", "A B<A"},
		{"several roots", "id,sponsor_id\nA,\nB,\nC,B\n", "A B C<B"},
		{"BOM and CRLF", "\xEF\xBB\xBFid,sponsor_id\r\nA,\r\nB,A\r\n", "A B<A"},
		{"quoted fields", "id,sponsor_id,name\n\"A\",,\"Lopez, Maria\"\n\"B\",\"A\",\"say \"\"hi\"\"\nthere\"\n", "A B<A"},
		{"unknown columns ignored", "id,sponsor_id,shoe_size\nA,,42\n", "A"},
		{"surrounding spaces trimmed", "id,sponsor_id\n A ,\nB, A \n", "A B<A"},
		{"empty lines skipped", "id,sponsor_id\n\nA,\n\n\nB,A\n", "A B<A"},
		{"no final newline", "id,sponsor_id\nA,\nB,A", "A B<A"},
		{"header only", "id,sponsor_id,name\n", ""},
		{"ids compared exactly", "id,sponsor_id\na,\nA,a\n", "A<a a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustMembers(t, tt.csv)
			if got := describe(d.Org); got != tt.want {
				t.Errorf("tree = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestReadMembersNamesAndDates(t *testing.T) {
	d := mustMembers(t, "id,sponsor_id,name,joined\nA,,\"Lopez, Maria\",2024-02-29\nB,A,\"say \"\"hi\"\"\nthere\",\n")
	o := d.Org
	a, b := o.Lookup("A"), o.Lookup("B")
	if o.Name(a) != "Lopez, Maria" || o.Name(b) != "say \"hi\"\nthere" {
		t.Errorf("names = %q, %q", o.Name(a), o.Name(b))
	}
	if want, _ := ParseDate([]byte("2024-02-29")); o.Joined(a) != want || o.Joined(b) != NoDate {
		t.Errorf("joined = %d, %d; want %d, NoDate", o.Joined(a), o.Joined(b), want)
	}
	if o.Lookup("nobody") != -1 {
		t.Error("Lookup of an unknown id did not return -1")
	}
}

func TestParseDate(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int32
		ok   bool
	}{
		{"1970-01-01", 0, true},
		{"1970-01-02", 1, true},
		{"1969-12-31", -1, true},
		{"2000-03-01", 11017, true},
		{"2024-02-29", 19782, true},
		{"2026-02-29", 0, false},
		{"2026-02-30", 0, false},
		{"1900-02-29", 0, false},
		{"2026-13-01", 0, false},
		{"2026-00-10", 0, false},
		{"2026-1-01", 0, false},
		{"26-01-01", 0, false},
		{"2026/01/01", 0, false},
		{"2026-01-01T00:00", 0, false},
	} {
		got, ok := ParseDate([]byte(tt.in))
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("ParseDate(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSales(t *testing.T) {
	d := mustMembers(t, "id,sponsor_id,amount,volume\nA,,10.50,\nB,A,,\nC,A,20,15\n")
	err := d.ReadSales(strings.NewReader("member_id,amount,volume,date\nB,100,80,2026-10-01\nB,5.25,,\nC,0,0,\n"), "sales.csv")
	if err != nil {
		t.Fatal(err)
	}
	s := &d.Sales
	if s.Len() != 5 {
		t.Fatalf("%d sales, want 5", s.Len())
	}
	if s.Amount != dec.MustParse("135.75") || s.TotalVolume != dec.MustParse("110.75") {
		t.Errorf("amount %s volume %s, want 135.75 and 110.75", s.Amount, s.TotalVolume)
	}
	pv, err := PersonalVolume(d.Org, s)
	if err != nil {
		t.Fatal(err)
	}
	gv, err := GroupVolume(d.Org, pv)
	if err != nil {
		t.Fatal(err)
	}
	o := d.Org
	for _, tt := range []struct{ id, pv, gv string }{
		{"A", "10.5", "110.75"},
		{"B", "85.25", "85.25"},
		{"C", "15", "15"},
	} {
		m := o.Lookup(tt.id)
		if pv[m].String() != tt.pv || gv[m].String() != tt.gv {
			t.Errorf("%s: pv %s gv %s, want %s %s", tt.id, pv[m], gv[m], tt.pv, tt.gv)
		}
	}
}

func TestDeepLine(t *testing.T) {
	// A single line of sponsors a million deep: no recursion, no overflow.
	const n = 1_000_000
	var b strings.Builder
	b.WriteString("id,sponsor_id,amount\nm0,,1\n")
	for i := 1; i < n; i++ {
		b.WriteString("m")
		b.WriteString(itoa(i))
		b.WriteString(",m")
		b.WriteString(itoa(i - 1))
		b.WriteString(",1\n")
	}
	d := mustMembers(t, b.String())
	pv, _ := PersonalVolume(d.Org, &d.Sales)
	gv, err := GroupVolume(d.Org, pv)
	if err != nil {
		t.Fatal(err)
	}
	if got := gv[d.Org.Lookup("m0")]; got != dec.FromInt(n) {
		t.Errorf("root gv = %s, want %d", got, n)
	}
}

func itoa(i int) string { return dec.FromInt(int64(i)).String() }

// TestErrors checks each bad input's message and position.
func TestErrors(t *testing.T) {
	tests := []struct {
		name, members, sales, want string
	}{
		{"empty file", "", "", "members.csv: the file is empty: expected a header row"},
		{"missing id column", "name,sponsor_id\nA,\n", "", `members.csv:1: missing required column "id"`},
		{"duplicate column", "id,sponsor_id,ID\n", "", `members.csv:1:15: column "ID" appears twice (first at field 1)`},
		{"duplicate id", "id,sponsor_id\nA,\nB,A\nA,B\n", "", `members.csv:4:1: column "id": duplicate id "A": it is already used on line 2`},
		{"duplicate before a later error", "id,sponsor_id,joined\nA,,\nA,,\nB,,2026-13-01\n", "", `members.csv:3:1: column "id": duplicate id "A": it is already used on line 2`},
		{"empty id", "id,sponsor_id\n,\n", "", `members.csv:2:1: column "id": empty id`},
		{"unknown sponsor", "id,sponsor_id\nA,\nB,Z\n", "", `members.csv:3:3: column "sponsor_id": unknown sponsor "Z"`},
		{"self sponsor", "id,sponsor_id\nA,\nB,B\n", "", `members.csv:3:3: column "sponsor_id": member "B" sponsors itself`},
		{"cycle of 2", "id,sponsor_id\nR,\nB,C\nC,B\nD,C\n", "", `members.csv:3: column "sponsor_id": sponsor cycle of 2 members: B (line 3) is sponsored by C (line 4) is sponsored by B;`},
		{"cycle of 3", "id,sponsor_id\nX,Z\nY,X\nZ,Y\n", "", `sponsor cycle of 3 members: X (line 2) is sponsored by Z (line 4) is sponsored by Y (line 3) is sponsored by X;`},
		{"ragged row", "id,sponsor_id\nA,,x\n", "", "members.csv:2: row has 3 fields but the header has 2"},
		{"bare quote", "id,sponsor_id,name\nA,,Bo\"b\n", "", `members.csv:2:6: a quote inside an unquoted field`},
		{"text after quote", "id,sponsor_id,name\nA,,\"Bob\"x\n", "", `members.csv:2:9: unexpected 'x' after a closing quote`},
		{"unterminated quote", "id,sponsor_id,name\nA,,\"Bob\nB,A,x\n", "", `members.csv:2:4: a quoted field is never closed`},
		{"invalid UTF-8", "id,sponsor_id,name\nA,,B\xffb\n", "", `members.csv:2:4: field is not valid UTF-8`},
		{"bad joined date", "id,sponsor_id,joined\nA,,2026-02-30\n", "", `members.csv:2:4: column "joined": "2026-02-30" is not a date: expected YYYY-MM-DD`},
		{"volume without amount", "id,sponsor_id,amount,volume\nA,,,5\n", "", `members.csv:2:5: column "volume": a volume without an amount`},
		{"sales: missing amount column", "id\nA\n", "member_id,volume\nA,5\n", `sales.csv:1: missing required column "amount"`},
		{"sales: unknown member", "id\nA\n", "member_id,amount\nA,5\nQ,5\n", `sales.csv:3:1: column "member_id": sale for unknown member "Q"`},
		{"sales: empty member", "id\nA\n", "member_id,amount\n,5\n", `sales.csv:2:1: column "member_id": empty member_id`},
		{"sales: thousands separator", "id\nA\n", "member_id,amount\nA,\"1,000.00\"\n", `sales.csv:2:3: column "amount": "1,000.00" is not a number`},
		{"sales: exponent", "id\nA\n", "member_id,amount\nA,1e3\n", `sales.csv:2:3: column "amount": "1e3" is not a number`},
		{"sales: NaN", "id\nA\n", "member_id,amount\nA,NaN\n", `sales.csv:2:3: column "amount": "NaN" is not a number`},
		{"sales: two dots", "id\nA\n", "member_id,amount\nA,12.3.4\n", `"12.3.4" is not a number`},
		{"sales: too many decimals", "id\nA\n", "member_id,amount\nA,1.00001\n", `sales.csv:2:3: column "amount": "1.00001" has more than 4 decimal places`},
		{"sales: too large", "id\nA\n", "member_id,amount\nA,123456789012345\n", `"123456789012345" is too large`},
		{"sales: negative amount", "id\nA\n", "member_id,amount\nA,-5\n", `sales.csv:2:3: column "amount": "-5" is negative`},
		{"sales: negative volume", "id\nA\n", "member_id,amount,volume\nA,5,-1\n", `sales.csv:2:5: column "volume": "-1" is negative`},
		{"field too long", "id,name\nA," + strings.Repeat("x", MaxFieldBytes+1) + "\n", "", "members.csv:2:3: field is longer than 65536 bytes"},
		{"quoted field too long", "id,name\nA,\"" + strings.Repeat("x", MaxFieldBytes+1) + "\"\n", "", "members.csv:2:3: field is longer than 65536 bytes"},
		{"sales: before joining", "id,joined\nA,2026-02-01\n", "member_id,amount,date\nA,5,2026-01-31\n", `sales.csv:2:5: column "date": the sale is dated 2026-01-31, before its member joined (2026-02-01)`},
		{"sales: positive return", "id\nA\n", "member_id,amount,type,order_id\nA,5,return,O1\n", `sales.csv:2:3: column "amount": "5" is positive in a return`},
		{"sales: return without order", "id\nA\n", "member_id,amount,type,order_id\nA,-5,return,\n", `sales.csv:2:13: column "order_id": a return needs the order_id of the sale it returns`},
		{"sales: bad date", "id\nA\n", "member_id,amount,date\nA,5,2026-13-01\n", `sales.csv:2:5: column "date": "2026-13-01" is not a date`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ReadMembers(strings.NewReader(tt.members), "members.csv")
			if err == nil && tt.sales != "" {
				err = d.ReadSales(strings.NewReader(tt.sales), "sales.csv")
			}
			var in *InputError
			if !errors.As(err, &in) {
				t.Fatalf("error = %v (%T), want an *InputError", err, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q\nwant it to contain %q", err, tt.want)
			}
		})
	}
}

func TestLongCycleIsNamedBriefly(t *testing.T) {
	// A cycle of 1,000 members: the message names 12 and counts the rest.
	var b strings.Builder
	b.WriteString("id,sponsor_id\n")
	for i := 0; i < 1000; i++ {
		b.WriteString("c" + itoa(1000+i) + ",c" + itoa(1000+(i+1)%1000) + "\n")
	}
	_, err := ReadMembers(strings.NewReader(b.String()), "m.csv")
	if err == nil || !strings.Contains(err.Error(), "sponsor cycle of 1000 members: c1000 (line 2) is sponsored by c1001 (line 3)") ||
		!strings.Contains(err.Error(), "… (988 more)") {
		t.Fatalf("error = %v", err)
	}
}

func TestFormatDate(t *testing.T) {
	for _, s := range []string{"1970-01-01", "1969-12-31", "2000-02-29", "2024-12-31", "0000-01-02", "0000-03-01", "0001-01-01", "9999-12-31", "1600-03-01"} {
		d, ok := ParseDate([]byte(s))
		if !ok || FormatDate(d) != s {
			t.Errorf("FormatDate(ParseDate(%s)) = %s (%v)", s, FormatDate(d), ok)
		}
	}
}

// TestSortByIDLarge: a large unsorted organisation is sorted (in parallel)
// exactly as one sort would.
func TestSortByIDLarge(t *testing.T) {
	var b strings.Builder
	b.WriteString("id\n")
	const n = 100_000
	for i := 0; i < n; i++ {
		b.WriteString(itoa((i*7919)%n) + "x\n")
	}
	d := mustMembers(t, b.String())
	got := d.Org.ByID()
	if len(got) != n {
		t.Fatalf("%d members sorted, want %d", len(got), n)
	}
	for i := 1; i < n; i++ {
		if d.Org.ID(got[i-1]) >= d.Org.ID(got[i]) {
			t.Fatalf("ids out of order at %d: %s, %s", i, d.Org.ID(got[i-1]), d.Org.ID(got[i]))
		}
	}
}

// TestDateCache: dates read one after another, the same or in one month,
// parse exactly as one at a time, and invalid days in a known month are
// still rejected.
func TestDateCache(t *testing.T) {
	c := &csvReader{name: "f"}
	for _, s := range []string{"2026-01-15", "2026-01-15", "2026-01-31", "2026-01-01", "2026-02-28", "2026-02-01", "2024-02-29", "2024-02-01", "2025-12-31"} {
		c.fields, c.cols, c.lines = [][]byte{[]byte(s)}, []int{1}, []int{1}
		got, err := c.date(0, "date")
		want, _ := ParseDate([]byte(s))
		if err != nil || got != want {
			t.Errorf("date(%s) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, bad := range []string{"2026-02-29", "2026-02-30", "2026-02-00", "2026-02-3x", "2026-02-40", "2026-02-1-"} {
		c.fields = [][]byte{[]byte("2026-02-10")} // the month is now known
		if _, err := c.date(0, "date"); err != nil {
			t.Fatal(err)
		}
		c.fields = [][]byte{[]byte(bad)}
		if _, err := c.date(0, "date"); err == nil {
			t.Errorf("date(%s) accepted after a date in the same month", bad)
		}
	}
}

// TestTopDownNumberOrder: a members file whose sponsors all come before
// their recruits is top-down in number order; one that lists a recruit
// first has it right after its sponsor, the rest in number order. Either
// way every member comes after their sponsor, and group volumes agree.
func TestTopDownNumberOrder(t *testing.T) {
	for _, tc := range []struct {
		name, csv, top string
	}{
		{"sponsors first", "id,sponsor_id,amount\nA,,10\nB,A,20\nC,A,30\nD,B,40\n", "[0 1 2 3]"},
		{"a recruit first", "id,sponsor_id,amount\nD,B,40\nA,,10\nB,A,20\nC,A,30\n", "[1 2 0 3]"},
		// E waits for D, which waits for B: both follow B.
		{"a chain waiting", "id,sponsor_id,amount\nE,D,15\nD,B,20\nA,,10\nB,A,25\nC,A,30\n", "[2 3 1 0 4]"},
	} {
		d := mustMembers(t, tc.csv)
		o := d.Org
		if got := fmt.Sprint(o.TopDown()); got != tc.top {
			t.Errorf("%s: top-down %s, want %s", tc.name, got, tc.top)
		}
		pv, err := PersonalVolume(o, &d.Sales)
		if err != nil {
			t.Fatal(err)
		}
		gv, err := GroupVolume(o, pv)
		if err != nil {
			t.Fatal(err)
		}
		if a, b := gv[o.Lookup("A")], gv[o.Lookup("B")]; a.String() != "100" || b.String() != "60" {
			t.Errorf("%s: GV of A %s, B %s; want 100, 60", tc.name, a, b)
		}
	}
}

// TestMembersInBlocks reads members files in blocks of a few bytes, parsed
// on both cores and appended in file order, and row by row: the members,
// and the first error in the file, are the same — a duplicate id in a
// later block than its first use, an error before or after a duplicate,
// quoted fields across blocks.
func TestMembersInBlocks(t *testing.T) {
	var big strings.Builder
	big.WriteString("id,sponsor_id,name,joined,type,terminated\n")
	for i := range 300 {
		sp, name, typ, term := "", fmt.Sprintf("Name %d", i), "", ""
		if i > 0 {
			sp = fmt.Sprintf("M%d", (i-1)/3)
		}
		if i%11 == 0 {
			name = fmt.Sprintf("\"Last, First\n%d\"", i)
		}
		if i%5 == 0 {
			typ = "customer"
		}
		if i%7 == 0 {
			term = "2026-02-01"
		}
		joined := "2026-01-01"
		if i%13 == 12 {
			joined = ""
		}
		fmt.Fprintf(&big, "M%d,%s,%s,%s,%s,%s\n", i, sp, name, joined, typ, term)
	}
	tests := []struct{ name, in, want string }{
		{"300 members", big.String(), ""},
		{"a duplicate in a later block", big.String() + "M7,M1,,2026-01-01,,\n", `m.csv:330:1: column "id": duplicate id "M7": it is already used on line 10`},
		{"a duplicate before a bad date", big.String() + "M7,M1,,2026-01-01,,\nX,M1,,2026-13-01,,\n", `m.csv:330:1: column "id": duplicate id "M7": it is already used on line 10`},
		{"a bad date before a duplicate", big.String() + "X,M1,,2026-13-01,,\nM7,M1,,2026-01-01,,\n", `m.csv:330:7: column "joined": "2026-13-01" is not a date`},
		{"a duplicate on the row of a bad date", big.String() + "M7,M1,,2026-13-01,,\n", `m.csv:330:1: column "id": duplicate id "M7"`},
		{"a ragged row", big.String() + "X,M1\n", "m.csv:330: row has 2 fields but the header has 6"},
		{"an unknown sponsor", big.String() + "X,Q,,,,\n", `m.csv:330:3: column "sponsor_id": unknown sponsor "Q"`},
		{"two unknown sponsors, one on each core", strings.Replace(big.String(), "\nM10,M3,", "\nM10,Q1,", 1) + "X,Q2,,,,\n", `m.csv:13:5: column "sponsor_id": unknown sponsor "Q1"`},
		{"a bad type", big.String() + "X,M1,,,boss,\n", `m.csv:330:8: column "type": "boss" is not a member type`},
	}
	for _, tt := range tests {
		d0, err0 := readMembers(strings.NewReader(tt.in), "m.csv", 0)
		if tt.want == "" && err0 != nil || tt.want != "" && (err0 == nil || !strings.HasPrefix(err0.Error(), tt.want)) {
			t.Fatalf("%s: error %v, want %q", tt.name, err0, tt.want)
		}
		for _, size := range []int{1, 16, 100, 1 << 20} {
			d, err := readMembers(strings.NewReader(tt.in), "m.csv", size)
			if fmt.Sprint(err) != fmt.Sprint(err0) {
				t.Errorf("%s, blocks of %d: error %v, row by row %v", tt.name, size, err, err0)
			}
			if err == nil && membersDetail(d) != membersDetail(d0) {
				t.Errorf("%s, blocks of %d: members differ:\n%s\nrow by row\n%s", tt.name, size, membersDetail(d), membersDetail(d0))
			}
		}
		if err0 == nil {
			o := d0.Org
			if o.Len() != 300 || o.ID(299) != "M299" || o.ID(o.Sponsor(299)) != "M99" || !o.Customer(295) || o.Customer(296) ||
				o.Terminated(294) == NoDate || o.Name(11) != "Last, First\n11" || o.FirstUnjoined() != 16 {
				t.Errorf("%s: the members read wrong:\n%s", tt.name, membersDetail(d0))
			}
		}
	}
}
