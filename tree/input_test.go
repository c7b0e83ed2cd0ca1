package tree

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/compplan/compplan/tree/dec"
)

// withEnds rewrites a file written with \n line ends to the given ones.
func withEnds(s, end string) string { return strings.ReplaceAll(s, "\n", end) }

var lineEndStyles = []struct{ name, end string }{{"LF", "\n"}, {"CRLF", "\r\n"}, {"CR", "\r"}}

// TestLineEnds reads every kind of CSV file with LF, CRLF and lone CR
// ("CSV (Macintosh)") line ends: the same rows, the same line numbers.
func TestLineEnds(t *testing.T) {
	members := "id,sponsor_id,name\nA,,Ann\n\nB,A,\"two\nlines\"\nC,B,Cy\n"
	sales := "member_id,amount,order_id\nA,5,O1\n\nB,7.25,\"O\n2\"\nC,1,O3\n"
	adjust := "member_id,amount,reason\nA,-2,\"a\nb\"\nC,3,x\n"
	carry := "id,left,right\nA,1,2\n\nB,\"3\",4\n"
	for _, le := range lineEndStyles {
		t.Run(le.name, func(t *testing.T) {
			d, err := ReadMembers(strings.NewReader(withEnds(members, le.end)), "m.csv")
			if err != nil {
				t.Fatal(err)
			}
			if got := describe(d.Org); got != "A B<A C<B" {
				t.Fatalf("tree %q", got)
			}
			if got := d.Org.Name(d.Org.Lookup("B")); got != "two\nlines" && got != "two"+le.end+"lines" {
				t.Errorf("name %q", got)
			}
			for _, size := range []int{1, 5, 1 << 20} {
				d2 := mustMembers(t, "id\nA\nB\nC\n")
				if err := d2.readSales(strings.NewReader(withEnds(sales, le.end)), "s.csv", size); err != nil {
					t.Fatal(err)
				}
				if got := salesOf(d2); got != "A:5 B:7.25 C:1" {
					t.Fatalf("block size %d: sales %q", size, got)
				}
			}
			if err := d.ReadAdjustments(strings.NewReader(withEnds(adjust, le.end)), "a.csv"); err != nil {
				t.Fatal(err)
			}
			if len(d.Adjustments) != 2 || d.Adjustments[0].Amount != dec.FromInt(-2) || d.Adjustments[1].Line != 4 {
				t.Errorf("adjustments %+v", d.Adjustments)
			}
			if err := d.ReadCarry(strings.NewReader(withEnds(carry, le.end)), "c.csv"); err != nil {
				t.Fatal(err)
			}
			if b := d.Org.Lookup("B"); d.CarryIn[0][b] != dec.FromInt(3) || d.CarryIn[1][b] != dec.FromInt(4) {
				t.Errorf("carry of B: %s %s", d.CarryIn[0][b], d.CarryIn[1][b])
			}

			// Errors name the same line whatever the line ends.
			for _, tt := range []struct{ file, in, want string }{
				{"m.csv", members + "D,Z,x\n", `m.csv:7:3: column "sponsor_id": unknown sponsor "Z"`},
				{"s.csv", sales + "Q,1,x\n", `s.csv:7:1: column "member_id": sale for unknown member "Q"`},
				{"a.csv", adjust + "A,x,y\n", `a.csv:5:3: column "amount": "x" is not an amount`},
				{"c.csv", carry + "\nC,1,-1\n", `c.csv:6:5: column "right": "-1" is negative`},
			} {
				in := strings.NewReader(withEnds(tt.in, le.end))
				var err error
				switch tt.file {
				case "m.csv":
					_, err = ReadMembers(in, tt.file)
				case "s.csv":
					for _, size := range []int{3, 1 << 20} {
						d2 := mustMembers(t, "id\nA\nB\nC\n")
						if err = d2.readSales(strings.NewReader(withEnds(tt.in, le.end)), tt.file, size); err == nil || !strings.Contains(err.Error(), tt.want) {
							t.Errorf("block size %d: error %v, want %s", size, err, tt.want)
						}
					}
				case "a.csv":
					err = mustMembers(t, "id\nA\nB\nC\n").ReadAdjustments(in, tt.file)
				case "c.csv":
					err = mustMembers(t, "id\nA\nB\nC\n").ReadCarry(in, tt.file)
				}
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("error %v, want %s", err, tt.want)
				}
			}
		})
	}
}

