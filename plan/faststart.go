package plan

import (
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// fastStart pays a percentage of a new member's sales dated in their first
// Days days (joined ≤ date < joined + Days) to their sponsor (level 1) and
// further uplines, by sponsor tree without compression (customers never
// count as a level). An upline who is not eligible (inactive or
// terminated) leaves their level as breakage. Sales outside the window put
// up nothing.
type fastStart struct {
	Days   int        // the window from joining
	Levels []dec.Rate // the rates of its levels
}

func (f fastStart) pay(r *run, p *poster) {
	levels := f.Levels
	up := r.nonCustomerUplines()
	cache := newAmountCache(levels)
	days := int32(f.Days)
	for ci, ch := range r.sales.chunks {
		for k, seller := range ch.Member {
			date, joined := ch.DateOf(k), r.org.Joined(seller)
			if date == tree.NoDate || joined == tree.NoDate || date < joined || date-joined >= days {
				continue
			}
			v := ch.VolumeOf(k)
			amount := cache.get(p, v)
			u := up[seller]
			for i := range levels {
				earner := int32(-1)
				if u >= 0 && r.eligible[u] {
					earner = u
				}
				if p.detail() {
					l := Line{Earner: earner, Upline: u, Seller: seller, Sale: r.sales.ref(ci, k),
						PaidLevel: i + 1, Base: v, Rate: levels[i], Amount: amount[i], Skipped: -1}
					if u >= 0 {
						l.Level = int(r.depths()[seller] - r.depths()[u])
					}
					l.Reason = r.eligibility(u)
					p.post(l)
				} else {
					p.add(earner, amount[i])
				}
				if u >= 0 {
					u = up[u]
				}
			}
		}
	}
}

// eligibility says why member u (-1: above the top of the tree) may earn
// (Paid) or not.
func (r *run) eligibility(u int32) Reason {
	switch {
	case u < 0:
		return AboveTop
	case !r.active[u]:
		return Inactive
	case !r.eligible[u]:
		return Terminated
	}
	return Paid
}

// needs every member's joined date and every sale's date.
func (fastStart) needs(c *Component, d *tree.Data) error {
	if line := d.Org.FirstUnjoined(); line > 0 {
		return &tree.InputError{File: d.Org.File(), Line: line, Field: "joined",
			Msg: "no joined date: fast_start component " + c.Name + " needs every member's joined date"}
	}
	if line := d.Sales.FirstUndated; line > 0 {
		return &tree.InputError{File: d.Sales.UndatedFile, Line: line, Field: "date",
			Msg: "no date: fast_start component " + c.Name + " needs every sale's date"}
	}
	return nil
}

func (fastStart) bySale() bool { return true }

// paidOn: every rank is paid on every level.
func (f fastStart) paidOn(int) (int, string) { return len(f.Levels), "level" }

func (f fastStart) max(c *Component, _ *Plan, ch *Check, _ int) dec.Rate {
	return ch.paysSomething(c, sumRates(f.Levels))
}

func (f fastStart) describe(*Plan) string {
	return fmt.Sprintf("levels %s on sales in the first %d days after joining", rateList(f.Levels), f.Days)
}

func (f fastStart) encode(_ *Plan, y *yamlComponent) {
	y.Days, y.Levels = f.Days, rateStrings(f.Levels)
}

func (d *decoder) fastStart(n *yaml.Node, c *fastStart) error {
	f, err := d.fields(n, "a fast_start component", "name", "type", "days", "levels")
	if err != nil {
		return err
	}
	if f["days"] == nil {
		return d.errf(n, "a fast_start component needs days, the length of the window from joining, e.g. days: 30")
	}
	if c.Days, err = d.count(f["days"], "days"); err != nil {
		return err
	}
	if c.Days <= 0 {
		return d.errf(f["days"], "days must be 1 or more: the window is joined ≤ date < joined + days")
	}
	c.Levels, err = d.levels(f["levels"], n, "a fast_start component")
	return err
}

func (f fastStart) bound() (dec.Rate, int64, bool) {
	return sumRates(f.Levels), int64(len(f.Levels) + 2), false
}
