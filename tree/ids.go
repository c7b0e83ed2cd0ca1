package tree

import (
	"bytes"
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

// idIndex maps member ids to their index with open addressing. Each slot
// holds the top 32 bits of the id's hash and the index+1 (0 = empty), so a
// lookup touches one slot and, on a tag match, the id's bytes.
type idIndex struct {
	seed  maphash.Seed
	slots []uint64
	mask  uint64
	n     int
	sink  uint64 // keeps the batch functions' warming loads from being dropped
}

// batch is how many ids the batch functions handle at once.
const batch = 64

func newIDIndex(capacity int) idIndex {
	size := 1024
	for size < 2*capacity {
		size *= 2
	}
	return idIndex{seed: maphash.MakeSeed(), slots: make([]uint64, size), mask: uint64(size - 1)}
}

// find returns the index of id, or -1.
func (x *idIndex) find(ids *strtab, id []byte) int32 {
	return x.findHashed(ids, id, maphash.Bytes(x.seed, id))
}

// findBatch sets out[i] to the index of keys[i], or -1 (len(keys) ≤ batch).
// It hashes every key and touches its slot, and then the candidate id's
// bytes, before probing: the loads of one step do not wait for each other,
// so a batch costs a few memory latencies instead of one per key. It only
// reads x, so goroutines may call it at once; it returns a value made from
// the warming loads, for the caller to keep so they are not dropped.
func (x *idIndex) findBatch(ids *strtab, keys [][]byte, out []int32) uint64 {
	var hs [batch]uint64
	var cand [batch]int32
	var sink uint64
	for i, k := range keys {
		hs[i] = maphash.Bytes(x.seed, k)
		sink += x.slots[hs[i]&x.mask]
	}
	for i := range keys {
		cand[i] = int32(uint32(x.slots[hs[i]&x.mask])) - 1
		if cand[i] >= 0 {
			sink += uint64(ids.off[cand[i]])
		}
	}
	for i := range keys {
		if cand[i] >= 0 && int(ids.off[cand[i]]) < len(ids.data) {
			sink += uint64(ids.data[ids.off[cand[i]]])
		}
	}
	for i, k := range keys {
		out[i] = x.findHashed(ids, k, hs[i])
	}
	return sink
}

func (x *idIndex) findHashed(ids *strtab, id []byte, h uint64) int32 {
	tag := h >> 32
	for i := h & x.mask; ; i = (i + 1) & x.mask {
		s := x.slots[i]
		if s == 0 {
			return -1
		}
		if s>>32 == tag {
			if k := int32(uint32(s) - 1); bytes.Equal(ids.get(k), id) {
				return k
			}
		}
	}
}

// insert adds index k (whose id is ids.get(k)) and returns -1, or returns
// the index already holding the same id.
func (x *idIndex) insert(ids *strtab, k int32) int32 {
	return x.insertHashed(ids, k, maphash.Bytes(x.seed, ids.get(k)))
}

// insertBatch inserts indexes from to to-1 in order (to-from ≤ batch),
// warming their slots first like findBatch. It returns -1, -1, or the
// first index whose id was already present and the index holding it.
func (x *idIndex) insertBatch(ids *strtab, from, to int32) (dup, prev int32) {
	for 2*(x.n+int(to-from)) > len(x.slots) {
		x.grow(ids)
	}
	var hs [batch]uint64
	sink := x.sink
	for k := from; k < to; k++ {
		hs[k-from] = maphash.Bytes(x.seed, ids.get(k))
		sink += x.slots[hs[k-from]&x.mask]
	}
	x.sink = sink
	for k := from; k < to; k++ {
		if p := x.insertHashed(ids, k, hs[k-from]); p >= 0 {
			return k, p
		}
	}
	return -1, -1
}

func (x *idIndex) insertHashed(ids *strtab, k int32, h uint64) int32 {
	if 2*(x.n+1) > len(x.slots) {
		x.grow(ids)
		return x.insert(ids, k)
	}
	id := ids.get(k)
	tag := h >> 32
	for i := h & x.mask; ; i = (i + 1) & x.mask {
		s := x.slots[i]
		if s == 0 {
			x.slots[i] = tag<<32 | uint64(k+1)
			x.n++
			return -1
		}
		if s>>32 == tag {
			if old := int32(uint32(s) - 1); bytes.Equal(ids.get(old), id) {
				return old
			}
		}
	}
}

func (x *idIndex) grow(ids *strtab) {
	old := x.slots
	x.slots = make([]uint64, 2*len(old))
	x.mask = uint64(len(x.slots) - 1)
	for _, s := range old {
		if s == 0 {
			continue
		}
		h := maphash.Bytes(x.seed, ids.get(int32(uint32(s)-1)))
		for i := h & x.mask; ; i = (i + 1) & x.mask {
			if x.slots[i] == 0 {
				x.slots[i] = s
				break
			}
		}
	}
}
