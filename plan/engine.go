package plan

import (
	"errors"
	"fmt"
	"math/big"
	"runtime"
	"slices"
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
	// paid this run (nil without one); HeldTotal their sum.
	Held      []dec.D
	HeldTotal dec.D
	// BalanceIn is what each member carried in from the previous period
	// (nil: nothing); BalanceOut what they carry out: a held payout (above
	// 0) or a debit (below 0); Debits the sum of the debits. Payout is
	// what the components paid plus the balances in, less the balances out.
	BalanceIn, BalanceOut []dec.D
	// Local is, when the members file says each member's payout currency,
	// what each is paid in it (nil otherwise).
	Local *LocalPay
	// StateDropped is, when the state read was written by another version
	// of the plan, what it held that this version cannot carry (nil
	// otherwise).
	StateDropped *Dropped
	Debits       dec.D
	// Deducted is, by deduction of the plan, what it took from each
	// member's payable (nil without deductions); DeductedTotal their sums.
	Deducted      [][]dec.D
	DeductedTotal []dec.D
	// Highest is each member's highest paid-as rank ever (this period
	// included); Recent their qualified ranks of the latest periods, most
	// recent first, as many as the rank grace needs.
	Highest []int16
	Recent  [][]int16
	// RecentPaid are each member's paid-as ranks of the latest periods,
	// this one first, as many as the plan's rank bonuses read (nil: none
	// does).
	RecentPaid [][]int16
	// Reached is, by component, the highest rank each member has reached
	// for a rank_advancement with held (nil for the other components);
	// Instalments each member's advancement instalments still to come
	// (nil: nobody's).
	Reached     [][]int16
	Instalments [][]instalment
	// FirstOrdered marks the members who have had their first order, this
	// period or before (nil: the plan has no first_order).
	FirstOrdered []bool
	// FirstPaired marks the members who have had their binary first pair
	// (first_pair), this period or before (nil: the binary has none).
	FirstPaired []bool
	// ReturnsAsVolume describes each return (returns: reverse) whose order
	// was unknown or past the return window, and was counted as volume.
	ReturnsAsVolume []string
	carried         *carried
	remap           []int32                // in a replay: each member of the whole organisation's number here (-1: not here; nil: the same)
	reversedSales   map[SaleRef]bool       // returns reversed (returns: reverse): they carry no volume
	orders          map[string]*OrderLines // this period's orders' lines, for later returns
	returnedNow     map[string]dec.D       // volume returned this period, by order
	pairingsNow     map[pairKey]Pairing    // earlier pairings clawed back this period, updated
	clawed          map[int32]dec.D        // what clawbacks took from each member this period (≤ 0)
	revs            []reversal             // this period's reversed returns
	revOut          [][]dec.D              // by component, each member's reversals of earlier periods' orders
	pairMatches     map[int32][]OrderLine  // by member, the matches paid on this period's pairing
	// ScaleFactor is the payout cap's factor (1 when it did not bind); the
	// Cut fields are what each kind of cap took, as breakage.
	ScaleFactor                                        dec.Rate
	CutByComponentCaps, CutByMemberCap, CutByPayoutCap dec.D
	capped                                             dec.D // Σ members' max(plan earnings, 0) after the component and member caps, before scaling
	facts                                              *rankFacts
	// Binary and Matrix are the placement trees the plan paid along (nil
	// without such a component); Legs the binary's per member legs.
	Binary *tree.Binary
	Matrix *tree.Matrix
	Legs   *Legs
	// SubtreeRank is the highest paid-as rank in each member's subtree,
	// them included (what a legs requirement looks at).
	SubtreeRank []int16
	Active      []bool
	// ActiveBy says why each member is active (ActiveByPV, ActiveByOrder,
	// ActiveAsNew) or NotActive; WindowPV is, with an active window, each
	// member's PV summed over it (nil without), and RecentPV the PVs of
	// the latest periods, this one first, that the next period's window
	// reads (nil without a window).
	ActiveBy []uint8
	WindowPV []dec.D
	RecentPV [][]dec.D
	// RecentGV are, with a rank window, each member's GVs of the latest
	// periods, this one first, that the next period's ranks read.
	RecentGV [][]dec.D
	// Earned[c][m] is what member m earned from component c; Unscaled the
	// same before a payout cap's scaling (what matching matches).
	Earned, Unscaled [][]dec.D
	// BeforeMemberCap is Unscaled before the member cap (nil without one):
	// what the matchings matched.
	BeforeMemberCap [][]dec.D

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

// Totals is Personal, Team and Total of member m in one pass over the
// components, for reports that write all three for every member.
func (r *Result) Totals(m int32) (personal, team, total dec.D) {
	for c := range r.Plan.Components {
		v := r.Earned[c][m]
		total += v
		switch comp := &r.Plan.Components[c]; {
		case comp.Personal():
			personal += v
		case comp.Team():
			team += v
		}
	}
	return personal, team, total
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
	scale                dec.Rate  // the payout cap's factor, 0: none
	totalAmount          dec.D     // the period's sales amount, for pools
	returnedHere         dec.D     // under returns: reverse, the volume returned of this period's orders, for pools
	earned               [][]dec.D // what each component paid, as computed so far
	// depth[m] is m's distance from their root: computed on first use.
	depth []int32
	// floor is each member's rank floor (nil: none); carried the previous
	// period's state (nil: none).
	floor   []int16
	carried *carried
	// period is the period the data was cut to (nil: none).
	period *tree.Period
	// acc checks the sums the run adds up outside a poster (the member cap's).
	acc dec.Acc
	// spares lends the arrays of amounts the run lets go of (see spares).
	spares *spares
	// Placement trees, when the plan has a binary or a matrix; ownVolume
	// is each member's commissionable volume, carryIn the binary legs'
	// carry-in (nil: none), legs the binary's report once paid.
	binary     *tree.Binary
	matrix     *tree.Matrix
	matrixTree *levelTree
	ownVolume  []dec.D
	carryIn    *[2][]dec.D
	legs       *Legs
	// revs are this period's reversed returns (returns: reverse); claws
	// the returned volume the binary's carry-ins did not hold; dist each
	// member's nearest distributor (nil without customers).
	revs  []reversal
	claws []claw
	// revOut are, by component, each member's reversals of earlier
	// periods' orders and clawbacks of earlier pairings: a matching leaves
	// them out of what it matches (the match paid on the order or pairing
	// is reversed from whoever was paid it).
	revOut [][]dec.D
	revNow [][]dec.D // the same, of this period's orders
	// matchClaws are the reversals of matches paid on pairings clawed
	// back this period, posted by their matching.
	matchClaws []matchClaw
	dist       []int32
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
	// scale is the payout cap's factor (0: none); raw is then what members
	// earned before scaling (the same slice as earned without a scale),
	// scaled what scaling took back.
	scale             dec.Rate
	raw               []dec.D
	rawApart          bool // raw is not the same slice as earned
	scaled            dec.D
	cappedByComponent dec.D // what the component's cap cut
	cappedByMember    dec.D // what the plan's member cap cut from this component
	err               error // the sink's first error
	// acc checks every sum the poster keeps: a line's amount is bounded
	// (checkRange), but fixed amounts (adjustments, bonuses) and their sums
	// are not.
	acc dec.Acc
	out Line // the line handed to the sink (so lines never escape)
	// silent are sales whose lines are not handed to the sink: reversed
	// returns, which carry no volume (their lines would all be 0).
	silent map[SaleRef]bool
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
func (p *poster) add(m int32, amount dec.D) { p.addScaled(m, amount, amount > 0) }

// scales reports whether the payout cap scales line l: a line the rules
// pay an earner, and the caps' cuts of such lines; never a negative line of
// the rules (a return counted as volume): that is a clawback, and scaling
// it would forgive part of a debt, so a cap would raise pay.
func (p *poster) scales(l *Line) bool {
	return p.scale != 0 && l.Earner >= 0 && (l.Amount > 0 || l.Reason == Capped || l.Reason == MemberCapped)
}

// addScaled is add, the amount scaled by the payout cap or not.
func (p *poster) addScaled(m int32, amount dec.D, scale bool) {
	switch {
	case m < 0:
		p.acc.Add(&p.breakage, amount, "the breakage")
	case p.scale == 0:
		p.acc.Add(&p.earned[m], amount, "what one member earned")
		p.acc.Add(&p.paid, amount, "the paid total")
		if p.rawApart { // scaling paused (a reversal): raw takes it too
			p.acc.Add(&p.raw[m], amount, "what one member earned")
		}
	case !scale: // raw and earned both take the whole amount
		p.acc.Add(&p.raw[m], amount, "what one member earned")
		p.acc.Add(&p.earned[m], amount, "what one member earned")
		p.acc.Add(&p.paid, amount, "the paid total")
	default:
		p.acc.Add(&p.raw[m], amount, "what one member earned")
		s := scaleLine(amount, p.scale, p.digits) // |s| <= |amount|, same sign
		p.acc.Add(&p.earned[m], s, "what one member earned")
		p.acc.Add(&p.paid, s, "the paid total")
		p.acc.Add(&p.breakage, amount-s, "the breakage")
		p.acc.Add(&p.scaled, amount-s, "what the payout cap cut")
	}
}

// post adds line l: to its earner, or to breakage when Earner is -1. Under
// a payout cap an earner's line is scaled, and what scaling removes is
// posted as a breakage line of its own.
func (p *poster) post(l Line) {
	scale := p.scales(&l)
	p.addScaled(l.Earner, l.Amount, scale)
	if p.sink == nil || p.err != nil || (p.silent != nil && l.Reason != Reversed && p.silent[l.Sale]) {
		return
	}
	cut := dec.D(0)
	if scale {
		scaled := scaleLine(l.Amount, p.scale, p.digits)
		l.Unscaled = l.Amount
		cut, l.Amount = l.Amount-scaled, scaled
	}
	p.emit(l)
	if cut != 0 {
		l.Earner, l.Amount, l.Reason = -1, cut, Scaled
		p.emit(l)
	}
}

func (p *poster) emit(l Line) {
	if p.err == nil {
		p.out = l
		p.out.Component = p.comp
		p.err = p.sink(p.res, &p.out)
	}
}

// capAt cuts each member's (unscaled) earnings from this component down to
// limit: a line taking the excess back from the member and a breakage line
// for it, both noted with the cap. Members in id order.
func (p *poster) capAt(r *run, limit dec.D) {
	for _, m := range r.org.ByID() {
		if over := p.raw[m]; p.acc.Sub(&over, limit, "what one member earned") && over > 0 {
			p.cut(m, over, Capped)
			p.acc.Add(&p.cappedByComponent, over, "what the component cap cut")
		}
	}
}

// cut takes amount back from member m's earnings as breakage.
func (p *poster) cut(m int32, amount dec.D, why Reason) {
	l := Line{Earner: m, Upline: m, Seller: -1, Sale: SaleRef{-1, -1}, Base: amount, Rate: dec.RateOne, Amount: -amount, Skipped: -1, Reason: why}
	p.post(l)
	l.Earner, l.Amount = -1, amount
	p.post(l)
}

// ErrTooLarge means sums could exceed the exact decimal range.
var ErrTooLarge = errors.New("too large for compplan's exact decimals")

// Compute runs the plan over the data. It never changes its inputs.
func Compute(p *Plan, d *tree.Data) (*Result, error) {
	return ComputeWith(p, d, Options{})
}

// ComputeWith is Compute with options.
func ComputeWith(p *Plan, d *tree.Data, opts Options) (*Result, error) {
	if p.PayoutCap == 0 {
		return compute(p, d, opts, 0)
	}
	// A payout cap needs the payout first: a pass without lines finds it,
	// and when the cap binds a second pass scales every line.
	first := opts
	first.Lines = nil
	res, err := compute(p, d, first, 0)
	if err != nil {
		return nil, err
	}
	// The cap is payout_cap × the net sales amount, never below 0: a net
	// of 0 or less (returns above sales, sales of amount 0) caps the
	// payout at 0.00. It binds only on a payout above it, so the factor
	// lies in [0, 1): a cap never raises or flips pay.
	capAmount := dec.MulRound(max(res.SalesAmount, 0), p.PayoutCap, p.Digits, dec.Down)
	scale := dec.Rate(0)
	if res.capped > capAmount {
		if scale = factor(capAmount, res.capped); scale == 0 {
			scale = scaleToZero
		}
	}
	if scale == 0 && opts.Lines == nil {
		return res, nil
	}
	return compute(p, d, opts, scale)
}

// scaleToZero is the payout cap's factor 0 (a cap of 0.00, or one below a
// millionth of the payout). A run's and a poster's scale use 0 for "no
// payout cap", so the factor 0 is written as this value, which no real
// factor can be (a factor lies in [0, 1]); scaleLine reads it.
const scaleToZero dec.Rate = -1

// scaleLine is an earner's line amount scaled by the payout cap's factor f
// (not 0), rounded down.
func scaleLine(amount dec.D, f dec.Rate, digits int) dec.D {
	if f == scaleToZero {
		return 0
	}
	return dec.MulRound(amount, f, digits, dec.Down)
}

// factor is cap ÷ payout truncated to 6 decimal places, as a Rate
// (0 <= cap < payout).
func factor(cap, payout dec.D) dec.Rate {
	f := new(big.Int).Mul(big.NewInt(int64(cap)), big.NewInt(1_000_000))
	f.Quo(f, big.NewInt(int64(payout)))
	return dec.Rate(f.Int64() * (int64(dec.RateOne) / 1_000_000))
}

// compute is one pass over the data; scale is the payout cap's factor (0:
// none).
// compute runs the plan over d in stages, each a function of what the ones
// before it made: the run's setting up (checks, rank floors, adjustments,
// the carried state), the effective sales, volumes, activity, placement,
// ranks, components, caps and settlement. A new rule belongs to one stage.
func compute(p *Plan, d *tree.Data, opts Options, scale dec.Rate) (*Result, error) {
	phase := opts.Phase
	if phase == nil {
		phase = func(string) {}
	}
	r, res, err := start(p, d, opts, scale)
	if err != nil {
		return nil, err
	}
	t, err := r.effectiveSales(d, res, opts)
	if err != nil {
		return nil, err
	}
	if err := r.volumes(t.sales); err != nil {
		return nil, err
	}
	phase("volumes")
	if t.sink != nil {
		r.sales = canonicalSeq(r.org, t.sales)
		phase("order sales for lines")
	}
	r.activity(t.sales, res)
	r.activeUplines() // before components may run in parallel
	r.nonCustomerUplines()
	if err := r.place(d); err != nil {
		return nil, err
	}
	phase("placement")
	r.ranks(d, res)
	phase("ranks")
	order, posts, err := r.components(res, t, phase)
	if err != nil {
		return nil, err
	}
	if err := r.caps(res, posts); err != nil {
		return nil, err
	}
	if err := r.settlement(res, d, opts, order, t); err != nil {
		return nil, err
	}
	phase("caps and settlement")
	return res, nil
}

// start checks the plan against the data (the exact range, rank floors,
// dates), adds the adjustments as a component, lays the carried state over
// the members, and makes the run and its empty result.
func start(p *Plan, d *tree.Data, opts Options, scale dec.Rate) (*run, *Result, error) {
	o := d.Org
	if err := checkRange(p, &d.Sales); err != nil {
		return nil, nil, err
	}
	floor, err := floorRanks(p, o)
	if err != nil {
		return nil, nil, err
	}
	if err := p.activityNeeds(d); err != nil {
		return nil, nil, err
	}
	for i := range p.Components {
		if n, ok := p.Components[i].rule.(needer); ok {
			if err := n.needs(&p.Components[i], d); err != nil {
				return nil, nil, err
			}
		}
	}
	if p, err = withAdjustments(p, d); err != nil {
		return nil, nil, err
	}
	carried := opts.carried
	if carried == nil && opts.State != nil {
		if carried, err = opts.State.lay(p, o, opts.StateName); err != nil {
			return nil, nil, err
		}
		if carried.carry != nil && d.CarryIn != nil {
			return nil, nil, &tree.InputError{File: d.CarryInFile, Msg: "the state carries the binary legs already: give --state-in or --carry-in, not both"}
		}
	}
	r := &run{plan: p, org: o, adjustments: d.Adjustments, scale: scale, totalAmount: d.Sales.Amount, floor: floor, carried: carried, period: d.Period,
		spares: opts.spares}
	if r.spares == nil {
		r.spares = newSpares(o.Len())
	}
	res := &Result{
		Plan: p, Org: o, Data: d, carried: carried,
		StateDropped: carried.droppedOf(),
		Sales:        d.Sales.Len(), SalesAmount: d.Sales.Amount, Volume: d.Sales.TotalVolume,
		Earned:   make([][]dec.D, len(p.Components)),
		Paid:     make([]dec.D, len(p.Components)),
		Breakage: make([]dec.D, len(p.Components)),
		// Set before any line is posted: a line's note may read it while
		// the computation goes on.
		ScaleFactor: dec.RateOne,
	}
	return r, res, nil
}

// tally is what the effective sales stage hands the later ones: the sales
// that count, the sink every line goes through (nil: none) and, under
// returns: reverse, what that sink gathers for the settlement — the
// lines' sums and the matches paid.
type tally struct {
	sales   *tree.Sales
	sink    func(*Result, *Line) error
	revs    []reversal
	gross   lineSums
	matched []matchLine
}

// effectiveSales is the sales as the plan counts them: under returns:
// reverse, a return reverses its order (and carries no volume); a
// customer's sale is credited to their nearest distributor; a
// non-commissionable sale type counts for QV only.
func (r *run) effectiveSales(d *tree.Data, res *Result, opts Options) (*tally, error) {
	p, o := r.plan, r.org
	t := &tally{sink: opts.Lines}
	var zero map[SaleRef]bool
	if p.ReverseReturns {
		var err error
		if zero, t.revs, err = r.reverseReturns(d, res); err != nil {
			return nil, err
		}
		res.reversedSales = zero
		for ref := range zero { // a reversed return carries no volume
			res.Volume -= d.Sales.Chunks[ref.Chunk].VolumeOf(int(ref.K))
		}
		capture := res.capture(d, opts.KeepOrders)
		user := opts.Lines
		t.gross = make(lineSums, len(p.Components))
		t.sink = func(res *Result, l *Line) error {
			capture(l)
			t.gross.add(o.Len(), l)
			if l.Earner >= 0 && l.Sale.Chunk < 0 && l.Reason == Paid && p.Components[l.Component].matched() != nil {
				t.matched = append(t.matched, matchLine{comp: l.Component, earner: l.Earner, of: l.Seller, amount: l.Amount})
			}
			if user != nil {
				return user(res, l)
			}
			return nil
		}
	}
	dist := nearestDistributors(o)
	r.revs, r.dist, res.revs = t.revs, dist, t.revs
	for _, rv := range t.revs {
		if rv.period == 0 {
			r.returnedHere += rv.returned // at most the order's volume
		}
	}
	t.sales = &tree.Sales{Chunks: effectiveSales(p, &d.Sales, dist, zero)}
	return t, nil
}

// volumes is each member's PV and GV, and the period's commissionable
// volume.
func (r *run) volumes(sales *tree.Sales) error {
	pv, err := tree.PersonalVolume(r.org, sales)
	if err != nil {
		return err
	}
	gv, err := tree.GroupVolume(r.org, pv)
	if err != nil {
		return err
	}
	r.sales, r.pv, r.gv = saleSeq{chunks: sales.Chunks}, pv, gv
	return nil
}

// ranks is each member's qualified and paid-as rank (floors and grace
// counted), and the history the next period carries.
func (r *run) ranks(d *tree.Data, res *Result) {
	pv, gv := r.pv, r.gv
	if w := r.plan.RankWindow; w > 1 { // volumes over the window, legs' too (a leg's volume is its head's GV)
		var before [][]dec.D
		if r.carried != nil {
			before = r.carried.recentGV
		}
		pv, gv = r.windowed(r.pv, r.recentPV(), w), r.windowed(r.gv, before, w)
		res.RecentGV = recentOf(r.gv, before, w-1)
	}
	f := &rankFacts{org: r.org, pv: pv, gv: gv, buyer: buyers(r.org, &d.Sales), activeDist: r.eligible}
	var qualified []int16
	r.rank, qualified = paidAsRanks(r.plan, f, r.floor)
	res.Highest, res.Recent = r.history(qualified)
	res.RecentPaid = r.paidHistory()
	res.PV, res.GV, res.Rank, res.Qualified, res.SubtreeRank = r.pv, r.gv, r.rank, qualified, f.best
	res.Active, res.Terminated, res.facts, res.Binary, res.Matrix = r.active, r.terminated, f, r.binary, r.matrix
	if r.scale != 0 {
		res.ScaleFactor = max(r.scale, 0) // scaleToZero is the factor 0
	}
}

// components pays every component, matched ones before their matchings:
// its lines, this period's reversals and clawbacks, then its cap. It
// returns the order they were paid in and each one's poster.
func (r *run) components(res *Result, t *tally, phase func(string)) (order []int, posts []*poster, err error) {
	p := r.plan
	order, err = evaluationOrder(p.Components)
	if err != nil {
		return nil, nil, err // Decode rejects cycles: a plan built by hand may not
	}
	r.earned = make([][]dec.D, len(p.Components)) // unscaled, capped: what matching matches
	posts = make([]*poster, len(p.Components))
	for _, c := range order {
		post, err := r.payComponent(c, res, t.sink)
		if err != nil {
			return nil, nil, err
		}
		if len(t.revs) > 0 {
			r.postReversals(post, c, t.revs)
		}
		if len(r.matchClaws) > 0 && p.Components[c].matched() != nil {
			r.postMatchClaws(post, c)
		}
		if cp := p.Components[c].Cap; cp.Set {
			post.capAt(r, cp.Value)
		}
		posts[c], r.earned[c] = post, post.raw
		phase("component " + p.Components[c].Name)
	}
	return order, posts, nil
}

// caps applies the member cap across components, then adds up each
// component's paid, breakage and what the caps cut, and what the payout
// cap measures.
func (r *run) caps(res *Result, posts []*poster) error {
	p, o := r.plan, r.org
	if p.MemberCap.Set {
		res.BeforeMemberCap = make([][]dec.D, len(posts))
		for c := range posts {
			res.BeforeMemberCap[c] = slices.Clone(r.earned[c])
		}
	}
	r.memberCap(posts)
	res.Unscaled = r.earned
	var acc dec.Acc
	for c, post := range posts {
		if post.err != nil {
			return post.err
		}
		if err := post.acc.Err(); err != nil {
			return fmt.Errorf("%w: component %q: %w", ErrTooLarge, p.Components[c].Name, err)
		}
		res.Earned[c], res.Paid[c], res.Breakage[c] = post.earned, post.paid, post.breakage
		acc.Add(&res.Payout, post.paid, "the payout")
		acc.Add(&res.CutByComponentCaps, post.cappedByComponent, "what the component caps cut")
		acc.Add(&res.CutByMemberCap, post.cappedByMember, "what the member cap cut")
		acc.Add(&res.CutByPayoutCap, post.scaled, "what the payout cap cut")
	}
	// What the payout cap measures: the money members are paid from the
	// plan's components, each member's own returns netted against their
	// own pay but never below 0 — one member's debit is not paid, so it
	// makes no room under the cap for another member's pay.
	for m := range o.Len() {
		var own dec.D
		for c, post := range posts {
			if p.Components[c].Type != TypeAdjustment {
				acc.Add(&own, post.raw[m], "the payout before the payout cap")
			}
		}
		acc.Add(&res.capped, max(own, 0), "the payout before the payout cap")
	}
	if err := r.acc.Err(); err != nil {
		return fmt.Errorf("%w: %w", ErrTooLarge, err)
	}
	if err := res.checkMemberSums(); err != nil {
		return err
	}
	if err := acc.Err(); err != nil {
		return fmt.Errorf("%w: %w", ErrTooLarge, err)
	}
	return nil
}

// settlement is what the period leaves for the next: the binary's legs,
// under returns: reverse the orders and pairings kept for later returns
// with what was paid on them, and each member's balance (min_payout holds,
// debits).
func (r *run) settlement(res *Result, d *tree.Data, opts Options, order []int, t *tally) error {
	res.Legs = r.legs
	if r.plan.ReverseReturns {
		res.attributePairingMatches(r, t.matched, t.gross, r.revNow)
	}
	if res.orders != nil {
		res.revOut = r.revOut
		res.attributeMatches(r, order, t.matched, t.gross)
		res.recordPaid(t.gross, r.revNow)
		res.orderVolumes(d, opts.KeepOrders)
	}
	if err := res.settle(res.carried); err != nil {
		return err
	}
	var err error
	res.Local, err = res.localPay(d)
	return err
}

// checkMemberSums checks that each member's personal, team and total sums
// (Personal, Team, Total, which add up unchecked) lie within the exact
// range, with every partial sum on the way; and that the members' positive
// totals and their negative totals each add up within it, so any sum of
// members' totals, in any order (a comparison's payout, a rank's mean),
// stays within the range too.
func (res *Result) checkMemberSums() error {
	comps := res.Plan.Components
	var all dec.Acc
	var positive, negative dec.D
	for m := range res.Org.Len() {
		var acc dec.Acc
		var total, personal, team dec.D
		for c := range comps {
			v := res.Earned[c][m]
			acc.Add(&total, v, "the total")
			switch {
			case comps[c].Personal():
				acc.Add(&personal, v, "the personal total")
			case comps[c].Team():
				acc.Add(&team, v, "the team total")
			}
		}
		if err := acc.Err(); err != nil {
			return fmt.Errorf("%w: member %s: %w", ErrTooLarge, res.Org.ID(int32(m)), err)
		}
		if total > 0 {
			all.Add(&positive, total, "the members' positive totals")
		} else {
			all.Add(&negative, total, "the members' negative totals")
		}
	}
	if err := all.Err(); err != nil {
		return fmt.Errorf("%w: %w", ErrTooLarge, err)
	}
	return nil
}

// history returns each member's highest paid-as rank ever and their recent
// qualified ranks, and applies the rank grace: the paid-as rank is at
// least the highest rank qualified in the grace-1 periods before.
func (r *run) history(qualified []int16) (highest []int16, recent [][]int16) {
	p, n := r.plan, r.org.Len()
	highest = make([]int16, n)
	keep := p.RankGrace - 1
	if keep > 0 {
		recent = make([][]int16, n)
	}
	for m := range n {
		if keep > 0 && r.carried != nil && r.carried.recent != nil {
			for _, q := range r.carried.recent[m][:min(keep, len(r.carried.recent[m]))] {
				r.rank[m] = max(r.rank[m], q)
			}
		}
		highest[m] = max(r.highestBefore(int32(m)), r.rank[m])
		if keep > 0 {
			var before []int16
			if r.carried != nil && r.carried.recent != nil {
				before = r.carried.recent[m]
			}
			recent[m] = latest(qualified[m], before, keep)
			// Periods without a rank at the end raise no paid-as rank:
			// drop them, as the state does, so that replay and chained
			// runs carry the same.
			recent[m] = trimTrailing(recent[m], NoRank)
		}
	}
	return highest, recent
}

// paidHistory is each member's paid-as ranks of the latest periods, this
// one first, as many as the plan reads (nil: none).
func (r *run) paidHistory() [][]int16 {
	keep := r.plan.paidHistory()
	if keep == 0 {
		return nil
	}
	out := make([][]int16, r.org.Len())
	for m := range out {
		var before []int16
		if r.carried != nil && r.carried.recentPaid != nil {
			before = r.carried.recentPaid[m]
		}
		out[m] = latest(r.rank[m], before, keep)
		// A rank is held only over periods that all have one: from the
		// first period without one on, the list tells nothing (heldRank
		// reads a period it lacks as no rank). Cut it there, as the state
		// does, so that replay and chained runs carry the same.
		if i := slices.Index(out[m], NoRank); i >= 0 {
			out[m] = out[m][:i]
		}
	}
	return out
}

// trimTrailing is s without the run of none at its end.
func trimTrailing[T comparable](s []T, none T) []T {
	for len(s) > 0 && s[len(s)-1] == none {
		s = s[:len(s)-1]
	}
	return s
}

// plural says n of what in words: "1 period", "3 periods".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// latest is now followed by before (most recent first), keep of them at
// most.
func latest[T any](now T, before []T, keep int) []T {
	out := make([]T, min(keep, 1+len(before)))
	out[0] = now
	copy(out[1:], before)
	return out
}

// settle pays each member their total plus the balance they carried in:
// a net below 0 is carried out as a debit, a net above 0 but below the
// minimum payout is held and carried out, and any other net is paid.
func (res *Result) settle(c *carried) error {
	p, n := res.Plan, res.Org.Len()
	if c != nil {
		res.BalanceIn = c.balance
	}
	res.BalanceOut = make([]dec.D, n)
	if p.MinPayout.Set {
		res.Held = make([]dec.D, n)
	}
	var in, out dec.D
	var acc dec.Acc
	for m := range n {
		net := res.Total(int32(m)) // checked by checkMemberSums
		if res.BalanceIn != nil {
			if !acc.Add(&net, res.BalanceIn[m], "the total with the balance carried in") {
				return fmt.Errorf("%w: member %s: %w", ErrTooLarge, res.Org.ID(int32(m)), acc.Err())
			}
			acc.Add(&in, res.BalanceIn[m], "the balances carried in")
		}
		switch {
		case net < 0:
			res.BalanceOut[m] = net
			acc.Add(&res.Debits, net, "the debits")
		case p.MinPayout.Set && net > 0 && net < p.MinPayout.Value:
			res.BalanceOut[m] = net
			res.Held[m] = net
			acc.Add(&res.HeldTotal, net, "the held total")
		}
		acc.Add(&out, res.BalanceOut[m], "the balances carried out")
	}
	acc.Add(&res.Payout, in, "the payout")
	acc.Sub(&res.Payout, out, "the payout")
	if err := acc.Err(); err != nil {
		return fmt.Errorf("%w: %w", ErrTooLarge, err)
	}
	res.deduct()
	return nil
}

// Payable is what member m is paid this period: their total plus the
// balance carried in, less the balance carried out.
func (res *Result) Payable(m int32) dec.D { return res.PayableOf(m, res.Total(m)) }

// PayableOf is Payable when member m's Total is known already.
func (res *Result) PayableOf(m int32, total dec.D) dec.D {
	v := total - res.BalanceOut[m]
	if res.BalanceIn != nil {
		v += res.BalanceIn[m]
	}
	return v
}

// place builds the placement trees the plan's binary and matrix pay along.
func (r *run) place(d *tree.Data) error {
	if d.CarryIn != nil && !r.plan.Has(TypeBinary) {
		return &tree.InputError{File: d.CarryInFile, Msg: "a carry-in file is for a binary component, and the plan has none: leave out --carry-in"}
	}
	carryIn := d.CarryIn
	if r.carried != nil && r.carried.carry != nil {
		carryIn = r.carried.carry
	}
	for _, c := range r.plan.Components {
		if pl, ok := c.rule.(placer); ok {
			if err := pl.place(r, carryIn); err != nil {
				return err
			}
		}
	}
	return nil
}

// Has reports whether the plan has a component of type typ.
func (p *Plan) Has(typ string) bool {
	return slices.ContainsFunc(p.Components, func(c Component) bool { return c.Type == typ })
}

// memberCap cuts each member's (unscaled) total over the capped components
// down to the plan's member cap, taking the excess from their earnings in
// component order; members in id order.
func (r *run) memberCap(posts []*poster) {
	p := r.plan
	if !p.MemberCap.Set {
		return
	}
	over := p.MemberCapOf
	if over == nil {
		for c, comp := range p.Components {
			if comp.Type != TypeAdjustment {
				over = append(over, c)
			}
		}
	}
	for _, m := range r.org.ByID() {
		var total dec.D
		for _, c := range over {
			r.acc.Add(&total, posts[c].raw[m], "a member's total under the member cap")
		}
		cut := total
		if !r.acc.Sub(&cut, p.MemberCap.Value, "a member's total under the member cap") {
			continue
		}
		for k := 0; cut > 0 && k < len(p.Components); k++ {
			if !slices.Contains(over, k) || posts[k].raw[m] <= 0 {
				continue
			}
			take := min(cut, posts[k].raw[m])
			posts[k].cut(m, take, MemberCapped)
			posts[k].acc.Add(&posts[k].cappedByMember, take, "what the member cap cut")
			cut -= take
		}
	}
}

// payComponent posts every line of component c. Without a line sink, the
// sales are split over every core, each worker adding into its own earnings
// array, and the arrays are summed: integer sums, so the result is exactly
// the same as one worker's. With a sink, lines must come in order: one worker.
func (r *run) payComponent(c int, res *Result, sink func(*Result, *Line) error) (*poster, error) {
	p := r.plan
	// Every worker's arrays come from the spares: the first worker's are
	// the result's (Replay gives them back with Options.Recycle); the
	// others' are added into them and given back at once.
	n := r.org.Len()
	newPoster := func() *poster {
		post := &poster{comp: c, digits: p.Digits, rounding: p.Rounding, earned: r.spares.take(n),
			sink: sink, res: res, scale: r.scale, silent: res.reversedSales}
		post.raw = post.earned
		if r.scale != 0 && p.Components[c].Type != TypeAdjustment {
			post.raw, post.rawApart = r.spares.take(n), true
		} else {
			post.scale = 0 // adjustments are explicit: never scaled
		}
		return post
	}
	workers := min(runtime.GOMAXPROCS(0), len(r.sales.chunks))
	if sink != nil || workers < 2 || r.sales.Len() < parallelSales || !p.Components[c].family().bySale() {
		post := newPoster()
		p.Components[c].family().pay(r, post)
		return post, post.err
	}
	posts := make([]*poster, workers)
	var wg sync.WaitGroup
	// Each worker takes a run of chunks holding about its share of the
	// sales: the chunks come in buckets of member numbers (see tree), so a
	// worker's sellers are one range of members, not every member. A run
	// is a view of the chunks, not a copy: a date-ordered file at 10M
	// members has 40,000 chunks (64 buckets of each 4 MB block), 11 MB of
	// chunk headers a copy.
	chunks := r.sales.chunks
	parts := make([][]tree.SaleChunk, workers)
	total, done, from, w := r.sales.Len(), 0, 0, 0
	for i, ch := range chunks {
		if cw := min(done*workers/max(total, 1), workers-1); cw != w {
			parts[w], from, w = chunks[from:i:i], i, cw
		}
		done += len(ch.Member)
	}
	parts[w] = chunks[from:len(chunks):len(chunks)]
	for w := range workers {
		posts[w] = newPoster()
		part := *r
		part.sales = saleSeq{chunks: parts[w]}
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.Components[c].family().pay(&part, posts[w])
		}()
	}
	wg.Wait()
	post := posts[0]
	for _, q := range posts[1:] {
		post.acc.Merge(&q.acc)
		for m, v := range q.earned {
			post.acc.Add(&post.earned[m], v, "what one member earned")
		}
		if post.scale != 0 {
			for m, v := range q.raw {
				post.acc.Add(&post.raw[m], v, "what one member earned")
			}
		}
		post.acc.Add(&post.paid, q.paid, "the paid total")
		post.acc.Add(&post.breakage, q.breakage, "the breakage")
		post.acc.Add(&post.scaled, q.scaled, "what the payout cap cut")
		r.spares.give(q.earned)
		if q.rawApart {
			r.spares.give(q.raw)
		}
	}
	return post, nil
}

// parallelSales is the number of sales from which components run on every
// core.
const parallelSales = 1 << 16

// checkRange refuses data whose lines could add up past the exact range.
// Every component puts up at most a share of the volume or amount (the sum
// of all its rates; a matching at most its generations' sum times what the
// others put up), plus a minor unit per line for rounding; so the larger of
// total volume and amount times the sum of those shares, plus a unit per
// line, bounds every sum.
func checkRange(p *Plan, s *tree.Sales) error {
	var share dec.Rate // the sum of rates, as a fraction of volume
	lines := int64(0)
	for _, c := range p.Components {
		if s, n, matches := c.rule.bound(); !matches {
			share += s
			lines += n
		}
	}
	total := big.NewInt(int64(share))
	for _, c := range p.Components {
		if s, n, matches := c.rule.bound(); matches { // of what the others put up
			g := big.NewInt(int64(s))
			total.Add(total, g.Mul(g, total).Quo(g, big.NewInt(int64(dec.RateOne))))
			lines += n
		}
	}
	// Returns make volumes negative: a sum of lines is bounded by the sum of
	// the sales' volumes without their signs.
	var abs dec.D
	for _, c := range s.Chunks {
		for k := range c.Member {
			v := c.VolumeOf(k)
			var over bool
			if abs, over = dec.Add(abs, max(v, -v)); over {
				return fmt.Errorf("%w: the sales' volumes, returns counted without their sign, add up beyond %s", ErrTooLarge, dec.Max)
			}
		}
	}
	bound := new(big.Int).Mul(big.NewInt(int64(max(abs, s.Amount, -s.Amount))), total)
	bound.Quo(bound, big.NewInt(int64(dec.RateOne)))
	bound.Add(bound, new(big.Int).Mul(big.NewInt(lines*int64(max(s.Len(), 1))), big.NewInt(int64(dec.One))))
	if bound.Cmp(big.NewInt(int64(dec.Max))) > 0 {
		return fmt.Errorf("%w: the plan could pay up to %s, beyond the limit %s", ErrTooLarge, bound, dec.Max)
	}
	return nil
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
