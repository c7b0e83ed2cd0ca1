package plan

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// Reason says why a commission line went where it went.
type Reason uint8

// Reasons for a line.
const (
	Paid          Reason = iota // paid to the earner
	Inactive                    // breakage: the member at this level is inactive
	RankLevels                  // breakage: the member's rank is paid on fewer levels
	NoRankHeld                  // breakage: the member holds no rank and the plan pays by rank
	AboveTop                    // breakage: the level is above the top of the tree
	Terminated                  // breakage: the member is terminated
	RankRate                    // breakage: the rest of a level\'s rate above the member\'s rank\'s rate
	DiffRest                    // breakage: the part of a differential's top rate nobody earned
	Capped                      // a component's cap: taken back from the member, and breakage
	MemberCapped                // the plan's member cap: taken back from the member, and breakage
	Scaled                      // breakage: what the payout cap's scaling took from a line
	PoolRest                    // breakage: what a pool's shares did not take
	NoDistributor               // breakage: a customer's sale with no distributor above them
	NotInLegs                   // breakage: no personally sponsored distributor in one of the member's binary legs
	Reversed                    // a returned order's line reversed, pro rata (returns: reverse)
)

// SaleRef names one sale: Data.Sales.Chunks[Chunk], entry K.
type SaleRef struct{ Chunk, K int32 }

// Line is one commission line: one component × one source sale × one
// earner, or breakage when nobody may earn it.
type Line struct {
	Component int
	Earner    int32 // the member paid, or -1 for breakage
	Upline    int32 // the member at this level, paid or not; -1 above the top
	Seller    int32 // the member whose sale is the source
	Sale      SaleRef
	Level     int // distance up the sponsor tree from seller to upline (0: own volume)
	PaidLevel int // the level as the plan counts it, after compression (0: own volume)
	Base      dec.D
	Rate      dec.Rate
	Amount    dec.D
	Reason    Reason
	Skipped   int32 // with compression, the first member compressed past, or -1
	SkippedN  int   // how many members were compressed past
	// Text is an adjustment's reason; Sale is {-1, -1} for a line that
	// comes from no sale.
	Text string
	// Unscaled is, on a line the payout cap scaled and on the breakage
	// line of what scaling took from it, the line's amount before the cap
	// (round(rate × base)); 0 on every other line. The paid line's Amount
	// is then Unscaled × the factor rounded down, the breakage line's the
	// rest.
	Unscaled dec.D
}

// Note says in words why the line is unusual; "" for a plain paid line.
func (l *Line) Note(r *Result) string { return string(l.AppendNote(nil, r)) }

