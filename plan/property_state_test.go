package plan

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/compplan/compplan/tree"
)

// randomStatePlan is a random plan (randomPlan, or randomPlacementPlan for
// a binary or matrix) with a return policy, a return window, sometimes a
// minimum payout and a rank grace; ranks is how many ranks it has.
func randomStatePlan(rng *rand.Rand) (plan string, ranks int, placed bool) {
	placed = rng.IntN(2) == 0
	if placed {
		plan = randomPlacementPlan(rng)
		if rng.IntN(2) == 0 {
			plan = strings.Replace(plan, "components:\n", fmt.Sprintf("min_payout: %d\ncomponents:\n", 1+rng.IntN(20)), 1)
		}
	} else {
		plan = randomPlan(rng)
		ranks = strings.Count(plan, "\n  - name: R")
		if ranks > 0 && rng.IntN(2) == 0 {
			plan = strings.Replace(plan, "components:\n", "rank_grace: 2\ncomponents:\n", 1)
		}
		if ranks > 0 && rng.IntN(3) == 0 { // ranks on volumes over months
			plan = strings.Replace(plan, "components:\n", fmt.Sprintf("rank_window: %d\ncomponents:\n", 2+rng.IntN(2)), 1)
		}
	}
	if strings.Contains(plan, "active: {") && rng.IntN(3) == 0 { // new members active for their first periods
		plan = strings.Replace(plan, "active: {", fmt.Sprintf("active: {new_member_periods: %d, ", 1+rng.IntN(2)), 1)
	}
	if rng.IntN(3) == 0 { // the members join in January: it pays then
		plan += fmt.Sprintf("  - {name: rec, type: recruit_bonus, amounts: [%d, %d]", rng.IntN(60), rng.IntN(20))
		if rng.IntN(2) == 0 {
			plan += fmt.Sprintf(", min_pv: %d", rng.IntN(200))
		}
		plan += "}\n"
	}
	if n := strings.Count(plan, "\n  - name: R"); n > 0 && rng.IntN(3) == 0 { // a rank bonus, held over periods
		plan += randomRankBonus(rng, n)
	}
	if n := strings.Count(plan, "\n  - name: R"); n > 0 && rng.IntN(3) == 0 { // an advancement, held and in instalments
		plan += randomAdvancement(rng, n)
	}
	if rng.IntN(3) == 0 { // a first-order bonus: every order has an id and a date
		plan += fmt.Sprintf("  - {name: first, type: first_order, levels: [%d%%, %d%%]}\n", rng.IntN(25), rng.IntN(10))
	}
	if rng.IntN(3) == 0 { // a pool shared by volume, either split
		plan += fmt.Sprintf("  - {name: vpool, type: pool, percent: %d%%, shares: %s, split: %s}\n", 1+rng.IntN(5),
			[]string{"volume", "group_volume"}[rng.IntN(2)], []string{"per-member", "per-share"}[rng.IntN(2)])
	}
	policy := "returns: volume\n"
	if rng.IntN(3) != 0 {
		policy = fmt.Sprintf("returns: reverse\nreturn_window: %d\n", 1+rng.IntN(3))
		if rng.IntN(3) == 0 { // a window in days from the order's date
			policy = fmt.Sprintf("returns: reverse\nreturn_window_days: %d\n", 5+rng.IntN(70))
		}
	}
	plan = strings.Replace(plan, "components:\n", policy+"components:\n", 1)
	return plan, ranks, placed
}

// randomHistory writes members (randomDataRanks, with placements for a
// binary or matrix) and four months of orders, some returned, whole or in
// part, the same month or later, some more than once; and adjustments.
func randomHistory(rng *rand.Rand, ranks int, placed bool) (members, sales, adjustments string, ok bool) {
	rows, _ := randomDataRanks(rng, 1+rng.IntN(50), ranks)
	header := memberHeader
	if placed {
		rows = withPlacements(rng, rows)
		header = strings.TrimSuffix(memberHeader, "\n") + ",placement_id,leg,matrix_parent_id\n"
	}
	var ids []string
	for _, row := range rows {
		if f := strings.Split(row, ","); f[3] != "customer" || rng.IntN(3) == 0 {
			ids = append(ids, f[0])
		}
	}
	if len(ids) == 0 {
		return "", "", "", false
	}
	s := []string{"order_id,member_id,amount,volume,type,date"}
	for k := 0; k < 3*len(ids); k++ {
		id, m := fmt.Sprintf("O%d", k), ids[rng.IntN(len(ids))]
		amount := 1 + rng.IntN(300)
		volume := ""
		if rng.IntN(3) == 0 {
			volume = fmt.Sprint(rng.IntN(300))
		}
		typ := ""
		if rng.IntN(8) == 0 {
			typ = "sample"
		}
		month := 1 + rng.IntN(4)
		day := 1 + rng.IntN(28)
		if month == 1 {
			day = 29 + rng.IntN(3) // every member has joined
		}
		s = append(s, fmt.Sprintf("%s,%s,%d,%s,%s,2026-%02d-%02d", id, m, amount, volume, typ, month, day))
		if rng.IntN(3) != 0 {
			continue
		}
		for n := 1 + rng.IntN(2); n > 0; n-- { // returned, in part or whole
			part := 1 + rng.IntN(amount)
			vol := ""
			if volume != "" {
				vol = fmt.Sprint(-min(part, amount*0+mustAtoi(volume)))
			}
			rm := month + rng.IntN(5-month)
			rd := 1 + rng.IntN(28)
			if rm == month {
				rd = day
			}
			s = append(s, fmt.Sprintf("%s,%s,-%d,%s,return,2026-%02d-%02d", id, m, part, vol, rm, rd))
		}
	}
	adj := []string{"member_id,amount,reason"}
	for k := rng.IntN(4); k > 0; k-- {
		adj = append(adj, fmt.Sprintf("%s,%d,fix", ids[rng.IntN(len(ids))], rng.IntN(40)-20))
	}
	return header + strings.Join(rows, "\n") + "\n", strings.Join(s, "\n") + "\n", strings.Join(adj, "\n") + "\n", true
}

