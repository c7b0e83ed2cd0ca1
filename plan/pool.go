package plan

import (
	"fmt"
	"math/big"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/compplan/compplan/tree/dec"
)

// pool puts a percentage of the period's total volume (or sales amount)
// into a pool shared by its qualifiers: members who may earn (active, not
// terminated) and, with min_pv, have that PV. Shares are by paid-as rank
// (shares: {RANK: n}; an unlisted rank, or no rank, has none) or by volume
// (shares: volume, a qualifier's PV; shares: group_volume, their GV; PV or
// GV must be above 0). The split:
//   - per-member (the default): a qualifier is paid pool × their shares ÷
//     all shares, rounded down to the minor unit;
//   - per-share: one share's value is pool ÷ all shares rounded down to the
//     minor unit (a share of volume is 1 of PV or GV), and a qualifier is
//     paid value × their shares, rounded down.
//
// The remainder, like a pool nobody qualifies for, is breakage. A pool
// line's source is the pool itself.
type pool struct {
	Rate dec.Rate // its percent
	// PoolOfAmount: of the sales amount, else of volume; Shares per rank
	// (ShareBy byRank); MinPV for a share.
	PoolOfAmount bool
	Shares       []int
	ShareBy      shareBasis
	PerShare     bool // split: per-share
	MinPV        Min
}

// shareBasis is what a pool's shares are.
type shareBasis uint8

const (
	byRank        shareBasis = iota // shares per paid-as rank
	byVolume                        // a qualifier's PV
	byGroupVolume                   // a qualifier's GV
)

var shareBasisNames = []string{"", "volume", "group_volume"}

func (f pool) pay(r *run, p *poster) {
	c := f
	// The period's pool volume: under returns: reverse, less what was
	// returned of this period's own orders (such a return carries no
	// volume, but its order no longer stands). A pool is never funded
	// below 0: a period whose returns outweigh its sales pays no pool, and
	// takes nothing back from its shareholders.
	base := r.sales.volume() - r.returnedHere
	if c.PoolOfAmount {
		base = r.totalAmount
	}
	amount := p.amount(max(base, 0), c.Rate)
	// shares are counted in units: a share per unit for ranks, a ten
	// thousandth of one (dec.D's own unit) for volume.
	unitsPerShare := int64(1)
	if c.ShareBy != byRank {
		unitsPerShare = int64(dec.One)
	}
	shares := func(m int32) int64 {
		if !r.eligible[m] || (c.MinPV.Set && r.pv[m] < c.MinPV.Value) {
			return 0
		}
		switch c.ShareBy {
		case byVolume:
			return int64(max(r.pv[m], 0))
		case byGroupVolume:
			return int64(max(r.gv[m], 0))
		}
		if rk := r.rank[m]; rk != NoRank {
			return int64(c.Shares[rk])
		}
		return 0
	}
	total := new(big.Int)
	for _, m := range r.org.ByID() {
		if s := shares(m); s > 0 {
			total.Add(total, big.NewInt(s))
		}
	}
	paid := dec.D(0)
	if total.Sign() > 0 {
		unit := big.NewInt(int64(dec.MinorUnit(p.digits)))
		down := func(q *big.Int) *big.Int { return q.Mul(q.Quo(q, unit), unit) } // to the minor unit
		// value is one share's worth, per-share: amount × units ÷ total.
		value := down(new(big.Int).Quo(new(big.Int).Mul(big.NewInt(int64(amount)), big.NewInt(unitsPerShare)), total))
		for _, m := range r.org.ByID() {
			s := shares(m)
			if s <= 0 {
				continue
			}
			q := new(big.Int)
			if c.PerShare { // value × s ÷ units
				q.Quo(q.Mul(value, big.NewInt(s)), big.NewInt(unitsPerShare))
			} else { // amount × s ÷ total
				q.Quo(q.Mul(big.NewInt(int64(amount)), big.NewInt(s)), total)
			}
			share := dec.D(down(q).Int64()) // at most amount
			paid += share
			rate := new(big.Int).Quo(new(big.Int).Mul(big.NewInt(s), big.NewInt(int64(dec.RateOne))), total)
			p.post(Line{Earner: m, Upline: m, Seller: -1, Sale: SaleRef{-1, -1}, Base: amount,
				Rate: dec.Rate(rate.Int64()), Amount: share, Skipped: -1})
		}
	}
	if rest := amount - paid; rest != 0 || total.Sign() == 0 {
		p.post(Line{Earner: -1, Upline: -1, Seller: -1, Sale: SaleRef{-1, -1}, Base: amount,
			Rate: dec.RateOne, Amount: rest, Skipped: -1, Reason: PoolRest})
	}
}

