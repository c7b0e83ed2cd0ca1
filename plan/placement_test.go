package plan

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/compplan/compplan/tree"
)

// randomPlacementPlan is a random plan with a binary or a matrix (or both),
// sometimes a unilevel, and a matching of the binary.
func randomPlacementPlan(rng *rand.Rand) string {
	var b strings.Builder
	cur := []string{"USD", "JPY", "KWD"}[rng.IntN(3)]
	fmt.Fprintf(&b, "name: random\ncurrency: %s\nrounding: %s\n", cur, []string{"half-even", "half-up", "down"}[rng.IntN(3)])
	if rng.IntN(2) == 0 {
		fmt.Fprintf(&b, "active: {pv: %d}\n", rng.IntN(100))
	}
	if rng.IntN(2) == 0 {
		b.WriteString("non_commissionable: [sample]\n")
	}
	ranked := rng.IntN(3) == 0 // the binary pays by rank
	if ranked {
		fmt.Fprintf(&b, "ranks: [{name: Q1, pv: %d}, {name: Q2, pv: %d}]\n", rng.IntN(100), 100+rng.IntN(200))
	}
	b.WriteString("components:\n")
	kind := rng.IntN(3) // 0 binary, 1 matrix, 2 both
	if kind != 1 {
		b.WriteString("  - {name: bin, type: binary")
		if rng.IntN(2) == 0 {
			fmt.Fprintf(&b, ", rate: 0.%03d", rng.IntN(200))
			if ranked {
				fmt.Fprintf(&b, ", rates: {Q2: 0.%03d}", rng.IntN(300))
			}
		} else {
			left, right, whole, tenths := 1+rng.IntN(100), 1+rng.IntN(100), rng.IntN(20), rng.IntN(10)
			byRank := ""
			if ranked {
				byRank = fmt.Sprintf(", amounts: {Q1: %d, Q2: %d}", rng.IntN(20), rng.IntN(40))
			}
			if cur == "JPY" { // an amount is a whole number of the minor unit
				fmt.Fprintf(&b, ", cycle: {left: %d, right: %d, amount: %d%s}", left, right, whole, byRank)
			} else {
				fmt.Fprintf(&b, ", cycle: {left: %d, right: %d, amount: %d.%d%s}", left, right, whole, tenths, byRank)
			}
			if rng.IntN(2) == 0 {
				b.WriteString(`, first_pair: "2:1"`)
			}
		}
		carry := rng.IntN(2) == 0
		fmt.Fprintf(&b, ", carry: %t", carry)
		if carry && rng.IntN(2) == 0 {
			fmt.Fprintf(&b, ", carry_cap: %d", rng.IntN(300))
		}
		if carry && rng.IntN(2) == 0 {
			fmt.Fprintf(&b, ", carry_expires: %d", 1+rng.IntN(3))
		}
		if rng.IntN(3) == 0 {
			fmt.Fprintf(&b, ", cap: %d", 1+rng.IntN(30))
		}
		fmt.Fprintf(&b, ", qualify_sponsored: %t, flush_unqualified: %t, placement: %s}\n", rng.IntN(2) == 0, rng.IntN(2) == 0, tree.SideNames[rng.IntN(3)])
	}
	if kind != 0 {
		fmt.Fprintf(&b, "  - {name: mx, type: matrix, width: %d, compression: %s, levels: [0.%03d, 0.%03d, 0.%03d]}\n", 1+rng.IntN(4),
			[]string{"none", "dynamic"}[rng.IntN(2)], rng.IntN(150), rng.IntN(150), rng.IntN(150))
	}
	if rng.IntN(2) == 0 {
		b.WriteString("  - {name: uni, type: unilevel, levels: [0.05, 0.03]}\n")
	}
	if kind != 1 && rng.IntN(2) == 0 {
		b.WriteString("  - {name: match, type: matching, of: [bin], generations: [0.10]}\n")
	}
	return b.String()
}

