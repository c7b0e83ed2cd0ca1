package plan

import (
	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// RunPeriod computes one period: the data as of the period (see
// tree.Data.InPeriod), with the state the previous period handed over (nil
// for the first period; stateName names its file in errors). The result's
// NextState is the state for the period after.
func RunPeriod(p *Plan, d *tree.Data, period tree.Period, state *State, stateName string, opts Options) (*Result, error) {
	if state != nil {
		if err := state.Check(p, period, stateName); err != nil {
			return nil, err
		}
	}
	pd, err := d.InPeriod(period)
	if err != nil {
		return nil, err
	}
	opts.State, opts.StateName = state, stateName
	return ComputeWith(p, pd, opts)
}

// Replay computes every period in order with one plan: ReplayVersions
// with p as the only version.
func Replay(p *Plan, d *tree.Data, periods []tree.Period, opts Options, each func(tree.Period, *Result) error,
	lines func(period tree.Period, first bool) func(*Result, *Line) error) error {
	return ReplayVersions(Single(p), d, periods, opts, each, lines)
}

// ReplayVersions computes every period in order, periods without sales
// included, each by the version of the plan in effect on its first day
// (Versions.At) and with the state the one before handed over, and calls
// each with every result in turn. The sales are bucketed by period once.
// lines, when set, gives the line sink of each period (as Options.Lines;
// nil for none); first is true for the first period. opts.State, when set,
// is the state the first period starts from (the period it ends must be
// the one before the first), as a chain of runs resumed with --state-in.
//
// Where the version changes, the state goes over as chained runs hand it
// on: the document the period before writes, laid over the new version
// (what it cannot carry is dropped and counted in Result.StateDropped).
func ReplayVersions(v Versions, d *tree.Data, periods []tree.Period, opts Options, each func(tree.Period, *Result) error,
	lines func(period tree.Period, first bool) func(*Result, *Line) error) error {
	version := make([]*Plan, len(periods))
	changes, reverse := false, false
	for i, period := range periods {
		p, _, err := v.At(period.From)
		if err != nil {
			return err
		}
		version[i] = p
		changes = changes || (i > 0 && p != version[i-1])
		reverse = reverse || p.ReverseReturns
	}
	initial, initialName := opts.State, opts.StateName
	opts.State, opts.StateName = nil, ""
	if initial != nil && len(periods) > 0 {
		if err := initial.Check(version[0], periods[0], initialName); err != nil {
			return err
		}
	}
	buckets, err := d.Split(periods)
	if err != nil {
		return err
	}
	keepAll := len(periods) // the first period whose orders are all kept
	if reverse && opts.KeepOrders == nil && !changes {
		// Replay knows every return ahead: keep only the lines of
		// orders that are returned, but every order of the last
		// return_window periods, which the state after the last period
		// holds for later returns (so it is the chained runs' state).
		// Where the version changes, every order is kept: the state
		// handed to the next version is the chained runs' too.
		last := version[len(periods)-1]
		keepAll = max(len(periods)-last.ReturnWindow, 0)
		if days := last.ReturnWindowDays; days > 0 { // a period whose last day is days before the end keeps no order
			end := periods[len(periods)-1].To
			keepAll = len(periods) - 1
			for keepAll > 0 && periods[keepAll-1].To+int32(days) > end {
				keepAll--
			}
		}
		returned := map[string]bool{}
		for _, b := range buckets {
			for c := range b.Chunks {
				ch := &b.Chunks[c]
				for k := range ch.Member {
					if ch.TypeOf(k) == tree.ReturnType {
						returned[ch.OrderID(k)] = true
					}
				}
			}
		}
		opts.KeepOrders = func(o string) bool { return returned[o] }
	}
	// The state goes from period to period in memory, per member of the
	// whole organisation (a period's organisation may lack later members).
	var full *carried
	var before *Result // the period before's result, where the version changes
	// The arrays one period lets go of are lent to the next, sized for
	// the whole organisation.
	opts.spares = newSpares(d.Org.Len())
	var kept *Result // with Recycle, the result each was called with last
	for i, period := range periods {
		pd, remap, err := d.WithSalesRemap(period, buckets[i])
		if err != nil {
			return err
		}
		buckets[i] = tree.Sales{} // done with: let it go
		o := opts
		if i >= keepAll {
			o.KeepOrders = nil
		}
		o.carried = full.on(remap, pd.Org.Len())
		switch {
		case i == 0:
			o.State, o.StateName = initial, initialName // laid over the first period's members
		case version[i] != version[i-1]:
			o.carried = nil
			o.State, o.StateName = before.NextState(periods[i-1]), "the state after "+periods[i-1].Name
		}
		if lines != nil {
			o.Lines = lines(period, i == 0)
		}
		res, err := ComputeWith(version[i], pd, o)
		if err != nil {
			return err
		}
		res.remap = remap
		if err := each(period, res); err != nil {
			return err
		}
		if opts.Recycle {
			if kept != nil {
				kept.giveEarned(opts.spares)
			}
			kept = res
		}
		// The result's own carried state counts the periods chained, a
		// resumed state's included.
		full = res.carryOver(res.carried, remap, d.Org.Len())
		before = nil
		if i+1 < len(periods) && version[i+1] != version[i] {
			before = res
		}
	}
	return nil
}

// on returns c (numbered by the whole organisation) for a period's
// organisation: remap gives each member's number there (-1: not in it;
// nil: the same numbering). A nil c is nil.
func (c *carried) on(remap []int32, n int) *carried {
	if c == nil || remap == nil {
		return c
	}
	// When the period's members are the first n, numbered as in the whole
	// organisation (see tree.Org.AsOf), the state is the first n of each
	// array, shared, never copied (nothing writes to a carried state once
	// it is made).
	prefix := n > 0 && remap[n-1] == int32(n-1)
	out := &carried{orders: c.orders, pairings: c.pairings, periods: c.periods,
		highest:      onPeriod(c.highest, remap, n, prefix),
		recent:       onPeriod(c.recent, remap, n, prefix),
		recentPaid:   onPeriod(c.recentPaid, remap, n, prefix),
		instalments:  onPeriod(c.instalments, remap, n, prefix),
		firstOrdered: onPeriod(c.firstOrdered, remap, n, prefix),
		firstPaired:  onPeriod(c.firstPaired, remap, n, prefix),
		recentPV:     onPeriod(c.recentPV, remap, n, prefix),
		recentGV:     onPeriod(c.recentGV, remap, n, prefix),
		balance:      onPeriod(c.balance, remap, n, prefix)}
	if c.reached != nil {
		out.reached = make([][]int16, len(c.reached))
		for ci, r := range c.reached {
			out.reached[ci] = onPeriod(r, remap, n, prefix)
		}
	}
	if c.carry != nil {
		out.carry = &[2][]dec.D{onPeriod(c.carry[0], remap, n, prefix), onPeriod(c.carry[1], remap, n, prefix)}
	}
	if c.carryAges != nil {
		out.carryAges = &[2][][]dec.D{onPeriod(c.carryAges[0], remap, n, prefix), onPeriod(c.carryAges[1], remap, n, prefix)}
	}
	if c.placed != nil {
		out.placed = newPrior(n, c.placed.File)
		for m, pm := range remap {
			if pa := c.placed.Parent[m]; pm >= 0 && pa >= 0 && remap[pa] >= 0 {
				out.placed.Parent[pm], out.placed.Leg[pm] = remap[pa], c.placed.Leg[m]
			}
		}
	}
	return out
}

// onPeriod returns s, per member of the whole organisation, per member of
// a period's n (remap: as for on): its first n entries, shared, when the
// period keeps the numbers (prefix), else a copy. nil stays nil.
func onPeriod[T any](s []T, remap []int32, n int, prefix bool) []T {
	if s == nil {
		return nil
	}
	if prefix {
		return s[:n:n]
	}
	out := make([]T, n)
	for m, pm := range remap {
		if pm >= 0 {
			out[pm] = s[m]
		}
	}
	return out
}

// onWhole returns s, per member of a period's organisation, per member of
// the whole organisation of n (remap: as for on; nil: the same numbering),
// none for a member not in the period. nil stays nil.
func onWhole[T any](s []T, remap []int32, n int, none T) []T {
	if s == nil {
		return nil
	}
	out := make([]T, n)
	for m := range out {
		pm := int32(m)
		if remap != nil {
			pm = remap[m]
		}
		if pm < 0 {
			out[m] = none
		} else {
			out[m] = s[pm]
		}
	}
	return out
}

// carryOver is what this result hands the next period, numbered by the
// whole organisation of n members (remap: as for on), the same as
// NextState laid over the members.
func (r *Result) carryOver(prev *carried, remap []int32, n int) *carried {
	c := &carried{periods: 1,
		highest:      onWhole(r.Highest, remap, n, NoRank),
		recent:       onWhole(r.Recent, remap, n, nil), // only a grace keeps them: 24 bytes a member otherwise
		recentPaid:   onWhole(r.RecentPaid, remap, n, nil),
		instalments:  onWhole(r.Instalments, remap, n, nil),
		firstOrdered: onWhole(r.FirstOrdered, remap, n, false),
		firstPaired:  onWhole(r.FirstPaired, remap, n, false),
		recentPV:     onWhole(r.RecentPV, remap, n, nil),
		recentGV:     onWhole(r.RecentGV, remap, n, nil)}
	if prev != nil {
		c.periods = prev.periods + 1
	}
	if r.Reached != nil {
		c.reached = make([][]int16, len(r.Reached))
		for ci, reached := range r.Reached {
			c.reached[ci] = onWhole(reached, remap, n, NoRank)
		}
	}
	var bal []dec.D
	// full[pm] is period member pm's number in the whole organisation.
	full := make([]int32, r.Org.Len())
	for m := range n {
		if remap == nil {
			full[m] = int32(m)
		} else if pm := remap[m]; pm >= 0 {
			full[pm] = int32(m)
		}
	}
	var carry *[2][]dec.D
	for m := range n {
		pm := int32(m)
		if remap != nil {
			if pm = remap[m]; pm < 0 {
				continue
			}
		}
		if b := r.BalanceOut[pm]; b != 0 {
			if bal == nil {
				bal = make([]dec.D, n)
			}
			bal[m] = b
		}
		if b := r.Binary; b != nil && b.Auto[pm] {
			if c.placed == nil {
				c.placed = newPrior(n, "")
			}
			c.placed.Parent[m], c.placed.Leg[m] = full[b.Parent[pm]], b.Leg[pm]
		}
		if r.Legs != nil {
			if l, rt := r.Legs.CarryOutL[pm], r.Legs.CarryOutR[pm]; l != 0 || rt != 0 {
				if carry == nil {
					carry = &[2][]dec.D{make([]dec.D, n), make([]dec.D, n)}
				}
				carry[0][m], carry[1][m] = l, rt
			}
		}
	}
	c.balance, c.carry = bal, carry
	if r.Legs != nil && r.Legs.AgesOut[0] != nil {
		c.carryAges = &[2][][]dec.D{onWhole(r.Legs.AgesOut[0], remap, n, nil), onWhole(r.Legs.AgesOut[1], remap, n, nil)}
	}
	if prs := r.keptPairings(c.periods); prs != nil {
		c.pairings = make(map[pairKey]*Pairing, len(prs))
		for i := range prs {
			c.pairings[pairKey{prs[i].Member, prs[i].Period}] = &prs[i]
		}
	}
	if orders := r.keptOrders(c.periods); orders != nil {
		c.orders = make(map[string]*OrderLines, len(orders))
		for i := range orders {
			c.orders[orders[i].Order] = &orders[i]
		}
	}
	return c
}