func mustAtoi(s string) int {
	var n int
	fmt.Sscan(s, &n)
	return n
}

// TestStateProperties: random plans of every family over four months of
// random orders with returns under both policies, adjustments, minimum
// payouts and rank floors. Per period: money reconciles per component
// (paid + breakage = what the rules put up + the reversals, see
// checkLines), and every member's balance carries (checkReconciles);
// replay and chained runs give the same rows; every state written reads
// back and writes the same bytes, and carries nothing negative; replay's
// final state is the chained runs' byte for byte, and May run from either
// gives the same rows.
func TestStateProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 2026))
	var reversed, clawedBack, carried, held int // how many periods exercised each
	cases := 100
	if testing.Short() {
		cases = 15
	}
	for i := 0; i < cases; i++ {
		plan, ranks, placed := randomStatePlan(rng)
		members, sales, adjustments, ok := randomHistory(rng, ranks, placed)
		if !ok {
			continue
		}
		p, err := Decode([]byte(plan), "plan.yaml")
		if err != nil {
			t.Fatalf("case %d: %v\n%s", i, err, plan)
		}
		d := mustData(t, members, sales, "")
		if err := d.ReadAdjustments(strings.NewReader(adjustments), "adj.csv"); err != nil {
			t.Fatal(err)
		}
		periods := periodsOf(t, "01", "02", "03", "04")
		var replayed []*Result
		if err := Replay(p, d, periods, Options{}, func(_ tree.Period, r *Result) error {
			replayed = append(replayed, r)
			return nil
		}, nil); err != nil {
			t.Fatalf("case %d: replay: %v\nplan:\n%s", i, err, plan)
		}
		var state *State
		var chained string
		for k, pr := range periods {
			r, err := RunPeriod(p, d, pr, state, "state.json", Options{})
			if err != nil {
				t.Fatalf("case %d %s: %v\nplan:\n%s", i, pr.Name, err, plan)
			}
			checkReconciles(t, r)
			checkLines(t, r)
			if len(r.revs) > 0 {
				reversed++
			}
			if len(r.pairingsNow) > 0 {
				clawedBack++
			}
			if r.Legs != nil && (r.Legs.TotalCarryInL > 0 || r.Legs.TotalCarryInR > 0) {
				carried++
			}
			if r.HeldTotal > 0 || r.Debits < 0 {
				held++
			}
			if a, b := periodRows(r)+carryRows(r), periodRows(replayed[k])+carryRows(replayed[k]); a != b {
				t.Fatalf("case %d %s: chained run and replay differ:\n%s\n%s", i, pr.Name, a, b)
			}
			if r.Legs != nil {
				for m := range r.Legs.CarryOutL {
					if r.Legs.CarryOutL[m] < 0 || r.Legs.CarryOutR[m] < 0 {
						t.Fatalf("case %d %s: %s carries %s/%s", i, pr.Name, r.Org.ID(int32(m)), r.Legs.CarryOutL[m], r.Legs.CarryOutR[m])
					}
				}
			}
			chained = stateBytes(t, r.NextState(pr))
			if state, err = ReadState(strings.NewReader(chained), "state.json"); err != nil {
				t.Fatalf("case %d %s: the state written does not read: %v\n%s", i, pr.Name, err, chained)
			}
			if again := stateBytes(t, state); again != chained {
				t.Fatalf("case %d %s: read and written back, the state changed:\n%s\n%s", i, pr.Name, chained, again)
			}
		}
		last := replayed[len(replayed)-1]
		if got := stateBytes(t, last.NextState(periods[len(periods)-1])); got != chained {
			t.Fatalf("case %d: replay's final state differs from the chained runs':\n%s\n%s\nplan:\n%s", i, got, chained, plan)
		}
		fromReplay, err := ReadState(strings.NewReader(stateBytes(t, last.NextState(periods[len(periods)-1]))), "replay.json")
		if err != nil {
			t.Fatal(err)
		}
		may := periodsOf(t, "05")[0]
		a, err := RunPeriod(p, d, may, fromReplay, "replay.json", Options{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := RunPeriod(p, d, may, state, "state.json", Options{})
		if err != nil {
			t.Fatal(err)
		}
		if periodRows(a) != periodRows(b) {
			t.Fatalf("case %d: May from replay's state and from the chained state differ", i)
		}
		if t.Failed() {
			t.Fatalf("case %d; plan:\n%s", i, plan)
		}
	}
	t.Logf("periods with reversed returns %d, binary clawbacks %d, binary carry %d, balances %d", reversed, clawedBack, carried, held)
	if !testing.Short() && (reversed == 0 || clawedBack == 0 || carried == 0 || held == 0) {
		t.Errorf("the random cases do not exercise every seam")
	}
}