// AppendNote appends Note to b without allocating.
func (l *Line) AppendNote(b []byte, r *Result) []byte {
	switch l.Reason {
	case Inactive:
		b = append(b, "breakage: "...)
		b = r.Org.AppendID(b, l.Upline)
		b = append(b, " is inactive ("...)
		b = append(b, r.Plan.pvWords()...)
		b = append(b, ' ')
		b = r.ActivePV(l.Upline).Append(b)
		b = append(b, " < "...)
		b = r.Plan.ActivePV.Append(b)
		return append(b, ')')
	case RankLevels:
		rank := r.Rank[l.Upline]
		b = append(b, "breakage: "...)
		b = r.Org.AppendID(b, l.Upline)
		b = append(b, " is "...)
		b = append(b, r.Plan.Ranks[rank].Name...)
		b = append(b, ", which is paid "...)
		n, unit := r.Plan.Components[l.Component].paidOn(int(rank))
		b = strconv.AppendInt(b, int64(n), 10)
		if n == 1 {
			return append(append(b, ' '), unit...)
		}
		return append(append(append(b, ' '), unit...), 's')
	case NoRankHeld:
		b = append(b, "breakage: "...)
		b = r.Org.AppendID(b, l.Upline)
		return append(b, " holds no rank"...)
	case AboveTop:
		return append(b, "breakage: above the top of the tree"...)
	case Capped:
		b = append(b, "capped at "...)
		return r.Plan.Components[l.Component].Cap.Value.AppendFixed(b, r.Plan.Digits)
	case MemberCapped:
		b = append(b, "member cap "...)
		return r.Plan.MemberCap.Value.AppendFixed(b, r.Plan.Digits)
	case Scaled:
		b = append(b, "scaled by payout cap "...)
		return r.ScaleFactor.AppendFraction(b)
	case PoolRest:
		return append(b, "breakage: the pool's rest after its shares (or nobody qualified)"...)
	case DiffRest:
		return append(b, "breakage: the rest of the top rate nobody below earned"...)
	case RankRate:
		rank := r.Rank[l.Upline]
		b = append(b, "breakage: "...)
		b = r.Org.AppendID(b, l.Upline)
		if rank == NoRank { // a binary pays a member without a rank its rate
			return append(b, " holds no rank: paid the plan's rate, the rest of the highest rate is breakage"...)
		}
		b = append(b, " is "...)
		b = append(b, r.Plan.Ranks[rank].Name...)
		if l.PaidLevel == 0 { // a binary's pairing
			return fmt.Appendf(b, ", whose rate is %s", r.Plan.Components[l.Component].rankRate(int(rank), 0))
		}
		return fmt.Appendf(b, ", whose level %d rate is %s", l.PaidLevel, r.Plan.Components[l.Component].rankRate(int(rank), l.PaidLevel))
	case Terminated:
		b = append(b, "breakage: "...)
		b = r.Org.AppendID(b, l.Upline)
		return append(b, " is terminated"...)
	case NotInLegs:
		b = append(b, "breakage: "...)
		b = r.Org.AppendID(b, l.Upline)
		b = append(b, " has no personally sponsored distributor in each binary leg (qualify_sponsored); legs flushed"...)
		return b
	case NoDistributor:
		b = append(b, "breakage: customer "...)
		b = r.Org.AppendID(b, l.Seller)
		return append(b, " has no distributor above them"...)
	}
	if l.Text != "" {
		return append(b, l.Text...)
	}
	if l.SkippedN > 0 {
		b = append(b, "compressed past "...)
		b = r.Org.AppendID(b, l.Skipped)
		if l.SkippedN > 1 {
			b = fmt.Appendf(b, " and %d more", l.SkippedN-1)
		}
		if r.Terminated != nil && r.Terminated[l.Skipped] && l.SkippedN == 1 {
			return append(b, " (terminated)"...)
		}
		return append(b, " (inactive)"...)
	}
	return b
}

// Options change how Compute runs.
type Options struct {
	// Lines, when set, receives every commission line: component by
	// component, sales in canonical order (seller id, order id, volume),
	// then level by level. The order does not depend on the order of input
	// rows. The result is complete but for earnings and totals (ranks,
	// volumes, activity and the scale factor are set, and do not change
	// while lines are posted), so a line can be described, even by another
	// goroutine; the *Line is reused: copy what you keep.
	Lines func(*Result, *Line) error
	// Phase, when set, is called as each phase of the computation ends
	// ("volumes", "ranks", "component NAME"), to time them.
	Phase func(name string)
	// State, when set, is what the previous period carried (see State);
	// StateName names its file in errors.
	State     *State
	StateName string
	// KeepOrders, with returns: reverse, says which orders' lines to keep
	// for later returns (nil: every order, as a chained run must).
	KeepOrders func(order string) bool
	// Recycle, for Replay, lets a later period reuse a period's arrays of
	// earnings (Result.Earned) once each has been called with the period
	// after it: each must not keep a result past that call (the result's
	// Earned is then nil). For callers that only write each period out.
	Recycle bool
	// carried is State laid over the members already (Replay's fast path).
	carried *carried
	// spares, when set, lends arrays let go of by earlier periods (nil:
	// the computation's own).
	spares *spares
}

// saleSeq is the sales in the order components walk them: the data's own
// chunks in file order, or, when lines are written out, one chunk in the
// canonical order with refs naming each entry's original sale.
type saleSeq struct {
	chunks []tree.SaleChunk
	refs   []SaleRef // nil: entry k of chunk c is sale {c, k}
}

