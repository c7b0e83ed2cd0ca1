package tree

import (
	"fmt"
	"strings"
	"testing"
)

// salesOf renders every sale in order as "id:volume".
func salesOf(d *Data) string {
	var b strings.Builder
	for _, c := range d.Sales.Chunks {
		for k, m := range c.Member {
			fmt.Fprintf(&b, "%s:%s ", d.Org.ID(m), c.VolumeOf(k))
		}
	}
	return strings.TrimSpace(b.String())
}

// TestReadSalesBlocks reads the same file with tiny blocks, so records,
// quoted fields with line breaks and errors fall across block boundaries,
// and checks the result and the reported line do not change. The sales
// come out in buckets of members (here one member each), file order within
// a member.
func TestReadSalesBlocks(t *testing.T) {
	var in strings.Builder
	want := map[string]*strings.Builder{"A": {}, "B": {}, "C": {}}
	in.WriteString("member_id,amount,note\n")
	for i := 0; i < 200; i++ {
		id := []string{"A", "B", "C"}[i%3]
		note := "plain"
		if i%7 == 0 {
			note = "\"multi\nline, \"\"quoted\"\"\""
		}
		fmt.Fprintf(&in, "%s,%d.%02d,%s\n", id, i, i%100, note)
		fmt.Fprintf(want[id], "%s:%s ", id, strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%d.%02d", i, i%100), "0"), "."))
	}
	for _, size := range []int{1, 7, 64, 100, 1 << 20} {
		d := mustMembers(t, "id\nA\nB\nC\n")
		if err := d.readSales(strings.NewReader(in.String()), "s.csv", size); err != nil {
			t.Fatalf("block size %d: %v", size, err)
		}
		if got, want := salesOf(d), strings.TrimSpace(want["A"].String()+want["B"].String()+want["C"].String()); got != want {
			t.Fatalf("block size %d: sales differ:\n%s\nwant\n%s", size, got, want)
		}
	}
	// An error far into the file is reported at its true line, and the
	// earliest of two errors wins whatever the block size.
	bad := in.String() + "A,1\nZ,5\n" + strings.Repeat("B,1,x\n", 50) + "Q,1,x\n"
	for _, size := range []int{1, 64, 1 << 20} {
		d := mustMembers(t, "id\nA\nB\nC\n")
		err := d.readSales(strings.NewReader(bad), "s.csv", size)
		// 1 header + 200 records of which 29 span two lines = line 231.
		if err == nil || !strings.Contains(err.Error(), "s.csv:231: row has 2 fields but the header has 3") {
			t.Errorf("block size %d: error = %v", size, err)
		}
	}
}

func TestRecordCut(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want int
	}{
		{"a,b\nc,d\ne", 8},
		{"a,b", -1},
		{"a,\"x\ny\"\nb", 8},
		{"a,\"x\ny", -1}, // the only line break is inside an open quote
		{"\"q\n\"\"\n\",1\n", 10},
	} {
		if got := recordCut([]byte(tt.in)); got != tt.want {
			t.Errorf("recordCut(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

// TestSalesFirstErrorInBatches: ids are resolved a batch of rows at a
// time, yet the error reported is the first in the file, wherever the
// rows fall around a batch's edges.
func TestSalesFirstErrorInBatches(t *testing.T) {
	for _, tc := range []struct{ rows, want string }{
		{"Z,5,x\nA,1\n", "unknown member \"Z\""},
		{"A,1\nZ,5,x\n", "row has 2 fields but the header has 3"},
		{"A,zz,x\nZ,1,x\n", "amount"},
		{"Z,zz,x\n", "unknown member \"Z\""},
		{",1,x\nA,1\n", "empty member_id"},
		{"B,1,x\n" + strings.Repeat("A,1,x\n", 70) + "Q,1\n", "unknown member \"B\""},
	} {
		for _, before := range []int{0, 5, 62, 63, 64, 65, 127, 130} {
			in := "member_id,amount,note\n" + strings.Repeat("A,1,x\n", before) + tc.rows
			d := mustMembers(t, "id\nA\n")
			for _, size := range []int{16, 1 << 20} {
				err := d.readSales(strings.NewReader(in), "s.csv", size)
				at := fmt.Sprintf("s.csv:%d:", before+2)
				if err == nil || !strings.Contains(err.Error(), at) || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("%d good rows, then %q, blocks of %d: error %v, want %s … %s", before, tc.rows, size, err, at, tc.want)
				}
			}
		}
	}
}

// TestQuotedFieldsInBatches: quoted fields are unescaped into the reader's
// scratch, which every record reuses; a batch keeps each record's own.
func TestQuotedFieldsInBatches(t *testing.T) {
	var in strings.Builder
	want := map[string]*strings.Builder{"A\"x": {}, "B": {}}
	in.WriteString("member_id,amount\n")
	for i := range 300 {
		id, field := "B", "B"
		if i%3 != 0 {
			id, field = "A\"x", `"A""x"`
		}
		amount := fmt.Sprintf("%d", i)
		if i%2 == 0 {
			amount = `"` + amount + `"`
		}
		fmt.Fprintf(&in, "%s,%s\n", field, amount)
		fmt.Fprintf(want[id], "%s:%d ", id, i)
	}
	d := mustMembers(t, "id\n\"A\"\"x\"\nB\n")
	if err := d.readSales(strings.NewReader(in.String()), "s.csv", 1<<20); err != nil {
		t.Fatal(err)
	}
	if got, want := salesOf(d), strings.TrimSpace(want["A\"x"].String()+want["B"].String()); got != want {
		t.Fatalf("sales differ:\n%s\nwant\n%s", got, want)
	}
}

// salesDetail renders every sale in order with its volume, qv, day, type
// and order id, then the file's totals and the lines of its first undated
// and order-less sales.
func salesDetail(d *Data) string {
	var b strings.Builder
	for _, c := range d.Sales.Chunks {
		for k, m := range c.Member {
			fmt.Fprintf(&b, "%s:%s/%s@%d:%s:%s ", d.Org.ID(m), c.VolumeOf(k), c.QVOf(k), c.DateOf(k), c.TypeOf(k), c.OrderID(k))
		}
	}
	fmt.Fprintf(&b, "| amount %s volume %s undated %d no order %d", d.Sales.Amount, d.Sales.TotalVolume, d.Sales.FirstUndated, d.Sales.FirstNoOrder)
	return b.String()
}

// TestPlainRecords reads files of records without quotes, which are split
// at their commas in one pass (fillPlain), and checks each gives what the
// general reader gives — the sales, or the error word for word — at
// several block sizes, and what the file says.
func TestPlainRecords(t *testing.T) {
	long := strings.Repeat("x", MaxFieldBytes+1)
	tests := []struct{ name, in, want string }{
		{"LF", "member_id,amount,volume,date,type,order_id\nA,1.50,1,2026-01-02,,O1\nB,2,,2026-01-03,order,O2\n",
			"A:1/1@20455::O1 B:2/2@20456:order:O2 | amount 3.5 volume 3 undated 0 no order 0"},
		{"CRLF, spaces, an empty last field", "member_id,amount,volume,date,type,order_id\r\n A , 1.50 ,\t1\t,2026-01-02,,O1\r\nB,2,,2026-01-03,order,\r\n",
			"A:1/1@20455::O1 B:2/2@20456:order: | amount 3.5 volume 3 undated 0 no order 3"},
		{"empty lines, no line end at the end", "member_id,amount\n\nA,1\n\r\n\nB,2", "A:1/1@-2147483648:: B:2/2@-2147483648:: | amount 3 volume 3 undated 3 no order 3"},
		{"a ragged row", "member_id,amount\nA,1\nB,2,3\nA,4\n", "s.csv:3: row has 3 fields but the header has 2: quote fields that contain commas"},
		{"too few fields", "member_id,amount\nA,1\n\nB\n", "s.csv:4: row has 1 fields but the header has 2: quote fields that contain commas"},
		{"a field too long", "member_id,amount,note\nA,1,x\nB,2," + long + "\n", fmt.Sprintf("s.csv:3:5: field is longer than %d bytes", MaxFieldBytes)},
		{"a bad amount after plain rows", "member_id,amount,note\nA,1,y\nB,x,y\n", `s.csv:3:3: column "amount": "x" is not a number`},
		{"not UTF-8", "member_id,amount,note\nA,1,\xff\n", "s.csv:2:5: field is not valid UTF-8: save the file as UTF-8"},
		{"a quote in a later block", "member_id,amount,note\nA,1,x\nB,2,\"y, z\"\nC,3,w\n", "A:1/1@-2147483648:: B:2/2@-2147483648:: C:3/3@-2147483648:: | amount 6 volume 6 undated 2 no order 2"},
	}
	for _, tt := range tests {
		for _, size := range []int{1, 16, 1 << 20} {
			var got [2]string
			for i, plain := range []bool{true, false} {
				d := mustMembers(t, "id\nA\nB\nC\n")
				d.KeepOrderIDs = true
				if err := d.readSalesPlain(strings.NewReader(tt.in), "s.csv", size, plain); err != nil {
					got[i] = err.Error()
				} else {
					got[i] = salesDetail(d)
				}
			}
			if got[0] != got[1] {
				t.Errorf("%s, blocks of %d: plain records read\n%s\nthe general way\n%s", tt.name, size, got[0], got[1])
			}
			if !strings.HasPrefix(got[0], tt.want) {
				t.Errorf("%s, blocks of %d:\n got %s\nwant %s", tt.name, size, got[0], tt.want)
			}
		}
	}
}
