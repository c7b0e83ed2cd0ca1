package plan

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/compplan/compplan/tree/dec"
)

// differential is a stairstep: each member earns their rank's rate on their
// own volume, and on each downline sale the difference between their rate
// and the highest rate already paid below them on that sale's path (never
// negative). Walking up from the seller (customers never count), a member
// who may not earn (inactive or terminated) takes nothing and passes the
// difference up. What the top rate puts up and nobody earned is breakage.
//
// Line amounts are differences of rounded cumulative amounts, round(rate ×
// volume) − round(rate paid below × volume), so the lines of a sale add up
// exactly to round(top rate × volume).
//
// With a breakaway, the first member at or above the breakaway rank met
// going up (the seller included) is the sale's leader: the differential
// stops with them, and the leaders above earn the generation rates instead
// (generation 1 is the next leader up, and so on), each as far as their
// rank is paid; a generation nobody may earn is breakage.
type differential struct {
	DiffRates []dec.Rate // each rank's rate (0 for a rank not listed)
	Breakaway *Breakaway // nil: none
}

func (f differential) pay(r *run, p *poster) {
	c := f
	up := r.nonCustomerUplines()
	top := slices.Max(c.DiffRates)
	rates := append(slices.Clone(c.DiffRates), top)
	cache := newAmountCache(rates)
	var gens *amountCache
	ba := c.Breakaway
	if ba != nil {
		gens = newAmountCache(ba.Generations)
	}
	// at is the amount or rate of rate index k; nothing below the first.
	at := func(a []dec.D, k int16) dec.D {
		if k < 0 {
			return 0
		}
		return a[k]
	}
	rateAt := func(k int16) dec.Rate {
		if k < 0 {
			return 0
		}
		return c.DiffRates[k]
	}
	// pay adds, without lines, what one seller's sales put up (amounts at
	// each rate, gen on each breakaway generation) to whom the walk finds.
	pay := func(seller int32, amounts, gen []dec.D) {
		f.walk(r, up, top, seller,
			func(x int32, rk, below int16) { p.add(x, amounts[rk]-at(amounts, below)) },
			func(below int16) { p.add(-1, amounts[len(rates)-1]-at(amounts, below)) },
			func(g int, _, earner int32) { p.add(earner, gen[g]) })
	}
	var sums *sellerSums
	var both *amountCache
	if !p.detail() && p.scale == 0 {
		// A seller's earners are the same for each of their sales: sum the
		// amounts of each rate (and generation) per seller, and walk once.
		ng := 0
		if ba != nil {
			ng = len(ba.Generations)
		}
		// A seller's row of sums holds the amounts of each distinct rate
		// above 0 (ranks often share a rate, and the top rate is one of
		// them), then of each generation; one cache gives a sale's row.
		var distinct []dec.Rate
		col := make([]int, len(rates)) // rate k's column; -1 for 0
		for k, rt := range rates {
			switch j := slices.Index(distinct, rt); {
			case rt == 0:
				col[k] = -1
			case j >= 0:
				col[k] = j
			default:
				col[k], distinct = len(distinct), append(distinct, rt)
			}
		}
		nd := len(distinct)
		if ba != nil {
			distinct = append(distinct, ba.Generations...)
		}
		both = newAmountCache(distinct)
		amounts := make([]dec.D, len(rates))
		sums = newSellerSums(r.org.Len(), nd+ng, func(seller int32, row []dec.D) {
			for k, j := range col {
				amounts[k] = at(row, int16(j))
			}
			pay(seller, amounts, row[nd:])
		})
	}
	for ci, ch := range r.sales.chunks {
		if sums.take(ch.Member) {
			sums.addEach(&p.acc, ch.Member, func(k int) []dec.D { return both.get(p, ch.VolumeOf(k)) })
			continue
		}
		for k, seller := range ch.Member {
			v := ch.VolumeOf(k)
			amounts := cache.get(p, v)
			var gen []dec.D
			if ba != nil {
				gen = gens.get(p, v)
			}
			if !p.detail() { // a payout cap scales each line: line by line
				pay(seller, amounts, gen)
				continue
			}
			ref := r.sales.ref(ci, k)
			f.walk(r, up, top, seller,
				func(x int32, rk, below int16) {
					p.post(Line{Earner: x, Upline: x, Seller: seller, Sale: ref, Level: f.distance(r, seller, x),
						Base: v, Rate: c.DiffRates[rk] - rateAt(below), Amount: amounts[rk] - at(amounts, below), Skipped: -1})
				},
				func(below int16) {
					p.post(Line{Earner: -1, Upline: -1, Seller: seller, Sale: ref, Base: v, Rate: top - rateAt(below),
						Amount: amounts[len(rates)-1] - at(amounts, below), Skipped: -1, Reason: DiffRest})
				},
				func(g int, y, earner int32) {
					l := Line{Earner: earner, Upline: y, Seller: seller, Sale: ref, PaidLevel: g + 1,
						Base: v, Rate: ba.Generations[g], Amount: gen[g], Skipped: -1}
					if y >= 0 {
						l.Level = f.distance(r, seller, y)
					}
					if l.Reason = r.eligibility(y); l.Reason == Paid && earner < 0 {
						l.Reason = RankLevels
					}
					p.post(l)
				})
		}
	}
	sums.flush()
}

