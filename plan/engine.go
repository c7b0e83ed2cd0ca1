package plan

import (
	"errors"
	"fmt"
	"math/big"
	"runtime"
	"sync"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// NoRank is the rank of a member who holds none.
const NoRank = -1

// Result is a computed run: per member volumes, rank, activity and
// earnings per component, and the totals.
type Result struct {
	Plan *Plan
	Org  *tree.Org
	Data *tree.Data // what the result was computed from

	PV, GV []dec.D
	Rank   []int16 // paid-as rank: index into Plan.Ranks, or NoRank
	// Qualified is the rank each member qualified for; Rank is the higher
	// of it and their rank floor.
	Qualified []int16
	// Terminated marks terminated members (nil: nobody is).
	Terminated []bool
	// Held is, with a minimum payout, what each member earned but is not
	// paid this run (nil without one); HeldTotal their sum. Payout is what
	// the components paid less HeldTotal.
	Held      []dec.D
	HeldTotal dec.D
	facts     *rankFacts
	// SubtreeRank is the highest paid-as rank in each member's subtree,
	// them included (what a legs requirement looks at).
	SubtreeRank []int16
	Active      []bool
	// Earned[c][m] is what member m earned from component c.
	Earned [][]dec.D

	Sales       int   // number of sales
	SalesAmount dec.D // sum of sale amounts
	Volume      dec.D // sum of sale volumes
	Payout      dec.D // sum of Paid
	// Paid[c] and Breakage[c] are component c's paid and unpaid line sums;
	// together they are everything its rules put up.
	Paid, Breakage []dec.D
}

// Personal is member m's personal commission: the sum of personal components.
func (r *Result) Personal(m int32) dec.D { return r.sum(m, (*Component).Personal) }

// Team is member m's team commission: every component that is neither
// personal nor the adjustments.
func (r *Result) Team(m int32) dec.D { return r.sum(m, (*Component).Team) }

// Total is member m's total: every component, adjustments included.
func (r *Result) Total(m int32) dec.D {
	return r.sum(m, func(*Component) bool { return true })
}

func (r *Result) sum(m int32, which func(*Component) bool) dec.D {
	var s dec.D
	for c := range r.Plan.Components {
		if which(&r.Plan.Components[c]) {
			s += r.Earned[c][m]
		}
	}
	return s
}

// PayoutPct is the payout as a percent of the sales amount, rounded
// half-even to two places; ok is false when there were no sales.
func (r *Result) PayoutPct() (pct dec.D, ok bool) {
	if r.SalesAmount <= 0 {
		return 0, false
	}
	return dec.Percent(r.Payout, r.SalesAmount), true
}

// QualifiedName is member m's qualified rank name, or "" without one.
func (r *Result) QualifiedName(m int32) string {
	if r.Qualified[m] == NoRank {
		return ""
	}
	return r.Plan.Ranks[r.Qualified[m]].Name
}

// RankName is member m's paid-as rank name, or "" without one.
func (r *Result) RankName(m int32) string {
	if r.Rank[m] == NoRank {
		return ""
	}
	return r.Plan.Ranks[r.Rank[m]].Name
}

// run is the state the components compute over.
type run struct {
	plan   *Plan
	org    *tree.Org
	sales  saleSeq
	pv, gv []dec.D
	rank   []int16
	active []bool
	// activeUp[m] is m's nearest upline eligible to earn, distUp[m] the
	// nearest distributor upline, or -1: computed on first use.
	activeUp, distUp []int32
	// terminated (nil: nobody) and eligible: active and not terminated.
	terminated, eligible []bool
	adjustments          []tree.Adjustment
	earned               [][]dec.D // what each component paid, as computed so far
	// depth[m] is m's distance from their root: computed on first use.
	depth []int32
}

// poster adds up one component's lines, and hands each to the sink when
// there is one. It is the only place money is added up.
type poster struct {
	comp     int
	digits   int
	rounding dec.Rounding
	earned   []dec.D
	paid     dec.D
	breakage dec.D
	sink     func(*Result, *Line) error
	res      *Result
	err      error // the sink's first error
	out      Line  // the line handed to the sink (so lines never escape)
}

// amount returns rate × base rounded to the currency's minor unit.
func (p *poster) amount(base dec.D, rate dec.Rate) dec.D {
	return dec.MulRound(base, rate, p.digits, p.rounding)
}

// amountCache remembers the rounded amounts of recent volumes for a list of
// rates: sales mostly come from a short price list, so most sales need no
// multiplication at all. It is direct-mapped and exact (a miss computes).
type amountCache struct {
	rates []dec.Rate
	keys  []dec.D
	set   []bool
	vals  []dec.D
}

const amountCacheBits = 10

func newAmountCache(rates []dec.Rate) *amountCache {
	n := 1 << amountCacheBits
	return &amountCache{rates: rates, keys: make([]dec.D, n), set: make([]bool, n), vals: make([]dec.D, n*len(rates))}
}

// get returns round(rate × v) for each rate. The slice is valid until the
// next call.
func (c *amountCache) get(p *poster, v dec.D) []dec.D {
	i := int((uint64(v) * 0x9E3779B97F4A7C15) >> (64 - amountCacheBits))
	n := len(c.rates)
	out := c.vals[i*n : (i+1)*n]
	if c.set[i] && c.keys[i] == v {
		return out
	}
	for k, r := range c.rates {
		out[k] = p.amount(v, r)
	}
	c.keys[i], c.set[i] = v, true
	return out
}

// detail reports whether lines are written out, so components fill in the
// fields only a reader needs (levels walked, members compressed past).
func (p *poster) detail() bool { return p.sink != nil }

// add adds a line's amount to earner m, or to breakage when m is -1, for
// callers that do not build the line (see detail).
func (p *poster) add(m int32, amount dec.D) {
	if m >= 0 {
		p.earned[m] += amount
		p.paid += amount
	} else {
		p.breakage += amount
	}
}

// post adds line l: to its earner, or to breakage when Earner is -1.
func (p *poster) post(l Line) {
	if l.Earner >= 0 {
		p.earned[l.Earner] += l.Amount
		p.paid += l.Amount
	} else {
		p.breakage += l.Amount
	}
	if p.sink != nil && p.err == nil {
		p.out = l
		p.out.Component = p.comp
		p.err = p.sink(p.res, &p.out)
	}
}

// ErrTooLarge means sums could exceed the exact decimal range.
var ErrTooLarge = errors.New("the sales are too large for compplan's exact decimals")

// Compute runs the plan over the data. It never changes its inputs.
func Compute(p *Plan, d *tree.Data) (*Result, error) {
	return ComputeWith(p, d, Options{})
}

// ComputeWith is Compute with options.
func ComputeWith(p *Plan, d *tree.Data, opts Options) (*Result, error) {
	o := d.Org
	if err := checkRange(p, &d.Sales); err != nil {
		return nil, err
	}
	phase := opts.Phase
	if phase == nil {
		phase = func(string) {}
	}
	floor, err := floorRanks(p, o)
	if err != nil {
		return nil, err
	}
	if err := needDates(p, d); err != nil {
		return nil, err
	}
	if p, err = withAdjustments(p, d); err != nil {
		return nil, err
	}
	dist := nearestDistributors(o)
	sales := &tree.Sales{Chunks: effectiveSales(p, &d.Sales, dist)}
	pv, err := tree.PersonalVolume(o, sales)
	if err != nil {
		return nil, err
	}
	gv, err := tree.GroupVolume(o, pv)
	if err != nil {
		return nil, err
	}
	phase("volumes")
	r := &run{plan: p, org: o, sales: saleSeq{chunks: sales.Chunks}, pv: pv, gv: gv, adjustments: d.Adjustments}
	if opts.Lines != nil {
		r.sales = canonicalSeq(o, sales)
		phase("order sales for lines")
	}
	r.activity()
	r.activeUplines() // before components may run in parallel
	r.nonCustomerUplines()
	f := &rankFacts{org: o, pv: pv, gv: gv, buyer: buyers(o, &d.Sales), activeDist: r.eligible}
	var qualified []int16
	r.rank, qualified = paidAsRanks(p, f, floor)
	phase("ranks")
	res := &Result{
		Plan: p, Org: o, Data: d, PV: pv, GV: gv, Rank: r.rank, Qualified: qualified, SubtreeRank: f.best,
		Active: r.active, Terminated: r.terminated, facts: f,
		Sales: d.Sales.Len(), SalesAmount: d.Sales.Amount, Volume: d.Sales.TotalVolume,
		Earned:   make([][]dec.D, len(p.Components)),
		Paid:     make([]dec.D, len(p.Components)),
		Breakage: make([]dec.D, len(p.Components)),
	}
	order, err := evaluationOrder(p.Components)
	if err != nil {
		return nil, err // Decode rejects cycles: a plan built by hand may not
	}
	r.earned = res.Earned
	for _, c := range order {
		post, err := r.payComponent(c, res, opts.Lines)
		if err != nil {
			return nil, err
		}
		res.Earned[c], res.Paid[c], res.Breakage[c] = post.earned, post.paid, post.breakage
		res.Payout += post.paid
		phase("component " + p.Components[c].Name)
	}
	res.Held, res.HeldTotal = held(p, res)
	res.Payout -= res.HeldTotal
	return res, nil
}

// payComponent posts every line of component c. Without a line sink, the
// sales are split over every core, each worker adding into its own earnings
// array, and the arrays are summed: integer sums, so the result is exactly
// the same as one worker's. With a sink, lines must come in order: one worker.
func (r *run) payComponent(c int, res *Result, sink func(*Result, *Line) error) (*poster, error) {
	p := r.plan
	newPoster := func() *poster {
		return &poster{comp: c, digits: p.Digits, rounding: p.Rounding, earned: make([]dec.D, r.org.Len()), sink: sink, res: res}
	}
	workers := min(runtime.GOMAXPROCS(0), len(r.sales.chunks))
	if sink != nil || workers < 2 || r.sales.Len() < parallelSales || !p.Components[c].family().bySale() {
		post := newPoster()
		p.Components[c].family().pay(r, post)
		return post, post.err
	}
	posts := make([]*poster, workers)
	var wg sync.WaitGroup
	for w := range workers {
		posts[w] = newPoster()
		part := *r
		part.sales = saleSeq{}
		for k := w; k < len(r.sales.chunks); k += workers {
			part.sales.chunks = append(part.sales.chunks, r.sales.chunks[k])
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.Components[c].family().pay(&part, posts[w])
		}()
	}
	wg.Wait()
	post := posts[0]
	for _, q := range posts[1:] {
		for m, v := range q.earned {
			post.earned[m] += v
		}
		post.paid += q.paid
		post.breakage += q.breakage
	}
	return post, nil
}

// parallelSales is the number of sales from which components run on every
// core.
const parallelSales = 1 << 16

// checkRange refuses data whose lines could add up past the exact range:
// every line is at most its rate × volume plus one minor unit, so the sum
// of all rates × the total volume, plus a unit per line, bounds every sum.
func checkRange(p *Plan, s *tree.Sales) error {
	rates, lines := new(big.Int), int64(0)
	for _, c := range p.Components {
		for _, r := range append([]dec.Rate{c.Rate}, c.Levels...) {
			rates.Add(rates, big.NewInt(int64(r)))
		}
		lines += int64(len(c.Levels) + 1)
	}
	bound := new(big.Int).Mul(big.NewInt(int64(s.TotalVolume)), rates)
	bound.Quo(bound, big.NewInt(int64(dec.RateOne)))
	bound.Add(bound, new(big.Int).Mul(big.NewInt(lines*int64(s.Len())), big.NewInt(int64(dec.One))))
	if bound.Cmp(big.NewInt(int64(dec.Max))) > 0 {
		return fmt.Errorf("%w: the plan could pay up to %s, beyond the limit %s", ErrTooLarge, bound, dec.Max)
	}
	return nil
}

// activity says who is active (a distributor whose PV is at least the
// plan's active pv; customers never are), who is terminated, and who is
// eligible to earn: active and not terminated.
func (r *run) activity() {
	p, o := r.plan, r.org
	n := o.Len()
	r.active, r.eligible = make([]bool, n), make([]bool, n)
	for m, v := range r.pv {
		r.active[m] = !o.Customer(int32(m)) && (!p.HasActive || v >= p.ActivePV)
		r.eligible[m] = r.active[m]
	}
	for m := range n {
		if o.Terminated(int32(m)) != tree.NoDate {
			if r.terminated == nil {
				r.terminated = make([]bool, n)
			}
			r.terminated[m] = true
			r.eligible[m] = false
		}
	}
}

// uplines returns, for each member, the nearest upline for which keep
// holds (or -1), computed top-down.
func (r *run) uplines(keep func(int32) bool) []int32 {
	up := make([]int32, r.org.Len())
	sp := r.org.Sponsors()
	for _, m := range r.org.TopDown() {
		s := sp[m]
		switch {
		case s < 0:
			up[m] = -1
		case keep(s):
			up[m] = s
		default:
			up[m] = up[s]
		}
	}
	return up
}

// activeUplines returns each member's nearest upline eligible to earn: what
// dynamic compression counts. Computed once.
func (r *run) activeUplines() []int32 {
	if r.activeUp == nil {
		r.activeUp = r.uplines(func(m int32) bool { return r.eligible[m] })
	}
	return r.activeUp
}

// nonCustomerUplines returns each member's nearest distributor upline: what
// every level count counts (customers are skipped). Computed once; without
// customers it is the sponsor.
func (r *run) nonCustomerUplines() []int32 {
	if r.distUp == nil {
		if !r.org.HasCustomers() {
			r.distUp = r.org.Sponsors()
		} else {
			r.distUp = r.uplines(func(m int32) bool { return !r.org.Customer(m) })
		}
	}
	return r.distUp
}

// earns reports whether member m may earn: not terminated, not a customer.
func (r *run) earns(m int32) bool {
	return !r.org.Customer(m) && (r.terminated == nil || !r.terminated[m])
}

// depths returns each member's distance from their root, computed once.
func (r *run) depths() []int32 {
	if r.depth == nil {
		r.depth = make([]int32, r.org.Len())
		sp := r.org.Sponsors()
		for _, m := range r.org.TopDown() {
			if s := sp[m]; s >= 0 {
				r.depth[m] = r.depth[s] + 1
			}
		}
	}
	return r.depth
}
