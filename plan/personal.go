package plan

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/compplan/compplan/tree/dec"
)

// personal pays each member a rate × the volume (CV) of each of their own
// sales, active or not. The rate is one of:
//   - rate: the same for everyone;
//   - rates: by paid-as rank (floors and grace count); a rank not listed,
//     or no rank, earns 0%;
//   - tiers: by the member's PV in the period (QV, customers' sales
//     included): the tier with the highest pv at or below it (a threshold
//     is inclusive) applies to all their volume; PV below the lowest tier
//     earns 0%.
//
// What a member's sales put up is their own rate × volume: a lower tier or
// rank is not breakage.
type personal struct {
	Rate  dec.Rate
	Rates []dec.Rate // by rank (rates); nil otherwise
	Tiers []Tier     // by PV, lowest pv first (tiers); nil otherwise
}

// Tier is one step of a personal component's tiers.
type Tier struct {
	PV   dec.D
	Rate dec.Rate
}

// schedule is every rate the component pays: index 0 is 0% (no rank, an
// unlisted rank, PV below the lowest tier) unless it pays one flat rate.
func (f personal) schedule() []dec.Rate {
	switch {
	case f.Rates != nil:
		return append([]dec.Rate{0}, f.Rates...)
	case f.Tiers != nil:
		out := []dec.Rate{0}
		for _, t := range f.Tiers {
			out = append(out, t.Rate)
		}
		return out
	}
	return []dec.Rate{f.Rate}
}

// rateOf is member m's index into schedule.
func (f personal) rateOf(r *run, m int32) int {
	switch {
	case f.Rates != nil:
		if rk := r.rank[m]; rk != NoRank {
			return int(rk) + 1
		}
		return 0
	case f.Tiers != nil:
		// The last tier whose pv is at or below the member's PV.
		return sortSearchTiers(f.Tiers, r.pv[m])
	}
	return 0
}

// sortSearchTiers is the number of tiers whose pv is at or below pv.
func sortSearchTiers(tiers []Tier, pv dec.D) int {
	i, _ := slices.BinarySearchFunc(tiers, pv, func(t Tier, v dec.D) int {
		if t.PV <= v {
			return -1
		}
		return 1
	})
	return i
}

func (f personal) pay(r *run, p *poster) {
	rates := f.schedule()
	cache := newAmountCache(rates)
	var idx []uint8 // each member's rate, unless flat
	if len(rates) > 1 {
		idx = make([]uint8, r.org.Len())
		for m := range idx {
			idx[m] = uint8(f.rateOf(r, int32(m)))
		}
	}
	for c, ch := range r.sales.chunks {
		for k, seller := range ch.Member {
			v := ch.VolumeOf(k)
			i := 0
			if idx != nil {
				i = int(idx[seller])
			}
			amount := cache.get(p, v)[i]
			earner := seller
			if !r.earns(seller) {
				earner = -1
			}
			if !p.detail() {
				p.add(earner, amount)
				continue
			}
			l := Line{Earner: earner, Upline: seller, Seller: seller, Sale: r.sales.ref(c, k),
				Base: v, Rate: rates[i], Amount: amount, Skipped: -1}
			switch {
			case earner >= 0:
			case r.org.Customer(seller):
				l.Reason = NoDistributor
			default:
				l.Reason = Terminated
			}
			p.post(l)
		}
	}
}

func (personal) bySale() bool { return true }

// top is the highest rate the component pays anyone.
func (f personal) top() dec.Rate { return slices.Max(f.schedule()) }

func (f personal) max(c *Component, _ *Plan, ch *Check, _ int) dec.Rate {
	top := f.top()
	if top == 0 {
		ch.warn("component %s pays 0%%: nobody can earn it", c.Name)
	}
	return top
}

func (f personal) describe(p *Plan) string {
	switch {
	case f.Rates != nil:
		var rates []string
		for r, rate := range f.Rates {
			rates = append(rates, fmt.Sprintf("%s %s", p.Ranks[r].Name, rate))
		}
		return "of own volume at the paid-as rank's rate: " + strings.Join(rates, ", ")
	case f.Tiers != nil:
		var tiers []string
		for _, t := range f.Tiers {
			tiers = append(tiers, fmt.Sprintf("%s from PV %s", t.Rate, t.PV))
		}
		return "of own volume at the tier of the period's PV: " + strings.Join(tiers, ", ")
	}
	return f.Rate.String() + " of own volume"
}

func (f personal) encode(p *Plan, y *yamlComponent) {
	switch {
	case f.Rates != nil:
		y.Rates = map[string]string{}
		for r, rate := range f.Rates {
			y.Rates[p.Ranks[r].Name] = rate.String()
		}
	case f.Tiers != nil:
		for _, t := range f.Tiers {
			y.Tiers = append(y.Tiers, yamlTier{PV: t.PV.String(), Rate: t.Rate.String()})
		}
	default:
		y.Rate = f.Rate.String()
	}
}

func (d *decoder) personal(n *yaml.Node, c *personal) error {
	f, err := d.fields(n, "a personal component", "name", "type", "rate", "rates", "tiers")
	if err != nil {
		return err
	}
	given := 0
	for _, k := range []string{"rate", "rates", "tiers"} {
		if f[k] != nil {
			given++
		}
	}
	if given != 1 {
		return d.errf(n, "a personal component needs one of rate (rate: 10%%), rates by rank (rates: {Bronze: 5%%, Gold: 10%%}) or tiers by PV (tiers: [{pv: 0, rate: 5%%}, {pv: 200, rate: 8%%}])")
	}
	switch {
	case f["rate"] != nil:
		c.Rate, err = d.rate(f["rate"], "rate")
		return err
	case f["rates"] != nil:
		if len(d.p.Ranks) == 0 {
			return d.errf(f["rates"], "rates needs ranks: define them under ranks first")
		}
		c.Rates = make([]dec.Rate, len(d.p.Ranks))
		return d.byRank(f["rates"], "rates", func(r int, v *yaml.Node) error {
			c.Rates[r], err = d.rate(v, "rate")
			return err
		})
	}
	tn := f["tiers"]
	if tn.Kind != yaml.SequenceNode || len(tn.Content) == 0 {
		return d.errf(tn, "tiers must be a list such as [{pv: 0, rate: 5%%}, {pv: 200, rate: 8%%}], not %s", kindName(tn))
	}
	if len(tn.Content) > MaxLevels {
		return d.errf(tn, "at most %d tiers, this list has %d", MaxLevels, len(tn.Content))
	}
	for _, e := range tn.Content {
		tf, err := d.fields(e, "a tier", "pv", "rate")
		if err != nil {
			return err
		}
		if tf["pv"] == nil || tf["rate"] == nil {
			return d.errf(e, "a tier needs pv and rate, e.g. {pv: 200, rate: 8%%}")
		}
		var t Tier
		if t.PV, err = d.volume(tf["pv"], "pv"); err != nil {
			return err
		}
		if t.Rate, err = d.rate(tf["rate"], "rate"); err != nil {
			return err
		}
		if k := len(c.Tiers); k > 0 && t.PV <= c.Tiers[k-1].PV {
			return d.errf(tf["pv"], "tier pv %s is not above the tier before it (%s): list the tiers from the lowest pv up", t.PV, c.Tiers[k-1].PV)
		}
		c.Tiers = append(c.Tiers, t)
	}
	return nil
}

func (f personal) bound() (dec.Rate, int64, bool) { return f.top(), 2, false }
