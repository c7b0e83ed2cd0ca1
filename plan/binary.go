package plan

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// Binary is a binary component's settings (type binary).
type Binary struct {
	// Cycle, when set, pays Amount for every Left + Right of paired
	// volume; otherwise the component's Rate of the paired volume.
	Cycle *Cycle
	// Carry keeps what is left of each leg for the next period, at most
	// CarryCap a leg; the rest is flushed.
	Carry    bool
	CarryCap Min
	// QualifySponsored requires a personally sponsored distributor in each
	// leg; KeepUnqualified carries an unqualified member's legs instead
	// of flushing them.
	QualifySponsored bool
	KeepUnqualified  bool
	// Placement is how members without a placement are auto-placed.
	Placement tree.Side
	// FirstPair (first_pair: "2:1", with a cycle): a member's first cycle
	// ever takes two cycles' worth from the stronger leg (a tie: the left)
	// and one from the other, and pays one cycle's amount; then 1:1. The
	// state remembers who has had it (Result.FirstPaired).
	FirstPair bool
	// CarryExpires (carry_expires: N, with carry): a leg's volume is
	// paired oldest first, and volume from period p still unpaired at
	// the end of period p+N is flushed (see ageCarry). 0: carry never
	// expires.
	CarryExpires int
}

// Cycle is a binary's per-cycle pay.
type Cycle struct {
	Left, Right, Amount dec.D
	// Amounts (amounts: {RANK: amount}) is each rank's amount a cycle;
	// nil: everyone is paid Amount. NoAmount[r] marks a rank not listed
	// (paid Amount, 0 when the plan gives none).
	Amounts  []dec.D
	NoAmount []bool
}

// Legs is one binary component's per member report: every leg volume
// (carry-in included), what was paired, carried out and flushed. For every
// member and leg: Left = PairedLeft + CarryOutLeft + FlushedLeft.
type Legs struct {
	Component                       int
	Left, Right, CarryInL, CarryInR []dec.D
	PairedL, PairedR                []dec.D
	CarryOutL, CarryOutR            []dec.D
	FlushedL, FlushedR              []dec.D
	Qualified                       []bool
	// AgesOut is, with carry_expires, each leg's carry out by age: [leg][m]
	// lists it newest first (index 0: this period's volume), summing to
	// CarryOut; nil without carry_expires.
	AgesOut [2][][]dec.D
	// Totals over every member.
	TotalLeft, TotalRight, TotalCarryInL, TotalCarryInR dec.D
	TotalPairedL, TotalPairedR                          dec.D
	TotalCarryOutL, TotalCarryOutR                      dec.D
	TotalFlushedL, TotalFlushedR                        dec.D
}

// binary pays on each placed member's paired leg volume (see README,
// "Binary"). Lines come from members, not sales: one per member whose legs
// pair, paid when they qualify; an unqualified member whose legs are flushed
// has a breakage line of what the pairing would have paid.
type binary struct {
	Rate   dec.Rate // when it pays by rate
	Binary *Binary
	// Rates (rates: {RANK: rate}) is each rank's rate, the earner's
	// paid-as rank picking theirs; nil: everyone is paid Rate. A rank not
	// listed, and a member without a rank, are paid Rate (0 when the plan
	// gives none): NoRate[r] marks a rank not listed.
	Rates  []dec.Rate
	NoRate []bool
}

// rateOf is the rate a member of paid-as rank rk is paid (by rate).
func (f binary) rateOf(rk int16) dec.Rate {
	if f.Rates == nil || rk == NoRank || f.NoRate[rk] {
		return f.Rate
	}
	return f.Rates[rk]
}

// amountOf is the cycle amount a member of paid-as rank rk is paid.
func (f binary) amountOf(rk int16) dec.D {
	cy := f.Binary.Cycle
	if cy.Amounts == nil || rk == NoRank || cy.NoAmount[rk] {
		return cy.Amount
	}
	return cy.Amounts[rk]
}

