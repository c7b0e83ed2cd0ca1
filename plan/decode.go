package plan

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// Limits on a plan file, so a hostile file is an error, not an exhausted machine.
const (
	MaxPlanBytes = 1 << 20 // 1 MiB
	MaxPlanDepth = 16      // nesting of mappings and lists
	MaxLevels    = 255     // levels of one component
)

// Read decodes and validates a plan. name is the file name used in errors,
// which are *tree.InputError with the line and column of the problem.
func Read(r io.Reader, name string) (*Plan, error) {
	src, err := io.ReadAll(io.LimitReader(r, MaxPlanBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(src) > MaxPlanBytes {
		return nil, &tree.InputError{File: name, Msg: fmt.Sprintf("plan file is larger than %d bytes", MaxPlanBytes)}
	}
	return Decode(src, name)
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// Decode decodes and validates a plan from YAML source.
func Decode(src []byte, name string) (*Plan, error) {
	// A plan file holds one YAML document: a second one (after ---) is
	// refused, never silently left unread.
	var doc, next yaml.Node
	y := yaml.NewDecoder(bytes.NewReader(src))
	if err := y.Decode(&doc); err != nil && err != io.EOF {
		return nil, yamlError(err, src, name)
	}
	if doc.Kind != 0 {
		switch err := y.Decode(&next); {
		case err == nil:
			return nil, &tree.InputError{File: name, Line: next.Line, Column: next.Column,
				Msg: "a second YAML document starts here: a plan file holds one plan (remove this --- and what follows, or put each plan in a file of its own)"}
		case err != io.EOF:
			return nil, yamlError(err, src, name)
		}
	}
	d := &decoder{file: name}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, &tree.InputError{File: name, Msg: "the plan is empty: it needs at least name, currency and components"}
	}
	if err := d.check(doc.Content[0], 1); err != nil {
		return nil, err
	}
	return d.plan(doc.Content[0])
}

// yamlError is the YAML parser's error as an input error with its line.
func yamlError(err error, src []byte, name string) error {
	e := &tree.InputError{File: name, Msg: strings.TrimPrefix(err.Error(), "yaml: ")}
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		e.Line, _ = strconv.Atoi(m[1])
		e.Msg = m[2]
		if lines := bytes.Split(src, []byte("\n")); e.Line <= len(lines) && bytes.Contains(lines[e.Line-1], []byte("\t")) {
			e.Msg += " (YAML does not allow tabs: indent with spaces)"
		}
	}
	return e
}

type decoder struct {
	file      string
	p         Plan
	pendingOf map[int][]*yaml.Node // a matching's of names, resolved at the end
}

func (d *decoder) errf(n *yaml.Node, format string, args ...any) error {
	return &tree.InputError{File: d.file, Line: n.Line, Column: n.Column, Msg: fmt.Sprintf(format, args...)}
}

// check rejects anchors and aliases (so no alias bomb can blow up) and
// nesting deeper than MaxPlanDepth, before anything else looks at the tree.
func (d *decoder) check(n *yaml.Node, depth int) error {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return d.errf(n, "YAML anchors and aliases are not supported in a plan: write the value out")
	}
	if depth > MaxPlanDepth {
		return d.errf(n, "nested deeper than %d levels", MaxPlanDepth)
	}
	for _, c := range n.Content {
		if err := d.check(c, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// fields returns a mapping's values by key, rejecting keys outside allowed
// and keys given twice. what names the mapping in errors.
func (d *decoder) fields(n *yaml.Node, what string, allowed ...string) (map[string]*yaml.Node, error) {
	if n.Kind != yaml.MappingNode {
		return nil, d.errf(n, "%s must be a mapping of keys to values, not %s", what, kindName(n))
	}
	out := make(map[string]*yaml.Node, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return nil, d.errf(k, "%s has a key that is not a plain word", what)
		}
		if !slices.Contains(allowed, k.Value) {
			return nil, d.errf(k, "unknown key %q in %s (expected one of: %s)", k.Value, what, strings.Join(allowed, ", "))
		}
		if _, dup := out[k.Value]; dup {
			return nil, d.errf(k, "key %q appears twice in %s", k.Value, what)
		}
		out[k.Value] = v
	}
	return out, nil
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "empty"
		}
		return fmt.Sprintf("%q", shorten(n.Value, 40))
	}
	return "something else"
}

