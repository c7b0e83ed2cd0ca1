package plan

import (
	"cmp"
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// reversal is one return to reverse (returns: reverse): the return sale,
// its order, and the share of the order it returns.
type reversal struct {
	sale     SaleRef
	seller   int32
	order    string
	returned dec.D // the return's volume, as a positive number
	before   dec.D // the order's volume returned before this return
	of       dec.D // the order's volume
	lines    func(component string) []OrderLine
	// period is the number of the period the order was paid in (State.
	// Periods), 0 when it is this period's.
	period int
	// carried is true for an order of an earlier period (from the state).
	carried bool
}

// reverseReturns finds this period's returns under returns: reverse. A
// return whose order is in the state (within the return window) or among
// this period's sales is reversed: it gets no volume (zero marks it in the
// effective sales) and its order's lines are reversed pro rata. Any other
// return is reported and counted as volume.
//
// The returns are taken in canonical order, never the rows': by seller id,
// order id, then date, returned volume (smallest first) and qualifying volume. The returns
// of one order are applied cumulatively in that order, together never more
// than the order's volume: a return that would take them past it is
// counted as volume. An order sold by two members this period cannot be
// returned: it is an input error naming the return's row.
func (r *run) reverseReturns(d *tree.Data, res *Result) (zero map[SaleRef]bool, out []reversal, err error) {
	s := &d.Sales
	// The orders returned this period, and this period's volume of each.
	returned := map[string]bool{}
	var rets []SaleRef
	for c := range s.Chunks {
		ch := &s.Chunks[c]
		for k := range ch.Member {
			if ch.TypeOf(k) == tree.ReturnType {
				returned[ch.OrderID(k)] = true
				rets = append(rets, SaleRef{int32(c), int32(k)})
			}
		}
	}
	if len(rets) == 0 {
		return nil, nil, nil
	}
	if !d.KeepOrderIDs {
		return nil, nil, fmt.Errorf("returns: reverse needs the sales' order ids: load the sales with KeepOrderIDs")
	}
	here := map[string]dec.D{}
	hereDay := map[string]int32{}       // each returned order's date (its first sale's), with return_window_days
	sellersHere := map[string][]int32{} // the members who sold each returned order this period
	for c := range s.Chunks {
		ch := &s.Chunks[c]
		for k, m := range ch.Member {
			if o := ch.OrderID(k); returned[o] && ch.TypeOf(k) != tree.ReturnType {
				if _, seen := here[o]; !seen {
					hereDay[o] = tree.NoDate
				}
				if day := ch.DateOf(k); day != tree.NoDate && (hereDay[o] == tree.NoDate || day < hereDay[o]) {
					hereDay[o] = day
				}
				here[o] += ch.VolumeOf(k)
				if !slices.Contains(sellersHere[o], m) {
					sellersHere[o] = append(sellersHere[o], m)
				}
			}
		}
	}
	id := r.org.ID
	slices.SortFunc(rets, func(a, b SaleRef) int {
		ca, cb := &s.Chunks[a.Chunk], &s.Chunks[b.Chunk]
		ka, kb := int(a.K), int(b.K)
		if c := cmpStr(id(ca.Member[ka]), id(cb.Member[kb])); c != 0 {
			return c
		}
		if c := cmpStr(ca.OrderID(ka), cb.OrderID(kb)); c != 0 {
			return c
		}
		if c := cmpInt(ca.DateOf(ka), cb.DateOf(kb)); c != 0 {
			return c
		}
		if c := cmpInt(-ca.VolumeOf(ka), -cb.VolumeOf(kb)); c != 0 {
			return c
		}
		return cmpInt(-ca.QVOf(ka), -cb.QVOf(kb))
	})
	// wrongMember is the error of a return by m of an order held for
	// seller (nil when m is the seller).
	wrongMember := func(ch *tree.SaleChunk, k int, o string, m int32, seller string) error {
		if id(m) == seller {
			return nil
		}
		file, line := ch.Where(k)
		return &tree.InputError{File: file, Line: line, Field: "member_id",
			Msg: fmt.Sprintf("the return of order %s is by %s, but the order is %s's: a return names its order's own member", o, id(m), seller)}
	}
	zero = map[SaleRef]bool{}
	done := map[string]dec.D{} // returned so far this period
	for _, ref := range rets {
		ch, k := &s.Chunks[ref.Chunk], int(ref.K)
		m := ch.Member[k]
		o, v := ch.OrderID(k), -ch.VolumeOf(k)
		rv := reversal{sale: ref, seller: m, order: o, returned: v}
		why := ""
		late := func(from int32) string {
			if r.plan.inWindow(from, ch.DateOf(k)) {
				return ""
			}
			return fmt.Sprintf("it is past the return window of %s after the order's date, %s", plural(r.plan.ReturnWindowDays, "day"), tree.FormatDate(from))
		}
		if vol, ok := here[o]; ok {
			if sellers := sellersHere[o]; len(sellers) > 1 {
				names := make([]string, len(sellers))
				for i, m := range sellers {
					names[i] = id(m)
				}
				slices.Sort(names)
				file, line := ch.Where(k)
				return nil, nil, &tree.InputError{File: file, Line: line, Field: "order_id",
					Msg: fmt.Sprintf("order %s is sold by both %s: an order is one member's, so its return cannot say whose pay to take back", o, strings.Join(names, " and "))}
			}
			if err := wrongMember(ch, k, o, m, id(sellersHere[o][0])); err != nil {
				return nil, nil, err
			}
			rv.of, rv.before = vol, done[o]
			rv.lines = func(comp string) []OrderLine { return res.orders[o].linesOf(comp) }
			if done[o]+v > vol {
				why = "it returns more than the order's volume"
			}
			why = cmp.Or(late(hereDay[o]), why)
		} else if st := r.carried.order(o); st != nil {
			if err := wrongMember(ch, k, o, m, st.Seller); err != nil {
				return nil, nil, err
			}
			rv.of, rv.before = st.Volume, st.Returned+done[o]
			rv.lines = st.linesOf
			rv.period, rv.carried = st.Period, true
			if st.Returned+done[o]+v > st.Volume {
				why = "it returns more than the order's volume"
			}
			why = cmp.Or(late(dayOf(st.Date)), why)
		} else {
			window := plural(r.plan.ReturnWindow, "period")
			if r.plan.ReturnWindowDays > 0 {
				window = plural(r.plan.ReturnWindowDays, "day")
			}
			why = fmt.Sprintf("order %s is not among this period's sales nor, within the return window of %s, the earlier ones", o, window)
		}
		if why != "" {
			res.ReturnsAsVolume = append(res.ReturnsAsVolume, fmt.Sprintf("return of order %s by %s counted as volume: %s", o, id(m), why))
			continue
		}
		done[o] += v
		zero[rv.sale] = true
		out = append(out, rv)
	}
	res.returnedNow = done
	slices.Sort(res.ReturnsAsVolume)
	return zero, out, nil
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpInt[T ~int32 | ~int64 | ~int](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// order returns the state's lines of order o, or nil.
func (c *carried) order(o string) *OrderLines {
	if c == nil || c.orders == nil {
		return nil
	}
	return c.orders[o]
}

func (o *OrderLines) linesOf(component string) []OrderLine {
	if o == nil {
		return nil
	}
	var out []OrderLine
	for _, l := range o.Lines {
		if l.Component == component {
			out = append(out, l)
		}
	}
	return out
}

// postReversals posts, for component c, each reversed return's share of
// the order's lines, to the original earners in order of earner id. The
// share is cumulative, like the binary's clawback: after returns totalling
// R of an order of volume V, an earner paid P on it has had round(P ×
// min(R, V) ÷ V) reversed; each return reverses that less what the
// returns before it reversed, so a whole return reverses exactly P. The
// lines are exact reversals of what was paid: a payout cap does not scale
// them again.
func (r *run) postReversals(p *poster, c int, revs []reversal) {
	name := r.plan.Components[c].Name
	for _, rv := range revs {
		lines := rv.lines(name)
		paid := map[string]dec.D{}
		var earners []string
		for _, ol := range lines {
			if _, ok := paid[ol.Earner]; !ok {
				earners = append(earners, ol.Earner)
			}
			paid[ol.Earner] += ol.Amount
		}
		slices.Sort(earners)
		after := min(rv.before+rv.returned, rv.of)
		for _, e := range earners {
			pd := paid[e]
			amount := mulDivRound(pd, min(rv.before, rv.of), rv.of, p.digits, p.rounding) - mulDivRound(pd, after, rv.of, p.digits, p.rounding)
			earner := r.org.Lookup(e)
			l := Line{Earner: earner, Upline: earner, Seller: rv.seller, Sale: rv.sale, Base: pd,
				Rate: ratio(rv.returned, rv.of), Amount: amount,
				Skipped: -1, Reason: Reversed, Text: "return of order " + rv.order}
			scale := p.scale
			p.scale = 0 // raw and earned both take the whole amount
			p.post(l)
			p.scale = scale
			if earner >= 0 {
				sums := &r.revNow // reversals of this period's orders
				if rv.carried {
					sums = &r.revOut
				}
				if *sums == nil {
					*sums = make([][]dec.D, len(r.plan.Components))
				}
				if (*sums)[c] == nil {
					(*sums)[c] = make([]dec.D, r.org.Len())
				}
				(*sums)[c][earner] += amount
			}
		}
	}
}

// mulDivRound is round(a × b ÷ c) to digits decimal places, exactly.
func mulDivRound(a, b, c dec.D, digits int, mode dec.Rounding) dec.D {
	unit := int64(dec.MinorUnit(digits))
	return dec.D(divRound(new(big.Int).Mul(big.NewInt(int64(a)), big.NewInt(int64(b))), big.NewInt(int64(c)), unit, mode))
}

// ratio is returned ÷ of as a Rate, rounded half-even (for display: the
// amounts are computed exactly).
func ratio(returned, of dec.D) dec.Rate {
	return dec.Rate(divRound(new(big.Int).Mul(big.NewInt(int64(dec.RateOne)), big.NewInt(int64(returned))), big.NewInt(int64(of)), 1, dec.HalfEven))
}

// divRound is num ÷ den rounded by mode to a multiple of unit (den ≠ 0).
func divRound(num, den *big.Int, unit int64, mode dec.Rounding) int64 {
	if den.Sign() == 0 {
		return 0
	}
	neg := (num.Sign() < 0) != (den.Sign() < 0)
	n, d := new(big.Int).Abs(num), new(big.Int).Abs(den)
	d.Mul(d, big.NewInt(unit))
	q, rem := new(big.Int).QuoRem(n, d, new(big.Int))
	twice := rem.Mul(rem, big.NewInt(2))
	switch mode {
	case dec.HalfEven:
		if c := twice.Cmp(d); c > 0 || (c == 0 && q.Bit(0) == 1) {
			q.Add(q, big.NewInt(1))
		}
	case dec.HalfUp:
		if twice.Cmp(d) >= 0 {
			q.Add(q, big.NewInt(1))
		}
	}
	v := q.Int64() * unit
	if neg {
		return -v
	}
	return v
}

// capture keeps the earner lines of this period's orders that a later (or
// this period's) return may reverse.
func (res *Result) capture(d *tree.Data, keep func(string) bool) func(*Line) {
	res.orders = map[string]*OrderLines{}
	return func(l *Line) {
		if l.Earner < 0 || l.Sale.Chunk < 0 || l.Reason == Reversed {
			return
		}
		ch := &d.Sales.Chunks[l.Sale.Chunk]
		if ch.TypeOf(int(l.Sale.K)) == tree.ReturnType {
			return
		}
		o := ch.OrderID(int(l.Sale.K))
		if o == "" || (keep != nil && !keep(o)) {
			return
		}
		ol := res.orders[o]
		if ol == nil {
			ol = &OrderLines{Order: o, Seller: res.Org.ID(ch.Member[l.Sale.K])}
			res.orders[o] = ol
		} else if id := res.Org.ID(ch.Member[l.Sale.K]); id < ol.Seller {
			ol.Seller = id // sold by two members: the lower id, whatever the rows
		}
		ol.Lines = append(ol.Lines, OrderLine{Earner: res.Org.ID(l.Earner), Component: res.Plan.Components[l.Component].Name, Amount: l.Amount})
	}
}

// orderVolumes remembers every order of this period that keep keeps (nil:
// every one), whether or not it paid an earner line (a binary pays from
// legs, a line may be all breakage), and sets each one's volume: its
// sales this period.
func (res *Result) orderVolumes(d *tree.Data, keep func(string) bool) {
	for c := range d.Sales.Chunks {
		ch := &d.Sales.Chunks[c]
		for k, m := range ch.Member {
			if ch.TypeOf(k) == tree.ReturnType {
				continue
			}
			o := ch.OrderID(k)
			if o == "" || (keep != nil && !keep(o)) {
				continue
			}
			ol := res.orders[o]
			if ol == nil {
				ol = &OrderLines{Order: o, Seller: res.Org.ID(m), Lines: []OrderLine{}}
				res.orders[o] = ol
			} else if id := res.Org.ID(m); id < ol.Seller {
				ol.Seller = id // sold by two members: the lower id, whatever the rows
			}
			ol.Volume += ch.VolumeOf(k)
			if day := ch.DateOf(k); day != tree.NoDate && (ol.Date == "" || tree.FormatDate(day) < ol.Date) {
				ol.Date = tree.FormatDate(day)
			}
		}
	}
}

// keeps reports whether the lines of an order (or a binary pairing) paid in
// period number period, dated day (NoDate: unknown), are still kept after
// this result's period, number periods: within the last return_window
// periods, or, with return_window_days, while day + the days is after this
// period's last day.
func (r *Result) keeps(period, periods int, day int32) bool {
	p := r.Plan
	if p.ReturnWindowDays > 0 && day != tree.NoDate && r.Data != nil && r.Data.Period != nil {
		return day+int32(p.ReturnWindowDays) > r.Data.Period.To
	}
	return period > periods-p.ReturnWindow
}

// inWindow reports whether a return on day may reverse an order (or claw
// back a pairing) dated from (NoDate: unknown): always but with
// return_window_days, then while day is at most from + the days.
func (p *Plan) inWindow(from, day int32) bool {
	return p.ReturnWindowDays == 0 || from == tree.NoDate || day == tree.NoDate || day <= from+int32(p.ReturnWindowDays)
}

// dayOf reads a date of the state ("" or not a date: NoDate).
func dayOf(s string) int32 {
	if d, ok := tree.ParseDate([]byte(s)); ok {
		return d
	}
	return tree.NoDate
}

// periodEnd is the last day of the result's period ("" without one).
func (r *Result) periodEnd() string {
	if r.Data == nil || r.Data.Period == nil {
		return ""
	}
	return tree.FormatDate(r.Data.Period.To)
}

// keptOrders are the orders the next period may still reverse: those of the
// last return_window periods (period numbers > periods − window).
func (r *Result) keptOrders(periods int) []OrderLines {
	if !r.Plan.ReverseReturns {
		return nil
	}
	var out []OrderLines
	if r.carried != nil {
		for _, o := range r.carried.orders {
			if r.keeps(o.Period, periods, dayOf(o.Date)) {
				kept := *o
				kept.Returned += r.returnedNow[o.Order]
				out = append(out, kept)
			}
		}
	}
	for _, o := range r.orders {
		if !r.keeps(periods, periods, dayOf(o.Date)) {
			continue
		}
		kept := *o
		kept.Period = periods
		kept.Returned = r.returnedNow[o.Order]
		out = append(out, kept)
	}
	slices.SortFunc(out, func(a, b OrderLines) int {
		if a.Order < b.Order {
			return -1
		}
		if a.Order > b.Order {
			return 1
		}
		return a.Period - b.Period
	})
	return out
}

// lineSums are, by component, each member's positive and negative lines
// (after the payout cap's scaling), leaving out the caps' cuts: what
// recordPaid needs to know how much of the positive lines was paid.
type lineSums [][2][]dec.D

func (g lineSums) add(n int, l *Line) {
	if l.Earner < 0 || l.Reason == Capped || l.Reason == MemberCapped || l.Amount == 0 {
		return
	}
	side := 0
	if l.Amount < 0 {
		side = 1
	}
	if g[l.Component][side] == nil {
		g[l.Component][side] = make([]dec.D, n)
	}
	g[l.Component][side][l.Earner] += l.Amount
}

// recordPaid makes this period's order lines what they paid, after the
// component caps, the member cap and the payout cap, so a later return
// takes back what the earner received, never what a cap kept from them.
// A member whose positive lines of a component came to G, the reversals
// of this period's orders to S, other negative lines to N, and who was
// paid P of it after the caps, was paid P − N of the net lines G + S (a
// return in the order's period nets its line before the caps): each line
// is recorded as round-down(amount × (P − N) ÷ (G + S)), never more than
// the line, so the cumulative reversal of the rest of the order takes back
// the paid share of its net.
func (res *Result) recordPaid(g lineSums, now [][]dec.D) {
	if len(res.orders) == 0 || g == nil {
		return
	}
	comp := map[string]int{}
	for c, cp := range res.Plan.Components {
		comp[cp.Name] = c
	}
	for _, ol := range res.orders {
		for i := range ol.Lines {
			l := &ol.Lines[i]
			c, ok := comp[l.Component]
			m := res.Org.Lookup(l.Earner)
			if !ok || m < 0 || l.Amount <= 0 || g[c][0] == nil {
				continue
			}
			l.Amount = res.paidShare(g, now, c, m, l.Amount)
		}
	}
}

// paidShare is what member m was paid of a positive line of component c
// of this period: round-down(amount × (P − N) ÷ (G + S)), as recordPaid
// says.
func (res *Result) paidShare(g lineSums, now [][]dec.D, c int, m int32, amount dec.D) dec.D {
	if g[c][0] == nil {
		return amount
	}
	pos := g[c][0][m]
	var neg dec.D
	if g[c][1] != nil {
		neg = g[c][1][m]
	}
	if now != nil && now[c] != nil {
		pos += now[c][m]
		neg -= now[c][m]
	}
	paid := res.Earned[c][m] - neg
	if pos <= 0 || paid >= pos {
		return amount
	}
	paid = max(paid, 0)
	return mulDivRound(amount, paid, pos, res.Plan.Digits, dec.Down)
}

// matchLine is a matching line paid to earner on what member of earned.
type matchLine struct {
	comp       int
	earner, of int32
	amount     dec.D
}

// attributeMatches records, with this period's orders, the matching paid
// on each: a match of A on what member X earned from the matched
// components (G of positive lines, N of negative ones, leaving out
// reversals of earlier orders) is attributed to each order O on which X
// earned a_O as round-down(A × a_O ÷ (G + N)), so a later return reverses
// the match from whoever was paid it on the order. Matchings come in
// evaluation order: a matching of a matching sees the lines recorded
// before it.
func (res *Result) attributeMatches(r *run, order []int, matched []matchLine, g lineSums) {
	if len(matched) == 0 || len(res.orders) == 0 {
		return
	}
	ids := make([]string, 0, len(res.orders))
	for o := range res.orders {
		ids = append(ids, o)
	}
	slices.Sort(ids)
	comps := res.Plan.Components
	for _, c := range order {
		if comps[c].matched() == nil {
			continue
		}
		of := map[string]int{}
		for _, o := range comps[c].matched() {
			of[comps[o].Name] = o
		}
		// What each member earned on each order from the matched components.
		type share struct {
			order  string
			amount dec.D
		}
		byMember := map[string][]share{}
		for _, id := range ids {
			for _, l := range res.orders[id].Lines {
				if _, ok := of[l.Component]; ok && l.Amount != 0 {
					sh := byMember[l.Earner]
					if n := len(sh); n > 0 && sh[n-1].order == id {
						sh[n-1].amount += l.Amount
					} else {
						sh = append(sh, share{id, l.Amount})
					}
					byMember[l.Earner] = sh
				}
			}
		}
		for _, ml := range matched {
			if ml.comp != c || ml.amount <= 0 {
				continue
			}
			sh := byMember[res.Org.ID(ml.of)]
			if len(sh) == 0 {
				continue
			}
			var denom dec.D
			for _, o := range comps[c].matched() {
				if g[o][0] != nil {
					denom += g[o][0][ml.of]
				}
				if g[o][1] != nil {
					denom += g[o][1][ml.of]
				}
				if r.revOut != nil && r.revOut[o] != nil {
					denom -= r.revOut[o][ml.of]
				}
			}
			if denom <= 0 {
				continue
			}
			earner := res.Org.ID(ml.earner)
			for _, s := range sh {
				if s.amount <= 0 {
					continue
				}
				a := min(mulDivRound(ml.amount, s.amount, denom, res.Plan.Digits, dec.Down), ml.amount)
				if a > 0 {
					ol := res.orders[s.order]
					ol.Lines = append(ol.Lines, OrderLine{Earner: earner, Component: comps[c].Name, Amount: a})
				}
			}
		}
	}
}
