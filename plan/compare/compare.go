// Package compare weighs several plans computed on the same data: what each
// costs, how its earnings are spread, what each rank earns (an income
// disclosure table), and who gains or loses against the first plan.
package compare

import (
	"fmt"
	"math/big"
	"math/bits"
	"slices"
	"sync"

	"github.com/compplan/compplan/plan"
	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// Dist describes a list of earnings. With N = 0 every figure is absent
// (Has is false).
type Dist struct {
	N                                int
	Has                              bool
	Mean, Median, P75, P90, P99, Max dec.D
}

// RankStats is one paid-as rank's line of an income disclosure table.
type RankStats struct {
	Rank              string // "" for members without a rank
	Count             int
	Pct               dec.D // of all members, 2 places
	Median, Mean, Max dec.D
}

// PlanStats is one plan's figures.
type PlanStats struct {
	Label  string
	Result *plan.Result
	// Earners are members paid more than 0, and their share of members.
	Earners    int
	EarnersPct dec.D
	// All and AmongEarners describe members' totals.
	All, AmongEarners Dist
	// Top1Share and Top10Share are the percent of the payout going to the
	// top 1% and 10% of earners (⌈n/100⌉ and ⌈n/10⌉ of them, ties by id).
	Top1Share, Top10Share dec.D
	Ranks                 []RankStats
	// Periods are, compared over history (CompareSpans), each period's
	// figures (nil for one run).
	Periods []plan.PeriodFigures
}

// Mover is a member whose total changes between the first plan and another.
type Mover struct {
	Member        int32
	Before, After dec.D
	Delta         dec.D
}

// Comparison is every plan's figures, and, for each plan after the first,
// the members who gain most and lose most against the first.
type Comparison struct {
	// Data describes what the plans were computed on, for a report's
	// header (nil: not said).
	Data    *Data
	Plans   []PlanStats
	Gainers [][]Mover // [plan][k]; Gainers[0] is empty
	Losers  [][]Mover
}

// Data is what a comparison was computed on.
type Data struct {
	Members, Customers int
	Sales              int
	SalesAmount        dec.D
	Currency           string
	// From and To are the first and last sale dates ("" when undated);
	// Periods, over history, how many periods and of what (Every).
	From, To string
	Periods  int
	Every    string
	// Files are the input files, as given.
	Files []string
}

// Compare computes the figures of results (one per plan, on the same data)
// with top movers per plan. Plans are worked on side by side.
func Compare(labels []string, results []*plan.Result, top int) *Comparison {
	c := &Comparison{Plans: make([]PlanStats, len(results)), Gainers: make([][]Mover, len(results)), Losers: make([][]Mover, len(results))}
	totals := make([][]dec.D, len(results))
	var wg sync.WaitGroup
	for i, r := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			totals[i] = memberTotals(r)
			c.Plans[i] = stats(labels[i], r, totals[i])
		}()
	}
	wg.Wait()
	for i := 1; i < len(results); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Gainers[i], c.Losers[i] = movers(results[0].Org, totals[0], totals[i], top)
		}()
	}
	wg.Wait()
	return c
}

// CompareSpans compares plans over history: each span (one per plan, of
// the same periods of the same data) as one Result — each member's totals
// and payables summed over the periods, ranked by the highest paid-as rank
// reached (see plan.Span) — and each period's payout.
func CompareSpans(labels []string, spans []*plan.Span, top int) *Comparison {
	results := make([]*plan.Result, len(spans))
	for i, s := range spans {
		results[i] = s.Result()
	}
	c := Compare(labels, results, top)
	for i, s := range spans {
		c.Plans[i].Periods = s.Periods
	}
	return c
}

// memberTotals is every member's total, by member number.
func memberTotals(r *plan.Result) []dec.D {
	t := make([]dec.D, r.Org.Len())
	for c := range r.Plan.Components {
		for m, v := range r.Earned[c] {
			t[m] += v
		}
	}
	return t
}

// stats works out a plan's figures from every member's total. Its lists
// (every total, the earners' payables, each rank's totals) are made one
// after the other in one buffer of a value a member, and sorted through
// one scratch buffer: two arrays a plan, however many ranks (compare
// works on plans side by side, each with a million members or more).
func stats(label string, r *plan.Result, totals []dec.D) PlanStats {
	s := PlanStats{Label: label, Result: r}
	digits := r.Plan.Digits
	n := len(totals)
	buf, scratch := make([]dec.D, n), make([]dec.D, n)
	all := buf
	copy(all, totals)
	sortDecimals(all, scratch)
	s.All = describeSorted(all, digits)
	// Earners as run and replay count them: members paid more than 0 (a
	// total held under min_payout, or a debit, is not paid), with what
	// they are paid; the top shares are of the payout, Σ payable.
	earners := buf[:0]
	for m := range int32(n) {
		if v := r.Payable(m); v > 0 {
			earners = append(earners, v)
		}
	}
	sortDecimals(earners, scratch)
	s.Earners = len(earners)
	s.EarnersPct = pct(int64(len(earners)), int64(n))
	s.AmongEarners = describeSorted(earners, digits)
	// The top k earners' share: the k largest payables (ties do not
	// change the sum) of the payout.
	payout := r.Payout
	share := func(k int) dec.D {
		var t dec.D
		for _, v := range earners[len(earners)-min(k, len(earners)):] {
			t += v
		}
		if payout <= 0 {
			return 0
		}
		return dec.Percent(t, payout)
	}
	s.Top1Share, s.Top10Share = share((len(earners)+99)/100), share((len(earners)+9)/10)
	// Each rank's totals ([0]: no rank), rank by rank in buf: counted,
	// then placed.
	at := make([]int, len(r.Plan.Ranks)+2) // rank k's list is buf[at[k]:at[k+1]]
	for m := range totals {
		at[int(r.Rank[m])+2]++
	}
	for k := 1; k < len(at); k++ {
		at[k] += at[k-1]
	}
	next := slices.Clone(at)
	for m, t := range totals {
		k := int(r.Rank[m]) + 1
		buf[next[k]] = t
		next[k]++
	}
	for k := range len(at) - 1 {
		list := buf[at[k]:at[k+1]]
		if len(list) == 0 && k == 0 {
			continue
		}
		sortDecimals(list, scratch)
		d := describeSorted(list, digits)
		rs := RankStats{Count: len(list), Pct: pct(int64(len(list)), int64(n)), Median: d.Median, Mean: d.Mean, Max: d.Max}
		if k > 0 {
			rs.Rank = r.Plan.Ranks[k-1].Name
		}
		s.Ranks = append(s.Ranks, rs)
	}
	return s
}

