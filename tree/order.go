package tree

import (
	"math"
	"slices"

	"github.com/compplan/compplan/tree/dec"
)

// Sales are kept in buckets of members: once a block of a file is parsed,
// its sales are cut into sortBuckets ranges of member numbers, and the
// file's sales are held bucket by bucket (in file order within a bucket).
// Every later pass over the sales then works on one range of members at a
// time, whose per-member data stays in the processor's caches, so its
// speed does not depend on how the file was laid out (a shop's export in
// date order has every member interleaved). No result depends on the order
// of the sales (the ledger and every list of sales use a canonical order),
// so this changes no output. It costs one copy of each block, and no
// second copy of the sales.

// sortBuckets is the number of member ranges the sales are cut into.
const sortBuckets = 64

// buckets returns how many buckets n members take.
func buckets(n int) int { return max(min(sortBuckets, n), 1) }

// bucketer maps member numbers to buckets with a multiply and a shift (a
// division per sale cost more than the rest of the cut).
type bucketer struct {
	b     int
	scale uint64 // (b << 32) / n
}

func newBucketer(n int) bucketer {
	b := buckets(n)
	if n == 0 {
		return bucketer{b: b}
	}
	return bucketer{b: b, scale: (uint64(b) << 32) / uint64(n)}
}

// of returns the bucket of member m (below b).
func (x bucketer) of(m int32) int { return int(uint64(m) * x.scale >> 32) }

// BucketSpan is the most member numbers one bucket of n members holds: a
// pass over the sales that keeps something per seller needs room for that
// many sellers at a time.
func BucketSpan(n int) int {
	x := newBucketer(n)
	if x.scale == 0 {
		return n + 1
	}
	return int((1<<32)/x.scale) + 2
}

// cutByBucket cuts chunks (one block's sales: one chunk) into the
// buckets of n members: out[k] holds bucket k's sales in their order, as
// views into one copy of the block. ok is false when the block is not one
// chunk.
func cutByBucket(chunks []SaleChunk, n int, scratch *[]int32) (out []SaleChunk, ok bool) {
	if len(chunks) != 1 {
		return nil, false
	}
	c := &chunks[0]
	x := newBucketer(n)
	b := x.b
	start := make([]int32, b+1)
	for _, m := range c.Member {
		start[x.of(m)+1]++
	}
	for k := range b {
		start[k+1] += start[k]
	}
	// Row k goes to dst[k]: each column is then read in order and
	// written into b runs.
	at := slices.Clone(start[:b])
	dst := reuse(scratch, len(c.Member), len(c.Member))
	*scratch = dst
	for k, m := range c.Member {
		i := x.of(m)
		dst[k] = at[i]
		at[i]++
	}
	all := c.scatter(dst)
	out = make([]SaleChunk, b)
	for k := range b {
		out[k] = all.view(int(start[k]), int(start[k+1]))
	}
	return out, true
}

// inBuckets returns parts' sales (one part per block, each cut by
// cutByBucket) bucket by bucket, each bucket's in file order.
func inBuckets(parts []Sales, n int) []SaleChunk {
	var out []SaleChunk
	for k := range buckets(n) {
		for i := range parts {
			if c := parts[i].Chunks[k]; len(c.Member) > 0 {
				out = append(out, c)
			}
		}
	}
	return out
}

// view returns rows lo to hi-1 of c, sharing its arrays; appending to a
// view starts a new chunk.
func (c *SaleChunk) view(lo, hi int) SaleChunk {
	v := SaleChunk{Member: c.Member[lo:hi:hi], typeNames: c.typeNames}
	if c.vol32 != nil {
		v.vol32 = c.vol32[lo:hi:hi]
	} else {
		v.Volume = c.Volume[lo:hi:hi]
	}
	if c.Date != nil {
		v.Date = c.Date[lo:hi:hi]
	}
	if c.days != nil {
		v.days, v.dayBase = c.days[lo:hi:hi], c.dayBase
	}
	if c.QV != nil {
		v.QV = c.QV[lo:hi:hi]
	}
	if c.Type != nil {
		v.Type = c.Type[lo:hi:hi]
	}
	if c.orders.off != nil {
		v.orders = strtab{data: c.orders.data[:len(c.orders.data):len(c.orders.data)], off: c.orders.off[lo : hi+1 : hi+1]}
	}
	for k, l := range c.returnAt {
		if int(k) >= lo && int(k) < hi {
			if v.returnAt == nil {
				v.returnAt, v.file = map[int32]int32{}, c.file
			}
			v.returnAt[k-int32(lo)] = l
		}
	}
	return v
}

// scatter returns c's rows with row k at dst[k] (dst a permutation), with
// every column c has.
func (c *SaleChunk) scatter(dst []int32) SaleChunk {
	n := len(c.Member)
	out := SaleChunk{Member: make([]int32, n), file: c.file}
	for k, m := range c.Member {
		out.Member[dst[k]] = m
	}
	if v := c.Volumes(); fitInt32(v) {
		out.vol32 = make([]int32, n)
		for k, x := range v {
			out.vol32[dst[k]] = int32(x)
		}
	} else {
		out.Volume = make([]dec.D, n)
		for k, x := range v {
			out.Volume[dst[k]] = x
		}
	}
	if c.Dated() {
		out.scatterDates(c, dst)
	}
	if c.QV != nil {
		out.QV = make([]dec.D, n)
		for k, v := range c.QV {
			out.QV[dst[k]] = v
		}
	}
	if c.Type != nil {
		out.Type, out.typeNames = make([]uint8, n), slices.Clone(c.typeNames)
		for k, t := range c.Type {
			out.Type[dst[k]] = t
		}
	}
	if c.orders.off != nil {
		off := make([]uint32, n+1)
		for k := range n {
			off[dst[k]+1] = c.orders.off[k+1] - c.orders.off[k]
		}
		for i := range n {
			off[i+1] += off[i]
		}
		data := make([]byte, off[n])
		for k := range n {
			copy(data[off[dst[k]]:], c.orders.get(int32(k)))
		}
		out.orders = strtab{data: data, off: off}
	}
	for k, l := range c.returnAt {
		if out.returnAt == nil {
			out.returnAt = map[int32]int32{}
		}
		out.returnAt[dst[k]] = l
	}
	return out
}

// fitInt32 reports whether every value of v fits in an int32.
func fitInt32(v []dec.D) bool {
	for _, x := range v {
		if x != dec.D(int32(x)) {
			return false
		}
	}
	return true
}

// scatterDates sets out's dates to those of c's rows, row k at dst[k]: in
// two bytes a sale from the first date when they span less than 179
// years, else in Date.
func (out *SaleChunk) scatterDates(c *SaleChunk, dst []int32) {
	n := len(c.Member)
	first, last := int32(math.MaxInt32), int32(math.MinInt32)
	for k := range n {
		if d := c.DateOf(k); d != NoDate {
			first, last = min(first, d), max(last, d)
		}
	}
	if first > last {
		first, last = 0, 0
	}
	if int64(last)-int64(first) >= noDay {
		out.Date = make([]int32, n)
		for k := range n {
			out.Date[dst[k]] = c.DateOf(k)
		}
		return
	}
	out.days, out.dayBase = make([]uint16, n), first
	for k := range n {
		d := uint16(noDay)
		if day := c.DateOf(k); day != NoDate {
			d = uint16(day - first)
		}
		out.days[dst[k]] = d
	}
}
