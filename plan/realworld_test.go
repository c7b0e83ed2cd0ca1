package plan

import (
	"strings"
	"testing"

	"github.com/compplan/compplan/tree"
)

const realWorldPlan = `
name: RW
currency: USD
active: {pv: 50}
non_commissionable: [sample]
min_payout: 5
ranks:
  - name: Associate
  - name: Bronze
    pv: 100
    customers: 1
  - name: Silver
    pv: 100
    sponsored_active: 2
    legs: {count: 2, gv: 100}
components:
  - {name: retail, type: personal, rate: 10%}
  - name: uni
    type: unilevel
    levels: [10%, 5%, 5%]
    compression: dynamic
    paid_levels: {Associate: 1, Bronze: 2, Silver: 3}
`

// A sponsors B (rank floor Silver); B sponsors C (a customer) and D; D
// sponsors T (terminated) and F; T sponsors E.
const realWorldMembers = `id,sponsor_id,type,rank,terminated
A,,,,
B,A,,Silver,
C,B,customer,,
D,B,distributor,,
T,D,,,2026-01-31
E,T,,,
F,D,,,
`

const realWorldSales = `order_id,member_id,amount,volume,qv,cv,type
1,A,120,,,,
2,B,100,,,,
3,C,60,,,,
4,D,80,,150,40,
5,T,100,,,,
6,E,200,,,,
7,F,50,,,,sample
8,F,30,,,,
`

const realWorldAdjustments = `member_id,amount,reason
B,-10.00,chargeback SO-2
A,3.50,bonus
`

