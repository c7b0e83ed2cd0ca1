package plan

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/compplan/compplan/tree"
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
		// 30% × max(−200, 0) = 0.00. The money paid before the cap is A's
		// 10.00 (B's −30.00 is B's debit, not a payment, and makes no room
		// for A): the cap binds with the factor 0, never −60/−20 = 3. A is
		// paid 0.00; B's clawback stays whole.
		{"returns above sales", "member_id,amount,type,order_id\nA,100,,o1\nB,-300,return,o2\n", "0",
			map[string]string{"A": "- true 100 -200 0.00", "B": "- true -300 -300 -30.00"}, "retail -30.00/10.00 payout 0.00"},
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

// computeErr decodes src, reads members, sales and adjustments (adjust may
// be empty) and returns Compute's error.
func computeErr(t *testing.T, src, members, sales, adjust string) error {
	t.Helper()
	p, d := decodeAndRead(t, src, members, sales, false)
	if adjust != "" {
		if err := d.ReadAdjustments(strings.NewReader(adjust), "adj.csv"); err != nil {
			t.Fatalf("ReadAdjustments: %v", err)
		}
	}
	_, err := Compute(p, d)
	return err
}

// TestSumsBeyondTheExactRange: sums that are not rate × volume (checked
// by checkRange up front) are checked as they are added: beyond the exact
// range is an error naming what overflowed, never a wrapped number.
func TestSumsBeyondTheExactRange(t *testing.T) {
	const uni = "name: t\ncurrency: USD\ncomponents: [{name: retail, type: personal, rate: 10%}]\n"
	big := "-99999999999999"
	adj := func(n int, amount string) string {
		s := "member_id,amount,reason\n"
		for range n {
			s += "A," + amount + ",x\n"
		}
		return s
	}
	members := "id,sponsor_id\nA,\nB,A\n"
	for _, tt := range []struct {
		name, plan, members, sales, adjust, want string
	}{
		// 10 × −99,999,999,999,999 = −999,999,999,999,990: beyond
		// −922,337,203,685,477.5808 (it wrapped to +844,674,407,370,965.16).
		{"adjustments", uni, members, "", adj(10, big), "adjustments"},
		{"positive adjustments", uni, members, "", adj(10, "99999999999999"), "adjustments"},
		// 10 ranks' advancement bonuses of 99,999,999,999,999 each reached at once.
		{"rank advancement", "name: t\ncurrency: USD\nranks: [{name: R0}, {name: R1, pv: 1}, {name: R2, pv: 1}, {name: R3, pv: 1}, {name: R4, pv: 1}, {name: R5, pv: 1}, {name: R6, pv: 1}, {name: R7, pv: 1}, {name: R8, pv: 1}, {name: R9, pv: 1}, {name: R10, pv: 1}]\n" +
			"components:\n  - {name: bonus, type: rank_advancement, amounts: {R1: 99999999999999, R2: 99999999999999, R3: 99999999999999, R4: 99999999999999, R5: 99999999999999, R6: 99999999999999, R7: 99999999999999, R8: 99999999999999, R9: 99999999999999, R10: 99999999999999}}\n",
			"id,sponsor_id\nA,\n", "member_id,amount\nA,1\n", "", "bonus"},
		// A member total: retail within range, adjustments within range,
		// their sum beyond it.
		{"member total", "name: t\ncurrency: USD\ncomponents: [{name: retail, type: personal, rate: 100%}]\n", members,
			"member_id,amount\nA,99999999999999\nA,99999999999999\nA,99999999999999\nA,99999999999999\nA,99999999999999\n",
			adj(5, "99999999999999"), "total"},
		// A is paid 5 × 99,999,999,999,999 of adjustments, G owes 5 ×
		// 92,000,000,000,000 (a debit); B to F each earn 90,000,000,000,000
		// of retail, held (under the minimum payout). Every component
		// total, the payout, the held total and the debits fit; the
		// members' positive totals (what compare adds up) do not.
		{"positive totals", "name: t\ncurrency: USD\nmin_payout: 99999999999999\ncomponents: [{name: retail, type: personal, rate: 100%}]\n",
			"id,sponsor_id\nA,\nB,A\nC,A\nD,A\nE,A\nF,A\nG,A\n",
			"member_id,amount\nB,90000000000000\nC,90000000000000\nD,90000000000000\nE,90000000000000\nF,90000000000000\n",
			adj(5, "99999999999999") + strings.Repeat("G,-92000000000000,x\n", 5), "positive totals"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := computeErr(t, tt.plan, tt.members, tt.sales, tt.adjust)
			if err == nil || !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want ErrTooLarge naming %q", err, tt.want)
			}
			var in *tree.InputError
			if errors.As(err, &in) {
				t.Errorf("an overflow is not an input error (exit 1, not 2): %v", err)
			}
		})
	}
}

