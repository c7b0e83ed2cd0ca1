package plan

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// seamCase is a random plan with its caps and the same plan without them,
// and random data: members (with rank floors), sales with order ids,
// returns of some of those orders, and adjustments.
type seamCase struct {
	capped, uncapped           string
	members, sales, adjustment string
}

// randomSeamCase draws a plan from randomPlan (which may hold min_payout
// and ranks), adds a returns policy (both), and, to the capped copy only,
// component caps on the unilevels, a member cap and a payout cap — every
// money amount a whole number of the currency's minor unit.
func randomSeamCase(rng *rand.Rand) seamCase {
	base := randomPlan(rng)
	if rng.IntN(2) == 0 {
		base = strings.Replace(base, "rounding:", "returns: reverse\nrounding:", 1)
	}
	digits := 2
	switch {
	case strings.Contains(base, "currency: JPY"):
		digits = 0
	case strings.Contains(base, "currency: KWD"):
		digits = 3
	}
	amount := func(whole int) string { // a random amount of money below whole+1
		if digits == 0 {
			return fmt.Sprint(whole)
		}
		return fmt.Sprintf("%d.%0*d", whole, digits, rng.IntN(int(dec.MinorUnit(4-digits))))
	}
	capped := base
	if rng.IntN(3) != 0 {
		capped = strings.Replace(capped, "rounding:", "member_cap: "+amount(1+rng.IntN(60))+"\nrounding:", 1)
	}
	if rng.IntN(3) != 0 {
		capped = strings.Replace(capped, "rounding:", fmt.Sprintf("payout_cap: %d%%\nrounding:", 1+rng.IntN(40)), 1)
	}
	capped = strings.ReplaceAll(capped, "    type: unilevel\n", "    type: unilevel\n    cap: "+amount(1+rng.IntN(30))+"\n")

	nranks := strings.Count(base, "  - name: R")
	members, sales := randomDataRanks(rng, 1+rng.IntN(80), min(nranks, 3))
	// Order ids for every sale, and returns of some orders by their own
	// seller: part or all of the amount; in a heavy case every order, up to
	// three times its amount (the excess is counted as volume), so the net
	// sales amount is often 0 or less.
	heavy := rng.IntN(4) == 0
	var rows []string
	for k, s := range sales {
		rows = append(rows, fmt.Sprintf("%s,o%d", s, k))
		if heavy || rng.IntN(5) == 0 {
			f := strings.Split(s, ",")
			var whole, cents int
			fmt.Sscanf(f[1], "%d.%d", &whole, &cents)
			back := rng.IntN(whole*100 + cents + 1) // cents of the amount returned
			if heavy {
				back = rng.IntN(3*(whole*100+cents) + 1)
			}
			rows = append(rows, fmt.Sprintf("%s,-%d.%02d,,,,return,%s,o%d", f[0], back/100, back%100, f[6], k))
		}
	}
	adj := "member_id,amount,reason\n"
	for range rng.IntN(4) {
		m := strings.SplitN(members[rng.IntN(len(members))], ",", 2)[0]
		sign := []string{"", "-"}[rng.IntN(2)]
		adj += fmt.Sprintf("%s,%s%s,bonus\n", m, sign, amount(rng.IntN(50)))
	}
	join := func(rows []string) string { return strings.Join(rows, "\n") + "\n" }
	return seamCase{capped: capped, uncapped: base, members: memberHeader + join(members),
		sales: strings.TrimSuffix(salesHeader, "\n") + ",order_id\n" + join(rows), adjustment: adj}
}

// calcSeam computes plan src over the case's data (order ids kept,
// adjustments read), with calc's checks: money reconciles per component
// (paid + breakage = put up + reversals) and the lines add up to it.
func calcSeam(t *testing.T, src string, c seamCase) *Result {
	t.Helper()
	p, err := Decode([]byte(src), "plan.yaml")
	if err != nil {
		t.Fatalf("Decode: %v\n%s", err, src)
	}
	d, err := tree.ReadMembers(strings.NewReader(c.members), "members.csv")
	if err != nil {
		t.Fatalf("ReadMembers: %v", err)
	}
	d.KeepOrderIDs = true
	if err := d.ReadSales(strings.NewReader(c.sales), "sales.csv"); err != nil {
		t.Fatalf("ReadSales: %v\n%s", err, c.sales)
	}
	if err := d.ReadAdjustments(strings.NewReader(c.adjustment), "adj.csv"); err != nil {
		t.Fatalf("ReadAdjustments: %v\n%s", err, c.adjustment)
	}
	r, err := Compute(p, d)
	if err != nil {
		t.Fatalf("Compute: %v\n%s", err, src)
	}
	checkReconciles(t, r)
	checkLines(t, r)
	return r
}

