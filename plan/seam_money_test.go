package plan

import (
	"testing"

	"github.com/compplan/compplan/tree/dec"
)

// TestPayoutCapNonPositiveSales: the payout cap is payout_cap ×
// max(net sales amount, 0) and its factor lies in [0, 1]: a cap never
// raises or flips pay.
func TestPayoutCapNonPositiveSales(t *testing.T) {
	const plan = `
name: t
currency: USD
payout_cap: 30%
components:
  - {name: retail, type: personal, rate: 10%}
`
	members := "id,sponsor_id\nA,\nB,A\n"
	for _, tt := range []struct {
		name, sales, factor string
		rows                map[string]string
		tot                 string
	}{
		// A sale of amount 0 with volume 100: the cap is 30% × 0 = 0.00,
		// the 10.00 line is scaled by 0: all of it is breakage.
		{"amount 0 with volume", "member_id,amount,volume\nA,0,100\n", "0",
			map[string]string{"A": "- true 100 100 0.00"}, "retail 0.00/10.00 payout 0.00"},
		// Sales 100 of A, a return of 300 by B: net sales −200, the cap is
		// 30% × max(−200, 0) = 0.00, the payout before the cap −20.00 does
		// not exceed it: nothing is scaled (not by −60/−20 = 3).
		{"returns above sales", "member_id,amount,type,order_id\nA,100,,o1\nB,-300,return,o2\n", "1",
			map[string]string{"A": "- true 100 -200 10.00", "B": "- true -300 -300 -30.00"}, "retail -20.00/0.00 payout 10.00"},
		// A sales amount of 0.01 over volume 1000: the cap 0.00, factor 0.
		{"tiny cap", "member_id,amount,volume\nA,0.01,1000\n", "0",
			map[string]string{"A": "- true 1000 1000 0.00"}, "retail 0.00/100.00 payout 0.00"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := calc(t, plan, members, tt.sales)
			expectRows(t, r, tt.rows)
			expectTotals(t, r, tt.tot)
			if got := string(r.ScaleFactor.AppendFraction(nil)); got != tt.factor {
				t.Errorf("scale factor %s, want %s", got, tt.factor)
			}
			if r.ScaleFactor < 0 || r.ScaleFactor > dec.RateOne {
				t.Errorf("scale factor %s outside [0, 1]", r.ScaleFactor)
			}
		})
	}
}
