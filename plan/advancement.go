package plan

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/compplan/compplan/tree/dec"
)

// advancement (type rank_advancement) pays each rank's amount once: in the
// first period a member reaches it. Reaching several ranks at once pays
// each of them. A member who may not earn that period (inactive,
// terminated) leaves the amount as breakage; the rank counts as reached
// either way. What a member had reached comes from the state of the
// previous period and from their rank floor, a rank the company says they
// already held.
//
// With Held above 1, a rank is reached once the member has been paid as it
// (or higher) in each of the last Held periods, this one included (see
// heldRank); the state then carries the highest rank each member reached
// so, per component. With Instalments above 1, the amount is paid in that
// many consecutive periods from the one the rank is reached: the amount ÷
// Instalments rounded down to the minor unit, the remainder in the last,
// whatever the member's later rank; an instalment falling in a period the
// member may not earn is breakage. The state carries the instalments still
// to come.
type advancement struct {
	Amounts     []dec.D // paid once on first reaching each rank (0: a rank not listed)
	Held        int     // periods, 1 to MaxGrace
	Instalments int     // periods the amount is spread over, 1 to MaxGrace
}

// instalment is a reached rank's amount still being paid: paid of the
// component's instalments are done.
type instalment struct {
	comp int
	rank int16
	paid int
}

func (f advancement) keepsReached() bool { return f.Held > 1 }

func (f advancement) pay(r *run, p *poster) {
	c, n := p.comp, r.org.Len()
	var reached []int16
	if f.Held > 1 {
		reached = make([]int16, n)
	}
	post := func(m int32, k int16, i int) {
		a, text := f.Amounts[k], "reached "+r.plan.Ranks[k].Name
		if f.Instalments > 1 {
			a = f.instalment(a, i, r.plan.Digits)
			text += fmt.Sprintf(": instalment %d of %d", i, f.Instalments)
			if i < f.Instalments {
				r.pending(p.res, m, instalment{c, k, i})
			}
		}
		l := Line{Earner: m, Upline: m, Seller: -1, Sale: SaleRef{-1, -1}, Base: a, Rate: dec.RateOne, Amount: a, Skipped: -1, Text: text}
		if !r.eligible[m] {
			l.Earner, l.Reason = -1, r.eligibility(m)
		}
		p.post(l)
	}
	for _, m := range r.org.ByID() {
		if r.carried != nil && r.carried.instalments != nil {
			for _, in := range r.carried.instalments[m] {
				if in.comp == c {
					post(m, in.rank, in.paid+1)
				}
			}
		}
		before, now := r.reachedBefore(m, c, f.Held), r.heldRank(m, f.Held)
		if reached != nil {
			reached[m] = max(before, now)
		}
		for k := before + 1; k <= now; k++ {
			if f.Amounts[k] != 0 {
				post(m, k, 1)
			}
		}
	}
	if reached != nil {
		if p.res.Reached == nil {
			p.res.Reached = make([][]int16, len(r.plan.Components))
		}
		p.res.Reached[c] = reached
	}
}

// instalment is instalment i (from 1) of amount a: a ÷ Instalments rounded
// down to the minor unit, and the remainder in the last.
func (f advancement) instalment(a dec.D, i, digits int) dec.D {
	per := dec.Round(a/dec.D(f.Instalments), digits, dec.Down) // a ≥ 0: the division rounds down
	if i < f.Instalments {
		return per
	}
	return a - per*dec.D(f.Instalments-1)
}

// pending records an instalment paid this period with more to come.
func (r *run) pending(res *Result, m int32, in instalment) {
	if res.Instalments == nil {
		res.Instalments = make([][]instalment, r.org.Len())
	}
	res.Instalments[m] = append(res.Instalments[m], in)
}

// reachedBefore is the highest rank member m had reached for advancement
// component c before this period: held for one period, the highest rank
// they held (highestBefore); for more, what the state says c's members
// reached. A rank floor counts as reached either way.
func (r *run) reachedBefore(m int32, c, held int) int16 {
	if held == 1 {
		return r.highestBefore(m)
	}
	h := int16(NoRank)
	if r.carried != nil && r.carried.reached != nil && r.carried.reached[c] != nil {
		h = r.carried.reached[c][m]
	}
	if r.floor != nil {
		h = max(h, r.floor[m])
	}
	return h
}

// highestBefore is the highest rank member m held before this period:
// from the state carried in, and their rank floor.
func (r *run) highestBefore(m int32) int16 {
	h := int16(NoRank)
	if r.carried != nil {
		h = r.carried.highest[m]
	}
	if r.floor != nil {
		h = max(h, r.floor[m])
	}
	return h
}

// instalments: how many periods an amount is paid over.
func (f advancement) instalments() int { return f.Instalments }

// paidHistory: the earlier periods' paid-as ranks held reads.
func (f advancement) paidHistory() int { return f.Held - 1 }

func (advancement) bySale() bool { return false }

// max: an advancement is a fixed amount, not a share of volume.
func (f advancement) max(c *Component, _ *Plan, ch *Check, _ int) dec.Rate {
	ch.warn("component %s pays fixed amounts on reaching a rank, not a share of volume: it is not in the maximum", c.Name)
	return 0
}

func (d *decoder) advancement(n *yaml.Node, c *advancement) error {
	f, err := d.fields(n, "a rank_advancement component", "name", "type", "amounts", "held", "instalments")
	if err != nil {
		return err
	}
	if f["amounts"] == nil {
		return d.errf(n, "a rank_advancement needs amounts by rank, e.g. {Silver: 100, Gold: 250}")
	}
	if len(d.p.Ranks) == 0 {
		return d.errf(f["amounts"], "amounts needs ranks: define them under ranks first")
	}
	c.Amounts = make([]dec.D, len(d.p.Ranks))
	if err := d.byRank(f["amounts"], "amounts", func(r int, v *yaml.Node) error {
		a, err := d.money(v, "amount")
		if err != nil {
			return err
		}
		c.Amounts[r] = a
		return nil
	}); err != nil {
		return err
	}
	if c.Held, err = d.periods1(f["held"], "held", "this period only"); err != nil {
		return err
	}
	c.Instalments, err = d.periods1(f["instalments"], "instalments", "all at once")
	return err
}

func (f advancement) describe(p *Plan) string {
	var amounts []string
	for r, a := range f.Amounts {
		if a != 0 {
			amounts = append(amounts, fmt.Sprintf("%s %s", p.Ranks[r].Name, a.AppendFixed(nil, p.Digits)))
		}
	}
	s := "paid once on first reaching: " + strings.Join(amounts, ", ")
	if f.Held > 1 {
		s += fmt.Sprintf("; reached when paid as it or higher in each of the last %d periods", f.Held)
	}
	if f.Instalments > 1 {
		s += fmt.Sprintf("; in %d instalments, one a period, the remainder in the last", f.Instalments)
	}
	return s
}

func (f advancement) encode(p *Plan, y *yamlComponent) {
	amounts := map[string]string{}
	for r, a := range f.Amounts {
		amounts[p.Ranks[r].Name] = a.String()
	}
	y.Amounts = amounts
	if f.Held > 1 {
		y.Held = f.Held
	}
	if f.Instalments > 1 {
		y.Instalments = f.Instalments
	}
}

func (advancement) bound() (dec.Rate, int64, bool) { return 0, 2, false }
