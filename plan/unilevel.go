package plan

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/compplan/compplan/tree/dec"
)

// unilevel pays level k of each sale to the seller's k-th upline when that
// upline is eligible (active, not terminated) and its rank is paid on level
// k; otherwise the line is breakage. Customers never count as a level.
//   - compression none: level k is the k-th upline;
//   - dynamic: the k-th eligible upline;
//   - dynamic-rank: the k-th upline that is eligible and whose rank is paid
//     on level k (everyone else is skipped).
//
// With levels_by_rank each rank has its own rates: a member is paid their
// rank's rate, and the rest of the highest rate any rank has on that level
// is breakage.
type unilevel struct {
	Levels      []dec.Rate
	Compression Compression
	// PaidLevels[r] is how many levels rank r is paid on; nil means every
	// active member is paid on every level, ranked or not.
	PaidLevels []int
	// LevelsByRank[r] are rank r's own level rates (levels_by_rank); then
	// Levels holds the highest rate of each level, what a level puts up.
	LevelsByRank [][]dec.Rate
}

func (f unilevel) paidOn(r int) (int, string) { return f.levelsPaid(r), "level" }

// levelsPaid is how many levels rank r is paid on (r may be NoRank: a
// plan without ranks pays everyone every level).
func (f unilevel) levelsPaid(r int) int {
	switch {
	case f.LevelsByRank != nil && r >= 0:
		return len(f.LevelsByRank[r])
	case f.PaidLevels == nil && f.LevelsByRank == nil:
		return len(f.Levels)
	case r < 0 || f.PaidLevels == nil:
		return 0
	}
	return f.PaidLevels[r]
}

// rankRate is rank's own rate on level (1-based), with levels_by_rank.
func (f unilevel) rankRate(rank, level int) dec.Rate { return f.LevelsByRank[rank][level-1] }

// rankRate is rank's own rate on level (1-based) of a unilevel or matrix
// with levels_by_rank.
func (c *Component) rankRate(rank, level int) dec.Rate {
	return c.rule.(interface {
		rankRate(rank, level int) dec.Rate
	}).rankRate(rank, level)
}

// check warns of levels no rank is paid on, and of a top rank paid on
// fewer levels than a lower one.
func (f unilevel) check(c *Component, p *Plan, ch *Check) {
	most := 0
	for r := range p.Ranks {
		most = max(most, f.levelsPaid(r))
	}
	if len(p.Ranks) == 0 {
		most = len(f.Levels)
	}
	switch {
	case most == 0 || sumRates(f.Levels[:most]) == 0:
		ch.warn("component %s: no rank is paid on any level with a rate above 0%%: nobody can earn it", c.Name)
	case most < len(f.Levels):
		ch.warn("component %s: levels %d to %d are paid to no rank: they are always breakage", c.Name, most+1, len(f.Levels))
	}
	if top := len(p.Ranks) - 1; top >= 0 && f.levelsPaid(top) < most {
		ch.warn("component %s: the top rank %s is paid on fewer levels (%d) than a lower rank (%d)", c.Name, p.Ranks[top].Name, f.levelsPaid(top), most)
	}
}

// levelTree is the tree a level-paying component counts levels along: the
// sponsor tree for a unilevel, the placement tree for a matrix.
type levelTree struct {
	up       []int32 // each member's parent, customers skipped
	activeUp []int32 // each member's nearest upline eligible to earn
	parent   []int32 // the tree's own parent
	depth    []int32 // each member's distance from their root; nil: the sponsor tree's (run.depths), made when a line asks
}

func (f unilevel) pay(r *run, p *poster) { f.payLevels(r, p, r.sponsorLevels()) }

// sponsorLevels is the sponsor tree as a levelTree.
func (r *run) sponsorLevels() *levelTree {
	return &levelTree{up: r.nonCustomerUplines(), activeUp: r.activeUplines(), parent: r.org.Sponsors()}
}