// TestMoneyFinerThanMinorUnit: every money amount of a plan must be a whole
// number of the currency's minor unit, or it would pay fractions of a cent.
func TestMoneyFinerThanMinorUnit(t *testing.T) {
	for _, tt := range []struct{ src, want string }{
		{"currency: USD\ncomponents: [{name: u, type: unilevel, levels: [5%], cap: 10.005}]\n",
			"p.yaml:3:59: cap 10.005 is finer than USD's minor unit 0.01"},
		{"currency: JPY\ncomponents: [{name: u, type: unilevel, levels: [5%], cap: 1.5}]\n",
			"p.yaml:3:59: cap 1.5 is finer than JPY's minor unit 1 (no decimals)"},
		{"currency: USD\nmember_cap: 30.001\ncomponents: [{name: u, type: unilevel, levels: [5%]}]\n",
			"p.yaml:3:13: member_cap 30.001 is finer than USD's minor unit 0.01"},
		{"currency: KWD\nmember_cap: {amount: 30.0001}\ncomponents: [{name: u, type: unilevel, levels: [5%]}]\n",
			"p.yaml:3:22: member_cap 30.0001 is finer than KWD's minor unit 0.001"},
		{"currency: USD\nmin_payout: 0.005\ncomponents: [{name: u, type: unilevel, levels: [5%]}]\n",
			"p.yaml:3:13: min_payout 0.005 is finer than USD's minor unit 0.01"},
		{"currency: JPY\nranks: [{name: A}, {name: B}]\ncomponents: [{name: b, type: rank_advancement, amounts: {B: 2.5}}]\n",
			"p.yaml:4:61: amount 2.5 is finer than JPY's minor unit 1 (no decimals)"},
		{"currency: USD\ncomponents:\n  - {name: b, type: binary, cycle: {left: 300, right: 300, amount: 30.125}}\n",
			"p.yaml:4:68: cycle amount 30.125 is finer than USD's minor unit 0.01"},
	} {
		_, err := Decode([]byte("name: x\n"+tt.src), "p.yaml")
		var in *tree.InputError
		if err == nil || !errors.As(err, &in) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want %q", tt.src, err, tt.want)
		}
	}
	// Whole minor units are fine, trailing zeros included.
	for _, src := range []string{
		"currency: USD\nmember_cap: 30.10\ncomponents: [{name: u, type: unilevel, levels: [5%], cap: 10.0000}]\n",
		"currency: JPY\nmin_payout: 500\ncomponents: [{name: u, type: unilevel, levels: [5%], cap: 1000}]\n",
	} {
		if _, err := Decode([]byte("name: x\n"+src), "p.yaml"); err != nil {
			t.Errorf("%q: %v", src, err)
		}
	}
}