// topRank is the paid-as rank whose rate (or, by cycle, amount) is the
// highest, what a pairing puts up; NoRank when the plan's own rate or
// amount is.
func (f binary) topRank() int16 {
	pays := func(rk int16) int64 { return int64(f.rateOf(rk)) }
	ranks := len(f.Rates)
	if cy := f.Binary.Cycle; cy != nil {
		pays, ranks = func(rk int16) int64 { return int64(f.amountOf(rk)) }, len(cy.Amounts)
	}
	top := int16(NoRank)
	for rk := range int16(ranks) {
		if pays(rk) > pays(top) {
			top = rk
		}
	}
	return top
}

// rankRate is a rank's own binary rate, for a RankRate line's note.
func (f binary) rankRate(rank, _ int) dec.Rate { return f.rateOf(int16(rank)) }

func (f binary) pay(r *run, p *poster) {
	c, b, o := f, r.binary, r.org
	bn := c.Binary
	name := r.plan.Components[p.comp].Name
	n := o.Len()
	lg := &Legs{Component: p.comp, Left: make([]dec.D, n), Right: make([]dec.D, n), PairedL: make([]dec.D, n), PairedR: make([]dec.D, n),
		CarryOutL: make([]dec.D, n), CarryOutR: make([]dec.D, n), FlushedL: make([]dec.D, n), FlushedR: make([]dec.D, n),
		Qualified: make([]bool, n), CarryInL: make([]dec.D, n), CarryInR: make([]dec.D, n)}
	if ci := r.carryIn; ci != nil {
		copy(lg.CarryInL, ci[0])
		copy(lg.CarryInR, ci[1])
	}
	// Subtree volumes in one bottom-up pass over the placement tree.
	sub := slices.Clone(r.ownVolume)
	td := b.TopDown()
	for k := len(td) - 1; k >= 0; k-- {
		m := td[k]
		if pa := b.Parent[m]; pa >= 0 {
			var over bool
			if sub[pa], over = dec.Add(sub[pa], sub[m]); over {
				p.err = fmt.Errorf("%w: the binary leg volume of %s", ErrTooLarge, o.ID(pa))
				return
			}
		}
	}
	var sponsoredIn [2][]bool
	if bn.QualifySponsored {
		sponsoredIn = [2][]bool{make([]bool, n), make([]bool, n)}
		for x := range int32(n) {
			s := o.Sponsor(x)
			if s < 0 || !b.Placed(x) || !b.Placed(s) || o.Terminated(x) != tree.NoDate {
				continue
			}
			for leg := tree.Left; leg <= tree.Right; leg++ {
				if ch := b.Child(s, leg); ch >= 0 && b.InSubtree(x, ch) {
					sponsoredIn[leg][s] = true
				}
			}
		}
	}
	top := f.topRank() // what a pairing puts up: the highest rate any rank has
	byRank := f.Rates != nil || (bn.Cycle != nil && bn.Cycle.Amounts != nil)
	carryIn := [2][]dec.D{lg.CarryInL, lg.CarryInR}
	carryOut := [2][]dec.D{lg.CarryOutL, lg.CarryOutR}
	flushed := [2][]dec.D{lg.FlushedL, lg.FlushedR}
	var agesIn *[2][][]dec.D // carry_expires: the carry-in by age
	if bn.CarryExpires > 0 {
		lg.AgesOut = [2][][]dec.D{make([][]dec.D, n), make([][]dec.D, n)}
		if r.carried != nil {
			agesIn = r.carried.carryAges
		}
	}
	var firstPaired []bool // who has had their first pair, before or now
	if bn.FirstPair {
		firstPaired = make([]bool, n)
		if r.carried != nil && r.carried.firstPaired != nil {
			copy(firstPaired, r.carried.firstPaired)
		}
		p.res.FirstPaired = firstPaired
	}
	var total dec.D
	for _, m := range o.ByID() {
		if !b.Placed(m) {
			continue
		}
		var legs [2]dec.D
		for leg := tree.Left; leg <= tree.Right; leg++ {
			v := carryIn[leg][m]
			if ch := b.Child(m, leg); ch >= 0 {
				var over bool
				if v, over = dec.Add(v, sub[ch]); over {
					p.err = fmt.Errorf("%w: the binary leg volume of %s", ErrTooLarge, o.ID(m))
					return
				}
			}
			legs[leg] = v
		}
		lg.Left[m], lg.Right[m] = legs[0], legs[1]
		why := Paid
		switch {
		case !r.active[m]:
			why = Inactive
		case !r.earns(m):
			why = Terminated
		case bn.QualifySponsored && (!sponsoredIn[0][m] || !sponsoredIn[1][m]):
			why = NotInLegs
		}
		first := bn.FirstPair && !firstPaired[m] // the first pair's 2:1 applies
		pl, pr, amount, ok := f.pairing(p, legs[0], legs[1], top, first)
		own := amount // what the member's own rank is paid, when it is paid
		if ok && why == Paid && byRank {
			_, _, own, ok = f.pairing(p, legs[0], legs[1], r.rank[m], first)
		}
		if first && why == Paid && pl > 0 {
			firstPaired[m] = true
		}
		if !ok {
			p.err = fmt.Errorf("%w: the binary component %s pays more than %s to %s", ErrTooLarge, name, dec.Max, o.ID(m))
			return
		}
		rest := [2]dec.D{legs[0], legs[1]}
		lg.Qualified[m] = why == Paid
		switch {
		case why == Paid:
			lg.PairedL[m], lg.PairedR[m] = pl, pr
			rest[0] -= pl
			rest[1] -= pr
		case !bn.KeepUnqualified:
			lg.FlushedL[m], lg.FlushedR[m] = rest[0], rest[1]
			rest = [2]dec.D{}
		default:
			amount = 0 // kept: the legs may pair in a later period
		}
		for leg, v := range rest {
			if bn.CarryExpires > 0 && (why == Paid || bn.KeepUnqualified) {
				var ages []dec.D
				if agesIn != nil {
					ages = agesIn[leg][m]
				}
				paired := [2]dec.D{lg.PairedL[m], lg.PairedR[m]}[leg]
				fresh := legs[leg] - carryIn[leg][m]
				out, fl := ageCarry(fitAges(ages, carryIn[leg][m]), fresh, paired, bn.CarryExpires, bn.CarryCap)
				lg.AgesOut[leg][m] = out
				for _, a := range out {
					carryOut[leg][m] += a
				}
				flushed[leg][m] += fl
				continue
			}
			out := dec.D(0)
			if bn.Carry {
				// A carry is never negative: a leg that returns took
				// below 0 carries 0, its shortfall flushed.
				out = max(v, 0)
				if bn.CarryCap.Set {
					out = min(out, bn.CarryCap.Value)
				}
			}
			carryOut[leg][m] = out
			flushed[leg][m] += v - out
		}
		if amount == 0 {
			continue
		}
		var over bool
		if total, over = dec.Add(total, amount); over || total > dec.Max/4 {
			p.err = fmt.Errorf("%w: the binary component %s pays more than %s", ErrTooLarge, name, dec.Max/4)
			return
		}
		l := Line{Earner: m, Upline: m, Seller: -1, Sale: SaleRef{-1, -1}, Base: min(pl, pr), Rate: c.rateOf(top), Amount: amount, Skipped: -1, Reason: why}
		if why != Paid {
			l.Earner = -1
		} else {
			l.Rate, l.Amount = c.rateOf(r.rank[m]), own
		}
		if why == Paid && p.detail() {
			l.Text = fmt.Sprintf("legs %s left / %s right", legs[0], legs[1])
		}
		if cy := bn.Cycle; cy != nil { // the base is the number of cycles, the rate 0
			cycles := min(pl/cy.Left, pr/cy.Right)
			l.Base, l.Rate = dec.FromInt(int64(cycles)), 0
			l.Text = fmt.Sprintf("legs %s left / %s right: %s cycles of %s + %s", legs[0], legs[1], l.Base, cy.Left, cy.Right)
			if first {
				l.Text += fmt.Sprintf(", the first one 2:1 (%s left + %s right)", pl-(cycles-1)*cy.Left, pr-(cycles-1)*cy.Right)
			}
		}
		p.post(l)
		if rest := amount - own; why == Paid && rest != 0 {
			// The rest of the highest rate any rank has: breakage, as with
			// levels_by_rank.
			b := Line{Earner: -1, Upline: m, Seller: -1, Sale: SaleRef{-1, -1}, Base: l.Base, Rate: c.rateOf(top) - c.rateOf(r.rank[m]),
				Amount: rest, Skipped: -1, Reason: RankRate}
			if bn.Cycle != nil {
				b.Rate = 0
			}
			p.post(b)
		}
	}
	f.clawBack(r, p, p.res)
	for m := range n {
		lg.TotalLeft += lg.Left[m]
		lg.TotalRight += lg.Right[m]
		lg.TotalCarryInL += lg.CarryInL[m]
		lg.TotalCarryInR += lg.CarryInR[m]
		lg.TotalPairedL += lg.PairedL[m]
		lg.TotalPairedR += lg.PairedR[m]
		lg.TotalCarryOutL += lg.CarryOutL[m]
		lg.TotalCarryOutR += lg.CarryOutR[m]
		lg.TotalFlushedL += lg.FlushedL[m]
		lg.TotalFlushedR += lg.FlushedR[m]
	}
	r.legs = lg
}

