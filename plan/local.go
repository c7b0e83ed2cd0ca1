package plan

import (
	"fmt"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// LocalPay is, when the members file says the currency each member is paid
// in (its currency column), what each is paid in it: in a period, their
// payable ÷ the rate on the period's last day; in a run over all the
// sales, their total ÷ the rate on the last sale's day; rounded half-even
// to that currency's minor unit. A member paid in the plan's currency (or
// none given) is paid the amount itself.
type LocalPay struct {
	// Day is the day whose rates apply.
	Day    int32
	Amount []dec.D
}

// localPay computes res.Local (see LocalPay); nil without a currency
// column. A member paid in another currency with no rate on or before the
// day is an input error naming the member and the rates file.
func (res *Result) localPay(d *tree.Data) (*LocalPay, error) {
	o := res.Org
	if !o.HasPayCurrency() {
		return nil, nil
	}
	lp := &LocalPay{Amount: make([]dec.D, o.Len())}
	if d.Period != nil {
		lp.Day = d.Period.To
	} else if _, last, ok := d.Sales.DateRange(); ok {
		lp.Day = last
	} else {
		lp.Day = tree.NoDate
	}
	var rates *tree.Rates
	if d.Money != nil {
		rates = d.Money.Rates
	}
	for m := range int32(o.Len()) {
		v := res.Total(m)
		if d.Period != nil {
			v = res.Payable(m)
		}
		cur := o.PayCurrency(m)
		if cur == "" || cur == res.Plan.Currency {
			lp.Amount[m] = v
			continue
		}
		bad := func(format string, args ...any) error {
			return &tree.InputError{File: o.File(), Msg: fmt.Sprintf("member %s is paid in %s: ", o.ID(m), cur) + fmt.Sprintf(format, args...)}
		}
		if lp.Day == tree.NoDate {
			return nil, bad("the sales have no dates, so no day's rate applies: date them, or give a period")
		}
		rate, ok := rates.At(cur, lp.Day)
		if !ok {
			where := "no --rates were given"
			if rates != nil {
				where = "there is none in " + rates.File
			}
			return nil, bad("%s needs a %s rate on or before %s, and %s", res.Plan.Currency, cur, tree.FormatDate(lp.Day), where)
		}
		digits, _ := dec.CurrencyDigits(cur)
		if lp.Amount[m], ok = dec.DivRate(v, rate, digits); !ok {
			return nil, bad("%s ÷ %s is too large for compplan's exact decimals", v, rate.AppendFraction(nil))
		}
	}
	return lp, nil
}
