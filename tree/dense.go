package tree

import (
	"cmp"
	"runtime"
	"slices"
	"sync"
)

// denseIDs finds the ids of an organisation whose ids all have one shape
// — the same prefix of up to 3 bytes that are not digits, then a number
// written without leading zeros (M1000000, M1000001…; or 100234) — and
// whose numbers lie close together, as most shops number their members:
// by the number. Entry v-base of slots is the member numbered v. A lookup
// is a parse and one load from a table of 8 bytes a number, where the hash
// index needs a hash, a probe of 16-byte slots and a comparison; on a
// sales file in date order, where every lookup misses the caches, that is
// most of the cost of reading it.
//
// The shape makes a number name one id: the id is the prefix and the
// number's digits. So a lookup finds exactly what the hash index finds.
type denseIDs struct {
	prefix [3]byte
	plen   int
	base   uint64
	size   uint64 // the numbers the table spans, from base
	slots  []denseSlot
	// When member k is numbered base+k for every k (a members file in id
	// order, as exports are), slots is nil: a number's position is its
	// member, and aux, the caller's own array (never copied), gives the
	// values beside them. A lookup then loads 4 bytes, not 8, from an
	// array the organisation keeps anyway.
	aux []int32
}

// denseSlot is one number's member: idx is the index+1 (0: no member has
// that number) and aux the value the hash index keeps beside it.
type denseSlot struct {
	idx, aux int32
}

// maxDigits is the longest number denseIDs reads: 10^18 fits in 64 bits.
const maxDigits = 18

// denseSpread is how many numbers a member the table may take at most:
// over twice as many numbers as members, the hash index is kept alone.
const denseSpread = 2

// newDenseIDs returns the dense index of the n ids in ids (aux[k] beside
// id k, 0 past aux's end), or nil when they are not all of the shape or
// their numbers are too spread out. When distinct is false, the ids may
// hold a duplicate (no hash index has refused them yet): only ids
// numbered in member order (member k is number base+k, no two alike) get
// an index then; others are left to the hash index, which reports their
// duplicates.
func newDenseIDs(ids *strtab, aux []int32, distinct bool) *denseIDs {
	n := ids.len()
	if n == 0 {
		return nil
	}
	x := &denseIDs{}
	first := ids.get(0)
	for x.plen < len(first) && x.plen <= len(x.prefix) && !isDigit(first[x.plen]) {
		x.plen++
	}
	if x.plen > len(x.prefix) {
		return nil
	}
	copy(x.prefix[:], first[:x.plen])
	// The cores parse a share each: every id must be of the shape.
	workers := min(runtime.GOMAXPROCS(0), max(n/(1<<16), 1))
	lo, hi := make([]uint64, workers), make([]uint64, workers)
	ok := make([]bool, workers)
	inShares(workers, n, 1, func(w, from, to int) {
		l, h := uint64(1<<64-1), uint64(0)
		for k := from; k < to; k++ {
			v, good := x.number(ids.get(int32(k)))
			if !good {
				return
			}
			l, h = min(l, v), max(h, v)
		}
		lo[w], hi[w], ok[w] = l, h, true
	})
	l, h := uint64(1<<64-1), uint64(0)
	for w := range workers {
		if !ok[w] {
			return nil
		}
		l, h = min(l, lo[w]), max(h, hi[w])
	}
	if h-l >= uint64(denseSpread*n) {
		return nil
	}
	x.base, x.size = l, h-l+1
	if x.size == uint64(n) {
		// n distinct numbers in n places: every one is taken. Numbered
		// in member order?
		inOrder := make([]bool, workers)
		inShares(workers, n, 1, func(w, from, to int) {
			for k := from; k < to; k++ {
				if v, _ := x.number(ids.get(int32(k))); v-l != uint64(k) {
					return
				}
			}
			inOrder[w] = true
		})
		if !slices.Contains(inOrder, false) && (aux == nil || len(aux) >= n) {
			if aux != nil {
				x.aux = aux[:n:n]
			}
			return x
		}
	}
	if !distinct {
		return nil
	}
	x.slots = make([]denseSlot, x.size)
	inShares(workers, n, 1, func(_, from, to int) {
		for k := from; k < to; k++ {
			v, _ := x.number(ids.get(int32(k)))
			s := denseSlot{idx: int32(k) + 1}
			if k < len(aux) {
				s.aux = aux[k]
			}
			x.slots[v-l] = s // distinct ids: distinct numbers, no two writers
		}
	})
	return x
}