// payLevels pays the component's levels along t.
func (f unilevel) payLevels(r *run, p *poster, t *levelTree) {
	c := f
	levels := c.Levels // with levels_by_rank: the highest rate on each level
	up := t.up
	if c.Compression == CompressDynamic {
		up = t.activeUp
	}
	// paid[m] is the number of levels m is paid on: 0 when not eligible.
	paid := make([]uint8, r.org.Len())
	for m := range paid {
		if r.eligible[m] {
			paid[m] = uint8(c.levelsPaid(int(r.rank[m])))
		}
	}
	cache := newAmountCache(levels)
	var byRank []*amountCache // each rank's amounts, with levels_by_rank
	if c.LevelsByRank != nil {
		byRank = make([]*amountCache, len(c.LevelsByRank))
		for i, rates := range c.LevelsByRank {
			byRank[i] = newAmountCache(rates)
		}
	}
	// pay adds a seller's amount on each level (one sale's, or the sum of
	// their sales') to the uplines paid on it, without lines, for levels
	// whose rates do not depend on the earner's rank.
	pay := func(seller int32, amount []dec.D) {
		f.walk(up, paid, seller, func(i int, _, _, earner int32) { p.add(earner, amount[i]) })
	}
	var sums *sellerSums
	if !p.detail() && p.scale == 0 && byRank == nil {
		sums = newSellerSums(r.org.Len(), len(levels), pay)
		sums.warm = func(ms []int32) uint64 { return warmUplines(up, p.earned, ms, len(levels)) }
	}
	for ci, ch := range r.sales.chunks {
		if sums.take(ch.Member) {
			sums.addEach(&p.acc, ch.Member, func(k int) []dec.D { return cache.get(p, ch.VolumeOf(k)) })
			continue
		}
		for k, seller := range ch.Member {
			v := ch.VolumeOf(k)
			amount := cache.get(p, v)
			if !p.detail() && byRank == nil { // a payout cap scales each line: line by line
				pay(seller, amount)
				continue
			}
			f.walk(up, paid, seller, func(i int, u, below, earner int32) {
				earned := dec.D(0)
				if earner >= 0 && byRank != nil {
					earned = byRank[r.rank[u]].get(p, v)[i]
				}
				switch {
				case p.detail():
					l := f.line(r, t, Line{Earner: earner, Upline: u, Seller: seller, Sale: r.sales.ref(ci, k),
						PaidLevel: i + 1, Base: v, Rate: levels[i], Amount: amount[i], Skipped: -1}, below)
					if earner >= 0 && byRank != nil && earned != amount[i] { // a lower rate by rank: the rest is breakage
						rest := l
						l.Rate, l.Amount = c.LevelsByRank[r.rank[u]][i], earned
						rest.Earner, rest.Rate, rest.Amount, rest.Reason = -1, levels[i]-l.Rate, amount[i]-earned, RankRate
						p.post(l)
						p.post(rest)
					} else {
						p.post(l)
					}
				case earner < 0:
					p.add(earner, amount[i])
				default: // by rank: the earner's rate, the rest breakage
					p.add(earner, earned)
					p.add(-1, amount[i]-earned)
				}
			})
		}
	}
	sums.flush()
}

// warmUplines touches, for each seller in ms, the first n members up the
// tree and what they have earned, level by level: every seller's loads
// of one level do not wait on one another (a walk one seller at a time
// waits on each). It returns a value made from the loads, for the caller
// to keep so that they are not dropped.
func warmUplines(up []int32, earned []dec.D, ms []int32, n int) uint64 {
	var cur [warmBatch]int32
	copy(cur[:], ms)
	var sink uint64
	for range n {
		for j := range ms {
			if u := cur[j]; u >= 0 {
				cur[j] = up[u]
			}
		}
		for j := range ms {
			if u := cur[j]; u >= 0 {
				sink += uint64(earned[u])
			}
		}
	}
	return sink
}

// walk is the levels' rule for one seller, the one place it is written:
// for each level i from the seller up, each(i, u, below, earner) with u
// the upline at that level (-1 above the top), below the member under it
// (the seller on level 1), and earner u when u is paid on level i, else -1.
// up is the tree compression walks; paid[m] the levels m is paid on.
func (f unilevel) walk(up []int32, paid []uint8, seller int32, each func(i int, u, below, earner int32)) {
	skipRank := f.Compression == CompressDynamicRank
	u, below := up[seller], seller
	for i := range f.Levels {
		for skipRank && u >= 0 && int(paid[u]) <= i {
			u = up[u]
		}
		earner := int32(-1)
		if u >= 0 && i < int(paid[u]) {
			earner = u
		}
		each(i, u, below, earner)
		if u >= 0 {
			below, u = u, up[u]
		}
	}
}

// line fills in why l went where it went, how far up the tree its upline
// is and whom compression skipped on the way from below (the member at the
// level under it, or the seller).
func (f unilevel) line(r *run, t *levelTree, l Line, below int32) Line {
	u := l.Upline
	switch {
	case u < 0:
		l.Reason = AboveTop
		return l
	case l.Earner >= 0:
	case !r.active[u]:
		l.Reason = Inactive
	case !r.earns(u):
		l.Reason = Terminated
	case r.rank[u] == NoRank:
		l.Reason = NoRankHeld
	default:
		l.Reason = RankLevels
	}
	depth := t.depth
	if depth == nil {
		depth = r.depths()
	}
	l.Level = int(depth[l.Seller] - depth[u])
	if gap := int(depth[below]-depth[u]) - 1; gap > 0 {
		l.Skipped, l.SkippedN = t.parent[below], gap
		if r.org.HasCustomers() { // customers skipped do not count as compressed past
			l.SkippedN = 0
			for s := t.parent[below]; s != u; s = t.parent[s] {
				if !r.org.Customer(s) {
					if l.SkippedN == 0 {
						l.Skipped = s
					}
					l.SkippedN++
				}
			}
		}
	}
	return l
}

