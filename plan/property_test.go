package plan

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// randomPlan writes a random but valid plan in YAML.
func randomPlan(rng *rand.Rand) string {
	var b strings.Builder
	cur := []string{"USD", "JPY", "KWD", "EUR"}[rng.IntN(4)]
	fmt.Fprintf(&b, "name: random\ncurrency: %s\nrounding: %s\n", cur, []string{"half-even", "half-up", "down"}[rng.IntN(3)])
	if rng.IntN(2) == 0 {
		fmt.Fprintf(&b, "active: {pv: %d", rng.IntN(100))
		if rng.IntN(3) == 0 { // a window: PV of this and the periods before
			fmt.Fprintf(&b, ", window: %d", 1+rng.IntN(3))
		}
		if rng.IntN(3) == 0 { // a sample makes its member active
			b.WriteString(", order_types: [SAMPLE]")
		}
		b.WriteString("}\n")
	}
	if rng.IntN(2) == 0 {
		b.WriteString("non_commissionable: [sample]\n")
	}
	if rng.IntN(3) == 0 {
		fmt.Fprintf(&b, "min_payout: %d\n", 1+rng.IntN(20))
	}
	if rng.IntN(3) == 0 { // deductions: rates (some fractional) and fees, in a random order
		b.WriteString("deductions: [")
		for i := range 1 + rng.IntN(3) {
			if i > 0 {
				b.WriteString(", ")
			}
			if rng.IntN(2) == 0 {
				fmt.Fprintf(&b, "{name: d%d, rate: %d.%d%%}", i, rng.IntN(30), rng.IntN(10))
			} else {
				fmt.Fprintf(&b, "{name: d%d, amount: %d}", i, rng.IntN(15))
			}
		}
		b.WriteString("]\n")
	}
	nranks := rng.IntN(4)
	if nranks > 0 {
		b.WriteString("ranks:\n")
	}
	for i := 0; i < nranks; i++ {
		fmt.Fprintf(&b, "  - name: R%d\n", i)
		if i == 0 && rng.IntN(2) == 0 {
			continue // a rank without requirements
		}
		if rng.IntN(2) == 0 {
			fmt.Fprintf(&b, "    pv: %d\n", rng.IntN(150))
		}
		if rng.IntN(2) == 0 {
			fmt.Fprintf(&b, "    gv: %d.%d\n", rng.IntN(2000), rng.IntN(10))
			if rng.IntN(2) == 0 {
				fmt.Fprintf(&b, "    max_leg: %d%%\n", 1+rng.IntN(100))
			}
		}
		switch rng.IntN(5) {
		case 0:
			fmt.Fprintf(&b, "    legs: {count: %d, rank: R%d}\n", 1+rng.IntN(3), rng.IntN(nranks))
		case 1:
			fmt.Fprintf(&b, "    legs: {count: %d, gv: %d}\n", 1+rng.IntN(3), rng.IntN(300))
		}
		if rng.IntN(4) == 0 {
			fmt.Fprintf(&b, "    customers: %d\n", 1+rng.IntN(2))
		}
		if rng.IntN(4) == 0 {
			fmt.Fprintf(&b, "    sponsored_active: %d\n", 1+rng.IntN(2))
		}
	}
	b.WriteString("components:\n")
	if rng.IntN(2) == 0 {
		switch form := rng.IntN(3); {
		case form == 1 && nranks > 0: // by rank; a rank left out earns 0%
			b.WriteString("  - {name: retail, type: personal, rates: {")
			for i := 0; i < nranks; i += 1 + rng.IntN(2) {
				if i > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "R%d: %d%%", i, rng.IntN(30))
			}
			b.WriteString("}}\n")
		case form == 2: // by tier of PV
			b.WriteString("  - {name: retail, type: personal, tiers: [")
			pv := rng.IntN(60)
			for i := 0; i < 1+rng.IntN(3); i++ {
				if i > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "{pv: %d, rate: %d%%}", pv, rng.IntN(30))
				pv += 1 + rng.IntN(150)
			}
			b.WriteString("]}\n")
		default:
			fmt.Fprintf(&b, "  - {name: retail, type: personal, rate: %d.%d%%}\n", rng.IntN(30), rng.IntN(1000))
		}
	}
	for u := 0; u < 1+rng.IntN(2); u++ {
		nlev := 1 + rng.IntN(7)
		fmt.Fprintf(&b, "  - name: uni%d\n    type: unilevel\n    compression: %s\n", u, []string{"none", "dynamic", "dynamic-rank"}[rng.IntN(3)])
		if nranks > 0 && rng.IntN(3) == 0 {
			b.WriteString("    levels_by_rank:\n")
			for i := 0; i < nranks; i++ {
				if rng.IntN(4) == 0 && i < nranks-1 {
					continue // unlisted: paid on no level
				}
				fmt.Fprintf(&b, "      R%d: [", i)
				for l := 0; l < 1+rng.IntN(nlev); l++ {
					if l > 0 {
						b.WriteString(", ")
					}
					fmt.Fprintf(&b, "0.%03d", rng.IntN(150))
				}
				b.WriteString("]\n")
			}
			continue
		}
		b.WriteString("    levels: [")
		for l := 0; l < nlev; l++ {
			if l > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "0.%03d", rng.IntN(150))
		}
		b.WriteString("]\n")
		if nranks > 0 && rng.IntN(2) == 0 {
			b.WriteString("    paid_levels: {")
			for i := 0; i < nranks; i++ {
				if rng.IntN(4) == 0 {
					continue // unlisted: paid on no level
				}
				fmt.Fprintf(&b, "R%d: %d, ", i, rng.IntN(nlev+1))
			}
			b.WriteString("}\n")
		}
	}
	if nranks > 0 && rng.IntN(2) == 0 {
		b.WriteString("  - name: stair\n    type: differential\n    rates: {")
		for i := 0; i < nranks; i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "R%d: 0.%03d", i, rng.IntN(200))
		}
		b.WriteString("}\n")
		if rng.IntN(2) == 0 {
			fmt.Fprintf(&b, "    breakaway: {rank: R%d, generations: [0.%03d, 0.%03d], paid_generations: {R%d: %d}}\n",
				rng.IntN(nranks), rng.IntN(100), rng.IntN(100), rng.IntN(nranks), rng.IntN(3))
		}
	}
	if rng.IntN(2) == 0 {
		fmt.Fprintf(&b, "  - {name: fast, type: fast_start, days: %d, levels: [0.%03d, 0.%03d]}\n", 1+rng.IntN(20), rng.IntN(200), rng.IntN(100))
	}
	if rng.IntN(2) == 0 {
		fmt.Fprintf(&b, "  - name: match\n    type: matching\n    of: [uni0%s]\n    generations: [0.%03d, 0.%03d]\n",
			map[bool]string{true: ", fast", false: ""}[strings.Contains(b.String(), "name: fast,")], rng.IntN(300), rng.IntN(300))
		if nranks > 0 && rng.IntN(2) == 0 {
			fmt.Fprintf(&b, "    paid_generations: {R%d: %d}\n", nranks-1, rng.IntN(3))
		}
		if nranks > 0 && rng.IntN(3) == 0 { // generations that end at a rank
			fmt.Fprintf(&b, "    generation_rank: R%d\n", rng.IntN(nranks))
		}
		if rng.IntN(3) == 0 {
			b.WriteString("  - {name: match2, type: matching, of: [match], generations: [0.05]}\n")
		}
	}
	return b.String()
}