// describeSorted gives the mean (rounded half-even to digits) and the
// nearest-rank percentiles of ascending values: the value at position
// ⌈p·n/100⌉.
func describeSorted(sorted []dec.D, digits int) Dist {
	d := Dist{N: len(sorted), Has: len(sorted) > 0}
	if !d.Has {
		return d
	}
	at := func(p int) dec.D { return sorted[(p*len(sorted)+99)/100-1] }
	d.Median, d.P75, d.P90, d.P99, d.Max = at(50), at(75), at(90), at(99), sorted[len(sorted)-1]
	// The exact sum in 128 bits (hi:lo, two's complement), then big.
	var hi, lo uint64
	for _, v := range sorted {
		var carry uint64
		lo, carry = bits.Add64(lo, uint64(v), 0)
		hi += carry
		if v < 0 {
			hi-- // sign extension of v
		}
	}
	sum := new(big.Int).Lsh(new(big.Int).SetUint64(hi), 64)
	sum.Or(sum, new(big.Int).SetUint64(lo))
	if int64(hi) < 0 {
		sum.Sub(sum, new(big.Int).Lsh(big.NewInt(1), 128))
	}
	// mean = sum / n, rounded half-even to digits.
	unit := big.NewInt(int64(dec.MinorUnit(digits)))
	q, rem := new(big.Int).QuoRem(sum, new(big.Int).Mul(big.NewInt(int64(len(sorted))), unit), new(big.Int))
	twice := new(big.Int).Mul(rem.Abs(rem), big.NewInt(2))
	switch c := twice.Cmp(new(big.Int).Mul(big.NewInt(int64(len(sorted))), unit)); {
	case c > 0, c == 0 && q.Bit(0) == 1:
		if sum.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	d.Mean = dec.D(q.Int64()) * dec.MinorUnit(digits)
	return d
}

// pct is part/whole × 100 rounded half-even to 2 places (0 when whole is 0).
func pct(part, whole int64) dec.D {
	if whole == 0 {
		return 0
	}
	return dec.Percent(dec.FromInt(part), dec.FromInt(whole))
}

// movers returns the top members gaining most and losing most from totals
// a to b (ties by id), at most top of each; members whose total does not
// change are neither.
func movers(o *tree.Org, a, b []dec.D, top int) (gainers, losers []Mover) {
	type moved struct {
		Mover
		pos int // in id order: breaks ties
	}
	// The top few of each side, kept in order as the members go by: a
	// member who does not beat the last kept costs one comparison, so
	// this is one pass, not a sort of every member.
	var up, down []moved
	keep := func(list []moved, mv moved, before func(x, y moved) bool) []moved {
		if top <= 0 || (len(list) == top && !before(mv, list[top-1])) {
			return list
		}
		i, _ := slices.BinarySearchFunc(list, mv, func(x, y moved) int {
			if before(x, y) {
				return -1
			}
			return 1
		})
		if len(list) < top {
			list = append(list, moved{})
		}
		copy(list[i+1:], list[i:len(list)-1])
		list[i] = mv
		return list
	}
	gains := func(x, y moved) bool { return x.Delta > y.Delta || (x.Delta == y.Delta && x.pos < y.pos) }
	falls := func(x, y moved) bool { return x.Delta < y.Delta || (x.Delta == y.Delta && x.pos < y.pos) }
	for pos, m := range o.ByID() {
		switch mv := (Mover{Member: m, Before: a[m], After: b[m], Delta: b[m] - a[m]}); {
		case mv.Delta > 0:
			up = keep(up, moved{mv, pos}, gains)
		case mv.Delta < 0:
			down = keep(down, moved{mv, pos}, falls)
		}
	}
	for _, mv := range up {
		gainers = append(gainers, mv.Mover)
	}
	for _, mv := range down {
		losers = append(losers, mv.Mover)
	}
	return gainers, losers
}

// SameCurrency refuses plans in different currencies: a comparison
// subtracts one plan's amounts from another's, which means nothing across
// currencies. files name the plans, in the order of plans; the error is an
// input error on the first plan whose currency differs from the first's,
// naming both plans and both currencies. Call it before Compare.
func SameCurrency(files []string, plans []*plan.Plan) error {
	for i := 1; i < len(plans); i++ {
		if plans[i].Currency != plans[0].Currency {
			return &tree.InputError{File: files[i], Msg: fmt.Sprintf(
				"plan %q pays in %s, but plan %q (%s) pays in %s: compare needs plans in one currency",
				plans[i].Name, plans[i].Currency, plans[0].Name, files[0], plans[0].Currency)}
		}
	}
	return nil
}