// shorten cuts s to at most max runes, marking the cut with "…", so a
// message quoting a value (a CSV file given as the plan) stays one line.
func shorten(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return string(r[:max]) + "…"
}

func (d *decoder) str(n *yaml.Node, what string) (string, error) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" || n.Value == "" {
		return "", d.errf(n, "%s must be a non-empty text, not %s", what, kindName(n))
	}
	return n.Value, nil
}

func (d *decoder) count(n *yaml.Node, what string) (int, error) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!int" {
		if v, err := strconv.Atoi(n.Value); err == nil && v >= 0 && v <= 1_000_000 {
			return v, nil
		}
	}
	return 0, d.errf(n, "%s must be a whole number from 0 to 1000000, not %s", what, kindName(n))
}

// periods1 reads a count of periods from 1 to MaxGrace (1 when n is nil:
// the key left out); one says what 1 means, for the error.
func (d *decoder) periods1(n *yaml.Node, key, one string) (int, error) {
	if n == nil {
		return 1, nil
	}
	v, err := d.count(n, key)
	if err != nil {
		return 0, err
	}
	if v < 1 || v > MaxGrace {
		return 0, d.errf(n, "%s must be from 1 (%s) to %d periods, not %d", key, one, MaxGrace, v)
	}
	return v, nil
}

// volume reads an exact non-negative decimal from the scalar's text (never
// through a float).
func (d *decoder) volume(n *yaml.Node, what string) (dec.D, error) {
	if n.Kind == yaml.ScalarNode && (n.Tag == "!!int" || n.Tag == "!!float" || n.Tag == "!!str") {
		v, err := dec.Parse([]byte(n.Value))
		if err == nil && v >= 0 {
			return v, nil
		}
		if err != nil && !errors.Is(err, dec.ErrSyntax) {
			return 0, d.errf(n, "%s %q %v", what, n.Value, err)
		}
	}
	return 0, d.errf(n, "%s must be a number of 0 or more such as 100 or 99.5, not %s", what, kindName(n))
}

// money reads an amount of money: a volume (an exact decimal of 0 or
// more) that is a whole number of the currency's minor unit, so it never
// pays a fraction of a cent. The currency must be decoded first.
func (d *decoder) money(n *yaml.Node, what string) (dec.D, error) {
	v, err := d.volume(n, what)
	if err != nil {
		return 0, err
	}
	return v, d.minorUnit(n, v, what)
}

// minorUnit refuses an amount of money finer than the currency's minor unit.
func (d *decoder) minorUnit(n *yaml.Node, v dec.D, what string) error {
	if dec.Round(v, d.p.Digits, dec.Down) == v {
		return nil
	}
	unit := dec.MinorUnit(d.p.Digits).String()
	if d.p.Digits == 0 {
		unit += " (no decimals)"
	} else {
		unit += fmt.Sprintf(" (%d decimal places)", d.p.Digits)
	}
	return d.errf(n, "%s %s is finer than %s's minor unit %s: write a whole number of it", what, v, d.p.Currency, unit)
}

// rate reads "5%" or a fraction such as 0.05; it must lie within 0–100%.
func (d *decoder) rate(n *yaml.Node, what string) (dec.Rate, error) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return 0, d.errf(n, "%s must be a percentage such as 5%% or a fraction such as 0.05, not %s", what, kindName(n))
	}
	r, err := dec.ParseRate(n.Value) // the one rate parser: negatives and bare numbers above 1 refused
	switch {
	case errors.Is(err, dec.ErrSyntax):
		return 0, d.errf(n, "%s %q is not a rate: write a percentage such as 5%% or a fraction such as 0.05", what, n.Value)
	case err != nil:
		return 0, d.errf(n, "%s %q %v", what, n.Value, err)
	case r > dec.RateOne:
		return 0, d.errf(n, "%s %q is over 100%%: a rate lies between 0%% and 100%%", what, n.Value)
	}
	return r, nil
}