func (unilevel) bySale() bool { return true }

func (f unilevel) max(c *Component, p *Plan, ch *Check, top int) dec.Rate {
	f.check(c, p, ch)
	if f.LevelsByRank != nil && top >= 0 {
		return sumRates(f.LevelsByRank[top])
	}
	return sumRates(f.Levels[:f.levelsPaid(top)])
}

func (f unilevel) describe(p *Plan) string {
	c := f
	var levels []string
	for _, l := range c.Levels {
		levels = append(levels, l.String())
	}
	s := fmt.Sprintf("levels %s; compression %s", strings.Join(levels, " "), c.Compression)
	if c.PaidLevels != nil {
		var paid []string
		for r, n := range c.PaidLevels {
			paid = append(paid, fmt.Sprintf("%s %d", p.Ranks[r].Name, n))
		}
		s += "; paid levels " + strings.Join(paid, ", ")
	}
	return s
}

func (f unilevel) encode(p *Plan, y *yamlComponent) {
	c := f
	y.Levels = rateStrings(c.Levels)
	if c.LevelsByRank != nil {
		y.Levels, y.ByRank = nil, map[string][]string{}
		for r, rates := range c.LevelsByRank {
			if rates != nil {
				y.ByRank[p.Ranks[r].Name] = rateStrings(rates)
			}
		}
	}
	y.Compression = c.Compression.String()
	if c.PaidLevels != nil {
		y.PaidLevels = map[string]int{}
		for r, n := range c.PaidLevels {
			y.PaidLevels[p.Ranks[r].Name] = n
		}
	}
}

func (d *decoder) unilevel(n *yaml.Node, c *unilevel) error {
	return d.levelsOf(n, c, "a unilevel component")
}

// levelsOf reads the keys of a level-paying component (what names it).
func (d *decoder) levelsOf(n *yaml.Node, c *unilevel, what string, extra ...string) error {
	f, err := d.fields(n, what, append([]string{"name", "type", "levels", "compression", "paid_levels", "levels_by_rank"}, extra...)...)
	if err != nil {
		return err
	}
	if lb := f["levels_by_rank"]; lb != nil {
		if f["levels"] != nil || f["paid_levels"] != nil {
			return d.errf(lb, "levels_by_rank gives each rank its own levels: leave out levels and paid_levels")
		}
		if err := d.levelsByRank(lb, c); err != nil {
			return err
		}
	} else if c.Levels, err = d.levels(f["levels"], n, what); err != nil {
		return err
	}
	if cn := f["compression"]; cn != nil {
		i := slices.Index(compressionNames, cn.Value)
		if i < 0 || cn.Kind != yaml.ScalarNode {
			return d.errf(cn, "compression must be none, dynamic or dynamic-rank, not %s", kindName(cn))
		}
		c.Compression = Compression(i)
	}
	if pn := f["paid_levels"]; pn != nil {
		if len(d.p.Ranks) == 0 {
			return d.errf(pn, "paid_levels needs ranks: define them under ranks first")
		}
		if pn.Kind != yaml.MappingNode {
			return d.errf(pn, "paid_levels must map rank names to a number of levels, e.g. {Bronze: 3}, not %s", kindName(pn))
		}
		c.PaidLevels = make([]int, len(d.p.Ranks))
		err := d.byRank(pn, "paid_levels", func(r int, v *yaml.Node) error {
			k, err := d.count(v, "paid levels")
			if err != nil {
				return err
			}
			if k > len(c.Levels) {
				return d.errf(v, "rank %q is paid on %d levels but the component has only %d", d.p.Ranks[r].Name, k, len(c.Levels))
			}
			c.PaidLevels[r] = k
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// levelsByRank reads levels_by_rank: each rank's own level rates; Levels
// becomes the highest rate on each level.
func (d *decoder) levelsByRank(n *yaml.Node, c *unilevel) error {
	if len(d.p.Ranks) == 0 {
		return d.errf(n, "levels_by_rank needs ranks: define them under ranks first")
	}
	c.LevelsByRank = make([][]dec.Rate, len(d.p.Ranks))
	err := d.byRank(n, "levels_by_rank", func(r int, v *yaml.Node) error {
		rates, err := d.levels(v, v, "levels_by_rank "+d.p.Ranks[r].Name)
		c.LevelsByRank[r] = rates
		return err
	})
	if err != nil {
		return err
	}
	for _, rates := range c.LevelsByRank {
		for i, rate := range rates {
			if i == len(c.Levels) {
				c.Levels = append(c.Levels, 0)
			}
			c.Levels[i] = max(c.Levels[i], rate)
		}
	}
	if len(c.Levels) == 0 {
		return d.errf(n, "levels_by_rank gives no rank any level")
	}
	return nil
}

func (f unilevel) bound() (dec.Rate, int64, bool) {
	return sumRates(f.Levels), int64(len(f.Levels) + 2), false
}
