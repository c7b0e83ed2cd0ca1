package plan

import (
	"slices"
	"sync"
	"unsafe"

	"github.com/compplan/compplan/tree/dec"
)

// spares holds per-member arrays of amounts that a computation has let go
// of (a component's second worker's earnings, once added into the
// first's; with Options.Recycle, a replayed period's Earned), for the next
// that needs one: the next component of the same period, or a later
// period of a replay. A new array is memory the
// process has not touched, which costs a page fault a page (on a VM a
// fault of the host too); one taken from here is cleared in place.
type spares struct {
	mu     sync.Mutex
	room   int // the capacity new arrays get: the most members a period has
	arrays [][]dec.D
}

// newSpares returns spares for organisations of up to room members.
func newSpares(room int) *spares { return &spares{room: room} }

// take returns n zero amounts: a spare array cleared, or a new one.
func (s *spares) take(n int) []dec.D {
	s.mu.Lock()
	for i := len(s.arrays) - 1; i >= 0; i-- {
		if a := s.arrays[i]; cap(a) >= n {
			s.arrays = append(s.arrays[:i], s.arrays[i+1:]...)
			s.mu.Unlock()
			a = a[:n]
			clear(a)
			return a
		}
	}
	s.mu.Unlock()
	return make([]dec.D, n, max(n, s.room))
}

// give keeps a for a later take; the caller must not use it again.
func (s *spares) give(a []dec.D) {
	s.mu.Lock()
	s.arrays = append(s.arrays, a)
	s.mu.Unlock()
}

// giveEarned gives r's arrays of earnings to s and forgets them: using r
// afterwards fails at once rather than reading a later period's amounts.
func (r *Result) giveEarned(s *spares) {
	for c, a := range r.Earned {
		if a != nil && !slices.ContainsFunc(r.Earned[:c], func(b []dec.D) bool { return unsafe.SliceData(b) == unsafe.SliceData(a) }) {
			s.give(a)
		}
	}
	r.Earned = nil
}