// carryExpires is the plan's binary carry_expires (0: none, or no binary).
func (p *Plan) carryExpires() int {
	for _, c := range p.Components {
		if f, ok := c.rule.(binary); ok {
			return f.Binary.CarryExpires
		}
	}
	return 0
}

// fitAges fits a leg's carry-in by age (newest first) to its total, which
// returns of earlier orders may have lowered since (returns: reverse): the
// difference comes off the newest volume first. A carry without ages (a
// --carry-in file, or a leg the state gave no ages) is all from the
// period before.
func fitAges(ages []dec.D, total dec.D) []dec.D {
	var sum dec.D
	for _, a := range ages {
		sum += a
	}
	if sum == total {
		return ages
	}
	if sum < total {
		out := slices.Clone(ages)
		if len(out) == 0 {
			out = []dec.D{0}
		}
		out[0] += total - sum
		return out
	}
	out := slices.Clone(ages)
	cut := sum - total
	for i := range out {
		take := min(cut, out[i])
		out[i] -= take
		cut -= take
	}
	return out
}

// ageCarry is carry_expires for one leg of one member: ages is the carry-in
// by age (index 0: from the period before, index i: from i+1 periods
// before), fresh the leg's own volume this period (below 0 when returns
// outweigh it), paired what the pairing took, n the periods volume lives
// after its own. In order:
//   - returns in fresh (below 0) take from the newest carry first;
//   - the pairing takes the oldest volume first;
//   - what is left of the volume n periods old is flushed: volume from
//     period p pairs in periods p to p+n at most;
//   - carry_cap cuts the newest volume first;
//   - a shortfall (the leg below 0) is flushed: the carry is never below 0.
//
// It returns the carry out by age (index 0: this period's volume; no
// trailing zeros) and what was flushed; fresh + Σ ages = paired + Σ out +
// flushed.
func ageCarry(ages []dec.D, fresh, paired dec.D, n int, carryCap Min) (out []dec.D, flushed dec.D) {
	b := make([]dec.D, 1+len(ages)) // b[i]: the volume i periods old
	b[0] = max(fresh, 0)
	copy(b[1:], ages)
	short := max(-fresh, 0) // returns beyond this period's volume
	for i := 1; i < len(b) && short > 0; i++ {
		take := min(short, b[i])
		b[i] -= take
		short -= take
	}
	for i := len(b) - 1; i >= 0 && paired > 0; i-- {
		take := min(paired, b[i])
		b[i] -= take
		paired -= take
	}
	flushed = -short - paired // a leg below 0 pairs nothing: paired is 0 then
	for i := n; i < len(b); i++ {
		flushed += b[i] // n periods old, or older (a state of a longer n): expired
	}
	out = b[:min(n, len(b))]
	if carryCap.Set {
		cut := -carryCap.Value
		for _, a := range out {
			cut += a
		}
		for i := 0; i < len(out) && cut > 0; i++ {
			take := min(cut, out[i])
			out[i] -= take
			flushed += take
			cut -= take
		}
	}
	return slices.Clip(trimTrailing(out, 0)), flushed
}