func (d *decoder) rankIndex(n *yaml.Node, what string) (int, error) {
	name, err := d.str(n, what)
	if err != nil {
		return 0, err
	}
	for i, r := range d.p.Ranks {
		if r.Name == name {
			return i, nil
		}
	}
	return 0, d.errf(n, "%s %q is not a rank of this plan (ranks: %s)", what, name, strings.Join(d.rankNames(), ", "))
}

func (d *decoder) rankNames() []string {
	names := make([]string, len(d.p.Ranks))
	for i, r := range d.p.Ranks {
		names[i] = r.Name
	}
	return names
}

func (d *decoder) plan(root *yaml.Node) (*Plan, error) {
	f, err := d.fields(root, "the plan", "name", "currency", "effective", "rounding", "active", "ranks", "components", "non_commissionable", "min_payout", "member_cap", "payout_cap",
		"rank_grace", "returns", "return_window", "return_window_days", "deductions", "rank_window")
	if err != nil {
		return nil, err
	}
	for _, req := range []string{"name", "currency", "components"} {
		if f[req] == nil {
			return nil, d.errf(root, "the plan needs %q", req)
		}
	}
	p := &d.p
	if p.Name, err = d.str(f["name"], "name"); err != nil {
		return nil, err
	}
	if p.Currency, err = d.str(f["currency"], "currency"); err != nil {
		return nil, err
	}
	var ok bool
	if p.Digits, ok = CurrencyDigits(p.Currency); !ok {
		return nil, d.errf(f["currency"], "currency %q is not an ISO 4217 code such as USD, EUR or JPY", p.Currency)
	}
	if n := f["effective"]; n != nil {
		day, ok := tree.ParseDate([]byte(n.Value))
		if n.Kind != yaml.ScalarNode || !ok {
			return nil, d.errf(n, "effective must be the date this version takes effect, YYYY-MM-DD (e.g. 2026-04-01), not %s", kindName(n))
		}
		p.Effective = tree.FormatDate(day)
	}
	if n := f["rounding"]; n != nil {
		s, _ := d.str(n, "rounding")
		switch s {
		case "half-even":
			p.Rounding = dec.HalfEven
		case "half-up":
			p.Rounding = dec.HalfUp
		case "down":
			p.Rounding = dec.Down
		default:
			return nil, d.errf(n, "rounding must be half-even, half-up or down, not %s", kindName(n))
		}
	}
	if n := f["active"]; n != nil {
		if err := d.active(n); err != nil {
			return nil, err
		}
	}
	if n := f["ranks"]; n != nil {
		if err := d.ranks(n); err != nil {
			return nil, err
		}
	}
	if n := f["non_commissionable"]; n != nil {
		if n.Kind != yaml.SequenceNode {
			return nil, d.errf(n, "non_commissionable must be a list of sale types, e.g. [sample, starter-kit], not %s", kindName(n))
		}
		for _, t := range n.Content {
			name, err := d.str(t, "a non_commissionable sale type")
			if err != nil {
				return nil, err
			}
			if p.nonCommissionable(name) {
				return nil, d.errf(t, "sale type %q is listed twice", name)
			}
			p.NonCommissionable = append(p.NonCommissionable, name)
		}
	}
	if n := f["min_payout"]; n != nil {
		if p.MinPayout.Value, err = d.money(n, "min_payout"); err != nil {
			return nil, err
		}
		if p.MinPayout.Value <= 0 {
			return nil, d.errf(n, "min_payout must be above 0: leave it out to pay every amount")
		}
		p.MinPayout.Set = true
	}
	if err := d.deductions(f["deductions"]); err != nil {
		return nil, err
	}
	p.RankWindow = 1
	if n := f["rank_window"]; n != nil {
		if p.RankWindow, err = d.periods1(n, "rank_window", "this period's volumes alone"); err != nil {
			return nil, err
		}
	}
	if err := d.components(f["components"]); err != nil {
		return nil, err
	}
	if n := f["deductions"]; n != nil {
		if err := d.deductionNames(n); err != nil {
			return nil, err
		}
	}
	if err := d.caps(f["member_cap"], f["payout_cap"]); err != nil {
		return nil, err
	}
	if err := d.periods(f["rank_grace"], f["returns"], f["return_window"], f["return_window_days"]); err != nil {
		return nil, err
	}
	return p, nil
}

