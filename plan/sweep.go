package plan

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/compplan/compplan/tree/dec"
)

// Source is a plan file's YAML kept to derive edited plans from: a sweep
// sets one value of the plan at a time (With), each giving the plan the
// edited file would.
type Source struct {
	root *yaml.Node // the plan's mapping
	name string
}

// ParseSource reads a plan's YAML as a Source; it must decode as a plan.
func ParseSource(src []byte, name string) (*Source, error) {
	if _, err := Decode(src, name); err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, yamlError(err, src, name)
	}
	return &Source{root: doc.Content[0], name: name}, nil
}

// Setting is one value set at a path of the plan (see Source.With).
type Setting struct {
	Path, Value string
}

// With returns the plan with each setting's value at its path, decoded and
// validated as the edited file would be. A path is the keys down to one
// value, joined by dots: a list of named items (components, ranks,
// deductions, tiers by their pv, …) is entered by the item's name, any
// other list by its index from 0 — components.unilevel.levels.0,
// ranks.Silver.gv, active.pv, payout_cap. The last key may be one the
// plan leaves out (it is added). A value is written as in the YAML (5%,
// 1500). A path that leads nowhere is an error naming the keys there.
func (s *Source) With(settings ...Setting) (*Plan, error) {
	root := clone(s.root)
	for _, st := range settings {
		n, err := s.at(root, st.Path, true)
		if err != nil {
			return nil, err
		}
		var v yaml.Node
		if err := yaml.Unmarshal([]byte(st.Value), &v); err != nil || len(v.Content) != 1 || v.Content[0].Kind != yaml.ScalarNode {
			return nil, fmt.Errorf("%s=%s: expected one value, as written in the plan (5%%, 1500)", st.Path, st.Value)
		}
		n.Kind, n.Tag, n.Value, n.Style, n.Content = yaml.ScalarNode, v.Content[0].Tag, v.Content[0].Value, 0, nil
	}
	d := &decoder{file: s.name}
	if err := d.check(root, 1); err != nil {
		return nil, err
	}
	return d.plan(root)
}

// Value is the value at path in the plan as written ("" when left out),
// checking the path leads to one value.
func (s *Source) Value(path string) (string, error) {
	n, err := s.at(s.root, path, false)
	if err != nil || n == nil {
		return "", err
	}
	return n.Value, nil
}

// at finds the node at path under root; with add, a last key the mapping
// lacks is added (empty). Without add, a missing last key gives nil.
func (s *Source) at(root *yaml.Node, path string, add bool) (*yaml.Node, error) {
	keys := strings.Split(path, ".")
	n := root
	for i, k := range keys {
		where := strings.Join(keys[:i], ".")
		if where == "" {
			where = "the plan"
		}
		last := i == len(keys)-1
		switch n.Kind {
		case yaml.MappingNode:
			var next *yaml.Node
			var names []string
			for j := 0; j+1 < len(n.Content); j += 2 {
				names = append(names, n.Content[j].Value)
				if n.Content[j].Value == k {
					next = n.Content[j+1]
				}
			}
			if next == nil {
				if last && add {
					next = &yaml.Node{Kind: yaml.ScalarNode}
					n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}, next)
				} else if last {
					return nil, nil
				} else {
					return nil, fmt.Errorf("%s: %s has no %q; it has %s", path, where, k, strings.Join(names, ", "))
				}
			}
			n = next
		case yaml.SequenceNode:
			var names []string
			var next *yaml.Node
			for j, item := range n.Content {
				name := itemName(item)
				if name == "" {
					name = strconv.Itoa(j)
				}
				names = append(names, name)
				if name == k {
					next = item
				}
			}
			if next == nil {
				return nil, fmt.Errorf("%s: %s has no item %q; its items are %s", path, where, k, strings.Join(names, ", "))
			}
			n = next
		default:
			return nil, fmt.Errorf("%s: %s is one value, %q: it has no %q", path, where, n.Value, k)
		}
	}
	if n.Kind != yaml.ScalarNode {
		var keys []string
		if n.Kind == yaml.MappingNode {
			for j := 0; j < len(n.Content); j += 2 {
				keys = append(keys, n.Content[j].Value)
			}
		} else {
			for j, item := range n.Content {
				keys = append(keys, cmp.Or(itemName(item), strconv.Itoa(j)))
			}
		}
		return nil, fmt.Errorf("%s is not one value: it holds %s; add one of them to the path", path, strings.Join(keys, ", "))
	}
	return n, nil
}

