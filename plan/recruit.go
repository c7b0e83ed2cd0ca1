package plan

import (
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// TypeRecruit is the recruiting (enroller) bonus.
const TypeRecruit = "recruit_bonus"

// recruit (type recruit_bonus) pays fixed amounts by level for each
// distributor who joined in the period and whose PV in the period reaches
// MinPV: level 1 is the recruit's sponsor, level 2 the sponsor's sponsor,
// and so on up the sponsor tree without compression (customers are never a
// level, and never recruits). An upline who may not earn (inactive,
// terminated) leaves their level's amount as breakage, and so does a level
// above the top of the tree. A recruit who joined in an earlier period, or
// whose PV falls short, puts up nothing. One line per recruit and level,
// in id order of the recruits.
type recruit struct {
	Amounts []dec.D // by level, level 1 first
	MinPV   Min     // the recruit's PV in the period (inclusive); unset: any
}

func (f recruit) pay(r *run, p *poster) {
	period := r.period
	up := r.nonCustomerUplines()
	for _, m := range r.org.ByID() { // id order: lines do not depend on row order
		j := r.org.Joined(m)
		if r.org.Customer(m) || j < period.From || j > period.To || (f.MinPV.Set && r.pv[m] < f.MinPV.Value) {
			continue
		}
		u := up[m]
		for i, a := range f.Amounts {
			l := Line{Earner: u, Upline: u, Seller: m, Sale: SaleRef{-1, -1}, PaidLevel: i + 1,
				Base: a, Rate: dec.RateOne, Amount: a, Skipped: -1}
			if u < 0 || !r.eligible[u] {
				l.Earner, l.Reason = -1, r.eligibility(u)
			}
			if u >= 0 {
				l.Level = int(r.depths()[m] - r.depths()[u])
			}
			p.post(l)
			if u >= 0 {
				u = up[u]
			}
		}
	}
}

func (recruit) bySale() bool { return false }

// needs a period (which members joined in it) and every member's joined
// date.
func (recruit) needs(c *Component, d *tree.Data) error {
	if d.Period == nil {
		return &tree.InputError{File: d.Org.File(),
			Msg: "recruit_bonus component " + c.Name + " pays on the members who joined in the period: give a period (--period, or --from and --to), or replay"}
	}
	if line := d.Org.FirstUnjoined(); line > 0 {
		return &tree.InputError{File: d.Org.File(), Line: line, Field: "joined",
			Msg: "no joined date: recruit_bonus component " + c.Name + " needs every member's joined date"}
	}
	return nil
}

// max: fixed amounts per recruit, not a share of volume.
func (recruit) max(c *Component, _ *Plan, ch *Check, _ int) dec.Rate {
	ch.warn("component %s pays fixed amounts per recruit, not a share of volume: it is not in the maximum", c.Name)
	return 0
}

// bound: fixed amounts; the poster checks their sums.
func (recruit) bound() (dec.Rate, int64, bool) { return 0, 0, false }

func (f recruit) describe(p *Plan) string {
	var amounts []string
	for _, a := range f.Amounts {
		amounts = append(amounts, string(a.AppendFixed(nil, p.Digits)))
	}
	s := fmt.Sprintf("amounts %s by sponsor level for each distributor who joins in the period", strings.Join(amounts, " "))
	if f.MinPV.Set {
		s += fmt.Sprintf(" with PV ≥ %s", f.MinPV.Value)
	}
	return s
}

func (f recruit) encode(_ *Plan, y *yamlComponent) {
	var amounts []string
	for _, a := range f.Amounts {
		amounts = append(amounts, a.String())
	}
	y.Amounts = amounts
	if f.MinPV.Set {
		y.MinPV = f.MinPV.Value.String()
	}
}

func (recruit) source(_ *Result, l *Line, seller string) string {
	return fmt.Sprintf("recruit %s, level %d", seller, l.PaidLevel)
}

func (d *decoder) recruit(n *yaml.Node, c *recruit) error {
	f, err := d.fields(n, "a recruit_bonus component", "name", "type", "amounts", "min_pv")
	if err != nil {
		return err
	}
	an := f["amounts"]
	if an == nil || an.Kind != yaml.SequenceNode || len(an.Content) == 0 {
		at := n
		if an != nil {
			at = an
		}
		return d.errf(at, "a recruit_bonus needs amounts, a list of fixed amounts by sponsor level, e.g. amounts: [50, 10]")
	}
	if len(an.Content) > MaxLevels {
		return d.errf(an, "at most %d levels, this list has %d", MaxLevels, len(an.Content))
	}
	for _, v := range an.Content {
		a, err := d.money(v, "amount")
		if err != nil {
			return err
		}
		c.Amounts = append(c.Amounts, a)
	}
	if v := f["min_pv"]; v != nil {
		c.MinPV.Set = true
		if c.MinPV.Value, err = d.volume(v, "min_pv"); err != nil {
			return err
		}
	}
	return nil
}