func (d *decoder) ranks(n *yaml.Node) error {
	if n.Kind != yaml.SequenceNode {
		return d.errf(n, "ranks must be a list, lowest rank first, not %s", kindName(n))
	}
	// Names first, so a legs rule may name any rank.
	fs := make([]map[string]*yaml.Node, len(n.Content))
	for i, rn := range n.Content {
		f, err := d.fields(rn, "a rank", "name", "pv", "gv", "max_leg", "legs", "customers", "sponsored_active")
		if err != nil {
			return err
		}
		if f["name"] == nil {
			return d.errf(rn, "every rank needs a name")
		}
		name, err := d.str(f["name"], "rank name")
		if err != nil {
			return err
		}
		if slices.Contains(d.rankNames(), name) {
			return d.errf(f["name"], "rank %q is defined twice", name)
		}
		d.p.Ranks = append(d.p.Ranks, Rank{Name: name})
		fs[i] = f
	}
	for i, f := range fs {
		r := &d.p.Ranks[i]
		var err error
		if v := f["pv"]; v != nil {
			r.PV.Set = true
			if r.PV.Value, err = d.volume(v, "pv"); err != nil {
				return err
			}
		}
		if v := f["gv"]; v != nil {
			r.GV.Set = true
			if r.GV.Value, err = d.volume(v, "gv"); err != nil {
				return err
			}
		}
		if v := f["max_leg"]; v != nil {
			if !r.GV.Set {
				return d.errf(v, "max_leg limits a leg's share of the gv requirement, so rank %q needs gv too", r.Name)
			}
			if r.MaxLeg, err = d.rate(v, "max_leg"); err != nil {
				return err
			}
			if r.MaxLeg == 0 {
				return d.errf(v, "max_leg of 0%% would count no leg at all: use a share above 0%%")
			}
		}
		if v := f["legs"]; v != nil {
			lf, err := d.fields(v, "legs", "count", "rank", "gv")
			if err != nil {
				return err
			}
			if lf["count"] == nil || (lf["rank"] == nil) == (lf["gv"] == nil) {
				return d.errf(v, "legs needs count and either rank or gv, e.g. {count: 2, rank: Bronze} or {count: 2, gv: 500}")
			}
			if r.Legs.Count, err = d.count(lf["count"], "legs count"); err != nil {
				return err
			}
			if lf["rank"] != nil {
				if r.Legs.Rank, err = d.rankIndex(lf["rank"], "legs rank"); err != nil {
					return err
				}
			} else {
				r.Legs.Rank = -1
				if r.Legs.GV, err = d.volume(lf["gv"], "legs gv"); err != nil {
					return err
				}
			}
			if r.Legs.Count == 0 {
				r.Legs = LegRule{} // requires nothing
			}
		}
		if v := f["customers"]; v != nil {
			if r.Customers, err = d.count(v, "customers"); err != nil {
				return err
			}
		}
		if v := f["sponsored_active"]; v != nil {
			if r.SponsoredActive, err = d.count(v, "sponsored_active"); err != nil {
				return err
			}
		}
	}
	return nil
}