// itemName is a list item's name: its name key (components, ranks,
// deductions), else "" (entered by index).
func itemName(item *yaml.Node) string {
	if item.Kind != yaml.MappingNode {
		return ""
	}
	for j := 0; j+1 < len(item.Content); j += 2 {
		if item.Content[j].Value == "name" && item.Content[j+1].Kind == yaml.ScalarNode {
			return item.Content[j+1].Value
		}
	}
	return ""
}

func clone(n *yaml.Node) *yaml.Node {
	c := *n
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, k := range n.Content {
		c.Content[i] = clone(k)
	}
	return &c
}

// MaxSweepPoints bounds one range of a sweep.
const MaxSweepPoints = 1000

// ParseRange reads a sweep's range, FROM..TO/STEP (5%..8%/0.5%, or
// 1000..3000/250): the values from FROM to at most TO by STEP, exactly,
// written as the plan writes them (with % when FROM has it, as many
// decimals as FROM, TO and STEP). FROM and TO are both percents or
// neither; STEP is above 0; at most MaxSweepPoints values.
func ParseRange(s string) ([]string, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("range %q: "+format+" (FROM..TO/STEP, such as 5%%..8%%/0.5%% or 1000..3000/250)", append([]any{s}, args...)...)
	}
	from, rest, ok := strings.Cut(s, "..")
	to, step, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 {
		return nil, bad("expected FROM..TO/STEP")
	}
	pct := strings.HasSuffix(from, "%")
	if strings.HasSuffix(to, "%") != pct || (strings.HasSuffix(step, "%") && !pct) {
		return nil, bad("FROM and TO are both percents or neither")
	}
	var vals [3]dec.D
	decimals := 0
	for i, f := range []string{from, to, step} {
		f = strings.TrimSuffix(f, "%")
		v, err := dec.Parse([]byte(f))
		if err != nil {
			return nil, bad("%q %v", f, err)
		}
		vals[i] = v
		if _, frac, ok := strings.Cut(f, "."); ok {
			decimals = min(max(decimals, len(frac)), dec.Scale) // zeros past the scale change nothing
		}
	}
	switch {
	case vals[2] <= 0:
		return nil, bad("STEP must be above 0")
	case vals[1] < vals[0]:
		return nil, bad("TO is below FROM")
	case (vals[1]-vals[0])/vals[2] >= MaxSweepPoints:
		return nil, bad("more than %d values", MaxSweepPoints)
	}
	var out []string
	for v := vals[0]; v <= vals[1]; v += vals[2] {
		text := string(v.AppendFixed(nil, decimals))
		if pct {
			text += "%"
			if _, err := dec.ParseRate(text); err != nil { // below 0%, or past a rate's range
				return nil, bad("%s is no rate: %v", text, err)
			}
		}
		out = append(out, text)
	}
	return out, nil
}

// SweepDirection says how a sweep's figure is expected to move as the value
// at path rises: +1 when more should be paid (a rate, an amount, a cap, a
// member's own volume), -1 when less (a requirement: pv, gv, min_pv, legs,
// min_payout), 0 when it cannot say. A step against it is a cliff.
func SweepDirection(path string) int {
	keys := strings.Split(path, ".")
	if keys[0] == "member" {
		return +1
	}
	last := keys[len(keys)-1]
	if _, err := strconv.Atoi(last); err == nil && len(keys) > 1 {
		last = keys[len(keys)-2] // an item of a list: levels.0
	}
	switch last {
	case "pv", "gv", "min_pv", "max_leg", "count", "customers", "sponsored_active", "min_payout", "held":
		return -1
	case "rate", "levels", "generations", "amount", "percent", "payout_cap", "cap", "rates", "carry_cap":
		return +1
	}
	if slices.ContainsFunc(keys, func(k string) bool { return k == "amounts" || k == "rates" || k == "levels_by_rank" }) {
		return +1 // an amount or rate by rank
	}
	return 0
}
