package plan

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

const rankBonusPlan = `name: Cars
currency: USD
active: {pv: 50}
ranks:
  - name: Bronze
    pv: 100
  - name: Silver
    pv: 200
  - name: Gold
    pv: 300
  - name: Diamond
    pv: 400
components:
  - name: car
    type: rank_bonus
    amounts: {Silver: 100, Gold: 250}
    held: 2
`

const rankBonusMembers = "id,sponsor_id,name,joined,rank,terminated\n"

// rankBonusLines is each member's rank bonus in a period: what they were
// paid (by id, "250.00"), and the reason of each breakage line, by the
// member it was theirs.
func rankBonusLines(t *testing.T, r *Result) (paid string, missed string) {
	t.Helper()
	var p, m []string
	for _, id := range r.Org.ByID() {
		if e := r.Earned[0][id]; e != 0 {
			p = append(p, r.Org.ID(id)+" "+string(e.AppendFixed(nil, 2)))
		}
	}
	if _, err := ComputeWith(r.Plan, r.Data, Options{carried: r.carried, Lines: func(res *Result, l *Line) error {
		if l.Earner < 0 {
			m = append(m, fmt.Sprintf("%s %s %s", res.Org.ID(l.Upline), l.Amount, map[Reason]string{Inactive: "inactive", Terminated: "terminated"}[l.Reason]))
		}
		return nil
	}}); err != nil {
		t.Fatal(err)
	}
	return strings.Join(p, ", "), strings.Join(m, ", ")
}

// TestRankBonusHeld works the README's example by hand: a bonus for Silver
// (100) and Gold (250) held for 2 periods, over four months, the state
// going from month to month (months runs it both by replay and by chained
// runs through the state's JSON).
//
//	PV     Jan  Feb  Mar  Apr   paid as (Bronze 100, Silver 200, Gold 300)
//	A      300  300  200    -   Gold Gold Silver -
//	B      200  300  300    -   Silver Gold Gold -
//	C      100  200   40    -   Bronze Silver - -
//	D      300  300    -    -   Gold Gold - -      (terminated 2026-02-15)
//	F        -    -    -    -   Gold by floor, never active
//	H      400  400    -    -   Diamond Diamond - -
//
// Jan pays nothing: no member was paid as anything the month before.
// Feb: A held Gold both months, 250; B held Silver at least, 100; C held
// only Bronze, not listed: nothing; D held Gold but is terminated: 250
// breakage; F held Gold (the floor) but is inactive: 250 breakage; H held
// Diamond, not listed: the highest listed rank below it, Gold, 250.
// Mar: A held Silver (Silver now, Gold before), 100; B Gold, 250; C no rank
// now: nothing; D no rank now; F 250 breakage. Apr, no sales: only F's
// 250 breakage.
func TestRankBonusHeld(t *testing.T) {
	members := rankBonusMembers +
		"A,,Ann,2025-12-01,,\n" +
		"B,A,Ben,2025-12-01,,\n" +
		"C,A,Cat,2025-12-01,,\n" +
		"D,A,Dan,2025-12-01,,2026-02-15\n" +
		"F,A,Fay,2025-12-01,Gold,\n" +
		"H,A,Hal,2025-12-01,,\n"
	var sales strings.Builder
	sales.WriteString("order_id,member_id,amount,volume,date\n")
	pv := map[string][3]int{"A": {300, 300, 200}, "B": {200, 300, 300}, "C": {100, 200, 40}, "D": {300, 300, 0}, "H": {400, 400, 0}}
	for _, id := range []string{"A", "B", "C", "D", "H"} {
		for k, v := range pv[id] {
			if v > 0 {
				fmt.Fprintf(&sales, "%s-%d,%s,100.00,%d,2026-%02d-10\n", id, k+1, id, v, k+1)
			}
		}
	}
	rs := months(t, rankBonusPlan, members, sales.String(), "01", "02", "03", "04")
	want := []struct{ paid, breakage, missed string }{
		{"", "0.00", ""},
		{"A 250.00, B 100.00, H 250.00", "500.00", "D 250 terminated, F 250 inactive"},
		{"A 100.00, B 250.00", "250.00", "F 250 inactive"},
		{"", "250.00", "F 250 inactive"},
	}
	for i, r := range rs {
		paid, missed := rankBonusLines(t, r)
		if paid != want[i].paid || missed != want[i].missed {
			t.Errorf("month %d: paid %q, breakage lines %q; want %q, %q", i+1, paid, missed, want[i].paid, want[i].missed)
		}
		if got := string(r.Breakage[0].AppendFixed(nil, 2)); got != want[i].breakage {
			t.Errorf("month %d: breakage %s, want %s", i+1, got, want[i].breakage)
		}
	}
}

