package plan

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/compplan/compplan/tree/dec"
)

// matching pays a percentage of what each member earned from the matched
// components to their sponsor (generation 1), the sponsor's sponsor
// (generation 2) and so on, by sponsor tree without compression (customers
// never count). An upline who is not eligible, or whose rank is not paid
// on that generation, leaves it as breakage. One line per earner, matched
// member and generation; members who earned nothing put up nothing.
//
// With generation_rank (RankGenerations), generations end at a rank
// instead: for an upline, a member is in generation 1 when no member at or
// above GenerationRank (paid-as) stands between them — the first such
// member on a path closes generation 1 and belongs to it, and their own
// downline starts generation 2, and so on. Every upline is paid on the
// generation the member falls in for them (so a generation may have many
// earners); the walk up ends at the top or past the last generation, and
// pays nothing above the top.
type matching struct {
	// Of are the components matched (indexes into Plan.Components),
	// Generations the generation rates, PaidGenerations how many
	// generations each rank is paid on (nil: all).
	Of              []int
	Generations     []dec.Rate
	PaidGenerations []int
	RankGenerations bool
	GenerationRank  int // with RankGenerations: the rank that closes a generation
}

// matched returns the components c matches when it is a matching, else
// nil.
func (c *Component) matched() []int {
	if m, ok := c.rule.(matching); ok {
		return m.Of
	}
	return nil
}

func (f matching) pay(r *run, p *poster) {
	c := f
	up := r.nonCustomerUplines()
	for _, m := range r.org.ByID() { // id order: lines do not depend on row order
		var base dec.D
		for _, o := range c.Of {
			p.acc.Add(&base, r.earned[o][m], "what a matching matches")
			if r.revOut != nil && r.revOut[o] != nil {
				p.acc.Sub(&base, r.revOut[o][m], "what a matching matches")
			}
		}
		if base == 0 {
			continue
		}
		if c.RankGenerations {
			f.payRankGenerations(r, p, up, m, base)
			continue
		}
		u := up[m]
		for g, rate := range c.Generations {
			amount := p.amount(base, rate)
			earner := int32(-1)
			if u >= 0 && r.eligible[u] && g < c.generationsPaid(int(r.rank[u])) {
				earner = u
			}
			if p.detail() {
				l := Line{Earner: earner, Upline: u, Seller: m, Sale: SaleRef{-1, -1},
					PaidLevel: g + 1, Base: base, Rate: rate, Amount: amount, Skipped: -1}
				if l.Reason = r.eligibility(u); l.Reason == Paid && earner < 0 {
					l.Reason = RankLevels
					if r.rank[u] == NoRank {
						l.Reason = NoRankHeld
					}
				}
				if u >= 0 {
					l.Level = int(r.depths()[m] - r.depths()[u])
				}
				p.post(l)
			} else {
				p.add(earner, amount)
			}
			if u >= 0 {
				u = up[u]
			}
		}
	}
}

// payRankGenerations posts member m's match to every upline, on the
// generation m falls in for them (generation_rank).
func (f matching) payRankGenerations(r *run, p *poster, up []int32, m int32, base dec.D) {
	g := 0 // m's generation for u, from 0
	for u := up[m]; u >= 0 && g < len(f.Generations); u = up[u] {
		rate := f.Generations[g]
		amount := p.amount(base, rate)
		earner := int32(-1)
		if r.eligible[u] && g < f.generationsPaid(int(r.rank[u])) {
			earner = u
		}
		if p.detail() {
			l := Line{Earner: earner, Upline: u, Seller: m, Sale: SaleRef{-1, -1},
				PaidLevel: g + 1, Base: base, Rate: rate, Amount: amount, Skipped: -1,
				Level: int(r.depths()[m] - r.depths()[u])}
			if l.Reason = r.eligibility(u); l.Reason == Paid && earner < 0 {
				l.Reason = RankLevels
				if r.rank[u] == NoRank {
					l.Reason = NoRankHeld
				}
			}
			p.post(l)
		} else {
			p.add(earner, amount)
		}
		if rk := r.rank[u]; rk != NoRank && int(rk) >= f.GenerationRank {
			g++ // u closes the generation: those above them see m one further
		}
	}
}

// generationsPaid is how many generations rank r (NoRank: none) is paid on.
func (c matching) generationsPaid(r int) int {
	switch {
	case c.PaidGenerations == nil:
		return len(c.Generations)
	case r < 0:
		return 0
	}
	return c.PaidGenerations[r]
}

// evaluationOrder orders the components so that every matching comes after
// the components it matches, keeping plan order otherwise; a cycle is an
// error naming it.
func evaluationOrder(comps []Component) ([]int, error) {
	state := make([]uint8, len(comps)) // 0 new, 1 on the path, 2 done
	var order, path []int
	var visit func(i int) error
	visit = func(i int) error {
		switch state[i] {
		case 2:
			return nil
		case 1:
			var names []string
			for k := len(path) - 1; k >= 0; k-- {
				names = append(names, comps[path[k]].Name)
				if path[k] == i {
					break
				}
			}
			// names runs from the repeat back down the path: reverse it.
			for a, b := 0, len(names)-1; a < b; a, b = a+1, b-1 {
				names[a], names[b] = names[b], names[a]
			}
			return fmt.Errorf("matching cycle: %s → %s: a matching cannot depend on itself", strings.Join(names, " → "), comps[i].Name)
		}
		state[i] = 1
		path = append(path, i)
		for _, o := range comps[i].matched() {
			if err := visit(o); err != nil {
				return err
			}
		}
		path = path[:len(path)-1]
		state[i] = 2
		order = append(order, i)
		return nil
	}
	for i := range comps {
		if err := visit(i); err != nil {
			return nil, err
		}
	}
	return order, nil
}