// pairing returns the volume of each leg a member's legs pair, and what
// that pays: the rate of the smaller leg, or a whole number of cycles.
// ok is false when the amount is beyond the exact range.
//
// With first set (first_pair, for a member who has not had it), the first
// cycle takes two cycles' worth from the stronger leg (a tie: the left)
// and one from the other; without that much there is no cycle at all. The
// cycles after it are 1:1.
func (f binary) pairing(p *poster, left, right dec.D, rk int16, first bool) (pl, pr, amount dec.D, ok bool) {
	cy := f.Binary.Cycle
	left, right = max(left, 0), max(right, 0) // a leg below 0 (returns) pairs nothing
	if cy == nil {
		v := min(left, right)
		return v, v, p.amount(v, f.rateOf(rk)), true
	}
	var extraL, extraR dec.D // the first pair's second cycle's worth
	if first {
		if left >= right {
			extraL = cy.Left
		} else {
			extraR = cy.Right
		}
		if left < cy.Left+extraL || right < cy.Right+extraR {
			return 0, 0, 0, true // not enough for the first pair: no cycle yet
		}
		left, right = left-extraL, right-extraR
	}
	cycles := int64(min(left/cy.Left, right/cy.Right)) // a count, not a decimal
	each := f.amountOf(rk)
	if cycles > 0 && int64(each) > int64(dec.Max)/cycles {
		return 0, 0, 0, false
	}
	amount = dec.Round(dec.D(cycles*int64(each)), p.digits, p.rounding)
	return dec.D(cycles)*cy.Left + extraL, dec.D(cycles)*cy.Right + extraR, amount, true
}