// withPlacements adds placement_id, leg and matrix_parent_id to randomData's
// members: about a third placed by hand under an earlier distributor, in a
// free slot.
func withPlacements(rng *rand.Rand, members []string) []string {
	out := make([]string, len(members))
	var earlier []string
	taken := map[string]bool{}
	kids := map[string]int{}
	for i, row := range members {
		f := strings.Split(row, ",")
		place, leg, mp := "", "", ""
		if f[3] != "customer" {
			if len(earlier) > 0 && rng.IntN(3) == 0 {
				p, l := earlier[rng.IntN(len(earlier))], "LR"[rng.IntN(2):][:1]
				if !taken[p+l] {
					taken[p+l], place, leg = true, p, l
				}
			}
			if len(earlier) > 0 && rng.IntN(4) == 0 {
				if p := earlier[rng.IntN(len(earlier))]; kids[p] < 1 { // every width has room for one
					kids[p]++
					mp = p
				}
			}
			earlier = append(earlier, f[0])
		}
		out[i] = row + "," + place + "," + leg + "," + mp
	}
	return out
}

// renderLegs is render with each member's binary legs.
func renderLegs(r *Result) string {
	s := render(r)
	if r.Legs != nil {
		for _, m := range r.Org.ByID() {
			s += "\n" + r.Org.ID(m) + " " + legsRow(r, r.Org.ID(m))
		}
	}
	return s
}

// TestPlacementPlansRandom: binary and matrix plans on random trees, some
// members placed by hand and the rest auto-placed, with carry-in: money
// and leg volumes reconcile (checked in calcCarry, see binaryPutUp) and
// nothing depends on the order of input rows.
func TestPlacementPlansRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	join := func(rows []string) string { return strings.Join(rows, "\n") + "\n" }
	const mh = "id,sponsor_id,name,type,rank,terminated,joined,placement_id,leg,matrix_parent_id\n"
	done := 0
	for i := 0; done < 200; i++ {
		plan := randomPlacementPlan(rng)
		members, sales := randomData(rng, 1+rng.IntN(120))
		members = withPlacements(rng, members)
		var carry []string
		if strings.Contains(plan, "binary") && rng.IntN(2) == 0 {
			for _, row := range members {
				if id, typ := strings.Split(row, ",")[0], strings.Split(row, ",")[3]; typ != "customer" && rng.IntN(3) == 0 {
					carry = append(carry, fmt.Sprintf("%s,%d,%d.5", id, rng.IntN(200), rng.IntN(200)))
				}
			}
		}
		carryCSV := ""
		if carry != nil {
			carryCSV = "id,left,right\n" + join(carry)
		}
		if _, err := tryCompute(plan, mh+join(members), salesHeader+join(sales), carryCSV); err != nil {
			var e *tree.InputError
			if errors.As(err, &e) && strings.Contains(e.Msg, "placement cycle") {
				continue // auto-placement under a sponsor below the member: a real input error
			}
			t.Fatalf("case %d: %v\n%s", i, err, plan)
		}
		done++
		r1 := calcCarry(t, plan, mh+join(members), salesHeader+join(sales), carryCSV)
		r2 := calcCarry(t, plan, mh+join(shuffled(rng, members)), salesHeader+join(shuffled(rng, sales)), shuffledCarry(rng, carry))
		if a, b := renderLegs(r1), renderLegs(r2); a != b {
			t.Fatalf("case %d: shuffled rows changed the result\nplan:\n%s\n%s\nvs\n%s", i, plan, a, b)
		}
		if t.Failed() {
			t.Fatalf("case %d failed; plan:\n%s", i, plan)
		}
	}
}

func shuffledCarry(rng *rand.Rand, rows []string) string {
	if rows == nil {
		return ""
	}
	return "id,left,right\n" + strings.Join(shuffled(rng, rows), "\n") + "\n"
}

func tryCompute(plan, members, sales, carry string) (*Result, error) {
	p, err := Decode([]byte(plan), "plan.yaml")
	if err != nil {
		return nil, err
	}
	d, err := readData(members, sales, carry)
	if err != nil {
		return nil, err
	}
	return Compute(p, d)
}

// readData reads members, sales (order ids kept) and, when not empty, a
// binary carry-in.
func readData(members, sales, carry string) (*tree.Data, error) {
	d, err := tree.ReadMembers(strings.NewReader(members), "members.csv")
	if err != nil {
		return nil, err
	}
	d.KeepOrderIDs = true
	if err := d.ReadSales(strings.NewReader(sales), "sales.csv"); err != nil {
		return nil, err
	}
	if carry != "" {
		if err := d.ReadCarry(strings.NewReader(carry), "carry.csv"); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// mustData is readData, failing the test on an error.
func mustData(tb testing.TB, members, sales, carry string) *tree.Data {
	tb.Helper()
	d, err := readData(members, sales, carry)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}