func (d *decoder) components(n *yaml.Node) error {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		return d.errf(n, "components must be a list with at least one component, not %s", kindName(n))
	}
	for _, cn := range n.Content {
		if cn.Kind != yaml.MappingNode {
			return d.errf(cn, "a component must be a mapping with name and type, not %s", kindName(cn))
		}
		var name, typ *yaml.Node
		for i := 0; i+1 < len(cn.Content); i += 2 {
			switch cn.Content[i].Value {
			case "name":
				name = cn.Content[i+1]
			case "type":
				typ = cn.Content[i+1]
			}
		}
		if name == nil || typ == nil {
			return d.errf(cn, "every component needs a name and a type (%s)", strings.Join(kindNames(), ", "))
		}
		c := Component{}
		var err error
		if c.Name, err = d.str(name, "component name"); err != nil {
			return err
		}
		for _, o := range d.p.Components {
			if strings.EqualFold(o.Name, c.Name) {
				return d.errf(name, "component name %q is used twice", c.Name)
			}
		}
		if c.Type, err = d.str(typ, "component type"); err != nil {
			return err
		}
		k, ok := kindOf(c.Type)
		if !ok {
			return d.errf(typ, "unknown component type %q (expected one of: %s)", c.Type, strings.Join(kindNames(), ", "))
		}
		// cap applies to every type: take it out before the type's decoder.
		body := *cn
		body.Content = nil
		for i := 0; i+1 < len(cn.Content); i += 2 {
			if cn.Content[i].Value == "cap" {
				if c.Cap.Value, err = d.money(cn.Content[i+1], "cap"); err != nil {
					return err
				}
				if c.Cap.Value <= 0 {
					return d.errf(cn.Content[i+1], "cap must be above 0: leave it out for no cap")
				}
				c.Cap.Set = true
				continue
			}
			body.Content = append(body.Content, cn.Content[i], cn.Content[i+1])
		}
		if err := k.decode(d, &body, &c); err != nil {
			return err
		}
		d.p.Components = append(d.p.Components, c)
	}
	// Once every type is known (the binary's columns are reserved only with
	// a binary): no component may be named like an output column.
	reserved := ReservedColumns(&d.p)
	for i, c := range d.p.Components {
		if slices.Contains(reserved, strings.ToLower(c.Name)) {
			return d.errf(componentName(n.Content[i]), "component name %q is taken by an output column (%s): choose another", c.Name, strings.Join(reserved, ", "))
		}
	}
	return d.resolveOf(n)
}

// componentName is the name node of a component's mapping (or the mapping).
func componentName(cn *yaml.Node) *yaml.Node {
	for i := 0; i+1 < len(cn.Content); i += 2 {
		if cn.Content[i].Value == "name" {
			return cn.Content[i+1]
		}
	}
	return cn
}

// caps reads the plan's member_cap (an amount, or {amount, components})
// and payout_cap (a share of the sales amount, above 0 and at most 100%).
func (d *decoder) caps(member, payout *yaml.Node) error {
	p := &d.p
	if n := member; n != nil {
		amount := n
		if n.Kind == yaml.MappingNode {
			f, err := d.fields(n, "member_cap", "amount", "components")
			if err != nil {
				return err
			}
			if amount = f["amount"]; amount == nil {
				return d.errf(n, "member_cap needs an amount, e.g. {amount: 1000, components: [unilevel]}")
			}
			if cs := f["components"]; cs != nil {
				if cs.Kind != yaml.SequenceNode {
					return d.errf(cs, "member_cap components must be a list of component names")
				}
				for _, cn := range cs.Content {
					k := slices.IndexFunc(p.Components, func(c Component) bool { return c.Name == cn.Value })
					if k < 0 {
						return d.errf(cn, "member_cap names %q, which is not a component of this plan", cn.Value)
					}
					if slices.Contains(p.MemberCapOf, k) {
						return d.errf(cn, "member_cap names %q twice in components: each component is capped once", cn.Value)
					}
					p.MemberCapOf = append(p.MemberCapOf, k)
				}
			}
		}
		var err error
		if p.MemberCap.Value, err = d.money(amount, "member_cap"); err != nil {
			return err
		}
		if p.MemberCap.Value <= 0 {
			return d.errf(amount, "member_cap must be above 0: leave it out for no cap")
		}
		p.MemberCap.Set = true
	}
	if n := payout; n != nil {
		var err error
		if p.PayoutCap, err = d.rate(n, "payout_cap"); err != nil {
			return err
		}
		if p.PayoutCap == 0 {
			return d.errf(n, "payout_cap must be above 0%%: leave it out for no cap")
		}
	}
	return nil
}