func (binary) bySale() bool { return false }

// max is the rate one pairing pays (a cycle's amount over its smaller
// side): a sale's volume pairs once in every placement upline's legs, so
// the whole binary can pay that many times over; check warns.
func (f binary) max(c *Component, _ *Plan, ch *Check, _ int) dec.Rate {
	top := f.topRank()
	rate := f.rateOf(top)
	if cy := f.Binary.Cycle; cy != nil {
		rate = dec.Rate(int64(f.amountOf(top)) * int64(dec.RateOne) / int64(min(cy.Left, cy.Right)))
	}
	ch.warn("component %s pays %s of paired volume at every placement upline: a sale pairs once per upline, so its share of sales grows with the depth of the binary tree; a cap bounds it", c.Name, rate)
	return ch.paysSomething(c, rate)
}

func (d *decoder) binary(n *yaml.Node, c *binary) error {
	f, err := d.fields(n, "a binary component", "name", "type", "rate", "rates", "cycle", "carry", "carry_cap", "qualify_sponsored", "flush_unqualified", "placement", "first_pair", "carry_expires")
	if err != nil {
		return err
	}
	for _, o := range d.p.Components {
		if o.Type == TypeBinary {
			return d.errf(n, "a plan has at most one binary component (%s is one already): its placement and carry are per member", o.Name)
		}
	}
	bn := &Binary{}
	c.Binary = bn
	byRate := f["rate"] != nil || f["rates"] != nil
	switch {
	case byRate && f["cycle"] != nil:
		return d.errf(f["cycle"], "a binary pays by rate or by cycle, not both")
	case byRate:
		if v := f["rate"]; v != nil {
			if c.Rate, err = d.rate(v, "rate"); err != nil {
				return err
			}
		}
		if v := f["rates"]; v != nil {
			if len(d.p.Ranks) == 0 {
				return d.errf(v, "rates needs ranks: define them under ranks first")
			}
			c.Rates, c.NoRate = make([]dec.Rate, len(d.p.Ranks)), slices.Repeat([]bool{true}, len(d.p.Ranks))
			if err := d.byRank(v, "rates", func(r int, x *yaml.Node) error {
				c.NoRate[r] = false
				c.Rates[r], err = d.rate(x, "rate")
				return err
			}); err != nil {
				return err
			}
		}
	case f["cycle"] != nil:
		cf, err := d.fields(f["cycle"], "a binary cycle", "left", "right", "amount", "amounts")
		if err != nil {
			return err
		}
		if cf["left"] == nil || cf["right"] == nil || (cf["amount"] == nil && cf["amounts"] == nil) {
			return d.errf(f["cycle"], "a cycle needs left, right and amount (or amounts by rank), e.g. {left: 300, right: 300, amount: 30}")
		}
		if cf["amount"] == nil {
			cf["amount"] = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: "0"} // a rank not listed is paid 0
		}
		bn.Cycle = &Cycle{}
		for _, x := range []struct {
			key string
			to  *dec.D
		}{{"left", &bn.Cycle.Left}, {"right", &bn.Cycle.Right}, {"amount", &bn.Cycle.Amount}} {
			if *x.to, err = d.volume(cf[x.key], "cycle "+x.key); err != nil {
				return err
			}
			if x.key == "amount" { // money: a whole number of the minor unit
				if err := d.minorUnit(cf[x.key], *x.to, "cycle amount"); err != nil {
					return err
				}
			} else if *x.to == 0 {
				return d.errf(cf[x.key], "cycle %s must be above 0: it is the volume one cycle takes from that leg", x.key)
			}
		}
		if v := cf["amounts"]; v != nil {
			if len(d.p.Ranks) == 0 {
				return d.errf(v, "cycle amounts needs ranks: define them under ranks first")
			}
			cy := bn.Cycle
			cy.Amounts, cy.NoAmount = make([]dec.D, len(d.p.Ranks)), slices.Repeat([]bool{true}, len(d.p.Ranks))
			if err := d.byRank(v, "cycle amounts", func(r int, x *yaml.Node) error {
				cy.NoAmount[r] = false
				cy.Amounts[r], err = d.money(x, "cycle amount")
				return err
			}); err != nil {
				return err
			}
		}
	default:
		return d.errf(n, "a binary needs rate (a share of the paired volume, e.g. 10%%) or cycle (e.g. {left: 300, right: 300, amount: 30})")
	}
	bn.Carry = true
	for key, to := range map[string]*bool{"carry": &bn.Carry, "qualify_sponsored": &bn.QualifySponsored} {
		if v := f[key]; v != nil {
			if *to, err = d.boolean(v, key); err != nil {
				return err
			}
		}
	}
	if v := f["flush_unqualified"]; v != nil {
		flush, err := d.boolean(v, "flush_unqualified")
		if err != nil {
			return err
		}
		bn.KeepUnqualified = !flush
	}
	if v := f["carry_cap"]; v != nil {
		if !bn.Carry {
			return d.errf(v, "carry_cap caps what carries, but carry is false: nothing carries")
		}
		bn.CarryCap.Set = true
		if bn.CarryCap.Value, err = d.volume(v, "carry_cap"); err != nil {
			return err
		}
	}
	if v := f["carry_expires"]; v != nil {
		if !bn.Carry {
			return d.errf(v, "carry_expires ages what carries, but carry is false: nothing carries")
		}
		if bn.CarryExpires, err = d.count(v, "carry_expires"); err != nil {
			return err
		}
		if bn.CarryExpires < 1 || bn.CarryExpires > MaxGrace {
			return d.errf(v, "carry_expires must be 1 to %d periods: volume pairs in its own period and that many after; leave it out for a carry that never expires", MaxGrace)
		}
	}
	if v := f["first_pair"]; v != nil {
		switch {
		case v.Kind != yaml.ScalarNode || v.Value != "2:1":
			return d.errf(v, `first_pair must be "2:1" (the first cycle takes two cycles' worth from the stronger leg), not %s`, kindName(v))
		case bn.Cycle == nil:
			return d.errf(v, "first_pair needs a cycle: a binary paid by rate has no cycles to pair 2:1")
		}
		bn.FirstPair = true
	}
	if v := f["placement"]; v != nil {
		i := slices.Index(tree.SideNames, v.Value)
		if i < 0 || v.Kind != yaml.ScalarNode {
			return d.errf(v, "placement must be weaker, left or right, not %s", kindName(v))
		}
		bn.Placement = tree.Side(i)
	}
	return nil
}