func (pool) bySale() bool { return false }

// max is the pool's percent (of volume; of amount it is the same share of
// sales, listed as a share of volume).
func (f pool) max(c *Component, _ *Plan, ch *Check, _ int) dec.Rate {
	return ch.paysSomething(c, f.Rate)
}

func (d *decoder) pool(n *yaml.Node, c *pool) error {
	f, err := d.fields(n, "a pool component", "name", "type", "percent", "of", "shares", "split", "min_pv")
	if err != nil {
		return err
	}
	if f["percent"] == nil || f["shares"] == nil {
		return d.errf(n, "a pool needs percent and shares, e.g. {percent: 2%%, shares: {Gold: 1, Diamond: 2}}")
	}
	if c.Rate, err = d.rate(f["percent"], "percent"); err != nil {
		return err
	}
	if on := f["of"]; on != nil {
		switch on.Value {
		case "volume":
		case "amount":
			c.PoolOfAmount = true
		default:
			return d.errf(on, "of must be volume or amount, not %s", kindName(on))
		}
	}
	if sn := f["split"]; sn != nil {
		switch sn.Value {
		case "per-member":
		case "per-share":
			c.PerShare = true
		default:
			return d.errf(sn, "split must be per-member or per-share, not %s", kindName(sn))
		}
	}
	if sn := f["shares"]; sn.Kind == yaml.ScalarNode {
		switch sn.Value {
		case "volume":
			c.ShareBy = byVolume
		case "group_volume":
			c.ShareBy = byGroupVolume
		default:
			return d.errf(sn, "shares must map ranks to shares ({Gold: 1, Diamond: 2}), or be volume or group_volume, not %s", kindName(sn))
		}
		return d.poolMinPV(f, c)
	}
	if len(d.p.Ranks) == 0 {
		return d.errf(f["shares"], "shares needs ranks: define them under ranks first")
	}
	c.Shares = make([]int, len(d.p.Ranks))
	if err := d.byRank(f["shares"], "shares", func(r int, v *yaml.Node) error {
		c.Shares[r], err = d.count(v, "shares")
		return err
	}); err != nil {
		return err
	}
	return d.poolMinPV(f, c)
}

// poolMinPV reads a pool's min_pv.
func (d *decoder) poolMinPV(f map[string]*yaml.Node, c *pool) error {
	if v := f["min_pv"]; v != nil {
		var err error
		c.MinPV.Set = true
		if c.MinPV.Value, err = d.volume(v, "min_pv"); err != nil {
			return err
		}
	}
	return nil
}

func (f pool) describe(p *Plan) string {
	c := f
	var shares []string
	for r, n := range c.Shares {
		if n > 0 {
			shares = append(shares, fmt.Sprintf("%s %d", p.Ranks[r].Name, n))
		}
	}
	of := "volume"
	if c.PoolOfAmount {
		of = "sales amount"
	}
	by := "shares " + strings.Join(shares, ", ")
	switch c.ShareBy {
	case byVolume:
		by = "a share per unit of PV"
	case byGroupVolume:
		by = "a share per unit of GV"
	}
	s := fmt.Sprintf("%s of the %s, %s", c.Rate, of, by)
	if c.PerShare {
		s += "; split per share (a share's value rounded down)"
	}
	return s
}

func (f pool) encode(p *Plan, y *yamlComponent) {
	c := f
	y.Percent = c.Rate.String()
	if c.PoolOfAmount {
		y.Of = "amount"
	}
	if c.ShareBy != byRank {
		y.Shares = shareBasisNames[c.ShareBy]
	} else {
		shares := map[string]int{}
		for r, n := range c.Shares {
			shares[p.Ranks[r].Name] = n // every rank, so it is never empty
		}
		y.Shares = shares
	}
	if c.PerShare { // per-member, the default, is left out: plans from before keep their hash
		y.Split = "per-share"
	}
	if c.MinPV.Set {
		y.MinPV = c.MinPV.Value.String()
	}
}

func (f pool) bound() (dec.Rate, int64, bool) { return f.Rate, 2, false }

func (pool) source(*Result, *Line, string) string { return "pool share" }
