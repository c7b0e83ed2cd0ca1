package plan

import (
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/compplan/compplan/tree/dec"
)

// Deductions (the plan's deductions: a list of {name, rate} or {name,
// amount}) are taken from what each member is paid: a service charge,
// withholding tax, a processing fee. They come last, after every rule,
// cap and the minimum payout, and touch nothing before them:
//   - the payable is the member's total plus the balance carried in, less
//     the balance carried out (a total held under min_payout, or a debit);
//     with nothing payable (0, held, or a debit) nothing is deducted, and a
//     held total is deducted from when it is paid;
//   - in plan order, a rate takes that share of the payable (not of what
//     earlier deductions left: they do not compound), rounded down to the
//     minor unit; an amount is a fee per member with anything payable;
//     neither takes more than what is left, so the net is never below 0;
//   - total, payout, breakage and the caps stay gross: the net is the
//     payable less the deductions, and payout − Σ deductions is the net
//     total. Nothing is carried to the next period.
type Deduction struct {
	Name   string
	ByRate bool
	Rate   dec.Rate // a share of the payable (ByRate)
	Amount dec.D    // a fee per member paid (not ByRate)
}

// NetColumn is the column, after the deductions' own, of what each member
// is paid once they are taken.
const NetColumn = "net"

// DeductionStep is one deduction taken from one payable, with why: Want is
// what its rule asks (the rate's share, or the fee), Left what the
// deductions before it left, and Took the smaller of the two.
type DeductionStep struct {
	Deduction *Deduction
	Payable   dec.D
	Want      dec.D
	Left      dec.D
	Took      dec.D
}

// Deduct applies the plan's deductions to payable, in order, and returns
// each step; none when nothing is payable.
func (p *Plan) Deduct(payable dec.D) []DeductionStep { return p.deductInto(nil, payable) }

// deductInto is Deduct into steps' room.
func (p *Plan) deductInto(steps []DeductionStep, payable dec.D) []DeductionStep {
	if payable <= 0 || len(p.Deductions) == 0 {
		return steps[:0]
	}
	steps = slices.Grow(steps[:0], len(p.Deductions))[:len(p.Deductions)]
	left := payable
	for k := range p.Deductions {
		x := &p.Deductions[k]
		want := x.Amount
		if x.ByRate {
			want = dec.MulRound(payable, x.Rate, p.Digits, dec.Down)
		}
		took := min(want, left)
		steps[k] = DeductionStep{Deduction: x, Payable: payable, Want: want, Left: left, Took: took}
		left -= took
	}
	return steps
}

// deduct fills in each member's deductions and their totals.
func (res *Result) deduct() {
	p := res.Plan
	if len(p.Deductions) == 0 {
		return
	}
	n := res.Org.Len()
	res.Deducted = make([][]dec.D, len(p.Deductions))
	for k := range res.Deducted {
		res.Deducted[k] = make([]dec.D, n)
	}
	res.DeductedTotal = make([]dec.D, len(p.Deductions))
	var steps []DeductionStep
	for m := range n {
		steps = p.deductInto(steps, res.Payable(int32(m)))
		for k, s := range steps {
			res.Deducted[k][m] = s.Took
			res.DeductedTotal[k] += s.Took // ≤ the payout, which is in range
		}
	}
}

// Net is what member m is paid after the deductions: the payable less
// them.
func (res *Result) Net(m int32) dec.D {
	v := res.Payable(m)
	for _, d := range res.Deducted {
		v -= d[m]
	}
	return v
}

// NetTotal is the payout less every deduction.
func (res *Result) NetTotal() dec.D {
	v := res.Payout
	for _, t := range res.DeductedTotal {
		v -= t
	}
	return v
}

// Describe says what the deduction takes, for check and explain.
func (x *Deduction) Describe(p *Plan) string {
	if x.ByRate {
		return fmt.Sprintf("%s of what each member is paid, rounded down", x.Rate)
	}
	return fmt.Sprintf("a fee of %s from each member paid anything", x.Amount.AppendFixed(nil, p.Digits))
}

// Why says in words how step s came to what it took.
func (s DeductionStep) Why(p *Plan) string {
	money := func(v dec.D) string { return string(v.AppendFixed(nil, p.Digits)) }
	var why string
	if s.Deduction.ByRate {
		why = fmt.Sprintf("%s of the payable %s, rounded down", s.Deduction.Rate, money(s.Payable))
	} else {
		why = fmt.Sprintf("a fee of %s", money(s.Want))
	}
	if s.Took < s.Want {
		why += fmt.Sprintf(", cut to the %s the deductions before it left", money(s.Left))
	}
	return why
}

type yamlDeduction struct {
	Name   string `yaml:"name"`
	Rate   string `yaml:"rate,omitempty"`
	Amount string `yaml:"amount,omitempty"`
}

func encodeDeductions(p *Plan) []yamlDeduction {
	var out []yamlDeduction
	for _, x := range p.Deductions {
		y := yamlDeduction{Name: x.Name}
		if x.ByRate {
			y.Rate = x.Rate.String()
		} else {
			y.Amount = x.Amount.String()
		}
		out = append(out, y)
	}
	return out
}

// deductions reads the plan's deductions (before its components, which
// may then not take their names or the net column's).
func (d *decoder) deductions(n *yaml.Node) error {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		return d.errf(n, "deductions must be a list of {name, rate} or {name, amount}, e.g. [{name: tds, rate: 5%%}, {name: fee, amount: 2}], not %s", kindName(n))
	}
	for _, dn := range n.Content {
		f, err := d.fields(dn, "a deduction", "name", "rate", "amount")
		if err != nil {
			return err
		}
		if f["name"] == nil || (f["rate"] == nil) == (f["amount"] == nil) {
			return d.errf(dn, "a deduction needs a name and either a rate or an amount, e.g. {name: tds, rate: 5%%} or {name: fee, amount: 2}")
		}
		x := Deduction{}
		if x.Name, err = d.str(f["name"], "deduction name"); err != nil {
			return err
		}
		for _, o := range d.p.Deductions {
			if strings.EqualFold(o.Name, x.Name) {
				return d.errf(f["name"], "deduction name %q is used twice", x.Name)
			}
		}
		if v := f["rate"]; v != nil {
			x.ByRate = true
			if x.Rate, err = d.rate(v, "deduction rate"); err != nil {
				return err
			}
		} else if x.Amount, err = d.money(f["amount"], "deduction amount"); err != nil {
			return err
		}
		d.p.Deductions = append(d.p.Deductions, x)
	}
	return nil
}

// deductionNames refuses a deduction named like a component or an output
// column (read after the components, which decide the binary's columns).
func (d *decoder) deductionNames(n *yaml.Node) error {
	reserved := ReservedColumns(&d.p)
	for i, x := range d.p.Deductions {
		at := componentName(n.Content[i])
		for _, c := range d.p.Components {
			if strings.EqualFold(c.Name, x.Name) {
				return d.errf(at, "deduction name %q is taken by a component: a deduction's column must have its own name", x.Name)
			}
		}
		if slices.Contains(reserved, strings.ToLower(x.Name)) {
			return d.errf(at, "deduction name %q is taken by an output column (%s): choose another", x.Name, strings.Join(reserved, ", "))
		}
	}
	return nil
}
