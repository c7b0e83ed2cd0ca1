package plan

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// family is what each component type implements, each in its own file.
type family interface {
	// pay posts every line of the component through p.
	pay(r *run, p *poster)
	// bySale reports whether the lines come from sales one by one, so the
	// sales can be split over cores.
	bySale() bool
	// max is the most component c (whose rule this is) can pay as a
	// fraction of volume (every level filled, everyone active at rank
	// top); it may add warnings to ch, whose Max already holds the
	// components evaluated before it.
	max(c *Component, p *Plan, ch *Check, top int) dec.Rate
	// bound is the most the component puts up, as a share of volume, and
	// how many lines one sale may make, for the check that no sum can
	// leave the exact range; a matching (matches) gives instead the share
	// it takes of what the components it matches put up.
	bound() (share dec.Rate, lines int64, matches bool)
	// describe says in one line what the component pays, for check.
	describe(p *Plan) string
	// encode sets the family's own keys of the component's canonical YAML.
	encode(p *Plan, y *yamlComponent)
}

// needer is a family that needs more of the data than members and sales
// (every joined date, every sale's date, a period): needs says what is
// missing, as an input error, before anything is computed.
type needer interface {
	needs(c *Component, d *tree.Data) error
}

// historian is a family that reads the paid-as ranks of earlier periods
// (rank_bonus's held): paidHistory is how many, which the state carries.
type historian interface {
	paidHistory() int
}

// paidHistory is how many earlier periods' paid-as ranks the plan's
// components read (0: none).
func (p *Plan) paidHistory() int {
	n := 0
	for _, c := range p.Components {
		if h, ok := c.rule.(historian); ok {
			n = max(n, h.paidHistory())
		}
	}
	return n
}

// instalmenter is a family that pays an amount over several periods
// (rank_advancement's instalments): the state carries the instalments to
// come, and checks them against instalments.
type instalmenter interface {
	instalments() int
}

// reacher is a family whose members' reached ranks the state carries
// (rank_advancement held over several periods).
type reacher interface {
	keepsReached() bool
}

// orderReader is a family that tells orders apart by their ids
// (first_order), so the sales' order ids must be kept.
type orderReader interface {
	readsOrders() bool
}

// ReadsOrderIDs reports whether the plan needs the sales' order ids: to
// reverse returns, or for a component that tells orders apart.
func (p *Plan) ReadsOrderIDs() bool {
	if p.ReverseReturns {
		return true
	}
	for _, c := range p.Components {
		if o, ok := c.rule.(orderReader); ok && o.readsOrders() {
			return true
		}
	}
	return false
}

// placer is a family that pays along a placement tree of its own, built
// before any component pays (binary, matrix).
type placer interface {
	place(r *run, carryIn *[2][]dec.D) error
}

// kind is one component type a plan may declare: how to decode it and the
// family that computes it.
type kind struct {
	name string
	// decode reads the component's own keys (n holds every key but cap)
	// and sets its rule.
	decode func(d *decoder, n *yaml.Node, c *Component) error
}

// kinds lists the component types a plan may declare.
func kinds() []kind {
	return []kind{
		{TypePersonal, decodeAs((*decoder).personal)},
		{TypeUnilevel, decodeAs((*decoder).unilevel)},
		{TypeDifferential, decodeAs((*decoder).differential)},
		{TypeMatching, decodeAs((*decoder).matching)},
		{TypeFastStart, decodeAs((*decoder).fastStart)},
		{TypePool, decodeAs((*decoder).pool)},
		{TypeBinary, decodeAs((*decoder).binary)},
		{TypeMatrix, decodeAs((*decoder).matrix)},
		{TypeAdvancement, decodeAs((*decoder).advancement)},
		{TypeRecruit, decodeAs((*decoder).recruit)},
		{TypeRankBonus, decodeAs((*decoder).rankBonus)},
		{TypeFirstOrder, decodeAs((*decoder).firstOrder)},
	}
}

// decodeAs makes a kind's decode from its family's reader, which fills in
// the family's settings.
func decodeAs[T family](read func(d *decoder, n *yaml.Node, s *T) error) func(*decoder, *yaml.Node, *Component) error {
	return func(d *decoder, n *yaml.Node, c *Component) error {
		var s T
		err := read(d, n, &s)
		c.rule = s
		return err
	}
}

func kindOf(name string) (kind, bool) {
	ks := kinds()
	i := slices.IndexFunc(ks, func(k kind) bool { return k.name == name })
	if i < 0 {
		return kind{}, false
	}
	return ks[i], true
}

func kindNames() []string {
	var names []string
	for _, k := range kinds() {
		names = append(names, k.name)
	}
	return names
}

func (c *Component) family() family { return c.rule }

// Describe says in one line what the component pays, with its cap.
func (c *Component) Describe(p *Plan) string {
	s := c.family().describe(p)
	if c.Cap.Set {
		s += fmt.Sprintf("; capped at %s a member", c.Cap.Value.AppendFixed(nil, p.Digits))
	}
	return s
}

// rateList is rates, space-separated.
func rateList(rates []dec.Rate) string { return strings.Join(rateStrings(rates), " ") }
