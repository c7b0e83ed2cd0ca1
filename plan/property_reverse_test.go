package plan

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// randomReverseHistory writes members (randomDataRanks) and four months of
// orders (volume = amount), a third of them returned in one to three parts,
// half of those in whole, in the order's month or later, some parts on one
// day.
func randomReverseHistory(rng *rand.Rand, ranks int) (members, sales string, ok bool) {
	rows, _ := randomDataRanks(rng, 1+rng.IntN(40), ranks)
	var ids []string
	for _, row := range rows {
		if f := strings.Split(row, ","); f[3] != "customer" || rng.IntN(3) == 0 {
			ids = append(ids, f[0])
		}
	}
	if len(ids) == 0 {
		return "", "", false
	}
	s := []string{"order_id,member_id,amount,type,date"}
	for k := 0; k < 3*len(ids); k++ {
		id, m := fmt.Sprintf("O%d", k), ids[rng.IntN(len(ids))]
		cents := 100 + rng.IntN(30000)
		month, day := 1+rng.IntN(4), 1+rng.IntN(28)
		if month == 1 {
			day = 29 + rng.IntN(3) // every member has joined
		}
		s = append(s, fmt.Sprintf("%s,%s,%d.%02d,,2026-%02d-%02d", id, m, cents/100, cents%100, month, day))
		if rng.IntN(3) != 0 {
			continue
		}
		left := cents
		if rng.IntN(2) == 0 {
			left = 1 + rng.IntN(cents)
		}
		for n := 1 + rng.IntN(3); n > 0 && left > 0; n-- {
			part := left
			if n > 1 {
				part = 1 + rng.IntN(left)
			}
			left -= part
			rm := month + rng.IntN(5-month)
			rd := 1 + rng.IntN(28)
			if rm == month {
				rd = day
			}
			s = append(s, fmt.Sprintf("%s,%s,-%d.%02d,return,2026-%02d-%02d", id, m, part/100, part%100, rm, rd))
		}
	}
	return memberHeader + strings.Join(rows, "\n") + "\n", strings.Join(s, "\n") + "\n", true
}

type reverseKey struct{ earner, comp, order string }

// reverseReplay replays January to April, returning every period's rows
// and reversal lines (the comparison), what the orders recorded as paid to
// each earner (after the caps, a return in the order's period netted
// before them), what later periods reversed from them, the orders
// returned in whole by reversals and those returned in part in their own
// period.
func reverseReplay(t *testing.T, p *Plan, members, sales string) (out string, paid, reversed map[reverseKey]dec.D, whole, same map[string]bool) {
	t.Helper()
	d := mustData(t, members, sales, "")
	paid, reversed, same = map[reverseKey]dec.D{}, map[reverseKey]dec.D{}, map[string]bool{}
	volume, returned := map[string]dec.D{}, map[string]dec.D{}
	var b strings.Builder
	line := func(r *Result, l *Line) error {
		if l.Reason == Reversed && l.Sale.Chunk >= 0 && l.Earner >= 0 {
			o := strings.TrimPrefix(l.Text, "return of order ")
			name := r.Plan.Components[l.Component].Name
			fmt.Fprintf(&b, "%s %s %s %s\n", name, r.Org.ID(l.Earner), l.Amount, l.Text)
			for _, rv := range r.revs {
				if rv.sale == l.Sale {
					if rv.carried {
						reversed[reverseKey{r.Org.ID(l.Earner), name, o}] += l.Amount
					} else {
						same[o] = true
					}
				}
			}
		}
		return nil
	}
	err := Replay(p, d, periodsOf(t, "01", "02", "03", "04"), Options{Lines: line}, func(pr tree.Period, r *Result) error {
		checkReconciles(t, r)
		fmt.Fprintf(&b, "== %s\n%s%v\n", pr.Name, periodRows(r), r.ReturnsAsVolume)
		for o, ol := range r.orders {
			volume[o] += ol.Volume
			for _, l := range ol.Lines {
				paid[reverseKey{l.Earner, l.Component, o}] += l.Amount
			}
		}
		for _, rv := range r.revs {
			if rv.sale.Chunk >= 0 && r.Data.Sales.Chunks[rv.sale.Chunk].TypeOf(int(rv.sale.K)) == tree.ReturnType {
				returned[rv.order] += rv.returned
			}
		}
		return nil
	}, nil)
	if err != nil {
		t.Fatalf("replay: %v", err)
	}
	whole = map[string]bool{}
	for o, v := range returned {
		if v == volume[o] {
			whole[o] = true
		}
	}
	return b.String(), paid, reversed, whole, same
}

// TestReverseProperties: random plans under returns: reverse, with a
// member cap, a payout cap or neither, over four months of orders returned
// in parts. Shuffled sales rows give the same rows and reversal lines;
// what later periods reverse from an earner on an order never exceeds what
// the order recorded as paid to them (after the caps); an order returned
// in whole in later periods nets every earner to exactly 0.
func TestReverseProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(20, 26))
	cases := 60
	if testing.Short() {
		cases = 10
	}
	var wholes, reversals int
	for i := 0; i < cases; i++ {
		plan := randomPlan(rng)
		ranks := strings.Count(plan, "\n  - name: R")
		extra := "returns: reverse\n"
		switch rng.IntN(3) {
		case 0:
			extra += fmt.Sprintf("member_cap: %d\n", 5+rng.IntN(60))
		case 1:
			extra += fmt.Sprintf("payout_cap: %d%%\n", 5+rng.IntN(30))
		}
		plan = strings.Replace(plan, "components:\n", extra+"components:\n", 1)
		members, sales, ok := randomReverseHistory(rng, ranks)
		if !ok {
			continue
		}
		p, err := Decode([]byte(plan), "plan.yaml")
		if err != nil {
			t.Fatalf("case %d: %v\n%s", i, err, plan)
		}
		want, paid, reversed, whole, same := reverseReplay(t, p, members, sales)
		rows := strings.Split(strings.TrimSuffix(sales, "\n"), "\n")
		body := slices.Clone(rows[1:])
		rng.Shuffle(len(body), func(a, b int) { body[a], body[b] = body[b], body[a] })
		if got, _, _, _, _ := reverseReplay(t, p, members, rows[0]+"\n"+strings.Join(body, "\n")+"\n"); got != want {
			t.Fatalf("case %d: shuffled rows change the result:\n%s\nplan:\n%s", i, firstDiff(want, got), plan)
		}
		for k, v := range reversed {
			reversals++
			if -v > max(paid[k], 0) || v > 0 {
				t.Fatalf("case %d: %s reversed %s from %s on %s, paid %s\nplan:\n%s", i, k.comp, -v, k.earner, k.order, paid[k], plan)
			}
		}
		for k, v := range paid {
			if whole[k.order] && !same[k.order] {
				wholes++
				if v+reversed[k] != 0 {
					t.Fatalf("case %d: %s on %s returned in whole: %s paid %s, reversed %s\nplan:\n%s", i, k.comp, k.order, k.earner, v, -reversed[k], plan)
				}
			}
		}
	}
	t.Logf("reversal sums %d, earners of orders returned in whole %d", reversals, wholes)
	if !testing.Short() && (reversals == 0 || wholes == 0) {
		t.Errorf("the random cases do not exercise reversals")
	}
}