// walk is the stairstep's rule for one seller, the one place it is
// written: walking up from the seller, diff(x, rk, below) for each member
// paid a difference (their rate index rk, below the index paid under them,
// -1 for none); rest(below) when the top rate is not reached; with a
// breakaway, gen(g, y, earner) for each generation g above the leader (y
// the leader met, -1 above the top; earner y when paid, else -1). top
// is the highest rate.
func (f differential) walk(r *run, up []int32, top dec.Rate, seller int32,
	diff func(x int32, rk, below int16), rest func(below int16), gen func(g int, y, earner int32)) {
	c, ba := f, f.Breakaway
	leaderRank := func(m int32) bool { return ba != nil && r.rank[m] != NoRank && int(r.rank[m]) >= ba.Rank }
	paid, paidRate, leader := int16(-1), dec.Rate(0), int32(-1)
	for x := seller; x >= 0; x = up[x] {
		if rk := r.rank[x]; rk != NoRank && r.eligible[x] && c.DiffRates[rk] > paidRate {
			diff(x, rk, paid)
			paid, paidRate = rk, c.DiffRates[rk]
		}
		if leaderRank(x) {
			leader = x
			break
		}
	}
	if paidRate < top {
		rest(paid)
	}
	if leader < 0 {
		return
	}
	y := up[leader]
	for g := range ba.Generations {
		for y >= 0 && !leaderRank(y) {
			y = up[y]
		}
		earner := int32(-1)
		if y >= 0 && r.eligible[y] && g < ba.generationsPaid(int(r.rank[y])) {
			earner = y
		}
		gen(g, y, earner)
		if y >= 0 {
			y = up[y]
		}
	}
}

func (differential) distance(r *run, from, to int32) int {
	d := r.depths()
	return int(d[from] - d[to])
}

// Breakaway is a differential's breakaway: members at or above Rank lead
// their own group, and their upline leaders earn Generations on it.
type Breakaway struct {
	Rank            int
	Generations     []dec.Rate
	PaidGenerations []int // per rank; nil: all
}

func (b *Breakaway) generationsPaid(r int) int {
	switch {
	case b.PaidGenerations == nil:
		return len(b.Generations)
	case r < 0:
		return 0
	}
	return b.PaidGenerations[r]
}

func (differential) bySale() bool { return true }

// paidOn: with a breakaway, the generations rank r is paid on; no levels
// otherwise.
func (f differential) paidOn(r int) (int, string) {
	if f.Breakaway != nil {
		return f.Breakaway.generationsPaid(r), "generation"
	}
	return 0, "level"
}

func (f differential) max(c *Component, _ *Plan, ch *Check, top int) dec.Rate {
	m := slices.Max(f.DiffRates)
	if b := f.Breakaway; b != nil {
		m += sumRates(b.Generations[:b.generationsPaid(top)])
	}
	return ch.paysSomething(c, m)
}

