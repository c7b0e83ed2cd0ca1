package plan

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/compplan/compplan/tree/dec"
)

// advancement (type rank_advancement) pays each rank's amount once: in the
// first period a member's paid-as rank reaches it. Reaching several ranks
// at once pays each of them. A member who may not earn that period
// (inactive, terminated) leaves the amount as breakage; the rank counts as
// reached either way. What a member had reached comes from the state of the
// previous period (the highest paid-as rank ever held) and from their rank
// floor, a rank the company says they already held.
type advancement struct {
	Amounts []dec.D // paid once on first reaching each rank (0: a rank not listed)
}

func (f advancement) pay(r *run, p *poster) {
	c := f
	for _, m := range r.org.ByID() {
		before, now := r.highestBefore(m), r.rank[m]
		for k := before + 1; k <= now; k++ {
			a := c.Amounts[k]
			if a == 0 {
				continue
			}
			l := Line{Earner: m, Upline: m, Seller: -1, Sale: SaleRef{-1, -1}, Base: a, Rate: dec.RateOne, Amount: a, Skipped: -1,
				Text: "reached " + r.plan.Ranks[k].Name}
			if !r.eligible[m] {
				l.Earner, l.Reason = -1, r.eligibility(m)
			}
			p.post(l)
		}
	}
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

func (advancement) bySale() bool { return false }

// max: an advancement is a fixed amount, not a share of volume.
func (f advancement) max(c *Component, _ *Plan, ch *Check, _ int) dec.Rate {
	ch.warn("component %s pays fixed amounts on reaching a rank, not a share of volume: it is not in the maximum", c.Name)
	return 0
}

func (d *decoder) advancement(n *yaml.Node, c *advancement) error {
	f, err := d.fields(n, "a rank_advancement component", "name", "type", "amounts")
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
	return d.byRank(f["amounts"], "amounts", func(r int, v *yaml.Node) error {
		a, err := d.money(v, "amount")
		if err != nil {
			return err
		}
		c.Amounts[r] = a
		return nil
	})
}

func (f advancement) describe(p *Plan) string {
	var amounts []string
	for r, a := range f.Amounts {
		if a != 0 {
			amounts = append(amounts, fmt.Sprintf("%s %s", p.Ranks[r].Name, a.AppendFixed(nil, p.Digits)))
		}
	}
	return "paid once on first reaching: " + strings.Join(amounts, ", ")
}

func (f advancement) encode(p *Plan, y *yamlComponent) {
	amounts := map[string]string{}
	for r, a := range f.Amounts {
		amounts[p.Ranks[r].Name] = a.String()
	}
	y.Amounts = amounts
}

func (advancement) bound() (dec.Rate, int64, bool) { return 0, 2, false }