// TestCapsAtTheSeams: on random plans and data combining returns (both
// policies), payout caps, component caps, member caps, adjustments,
// minimum payouts and rank floors:
//   - the payout cap's factor lies in [0, 1], and the money paid from the
//     plan (Σ members' max(plan earnings, 0)) stays within the cap;
//   - no member is paid more than without the caps, and no member's total
//     is above their total without the caps unless it is below 0 there;
//   - every printed figure is exactly the figure (whole minor units), and
//     the printed totals, less what is held and the debits, add up to the
//     printed payout;
//   - per component, paid + breakage reconcile with what the rules put up
//     and the reversals (calc's checks).
func TestCapsAtTheSeams(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 2026))
	var scaled, nonPositive, debits int // what the cases covered
	for i := range 200 {
		c := randomSeamCase(rng)
		r := calcSeam(t, c.capped, c)
		u := calcSeam(t, c.uncapped, c)
		p := r.Plan
		if r.ScaleFactor < dec.RateOne {
			scaled++
		}
		if p.PayoutCap != 0 && r.SalesAmount <= 0 {
			nonPositive++
		}
		if r.Debits < 0 {
			debits++
		}
		fail := func(format string, args ...any) {
			t.Helper()
			t.Fatalf("case %d: "+format+"\nplan:\n%s\nsales:\n%s\nadjustments:\n%s", append(append([]any{i}, args...), c.capped, c.sales, c.adjustment)...)
		}
		if r.ScaleFactor < 0 || r.ScaleFactor > dec.RateOne {
			fail("scale factor %s outside [0, 1]", r.ScaleFactor)
		}
		printed := func(v dec.D) dec.D { // what the reports print, read back
			back, err := dec.Parse(v.AppendFixed(nil, p.Digits))
			if err != nil {
				fail("%s prints unreadably: %v", v, err)
			}
			return back
		}
		var totals dec.D
		for m := range int32(r.Org.Len()) {
			id := r.Org.ID(m)
			if r.Payable(m) > u.Payable(m) {
				fail("%s is paid %s, %s without the caps", id, r.Payable(m), u.Payable(m))
			}
			if ut := u.Total(m); ut >= 0 && r.Total(m) > ut {
				fail("%s's total is %s, %s without the caps", id, r.Total(m), ut)
			}
			for k := range p.Components {
				if e := r.Earned[k][m]; printed(e) != e {
					fail("%s earns %s from %s: not a whole minor unit", id, e, p.Components[k].Name)
				}
			}
			if tot := r.Total(m); printed(tot) != tot {
				fail("%s's total %s is not a whole minor unit", id, tot)
			}
			totals += printed(r.Total(m))
		}
		if p.PayoutCap != 0 {
			// The payout cap binds on the money paid from the plan: each
			// member's plan earnings, never below 0 (another member's
			// debit makes no room). Adjustments are not capped, so what is
			// paid in all stays within the cap plus the positive ones.
			limit := dec.MulRound(max(r.SalesAmount, 0), p.PayoutCap, p.Digits, dec.Down)
			var paid, paidAll, adjusted dec.D
			for m := range int32(r.Org.Len()) {
				var own, adj dec.D
				for k, comp := range p.Components {
					if comp.Type == TypeAdjustment {
						adj += r.Earned[k][m]
					} else {
						own += r.Earned[k][m]
					}
				}
				paid += max(own, 0)
				paidAll += max(r.Total(m), 0)
				adjusted += max(adj, 0)
			}
			if paid > limit {
				fail("paid from the plan %s, above the payout cap %s", paid, limit)
			}
			if paidAll > limit+adjusted {
				fail("paid %s, above the payout cap %s and the positive adjustments %s", paidAll, limit, adjusted)
			}
		}
		if want := printed(r.Payout); totals-printed(r.HeldTotal)-printed(r.Debits) != want {
			fail("printed totals %s less held %s and debits %s != printed payout %s", totals, r.HeldTotal, r.Debits, want)
		}
		if t.Failed() {
			fail("failed")
		}
	}
	if scaled < 10 || nonPositive < 5 || debits < 10 {
		t.Errorf("the cases cover too little: %d scaled by a payout cap, %d payout caps on net sales of 0 or less, %d with debits", scaled, nonPositive, debits)
	}
}
