package plan

import (
	"errors"
	"fmt"
	"math/big"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// calc computes plan src over members and sales CSV text.
func calc(t *testing.T, src, members, sales string) *Result {
	t.Helper()
	return calcWith(t, src, members, sales, false)
}

// calcWith is calc, keeping the sales' order ids when keepOrders is set
// (returns: reverse); it checks the result reconciles and its lines add up.
func calcWith(t *testing.T, src, members, sales string, keepOrders bool) *Result {
	t.Helper()
	p, d := decodeAndRead(t, src, members, sales, keepOrders)
	r, err := Compute(p, d)
	if err != nil {
		t.Fatalf("Compute: %v", err)
	}
	checkReconciles(t, r)
	checkLines(t, r)
	return r
}

// calcJanuary is calc over the period 2026-01 (for a plan that needs a
// period).
func calcJanuary(t *testing.T, src, members, sales string) *Result {
	t.Helper()
	p, d := decodeAndRead(t, src, members, sales, false)
	jan, err := tree.ParsePeriod("2026-01")
	if err != nil {
		t.Fatal(err)
	}
	r, err := RunPeriod(p, d, jan, nil, "", Options{})
	if err != nil {
		t.Fatalf("RunPeriod: %v", err)
	}
	checkReconciles(t, r)
	checkLines(t, r)
	return r
}

// decodeAndRead decodes plan src and reads members and (when not empty)
// sales CSV text, failing the test on any error.
func decodeAndRead(t *testing.T, src, members, sales string, keepOrders bool) (*Plan, *tree.Data) {
	t.Helper()
	p, err := Decode([]byte(src), "plan.yaml")
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	d, err := tree.ReadMembers(strings.NewReader(members), "members.csv")
	if err != nil {
		t.Fatalf("ReadMembers: %v", err)
	}
	d.KeepOrderIDs = keepOrders
	if sales != "" {
		if err := d.ReadSales(strings.NewReader(sales), "sales.csv"); err != nil {
			t.Fatalf("ReadSales: %v", err)
		}
	}
	return p, d
}

// checkLines computes r again with every line written out and checks the
// lines add up to the totals: per component Σ earner lines = paid and
// Σ breakage lines = breakage, each member's lines sum to what they earned,
// and writing lines out changes no figure.
func checkLines(t *testing.T, r *Result) {
	t.Helper()
	n := len(r.Plan.Components)
	paid, lost, reversed := make([]dec.D, n), make([]dec.D, n), make([]dec.D, n)
	earned := make([]map[int32]dec.D, n)
	for c := range earned {
		earned[c] = map[int32]dec.D{}
	}
	r2, err := ComputeWith(r.Plan, r.Data, Options{carried: r.carried, Lines: func(res *Result, l *Line) error {
		_ = l.Note(res) // every line can be described, whatever its component
		if l.Reason == Reversed {
			reversed[l.Component] += l.Amount
		}
		if l.Earner >= 0 {
			paid[l.Component] += l.Amount
			earned[l.Component][l.Earner] += l.Amount
			if l.Reason != Paid && l.Reason != Capped && l.Reason != MemberCapped && l.Reason != Reversed {
				t.Errorf("paid line with reason %d", l.Reason)
			}
		} else {
			lost[l.Component] += l.Amount
			if l.Reason == Paid {
				t.Errorf("breakage line with reason Paid")
			}
		}
		// A RankRate line is the rest of a level above a rank's own rate:
		// round(level rate × base) − round(rank rate × base).
		// Lines whose amount is not round(base × rate): a differential's
		// (differences of rounded cumulative amounts), the rest of a rank's
		// rate, pool shares (rounded down) and what caps cut or scaling took.
		comp := r.Plan.Components[l.Component]
		special := (comp.Type == TypeDifferential && l.PaidLevel == 0) || comp.Type == TypePool ||
			(comp.Type == TypeBinary && comp.s().Binary.Cycle != nil) || l.Reason == Reversed ||
			l.Reason == RankRate || l.Reason == Capped || l.Reason == MemberCapped || l.Reason == Scaled ||
			(l.Earner >= 0 && res.ScaleFactor != dec.RateOne)
		if want := dec.MulRound(l.Base, l.Rate, r.Plan.Digits, r.Plan.Rounding); l.Amount != want && !special {
			t.Errorf("line amount %s, want round(%s × %s) = %s", l.Amount, l.Base, l.Rate, want)
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	for c := range r.Plan.Components {
		// Per component, paid + breakage = what its rules put up on this
		// period's sales, plus the reversals of returned orders.
		if up := putUp(r, &r.Plan.Components[c]) + int64(reversed[c]); int64(r.Paid[c]+r.Breakage[c]) != up {
			t.Errorf("%s: paid %s + breakage %s != put up %d (reversals %s)", r.Plan.Components[c].Name, r.Paid[c], r.Breakage[c], up, reversed[c])
		}
		if paid[c] != r.Paid[c] || lost[c] != r.Breakage[c] || r2.Paid[c] != r.Paid[c] {
			t.Errorf("component %d: lines paid %s breakage %s; totals %s %s", c, paid[c], lost[c], r.Paid[c], r.Breakage[c])
		}
		for m := int32(0); m < int32(r.Org.Len()); m++ {
			if earned[c][m] != r.Earned[c][m] || r2.Earned[c][m] != r.Earned[c][m] {
				t.Errorf("component %d member %s: lines %s, earned %s", c, r.Org.ID(m), earned[c][m], r.Earned[c][m])
			}
		}
	}
}

// row renders member id's figures: rank active pv gv, then each component.
func row(r *Result, id string) string {
	m := r.Org.Lookup(id)
	if m < 0 {
		return "no member " + id
	}
	rank := r.RankName(m)
	if rank == "" {
		rank = "-"
	}
	s := fmt.Sprintf("%s %t %s %s", rank, r.Active[m], r.PV[m], r.GV[m])
	for c := range r.Plan.Components {
		s += " " + string(r.Earned[c][m].AppendFixed(nil, r.Plan.Digits))
	}
	return s
}

// totals renders paid/breakage per component and the payout.
func totals(r *Result) string {
	var b strings.Builder
	for c, comp := range r.Plan.Components {
		fmt.Fprintf(&b, "%s %s/%s ", comp.Name, r.Paid[c].AppendFixed(nil, r.Plan.Digits), r.Breakage[c].AppendFixed(nil, r.Plan.Digits))
	}
	fmt.Fprintf(&b, "payout %s", r.Payout.AppendFixed(nil, r.Plan.Digits))
	return b.String()
}

// expectTotals checks totals(r).
func expectTotals(t *testing.T, r *Result, want string) {
	t.Helper()
	if got := totals(r); got != want {
		t.Errorf("totals = %s\nwant     %s", got, want)
	}
}

func expectRows(t *testing.T, r *Result, want map[string]string) {
	t.Helper()
	for id, w := range want {
		if got := row(r, id); got != w {
			t.Errorf("%s: got  %s\n      want %s", id, got, w)
		}
	}
}

// TestWorkedExample checks the README's worked example against figures an
// independent reviewer computed by hand from the README's definitions alone.
func TestWorkedExample(t *testing.T) {
	read := func(name string) string {
		b, err := os.ReadFile("../examples/worked/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	r := calc(t, read("plan.yaml"), read("members.csv"), read("sales.csv"))
	expectRows(t, r, map[string]string{
		// rank active pv gv retail unilevel
		"A": "Silver true 120 1365.5 12.00 74.78",
		"B": "Bronze true 100 695.5 10.00 58.05",
		"C": "Bronze true 150 550 15.00 40.00",
		"D": "Associate false 0 535.5 0.00 0.00",
		"E": "Associate true 60 60 6.00 0.00",
		"F": "Bronze true 505.5 535.5 50.55 3.00",
		"G": "Associate true 400 400 40.00 0.00",
		"H": "Associate false 30 30 3.00 0.00",
	})
	expectTotals(t, r, "retail 136.55/0.00 unilevel 175.83/97.28 payout 312.38")
	if pct, ok := r.PayoutPct(); !ok || pct.String() != "22.15" {
		t.Errorf("payout %% = %s, %v; want 22.15", pct, ok)
	}
	if r.SalesAmount.String() != "1410.5" || r.Volume.String() != "1365.5" {
		t.Errorf("sales amount %s volume %s", r.SalesAmount, r.Volume)
	}
}

// A line A <- B <- C <- D <- E where C is inactive; E sells 100.
const line = "id,sponsor_id\nA,\nB,A\nC,B\nD,C\nE,D\n"
const lineSales = "member_id,amount\nA,60\nB,60\nC,10\nD,60\nE,100\n"

func TestCompression(t *testing.T) {
	const plan = `
name: t
currency: USD
active: {pv: 50}
components:
  - name: uni
    type: unilevel
    levels: [10%%, 5%%, 4%%]
    compression: %s
`
	for _, tt := range []struct {
		mode string
		want map[string]string
		tot  string
	}{
		// Put up: 19% of 290 = 55.10.
		// none: E's level 2 is C (inactive) → breakage 5; level 3 is B.
		// Lines: E's 100: D 10, C ✗5, B 4. D's 60: C ✗6, B 3, A 2.40.
		// C's 10: B 1, A 0.50, top ✗0.40. B's 60: A 6, ✗3, ✗2.40. A's 60: ✗6 ✗3 ✗2.40.
		{"none", map[string]string{
			"A": "- true 60 290 8.90", "B": "- true 60 230 8.00", "C": "- false 10 170 0.00",
			"D": "- true 60 160 10.00", "E": "- true 100 100 0.00",
		}, "uni 26.90/28.20 payout 26.90"},
		// dynamic: C is skipped. E's 100: D 10, B 5, A 4. D's 60: B 6, A 3, ✗2.40.
		// C's 10 (an inactive seller still pays): B 1, A 0.50, ✗0.40.
		// B's 60: A 6, ✗3, ✗2.40. A's 60: ✗11.40.
		{"dynamic", map[string]string{
			"A": "- true 60 290 13.50", "B": "- true 60 230 12.00", "C": "- false 10 170 0.00",
			"D": "- true 60 160 10.00", "E": "- true 100 100 0.00",
		}, "uni 35.50/19.60 payout 35.50"},
	} {
		t.Run(tt.mode, func(t *testing.T) {
			r := calc(t, fmt.Sprintf(plan, tt.mode), line, lineSales)
			expectRows(t, r, tt.want)
			expectTotals(t, r, tt.tot)
		})
	}
}

func TestPaidLevels(t *testing.T) {
	// Ranks: Low (no requirement), High needs PV 100. Only High is listed
	// in paid_levels with 2 levels, so Low members are paid on no level.
	const plan = `
name: t
currency: USD
ranks:
  - name: Low
  - name: High
    pv: 100
components:
  - name: uni
    type: unilevel
    levels: [10%, 10%, 10%]
    paid_levels: {High: 2}
`
	// A(High) <- B(High) <- C(Low) <- D(High) sells 100. Put up: 30% of 301.
	r := calc(t, plan, "id,sponsor_id\nA,\nB,A\nC,B\nD,C\n", "member_id,amount\nA,100\nB,100\nC,1\nD,100\n")
	// D's 100: C (Low, 0 levels) ✗10, B (High, level 2 ≤ 2) 10, A level 3 ✗10.
	// C's 1: B 0.10, A 0.10, ✗0.10. B's 100: A 10, ✗10, ✗10. A's 100: ✗30.
	expectRows(t, r, map[string]string{
		"A": "High true 100 301 10.10", "B": "High true 100 201 10.10",
		"C": "Low true 1 101 0.00", "D": "High true 100 100 0.00",
	})
	expectTotals(t, r, "uni 20.20/70.10 payout 20.20")
}

func TestNoRankIsPaidNothingWithPaidLevels(t *testing.T) {
	// The lowest rank has a requirement, so B holds no rank and, with
	// paid_levels, is paid on no level; without paid_levels it would be.
	const plan = `
name: t
currency: USD
ranks:
  - name: Star
    pv: 50
components:
  - name: uni
    type: unilevel
    levels: [10%%]
    %s
`
	for _, tt := range []struct{ extra, b, tot string }{
		{"paid_levels: {Star: 1}", "- true 10 110 0.00", "uni 0.00/11.00 payout 0.00"},
		{"", "- true 10 110 10.00", "uni 10.00/1.00 payout 10.00"},
	} {
		r := calc(t, fmt.Sprintf(plan, tt.extra), "id,sponsor_id\nB,\nC,B\n", "member_id,amount\nB,10\nC,100\n")
		if got := row(r, "B"); got != tt.b {
			t.Errorf("%q: B = %s, want %s", tt.extra, got, tt.b)
		}
		expectTotals(t, r, tt.tot)
	}
}

func TestRanks(t *testing.T) {
	const plan = `
name: t
currency: USD
active: {pv: 5000}   # nobody is active: ranks must not care
ranks:
  - name: Bronze
    pv: 100
    gv: 500
  - name: Silver
    gv: 1000
    max_leg: 50%
  - name: Gold
    legs: {count: 2, rank: Silver}
components:
  - name: p
    type: personal
    rate: 0%
`
	// R sponsors S1 and S2. S1's GV is 1250 but its big leg X counts only
	// 500 (max_leg), so S1 is Bronze: 100 + 500 + 50 = 650 < 1000. S2
	// reaches Silver without any PV (requirements are not cumulative) and is
	// not Gold: its own Silver never counts as a leg. G, Silver, sits two
	// levels below S1, which makes S1's leg count for R's Gold. Nobody is
	// active, and ranks do not care.
	members := "id,sponsor_id\nR,\nS1,R\nS2,R\nX,S1\nY,S1\nG,X\nS2a,S2\nS2b,S2\n"
	sales := "member_id,amount\nS1,100\nX,100\nG,1000\nY,50\nS2a,500\nS2b,500\nR,5\n"
	r := calc(t, plan, members, sales)
	expectRows(t, r, map[string]string{
		"G":   "Silver false 1000 1000 0.00",
		"X":   "Bronze false 100 1100 0.00",
		"Y":   "- false 50 50 0.00",
		"S1":  "Bronze false 100 1250 0.00",
		"S2":  "Silver false 0 1000 0.00",
		"S2a": "Bronze false 500 500 0.00",
		"R":   "Gold false 5 2255 0.00",
	})
	// Without G's sale, S1's subtree holds no Silver: R has one Silver leg
	// and falls to Silver by its capped GV: 5 + min(250, 500) + min(1000, 500) = 755 < 1000 → no rank.
	r = calc(t, plan, members, strings.Replace(sales, "G,1000\n", "", 1))
	if got, want := row(r, "R"), "- false 5 1255 0.00"; got != want {
		t.Errorf("R without G's sale = %s, want %s", got, want)
	}
}

func TestRounding(t *testing.T) {
	const plan = `
name: t
currency: %s
rounding: %s
components:
  - name: uni
    type: unilevel
    levels: [5%%]
`
	// B sells 10.50 and 10.70; 5%% of them are 0.525 and 0.535 (ties at the
	// cent). In JPY, B sells 1050 and 1070 (52.5 and 53.5 yen). In KWD B
	// sells 10.01 and 10.03 (0.5005 and 0.5015 dinar).
	for _, tt := range []struct{ cur, mode, sales, a, tot string }{
		{"USD", "half-even", "B,10.50\nB,10.70", "0.52+0.54", "1.06"},
		{"USD", "half-up", "B,10.50\nB,10.70", "0.53+0.54", "1.07"},
		{"USD", "down", "B,10.50\nB,10.70", "0.52+0.53", "1.05"},
		{"JPY", "half-even", "B,1050\nB,1070", "52+54", "106"},
		{"JPY", "half-up", "B,1050\nB,1070", "53+54", "107"},
		{"JPY", "down", "B,1050\nB,1070", "52+53", "105"},
		{"KWD", "half-even", "B,10.01\nB,10.03", "0.500+0.502", "1.002"},
		{"KWD", "half-up", "B,10.01\nB,10.03", "0.501+0.502", "1.003"},
		{"KWD", "down", "B,10.01\nB,10.03", "0.500+0.501", "1.001"},
	} {
		r := calc(t, fmt.Sprintf(plan, tt.cur, tt.mode), "id,sponsor_id\nA,\nB,A\n", "member_id,amount\n"+tt.sales+"\n")
		a := r.Earned[0][r.Org.Lookup("A")]
		if got := string(a.AppendFixed(nil, r.Plan.Digits)); got != tt.tot {
			t.Errorf("%s %s: A earned %s, want %s (lines %s)", tt.cur, tt.mode, got, tt.tot, tt.a)
		}
	}
}

func TestSalesInMembersFileAndPersonal(t *testing.T) {
	const plan = `
name: t
currency: EUR
active: {pv: 50}
components:
  - name: retail
    type: personal
    rate: 10%
  - name: uni
    type: unilevel
    levels: [10%]
`
	// Members rows with an amount are sales (volume defaults to the amount);
	// the sales file adds more. B and C are inactive but still earn retail.
	// C's 33.35: level 1 is B, inactive → breakage 3.335 → 3.34 (half-even).
	// B's 10: A 1.00. A's 100: above the top → breakage 10.
	members := "id,sponsor_id,amount,volume\nA,,100,\nB,A,20.05,10\nC,B,,\n"
	sales := "member_id,amount\nC,33.35\n"
	r := calc(t, plan, members, sales)
	expectRows(t, r, map[string]string{
		"A": "- true 100 143.35 10.00 1.00",
		"B": "- false 10 43.35 1.00 0.00", // C's level 1 is B, inactive: breakage 3.34 (3.335 → even)
		"C": "- false 33.35 33.35 3.34 0.00",
	})
	expectTotals(t, r, "retail 14.34/0.00 uni 1.00/13.34 payout 15.34")
	if r.SalesAmount.String() != "153.4" || r.Sales != 3 {
		t.Errorf("sales amount %s over %d sales, want 153.4 over 3", r.SalesAmount, r.Sales)
	}
}

func TestEmptyOrganisation(t *testing.T) {
	r := calc(t, "name: t\ncurrency: USD\ncomponents: [{name: p, type: personal, rate: 5%}]\n", "id,sponsor_id\n", "")
	if r.Org.Len() != 0 || r.Payout != 0 {
		t.Errorf("members %d payout %s", r.Org.Len(), r.Payout)
	}
	if _, ok := r.PayoutPct(); ok {
		t.Error("payout % reported without sales")
	}
}

// checkReconciles asserts the money invariants of any result: per
// component, paid is the sum of what members earned; paid + breakage is what
// the rules put up (recomputed line by line from the sales); payout is the
// sum of paid.
func checkReconciles(t *testing.T, r *Result) {
	t.Helper()
	var payout, sum int64
	for c, comp := range r.Plan.Components {
		sum = 0
		for _, e := range r.Earned[c] {
			sum += int64(e)
		}
		if sum != int64(r.Paid[c]) {
			t.Errorf("%s: members earned %d, paid says %d", comp.Name, sum, r.Paid[c])
		}
		payout += int64(r.Paid[c])
		if up := putUp(r, &comp); int64(r.Paid[c]+r.Breakage[c]) != up && len(r.reversedSales) == 0 {
			t.Errorf("%s: paid %s + breakage %s != put up %d", comp.Name, r.Paid[c], r.Breakage[c], up)
		}
	}
	// Every member's total plus what they carried in is paid or carried
	// out: held (above 0, under the minimum payout) or a debit (below 0).
	var in, out int64
	for m := range int32(r.Org.Len()) {
		if r.BalanceIn != nil {
			in += int64(r.BalanceIn[m])
		}
		b := r.BalanceOut[m]
		out += int64(b)
		net := r.Total(m)
		if r.BalanceIn != nil {
			net += r.BalanceIn[m]
		}
		switch {
		case net < 0 && b != net, net >= 0 && b != 0 && (!r.Plan.MinPayout.Set || b != net || net >= r.Plan.MinPayout.Value):
			t.Errorf("%s: net %s, carried out %s", r.Org.ID(m), net, b)
		}
	}
	if payout+in-out != int64(r.Payout) {
		t.Errorf("payout %s, components paid %d, carried in %d, out %d", r.Payout, payout, in, out)
	}
	checkDeductions(t, r)
}

// checkDeductions works each member's deductions out again from the README's
// rule — in order, a rate's share of the payable rounded down or a fee,
// none above what is left, nothing from a payable of 0 — and checks the
// net and the totals: payout = Σ deductions + net.
func checkDeductions(t *testing.T, r *Result) {
	t.Helper()
	p := r.Plan
	if len(p.Deductions) == 0 {
		if r.Deducted != nil || r.NetTotal() != r.Payout {
			t.Errorf("no deductions in the plan, but deducted %v", r.DeductedTotal)
		}
		return
	}
	unit := int64(dec.MinorUnit(p.Digits))
	sums := make([]int64, len(p.Deductions))
	var net int64
	for m := range int32(r.Org.Len()) {
		payable := int64(r.Payable(m))
		if payable < 0 {
			t.Errorf("%s: payable %s below 0", r.Org.ID(m), r.Payable(m))
		}
		left := payable
		for k, x := range p.Deductions {
			want := int64(0)
			if payable > 0 {
				want = int64(x.Amount)
				if x.ByRate {
					// payable × rate, in units of 10^-Scale, truncated to the minor unit
					exact := new(big.Int).Mul(big.NewInt(payable), big.NewInt(int64(x.Rate)))
					exact.Quo(exact, big.NewInt(int64(dec.RateOne)))
					want = exact.Int64() / unit * unit
				}
			}
			want = min(want, left)
			if got := int64(r.Deducted[k][m]); got != want {
				t.Errorf("%s: %s took %d, want %d (payable %d, left %d)", r.Org.ID(m), x.Name, got, want, payable, left)
			}
			left -= want
			sums[k] += want
		}
		if int64(r.Net(m)) != left || left < 0 {
			t.Errorf("%s: net %s, want %d", r.Org.ID(m), r.Net(m), left)
		}
		net += left
	}
	total := net
	for k := range sums {
		if int64(r.DeductedTotal[k]) != sums[k] {
			t.Errorf("%s: total %s, members' sum %d", p.Deductions[k].Name, r.DeductedTotal[k], sums[k])
		}
		total += sums[k]
	}
	if int64(r.NetTotal()) != net || total != int64(r.Payout) {
		t.Errorf("net total %s (members %d), deductions + net %d, payout %s", r.NetTotal(), net, total, r.Payout)
	}
}

// putUp is Σ over sales and levels of round(rate × commissionable volume)
// (0 for a non-commissionable type), or Σ adjustments, written out
// independently of the engine.
func putUp(r *Result, c *Component) int64 {
	var s int64
	if c.Type == TypeAdjustment {
		for _, a := range r.Data.Adjustments {
			s += int64(a.Amount)
		}
		return s
	}
	if c.Type == TypePool {
		// The commissionable volume; a reversed return counts only when its
		// order is among this period's sales (it is returned in this run);
		// the pool is never funded below 0.
		here := map[string]bool{}
		for _, ch := range r.Data.Sales.Chunks {
			for k := range ch.Member {
				if ch.TypeOf(k) != tree.ReturnType && r.Data.KeepOrderIDs {
					here[ch.OrderID(k)] = true
				}
			}
		}
		var base dec.D
		for ci, ch := range r.Data.Sales.Chunks {
			for k, v := range ch.Volumes() {
				switch {
				case slices.Contains(r.Plan.NonCommissionable, ch.TypeOf(k)):
				case r.reversedSales[SaleRef{int32(ci), int32(k)}]:
					if here[ch.OrderID(k)] {
						base += v
					}
				default:
					base += v
				}
			}
		}
		if c.s().PoolOfAmount {
			base = r.SalesAmount
		}
		return int64(dec.MulRound(max(base, 0), c.s().Rate, r.Plan.Digits, r.Plan.Rounding))
	}
	if c.Type == TypeBinary {
		return binaryPutUp(r, c)
	}
	if c.Type == TypeRecruit { // its amounts for each distributor who joined in the period with the PV
		var all dec.D
		for _, a := range c.s().RecruitAmounts {
			all += a
		}
		pr := r.Data.Period
		for m := range int32(r.Org.Len()) {
			j := r.Org.Joined(m)
			if !r.Org.Customer(m) && pr.From <= j && j <= pr.To && (!c.s().MinPV.Set || r.PV[m] >= c.s().MinPV.Value) {
				s += int64(all)
			}
		}
		return s
	}
	if c.Type == TypeAdvancement { // each rank crossed since the highest reached before, and instalments due
		ci := slices.IndexFunc(r.Plan.Components, func(x Component) bool { return x.Name == c.Name })
		f := c.s()
		share := func(a dec.D, i int) dec.D { // instalment i of a
			if f.Instalments <= 1 {
				return a
			}
			per := dec.Round(a/dec.D(f.Instalments), r.Plan.Digits, dec.Down)
			if i < f.Instalments {
				return per
			}
			return a - per*dec.D(f.Instalments-1)
		}
		for m := range int32(r.Org.Len()) {
			if r.carried != nil && r.carried.instalments != nil {
				for _, in := range r.carried.instalments[m] {
					if in.comp == ci {
						s += int64(share(f.Amounts[in.rank], in.paid+1))
					}
				}
			}
			before, now := int16(NoRank), r.Rank[m]
			switch {
			case f.Held <= 1 && r.carried != nil:
				before = r.carried.highest[m]
			case f.Held > 1 && r.carried != nil && r.carried.reached != nil && r.carried.reached[ci] != nil:
				before = r.carried.reached[ci][m]
			}
			for i := range f.Held - 1 {
				prev := int16(NoRank)
				if r.carried != nil && r.carried.recentPaid != nil && i < len(r.carried.recentPaid[m]) {
					prev = r.carried.recentPaid[m][i]
				}
				now = min(now, prev)
			}
			if fl := r.Org.Floor(m); fl != "" {
				before = max(before, int16(slices.IndexFunc(r.Plan.Ranks, func(rk Rank) bool { return rk.Name == fl })))
			}
			for k := before + 1; k <= now; k++ {
				s += int64(share(f.Amounts[k], 1))
			}
		}
		return s
	}
	if c.Type == TypeRankBonus { // the highest listed rank at or below each rank of the last Held periods
		for m := range r.Org.Len() {
			held := r.Rank[m]
			for i := range c.s().Held - 1 {
				prev := int16(NoRank)
				if r.carried != nil && r.carried.recentPaid != nil && i < len(r.carried.recentPaid[m]) {
					prev = r.carried.recentPaid[m][i]
				}
				held = min(held, prev)
			}
			for k := int(held); k >= 0; k-- {
				if c.s().Listed[k] {
					s += int64(c.s().Amounts[k])
					break
				}
			}
		}
		return s
	}
	if c.Type == TypeMatching {
		for m := range r.Org.Len() {
			var base dec.D
			matched := r.Unscaled
			if r.BeforeMemberCap != nil {
				matched = r.BeforeMemberCap
			}
			for _, o := range c.s().Of {
				base += matched[o][m]
				if r.revOut != nil && r.revOut[o] != nil { // reversals of earlier orders are not matched
					base -= r.revOut[o][m]
				}
			}
			if !c.s().RankGenerations {
				for _, rate := range c.s().Generations {
					s += int64(dec.MulRound(base, rate, r.Plan.Digits, r.Plan.Rounding))
				}
				continue
			}
			// Generations that end at a rank: a line for every upline (a
			// distributor: customers are skipped), on the generation m is
			// in for them, until the last generation or the top.
			up := func(x int32) int32 {
				for x = r.Org.Sponsor(x); x >= 0 && r.Org.Customer(x); x = r.Org.Sponsor(x) {
				}
				return x
			}
			g := 0
			for u := up(int32(m)); u >= 0 && g < len(c.s().Generations); u = up(u) {
				if base != 0 {
					s += int64(dec.MulRound(base, c.s().Generations[g], r.Plan.Digits, r.Plan.Rounding))
				}
				if r.Rank[u] != NoRank && int(r.Rank[u]) >= c.s().GenerationRank {
					g++
				}
			}
		}
		return s
	}
	if c.Type == TypePersonal && (c.s().PersonalRates != nil || c.s().Tiers != nil) {
		// Each sale at its seller's rate: by paid-as rank, or by the tier
		// of their PV (the seller being the distributor a customer's sale
		// is credited to).
		for ci, ch := range r.Data.Sales.Chunks {
			for k, v := range ch.Volumes() {
				if slices.Contains(r.Plan.NonCommissionable, ch.TypeOf(k)) || r.reversedSales[SaleRef{int32(ci), int32(k)}] {
					continue
				}
				seller := ch.Member[k]
				for seller >= 0 && r.Org.Customer(seller) {
					seller = r.Org.Sponsor(seller)
				}
				if seller < 0 {
					seller = ch.Member[k] // a customer without a distributor: paid to nobody, at their own rate
				}
				rate := dec.Rate(0)
				if rates := c.s().PersonalRates; rates != nil && r.Rank[seller] != NoRank {
					rate = rates[r.Rank[seller]]
				}
				for _, t := range c.s().Tiers {
					if r.PV[seller] >= t.PV {
						rate = t.Rate
					}
				}
				s += int64(dec.MulRound(v, rate, r.Plan.Digits, r.Plan.Rounding))
			}
		}
		return s
	}
	rates := c.s().Levels
	if c.Type == TypePersonal {
		rates = []dec.Rate{c.s().Rate}
	}
	if c.Type == TypeDifferential {
		rates = []dec.Rate{slices.Max(c.s().DiffRates)}
	}
	// firstID is each buyer's first order this period (first_order): the
	// order id of their earliest row that is not a return, by date then id.
	firstID := map[int32]string{}
	firstDay := map[int32]int32{}
	for _, ch := range r.Data.Sales.Chunks {
		for k, m := range ch.Member {
			if ch.TypeOf(k) == tree.ReturnType || (r.carried != nil && r.carried.firstOrdered != nil && r.carried.firstOrdered[m]) {
				continue
			}
			id, day := ch.OrderID(k), ch.DateOf(k)
			if old, ok := firstID[m]; !ok || day < firstDay[m] || (day == firstDay[m] && id < old) {
				firstID[m], firstDay[m] = id, day
			}
		}
	}
	for ci, ch := range r.Data.Sales.Chunks {
		for k, v := range ch.Volumes() {
			if slices.Contains(r.Plan.NonCommissionable, ch.TypeOf(k)) || r.reversedSales[SaleRef{int32(ci), int32(k)}] {
				v = 0
			}
			if id, ok := firstID[ch.Member[k]]; c.Type == TypeFirstOrder && (!ok || id != ch.OrderID(k)) {
				continue // not the buyer's first order
			}
			if c.Type == TypeFastStart {
				// Only a sale in its seller's window (the seller being the
				// distributor a customer's sale is credited to).
				seller := ch.Member[k]
				for u := seller; r.Org.Customer(seller) && u >= 0; u = r.Org.Sponsor(u) {
					if !r.Org.Customer(u) {
						seller = u
					}
				}
				if d, j := ch.DateOf(k), r.Org.Joined(seller); d < j || d-j >= int32(c.s().Days) {
					continue
				}
			}
			for _, rate := range rates {
				s += int64(dec.MulRound(v, rate, r.Plan.Digits, r.Plan.Rounding))
			}
			if b := c.s().Breakaway; b != nil && hasLeader(r, ch.Member[k], b.Rank) {
				for _, rate := range b.Generations {
					s += int64(dec.MulRound(v, rate, r.Plan.Digits, r.Plan.Rounding))
				}
			}
		}
	}
	return s
}

// hasLeader reports whether a sale by seller (credited to their nearest
// distributor) has a member at or above rank on its path up.
func hasLeader(r *Result, seller int32, rank int) bool {
	for m := seller; m >= 0; m = r.Org.Sponsor(m) {
		if !r.Org.Customer(m) && r.Rank[m] != NoRank && int(r.Rank[m]) >= rank {
			return true
		}
	}
	return false
}

// TestTooLarge: sales whose lines could add up beyond the exact range are
// refused before any sum could overflow.
func TestTooLarge(t *testing.T) {
	p, err := Decode([]byte("name: t\ncurrency: USD\ncomponents:\n  - {name: u, type: unilevel, levels: [100%, 100%]}\n  - {name: m, type: matching, of: [u], generations: [100%]}\n"), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sales := "member_id,amount\n" + strings.Repeat("B,99999999999999\n", 9)
	if _, err := Compute(p, mustData(t, "id,sponsor_id\nA,\nB,A\n", sales, "")); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("error = %v, want ErrTooLarge", err)
	}
}

// TestTooLargeWithReturns: sales and returns that cancel out in the
// totals can still overflow the lines on the way; the range check counts
// volumes without their signs.
func TestTooLargeWithReturns(t *testing.T) {
	p, err := Decode([]byte("name: t\ncurrency: USD\ncomponents:\n  - {name: r, type: personal, rate: 10%}\n"), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	pair := "O1,A,99999999999999,\nO1,A,-99999999999999,return\n"
	sales := "order_id,member_id,amount,type\n" + strings.Repeat(pair, 6)
	if _, err := Compute(p, mustData(t, "id\nA\n", sales, "")); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("error = %v, want ErrTooLarge", err)
	}
	r, err := Compute(p, mustData(t, "id\nA\n", "order_id,member_id,amount,type\n"+pair, ""))
	if err != nil {
		t.Fatal(err)
	}
	if r.Paid[0] != 0 {
		t.Fatalf("one sale and its return pay %s, want 0", r.Paid[0])
	}
}