// boolean reads true or false.
func (d *decoder) boolean(n *yaml.Node, what string) (bool, error) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!bool" {
		switch n.Value {
		case "true", "True", "TRUE":
			return true, nil
		case "false", "False", "FALSE":
			return false, nil
		}
	}
	return false, d.errf(n, "%s must be true or false, not %s", what, kindName(n))
}

// LegColumns name a member's binary figures, in the order of Figures.
var LegColumns = []string{"left", "right", "carry_in_left", "carry_in_right", "paired_left", "paired_right",
	"carry_out_left", "carry_out_right", "flushed_left", "flushed_right"}

// Figures returns member m's binary figures in LegColumns order.
func (l *Legs) Figures(m int32) [10]dec.D {
	return [10]dec.D{l.Left[m], l.Right[m], l.CarryInL[m], l.CarryInR[m], l.PairedL[m], l.PairedR[m],
		l.CarryOutL[m], l.CarryOutR[m], l.FlushedL[m], l.FlushedR[m]}
}

// Totals returns the figures summed over every member, in LegColumns order.
func (l *Legs) Totals() [10]dec.D {
	return [10]dec.D{l.TotalLeft, l.TotalRight, l.TotalCarryInL, l.TotalCarryInR, l.TotalPairedL, l.TotalPairedR,
		l.TotalCarryOutL, l.TotalCarryOutR, l.TotalFlushedL, l.TotalFlushedR}
}

