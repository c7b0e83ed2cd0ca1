// Package compare weighs several plans computed on the same data: what each
// costs, how its earnings are spread, what each rank earns (an income
// disclosure table), and who gains or loses against the first plan.
package compare

import (
	"cmp"
	"math/big"
	"slices"

	"github.com/compplan/compplan/plan"
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
	Plans   []PlanStats
	Gainers [][]Mover // [plan][k]; Gainers[0] is empty
	Losers  [][]Mover
}

// Compare computes the figures of results (one per plan, on the same data)
// with top movers per plan.
func Compare(labels []string, results []*plan.Result, top int) *Comparison {
	c := &Comparison{Gainers: make([][]Mover, len(results)), Losers: make([][]Mover, len(results))}
	for i, r := range results {
		c.Plans = append(c.Plans, stats(labels[i], r))
		if i > 0 {
			c.Gainers[i], c.Losers[i] = movers(results[0], r, top)
		}
	}
	return c
}

func stats(label string, r *plan.Result) PlanStats {
	o := r.Org
	s := PlanStats{Label: label, Result: r}
	digits := r.Plan.Digits
	var all, earners []dec.D
	type earner struct {
		m     int32
		total dec.D
	}
	var ranked []earner
	byRank := map[int16][]dec.D{}
	for _, m := range o.ByID() {
		t := r.Total(m)
		all = append(all, t)
		byRank[r.Rank[m]] = append(byRank[r.Rank[m]], t)
		if t > 0 {
			earners = append(earners, t)
			ranked = append(ranked, earner{m, t})
		}
	}
	s.Earners = len(earners)
	s.EarnersPct = pct(int64(len(earners)), int64(len(all)))
	s.All = describe(all, digits)
	s.AmongEarners = describe(earners, digits)
	// Top earners: highest total first, ties by id (ByID order is kept).
	slices.SortStableFunc(ranked, func(a, b earner) int { return cmp.Compare(b.total, a.total) })
	var payout dec.D
	for _, e := range ranked {
		payout += e.total
	}
	share := func(k int) dec.D {
		var t dec.D
		for _, e := range ranked[:min(k, len(ranked))] {
			t += e.total
		}
		if payout <= 0 {
			return 0
		}
		return dec.Percent(t, payout)
	}
	n := len(ranked)
	s.Top1Share, s.Top10Share = share((n+99)/100), share((n+9)/10)
	ranks := []int16{plan.NoRank}
	for i := range r.Plan.Ranks {
		ranks = append(ranks, int16(i))
	}
	for _, rk := range ranks {
		list := byRank[rk]
		if len(list) == 0 && rk == plan.NoRank {
			continue
		}
		d := describe(list, digits)
		rs := RankStats{Count: len(list), Pct: pct(int64(len(list)), int64(len(all))), Median: d.Median, Mean: d.Mean, Max: d.Max}
		if rk != plan.NoRank {
			rs.Rank = r.Plan.Ranks[rk].Name
		}
		s.Ranks = append(s.Ranks, rs)
	}
	return s
}

// describe gives the mean (rounded half-even to digits) and the
// nearest-rank percentiles of values: the value at position ⌈p·n/100⌉ of
// the ascending list.
func describe(values []dec.D, digits int) Dist {
	d := Dist{N: len(values), Has: len(values) > 0}
	if !d.Has {
		return d
	}
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	at := func(p int) dec.D { return sorted[(p*len(sorted)+99)/100-1] }
	d.Median, d.P75, d.P90, d.P99, d.Max = at(50), at(75), at(90), at(99), sorted[len(sorted)-1]
	sum := new(big.Int)
	for _, v := range values {
		sum.Add(sum, big.NewInt(int64(v)))
	}
	// mean = sum / n, rounded half-even to digits.
	unit := big.NewInt(int64(dec.MinorUnit(digits)))
	q, rem := new(big.Int).QuoRem(sum, new(big.Int).Mul(big.NewInt(int64(len(values))), unit), new(big.Int))
	twice := new(big.Int).Mul(rem.Abs(rem), big.NewInt(2))
	switch c := twice.Cmp(new(big.Int).Mul(big.NewInt(int64(len(values))), unit)); {
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

// movers returns the top members gaining most and losing most from a to b
// (ties by id), at most top of each; members whose total does not change
// are neither.
func movers(a, b *plan.Result, top int) (gainers, losers []Mover) {
	var all []Mover
	for _, m := range a.Org.ByID() {
		before, after := a.Total(m), b.Total(m)
		if before != after {
			all = append(all, Mover{Member: m, Before: before, After: after, Delta: after - before})
		}
	}
	slices.SortStableFunc(all, func(x, y Mover) int { return cmp.Compare(y.Delta, x.Delta) })
	for _, mv := range all {
		if mv.Delta > 0 && len(gainers) < top {
			gainers = append(gainers, mv)
		}
	}
	for k := len(all) - 1; k >= 0 && len(losers) < top; k-- {
		if all[k].Delta < 0 {
			losers = append(losers, all[k])
		}
	}
	// Losers with equal deltas keep id order.
	slices.SortStableFunc(losers, func(x, y Mover) int {
		if c := cmp.Compare(x.Delta, y.Delta); c != 0 {
			return c
		}
		return a.Org.CompareIDs(x.Member, y.Member)
	})
	return gainers, losers
}