// The headers of randomData's rows.
const (
	memberHeader = "id,sponsor_id,name,type,rank,terminated,joined\n"
	salesHeader  = "member_id,amount,volume,qv,cv,type,date\n"
)

// randomData writes members and sales CSV rows (without headers, see
// memberHeader and salesHeader) for a random forest of n members: some
// customers, terminated members and rank floors (R0..R2, which a plan with
// fewer ranks may not have: then rank floors are left out), sales with and
// without qv and cv, some of type sample.
func randomData(rng *rand.Rand, n int) (members, sales []string) {
	return randomDataRanks(rng, n, 0)
}

// randomDataRanks is randomData with rank floors drawn from the plan's
// first ranks ranks (0: none).
func randomDataRanks(rng *rand.Rand, n, ranks int) (members, sales []string) {
	ids := rng.Perm(n)
	for i := 0; i < n; i++ {
		sp := ""
		if i > 0 && rng.IntN(20) != 0 { // some extra roots
			sp = fmt.Sprintf("m%d", ids[rng.IntN(i)])
		}
		typ, floor, term := "", "", ""
		switch rng.IntN(10) {
		case 0, 1:
			typ = "customer"
		case 2:
			term = "2026-01-15"
		case 3:
			if ranks > 0 {
				floor = fmt.Sprintf("R%d", rng.IntN(ranks))
			}
		}
		joinedDay := 1 + rng.IntN(28)
		joined := fmt.Sprintf("2026-01-%02d", joinedDay)
		members = append(members, fmt.Sprintf("m%d,%s,Name %d,%s,%s,%s,%s", ids[i], sp, i, typ, floor, term, joined))
		for k := rng.IntN(4); k > 0; k-- {
			amount := fmt.Sprintf("%d.%02d", rng.IntN(300), rng.IntN(100))
			volume, qv, cv, st := "", "", "", ""
			if rng.IntN(3) == 0 {
				volume = fmt.Sprintf("%d.%04d", rng.IntN(300), rng.IntN(10000))
			}
			if rng.IntN(4) == 0 {
				qv = fmt.Sprintf("%d", rng.IntN(300))
			}
			if rng.IntN(4) == 0 {
				cv = fmt.Sprintf("%d.5", rng.IntN(300))
			}
			if rng.IntN(5) == 0 {
				st = "sample"
			}
			date := fmt.Sprintf("2026-01-%02d", joinedDay+rng.IntN(32-joinedDay)) // never before joining
			sales = append(sales, fmt.Sprintf("m%d,%s,%s,%s,%s,%s,%s", ids[i], amount, volume, qv, cv, st, date))
		}
	}
	return members, sales
}

func shuffled(rng *rand.Rand, rows []string) []string {
	out := append([]string(nil), rows...)
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// render is every figure of a result, in id order.
func render(r *Result) string {
	var b strings.Builder
	for _, m := range r.Org.ByID() {
		fmt.Fprintf(&b, "%s %s\n", r.Org.ID(m), row(r, r.Org.ID(m)))
	}
	b.WriteString(totals(r))
	return b.String()
}

// TestRandomTrees: on random plans and trees, money reconciles (checked
// inside calc) and the result does not depend on the order of input rows.
func TestRandomTrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for i := 0; i < 300; i++ {
		plan := randomPlan(rng)
		members, sales := randomData(rng, 1+rng.IntN(150))
		const mh, sh = memberHeader, salesHeader
		join := func(rows []string) string { return strings.Join(rows, "\n") + "\n" }
		r1 := calc(t, plan, mh+join(members), sh+join(sales))
		r2 := calc(t, plan, mh+join(shuffled(rng, members)), sh+join(shuffled(rng, sales)))
		if a, b := render(r1), render(r2); a != b {
			t.Fatalf("case %d: shuffled rows changed the result\nplan:\n%s\n%s\nvs\n%s", i, plan, a, b)
		}
		if t.Failed() {
			t.Fatalf("case %d failed; plan:\n%s", i, plan)
		}
	}
}