func (f binary) describe(p *Plan) string {
	b := f.Binary
	s := f.Rate.String() + " of the paired (smaller) leg volume"
	if f.Rates != nil {
		var rates []string
		for r, rate := range f.Rates {
			if !f.NoRate[r] {
				rates = append(rates, fmt.Sprintf("%s %s", p.Ranks[r].Name, rate))
			}
		}
		s = fmt.Sprintf("of the paired (smaller) leg volume at the paid-as rank's rate: %s, else %s", strings.Join(rates, ", "), f.Rate)
	}
	if cy := b.Cycle; cy != nil {
		s = fmt.Sprintf("%s per cycle of %s left + %s right", cy.Amount.AppendFixed(nil, p.Digits), cy.Left, cy.Right)
		if cy.Amounts != nil {
			var amounts []string
			for r, a := range cy.Amounts {
				if !cy.NoAmount[r] {
					amounts = append(amounts, fmt.Sprintf("%s %s", p.Ranks[r].Name, a.AppendFixed(nil, p.Digits)))
				}
			}
			s = fmt.Sprintf("per cycle of %s left + %s right by paid-as rank: %s, else %s", cy.Left, cy.Right, strings.Join(amounts, ", "), cy.Amount.AppendFixed(nil, p.Digits))
		}
	}
	switch {
	case !b.Carry:
		s += "; no carry"
	case b.CarryCap.Set:
		s += "; carry up to " + b.CarryCap.Value.String() + " a leg"
	default:
		s += "; carry without a cap"
	}
	if b.CarryExpires > 0 {
		s += fmt.Sprintf("; oldest volume pairs first, and volume unpaired %s after its own is flushed", plural(b.CarryExpires, "period"))
	}
	if b.FirstPair {
		s += "; a member's first cycle ever takes 2:1 (two cycles' worth from the stronger leg)"
	}
	if b.QualifySponsored {
		s += "; qualify: a personally sponsored distributor in each leg"
	}
	if b.KeepUnqualified {
		s += "; unqualified legs kept"
	} else {
		s += "; unqualified legs flushed"
	}
	return s + "; auto-placement " + tree.SideNames[b.Placement]
}