// TestLineEndsAtBufferEdges feeds a CR file one byte at a time and in odd
// chunks, so a CR falls at the end of a read, before its LF or not.
func TestLineEndsAtBufferEdges(t *testing.T) {
	for _, in := range []string{"id,sponsor_id\rA,\rB,A\r", "id,sponsor_id\r\nA,\r\nB,A\r\n", "id,sponsor_id\r\rA,\r\n\rB,A", "id,sponsor_id\nA,\r\nB,A\r"} {
		for _, chunk := range []int{1, 2, 3, 7} {
			d, err := ReadMembers(&chunked{s: in, n: chunk}, "m.csv")
			if err != nil {
				t.Fatalf("%q in chunks of %d: %v", in, chunk, err)
			}
			if got := describe(d.Org); got != "A B<A" {
				t.Errorf("%q in chunks of %d: %q", in, chunk, got)
			}
		}
	}
}

// chunked reads s n bytes at a time.
type chunked struct {
	s string
	n int
}

func (c *chunked) Read(p []byte) (int, error) {
	if len(c.s) == 0 {
		return 0, io.EOF
	}
	k := copy(p[:min(len(p), c.n)], c.s)
	c.s = c.s[k:]
	return k, nil
}

// endless is an input that never ends: the header, then b forever. It
// counts what was read.
type endless struct {
	head string
	b    byte
	read int
}

func (e *endless) Read(p []byte) (int, error) {
	n := copy(p, e.head)
	e.head = e.head[n:]
	for i := n; i < len(p); i++ {
		p[i] = e.b
	}
	e.read += len(p)
	if e.read > 64<<20 {
		return 0, errors.New("read 64 MiB of a record: the bound does not hold")
	}
	return len(p), nil
}

// TestRecordBound: every reader stops at MaxRecordBytes in one record, with
// an InputError naming the file and the record's line, and says a quote is
// left open only when one is.
func TestRecordBound(t *testing.T) {
	readers := map[string]func(r io.Reader) error{
		"members": func(r io.Reader) error { _, err := ReadMembers(r, "f.csv"); return err },
		"sales":   func(r io.Reader) error { return mustMembers(t, "id\nA\n").ReadSales(r, "f.csv") },
		"adjust":  func(r io.Reader) error { return mustMembers(t, "id\nA\n").ReadAdjustments(r, "f.csv") },
		"carry":   func(r io.Reader) error { return mustMembers(t, "id\nA\n").ReadCarry(r, "f.csv") },
	}
	headers := map[string]string{"members": "id,name\nP,p\nQ,q\n\n", "sales": "member_id,amount\nA,1\nA,2\n\n",
		"adjust": "member_id,amount\nA,1\nA,2\n\n", "carry": "id,left,right\nA,1,2\n\n"}
	for name, read := range readers {
		for _, tt := range []struct {
			what, head string
			b          byte
			quote      bool
		}{
			{"open quote", "A,\"", 'x', true},
			{"zeros without a line end", "A,", '0', false},
			{"a closed quote, then more", "A,\"1\",", '0', false},
			{"line breaks inside an open quote", "A,\"", '\n', true},
		} {
			t.Run(name+"/"+tt.what, func(t *testing.T) {
				in := &endless{head: headers[name] + tt.head, b: tt.b}
				err := read(in)
				var e *InputError
				if !errors.As(err, &e) || e.File != "f.csv" {
					t.Fatalf("error %v (%T), want an InputError for f.csv", err, err)
				}
				line := strings.Count(headers[name]+tt.head, "\n") + 1
				if e.Line != line || !strings.Contains(e.Msg, "longer than 1 MiB") {
					t.Errorf("error %q, want line %d and the bound", err, line)
				}
				if got := strings.Contains(e.Msg, "quote left open"); got != tt.quote {
					t.Errorf("error %q: mentions an open quote %v, want %v", err, got, tt.quote)
				}
				if in.read > 8<<20 {
					t.Errorf("read %d bytes before stopping", in.read)
				}
			})
		}
	}
	// A whole record just over the bound, at the end of the file, is refused
	// too; one at the bound is read.
	for _, n := range []int{MaxRecordBytes, MaxRecordBytes + 1} {
		var head, rec strings.Builder
		head.WriteString("id")
		rec.WriteString("X")
		for k := 0; rec.Len() < n; k++ {
			f := min(60000, n-rec.Len()-1)
			fmt.Fprintf(&head, ",c%d", k)
			rec.WriteString("," + strings.Repeat("y", f))
		}
		if rec.Len() != n {
			t.Fatalf("test record is %d bytes, want %d", rec.Len(), n)
		}
		_, err := ReadMembers(strings.NewReader(head.String()+"\n"+rec.String()), "f.csv")
		if n == MaxRecordBytes && err != nil {
			t.Errorf("a record of MaxRecordBytes: %v", err)
		}
		if n > MaxRecordBytes && (err == nil || !strings.Contains(err.Error(), "f.csv:2: a record longer than 1 MiB")) {
			t.Errorf("a record of MaxRecordBytes+1 at the end: %v", err)
		}
	}
}