// TestSecondYAMLDocument: a plan file holds one YAML document; a second
// one (after ---) is refused with its line, not silently ignored.
func TestSecondYAMLDocument(t *testing.T) {
	const plan = "name: x\ncurrency: USD\ncomponents: [{name: u, type: unilevel, levels: [5%]}]\n"
	for _, tt := range []struct{ src, want string }{
		{plan + "---\nname: y\ncurrency: EUR\ncomponents: [{name: u, type: unilevel, levels: [9%]}]\n", "p.yaml:4:"},
		{plan + "\n# the next month\n---\nmember_cap: 10\n", "p.yaml:6:"},
		{plan + "---\n", "p.yaml:4:"},
		{plan + "---\nb: [\n", "p.yaml:5:"}, // a broken second document
		{"---\n" + plan + "--- # again\n" + plan, "p.yaml:5:"},
	} {
		_, err := Decode([]byte(tt.src), "p.yaml")
		var in *tree.InputError
		if err == nil || !errors.As(err, &in) || !strings.HasPrefix(err.Error(), tt.want) || (!strings.Contains(err.Error(), "second") && !strings.Contains(err.Error(), "did not find")) {
			t.Errorf("%q: error %v, want %s… a second document", tt.src, err, tt.want)
		}
	}
	// A leading --- and a closing ... are one document.
	for _, src := range []string{"---\n" + plan, plan + "...\n", "---\n" + plan + "...\n"} {
		if _, err := Decode([]byte(src), "p.yaml"); err != nil {
			t.Errorf("%q: %v", src, err)
		}
	}
}

// TestRateLimitsInMessages: a rate with too many decimals is refused with
// the real limit (6 in a percent, 8 in a fraction), not the 4 of amounts.
func TestRateLimitsInMessages(t *testing.T) {
	for _, tt := range []struct{ rate, want string }{
		{"5.1234567%", `p.yaml:3:46: rate "5.1234567%" has more than 6 decimal places, the most a percent may have`},
		{"0.123456789", `p.yaml:3:46: rate "0.123456789" has more than 8 decimal places`},
		{"20", `p.yaml:3:46: rate "20" means 2000%: did you mean 20%?`},
	} {
		_, err := Decode([]byte("name: x\ncurrency: USD\ncomponents: [{name: r, type: personal, rate: "+tt.rate+"}]\n"), "p.yaml")
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("rate %s: %v, want %s", tt.rate, err, tt.want)
		}
	}
	for _, ok := range []string{"5.123456%", "0.12345678", "1", "100%"} {
		if _, err := Decode([]byte("name: x\ncurrency: USD\ncomponents: [{name: r, type: personal, rate: "+ok+"}]\n"), "p.yaml"); err != nil {
			t.Errorf("rate %s: %v", ok, err)
		}
	}
}

// TestReservedComponentNames: a component may not be named like a column
// any writer puts in the same header row as the components (a duplicate
// CSV header): the member report's, the period rows', and with a binary
// its figures'.
func TestReservedComponentNames(t *testing.T) {
	for _, name := range []string{"held", "payable", "period", "balance_in", "balance_out", "qualified_rank", "id", "total", "Total", "HELD"} {
		_, err := Decode([]byte("name: x\ncurrency: USD\ncomponents: [{name: "+name+", type: personal, rate: 5%}]\n"), "p.yaml")
		if err == nil || !strings.Contains(err.Error(), "p.yaml:3:21: component name") || !strings.Contains(err.Error(), "output column") {
			t.Errorf("component %q: %v, want it refused", name, err)
		}
	}
	for _, name := range []string{"binary_qualified", "left", "flushed_right"} {
		_, err := Decode([]byte("name: x\ncurrency: USD\ncomponents: [{name: b, type: binary, rate: 10%}, {name: "+name+", type: personal, rate: 5%}]\n"), "p.yaml")
		if err == nil || !strings.Contains(err.Error(), "output column") {
			t.Errorf("component %q with a binary: %v, want it refused", name, err)
		}
	}
	if _, err := Decode([]byte("name: x\ncurrency: USD\ncomponents: [{name: retail, type: personal, rate: 5%}, {name: left, type: personal, rate: 5%}]\n"), "p.yaml"); err != nil {
		t.Errorf("left without a binary: %v", err)
	}
}