func (f binary) encode(p *Plan, y *yamlComponent) {
	b := f.Binary
	if b.Cycle != nil {
		y.Cycle = &yamlCycle{Left: b.Cycle.Left.String(), Right: b.Cycle.Right.String(), Amount: b.Cycle.Amount.String()}
		if b.Cycle.Amounts != nil {
			y.Cycle.Amounts = map[string]string{}
			for r, a := range b.Cycle.Amounts {
				if !b.Cycle.NoAmount[r] {
					y.Cycle.Amounts[p.Ranks[r].Name] = a.String()
				}
			}
		}
	} else {
		y.Rate = f.Rate.String()
		if f.Rates != nil {
			y.Rates = map[string]string{}
			for r, rate := range f.Rates {
				if !f.NoRate[r] {
					y.Rates[p.Ranks[r].Name] = rate.String()
				}
			}
		}
	}
	carry, qualify, flush := b.Carry, b.QualifySponsored, !b.KeepUnqualified
	y.Carry, y.QualifySp, y.FlushUnq = &carry, &qualify, &flush
	if b.CarryCap.Set {
		y.CarryCap = b.CarryCap.Value.String()
	}
	y.Placement = tree.SideNames[b.Placement]
	if b.FirstPair {
		y.FirstPair = "2:1"
	}
	y.CarryExpires = b.CarryExpires
}

// place builds the binary's placement tree: members placed by hand, or by
// an earlier period, keep their slot; the others are placed by this
// period's own volumes (returns taken out).
func (f binary) place(r *run, carryIn *[2][]dec.D) error {
	r.carryIn = carryIn
	r.ownVolume = make([]dec.D, r.org.Len())
	for _, ch := range r.sales.chunks {
		for k, m := range ch.Member {
			r.ownVolume[m] += ch.VolumeOf(k) // bounded by the total volume
		}
	}
	for _, rv := range r.revs { // this period's orders returned: out of the legs
		if rv.period == 0 {
			m := rv.seller
			if r.dist != nil && r.dist[m] >= 0 {
				m = r.dist[m]
			}
			r.ownVolume[m] -= rv.returned
		}
	}
	var prior *tree.Prior
	if r.carried != nil {
		prior = r.carried.placed
	}
	b, err := tree.PlaceBinaryAfter(r.org, f.Binary.Placement, r.ownVolume, carryIn, prior)
	if err != nil {
		return err
	}
	r.binary = b
	r.binaryReturns(b, r.dist)
	return nil
}

// bound: a binary by cycle is bounded by its cap and carry, not by rates.
func (f binary) bound() (dec.Rate, int64, bool) { return f.Rate, 2, false }

// Cycle is the binary's cycle when c is a binary paying by cycle, else nil.
func (c *Component) Cycle() *Cycle {
	if b, ok := c.rule.(binary); ok {
		return b.Binary.Cycle
	}
	return nil
}

func (binary) source(*Result, *Line, string) string { return "paired legs" }
