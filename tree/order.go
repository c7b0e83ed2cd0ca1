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

// rowRef names row k of chunk c of a list of chunks.
type rowRef struct{ c, k int32 }

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

// cutByBucket cuts chunks (one block's sales) into the buckets of n
// members: out[k] holds bucket k's sales in their order, as views into
// one copy of the block. ok is false when the block cannot be one chunk
// (more than 255 sale types, or order ids over 4 GiB).
func cutByBucket(chunks []SaleChunk, n int, scratch *[]rowRef) (out []SaleChunk, ok bool) {
	x := newBucketer(n)
	b := x.b
	start := make([]int32, b+1)
	for _, c := range chunks {
		for _, m := range c.Member {
			start[x.of(m)+1]++
		}
	}
	for k := range b {
		start[k+1] += start[k]
	}
	refs := reuse(scratch, int(start[b]), int(start[b]))
	*scratch = refs
	at := slices.Clone(start[:b])
	for ci, c := range chunks {
		for k, m := range c.Member {
			i := x.of(m)
			refs[at[i]] = rowRef{int32(ci), int32(k)}
			at[i]++
		}
	}
	all, ok := gather(chunks, refs)
	if !ok {
		return nil, false
	}
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
	v := SaleChunk{Member: c.Member[lo:hi:hi], Volume: c.Volume[lo:hi:hi], typeNames: c.typeNames}
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

// gather returns the rows refs of src as one chunk, in the order of refs,
// with every column any of src has. ok is false when their types number
// more than 255.
func gather(src []SaleChunk, refs []rowRef) (out SaleChunk, ok bool) {
	n := len(refs)
	var hasDate, hasQV, hasType, hasOrders bool
	var typeOf [][]uint8 // src chunk → its type index → out's
	for _, c := range src {
		hasDate = hasDate || c.Dated()
		hasQV = hasQV || c.QV != nil
		hasType = hasType || c.Type != nil
		hasOrders = hasOrders || c.orders.off != nil
		if c.returnAt != nil {
			out.file = c.file
		}
	}
	out.Member, out.Volume = make([]int32, n), make([]dec.D, n)
	if hasQV {
		out.QV = make([]dec.D, n)
	}
	if hasType {
		out.Type = make([]uint8, n)
		typeOf = make([][]uint8, len(src))
		for i := range src {
			c := &src[i]
			if c.Type == nil {
				if len(out.typeNames) == 255 && !slices.Contains(out.typeNames, "") {
					return SaleChunk{}, false
				}
				typeOf[i] = []uint8{out.emptyType()}
				continue
			}
			typeOf[i] = make([]uint8, len(c.typeNames))
			for t, name := range c.typeNames {
				x := slices.Index(out.typeNames, name)
				if x < 0 {
					if len(out.typeNames) == 255 {
						return SaleChunk{}, false
					}
					x = len(out.typeNames)
					out.typeNames = append(out.typeNames, name)
				}
				typeOf[i][t] = uint8(x)
			}
		}
	}
	if hasOrders {
		out.orders = newStrtab()
		size := 0
		for _, c := range src {
			size += len(c.orders.data)
		}
		out.orders.data = make([]byte, 0, size)
		out.orders.off = make([]uint32, 1, n+1)
	}
	// Column by column: tight loops.
	for i, r := range refs {
		c := &src[r.c]
		out.Member[i], out.Volume[i] = c.Member[r.k], c.Volume[r.k]
	}
	if hasDate {
		out.setDates(src, refs)
	}
	if hasQV {
		for i, r := range refs {
			out.QV[i] = src[r.c].QVOf(int(r.k))
		}
	}
	if hasType {
		for i, r := range refs {
			if c := &src[r.c]; c.Type != nil {
				out.Type[i] = typeOf[r.c][c.Type[r.k]]
			} else {
				out.Type[i] = typeOf[r.c][0]
			}
		}
	}
	if hasOrders {
		for _, r := range refs {
			if !out.orders.add(src[r.c].OrderIDBytes(int(r.k))) {
				return SaleChunk{}, false
			}
		}
	}
	for i, r := range refs {
		if c := &src[r.c]; c.returnAt != nil {
			if l, ok := c.returnAt[r.k]; ok {
				if out.returnAt == nil {
					out.returnAt = map[int32]int32{}
				}
				out.returnAt[int32(i)] = l
			}
		}
	}
	return out, true
}

// setDates sets out's dates to those of the rows refs of src: in two bytes
// a sale from the first date when they span less than 179 years, else in
// Date.
func (out *SaleChunk) setDates(src []SaleChunk, refs []rowRef) {
	first, last := int32(math.MaxInt32), int32(math.MinInt32)
	for _, r := range refs {
		if d := src[r.c].DateOf(int(r.k)); d != NoDate {
			first, last = min(first, d), max(last, d)
		}
	}
	if first > last { // no dates at all
		first, last = 0, 0
	}
	if int64(last)-int64(first) >= noDay {
		out.Date = make([]int32, len(refs))
		for i, r := range refs {
			out.Date[i] = src[r.c].DateOf(int(r.k))
		}
		return
	}
	out.days, out.dayBase = make([]uint16, len(refs)), first
	for i, r := range refs {
		if d := src[r.c].DateOf(int(r.k)); d != NoDate {
			out.days[i] = uint16(d - first)
		} else {
			out.days[i] = noDay
		}
	}
}