// TestReversalOnHalfAMinorUnit: under returns: reverse, a reversal is
// −round(amount × returned ÷ order volume) by the plan's rounding. A's
// order o1 of 0.5 pays 10% = 0.05; 0.25 of it is returned: 0.05 × 0.25 ÷
// 0.5 = 0.025, exactly half a cent: half-even reverses 0.02 (A keeps 0.03),
// half-up 0.03 (A keeps 0.02), down 0.02.
func TestReversalOnHalfAMinorUnit(t *testing.T) {
	const plan = `
name: t
currency: USD
rounding: %s
returns: reverse
components:
  - {name: retail, type: personal, rate: 10%%}
`
	sales := "member_id,amount,type,order_id\nA,0.5,,o1\nA,-0.25,return,o1\n"
	for rounding, want := range map[string]string{"half-even": "0.03", "half-up": "0.02", "down": "0.03"} {
		r := calcOrders(t, fmt.Sprintf(plan, rounding), "id,sponsor_id\nA,\n", sales)
		expectRows(t, r, map[string]string{"A": "- true 0.5 0.5 " + want})
		if len(r.ReturnsAsVolume) != 0 {
			t.Errorf("%s: the return was counted as volume: %v", rounding, r.ReturnsAsVolume)
		}
	}
}

// TestComponentCapAfterReversal: a component cap applies to what a member
// earned from the component net of this period's reversals (returns:
// reverse). A's order o1 of 1000 pays 100.00 of retail; 300 of it is
// returned (−30.00): the net 70.00 is capped at 50.00, 20.00 of breakage.
// (Capping first would leave 50.00 − 30.00 = 20.00.)
func TestComponentCapAfterReversal(t *testing.T) {
	const plan = `
name: t
currency: USD
returns: reverse
components:
  - {name: retail, type: personal, rate: 10%, cap: 50}
`
	r := calcOrders(t, plan, "id,sponsor_id\nA,\n", "member_id,amount,type,order_id\nA,1000,,o1\nA,-300,return,o1\n")
	expectRows(t, r, map[string]string{"A": "- true 1000 1000 50.00"})
	expectTotals(t, r, "retail 50.00/20.00 payout 50.00")
	if r.CutByComponentCaps.String() != "20" {
		t.Errorf("component caps cut %s, want 20", r.CutByComponentCaps)
	}
}

// TestPoolMinPVAtThreshold: min_pv is "PV of at least": A with PV exactly
// 100 shares the pool, B with 99.99 does not. 10% of the volume 199.99 is
// 19.9990 → 20.00 (half-even), all A's (one share of one).
func TestPoolMinPVAtThreshold(t *testing.T) {
	const plan = `
name: t
currency: USD
ranks: [{name: Star}]
components:
  - {name: pool, type: pool, percent: 10%, shares: {Star: 1}, min_pv: 100}
`
	r := calc(t, plan, "id,sponsor_id\nA,\nB,A\n", "member_id,amount\nA,100\nB,99.99\n")
	expectRows(t, r, map[string]string{"A": "Star true 100 199.99 20.00", "B": "Star true 99.99 99.99 0.00"})
	expectTotals(t, r, "pool 20.00/0.00 payout 20.00")
}

// TestMatchingUnderPayoutCap: matching matches what the matched member
// earned before the payout cap's scaling, and is then scaled like every
// line. S sells 100.02; M earns 50% = 50.01 of unilevel; T matches 50% of
// 50.01 = 25.005 → 25.00 (half-even). The payout 75.01 is above the cap
// 50% × 100.02 = 50.01: factor 50.01 ÷ 75.01 = 0.666711 (truncated). M:
// 50.01 × 0.666711 = 33.342… → 33.34; T: 25.00 × 0.666711 = 16.667… →
// 16.66 (matching the scaled 33.34 instead would give 16.67).
func TestMatchingUnderPayoutCap(t *testing.T) {
	const plan = `
name: t
currency: USD
payout_cap: 50%
components:
  - {name: uni, type: unilevel, levels: [50%]}
  - {name: match, type: matching, of: [uni], generations: [50%]}
`
	r := calc(t, plan, "id,sponsor_id\nT,\nM,T\nS,M\n", "member_id,amount\nS,100.02\n")
	expectRows(t, r, map[string]string{"M": "- true 0 100.02 33.34 0.00", "T": "- true 0 100.02 0.00 16.66"})
	expectTotals(t, r, "uni 33.34/16.67 match 16.66/8.34 payout 50.00")
	if got := string(r.ScaleFactor.AppendFraction(nil)); got != "0.666711" {
		t.Errorf("scale factor %s, want 0.666711", got)
	}
}

