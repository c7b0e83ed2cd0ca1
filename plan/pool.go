package plan

import (
	"fmt"
	"math/big"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/compplan/compplan/tree/dec"
)

// pool puts a percentage of the period's total volume (or sales amount)
// into a pool shared by the active members of the listed ranks, each by
// their paid-as rank's shares (and, with min_pv, only with that PV). A
// member's payout is pool × their shares ÷ all shares, rounded down to the
// minor unit; the remainder, like a pool nobody qualifies for, is breakage.
// A pool line's source is the pool itself.
type pool struct {
	Rate dec.Rate // its percent
	// PoolOfAmount: of the sales amount, else of volume; Shares per rank;
	// MinPV for a share.
	PoolOfAmount bool
	Shares       []int
	MinPV        Min
}

func (f pool) pay(r *run, p *poster) {
	c := f
	// The period's pool volume: under returns: reverse, less what was
	// returned of this period's own orders (such a return carries no
	// volume, but its order no longer stands). A pool is never funded
	// below 0: a period whose returns outweigh its sales pays no pool, and
	// takes nothing back from its shareholders.
	base := r.totalVolume - r.returnedHere
	if c.PoolOfAmount {
		base = r.totalAmount
	}
	amount := p.amount(max(base, 0), c.Rate)
	var total int64
	shares := func(m int32) int64 {
		rk := r.rank[m]
		if !r.eligible[m] || rk == NoRank || c.Shares[rk] == 0 || (c.MinPV.Set && r.pv[m] < c.MinPV.Value) {
			return 0
		}
		return int64(c.Shares[rk])
	}
	for _, m := range r.org.ByID() {
		total += shares(m)
	}
	paid := dec.D(0)
	if total > 0 {
		unit := dec.MinorUnit(p.digits)
		for _, m := range r.org.ByID() {
			s := shares(m)
			if s == 0 {
				continue
			}
			// amount × s ÷ total, rounded down to the minor unit, exactly.
			q := new(big.Int).Mul(big.NewInt(int64(amount)), big.NewInt(s))
			q.Quo(q, big.NewInt(total))
			share := dec.D(q.Int64()) / unit * unit
			paid += share
			p.post(Line{Earner: m, Upline: m, Seller: -1, Sale: SaleRef{-1, -1}, Base: amount,
				Rate: dec.Rate(s * int64(dec.RateOne) / total), Amount: share, Skipped: -1})
		}
	}
	if rest := amount - paid; rest != 0 || total == 0 {
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
	f, err := d.fields(n, "a pool component", "name", "type", "percent", "of", "shares", "min_pv")
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
	if v := f["min_pv"]; v != nil {
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
	return fmt.Sprintf("%s of the %s, shares %s", c.Rate, of, strings.Join(shares, ", "))
}

func (f pool) encode(p *Plan, y *yamlComponent) {
	c := f
	y.Percent = c.Rate.String()
	if c.PoolOfAmount {
		y.Of = "amount"
	}
	y.Shares = map[string]int{}
	for r, n := range c.Shares {
		y.Shares[p.Ranks[r].Name] = n // every rank, so it is never empty
	}
	if c.MinPV.Set {
		y.MinPV = c.MinPV.Value.String()
	}
}

func (f pool) bound() (dec.Rate, int64, bool) { return f.Rate, 2, false }

func (pool) source(*Result, *Line, string) string { return "pool share" }