// at returns the slot at position p (below size).
func (x *denseIDs) at(p uint64) denseSlot {
	if x.slots != nil {
		return x.slots[p]
	}
	s := denseSlot{idx: int32(p) + 1}
	if x.aux != nil {
		s.aux = x.aux[p]
	}
	return s
}

// inShares runs f(w, from, to) for workers shares of 0 to n, each on a
// goroutine of its own, and waits for them: share w runs from w·size to
// (w+1)·size, size a multiple of align, the last share cut at n.
func inShares(workers, n, align int, f func(w, from, to int)) {
	size := (n/workers/align + 1) * align
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(w, min(w*size, n), min((w+1)*size, n))
		}()
	}
	wg.Wait()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// number returns the number of id, when id is of x's shape: x's prefix,
// then 1 to maxDigits digits, the first not a 0 unless it is the only one.
func (x *denseIDs) number(id []byte) (uint64, bool) {
	d := len(id) - x.plen
	if d < 1 || d > maxDigits || string(id[:x.plen]) != string(x.prefix[:x.plen]) {
		return 0, false
	}
	digits := id[x.plen:]
	if digits[0] == '0' && d > 1 {
		return 0, false
	}
	var v uint64
	for _, c := range digits {
		c -= '0'
		if c > 9 {
			return 0, false
		}
		v = v*10 + uint64(c)
	}
	return v, true
}

// noSlot is the position of an id no member has.
const noSlot = 1<<64 - 1

// slot returns the position of id in slots, or noSlot.
func (x *denseIDs) slot(id []byte) uint64 {
	v, ok := x.number(id)
	if !ok || v-x.base >= x.size {
		return noSlot
	}
	return v - x.base
}

// find returns the index of id, or -1.
func (x *denseIDs) find(id []byte) int32 {
	if p := x.slot(id); p != noSlot {
		return x.at(p).idx - 1
	}
	return -1
}

// warm sets ps[i] to the position of keys[i] and touches it (see
// idIndex.warmBatch); aux says whether the aux values will be asked for.
func (x *denseIDs) warm(keys [][]byte, ps []uint64, aux bool) uint64 {
	for i, k := range keys {
		ps[i] = x.slot(k)
	}
	var sink uint64
	if x.slots == nil {
		if x.aux != nil && aux { // else nothing to touch: the position is the member
			for _, p := range ps[:len(keys)] {
				if p != noSlot {
					sink += uint64(x.aux[p])
				}
			}
		}
		return sink
	}
	for _, p := range ps[:len(keys)] {
		if p != noSlot {
			sink += uint64(x.slots[p].idx)
		}
	}
	return sink
}

// findWarmed is idIndex.findWarmed for n keys, given warm's positions ps.
func (x *denseIDs) findWarmed(n int, ps []uint64, out, aux []int32) {
	if x.slots == nil && aux == nil { // the position is the member: no load
		for i, p := range ps[:n] {
			out[i] = -1
			if p != noSlot {
				out[i] = int32(p)
			}
		}
		return
	}
	for i, p := range ps[:n] {
		if p == noSlot {
			out[i] = -1
			continue
		}
		s := x.at(p)
		out[i] = s.idx - 1
		if aux != nil && s.idx != 0 {
			aux[i] = s.aux
		}
	}
}

