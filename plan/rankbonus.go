package plan

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/compplan/compplan/tree/dec"
)

// TypeRankBonus is the rank (car, lifestyle) bonus.
const TypeRankBonus = "rank_bonus"

// rankBonus (type rank_bonus) pays a fixed amount every period to each
// member by the rank they have held: the highest listed rank at or below
// their paid-as rank in each of the last Held periods, this one included
// (floors and grace count, as they do for the paid-as rank). The earlier
// periods' paid-as ranks come from the state; a period the state does not
// reach (no state, or a member it does not name) counts as no rank, so a
// first period pays nothing when Held is above 1. A member who may not earn
// (inactive, terminated) leaves the amount as breakage; a member without a
// listed rank held that long puts up nothing. Customers have no rank. One
// line per member paid, in id order.
type rankBonus struct {
	Amounts []dec.D // by rank
	Listed  []bool  // by rank: the rank has an amount (0 may be listed)
	Held    int     // periods, 1 to MaxGrace
}

func (f rankBonus) pay(r *run, p *poster) {
	for _, m := range r.org.ByID() { // id order: lines do not depend on row order
		held := r.heldRank(m, f.Held)
		k := held
		for k >= 0 && !f.Listed[k] {
			k--
		}
		if k < 0 {
			continue
		}
		a := f.Amounts[k]
		l := Line{Earner: m, Upline: m, Seller: -1, Sale: SaleRef{-1, -1}, Base: a, Rate: dec.RateOne, Amount: a, Skipped: -1,
			Text: f.text(r.plan, int(k))}
		if !r.eligible[m] {
			l.Earner, l.Reason = -1, r.eligibility(m)
		}
		p.post(l)
	}
}

// text says why a line was paid: the rank and how long it was held.
func (f rankBonus) text(p *Plan, k int) string {
	if f.Held == 1 {
		return "paid as " + p.Ranks[k].Name + " or higher"
	}
	return fmt.Sprintf("paid as %s or higher for %d periods", p.Ranks[k].Name, f.Held)
}

// heldRank is the lowest of member m's paid-as ranks over the last n
// periods, this one included (NoRank where the state does not reach).
func (r *run) heldRank(m int32, n int) int16 {
	h := r.rank[m]
	for i := range n - 1 {
		prev := int16(NoRank)
		if r.carried != nil && r.carried.recentPaid != nil && i < len(r.carried.recentPaid[m]) {
			prev = r.carried.recentPaid[m][i]
		}
		h = min(h, prev)
	}
	return h
}

// paidHistory: the earlier periods' paid-as ranks it reads.
func (f rankBonus) paidHistory() int { return f.Held - 1 }

func (rankBonus) bySale() bool { return false }

// max: fixed amounts per member, not a share of volume.
func (rankBonus) max(c *Component, _ *Plan, ch *Check, _ int) dec.Rate {
	ch.warn("component %s pays fixed amounts by rank held, not a share of volume: it is not in the maximum", c.Name)
	return 0
}

// bound: fixed amounts; the poster checks their sums.
func (rankBonus) bound() (dec.Rate, int64, bool) { return 0, 0, false }

func (f rankBonus) describe(p *Plan) string {
	var amounts []string
	for k, a := range f.Amounts {
		if f.Listed[k] {
			amounts = append(amounts, fmt.Sprintf("%s %s", p.Ranks[k].Name, a.AppendFixed(nil, p.Digits)))
		}
	}
	held := "paid as that rank or higher this period"
	if f.Held > 1 {
		held = fmt.Sprintf("paid as that rank or higher in each of the last %d periods", f.Held)
	}
	return fmt.Sprintf("every period: %s, to each member %s", strings.Join(amounts, ", "), held)
}

func (f rankBonus) encode(p *Plan, y *yamlComponent) {
	amounts := map[string]string{}
	for k, a := range f.Amounts {
		if f.Listed[k] {
			amounts[p.Ranks[k].Name] = a.String()
		}
	}
	y.Amounts = amounts
	if f.Held > 1 {
		y.Held = f.Held
	}
}

func (f rankBonus) source(r *Result, l *Line, _ string) string { return "rank bonus" }

func (d *decoder) rankBonus(n *yaml.Node, c *rankBonus) error {
	f, err := d.fields(n, "a rank_bonus component", "name", "type", "amounts", "held")
	if err != nil {
		return err
	}
	an := f["amounts"]
	if an == nil {
		return d.errf(n, "a rank_bonus needs amounts by rank, e.g. amounts: {Gold: 500, Diamond: 1000}")
	}
	if len(d.p.Ranks) == 0 {
		return d.errf(an, "amounts needs ranks: define them under ranks first")
	}
	c.Amounts, c.Listed = make([]dec.D, len(d.p.Ranks)), make([]bool, len(d.p.Ranks))
	if err := d.byRank(an, "amounts", func(r int, v *yaml.Node) error {
		a, err := d.money(v, "amount")
		c.Amounts[r], c.Listed[r] = a, true
		return err
	}); err != nil {
		return err
	}
	if len(an.Content) == 0 {
		return d.errf(an, "a rank_bonus needs amounts by rank, e.g. amounts: {Gold: 500, Diamond: 1000}")
	}
	c.Held, err = d.periods1(f["held"], "held", "this period only")
	return err
}
