package tree

import (
	"bytes"
	"encoding/binary"
	"hash/maphash"
	"math"
)

// strtab stores many short strings in one arena: string i is
// data[off[i]:off[i+1]]. It costs a few bytes a string instead of a string
// header and a heap object each.
type strtab struct {
	data []byte
	off  []uint32
}

func newStrtab() strtab { return strtab{off: []uint32{0}} }

func (s *strtab) add(b []byte) bool {
	if len(s.data)+len(b) > math.MaxUint32 {
		return false
	}
	s.data = append(s.data, b...)
	s.off = append(s.off, uint32(len(s.data)))
	return true
}

func (s *strtab) get(i int32) []byte { return s.data[s.off[i]:s.off[i+1]] }
func (s *strtab) len() int           { return len(s.off) - 1 }

// idIndex maps ids to their index with open addressing and linear
// probing. A slot holds the id itself when it fits in 64 bits: an id of up
// to 8 bytes (ids hold no NUL, so zero padding is unambiguous), or a
// longer one made of a short prefix and digits, packed (see packID: the
// shape of most shops' ids, M10000001 or a 13-digit number). A lookup of
// such an id touches one slot and nothing else. Any other id's slot holds
// its hash, and a match is confirmed against the id's bytes. A slot also
// holds a value of the caller's (aux: a member's joined day, given to
// insertBatch),
// so that the lookup of a sale's member brings it along.
type idIndex struct {
	seed  maphash.Seed
	slots []idSlot
	mask  uint64
	n     int
	sink  uint64 // keeps the batch functions' warming loads from being dropped
	// dense, when set (see useDense), answers every lookup in place of the
	// slots, which are let go: the ids are all of one shape, found by
	// their number.
	dense *denseIDs
}

// useDense makes lookups go through a dense index (see denseIDs) when
// every id in the index — ids' first x.n, all of them — is of its shape,
// and lets the slots go; aux as in insertBatch. At 10M members that is
// 256 MB of slots given back for a table of 80 MB.
func (x *idIndex) useDense(ids *strtab, aux []int32) {
	if x.n != ids.len() {
		return
	}
	if x.dense = newDenseIDs(ids, aux, true); x.dense != nil {
		x.slots, x.mask = nil, 0
	}
}

// denseInOrder makes an empty index answer for every id in ids through a
// dense index, without slots, when the ids are numbered in member order
// (see newDenseIDs), and reports whether it did; aux as in insertBatch. A
// members file as shops export it then never fills the slots (at 10M
// members, 10M hashed inserts into 256 MB) only to let them go.
func (x *idIndex) denseInOrder(ids *strtab, aux []int32) bool {
	if x.n != 0 {
		return false
	}
	d := newDenseIDs(ids, aux, false)
	if d == nil {
		return false
	}
	x.dense, x.slots, x.mask, x.n = d, nil, 0, ids.len()
	return true
}

// undense goes back to the slots before an insert, which the dense index
// has no room for: it puts the ids back in slots of their own, with the
// aux values the dense index kept.
func (x *idIndex) undense(ids *strtab) {
	d := x.dense
	if d == nil {
		return
	}
	n := x.n
	*x = newIDIndex(n*4/3 + 1) // room for n at a load of 3/4
	for k := range int32(n) {
		id := ids.get(k)
		x.insertHashed(ids, k, maphash.Bytes(x.seed, id), d.at(d.slot(id)).aux)
	}
}

// idSlot is one slot: idx is the index+1 (0 = empty), with its kind bits
// (longID, packedID) set for an id that is not held inline.
type idSlot struct {
	key uint64 // the id, little-endian, zero-padded; packed; or its hash
	idx uint32
	aux int32
}

const (
	inlineID = 8
	longID   = 1 << 31 // key is the id's hash
	packedID = 1 << 30 // key is packID's
	kindBits = longID | packedID
	// maxMembers is the most ids an index holds.
	maxMembers = packedID - 1
)

// slotKey returns what a slot holds for id with hash h, and its kind.
func slotKey(id []byte, h uint64) (key uint64, kind uint32) {
	if len(id) > inlineID {
		if k, ok := packID(id); ok {
			return k, packedID
		}
		return h, longID
	}
	var b [inlineID]byte
	copy(b[:], id)
	return binary.LittleEndian.Uint64(b[:]), 0
}