func (matching) bySale() bool { return false }

func (f matching) paidOn(r int) (int, string) { return f.generationsPaid(r), "generation" }

// max is the generation rates (as far as the top rank is paid) × the most
// the matched components can pay.
func (f matching) max(c *Component, _ *Plan, ch *Check, top int) dec.Rate {
	var matched dec.Rate
	for _, o := range f.Of {
		matched += ch.Max[o]
	}
	gens := sumRates(f.Generations[:f.generationsPaid(top)])
	if f.RankGenerations {
		ch.warn("component %s: generations end at a rank, and every upline in a generation is paid on it: its maximum assumes one earner per generation", c.Name)
	}
	return ch.paysSomething(c, dec.Rate(dec.MulRound(dec.D(matched), gens, dec.Scale, dec.Down)))
}

func (f matching) describe(p *Plan) string {
	c := f
	var of []string
	for _, o := range c.Of {
		of = append(of, p.Components[o].Name)
	}
	s := fmt.Sprintf("generations %s of what each member earned from %s", rateList(c.Generations), strings.Join(of, ", "))
	if c.PaidGenerations != nil {
		var paid []string
		for r, n := range c.PaidGenerations {
			paid = append(paid, fmt.Sprintf("%s %d", p.Ranks[r].Name, n))
		}
		s += "; paid generations " + strings.Join(paid, ", ")
	}
	if c.RankGenerations {
		s += "; generations end at " + p.Ranks[c.GenerationRank].Name
	}
	return s
}

func (f matching) encode(p *Plan, y *yamlComponent) {
	c := f
	var of []string
	for _, o := range c.Of {
		of = append(of, p.Components[o].Name)
	}
	y.Of = of
	y.Generations = rateStrings(c.Generations)
	if c.RankGenerations {
		y.GenRank = p.Ranks[c.GenerationRank].Name
	}
	if c.PaidGenerations != nil {
		y.PaidGens = map[string]int{}
		for r, n := range c.PaidGenerations {
			y.PaidGens[p.Ranks[r].Name] = n
		}
	}
}

func (d *decoder) matching(n *yaml.Node, c *matching) error {
	f, err := d.fields(n, "a matching component", "name", "type", "of", "generations", "paid_generations", "generation_rank")
	if err != nil {
		return err
	}
	of := f["of"]
	if of == nil || of.Kind != yaml.SequenceNode || len(of.Content) == 0 {
		at := n
		if of != nil {
			at = of
		}
		return d.errf(at, "a matching component needs of, the list of components it matches, e.g. of: [unilevel]")
	}
	if d.pendingOf == nil {
		d.pendingOf = map[int][]*yaml.Node{}
	}
	d.pendingOf[len(d.p.Components)] = of.Content
	gn := f["generations"]
	if gn == nil || gn.Kind != yaml.SequenceNode || len(gn.Content) == 0 {
		at := n
		if gn != nil {
			at = gn
		}
		return d.errf(at, "a matching component needs generations, a list of rates such as [10%%, 5%%]")
	}
	if c.Generations, err = d.levels(gn, n, "a matching component"); err != nil {
		return err
	}
	if gr := f["generation_rank"]; gr != nil {
		if c.GenerationRank, err = d.rankIndex(gr, "generation_rank"); err != nil {
			return err
		}
		c.RankGenerations = true
	}
	if pn := f["paid_generations"]; pn != nil {
		if len(d.p.Ranks) == 0 {
			return d.errf(pn, "paid_generations needs ranks: define them under ranks first")
		}
		c.PaidGenerations = make([]int, len(d.p.Ranks))
		return d.byRank(pn, "paid_generations", func(r int, v *yaml.Node) error {
			k, err := d.count(v, "paid generations")
			if err == nil && k > len(c.Generations) {
				err = d.errf(v, "rank %q is paid on %d generations but the component has only %d", d.p.Ranks[r].Name, k, len(c.Generations))
			}
			c.PaidGenerations[r] = k
			return err
		})
	}
	return nil
}

// resolveOf turns each matching's of names into component indexes, once
// every component is known, and rejects a matching cycle.
func (d *decoder) resolveOf(list *yaml.Node) error {
	for i, names := range d.pendingOf {
		c := &d.p.Components[i]
		m := c.rule.(matching)
		for _, nn := range names {
			name, err := d.str(nn, "a matched component")
			if err != nil {
				return err
			}
			k := slices.IndexFunc(d.p.Components, func(o Component) bool { return o.Name == name })
			if k < 0 {
				var all []string
				for _, o := range d.p.Components {
					all = append(all, o.Name)
				}
				return d.errf(nn, "matching %s matches %q, which is not a component of this plan (components: %s)", c.Name, name, strings.Join(all, ", "))
			}
			if slices.Contains(m.Of, k) {
				return d.errf(nn, "matching %s names %q twice in of: each component is matched once", c.Name, name)
			}
			m.Of = append(m.Of, k)
			c.rule = m
		}
	}
	if _, err := evaluationOrder(d.p.Components); err != nil {
		return d.errf(list, "%v", err)
	}
	return nil
}

// bound: a matching takes its generations' sum of what the others put up.
func (f matching) bound() (dec.Rate, int64, bool) {
	return sumRates(f.Generations), int64(len(f.Generations)), true
}

func (matching) source(_ *Result, l *Line, seller string) string {
	return fmt.Sprintf("generation %d on %s's earnings", l.PaidLevel, seller)
}