// TestBinaryCycleUnequalLegs: a cycle of 100 left + 40 right pays 5.00.
// A's legs 550/130 hold min(550 ÷ 100, 130 ÷ 40) = min(5, 3) = 3 cycles:
// 15.00, pairing 300 left and 120 right; 250 and 10 are carried. B's
// 300/50: min(3, 1) = 1 cycle, 5.00; 200 and 10 carried.
func TestBinaryCycleUnequalLegs(t *testing.T) {
	r := calcCarry(t, binaryPlan("cycle: {left: 100, right: 40, amount: 5}, carry_cap: 400"), binaryMembers, binarySales, binaryCarry)
	expectTotals(t, r, "bin 20.00/0.00 payout 20.00")
	if got, want := legsRow(r, "A"), "550/130 in 0/30 paired 300/120 out 250/10 flushed 0/0 true"; got != want {
		t.Errorf("A: %s\n want %s", got, want)
	}
	if got, want := legsRow(r, "B"), "300/50 in 0/0 paired 100/40 out 200/10 flushed 0/0 true"; got != want {
		t.Errorf("B: %s\n want %s", got, want)
	}
	// The other way round, 40 left + 100 right: A min(13, 1) = 1 cycle,
	// B min(7, 0) = 0.
	r = calcCarry(t, binaryPlan("cycle: {left: 40, right: 100, amount: 5}, carry_cap: 400"), binaryMembers, binarySales, binaryCarry)
	expectTotals(t, r, "bin 5.00/0.00 payout 5.00")
	if got, want := legsRow(r, "A"), "550/130 in 0/30 paired 40/100 out 400/30 flushed 110/0 true"; got != want {
		t.Errorf("A: %s\n want %s", got, want)
	}
}

// calcOrders is calc with the sales' order ids kept (returns: reverse).
func calcOrders(t *testing.T, src, members, sales string) *Result {
	t.Helper()
	return calcWith(t, src, members, sales, true)
}