// packID packs an id of a prefix of up to 3 bytes that are not digits and
// then digits into 64 bits, one to one: the low 2 bits are the prefix's
// length p, the next 5 the number of digits d, the next 8p the prefix, and
// the rest the digits' value (which with d gives back the digits, leading
// zeros and all). It reports false when the id is not of that shape or
// its value does not fit in the 57−8p bits left.
func packID(id []byte) (uint64, bool) {
	p := 0
	for p < len(id) && (id[p] < '0' || id[p] > '9') {
		p++
	}
	d := len(id) - p
	if p > 3 || d < 1 || d > 17 {
		return 0, false
	}
	var v uint64
	for _, c := range id[p:] {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	shift := 7 + 8*p
	if v >= 1<<(64-shift) {
		return 0, false
	}
	key := uint64(p) | uint64(d)<<2
	for i, c := range id[:p] {
		key |= uint64(c) << (7 + 8*i)
	}
	return key | v<<shift, true
}

// batch is how many ids the batch functions handle at once.
const batch = 64

// newIDIndex returns an index with room for capacity ids, an estimate
// that is usually high (see ReadMembers): it starts at the power of two at
// or above it, and grows when it is 3/4 full.
func newIDIndex(capacity int) idIndex {
	size := 1024
	for size < capacity {
		size *= 2
	}
	return idIndex{seed: maphash.MakeSeed(), slots: make([]idSlot, size), mask: uint64(size - 1)}
}

// full reports whether adding n ids would take the load above 3/4.
func (x *idIndex) full(n int) bool { return 4*(x.n+n) > 3*len(x.slots) }

// find returns the index of id, or -1.
func (x *idIndex) find(ids *strtab, id []byte) int32 {
	if x.dense != nil {
		return x.dense.find(id)
	}
	if s := x.findHashed(ids, id, maphash.Bytes(x.seed, id)); s != nil {
		return int32(s.idx&^kindBits) - 1
	}
	return -1
}

// warmBatch sets hs[i] to the hash of keys[i] (len(keys) ≤ batch; with a
// dense index, its position there) and touches its slot: the loads do not wait for each other, so a batch costs
// a few memory latencies instead of one per key. findWarmed then looks the
// keys up; a caller with other work to do may do it in between, so that
// the loads are done by then. Both only read x, so goroutines may call
// them at once. warmBatch returns a value made from the loads, for the
// caller to keep so they are not dropped. aux says whether findWarmed
// will be asked for the aux values.
func (x *idIndex) warmBatch(keys [][]byte, hs []uint64, aux bool) uint64 {
	if x.dense != nil {
		return x.dense.warm(keys, hs, aux)
	}
	var sink uint64
	for i, k := range keys {
		hs[i] = maphash.Bytes(x.seed, k)
	}
	// A loop of nothing but loads, so that the processor has many of
	// them in flight at once.
	for _, h := range hs[:len(keys)] {
		sink += uint64(x.slots[h&x.mask].idx)
	}
	return sink
}

// findWarmed sets out[i] to the index of keys[i], or -1, and aux[i] (when
// aux is not nil) to its aux value, given what warmBatch set in hs.
func (x *idIndex) findWarmed(ids *strtab, keys [][]byte, hs []uint64, out, aux []int32) {
	if x.dense != nil {
		x.dense.findWarmed(len(keys), hs, out, aux)
		return
	}
	for i, k := range keys {
		s := x.findHashed(ids, k, hs[i])
		if s == nil {
			out[i] = -1
			continue
		}
		out[i] = int32(s.idx&^kindBits) - 1
		if aux != nil {
			aux[i] = s.aux
		}
	}
}

// findHashed returns the slot of id, whose hash is h, or nil.
func (x *idIndex) findHashed(ids *strtab, id []byte, h uint64) *idSlot {
	key, kind := slotKey(id, h)
	for i := h & x.mask; ; i = (i + 1) & x.mask {
		s := &x.slots[i]
		if s.idx == 0 {
			return nil
		}
		if s.key == key && s.idx&kindBits == kind {
			if kind != longID || bytes.Equal(ids.get(int32(s.idx&^kindBits)-1), id) {
				return s
			}
		}
	}
}

// insert adds index k (whose id is ids.get(k)) and returns -1, or returns
// the index already holding the same id.
func (x *idIndex) insert(ids *strtab, k int32) int32 {
	x.undense(ids)
	if x.full(1) {
		x.grow(ids)
	}
	return x.insertHashed(ids, k, maphash.Bytes(x.seed, ids.get(k)), 0)
}

// insertBatch inserts indexes from to to-1 in order (to-from ≤ batch),
// warming their slots first like findBatch, each with aux[k] (0 past
// the end of aux). It returns -1, -1, or the first index whose id was already
// present and the index holding it.
func (x *idIndex) insertBatch(ids *strtab, aux []int32, from, to int32) (dup, prev int32) {
	x.undense(ids)
	for x.full(int(to - from)) {
		x.grow(ids)
	}
	var hs [batch]uint64
	sink := x.sink
	for k := from; k < to; k++ {
		hs[k-from] = maphash.Bytes(x.seed, ids.get(k))
	}
	for _, h := range hs[:to-from] {
		sink += uint64(x.slots[h&x.mask].idx)
	}
	x.sink = sink
	for k := from; k < to; k++ {
		a := int32(0)
		if int(k) < len(aux) {
			a = aux[k]
		}
		if p := x.insertHashed(ids, k, hs[k-from], a); p >= 0 {
			return k, p
		}
	}
	return -1, -1
}

// insertHashed inserts k, whose id has hash h, with aux; the index has
// room.
func (x *idIndex) insertHashed(ids *strtab, k int32, h uint64, aux int32) int32 {
	id := ids.get(k)
	key, kind := slotKey(id, h)
	for i := h & x.mask; ; i = (i + 1) & x.mask {
		s := &x.slots[i]
		if s.idx == 0 {
			*s = idSlot{key: key, idx: uint32(k+1) | kind, aux: aux}
			x.n++
			return -1
		}
		if s.key == key && s.idx&kindBits == kind {
			if old := int32(s.idx&^kindBits) - 1; kind != longID || bytes.Equal(ids.get(old), id) {
				return old
			}
		}
	}
}

func (x *idIndex) grow(ids *strtab) {
	old := x.slots
	x.slots = make([]idSlot, 2*len(old))
	x.mask = uint64(len(x.slots) - 1)
	for _, s := range old {
		if s.idx == 0 {
			continue
		}
		h := maphash.Bytes(x.seed, ids.get(int32(s.idx&^kindBits)-1))
		for i := h & x.mask; ; i = (i + 1) & x.mask {
			if x.slots[i].idx == 0 {
				x.slots[i] = s
				break
			}
		}
	}
}
