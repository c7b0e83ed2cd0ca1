package tree

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
)

var benchSalesOnce struct {
	sync.Once
	members, sales []byte
}

// benchSalesData is 10,000 members and 1,000,000 sales (member_id, amount,
// volume, order_id, date, type), about 45 MB, built once.
func benchSalesData() (members, sales []byte) {
	s := &benchSalesOnce
	s.Do(func() {
		var m strings.Builder
		m.WriteString("id,sponsor_id,joined\n")
		for i := range 10_000 {
			sp := ""
			if i > 0 {
				sp = fmt.Sprintf("M%05d", (i-1)/3)
			}
			fmt.Fprintf(&m, "M%05d,%s,2020-01-01\n", i, sp)
		}
		var b bytes.Buffer
		b.WriteString("member_id,amount,volume,order_id,date,type\n")
		for i := range 1_000_000 {
			fmt.Fprintf(&b, "M%05d,%d.%02d,%d,O%07d,2026-%02d-%02d,order\n", (i*7919)%10_000, i%500, i%100, i%300, i, 1+i%12, 1+i%28)
		}
		s.members, s.sales = []byte(m.String()), b.Bytes()
	})
	return s.members, s.sales
}

// BenchmarkReadSales reads 1,000,000 sales rows from memory.
func BenchmarkReadSales(b *testing.B) {
	members, sales := benchSalesData()
	b.SetBytes(int64(len(sales)))
	for b.Loop() {
		b.StopTimer()
		d, err := ReadMembers(bytes.NewReader(members), "m.csv")
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := d.ReadSales(bytes.NewReader(sales), "s.csv"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFillPlain splits the 1,000,000 rows of BenchmarkReadSales into
// fields, the plain way (see rowBatch.fillPlain), a batch at a time.
func BenchmarkFillPlain(b *testing.B) {
	_, sales := benchSalesData()
	data := sales[len("member_id,amount,volume,order_id,date,type\n"):]
	b.SetBytes(int64(len(data)))
	var rb rowBatch
	for b.Loop() {
		c := &csvReader{buf: data, end: len(data), eof: true, line: 2, plain: true}
		n := 0
		for {
			rb.fill(c, 6)
			n += rb.n
			if rb.n < batch {
				break
			}
		}
		if n != 1_000_000 {
			b.Fatal(n)
		}
	}
}

// BenchmarkLookupIDs looks up 1,048,576 ids of an index of 10,000,000
// members in random order, 64 at a time, as the sales of a date-ordered
// export are, each batch warmed one batch ahead as parseSales does: by
// hash, and through the dense index these ids get (see denseIDs).
func BenchmarkLookupIDs(b *testing.B) {
	const n = 10_000_000
	ids := newStrtab()
	for i := range n {
		ids.add(fmt.Appendf(nil, "M%d", 1_000_000+i))
	}
	x := newIDIndex(n * 4 / 3)
	for from := int32(0); from < n; from += batch {
		x.insertBatch(&ids, nil, from, min(from+batch, n))
	}
	b.Run("hash", func(b *testing.B) { benchLookups(b, &x, &ids, n) })
	dense := x
	if dense.useDense(&ids, nil); dense.dense == nil {
		b.Fatal("no dense index")
	}
	b.Run("dense", func(b *testing.B) { benchLookups(b, &dense, &ids, n) })
}

func benchLookups(b *testing.B, x *idIndex, ids *strtab, n int) {
	// The ids one after another, as in a block of sales.
	r := rand.New(rand.NewPCG(1, 2))
	var buf []byte
	ends := make([]int, 1<<20)
	for i := range ends {
		buf = append(buf, ids.get(int32(r.IntN(n)))...)
		ends[i] = len(buf)
	}
	keys := make([][]byte, len(ends))
	for i, e := range ends {
		start := 0
		if i > 0 {
			start = ends[i-1]
		}
		keys[i] = buf[start:e]
	}
	var hs [2][batch]uint64
	var out, aux [batch]int32
	b.ResetTimer()
	for b.Loop() {
		x.sink += x.warmBatch(keys[:batch], hs[0][:], true)
		for i := 0; i < len(keys); i += batch {
			if j := i + batch; j < len(keys) {
				x.sink += x.warmBatch(keys[j:j+batch], hs[j/batch%2][:], true)
			}
			x.findWarmed(ids, keys[i:i+batch], hs[i/batch%2][:], out[:], aux[:])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(keys)), "ns/id")
}

// BenchmarkByID orders 10,000,000 ids M1000000…M10999999 (M10000000 sorts
// before M2000000) by their bytes: through the dense index's walk, and by
// the comparison sort on both cores that other ids get.
func BenchmarkByID(b *testing.B) {
	const n = 10_000_000
	o := &Org{ids: newStrtab()}
	for i := range n {
		o.ids.add(fmt.Appendf(nil, "M%d", 1_000_000+i))
	}
	d := newDenseIDs(&o.ids, nil, true)
	if d == nil {
		b.Fatal("no dense index")
	}
	b.Run("dense", func(b *testing.B) {
		for b.Loop() {
			if got := d.byID(n); len(got) != n {
				b.Fatal(len(got))
			}
		}
	})
	b.Run("sort", func(b *testing.B) {
		idx := make([]int32, n)
		for b.Loop() {
			for i := range idx {
				idx[i] = int32(i)
			}
			o.parallelSort(idx)
		}
	})
}
