package plan

import (
	"fmt"
	"math/big"
	"slices"

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
	of       dec.D // the order's volume
	lines    func(component string) []OrderLine
	// period is the number of the period the order was paid in (State.
	// Periods), 0 when it is this period's.
	period int
}

// reverseReturns finds this period's returns under returns: reverse. A
// return whose order is in the state (within the return window) or among
// this period's sales is reversed: it gets no volume (zero marks it in the
// effective sales) and its order's lines are reversed pro rata. Any other
// return is reported and counted as volume.
func (r *run) reverseReturns(d *tree.Data, res *Result) (zero map[SaleRef]bool, out []reversal, err error) {
	s := &d.Sales
	// The orders returned this period, and this period's volume of each.
	returned := map[string]bool{}
	for c := range s.Chunks {
		ch := &s.Chunks[c]
		for k := range ch.Member {
			if ch.TypeOf(k) == tree.ReturnType {
				returned[ch.OrderID(k)] = true
			}
		}
	}
	if len(returned) == 0 {
		return nil, nil, nil
	}
	if !d.KeepOrderIDs {
		return nil, nil, fmt.Errorf("returns: reverse needs the sales' order ids: load the sales with KeepOrderIDs")
	}
	here := map[string]dec.D{}
	sellerHere := map[string]int32{} // the member of each returned order's first sale this period
	for c := range s.Chunks {
		ch := &s.Chunks[c]
		for k, m := range ch.Member {
			if o := ch.OrderID(k); returned[o] && ch.TypeOf(k) != tree.ReturnType {
				here[o] += ch.Volume[k]
				if _, ok := sellerHere[o]; !ok {
					sellerHere[o] = m
				}
			}
		}
	}
	// wrongMember is the error of a return by m of an order held for
	// seller (nil when m is the seller).
	wrongMember := func(ch *tree.SaleChunk, k int, o string, m int32, seller string) error {
		if r.org.ID(m) == seller {
			return nil
		}
		file, line := ch.Where(k)
		return &tree.InputError{File: file, Line: line, Field: "member_id",
			Msg: fmt.Sprintf("the return of order %s is by %s, but the order is %s's: a return names its order's own member", o, r.org.ID(m), seller)}
	}
	zero = map[SaleRef]bool{}
	done := map[string]dec.D{} // returned so far this period
	for c := range s.Chunks {
		ch := &s.Chunks[c]
		for k, m := range ch.Member {
			if ch.TypeOf(k) != tree.ReturnType {
				continue
			}
			o, v := ch.OrderID(k), -ch.Volume[k]
			rv := reversal{sale: SaleRef{int32(c), int32(k)}, seller: m, order: o, returned: v}
			why := ""
			if vol, ok := here[o]; ok {
				if err := wrongMember(ch, k, o, m, r.org.ID(sellerHere[o])); err != nil {
					return nil, nil, err
				}
				rv.of = vol
				rv.lines = func(comp string) []OrderLine { return res.orders[o].linesOf(comp) }
				if done[o]+v > vol {
					why = "it returns more than the order's volume"
				}
			} else if st := r.carried.order(o); st != nil {
				if err := wrongMember(ch, k, o, m, st.Seller); err != nil {
					return nil, nil, err
				}
				rv.of = st.Volume
				rv.lines = st.linesOf
				rv.period = st.Period
				if st.Returned+done[o]+v > st.Volume {
					why = "it returns more than the order's volume"
				}
			} else {
				why = fmt.Sprintf("order %s is not among this period's sales nor, within the return window of %d periods, the earlier ones", o, r.plan.ReturnWindow)
			}
			if why != "" {
				res.ReturnsAsVolume = append(res.ReturnsAsVolume, fmt.Sprintf("return of order %s by %s counted as volume: %s", o, r.org.ID(m), why))
				continue
			}
			done[o] += v
			zero[rv.sale] = true
			out = append(out, rv)
		}
	}
	res.returnedNow = done
	slices.Sort(res.ReturnsAsVolume)
	return zero, out, nil
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
// the order's lines: −round(amount × returned ÷ order volume) to the
// original earner, in order of earner id. The lines are exact reversals of
// what was paid: a payout cap does not scale them again.
func (r *run) postReversals(p *poster, c int, revs []reversal) {
	name := r.plan.Components[c].Name
	for _, rv := range revs {
		lines := rv.lines(name)
		slices.SortStableFunc(lines, func(a, b OrderLine) int {
			if a.Earner != b.Earner {
				if a.Earner < b.Earner {
					return -1
				}
				return 1
			}
			return int(a.Amount - b.Amount)
		})
		for _, ol := range lines {
			amount := -mulDivRound(ol.Amount, rv.returned, rv.of, p.digits, p.rounding)
			earner := r.org.Lookup(ol.Earner)
			l := Line{Earner: earner, Upline: earner, Seller: rv.seller, Sale: rv.sale, Base: ol.Amount,
				Rate: ratio(rv.returned, rv.of), Amount: amount,
				Skipped: -1, Reason: Reversed, Text: "return of order " + rv.order}
			scale := p.scale
			p.scale = 0 // raw and earned both take the whole amount
			p.post(l)
			p.scale = scale
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
			}
			ol.Volume += ch.Volume[k]
		}
	}
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
			if o.Period > periods-r.Plan.ReturnWindow {
				kept := *o
				kept.Returned += r.returnedNow[o.Order]
				out = append(out, kept)
			}
		}
	}
	for _, o := range r.orders {
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
