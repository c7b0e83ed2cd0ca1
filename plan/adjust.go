package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// withAdjustments returns p with the adjustments component added when d has
// adjustments (p itself is not changed). Each adjustment must be a whole
// number of the currency's minor unit.
func withAdjustments(p *Plan, d *tree.Data) (*Plan, error) {
	if len(d.Adjustments) == 0 {
		return p, nil
	}
	for _, c := range p.Components {
		if c.Type == TypeAdjustment {
			return p, nil // already added (p is a result's plan)
		}
		if strings.EqualFold(c.Name, AdjustmentsName) {
			return nil, &tree.InputError{File: d.AdjustmentsFile, Msg: fmt.Sprintf("the plan has a component named %q, the name adjustments are reported under: rename it", c.Name)}
		}
	}
	for _, a := range d.Adjustments {
		if dec.Round(a.Amount, p.Digits, dec.Down) != a.Amount {
			return nil, &tree.InputError{File: d.AdjustmentsFile, Line: int(a.Line), Column: int(a.Column), Field: "amount",
				Msg: fmt.Sprintf("%s has more decimals than %s's %d", a.Amount, p.Currency, p.Digits)}
		}
	}
	q := *p
	q.Components = append(slices.Clip(p.Components), Component{Name: AdjustmentsName, Type: TypeAdjustment, rule: adjustment{}})
	return &q, nil
}

// adjustment posts each adjustment as a line paid to its member (a negative
// one takes money back). Adjustments are explicit: they are paid whether
// the member is active, terminated or a customer.
type adjustment struct{}

func (adjustment) pay(r *run, p *poster) {
	for _, a := range r.adjustments {
		p.post(Line{Earner: a.Member, Upline: a.Member, Seller: a.Member, Sale: SaleRef{-1, -1},
			Base: a.Amount, Rate: dec.RateOne, Amount: a.Amount, Skipped: -1, Text: a.Reason})
	}
}

func (adjustment) bySale() bool { return false }

func (adjustment) max(*Component, *Plan, *Check, int) dec.Rate { return 0 }

func (adjustment) describe(*Plan) string { return "one-off corrections from --adjustments" }

func (adjustment) encode(*Plan, *yamlComponent) {} // not a part of any plan file

func (adjustment) bound() (dec.Rate, int64, bool) { return 0, 2, false }

func (adjustment) source(*Result, *Line, string) string { return "adjustment" }