// Len is the number of sales.
func (s *saleSeq) Len() int {
	n := 0
	for _, c := range s.chunks {
		n += len(c.Member)
	}
	return n
}

// volume is the sales' commissionable volume, added up when a pool asks
// (a pass over every sale).
func (s *saleSeq) volume() dec.D {
	var v dec.D
	for _, c := range s.chunks {
		for k := range c.Member {
			v += c.VolumeOf(k)
		}
	}
	return v
}

// ref names entry k of chunk c.
func (s *saleSeq) ref(c, k int) SaleRef {
	if s.refs == nil {
		return SaleRef{int32(c), int32(k)}
	}
	return s.refs[k]
}

// canonicalSeq returns the sales in canonical order.
func canonicalSeq(o *tree.Org, s *tree.Sales) saleSeq {
	refs := canonicalOrder(o, s)
	ch := tree.SaleChunk{Member: make([]int32, len(refs)), Volume: make([]dec.D, len(refs)), Date: make([]int32, len(refs))}
	for i, r := range refs {
		ch.Member[i] = s.Chunks[r.Chunk].Member[r.K]
		ch.Volume[i] = s.Chunks[r.Chunk].VolumeOf(int(r.K))
		ch.Date[i] = s.Chunks[r.Chunk].DateOf(int(r.K))
	}
	return saleSeq{chunks: []tree.SaleChunk{ch}, refs: refs}
}

// canonicalOrder sorts the sales by seller id, then order id, then volume:
// a bucket per seller (in id order), then a small sort inside each bucket.
func canonicalOrder(o *tree.Org, s *tree.Sales) []SaleRef {
	pos := make([]int32, o.Len()) // member → position in id order
	for i, m := range o.ByID() {
		pos[m] = int32(i)
	}
	start := make([]int32, o.Len()+1)
	for _, ch := range s.Chunks {
		for _, m := range ch.Member {
			start[pos[m]+1]++
		}
	}
	for i := 0; i < o.Len(); i++ {
		start[i+1] += start[i]
	}
	out := make([]SaleRef, start[o.Len()])
	for c, ch := range s.Chunks {
		for k, m := range ch.Member {
			out[start[pos[m]]] = SaleRef{int32(c), int32(k)}
			start[pos[m]]++
		}
	}
	for i := 0; i < len(out); {
		j := i + 1
		seller := s.Chunks[out[i].Chunk].Member[out[i].K]
		for j < len(out) && s.Chunks[out[j].Chunk].Member[out[j].K] == seller {
			j++
		}
		if j-i > 1 {
			slices.SortStableFunc(out[i:j], func(a, b SaleRef) int {
				ca, cb := &s.Chunks[a.Chunk], &s.Chunks[b.Chunk]
				if c := bytes.Compare(ca.OrderIDBytes(int(a.K)), cb.OrderIDBytes(int(b.K))); c != 0 {
					return c
				}
				return int(ca.VolumeOf(int(a.K)) - cb.VolumeOf(int(b.K)))
			})
		}
		i = j
	}
	return out
}

// sourcer is a family whose lines say where they come from in their own
// words; the others' lines are "level K from SELLER" or "own sale".
type sourcer interface {
	source(r *Result, l *Line, seller string) string
}

// LineSource says in a few words where a line comes from, for explain.
func (r *Result) LineSource(l *Line) string {
	seller := ""
	if l.Seller >= 0 {
		seller = r.Org.ID(l.Seller)
	}
	switch {
	case l.Reason == Capped || l.Reason == MemberCapped:
		return "cap"
	case l.Reason == Scaled:
		return "payout cap"
	case l.Reason == Reversed:
		return "return: reversed share of"
	}
	if s, ok := r.Plan.Components[l.Component].rule.(sourcer); ok {
		return s.source(r, l, seller)
	}
	if l.PaidLevel > 0 {
		return fmt.Sprintf("level %d from %s", l.PaidLevel, seller)
	}
	return "own sale"
}
