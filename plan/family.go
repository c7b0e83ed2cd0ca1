package plan

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/compplan/compplan/tree/dec"
)

// family is what each component type implements, each in its own file.
type family interface {
	// pay posts every line of the component through p.
	pay(r *run, p *poster)
	// bySale reports whether the lines come from sales one by one, so the
	// sales can be split over cores.
	bySale() bool
	// max is the most the component can pay as a fraction of volume (every
	// level filled, everyone active at rank top); it may add warnings to
	// ch, whose Max already holds the components evaluated before it.
	max(p *Plan, ch *Check, top int) dec.Rate
	// describe says in one line what the component pays, for check.
	describe(p *Plan) string
	// encode sets the family's own keys of the component's canonical YAML.
	encode(p *Plan, y *yamlComponent)
}

// kind is one component type a plan may declare: how to decode it and the
// family that computes it.
type kind struct {
	name   string
	decode func(d *decoder, n *yaml.Node, c *Component) error
	family func(c *Component) family
}

// kinds lists the component types a plan may declare.
func kinds() []kind {
	return []kind{
		{TypePersonal, (*decoder).personal, func(c *Component) family { return personal{c} }},
		{TypeUnilevel, (*decoder).unilevel, func(c *Component) family { return unilevel{c} }},
		{TypeDifferential, (*decoder).differential, func(c *Component) family { return differential{c} }},
		{TypeMatching, (*decoder).matching, func(c *Component) family { return matching{c} }},
		{TypeFastStart, (*decoder).fastStart, func(c *Component) family { return fastStart{c} }},
		{TypePool, (*decoder).pool, func(c *Component) family { return pool{c} }},
		{TypeBinary, (*decoder).binary, func(c *Component) family { return binary{c} }},
		{TypeMatrix, (*decoder).matrix, func(c *Component) family { return matrix{c} }},
		{TypeAdvancement, (*decoder).advancement, func(c *Component) family { return advancement{c} }},
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

func (c *Component) family() family {
	if c.Type == TypeAdjustment {
		return adjustment{}
	}
	k, ok := kindOf(c.Type)
	if !ok {
		panic("plan: unknown component type " + c.Type) // Decode admits no other
	}
	return k.family(c)
}

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
