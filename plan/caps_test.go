package plan

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/compplan/compplan/tree/dec"
)

func TestPool(t *testing.T) {
	const plan = `
name: t
currency: USD
active: {pv: 10}
ranks: [{name: Star, pv: 100}, {name: Gold, pv: 300}]
components:
  - name: pool
    type: pool
    percent: 10%%
    of: %s
    shares: {Star: 1, Gold: 2}
`
	members := "id,sponsor_id\nA,\nB,A\nC,A\nD,A\n"
	for _, tt := range []struct {
		name, of, sales string
		want            map[string]string // rank active pv gv pool
		tot             string
	}{
		// 10% of 1000 = 100.00 over 2 + 2 + 1 + 1 shares: 33.33, 33.33,
		// 16.66, 16.66 (each rounded down); 0.02 is left.
		{"unequal shares", "volume", "A,400,\nB,300,\nC,100,\nD,200,\n", map[string]string{
			"A": "Gold true 400 1000 33.33", "B": "Gold true 300 300 33.33", "C": "Star true 100 100 16.66", "D": "Star true 200 200 16.66"},
			"pool 99.98/0.02 payout 99.98"},
		// Four Stars: 25.00 each.
		{"equal shares", "volume", "A,250,\nB,250,\nC,250,\nD,250,\n", map[string]string{
			"A": "Star true 250 1000 25.00", "D": "Star true 250 250 25.00"},
			"pool 100.00/0.00 payout 100.00"},
		// Nobody has PV 100: 10% of 200 is all breakage.
		{"nobody qualified", "volume", "A,50,\nB,50,\nC,50,\nD,50,\n", map[string]string{"A": "- true 50 200 0.00"},
			"pool 0.00/20.00 payout 0.00"},
		// Of the sales amount, 1000: three Stars share 100.00: 33.33 each
		// and a remainder cent. D (PV 50) holds no rank.
		{"a remainder cent", "amount", "A,300,100\nB,300,100\nC,300,100\nD,100,50\n", map[string]string{
			"A": "Star true 100 350 33.33", "C": "Star true 100 100 33.33", "D": "- true 50 50 0.00"},
			"pool 99.99/0.01 payout 99.99"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := calc(t, fmt.Sprintf(plan, tt.of), members, "member_id,amount,volume\n"+tt.sales)
			expectRows(t, r, tt.want)
			expectTotals(t, r, tt.tot)
		})
	}
}

// TestComponentCapBeforeMatching: M earns 80.00 of unilevel, capped at
// 50.00; the 10% match above M is on the capped 50.00: 5.00, not 8.00.
func TestComponentCapBeforeMatching(t *testing.T) {
	const plan = `
name: t
currency: USD
components:
  - {name: uni, type: unilevel, levels: [100%], cap: 50}
  - {name: match, type: matching, of: [uni], generations: [10%]}
`
	r := calc(t, plan, "id,sponsor_id\nT,\nM,T\nS,M\n", "member_id,amount\nS,80\n")
	expectRows(t, r, map[string]string{"M": "- true 0 80 50.00 0.00", "T": "- true 0 80 0.00 5.00"})
	expectTotals(t, r, "uni 50.00/30.00 match 5.00/0.00 payout 55.00")
	if r.CutByComponentCaps != dec.FromInt(30) {
		t.Errorf("component caps cut %s, want 30", r.CutByComponentCaps)
	}
}

// TestMemberCap: A earns 10.00 retail and 50.00 unilevel; a member cap of
// 30.00 takes the 30.00 excess in component order: all of the retail, then
// 20.00 of the unilevel.
func TestMemberCap(t *testing.T) {
	const plan = `
name: t
currency: USD
member_cap: 30
components:
  - {name: retail, type: personal, rate: 10%}
  - {name: uni, type: unilevel, levels: [50%]}
`
	r := calc(t, plan, "id,sponsor_id\nA,\nB,A\n", "member_id,amount\nA,100\nB,100\n")
	expectRows(t, r, map[string]string{"A": "- true 100 200 0.00 30.00", "B": "- true 100 100 10.00 0.00"})
	// uni: B's 50 (30 paid, 20 cut) and A's own 50 above the top.
	expectTotals(t, r, "retail 10.00/10.00 uni 30.00/70.00 payout 40.00")
	if r.CutByMemberCap != dec.FromInt(30) {
		t.Errorf("member cap cut %s, want 30", r.CutByMemberCap)
	}
}

// TestPayoutCap: sales of 300 put up 30.00 retail and 80.00 of unilevel
// paid: 110.00 against a cap of 30% × 300 = 90.00. The factor 90/110 =
// 0.818181 (truncated to 6 places); each line is scaled and rounded down:
// 10.00 → 8.18, 40.00 → 32.72; the difference is breakage.
func TestPayoutCap(t *testing.T) {
	const plan = `
name: t
currency: USD
payout_cap: %s
components:
  - {name: retail, type: personal, rate: 10%%}
  - {name: uni, type: unilevel, levels: [40%%]}
`
	members, sales := "id,sponsor_id\nA,\nB,A\nC,B\n", "member_id,amount\nA,100\nB,100\nC,100\n"
	r := calc(t, fmt.Sprintf(plan, "30%"), members, sales)
	expectRows(t, r, map[string]string{
		"A": "- true 100 300 8.18 32.72", "B": "- true 100 200 8.18 32.72", "C": "- true 100 100 8.18 0.00"})
	expectTotals(t, r, "retail 24.54/5.46 uni 65.44/54.56 payout 89.98")
	if got := string(r.ScaleFactor.AppendFraction(nil)); got != "0.818181" {
		t.Errorf("scale factor %s, want 0.818181", got)
	}
	if r.CutByPayoutCap.String() != "20.02" {
		t.Errorf("payout cap cut %s, want 20.02", r.CutByPayoutCap)
	}
	// A cap of 50% (150.00) does not bind: factor 1, nothing cut.
	r = calc(t, fmt.Sprintf(plan, "50%"), members, sales)
	expectTotals(t, r, "retail 30.00/0.00 uni 80.00/40.00 payout 110.00")
	if r.ScaleFactor != dec.RateOne {
		t.Errorf("scale factor %s, want 1", r.ScaleFactor)
	}
}