// TestRankBonusGrace: a rank kept by grace is a paid-as rank, and so
// counts as held; held: 1 pays this period's paid-as rank alone, from the
// first period.
func TestRankBonusGrace(t *testing.T) {
	plan := strings.Replace(rankBonusPlan, "ranks:\n", "rank_grace: 2\nranks:\n", 1)
	plan1 := strings.Replace(rankBonusPlan, "held: 2", "held: 1", 1)
	members := rankBonusMembers + "G,,Gus,2025-12-01,,\n"
	// Gold qualified in January; PV 60 after: Gold by grace in February,
	// nothing in March (February qualified nothing).
	sales := "order_id,member_id,amount,volume,date\n" +
		"1,G,1,300,2026-01-05\n2,G,1,60,2026-02-05\n3,G,1,60,2026-03-05\n"
	for _, tc := range []struct {
		name, plan string
		want       []string
	}{
		{"held 2, grace 2", plan, []string{"0.00", "250.00", "0.00"}},
		{"held 1, no grace", plan1, []string{"250.00", "0.00", "0.00"}},
	} {
		rs := months(t, tc.plan, members, sales, "01", "02", "03")
		for i, r := range rs {
			if got := string(r.Earned[0][0].AppendFixed(nil, 2)); got != tc.want[i] {
				t.Errorf("%s, month %d: G paid %s, want %s", tc.name, i+1, got, tc.want[i])
			}
		}
	}
}

// TestRankBonusDecode: amounts by rank, held from 1 to MaxGrace, the
// canonical YAML, and the errors.
func TestRankBonusDecode(t *testing.T) {
	p, err := Decode([]byte(rankBonusPlan), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	y := string(p.YAML())
	if !strings.Contains(y, "type: rank_bonus\n      amounts:\n        Gold: \"250\"\n        Silver: \"100\"\n      held: 2\n") {
		t.Fatalf("canonical YAML:\n%s", y)
	}
	q, err := Decode(p.YAML(), "canonical.yaml")
	if err != nil || q.Hash() != p.Hash() {
		t.Fatalf("round trip: %v, hash %s against %s", err, q.Hash(), p.Hash())
	}
	if got := p.Components[0].Describe(p); got != "every period: Silver 100.00, Gold 250.00, to each member paid as that rank or higher in each of the last 2 periods" {
		t.Fatalf("describe: %s", got)
	}
	for _, c := range []struct{ body, want string }{
		{"amounts: {Silver: 100}, held: 0", "held must be from 1 (this period only) to 24 periods, not 0"},
		{"amounts: {Silver: 100}, held: 25", "held must be from 1 (this period only) to 24 periods, not 25"},
		{"amounts: {Platinum: 100}", `amounts rank "Platinum" is not a rank of this plan`},
		{"amounts: {}", "a rank_bonus needs amounts by rank"},
		{"held: 2", "a rank_bonus needs amounts by rank"},
		{"amounts: {Silver: 0.001}", "finer than USD's minor unit"},
		{"amounts: {Silver: 100}, every: 2", `unknown key "every"`},
	} {
		src := strings.Replace(rankBonusPlan, "    amounts: {Silver: 100, Gold: 250}\n    held: 2\n", "    "+strings.ReplaceAll(c.body, ", ", "\n    ")+"\n", 1)
		if _, err := Decode([]byte(src), "p.yaml"); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.body, err, c.want)
		}
	}
}

// randomRankBonus is a rank_bonus over a random plan's ranks R0 to
// R(ranks-1): amounts for some of them (at least one), held 1 to 3.
func randomRankBonus(rng *rand.Rand, ranks int) string {
	var amounts []string
	for i := range ranks {
		if rng.IntN(2) == 0 || (i == ranks-1 && len(amounts) == 0) {
			amounts = append(amounts, fmt.Sprintf("R%d: %d", i, rng.IntN(300)))
		}
	}
	return fmt.Sprintf("  - {name: car, type: rank_bonus, amounts: {%s}, held: %d}\n", strings.Join(amounts, ", "), 1+rng.IntN(3))
}

