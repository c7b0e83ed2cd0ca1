package plan

import (
	"slices"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// sellerSums adds up a component's amounts per seller, for components
// whose earners are the same for every sale of a seller (unilevel levels
// without a rate by rank, a differential and its breakaway), when no line
// is written and no payout cap scales them: each sale's amounts are
// rounded line by line and summed
// per seller, and the uplines are walked once per seller instead of once
// per sale. The totals are exactly those of posting every line (integer
// sums), and the speed no longer depends on how many sales a seller has
// or in what order they come.
//
// The sums live in a window of member numbers, paid out (pay) when a
// chunk of sales falls outside it: the sales are read into buckets of
// member numbers (see tree), so a window of a bucket's size is filled
// chunk by chunk and stays in the processor's caches.
type sellerSums struct {
	width  int     // members in the window
	levels int     // amounts per seller
	lo     int32   // the window's first member
	hi     int32   // 1 + the highest member with sums, or lo
	sums   []dec.D // (m-lo)*levels + i
	pay    func(m int32, sums []dec.D)
	// warm, when set, is given each batch of sellers flush is about to
	// pay, before it pays them: it touches what their pay will read, in
	// loads that do not wait on one another (see warmBatch).
	warm func(ms []int32) uint64
	sink uint64 // keeps the warming loads from being dropped
}

// warmBatch is how many sellers' memory is touched at once before their
// sums are added or paid: a pass over the sales in file order (a shop's
// export, every member interleaved) reads each seller's row at random,
// and loads issued together overlap their cache misses where one at a
// time they would wait in turn.
const warmBatch = 32

// newSellerSums returns sums of levels amounts per seller, paid out
// through pay, one seller at a time in member order within a window.
func newSellerSums(members, levels int, pay func(m int32, sums []dec.D)) *sellerSums {
	width := max(1<<16, tree.BucketSpan(members))
	return &sellerSums{width: width, levels: levels, sums: make([]dec.D, width*levels), pay: pay}
}

// take reports whether the sales of sellers go into the sums: always, but
// when they span more members than a window holds (then the caller posts
// them line by line). It pays out the window first when they fall outside
// it. A nil s takes nothing.
func (s *sellerSums) take(sellers []int32) bool {
	if s == nil || len(sellers) == 0 {
		return s != nil
	}
	lo, hi := slices.Min(sellers), slices.Max(sellers)
	if int(hi-lo) >= s.width {
		return false
	}
	switch {
	case s.hi == s.lo: // empty: the window starts at these sellers
		s.lo = lo
	case lo >= s.lo && int(hi-s.lo) < s.width: // within the window
	case lo < s.lo && int(max(hi+1, s.hi)-lo) <= s.width:
		// Below the window's start, but the window can hold them and
		// every seller it has: it moves down to lo. (A bucket's sales
		// come in chunks from every block of the file; in a date-ordered
		// export any chunk may hold a lower member than the first, and
		// paying the window out then paid its sellers' walks again.)
		shift, used := int(s.lo-lo)*s.levels, int(s.hi-s.lo)*s.levels
		copy(s.sums[shift:], s.sums[:used])
		clear(s.sums[:min(shift, used)])
		s.lo = lo
	default:
		s.flush()
		s.lo, s.hi = lo, lo
	}
	s.hi = max(s.hi, hi+1)
	return true
}

// addEach adds amounts(k) to sellers[k]'s sums for every k (taken by
// take), touching a batch of rows before adding to them.
func (s *sellerSums) addEach(acc *dec.Acc, sellers []int32, amounts func(k int) []dec.D) {
	sink := s.sink
	for from := 0; from < len(sellers); from += warmBatch {
		batch := sellers[from:min(from+warmBatch, len(sellers))]
		for _, m := range batch {
			sink += uint64(s.sums[int(m-s.lo)*s.levels])
		}
		for k, m := range batch {
			s.add(acc, m, 0, amounts(from+k))
		}
	}
	s.sink = sink
}

// add adds one sale's amounts to seller m's, from the off'th on (taken by
// take).
func (s *sellerSums) add(acc *dec.Acc, m int32, off int, amounts []dec.D) {
	row := s.sums[int(m-s.lo)*s.levels+off:][:len(amounts)]
	for i, a := range amounts {
		acc.Add(&row[i], a, "what one member earned")
	}
}

// flush pays out every seller in the window with sums, and empties it.
func (s *sellerSums) flush() {
	if s == nil {
		return
	}
	var batch [warmBatch]int32
	n := 0
	payBatch := func() {
		if s.warm != nil {
			s.sink += s.warm(batch[:n])
		}
		for _, m := range batch[:n] {
			row := s.sums[int(m-s.lo)*s.levels:][:s.levels]
			s.pay(m, row)
			clear(row)
		}
		n = 0
	}
	for m := s.lo; m < s.hi; m++ {
		row := s.sums[int(m-s.lo)*s.levels:][:s.levels]
		for _, a := range row {
			if a != 0 {
				batch[n] = m
				if n++; n == warmBatch {
					payBatch()
				}
				break
			}
		}
	}
	payBatch()
	s.hi = s.lo
}