// byID returns the indexes below n of the ids in x in the order of the
// ids' bytes. The ids share their prefix, so that is the order of their
// numbers' digits, which a walk of the numbers' decimal prefixes gives in
// one pass over the table, no comparison sort: "0", then 1, 10, 100…, 101…,
// 11…, 2… — each prefix's numbers between base and the last.
func (x *denseIDs) byID(n int32) []int32 {
	out := make([]int32, 0, n)
	lo := x.base
	hi := lo + x.size - 1
	top := 1 // the digits of hi
	for p := hi; p >= 10; p /= 10 {
		top++
	}
	emit := func(v uint64) {
		if s := x.at(v - lo); s.idx != 0 && s.idx-1 < n {
			out = append(out, s.idx-1)
		}
	}
	// prefixes[l] holds the l-digit prefixes of the numbers in range, as
	// sorted runs that do not touch: the numbers of each length L in range
	// run from some a to some b, and their prefixes from a cut to l digits
	// to b cut.
	prefixes := make([][][2]uint64, top+1)
	for L, first := 1, uint64(1); L <= top; L, first = L+1, first*10 {
		a, b := max(lo, first), min(hi, first*10-1) // first*10 < 10^19: fits
		if a > b {
			continue
		}
		for l, k := L, uint64(1); l >= 1; l, k = l-1, k*10 {
			prefixes[l] = append(prefixes[l], [2]uint64{a / k, b / k})
		}
	}
	for l, runs := range prefixes {
		slices.SortFunc(runs, func(a, b [2]uint64) int { return cmp.Compare(a[0], b[0]) })
		merged := runs[:0]
		for _, r := range runs {
			if k := len(merged) - 1; k >= 0 && r[0] <= merged[k][1]+1 {
				merged[k][1] = max(merged[k][1], r[1])
			} else {
				merged = append(merged, r)
			}
		}
		prefixes[l] = merged
	}
	// visit walks, in order, the prefixes of l digits from first to last
	// that start numbers in range, each followed by the numbers under it.
	var visit func(first, last uint64, l int)
	visit = func(first, last uint64, l int) {
		for _, r := range prefixes[l] {
			from, to := max(first, r[0]), min(last, r[1])
			if l == top { // numbers in range, with nothing under them
				for v := from; v <= to; v++ {
					emit(v)
				}
				continue
			}
			for p := from; p <= to; p++ {
				if p >= lo { // and below hi, which has more digits
					emit(p)
				}
				visit(p*10, p*10+9, l+1)
			}
		}
	}
	if lo == 0 {
		emit(0) // "0", before every other number, with no digits after it
	}
	visit(1, 9, 1)
	return out
}

// joinedGroup is how many members, by number, share a bound in
// joinedBound.
const joinedGroup = 64

// joinedBound returns, for each run of joinedGroup members by number, the
// latest day any of them joined (NoDate when none has a day): a bound on
// each one's own day, in an array a sixty-fourth of the size of the days
// themselves. A sale dated on or after its member's bound is not before
// the member joined, and the bound stays in the caches where the days (40
// MB at 10M members) miss on every sale of a date-ordered file. Members
// numbered as they joined, as exports number them, joined close together
// in a run, so a sale rarely falls between its member's day and the
// bound. nil when the index finds a member's day with the member anyway
// (a hash slot or a dense slot holds it beside the member's number).
func (o *Org) joinedBound() []int32 {
	x := o.index.dense
	if x == nil || x.slots != nil || x.aux == nil || o.indexKeys != nil || len(o.joined) != o.Len() {
		return nil
	}
	bound := make([]int32, (len(o.joined)+joinedGroup-1)/joinedGroup)
	for g := range bound {
		b := NoDate
		for _, j := range o.joined[g*joinedGroup : min((g+1)*joinedGroup, len(o.joined))] {
			b = max(b, j)
		}
		bound[g] = b
	}
	return bound
}
