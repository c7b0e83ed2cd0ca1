package plan

import (
	"fmt"
	"strings"
	"testing"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// binaryPutUp is what a binary's rules put up, written out independently
// of the engine: each placed member's legs summed by walking every sale up
// the placement tree, the pairing of every member who qualifies (or whose
// unqualified legs are flushed), by rate or by whole cycles. It also checks
// the engine's legs against those sums, and every leg's balance.
func binaryPutUp(r *Result, c *Component) int64 {
	o, b, bn := r.Org, r.Binary, c.s().Binary
	n := o.Len()
	legs := [2][]dec.D{make([]dec.D, n), make([]dec.D, n)}
	ci := r.Data.CarryIn
	if r.carried != nil && r.carried.carry != nil {
		ci = r.carried.carry
	}
	if len(r.revs) > 0 {
		// Returns of earlier orders took from the carry-in (tested by
		// hand in TestBinaryReturnsReverse).
		ci = &[2][]dec.D{r.Legs.CarryInL, r.Legs.CarryInR}
	}
	if ci != nil {
		copy(legs[0], ci[0])
		copy(legs[1], ci[1])
	}
	here := map[SaleRef]bool{} // returns of this period's orders: out of the legs
	for _, rv := range r.revs {
		if rv.period == 0 {
			here[rv.sale] = true
		}
	}
	for ci, ch := range r.Data.Sales.Chunks {
		for k, v := range ch.Volumes() {
			if r.reversedSales[SaleRef{int32(ci), int32(k)}] && !here[SaleRef{int32(ci), int32(k)}] {
				continue // a reversed return carries no volume
			}
			seller := ch.Member[k]
			for o.Customer(seller) && o.Sponsor(seller) >= 0 {
				seller = o.Sponsor(seller)
			}
			if slicesContains(r.Plan.NonCommissionable, ch.TypeOf(k)) {
				v = 0
			}
			for y := seller; b.Parent[y] >= 0; y = b.Parent[y] {
				legs[b.Leg[y]][b.Parent[y]] += v
			}
		}
	}
	under := func(x, top int32) bool {
		for ; x >= 0; x = b.Parent[x] {
			if x == top {
				return true
			}
		}
		return false
	}
	var s int64
	for m := range int32(n) {
		lg := r.Legs
		if lg.Left[m] != legs[0][m] || lg.Right[m] != legs[1][m] {
			panic(fmt.Sprintf("%s: engine legs %s/%s, walked %s/%s", o.ID(m), lg.Left[m], lg.Right[m], legs[0][m], legs[1][m]))
		}
		if lg.Left[m] != lg.PairedL[m]+lg.CarryOutL[m]+lg.FlushedL[m] || lg.Right[m] != lg.PairedR[m]+lg.CarryOutR[m]+lg.FlushedR[m] {
			panic(fmt.Sprintf("%s: legs do not balance", o.ID(m)))
		}
		if (lg.AgesOut[0] != nil) != (bn.CarryExpires > 0) {
			panic("carry by age without carry_expires, or none with it")
		}
		for leg, out := range [2]dec.D{lg.CarryOutL[m], lg.CarryOutR[m]} {
			if lg.AgesOut[0] == nil {
				break
			}
			var sum dec.D
			for _, a := range lg.AgesOut[leg][m] {
				if a < 0 {
					panic(fmt.Sprintf("%s: a carry age below 0: %v", o.ID(m), lg.AgesOut[leg][m]))
				}
				sum += a
			}
			if sum != out || len(lg.AgesOut[leg][m]) > bn.CarryExpires || (bn.CarryCap.Set && sum > bn.CarryCap.Value) {
				panic(fmt.Sprintf("%s: carry %s by age %v (carry_expires %d)", o.ID(m), out, lg.AgesOut[leg][m], bn.CarryExpires))
			}
		}
		qualified := r.Active[m] && !o.Customer(m) && o.Terminated(m) == tree.NoDate
		if bn.QualifySponsored {
			var in [2]bool
			for x := range int32(n) {
				if o.Sponsor(x) == m && !o.Customer(x) && o.Terminated(x) == tree.NoDate {
					for leg := range 2 {
						if ch := b.Child(m, uint8(leg)); ch >= 0 && under(x, ch) {
							in[leg] = true
						}
					}
				}
			}
			qualified = qualified && in[0] && in[1]
		}
		if qualified != lg.Qualified[m] {
			panic(fmt.Sprintf("%s: qualified %t, engine says %t", o.ID(m), qualified, lg.Qualified[m]))
		}
		if !qualified && bn.KeepUnqualified {
			continue
		}
		l, rt := max(legs[0][m], 0), max(legs[1][m], 0)
		// A pairing puts up the highest rate (or cycle amount) any rank
		// is paid: the plan's own for a rank not listed, or no rank.
		if cy := bn.Cycle; cy != nil {
			cycles := min(int64(l/cy.Left), int64(rt/cy.Right))
			before := r.carried != nil && r.carried.firstPaired != nil && r.carried.firstPaired[m]
			if bn.FirstPair && !before {
				// The first pair: twice the cycle's side from the stronger
				// leg (a tie: the left), once from the other; then 1:1.
				switch {
				case l >= rt && l >= 2*cy.Left && rt >= cy.Right:
					cycles = min(int64((l-cy.Left)/cy.Left), int64(rt/cy.Right))
				case l < rt && rt >= 2*cy.Right && l >= cy.Left:
					cycles = min(int64(l/cy.Left), int64((rt-cy.Right)/cy.Right))
				default:
					cycles = 0
				}
				if now := r.FirstPaired[m]; now != (qualified && cycles > 0) {
					panic(fmt.Sprintf("%s: first paired %t, with %d cycles, qualified %t", o.ID(m), now, cycles, qualified))
				}
			} else if bn.FirstPair && !r.FirstPaired[m] {
				panic(fmt.Sprintf("%s: had a first pair, and lost it", o.ID(m)))
			}
			top := cy.Amount
			for k, a := range cy.Amounts {
				if !cy.NoAmount[k] {
					top = max(top, a)
				}
			}
			s += int64(dec.Round(dec.D(cycles*int64(top)), r.Plan.Digits, r.Plan.Rounding))
		} else {
			top := c.s().Rate
			for k, rate := range c.s().BinaryRates {
				if !c.s().BinaryNoRate[k] {
					top = max(top, rate)
				}
			}
			s += int64(dec.MulRound(min(l, rt), top, r.Plan.Digits, r.Plan.Rounding))
		}
	}
	return s
}

func slicesContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// legsRow renders a member's binary report: left right | carry in |
// paired | carry out | flushed | qualified.
func legsRow(r *Result, id string) string {
	m, lg := r.Org.Lookup(id), r.Legs
	return fmt.Sprintf("%s/%s in %s/%s paired %s/%s out %s/%s flushed %s/%s %t", lg.Left[m], lg.Right[m], lg.CarryInL[m], lg.CarryInR[m],
		lg.PairedL[m], lg.PairedR[m], lg.CarryOutL[m], lg.CarryOutR[m], lg.FlushedL[m], lg.FlushedR[m], lg.Qualified[m])
}

// The binary worked example: A at the top, B and C on A's legs, D and E on
// B's. A sponsors B and C; B sponsors D and E. A's own 100 is in neither of
// A's legs. A carries 30 into the right leg.
const (
	binaryMembers = "id,sponsor_id,placement_id,leg\nA,,,\nB,A,A,L\nC,A,A,R\nD,B,B,L\nE,B,B,R\n"
	binarySales   = "member_id,amount\nA,100\nB,200\nC,100\nD,300\nE,50\n"
	binaryCarry   = "id,left,right\nA,0,30\n"
)

func binaryPlan(settings string) string {
	return `
name: b
currency: USD
active: {pv: 50}
components:
  - {name: bin, type: binary, ` + settings + `}
`
}

func calcCarry(t *testing.T, plan, members, sales, carry string) *Result {
	t.Helper()
	p, err := Decode([]byte(plan), "plan.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r, err := Compute(p, mustData(t, members, sales, carry))
	if err != nil {
		t.Fatal(err)
	}
	checkReconciles(t, r)
	checkLines(t, r)
	return r
}

// TestBinary: the README's worked example; an independent reviewer given
// only the README's binary rules computed the same figures. A's left leg is B 200 + D 300 + E 50 =
// 550; the right is C 100 + the carry-in 30 = 130. B's legs are D 300 and
// E 50.
func TestBinary(t *testing.T) {
	tests := []struct {
		name, settings, members string
		totals                  string
		a, b                    string
	}{
		// Weak leg 130 pays 10% = 13.00; A's left keeps 420, capped at
		// 400: 20 flushed. B pairs 50 (5.00) and carries 250.
		{"weak leg with carry and a carry cap", "rate: 10%, carry_cap: 400, qualify_sponsored: true", binaryMembers,
			"bin 18.00/0.00 payout 18.00",
			"550/130 in 0/30 paired 130/130 out 400/0 flushed 20/0 true",
			"300/50 in 0/0 paired 50/50 out 250/0 flushed 0/0 true"},
		{"no carry: the rest is flushed", "rate: 10%, carry: false", binaryMembers,
			"bin 18.00/0.00 payout 18.00",
			"550/130 in 0/30 paired 130/130 out 0/0 flushed 420/0 true",
			"300/50 in 0/0 paired 50/50 out 0/0 flushed 250/0 true"},
		// 40 + 40 a cycle, 5.00 each: A holds min(13, 3) = 3 cycles (120
		// of each leg, 15.00); left 430 → 400 carried, 30 flushed; right
		// 10 carried. B: min(7, 1) = 1 cycle, 5.00; 260 and 10 carried.
		{"per cycle, with a remainder", "cycle: {left: 40, right: 40, amount: 5}, carry_cap: 400", binaryMembers,
			"bin 20.00/0.00 payout 20.00",
			"550/130 in 0/30 paired 120/120 out 400/10 flushed 30/0 true",
			"300/50 in 0/0 paired 40/40 out 260/10 flushed 0/0 true"},
		// cap 10: A's 13.00 is cut to 10.00, 3.00 breakage.
		{"per member cap", "rate: 10%, cap: 10", binaryMembers,
			"bin 15.00/3.00 payout 15.00",
			"550/130 in 0/30 paired 130/130 out 420/0 flushed 0/0 true",
			"300/50 in 0/0 paired 50/50 out 250/0 flushed 0/0 true"},
		// E is A's recruit: B has nobody personally sponsored on the right
		// and is unqualified. Flushed: both legs go, and the 5.00 the
		// pairing would have paid is breakage.
		{"unqualified, flushed", "rate: 10%, qualify_sponsored: true", strings.Replace(binaryMembers, "E,B,B,R", "E,A,B,R", 1),
			"bin 13.00/5.00 payout 13.00",
			"550/130 in 0/30 paired 130/130 out 420/0 flushed 0/0 true",
			"300/50 in 0/0 paired 0/0 out 0/0 flushed 300/50 false"},
		// Kept: B's legs carry whole, and nothing is breakage yet.
		{"unqualified, kept", "rate: 10%, qualify_sponsored: true, flush_unqualified: false", strings.Replace(binaryMembers, "E,B,B,R", "E,A,B,R", 1),
			"bin 13.00/0.00 payout 13.00",
			"550/130 in 0/30 paired 130/130 out 420/0 flushed 0/0 true",
			"300/50 in 0/0 paired 0/0 out 300/50 flushed 0/0 false"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := calcCarry(t, binaryPlan(tt.settings), tt.members, binarySales, binaryCarry)
			expectTotals(t, r, tt.totals)
			if got := legsRow(r, "A"); got != tt.a {
				t.Errorf("A: %s\n want %s", got, tt.a)
			}
			if got := legsRow(r, "B"); got != tt.b {
				t.Errorf("B: %s\n want %s", got, tt.b)
			}
			// C, D and E have empty legs; under qualify_sponsored they are
			// unqualified too (they sponsor nobody).
			q := !strings.Contains(tt.settings, "qualify_sponsored: true")
			for _, id := range []string{"C", "D", "E"} {
				if got, want := legsRow(r, id), fmt.Sprintf("0/0 in 0/0 paired 0/0 out 0/0 flushed 0/0 %t", q); got != want {
					t.Errorf("%s: %s, want %s", id, got, want)
				}
			}
		})
	}
}

// TestBinaryInactive: with active pv 150, A (PV 100) is not qualified:
// A's legs are flushed and the 13.00 is breakage.
func TestBinaryInactive(t *testing.T) {
	plan := strings.Replace(binaryPlan("rate: 10%"), "pv: 50", "pv: 150", 1)
	r := calcCarry(t, plan, binaryMembers, binarySales, binaryCarry)
	expectTotals(t, r, "bin 5.00/13.00 payout 5.00")
	if got, want := legsRow(r, "A"), "550/130 in 0/30 paired 0/0 out 0/0 flushed 550/130 false"; got != want {
		t.Errorf("A: %s, want %s", got, want)
	}
	var notes []string
	if _, err := ComputeWith(r.Plan, r.Data, Options{Lines: func(r *Result, l *Line) error {
		notes = append(notes, fmt.Sprintf("%s %s %s", r.Org.ID(l.Upline), l.Amount, l.Note(r)))
		return nil
	}}); err != nil {
		t.Fatal(err)
	}
	want := "[A 13 breakage: A is inactive (PV 100 < 150) B 5 legs 300 left / 50 right]"
	if got := fmt.Sprint(notes); got != want {
		t.Errorf("lines %s\nwant  %s", got, want)
	}
}

// TestBinaryAutoPlaced: the same sales without placements, auto-placed on
// the weaker leg in joined order: B (tie: left), C (A's legs 0 vs 0 when
// C joins? B's 200 is left, so right), D and E (sponsored by B: D left, E
// right of B).
func TestBinaryAutoPlaced(t *testing.T) {
	members := "id,sponsor_id,joined\nA,,2026-01-01\nB,A,2026-01-02\nC,A,2026-01-03\nD,B,2026-01-04\nE,B,2026-01-05\n"
	r := calcCarry(t, binaryPlan("rate: 10%, carry_cap: 400, qualify_sponsored: true"), members, binarySales, binaryCarry)
	expectTotals(t, r, "bin 18.00/0.00 payout 18.00")
	if got, want := legsRow(r, "A"), "550/130 in 0/30 paired 130/130 out 400/0 flushed 20/0 true"; got != want {
		t.Errorf("A: %s, want %s", got, want)
	}
}

// TestMatrixCompression: a 2-wide matrix filled by spillover: A sponsors
// B, C, D, E (B and C on A's first level, D and E under B); D sponsors F
// (under D). F's sale of 100 pays along the matrix, F ← D ← B ← A, not the
// sponsor line F ← D ← A. D is inactive.
func TestMatrixCompression(t *testing.T) {
	const plan = `
name: m
currency: USD
active: {pv: 10}
components:
  - {name: mx, type: matrix, width: 2, levels: [10%%, 5%%, 5%%], compression: %s}
`
	members := "id,sponsor_id,joined\nA,,2026-01-01\nB,A,2026-01-02\nC,A,2026-01-03\nD,A,2026-01-04\nE,A,2026-01-05\nF,D,2026-01-06\n"
	sales := "member_id,amount\nA,10\nB,10\nC,10\nE,10\nF,100\n"
	for _, tt := range []struct{ mode, want string }{
		// none: level 1 is D (inactive: breakage), 2 is B, 3 is A.
		{"none", "[1:-:10.00 2:B:5.00 3:A:5.00]"},
		// dynamic: D is compressed past; B is level 1, A level 2, and
		// level 3 is above the top.
		{"dynamic", "[1:B:10.00 2:A:5.00 3:-:5.00]"},
	} {
		r := calc(t, fmt.Sprintf(plan, tt.mode), members, sales)
		if got := linesOf(t, r, "F"); got != tt.want {
			t.Errorf("%s: F's lines %s, want %s", tt.mode, got, tt.want)
		}
		if got, want := r.Org.ID(r.Matrix.Parent[r.Org.Lookup("E")]), "B"; got != want {
			t.Errorf("E is under %s, want %s", got, want)
		}
	}
}