// levels reads a list of level rates (what names the component in errors).
func (d *decoder) levels(ln, parent *yaml.Node, what string) ([]dec.Rate, error) {
	if ln == nil || ln.Kind != yaml.SequenceNode || len(ln.Content) == 0 {
		at := parent
		if ln != nil {
			at = ln
		}
		return nil, d.errf(at, "%s needs levels, a list of rates such as [5%%, 4%%, 3%%]", what)
	}
	if len(ln.Content) > MaxLevels {
		return nil, d.errf(ln, "at most %d levels, this list has %d", MaxLevels, len(ln.Content))
	}
	var out []dec.Rate
	for _, rn := range ln.Content {
		r, err := d.rate(rn, "level rate")
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// byRank reads a mapping of rank names to values, calling f for each; an
// unknown or repeated rank is an error.
func (d *decoder) byRank(n *yaml.Node, what string, f func(rank int, v *yaml.Node) error) error {
	if n.Kind != yaml.MappingNode {
		return d.errf(n, "%s must map rank names to values, not %s", what, kindName(n))
	}
	seen := map[int]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		r, err := d.rankIndex(n.Content[i], what+" rank")
		if err != nil {
			return err
		}
		if seen[r] {
			return d.errf(n.Content[i], "rank %q appears twice in %s", d.p.Ranks[r].Name, what)
		}
		seen[r] = true
		if err := f(r, n.Content[i+1]); err != nil {
			return err
		}
	}
	return nil
}

// periods reads the plan's settings for state carried between periods.
func (d *decoder) periods(grace, returns, window, days *yaml.Node) error {
	p := &d.p
	p.RankGrace = 1
	if grace != nil {
		n, err := d.count(grace, "rank_grace")
		if err != nil {
			return err
		}
		if n < 1 || n > MaxGrace {
			return d.errf(grace, "rank_grace must be from 1 (no grace) to %d periods, not %d", MaxGrace, n)
		}
		if len(p.Ranks) == 0 {
			return d.errf(grace, "rank_grace needs ranks: define them under ranks first")
		}
		p.RankGrace = n
	}
	if returns != nil {
		switch returns.Value {
		case "volume":
		case "reverse":
			p.ReverseReturns = true
		default:
			return d.errf(returns, "returns must be volume or reverse, not %s", kindName(returns))
		}
	}
	if window != nil {
		if !p.ReverseReturns {
			return d.errf(window, "return_window is for returns: reverse (how many periods a chained run keeps each order's lines)")
		}
		n, err := d.count(window, "return_window")
		if err != nil {
			return err
		}
		if n < 1 {
			return d.errf(window, "return_window must be at least 1 period")
		}
		p.ReturnWindow = n
	} else if p.ReverseReturns {
		p.ReturnWindow = DefaultReturnWindow
	}
	if days != nil {
		switch {
		case !p.ReverseReturns:
			return d.errf(days, "return_window_days is for returns: reverse (how many days after an order's date its lines are kept for a return)")
		case window != nil:
			return d.errf(days, "give return_window (periods) or return_window_days (days), not both")
		}
		n, err := d.count(days, "return_window_days")
		if err != nil {
			return err
		}
		if n < 1 || n > MaxReturnDays {
			return d.errf(days, "return_window_days must be from 1 to %d days, not %d", MaxReturnDays, n)
		}
		p.ReturnWindowDays = n
	}
	return nil
}