// TestPayoutCapLeavesClawbacksWhole: the payout cap scales what members
// earn, never a negative line (a return counted as volume): scaling it
// would forgive part of a debt, so the cap would raise pay. A sells 1000
// (retail 100.00); B returns 300 of an unknown order (counted as volume:
// −30.00) and has an adjustment of +20.00. Net sales 700, the cap 5% =
// 35.00 against 100.00 paid from the plan (A's 100.00; B's −30.00 is B's
// own debit and makes no room for A): factor 0.35. A is paid 35.00; B
// keeps −30.00 + 20.00 = −10.00, a debit, as without the cap (scaling B's
// line to −10.50 paid B 9.50).
func TestPayoutCapLeavesClawbacksWhole(t *testing.T) {
	const plan = `
name: t
currency: USD
payout_cap: 5%
components:
  - {name: retail, type: personal, rate: 10%}
`
	p, err := Decode([]byte(plan), "plan.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d, err := tree.ReadMembers(strings.NewReader("id,sponsor_id\nA,\nB,A\n"), "members.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.ReadSales(strings.NewReader("member_id,amount,type,order_id\nA,1000,,o1\nB,-300,return,o9\n"), "sales.csv"); err != nil {
		t.Fatal(err)
	}
	if err := d.ReadAdjustments(strings.NewReader("member_id,amount,reason\nB,20,bonus\n"), "adj.csv"); err != nil {
		t.Fatal(err)
	}
	r, err := Compute(p, d)
	if err != nil {
		t.Fatal(err)
	}
	checkReconciles(t, r)
	checkLines(t, r)
	expectRows(t, r, map[string]string{"A": "- true 1000 700 35.00 0.00", "B": "- true -300 -300 -30.00 20.00"})
	expectTotals(t, r, "retail 5.00/65.00 adjustments 20.00/0.00 payout 35.00")
	if got := string(r.ScaleFactor.AppendFraction(nil)); got != "0.35" {
		t.Errorf("scale factor %s, want 0.35", got)
	}
	if r.Payable(1) != 0 || r.Debits.String() != "-10" {
		t.Errorf("B is paid %s, debits %s; want 0 and -10", r.Payable(1), r.Debits)
	}
}

// TestComponentCapAfterReversalUnderPayoutCap: under a binding payout
// cap the component cap sees the same net earnings as in the pass that
// found the factor: the reversal counts in both. January: A's order O1 of
// 1000 pays 100.00, capped at 60.00 (B's sample of 1000 makes the payout
// cap 5% × 2000 = 100.00: it does not bind). February: 300 of O1 is
// returned (−18.00: 30% of the 60.00 January's line paid after the cap)
// and A's order O2 of 1000 pays 100.00: net 82.00, capped at 60.00 (cut
// 22.00). Net sales 700, the payout cap 35.00 against 60.00: factor
// 0.583333. Scaled: 100.00 → 58.33, the cut −22.00 → −12.83, the reversal
// stays −18.00: A is paid 27.50.
func TestComponentCapAfterReversalUnderPayoutCap(t *testing.T) {
	const plan = `
name: t
currency: USD
returns: reverse
payout_cap: 5%
non_commissionable: [sample]
components:
  - {name: retail, type: personal, rate: 10%, cap: 60}
`
	members := "id,sponsor_id,joined\nA,,2025-12-01\nB,A,2025-12-01\n"
	sales := "order_id,member_id,amount,date,type\nO1,A,1000,2026-01-10,\nS1,B,1000,2026-01-11,sample\nO1,A,-300,2026-02-10,return\nO2,A,1000,2026-02-11,\n"
	rs := months(t, plan, members, sales, "01", "02")
	expectPeriod(t, rs[0], "Jan", map[string]string{"A": "- 1000 2000 60.00 | in 0.00 pay 60.00 out 0.00"})
	expectPeriod(t, rs[1], "Feb", map[string]string{"A": "- 1000 1000 27.50 | in 0.00 pay 27.50 out 0.00"})
	if got := string(rs[1].ScaleFactor.AppendFraction(nil)); got != "0.583333" {
		t.Errorf("February's scale factor %s, want 0.583333", got)
	}
	if rs[1].CutByComponentCaps.String() != "22" {
		t.Errorf("February's component caps cut %s, want 22", rs[1].CutByComponentCaps)
	}
}

// TestPayoutCapOnMoneyPaid: the payout cap binds on the money members are
// paid from the plan's components — each member's earnings, their own
// returns netted against their own pay, never below 0 — so one member's
// debit does not make room under the cap for another's pay.
func TestPayoutCapOnMoneyPaid(t *testing.T) {
	const members = "id,sponsor_id\nA,\nB,A\nC,A\n"
	// Sales 300 by A, a return of 200 by B (an unknown order: volume).
	// Net sales 100.00, a 10% cap of 10.00. A earns 30.00, B −20.00 (a
	// debit, not paid): the money paid is 30.00, not 30.00 − 20.00 = 10.00,
	// so the cap binds: factor 10.00 ÷ 30.00 = 0.333333, A is paid
	// ⌊30.00 × 0.333333⌋ = 9.99; B's −20.00 is a clawback, never scaled.
	// Payout 9.99 ≤ 10.00; cut by the payout cap 30.00 − 9.99 = 20.01.
	t.Run("another member's debit", func(t *testing.T) {
		const plan = "name: t\ncurrency: USD\npayout_cap: 10%\ncomponents:\n  - {name: retail, type: personal, rate: 10%}\n"
		r := calc(t, plan, members, "order_id,member_id,amount,volume,type\nO1,A,300,300,\nR1,B,-200,-200,return\n")
		expectRows(t, r, map[string]string{"A": "- true 300 100 9.99", "B": "- true -200 -200 -20.00", "C": "- true 0 0 0.00"})
		expectTotals(t, r, "retail -10.01/20.01 payout 9.99")
		if got := string(r.ScaleFactor.AppendFraction(nil)); got != "0.333333" {
			t.Errorf("scale factor %s, want 0.333333", got)
		}
		if r.CutByPayoutCap.String() != "20.01" {
			t.Errorf("cut by payout cap %s, want 20.01", r.CutByPayoutCap)
		}
	})
	// Sales 300 by A and three returns of 33.3 by A: net sales 200.10, a 5%
	// cap of 10.00 (10.005 rounded down). A earns 30.00 − 3 × 3.33 = 20.01,
	// factor 10.00 ÷ 20.01 = 0.499750: the 30.00 line pays 14.99, the
	// returns stay −3.33 each: A is paid 5.00, within the cap.
	t.Run("own returns", func(t *testing.T) {
		const plan = "name: t\ncurrency: USD\npayout_cap: 5%\ncomponents:\n  - {name: retail, type: personal, rate: 10%}\n"
		r := calc(t, plan, members, "order_id,member_id,amount,type\nO1,A,300,\nR1,A,-33.3,return\nR2,A,-33.3,return\nR3,A,-33.3,return\n")
		expectRows(t, r, map[string]string{"A": "- true 200.1 200.1 5.00"})
		expectTotals(t, r, "retail 5.00/15.01 payout 5.00")
	})
}

// TestPoolWithReturns: a pool is funded by max(the period's pool volume,
// 0), never a negative amount; under returns: reverse an order returned in
// the same run is not in the pool's volume. 10% pool on Star (no
// requirements, everyone active), A root, B and C under A.
func TestPoolWithReturns(t *testing.T) {
	const members = "id,sponsor_id\nA,\nB,A\nC,A\n"
	plan := func(returns string) string {
		return "name: t\ncurrency: USD\nreturns: " + returns + "\nranks: [{name: Star}]\ncomponents:\n  - {name: pool, type: pool, percent: 10%, shares: {Star: 1}}\n"
	}
	for _, tt := range []struct {
		name, returns, sales string
		want                 map[string]string // rank active pv gv pool
		tot                  string
	}{
		// February of a replay under returns: volume: B returns January's
		// O1 (−1000, counted as volume) and C sells 100. The period's volume
		// is −900: the pool is max(−90.00, 0) = 0.00, nobody goes into debit
		// (not −30.00 each, C included).
		{"net negative volume", "volume", "member_id,amount,type,order_id\nB,-1000,return,O1\nC,100,,O2\n",
			map[string]string{"A": "Star true 0 -900 0.00", "B": "Star true -1000 -1000 0.00", "C": "Star true 100 100 0.00"},
			"pool 0.00/0.00 payout 0.00"},
		// Under reverse, B's order O1 of 1000 returned whole in the same
		// run: the pool's volume is 1000 − 1000 = 0: it pays 0.00 (not
		// 100.00 → 99.99 on a sales amount of 0.00).
		{"returned in the same run", "reverse", "member_id,amount,type,order_id\nB,1000,,O1\nB,-1000,return,O1\n",
			map[string]string{"A": "Star true 0 1000 0.00", "B": "Star true 1000 1000 0.00", "C": "Star true 0 0 0.00"},
			"pool 0.00/0.00 payout 0.00"},
		// 400 of O1 returned, and C's O2 of 100: the pool's volume is
		// 1000 − 400 + 100 = 700, the pool 70.00, 23.33 a share, 0.01 left.
		{"part returned in the same run", "reverse", "member_id,amount,type,order_id\nB,1000,,O1\nB,-400,return,O1\nC,100,,O2\n",
			map[string]string{"A": "Star true 0 1100 23.33", "B": "Star true 1000 1000 23.33", "C": "Star true 100 100 23.33"},
			"pool 69.99/0.01 payout 69.99"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := calcOrders(t, plan(tt.returns), members, tt.sales)
			expectRows(t, r, tt.want)
			expectTotals(t, r, tt.tot)
		})
	}
}