// TestLineEndsReader checks the CR translation with reads of every size.
func TestLineEndsReader(t *testing.T) {
	for in, want := range map[string]string{
		"":                   "",
		"\r":                 "\n",
		"a\rb":               "a\nb",
		"a\r\nb\r\r\n\r":     "a\r\nb\n\r\n\n",
		"\r\r\r":             "\n\n\n",
		"x\"q\rq\"\r\n":      "x\"q\nq\"\r\n",
		"\n\r\n\r\n\r\r\r\n": "\n\r\n\r\n\n\n\r\n",
	} {
		if err := iotest.TestReader(&lineEnds{r: strings.NewReader(in)}, []byte(want)); err != nil {
			t.Errorf("%q: %v", in, err)
		}
		for _, n := range []int{1, 2, 3} {
			got, err := io.ReadAll(iotest.OneByteReader(&lineEnds{r: &chunked{s: in, n: n}}))
			if err != nil || string(got) != want {
				t.Errorf("%q in chunks of %d, read a byte at a time: %q, %v; want %q", in, n, got, err, want)
			}
		}
	}
}

// TestSaleTypeCase: sale types are matched without regard to case: RETURN
// is a return (0 or less, with an order_id), and every type is kept in
// lower case, so a plan's names match whatever the case in the file.
func TestSaleTypeCase(t *testing.T) {
	for _, tt := range []struct{ sales, want string }{
		{"member_id,amount,type,order_id\nA,10,order,O1\nA,5,RETURN,O1\n", `s.csv:3:3: column "amount": "5" is positive in a return`},
		{"member_id,amount,type,order_id\nA,-5,Return,\n", `s.csv:2:13: column "order_id": a return needs the order_id`},
		{"member_id,amount,volume,type,order_id\nA,-5,3,rEtUrN,O1\n", `s.csv:2:6: column "volume": "3" is positive in a return`},
		{"member_id,amount,type,order_id\nA,5,\u00a0Return\u00a0,O1\n", `s.csv:2:3: column "amount": "5" is positive in a return`},
	} {
		err := mustMembers(t, "id\nA\n").ReadSales(strings.NewReader(tt.sales), "s.csv")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want %s", tt.sales, err, tt.want)
		}
	}
	d := mustMembers(t, "id\nA\n")
	if err := d.ReadSales(strings.NewReader("member_id,amount,type,order_id\nA,10,ORDER,O1\nA,-4,Return,O1\nA,3,AutoShip,O2\nA,1,,O3\nA,2,autoship,O4\n"), "s.csv"); err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, c := range d.Sales.Chunks {
		for k := range c.Member {
			types = append(types, c.TypeOf(k))
		}
	}
	if got := strings.Join(types, " "); got != "order return autoship  autoship" {
		t.Errorf("types %q", got)
	}
	if d.Sales.Amount != dec.FromInt(12) {
		t.Errorf("amount %s, want 12 (10 - 4 + 3 + 1 + 2)", d.Sales.Amount)
	}
}

// TestQVDefaultsToVolume: without a qv column a sale's QV is its volume
// (the volume column, else the amount), not its cv.
func TestQVDefaultsToVolume(t *testing.T) {
	for _, tt := range []struct{ sales, pv, cv string }{
		// A: volume 80, cv 30; B: amount 50, cv 20; C: amount 40, cv empty.
		{"member_id,amount,volume,cv\nA,100,80,30\nB,50,,20\nC,40,,\n", "A:80 B:50 C:40", "A:30 B:20 C:40"},
		{"member_id,amount,cv\nA,100,30\nB,50,\n", "A:100 B:50 C:0", "A:30 B:50"},
		// With a qv column, qv wins and empty qv is the volume.
		{"member_id,amount,volume,qv,cv\nA,100,80,70,30\nB,50,,,20\n", "A:70 B:50 C:0", "A:30 B:20"},
		{"member_id,amount,volume\nA,100,80\n", "A:80 B:0 C:0", "A:80"},
	} {
		d := mustMembers(t, "id,sponsor_id\nA,\nB,A\nC,A\n")
		if err := d.ReadSales(strings.NewReader(tt.sales), "s.csv"); err != nil {
			t.Fatal(err)
		}
		pv, err := PersonalVolume(d.Org, &d.Sales)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, id := range []string{"A", "B", "C"} {
			got = append(got, id+":"+pv[d.Org.Lookup(id)].String())
		}
		if g := strings.Join(got, " "); g != tt.pv {
			t.Errorf("%q: PV %s, want %s", tt.sales, g, tt.pv)
		}
		if g := salesOf(d); g != tt.cv {
			t.Errorf("%q: CV %s, want %s", tt.sales, g, tt.cv)
		}
	}
}