// TestAdvancementHeldInstalments works by hand a rank_advancement with
// held: 2 and instalments: 3 — Silver 100.00 (33.33, 33.33, 33.34) and Gold
// 301.00 (100.33, 100.33, 100.34) — over six months, through the state.
//
//	PV   Jan  Feb  Mar  Apr  May  Jun   paid as (Bronze 100, Silver 200, Gold 300)
//	A    300  300  100    -  300  300   Gold Gold Bronze - Gold Gold
//	B    300  100  300  300    -    -   Gold Bronze Gold Gold - -
//
// A: January holds nothing for two months yet. February completes Gold:
// Silver and Gold are reached, instalment 1 of each: 133.66. March pays
// instalment 2 of each (133.66), whatever A's rank; April's instalments 3
// (133.68) fall when A is inactive: breakage. May holds nothing for two
// months; June holds Gold again, which A reached in February: nothing.
// B: Gold in January alone is not held; February and March hold Bronze
// (not listed); April completes Gold: 133.66; May's instalments 2 (133.66)
// and June's 3 (133.68) are breakage (inactive).
func TestAdvancementHeldInstalments(t *testing.T) {
	const plan = `name: p
currency: USD
active: {pv: 50}
ranks: [{name: Bronze, pv: 100}, {name: Silver, pv: 200}, {name: Gold, pv: 300}]
components:
  - {name: adv, type: rank_advancement, amounts: {Silver: 100, Gold: 301}, held: 2, instalments: 3}
`
	members := "id,sponsor_id,joined\nA,,2025-12-01\nB,A,2025-12-01\n"
	var sales strings.Builder
	sales.WriteString("member_id,amount,volume,date\n")
	for id, pvs := range map[string][6]int{"A": {300, 300, 100, 0, 300, 300}, "B": {300, 100, 300, 300, 0, 0}} {
		for k, v := range pvs {
			if v > 0 {
				fmt.Fprintf(&sales, "%s,1,%d,2026-%02d-10\n", id, v, k+1)
			}
		}
	}
	rs := months(t, plan, members, sales.String(), "01", "02", "03", "04", "05", "06")
	want := []struct{ a, b, breakage string }{
		{"0.00", "0.00", "0.00"},
		{"133.66", "0.00", "0.00"},
		{"133.66", "0.00", "0.00"},
		{"0.00", "133.66", "133.68"},
		{"0.00", "0.00", "133.66"},
		{"0.00", "0.00", "133.68"},
	}
	for i, r := range rs {
		a, b := r.Earned[0][r.Org.Lookup("A")], r.Earned[0][r.Org.Lookup("B")]
		if got := fmt.Sprintf("%s %s %s", a.AppendFixed(nil, 2), b.AppendFixed(nil, 2), r.Breakage[0].AppendFixed(nil, 2)); got != want[i].a+" "+want[i].b+" "+want[i].breakage {
			t.Errorf("month %d: A, B, breakage %s; want %s %s %s", i+1, got, want[i].a, want[i].b, want[i].breakage)
		}
	}
	// The state after February carries what A reached and the instalments
	// to come.
	var buf strings.Builder
	if err := rs[1].NextState(periodsOf(t, "02")[0]).Write(&buf); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"reached": {
    "adv": "Gold"
   }`, `"instalments": [
    {
     "component": "adv",
     "rank": "Silver",
     "paid": 1
    },
    {
     "component": "adv",
     "rank": "Gold",
     "paid": 1
    }
   ]`} {
		if !strings.Contains(buf.String(), want) {
			t.Fatalf("February's state lacks %s:\n%s", want, buf.String())
		}
	}
	// A state that does not fit the plan is refused, naming the member.
	p, err := Decode([]byte(plan), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d := mustData(t, members, sales.String(), "")
	for _, c := range []struct{ from, to, want string }{
		{`"paid": 1
    },`, `"paid": 3
    },`, `s.json: member A: instalment 3 of "adv", rank "Silver": expected a rank_advancement with instalments`},
		{`"rank": "Silver"`, `"rank": "Platinum"`, `instalment 1 of "adv", rank "Platinum"`},
		{`"adv": "Gold"`, `"nope": "Gold"`, `s.json: member A: reached "Gold" for "nope": expected a component and a rank of the plan`},
	} {
		bad := strings.Replace(buf.String(), c.from, c.to, 1)
		if bad == buf.String() {
			t.Fatalf("%s is not in the state", c.from)
		}
		st, err := ReadState(strings.NewReader(bad), "s.json")
		if err == nil {
			_, err = RunPeriod(p, d, periodsOf(t, "03")[0], st, "s.json", Options{})
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.to, err, c.want)
		}
	}
	// Decoding: the keys, their range, and the canonical YAML.
	if y := string(p.YAML()); !strings.Contains(y, "      held: 2\n      instalments: 3\n") {
		t.Fatalf("canonical YAML:\n%s", y)
	}
	if got := p.Components[0].Describe(p); got != "paid once on first reaching: Silver 100.00, Gold 301.00; reached when paid as it or higher in each of the last 2 periods; in 3 instalments, one a period, the remainder in the last" {
		t.Fatalf("describe: %s", got)
	}
	for _, c := range []struct{ from, to, want string }{
		{"instalments: 3", "instalments: 0", "instalments must be from 1 (all at once) to 24 periods, not 0"},
		{"held: 2", "held: 25", "held must be from 1 (this period only) to 24 periods, not 25"},
		{"held: 2", "held: two", "held must be a whole number"},
	} {
		if _, err := Decode([]byte(strings.Replace(plan, c.from, c.to, 1)), "p.yaml"); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.to, err, c.want)
		}
	}
}

// randomAdvancement is a rank_advancement over a random plan's ranks, held
// 1 to 3 periods and paid in 1 to 3 instalments.
func randomAdvancement(rng *rand.Rand, ranks int) string {
	var amounts []string
	for i := range ranks {
		if rng.IntN(2) == 0 || (i == ranks-1 && len(amounts) == 0) {
			amounts = append(amounts, fmt.Sprintf("R%d: %d", i, rng.IntN(300)))
		}
	}
	return fmt.Sprintf("  - {name: adv, type: rank_advancement, amounts: {%s}, held: %d, instalments: %d}\n", strings.Join(amounts, ", "), 1+rng.IntN(3), 1+rng.IntN(3))
}