// TestRealWorld checks each rule of customers, QV/CV, non-commissionable
// sales, rank floors, terminated members, adjustments and the minimum
// payout on one hand-computed example (worked out in the comments).
func TestRealWorld(t *testing.T) {
	p, err := Decode([]byte(realWorldPlan), "rw.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d, err := tree.ReadMembers(strings.NewReader(realWorldMembers), "members.csv")
	if err != nil {
		t.Fatal(err)
	}
	d.KeepOrderIDs = true
	if err := d.ReadSales(strings.NewReader(realWorldSales), "sales.csv"); err != nil {
		t.Fatal(err)
	}
	if err := d.ReadAdjustments(strings.NewReader(realWorldAdjustments), "adj.csv"); err != nil {
		t.Fatal(err)
	}
	r, err := Compute(p, d)
	if err != nil {
		t.Fatal(err)
	}
	checkReconciles(t, r)
	checkLines(t, r)
	// Totals (a report's row) adds up what Personal, Team and Total do:
	// the adjustments count in the total only.
	for m := range int32(r.Org.Len()) {
		personal, team, total := r.Totals(m)
		if personal != r.Personal(m) || team != r.Team(m) || total != r.Total(m) {
			t.Errorf("%s: Totals %s %s %s, want %s %s %s", r.Org.ID(m), personal, team, total, r.Personal(m), r.Team(m), r.Total(m))
		}
	}
	// PV uses QV, and C's sale is B's: A 120, B 100+60, D 150 (qv), T 100,
	// E 200, F 50+30 (the sample counts for QV). GV: E 200, T 300, F 80,
	// D 530, B 690, A 810.
	// Ranks: B qualifies Bronze (PV 160, one customer with a sale) and is
	// paid as Silver by its floor; Silver needs 2 sponsored active
	// distributors, B has only D (C is a customer). D is Associate (no
	// customer; of T and F only F is active and not terminated). C, a
	// customer, holds no rank and is never active.
	// retail 10% (T is terminated: its 10.00 is breakage; F's sample has
	// CV 0): A 12, B 10 + 6 (C's sale), D 4 (CV 40), E 20, F 0 + 3.
	// uni, dynamic (T compressed out; customers never count): A's 120 is
	// above the top (24 breakage); B's 100 and C's 60: A (Associate, 1
	// level) 10 and 6, then above the top; D's 40: B (Silver, 3 levels) 4,
	// A level 2 ✗2, top ✗2; T's 100: D 10, B 5, A ✗5; E's 200: D 20, B 10,
	// A ✗10; F's 0: nothing; F's 30: D 3, B 1.50, A ✗1.50.
	// adjustments: A +3.50, B −10.00. F's total 3.00 is under the 5.00
	// minimum: held.
	expectRows(t, r, map[string]string{
		// rank active pv gv retail uni adjustments
		"A": "Associate true 120 810 12.00 16.00 3.50",
		"B": "Silver true 160 690 16.00 20.50 -10.00",
		"C": "- false 0 0 0.00 0.00 0.00",
		"D": "Associate true 150 530 4.00 33.00 0.00",
		"T": "Associate true 100 300 0.00 0.00 0.00",
		"E": "Associate true 200 200 20.00 0.00 0.00",
		"F": "Associate true 80 80 3.00 0.00 0.00",
	})
	if got := r.QualifiedName(r.Org.Lookup("B")); got != "Bronze" {
		t.Errorf("B qualified %q, want Bronze", got)
	}
	expectTotals(t, r, "retail 55.00/10.00 uni 69.50/60.50 adjustments -6.50/0.00 payout 115.00")
	f := r.Org.Lookup("F")
	if r.Held[f].String() != "3" || r.HeldTotal.String() != "3" {
		t.Errorf("held F %s, total %s; want 3 and 3", r.Held[f], r.HeldTotal)
	}
	// The notes say why.
	notes := map[string]bool{}
	if _, err := ComputeWith(p, d, Options{Lines: func(r *Result, l *Line) error {
		notes[r.Plan.Components[l.Component].Name+": "+l.Note(r)] = true
		return nil
	}}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"retail: breakage: T is terminated",
		"uni: compressed past T (terminated)",
		"uni: breakage: A is Associate, which is paid 1 level",
		"adjustments: chargeback SO-2",
	} {
		if !notes[want] {
			t.Errorf("no line notes %q; notes: %v", want, notes)
		}
	}
}

func TestLegsGVAndCustomerCount(t *testing.T) {
	const plan = `
name: t
currency: USD
ranks:
  - name: Leader
    legs: {count: 2, gv: 100}
  - name: Retailer
    customers: 2
components: [{name: r, type: personal, rate: 0%}]
`
	// R's legs: X (GV 150), Y (GV 100), Z (GV 99.99): two of 100 or more.
	// R sponsors customers K1 (a sale) and K2 (none): one customer with a
	// sale, so R is not a Retailer though it sponsors two customers.
	members := "id,sponsor_id,type\nR,,\nX,R,\nY,R,\nZ,R,\nK1,R,customer\nK2,R,customer\n"
	sales := "member_id,amount\nX,150\nY,100\nZ,99.99\nK1,10\n"
	r := calc(t, plan, members, sales)
	if got := row(r, "R"); got != "Leader true 10 359.99 0.00" {
		t.Errorf("R = %s, want Leader (K1's sale is R's PV)", got)
	}
	r = calc(t, plan, members, sales+"K2,5\n")
	if got := row(r, "R"); got != "Retailer true 15 364.99 0.00" {
		t.Errorf("R = %s, want Retailer", got)
	}
}

func TestRealWorldErrors(t *testing.T) {
	p, err := Decode([]byte(realWorldPlan), "rw.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, members, adjust, want string }{
		{"bad type", "id,type\nA,reseller\n", "", `members.csv:2:3: column "type": "reseller" is not a member type: use distributor (the default) or customer`},
		{"customer with a rank", "id,type,rank\nA,customer,Silver\n", "", `members.csv:2:12: column "rank": customer "A" has a rank: customers hold no rank`},
		{"unknown floor", "id,rank\nA,\nB,Gold\n", "", `members.csv:3:3: column "rank": rank floor "Gold" is not a rank of plan RW (ranks: Associate, Bronze, Silver)`},
		{"bad termination date", "id,terminated\nA,2026-02-30\n", "", `members.csv:2:3: column "terminated": "2026-02-30" is not a date`},
		{"adjustment for unknown member", "id\nA\n", "member_id,amount,reason\nZ,5,x\n", `adj.csv:2:1: column "member_id": adjustment for unknown member "Z"`},
		{"adjustment with too many decimals", "id\nA\n", "member_id,amount,reason\nA,5.001,x\n", `adj.csv:2:3: column "amount": 5.001 has more decimals than USD's 2`},
		{"adjustment not a number", "id\nA\n", "member_id,amount\nA,five\n", `adj.csv:2:3: column "amount": "five" is not an amount`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d, err := tree.ReadMembers(strings.NewReader(tt.members), "members.csv")
			if err == nil && tt.adjust != "" {
				err = d.ReadAdjustments(strings.NewReader(tt.adjust), "adj.csv")
			}
			if err == nil {
				_, err = Compute(p, d)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v\nwant %s", err, tt.want)
			}
		})
	}
}

// TestFloorRaisesPaidLevels: a rank floor raises the paid-as rank, and with
// it the levels the member is paid on.
func TestFloorRaisesPaidLevels(t *testing.T) {
	const plan = `
name: t
currency: USD
ranks:
  - name: Low
  - name: High
    pv: 1000
components:
  - name: uni
    type: unilevel
    levels: [10%, 10%, 10%]
    paid_levels: {Low: 1, High: 3}
`
	// D's sale of 100: C on level 1, B on level 2 (Low: breakage), A on
	// level 3: breakage as a Low, paid 10.00 with the floor High.
	for _, tt := range []struct{ floor, a, tot string }{
		{"", "Low true 0 100 0.00", "uni 10.00/20.00 payout 10.00"},
		{"High", "High true 0 100 10.00", "uni 20.00/10.00 payout 20.00"},
	} {
		r := calc(t, plan, "id,sponsor_id,rank\nA,,"+tt.floor+"\nB,A,\nC,B,\nD,C,\n", "member_id,amount\nD,100\n")
		if got := row(r, "A"); got != tt.a {
			t.Errorf("floor %q: A = %s, want %s", tt.floor, got, tt.a)
		}
		if got := r.QualifiedName(r.Org.Lookup("A")); got != "Low" {
			t.Errorf("floor %q: A qualified %q, want Low", tt.floor, got)
		}
		expectTotals(t, r, tt.tot)
	}
}