// TestHostileInput: inputs a hostile or careless user writes, each
// refused with a message that says what is wrong, or read right.
func TestHostileInput(t *testing.T) {
	for _, tt := range []struct{ name, members, sales, want string }{
		// A column name ending in a no-break space (Excel, web copies) was not
		// the qv column and was silently ignored: PV came from the volume.
		{"no-break space in a column name", "id\nA\n", "member_id,amount,qv\u00a0\nA,5,9\n", "pv A:9"},
		{"no-break space makes a duplicate", "id\nA\n", "member_id,amount,\u00a0AMOUNT\nA,5,9\n", `s.csv:1:18: column "\u00a0AMOUNT" appears twice (first at field 2)`},
		// Semicolon- or tab-separated files (a European Excel's "CSV").
		{"semicolons", "id\nA\n", "member_id;amount\nA;5\n", `s.csv:1: missing required column "member_id" (a sales file needs member_id and amount); the header is one column "member_id;amount": save the file with commas between the columns, not semicolons`},
		{"tabs", "id\tsponsor_id\nA\t\n", "", `members.csv:1: missing required column "id" (the header must name the columns: id, sponsor_id, name, joined); the header is one column "id\tsponsor_id": save the file with commas between the columns, not tabs`},
		// Control characters in an id: a NUL (a UTF-16 or binary file), a
		// line break inside quotes (a cell with Alt+Enter).
		{"NUL in an id", "id,sponsor_id\nA,\n\"B\x00\",A\n", "", `members.csv:3:1: column "id": id "B\x00" holds a control character (byte 0x00): an id is one line of printable text`},
		{"line break in an id", "id,sponsor_id\n\"A\nB\",\n", "", `members.csv:2:1: column "id": id "A\nB" holds a control character (byte 0x0a)`},
		{"member type in capitals", "id,sponsor_id,type\nA,,Distributor\nK,A,CUSTOMER\n", "member_id,amount\nK,5\n", "customer K"},
		{"only a BOM", "\xEF\xBB\xBF", "", "members.csv: the file is empty"},
		{"UTF-16", "\xFF\xFEi\x00d\x00\n", "", "members.csv:1:1: field is not valid UTF-8: save the file as UTF-8"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d, err := ReadMembers(strings.NewReader(tt.members), "members.csv")
			if err == nil && tt.sales != "" {
				err = d.ReadSales(strings.NewReader(tt.sales), "sales.csv")
				if err != nil {
					err = fmt.Errorf("%s", strings.Replace(err.Error(), "sales.csv", "s.csv", 1))
				}
			}
			got := ""
			switch {
			case err != nil:
				got = err.Error()
			case strings.HasPrefix(tt.want, "pv "):
				pv, _ := PersonalVolume(d.Org, &d.Sales)
				got = "pv A:" + pv[d.Org.Lookup("A")].String()
			case strings.HasPrefix(tt.want, "customer "):
				k := d.Org.Lookup("K")
				got = fmt.Sprintf("customer K %v, A %v", d.Org.Customer(k), d.Org.Customer(d.Org.Lookup("A")))
				if got != "customer K true, A false" {
					t.Errorf("%s", got)
				}
				return
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestManyEmptyLines: empty lines do not count toward a record's bound
// and keep the line numbers right.
func TestManyEmptyLines(t *testing.T) {
	blank := strings.Repeat("\n", 3<<20)
	_, err := ReadMembers(strings.NewReader("id\n"+blank+"A\nA\n"), "m.csv")
	if want := fmt.Sprintf(`m.csv:%d:1: column "id": duplicate id "A": it is already used on line %d`, 3<<20+3, 3<<20+2); err == nil || err.Error() != want {
		t.Errorf("members: %v, want %s", err, want)
	}
	d := mustMembers(t, "id\nA\n")
	err = d.ReadSales(strings.NewReader("member_id,amount\n"+blank+"A,1\r\r\nB,1\n"), "s.csv")
	if want := fmt.Sprintf(`s.csv:%d:1: column "member_id": sale for unknown member "B"`, 3<<20+4); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("sales: %v, want %s", err, want)
	}
}
