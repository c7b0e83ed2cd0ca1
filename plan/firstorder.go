package plan

import (
	"bytes"
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// TypeFirstOrder is the first-order bonus.
const TypeFirstOrder = "first_order"

// firstOrder (type first_order) pays a share of each member's first order
// ever by level up the sponsor tree, without compression. The first order
// is the buyer's earliest order (by date, then order id) among their rows
// that are not returns; a buyer the state says has ordered before has none.
// Customers are buyers too: level 1 of a customer's order is the
// distributor the customer is credited to, and the order is only the
// customer's first — never the distributor's. An order is every row of the
// buyer with its order id in the period: each row pays its own lines (CV ×
// rate, rounded per line), so a return of it in the same period nets out
// under returns: volume, and is reversed with the order's other lines under
// returns: reverse. A level whose member may not earn, or above the top, is
// breakage. Later orders put up nothing.
type firstOrder struct {
	Levels []dec.Rate
}

func (f firstOrder) pay(r *run, p *poster) {
	d, n := p.res.Data, r.org.Len()
	done := make([]bool, n) // ordered before this period
	if r.carried != nil && r.carried.firstOrdered != nil {
		copy(done, r.carried.firstOrdered)
	}
	// Each buyer's first order this period: its earliest row's sale.
	first := make([]SaleRef, n)
	for m := range first {
		first[m] = SaleRef{-1, -1}
	}
	for c := range d.Sales.Chunks {
		ch := &d.Sales.Chunks[c]
		for k, m := range ch.Member {
			if done[m] || ch.TypeOf(k) == tree.ReturnType {
				continue
			}
			if f := first[m]; f.Chunk < 0 || earlier(ch, k, &d.Sales.Chunks[f.Chunk], int(f.K)) {
				first[m] = SaleRef{int32(c), int32(k)}
			}
		}
	}
	up := r.nonCustomerUplines()
	cache := newAmountCache(f.Levels)
	for ci, ch := range r.sales.chunks {
		for k := range ch.Member {
			ref := r.sales.ref(ci, k)
			orig := &d.Sales.Chunks[ref.Chunk]
			buyer := orig.Member[ref.K]
			fr := first[buyer]
			if fr.Chunk < 0 || !bytes.Equal(orig.OrderIDBytes(int(ref.K)), d.Sales.Chunks[fr.Chunk].OrderIDBytes(int(fr.K))) {
				continue
			}
			v := ch.VolumeOf(k) // the CV components see (0 for a reversed return)
			amount := cache.get(p, v)
			u := up[buyer]
			for i := range f.Levels {
				l := Line{Earner: -1, Upline: u, Seller: buyer, Sale: ref, PaidLevel: i + 1, Base: v, Rate: f.Levels[i], Amount: amount[i], Skipped: -1}
				if u >= 0 {
					l.Level = int(r.depths()[buyer] - r.depths()[u])
					if r.eligible[u] {
						l.Earner = u
					}
				}
				l.Reason = r.eligibility(u)
				p.post(l)
				if u >= 0 {
					u = up[u]
				}
			}
		}
	}
	for m := range done {
		done[m] = done[m] || first[m].Chunk >= 0
	}
	p.res.FirstOrdered = done
}

// earlier reports whether sale k of a comes before sale j of b: an earlier
// date, or the same date and a lower order id.
func earlier(a *tree.SaleChunk, k int, b *tree.SaleChunk, j int) bool {
	if da, db := a.DateOf(k), b.DateOf(j); da != db {
		return da < db
	}
	return bytes.Compare(a.OrderIDBytes(k), b.OrderIDBytes(j)) < 0
}

func (firstOrder) bySale() bool { return false }

// readsOrders: orders are told apart by their ids.
func (firstOrder) readsOrders() bool { return true }

// needs every sale's date and order id, kept (see Plan.ReadsOrderIDs).
func (firstOrder) needs(c *Component, d *tree.Data) error {
	if !d.KeepOrderIDs {
		return fmt.Errorf("first_order component %s tells orders apart by their ids: read the sales with Data.KeepOrderIDs set (Plan.ReadsOrderIDs)", c.Name)
	}
	if line := d.Sales.FirstUndated; line > 0 {
		return &tree.InputError{File: d.Sales.UndatedFile, Line: line, Field: "date",
			Msg: "no date: first_order component " + c.Name + " needs every sale's date (the first order is the earliest)"}
	}
	if line := d.Sales.FirstNoOrder; line > 0 {
		return &tree.InputError{File: d.Sales.NoOrderFile, Line: line, Field: "order_id",
			Msg: "no order_id: first_order component " + c.Name + " needs every sale's order_id (an order is every row sharing one)"}
	}
	return nil
}

// paidOn: every rank is paid on every level.
func (f firstOrder) paidOn(int) (int, string) { return len(f.Levels), "level" }

func (f firstOrder) max(c *Component, _ *Plan, ch *Check, _ int) dec.Rate {
	return ch.paysSomething(c, sumRates(f.Levels))
}

func (f firstOrder) describe(*Plan) string {
	return fmt.Sprintf("levels %s on each member's first order ever (customers' too)", rateList(f.Levels))
}

func (f firstOrder) encode(_ *Plan, y *yamlComponent) { y.Levels = rateStrings(f.Levels) }

func (firstOrder) source(_ *Result, l *Line, seller string) string {
	return fmt.Sprintf("first order of %s, level %d", seller, l.PaidLevel)
}

func (d *decoder) firstOrder(n *yaml.Node, c *firstOrder) error {
	f, err := d.fields(n, "a first_order component", "name", "type", "levels")
	if err != nil {
		return err
	}
	c.Levels, err = d.levels(f["levels"], n, "a first_order component")
	return err
}

func (f firstOrder) bound() (dec.Rate, int64, bool) {
	return sumRates(f.Levels), int64(len(f.Levels) + 2), false
}
