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
}

func newIDIndex(capacity int) idIndex {
	size := 1024
	for size < 2*capacity {
		size *= 2
	}
	return idIndex{seed: maphash.MakeSeed(), slots: make([]uint64, size), mask: uint64(size - 1)}
}

// find returns the index of id, or -1.
func (x *idIndex) find(ids *strtab, id []byte) int32 {
	h := maphash.Bytes(x.seed, id)
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
	if 2*(x.n+1) > len(x.slots) {
		x.grow(ids)
	}
	id := ids.get(k)
	h := maphash.Bytes(x.seed, id)
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
