package plan

import (
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// Pairing is one member's paid binary pairing of a recent period, kept
// (returns: reverse) for return_window periods so a return of volume it
// paired can claw back its share: round(Paid × returned ÷ paired), on the
// side whose share returned is the larger, cumulative over returns.
type Pairing struct {
	Member string `json:"member"`
	Period int    `json:"period_number"` // State.Periods when it was paid
	// End is the last day of the period it was paid in (return_window_days
	// counts from it).
	End     string `json:"period_end,omitempty"`
	Paid    dec.D  `json:"paid"` // what the pairing paid, after caps
	PairedL dec.D  `json:"paired_left"`
	PairedR dec.D  `json:"paired_right"`
	// ReturnedL and ReturnedR are the paired volume returned so far (at
	// most the paired volume), Clawed what was clawed back for them.
	ReturnedL dec.D `json:"returned_left,omitempty"`
	ReturnedR dec.D `json:"returned_right,omitempty"`
	Clawed    dec.D `json:"clawed_back,omitempty"`
	// Matches are what each matching of the binary paid on this pairing
	// (after caps), by earner: a clawback reverses them pro rata from
	// those earners, round(amount × clawed back ÷ paid), cumulative. A
	// state without them reverses no match.
	Matches []OrderLine `json:"matches,omitempty"`
}

// matchClaw is the reversal of a match paid on a clawed-back pairing.
type matchClaw struct {
	comp, earner string
	base, amount dec.D // the match paid on the pairing, and the reversal (< 0)
	rate         dec.Rate
	rv           *reversal
}

type pairKey struct {
	member string
	period int
}

// claw is the volume of one return that a placement upline's carry-in
// did not hold: volume its earlier pairing used.
type claw struct {
	upline int32
	leg    uint8
	volume dec.D
	rv     *reversal
}

// binaryReturns applies this period's reversed returns to the binary legs
// (returns: reverse). A return of an order of this period takes its volume
// out of the legs through own (the seller's volume this period). A return
// of an earlier order takes it, at each placement upline, out of the
// leg's carry-in first (never below 0); what the carry-in did not hold was
// used by the upline's pairing of the order's period, and is clawed back
// (see clawBack). carryIn is copied before it is changed.
func (r *run) binaryReturns(b *tree.Binary, dist []int32) {
	var earlier []*reversal
	for i := range r.revs {
		if r.revs[i].period == 0 {
			continue
		}
		earlier = append(earlier, &r.revs[i])
	}
	if len(earlier) == 0 {
		return
	}
	// The same order returned in several rows: in order of order id and
	// volume, the same in a replay and in chained runs.
	slices.SortStableFunc(earlier, func(a, b *reversal) int {
		if c := strings.Compare(a.order, b.order); c != 0 {
			return c
		}
		return int(a.returned - b.returned)
	})
	n := r.org.Len()
	ci := [2][]dec.D{make([]dec.D, n), make([]dec.D, n)}
	if r.carryIn != nil {
		copy(ci[0], r.carryIn[0])
		copy(ci[1], r.carryIn[1])
	}
	for _, rv := range earlier {
		seller := rv.seller
		if dist != nil && dist[seller] >= 0 {
			seller = dist[seller]
		}
		if !b.Placed(seller) {
			continue
		}
		for y := seller; b.Parent[y] >= 0; y = b.Parent[y] {
			u, leg := b.Parent[y], b.Leg[y]
			take := min(rv.returned, max(ci[leg][u], 0))
			ci[leg][u] -= take
			if rest := rv.returned - take; rest > 0 {
				r.claws = append(r.claws, claw{upline: u, leg: leg, volume: rest, rv: rv})
			}
		}
	}
	r.carryIn = &ci
}

// clawBack posts, for each claw, the negative binary lines that take back
// the share of the upline's pairings that the returned volume had paired:
// from the pairing of the order's period on, oldest first, each taking
// the returned volume up to its paired volume on that side not yet
// returned. Each pairing's clawback is cumulative: round(Paid × returned
// ÷ paired) on the side with the larger share returned, less what was
// clawed back already; never more than it paid. Volume no pairing holds
// (flushed, or never paid) claws back nothing.
func (f binary) clawBack(r *run, p *poster, res *Result) {
	if r.carried == nil {
		return
	}
	for _, cl := range r.claws {
		rest := cl.volume
		for period := cl.rv.period; period <= r.carried.periods && rest > 0; period++ {
			key := pairKey{r.org.ID(cl.upline), period}
			pr, ok := res.pairingsNow[key]
			if !ok {
				old := r.carried.pairing(key)
				if old == nil {
					continue
				}
				pr = *old
			}
			returned, paired := &pr.ReturnedL, pr.PairedL
			if cl.leg == tree.Right {
				returned, paired = &pr.ReturnedR, pr.PairedR
			}
			take := min(rest, paired-*returned)
			if take <= 0 {
				continue
			}
			*returned += take
			rest -= take
			f.clawPairing(r, p, res, cl, key, pr)
		}
	}
}

// clawPairing posts the clawback of pairing pr (key) now that more of it
// is returned, and keeps pr as it now stands.
func (f binary) clawPairing(r *run, p *poster, res *Result, cl claw, key pairKey, pr Pairing) {
	returned, paired := pr.ReturnedL, pr.PairedL
	if pr.PairedL == 0 || (pr.PairedR != 0 && new(big.Int).Mul(big.NewInt(int64(pr.ReturnedR)), big.NewInt(int64(pr.PairedL))).Cmp(
		new(big.Int).Mul(big.NewInt(int64(pr.ReturnedL)), big.NewInt(int64(pr.PairedR)))) > 0) {
		returned, paired = pr.ReturnedR, pr.PairedR
	}
	target := min(mulDivRound(pr.Paid, returned, paired, p.digits, p.rounding), pr.Paid)
	amount, before := target-pr.Clawed, pr.Clawed
	pr.Clawed = target
	if res.pairingsNow == nil {
		res.pairingsNow = map[pairKey]Pairing{}
	}
	res.pairingsNow[key] = pr
	if amount == 0 {
		return
	}
	l := Line{Earner: cl.upline, Upline: cl.upline, Seller: cl.rv.seller, Sale: cl.rv.sale, Base: paired,
		Rate: ratio(returned, paired), Amount: -amount, Skipped: -1, Reason: Reversed}
	if p.detail() {
		ago := r.carried.periods + 1 - key.period
		l.Text = fmt.Sprintf("return of order %s: binary clawback of %s/%s of the %s/%s paired %s earlier that paid %s", cl.rv.order,
			pr.ReturnedL, pr.ReturnedR, pr.PairedL, pr.PairedR, plural(ago, "period"), string(pr.Paid.AppendFixed(nil, p.digits)))
	}
	scale := p.scale
	p.scale = 0 // an exact clawback of what was paid: never scaled again
	p.post(l)
	p.scale = scale
	if res.clawed == nil {
		res.clawed = map[int32]dec.D{}
	}
	res.clawed[cl.upline] -= amount
	// A matching leaves the clawback out of what it matches: the match
	// paid on the pairing is reversed from whoever was paid it.
	r.addRevOut(p.comp, cl.upline, -amount)
	for _, pm := range pr.Matches {
		share := func(c dec.D) dec.D { return min(mulDivRound(pm.Amount, c, pr.Paid, p.digits, p.rounding), pm.Amount) }
		if a := share(target) - share(before); a != 0 {
			r.matchClaws = append(r.matchClaws, matchClaw{comp: pm.Component, earner: pm.Earner, base: pm.Amount, amount: -a, rate: ratio(target, pr.Paid), rv: cl.rv})
		}
	}
}

// addRevOut adds amount to member m's reversals of earlier periods'
// orders and pairings of component c, which a matching leaves out.
func (r *run) addRevOut(c int, m int32, amount dec.D) {
	if r.revOut == nil {
		r.revOut = make([][]dec.D, len(r.plan.Components))
	}
	if r.revOut[c] == nil {
		r.revOut[c] = make([]dec.D, r.org.Len())
	}
	r.revOut[c][m] += amount
}

// postMatchClaws posts, for matching c, the reversals of the matches paid
// on this period's clawed-back pairings, to whoever was paid them. Like a
// clawback, they are exact: a payout cap does not scale them again.
func (r *run) postMatchClaws(p *poster, c int) {
	name := r.plan.Components[c].Name
	for _, mc := range r.matchClaws {
		earner := r.org.Lookup(mc.earner)
		if mc.comp != name || earner < 0 {
			continue
		}
		l := Line{Earner: earner, Upline: earner, Seller: mc.rv.seller, Sale: mc.rv.sale, Base: mc.base, Rate: mc.rate, Amount: mc.amount,
			Skipped: -1, Reason: Reversed, Text: "return of order " + mc.rv.order + ": reversal of the match paid on a binary pairing clawed back"}
		scale := p.scale
		p.scale = 0
		p.post(l)
		p.scale = scale
		r.addRevOut(c, earner, mc.amount)
	}
}

// attributePairingMatches keeps, for each member with a pairing this
// period, what each matching of the binary paid on it: a match of A on
// what X earned from the matched components (net of reversals of earlier
// orders and pairings) is attributed to X's pairing as round-down(A × X's
// binary lines ÷ all X's matched lines), then to what the matcher was
// paid after the caps, as recordPaid does for orders.
func (res *Result) attributePairingMatches(r *run, matched []matchLine, g lineSums, now [][]dec.D) {
	if r.legs == nil || len(matched) == 0 {
		return
	}
	bin := r.legs.Component
	net := func(o int, m int32) dec.D {
		var v dec.D
		if g[o][0] != nil {
			v += g[o][0][m]
		}
		if g[o][1] != nil {
			v += g[o][1][m]
		}
		if r.revOut != nil && r.revOut[o] != nil {
			v -= r.revOut[o][m]
		}
		return v
	}
	for _, ml := range matched {
		comp := &res.Plan.Components[ml.comp]
		if ml.amount <= 0 || !slices.Contains(comp.matched(), bin) {
			continue
		}
		var denom dec.D
		for _, o := range comp.matched() {
			denom += net(o, ml.of)
		}
		share := net(bin, ml.of)
		if denom <= 0 || share <= 0 {
			continue
		}
		a := min(mulDivRound(ml.amount, share, denom, res.Plan.Digits, dec.Down), ml.amount)
		if a = res.paidShare(g, now, ml.comp, ml.earner, a); a <= 0 {
			continue
		}
		if res.pairMatches == nil {
			res.pairMatches = map[int32][]OrderLine{}
		}
		res.pairMatches[ml.of] = append(res.pairMatches[ml.of], OrderLine{Earner: res.Org.ID(ml.earner), Component: comp.Name, Amount: a})
	}
	for _, ms := range res.pairMatches { // the same whatever order lines came in
		slices.SortFunc(ms, func(a, b OrderLine) int {
			if c := strings.Compare(a.Earner, b.Earner); c != 0 {
				return c
			}
			return strings.Compare(a.Component, b.Component)
		})
	}
}

// pairing returns the state's pairing of key, or nil.
func (c *carried) pairing(k pairKey) *Pairing {
	if c == nil || c.pairings == nil {
		return nil
	}
	return c.pairings[k]
}

// newPairings records this period's paid pairings (returns: reverse, with
// a binary): what each paid after caps, clawbacks of earlier pairings left
// out.
func (res *Result) newPairings(periods int) []Pairing {
	lg := res.Legs
	if lg == nil || !res.Plan.ReverseReturns {
		return nil
	}
	var out []Pairing
	for _, m := range res.Org.ByID() {
		if !lg.Qualified[m] || (lg.PairedL[m] == 0 && lg.PairedR[m] == 0) {
			continue
		}
		paid := res.Earned[lg.Component][m] - res.clawed[m]
		if paid <= 0 {
			continue
		}
		out = append(out, Pairing{Member: res.Org.ID(m), Period: periods, End: res.periodEnd(), Paid: paid, PairedL: lg.PairedL[m], PairedR: lg.PairedR[m], Matches: res.pairMatches[m]})
	}
	return out
}

// keptPairings are the pairings a return of the next period may claw back:
// those of the last return_window periods, with this period's returns.
func (r *Result) keptPairings(periods int) []Pairing {
	if !r.Plan.ReverseReturns || r.Legs == nil {
		return nil
	}
	var out []Pairing
	if r.carried != nil {
		for k, pr := range r.carried.pairings {
			if r.keeps(pr.Period, periods, dayOf(pr.End)) {
				if now, ok := r.pairingsNow[k]; ok {
					out = append(out, now)
				} else {
					out = append(out, *pr)
				}
			}
		}
	}
	out = append(out, r.newPairings(periods)...)
	slices.SortFunc(out, func(a, b Pairing) int {
		if c := strings.Compare(a.Member, b.Member); c != 0 {
			return c
		}
		return a.Period - b.Period
	})
	return out
}