func TestCapErrors(t *testing.T) {
	for _, tt := range []struct{ src, want string }{
		{"components: [{name: u, type: unilevel, levels: [5%], cap: 0}]\n", "cap must be above 0"},
		{"member_cap: -5\ncomponents: [{name: u, type: unilevel, levels: [5%]}]\n", "member_cap must be a number of 0 or more"},
		{"payout_cap: 150%\ncomponents: [{name: u, type: unilevel, levels: [5%]}]\n", `payout_cap "150%" is over 100%`},
		{"ranks: [{name: A}]\ncomponents: [{name: p, type: pool, percent: 2%, shares: {Gold: 1}}]\n", `shares rank "Gold" is not a rank of this plan`},
		{"member_cap: {amount: 5, components: [nope]}\ncomponents: [{name: u, type: unilevel, levels: [5%]}]\n", `member_cap names "nope"`},
	} {
		_, err := Decode([]byte("name: x\ncurrency: USD\n"+tt.src), "p.yaml")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want %q", tt.src, err, tt.want)
		}
	}
}

// randomCappedPlan is randomPlan with caps: on unilevels, a member cap, a
// payout cap and a capped pool.
func randomCappedPlan(rng *rand.Rand) string {
	s := randomPlan(rng)
	if rng.IntN(2) == 0 {
		s = strings.Replace(s, "rounding:", fmt.Sprintf("member_cap: %d\nrounding:", 1+rng.IntN(60)), 1)
	}
	if rng.IntN(2) == 0 {
		s = strings.Replace(s, "rounding:", fmt.Sprintf("payout_cap: %d%%\nrounding:", 1+rng.IntN(40)), 1)
	}
	capText := fmt.Sprintf("%d.%02d", 1+rng.IntN(30), rng.IntN(100))
	if strings.Contains(s, "currency: JPY") { // a cap is a whole number of the minor unit
		capText = capText[:strings.IndexByte(capText, '.')]
	}
	s = strings.ReplaceAll(s, "    type: unilevel\n", "    type: unilevel\n    cap: "+capText+"\n")
	if strings.Contains(s, "ranks:") {
		s += fmt.Sprintf("  - {name: pool, type: pool, percent: %d%%, shares: {R0: 1}, cap: %d}\n", 1+rng.IntN(5), 1+rng.IntN(20))
	}
	return s
}

// TestCapsOnRandomTrees: with caps on, money reconciles (inside calc), no
// member earns above a component cap or the member cap, the payout stays
// within the payout cap, and row order does not matter.
func TestCapsOnRandomTrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	for i := 0; i < 200; i++ {
		plan := randomCappedPlan(rng)
		members, sales := randomData(rng, 1+rng.IntN(100))
		join := func(rows []string) string { return strings.Join(rows, "\n") + "\n" }
		r := calc(t, plan, memberHeader+join(members), salesHeader+join(sales))
		p := r.Plan
		for m := int32(0); m < int32(r.Org.Len()); m++ {
			var total dec.D
			for c, comp := range p.Components {
				if comp.Cap.Set && r.Earned[c][m] > comp.Cap.Value {
					t.Fatalf("case %d: %s earns %s from %s, above its cap %s\n%s", i, r.Org.ID(m), r.Earned[c][m], comp.Name, comp.Cap.Value, plan)
				}
				total += r.Earned[c][m]
			}
			if p.MemberCap.Set && total > p.MemberCap.Value {
				t.Fatalf("case %d: %s earns %s in all, above the member cap %s\n%s", i, r.Org.ID(m), total, p.MemberCap.Value, plan)
			}
		}
		if p.PayoutCap != 0 {
			limit := dec.MulRound(r.SalesAmount, p.PayoutCap, p.Digits, dec.Down)
			if r.Payout+r.HeldTotal > limit {
				t.Fatalf("case %d: payout %s above the payout cap %s\n%s", i, r.Payout+r.HeldTotal, limit, plan)
			}
		}
		r2 := calc(t, plan, memberHeader+join(shuffled(rng, members)), salesHeader+join(shuffled(rng, sales)))
		if render(r) != render(r2) {
			t.Fatalf("case %d: row order changed the result\n%s", i, plan)
		}
	}
}

func TestCapsYAMLRoundTrip(t *testing.T) {
	src := `
name: x
currency: EUR
member_cap: {amount: 1000, components: [uni]}
payout_cap: 45%
ranks: [{name: A}, {name: B, pv: 10}]
components:
  - {name: uni, type: unilevel, levels: [5%], cap: 250.5}
  - {name: pool, type: pool, percent: 2%, of: amount, shares: {B: 3}, min_pv: 20, cap: 99}
  - {name: m, type: matching, of: [uni, pool], generations: [10%]}
`
	p, err := Decode([]byte(src), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	again, err := Decode(p.YAML(), "again.yaml")
	if err != nil || !reflect.DeepEqual(p, again) {
		t.Fatalf("round trip: %v\n%s", err, p.YAML())
	}
}
