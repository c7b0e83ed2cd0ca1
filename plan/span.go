package plan

import (
	"slices"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// Span adds the periods of a replay up into one Result over the whole
// span, for comparing plans over history (compare --every): Add each
// period's result in order, then take Result.
//
// The span's Result has the members of the last period (every member
// present in any period: the organisation only grows), and per member:
// Earned, Σ of every period's, per component; BalanceIn the balance of
// their first period, BalanceOut of the last, so Payable is Σ of the
// periods' payables (each period's balance out is the next one's balance
// in); Rank and Qualified the highest paid-as rank of any period. Paid,
// Breakage, Payout, Sales, SalesAmount and Volume are the periods' sums.
// With versions of the plan, its components and ranks are those of every
// version, by name, in the order they first appear (a component's figures
// add up across the versions that have it); a rank is higher when it comes
// later in that order. A component a period has and no version (the
// adjustments a run adds) joins the span's components after theirs.
type Span struct {
	plan    Plan
	n       int // members of the whole organisation
	earned  [][]dec.D
	first   []bool // the member has been in a period
	in, out []dec.D
	highest []int16
	sum     Result
	last    *Result
	// Periods are each period's figures, in order.
	Periods []PeriodFigures
}

// PeriodFigures are one period's figures in a Span.
type PeriodFigures struct {
	Period      tree.Period
	Plan        *Plan // the version that computed it
	Payout      dec.D
	SalesAmount dec.D
	// PayoutPct is the payout as a percent of the sales amount; HasPct is
	// false without sales.
	PayoutPct dec.D
	HasPct    bool
}

// NewSpan starts a span of the versions v over an organisation of n
// members (the whole one a replay's periods are cut from).
func NewSpan(v Versions, n int) *Span {
	s := &Span{n: n, plan: *v.Plans[0]}
	s.plan.Components, s.plan.Ranks = nil, nil
	for _, p := range v.Plans {
		for _, c := range p.Components {
			if !slices.ContainsFunc(s.plan.Components, func(x Component) bool { return x.Name == c.Name }) {
				s.plan.Components = append(s.plan.Components, c)
			}
		}
		for _, r := range p.Ranks {
			if !slices.ContainsFunc(s.plan.Ranks, func(x Rank) bool { return x.Name == r.Name }) {
				s.plan.Ranks = append(s.plan.Ranks, r)
			}
		}
	}
	s.earned = make([][]dec.D, len(s.plan.Components))
	for c := range s.earned {
		s.earned[c] = make([]dec.D, n)
	}
	s.first, s.in, s.out = make([]bool, n), make([]dec.D, n), make([]dec.D, n)
	s.highest = make([]int16, n)
	for m := range s.highest {
		s.highest[m] = NoRank
	}
	s.sum.Paid, s.sum.Breakage = make([]dec.D, len(s.plan.Components)), make([]dec.D, len(s.plan.Components))
	return s
}

// Add adds a period's result: the next period of the replay (ReplayVersions
// calls each with them in order).
func (s *Span) Add(period tree.Period, r *Result) {
	comps := make([]int, len(r.Plan.Components)) // r's component c is the span's comps[c]
	for c, comp := range r.Plan.Components {
		comps[c] = slices.IndexFunc(s.plan.Components, func(x Component) bool { return x.Name == comp.Name })
		if comps[c] < 0 { // the adjustments a run adds
			comps[c] = len(s.plan.Components)
			s.plan.Components = append(s.plan.Components, comp)
			s.earned = append(s.earned, make([]dec.D, s.n))
			s.sum.Paid, s.sum.Breakage = append(s.sum.Paid, 0), append(s.sum.Breakage, 0)
		}
	}
	ranks := make([]int16, len(r.Plan.Ranks))
	for k, rk := range r.Plan.Ranks {
		ranks[k] = int16(slices.IndexFunc(s.plan.Ranks, func(x Rank) bool { return x.Name == rk.Name }))
	}
	for m := range s.n {
		pm := int32(m)
		if r.remap != nil {
			pm = r.remap[m]
		} else if m >= r.Org.Len() {
			pm = -1
		}
		if pm < 0 {
			continue
		}
		for c, sc := range comps {
			s.earned[sc][m] += r.Earned[c][pm]
		}
		if !s.first[m] {
			s.first[m] = true
			if r.BalanceIn != nil {
				s.in[m] = r.BalanceIn[pm]
			}
		}
		s.out[m] = r.BalanceOut[pm]
		if k := r.Rank[pm]; k != NoRank {
			s.highest[m] = max(s.highest[m], ranks[k])
		}
	}
	for c, sc := range comps {
		s.sum.Paid[sc] += r.Paid[c]
		s.sum.Breakage[sc] += r.Breakage[c]
	}
	s.sum.Payout += r.Payout
	s.sum.Sales += r.Sales
	s.sum.SalesAmount += r.SalesAmount
	s.sum.Volume += r.Volume
	pct, ok := r.PayoutPct()
	s.Periods = append(s.Periods, PeriodFigures{Period: period, Plan: r.Plan, Payout: r.Payout, SalesAmount: r.SalesAmount, PayoutPct: pct, HasPct: ok})
	s.last = r
}

// Result is the span's result (see Span); nil before any period is added.
func (s *Span) Result() *Result {
	if s.last == nil {
		return nil
	}
	o, remap := s.last.Org, s.last.remap
	n := o.Len()
	r := s.sum
	p := s.plan
	r.Plan, r.Org, r.Data = &p, o, s.last.Data
	r.Earned = make([][]dec.D, len(p.Components))
	for c := range r.Earned {
		r.Earned[c] = make([]dec.D, n)
	}
	r.BalanceIn, r.BalanceOut, r.Rank = make([]dec.D, n), make([]dec.D, n), make([]int16, n)
	for m := range s.n {
		pm := int32(m)
		if remap != nil {
			pm = remap[m]
		} else if m >= n {
			pm = -1
		}
		if pm < 0 {
			continue
		}
		for c := range r.Earned {
			r.Earned[c][pm] = s.earned[c][m]
		}
		r.BalanceIn[pm], r.BalanceOut[pm], r.Rank[pm] = s.in[m], s.out[m], s.highest[m]
	}
	r.Qualified = r.Rank
	r.Paid, r.Breakage = slices.Clone(s.sum.Paid), slices.Clone(s.sum.Breakage)
	return &r
}