func (f differential) describe(p *Plan) string {
	var rates []string
	for r, rate := range f.DiffRates {
		rates = append(rates, fmt.Sprintf("%s %s", p.Ranks[r].Name, rate))
	}
	s := "rates " + strings.Join(rates, ", ")
	if b := f.Breakaway; b != nil {
		s += fmt.Sprintf("; breakaway at %s, generations %s", p.Ranks[b.Rank].Name, rateList(b.Generations))
	}
	return s
}

func (f differential) encode(p *Plan, y *yamlComponent) {
	y.Rates = map[string]string{}
	for r, rate := range f.DiffRates {
		y.Rates[p.Ranks[r].Name] = rate.String()
	}
	if b := f.Breakaway; b != nil {
		y.Breakaway = &yamlBreakaway{Rank: p.Ranks[b.Rank].Name, Generations: rateStrings(b.Generations)}
		if b.PaidGenerations != nil {
			y.Breakaway.PaidGens = map[string]int{}
			for r, n := range b.PaidGenerations {
				y.Breakaway.PaidGens[p.Ranks[r].Name] = n
			}
		}
	}
}

func (d *decoder) differential(n *yaml.Node, c *differential) error {
	f, err := d.fields(n, "a differential component", "name", "type", "rates", "breakaway")
	if err != nil {
		return err
	}
	rn := f["rates"]
	if rn == nil || len(d.p.Ranks) == 0 {
		return d.errf(n, "a differential component needs ranks and rates, each rank's rate, e.g. rates: {Bronze: 5%%, Silver: 10%%}")
	}
	c.DiffRates = make([]dec.Rate, len(d.p.Ranks))
	if err := d.byRank(rn, "rates", func(r int, v *yaml.Node) error {
		c.DiffRates[r], err = d.rate(v, "rate")
		return err
	}); err != nil {
		return err
	}
	bn := f["breakaway"]
	if bn == nil {
		return nil
	}
	bf, err := d.fields(bn, "breakaway", "rank", "generations", "paid_generations")
	if err != nil {
		return err
	}
	if bf["rank"] == nil || bf["generations"] == nil {
		return d.errf(bn, "breakaway needs rank and generations, e.g. {rank: Gold, generations: [5%%, 3%%]}")
	}
	b := &Breakaway{}
	if b.Rank, err = d.rankIndex(bf["rank"], "breakaway rank"); err != nil {
		return err
	}
	if b.Generations, err = d.levels(bf["generations"], bn, "breakaway"); err != nil {
		return err
	}
	if pn := bf["paid_generations"]; pn != nil {
		b.PaidGenerations = make([]int, len(d.p.Ranks))
		if err := d.byRank(pn, "paid_generations", func(r int, v *yaml.Node) error {
			k, err := d.count(v, "paid generations")
			if err == nil && k > len(b.Generations) {
				err = d.errf(v, "rank %q is paid on %d generations but the breakaway has only %d", d.p.Ranks[r].Name, k, len(b.Generations))
			}
			b.PaidGenerations[r] = k
			return err
		}); err != nil {
			return err
		}
	}
	c.Breakaway = b
	return nil
}

func (f differential) bound() (dec.Rate, int64, bool) {
	share, lines := dec.Rate(0), int64(2)
	if len(f.DiffRates) > 0 {
		share += slices.Max(f.DiffRates)
	}
	if f.Breakaway != nil {
		share += sumRates(f.Breakaway.Generations)
		lines += int64(len(f.Breakaway.Generations))
	}
	return share, lines, false
}

func (differential) source(_ *Result, l *Line, seller string) string {
	switch {
	case l.PaidLevel > 0:
		return fmt.Sprintf("breakaway generation %d from %s", l.PaidLevel, seller)
	case l.Seller == l.Earner:
		return "own sale, differential"
	}
	return fmt.Sprintf("differential on %s, %d up", seller, l.Level)
}
