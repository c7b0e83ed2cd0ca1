package compare

import (
	"bytes"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/compplan/compplan/plan"
	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
	"github.com/compplan/compplan/tree/gen"
)

func ds(vals ...string) []dec.D {
	var out []dec.D
	for _, v := range vals {
		out = append(out, dec.MustParse(v))
	}
	return out
}

func TestDescribe(t *testing.T) {
	for _, tt := range []struct {
		vals []dec.D
		want string
	}{
		{nil, "n=0 none"},
		{ds("7"), "n=1 mean 7 median 7 p75 7 p90 7 p99 7 max 7"},
		// Nearest rank on 1..10: p50 → 5th, p75 → ⌈7.5⌉ = 8th, p90 → 9th,
		// p99 → ⌈9.9⌉ = 10th.
		{ds("10", "1", "9", "2", "8", "3", "7", "4", "6", "5"), "n=10 mean 5.5 median 5 p75 8 p90 9 p99 10 max 10"},
		// Ties; a mean of 1/3 rounds half-even to 0.33.
		{ds("0", "0", "1"), "n=3 mean 0.33 median 0 p75 1 p90 1 p99 1 max 1"},
		// 0.125 → 0.12 (half-even), 0.135 → 0.14.
		{ds("0.25", "0"), "n=2 mean 0.12 median 0 p75 0.25 p90 0.25 p99 0.25 max 0.25"},
		{ds("0.27", "0"), "n=2 mean 0.14 median 0 p75 0.27 p90 0.27 p99 0.27 max 0.27"},
	} {
		sorted := slices.Clone(tt.vals)
		slices.Sort(sorted)
		d := describeSorted(sorted, 2)
		got := fmt.Sprintf("n=%d none", d.N)
		if d.Has {
			got = fmt.Sprintf("n=%d mean %s median %s p75 %s p90 %s p99 %s max %s", d.N, d.Mean, d.Median, d.P75, d.P90, d.P99, d.Max)
		}
		if got != tt.want {
			t.Errorf("describe(%v) = %s, want %s", tt.vals, got, tt.want)
		}
	}
}

func compute(t *testing.T, src string, d *tree.Data) *plan.Result {
	t.Helper()
	p, err := plan.Decode([]byte(src), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	r, err := plan.Compute(p, d)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// twoPlans computes plans A (10% on level 1) and B (5% on levels 1 and 2)
// on the line A ← B ← C ← D, where A sells 50 and B, C, D sell 100.
func twoPlans(t *testing.T) (*tree.Data, *plan.Result, *plan.Result) {
	t.Helper()
	d, err := tree.ReadMembers(strings.NewReader("id,sponsor_id,name\nA,,Ann\nB,A,Bob\nC,B,Cy\nD,C,Di\n"), "m.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.ReadSales(strings.NewReader("member_id,amount\nA,50\nB,100\nC,100\nD,100\n"), "s.csv"); err != nil {
		t.Fatal(err)
	}
	a := compute(t, "name: A\ncurrency: USD\nranks: [{name: Low}, {name: High, pv: 100}]\ncomponents: [{name: u, type: unilevel, levels: [10%]}]\n", d)
	b := compute(t, "name: B\ncurrency: USD\nranks: [{name: Low}, {name: High, pv: 100}]\ncomponents: [{name: u, type: unilevel, levels: [5%, 5%]}]\n", d)
	return d, a, b
}

// TestCompareTwoPlans: on A ← B ← C ← D (D, C and B sell 100; A sells 50),
// plan A pays 10% on level 1, plan B pays 5% on levels 1 and 2.
//
//	plan A: A 10 (B's sale), B 10 (C's), C 10 (D's), D 0: payout 30
//	plan B: A 5 + 5 = 10, B 5 + 5 = 10, C 5, D 0: payout 25
func TestCompareTwoPlans(t *testing.T) {
	_, a, b := twoPlans(t)
	c := Compare([]string{"A", "B"}, []*plan.Result{a, b}, 10)
	pa, pb := c.Plans[0], c.Plans[1]
	if pa.Earners != 3 || pa.EarnersPct.String() != "75" || pb.Earners != 3 {
		t.Errorf("earners %d (%s%%), %d", pa.Earners, pa.EarnersPct, pb.Earners)
	}
	// plan A totals: 0, 10, 10, 10. Mean 7.5, median (2nd of 4) 10.
	if got := fmt.Sprint(pa.All.Mean, pa.All.Median, pa.All.Max, pa.AmongEarners.Median); got != "7.5 10 10 10" {
		t.Errorf("plan A all: %s", got)
	}
	// plan B totals: 0, 5, 10, 10: mean 6.25, median 5; among earners 5, 10, 10: median 10.
	if got := fmt.Sprint(pb.All.Mean, pb.All.Median, pb.AmongEarners.Mean, pb.AmongEarners.Median); got != "6.25 5 8.33 10" {
		t.Errorf("plan B: %s", got)
	}
	// Top 1% of 3 earners is ⌈0.03⌉ = 1 earner: A (10, ties by id) of 25 = 40%.
	if pb.Top1Share.String() != "40" || pb.Top10Share.String() != "40" {
		t.Errorf("plan B top shares %s %s, want 40 40", pb.Top1Share, pb.Top10Share)
	}
	// Ranks: A (PV 50) Low, B, C, D High. Plan A: Low [10], High [10, 10, 0]:
	// median 10, mean 20/3 = 6.67.
	var ranks []string
	for _, r := range pa.Ranks {
		ranks = append(ranks, fmt.Sprintf("%s %d %s%% %s %s %s", r.Rank, r.Count, r.Pct, r.Median, r.Mean, r.Max))
	}
	if got, want := strings.Join(ranks, "; "), "Low 1 25% 10 10 10; High 3 75% 10 6.67 10"; got != want {
		t.Errorf("ranks %s, want %s", got, want)
	}
	// Against plan A, C loses 5 (10 → 5); nobody else changes.
	if len(c.Gainers[1]) != 0 || len(c.Losers[1]) != 1 || a.Org.ID(c.Losers[1][0].Member) != "C" || c.Losers[1][0].Delta.String() != "-5" {
		t.Errorf("movers %+v %+v", c.Gainers[1], c.Losers[1])
	}
}

// TestCompareEveryFigure renders every figure of the two-plan comparison
// above, all worked out by hand:
//
//	plan A totals by id: A 10, B 10, C 10, D 0
//	plan B totals by id: A 10, B 10, C 5, D 0
func TestCompareEveryFigure(t *testing.T) {
	d, a, b := twoPlans(t)
	none := compute(t, "name: N\ncurrency: USD\ncomponents: [{name: u, type: unilevel, levels: [0%]}]\n", d)
	c := Compare([]string{"A", "B", "N"}, []*plan.Result{a, b, none}, 10)
	render := func(p PlanStats) string {
		dist := func(x Dist) string {
			if !x.Has {
				return fmt.Sprintf("n=%d -", x.N)
			}
			return fmt.Sprintf("n=%d %s/%s/%s/%s/%s/%s", x.N, x.Mean, x.Median, x.P75, x.P90, x.P99, x.Max)
		}
		var ranks []string
		for _, r := range p.Ranks {
			ranks = append(ranks, fmt.Sprintf("%s:%d:%s:%s/%s/%s", r.Rank, r.Count, r.Pct, r.Median, r.Mean, r.Max))
		}
		return fmt.Sprintf("earners %d (%s%%) all %s earners %s top1 %s top10 %s ranks %s",
			p.Earners, p.EarnersPct, dist(p.All), dist(p.AmongEarners), p.Top1Share, p.Top10Share, strings.Join(ranks, " "))
	}
	for i, want := range []string{
		// A: all 0,10,10,10: mean 7.5, p50 = 2nd = 10, p75 = 3rd, p90 = p99 = 4th.
		// Earners 10,10,10. Top 1% and 10% = 1 earner of 3: 10/30 = 33.33%.
		// Ranks: Low (A) [10]; High (B, C, D) [0, 10, 10]: median 10, mean 6.67.
		"earners 3 (75%) all n=4 7.5/10/10/10/10/10 earners n=3 10/10/10/10/10/10 top1 33.33 top10 33.33 ranks Low:1:25:10/10/10 High:3:75:10/6.67/10",
		// B: all 0,5,10,10: mean 6.25, median 5 (2nd), p75 10. Earners 5,10,10:
		// mean 8.33, median 10. Top earner 10 of 25 = 40%.
		"earners 3 (75%) all n=4 6.25/5/10/10/10/10 earners n=3 8.33/10/10/10/10/10 top1 40 top10 40 ranks Low:1:25:10/10/10 High:3:75:5/5/10",
		// N: nobody earns: no earner figures, shares 0; ranks: none in the
		// plan, so everyone is under "no rank".
		"earners 0 (0%) all n=4 0/0/0/0/0/0 earners n=0 - top1 0 top10 0 ranks :4:100:0/0/0",
	} {
		if got := render(c.Plans[i]); got != want {
			t.Errorf("plan %s:\n got %s\nwant %s", c.Plans[i].Label, got, want)
		}
	}
	// Against A: plan B moves C down by 5; plan N moves A, B and C down by 10
	// each, in id order.
	var moves []string
	for i := 1; i < 3; i++ {
		for _, mv := range c.Losers[i] {
			moves = append(moves, fmt.Sprintf("%s:%s>%s", a.Org.ID(mv.Member), mv.Before, mv.After))
		}
	}
	if got, want := strings.Join(moves, " "), "C:10>5 A:10>0 B:10>0 C:10>0"; got != want {
		t.Errorf("losers %s, want %s", got, want)
	}
}

// TestCompareEarnersArePaid: compare counts earners and the top shares as
// run and replay do: an earner is a member paid more than 0 (payable), and
// a share is of the payout. Retail 10%, min_payout 5: A sells 100 (10.00
// paid), B 30 (3.00, held), C returns 50 (−5.00, a debit), D sells 200
// (20.00 paid). Payout 30.00; earners A and D: 2 of 4 = 50.00% (not B,
// whose 3.00 is held); the top 1% and 10% (⌈2/100⌉ = ⌈2/10⌉ = 1 earner,
// D) take 20.00 of 30.00 = 66.67% (not 20 ÷ 33, the positive totals).
func TestCompareEarnersArePaid(t *testing.T) {
	d, err := tree.ReadMembers(strings.NewReader("id,sponsor_id\nA,\nB,\nC,\nD,\n"), "m.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.ReadSales(strings.NewReader("member_id,amount,type,order_id\nA,100,,o1\nB,30,,o2\nC,-50,return,o9\nD,200,,o4\n"), "s.csv"); err != nil {
		t.Fatal(err)
	}
	r := compute(t, "name: P\ncurrency: USD\nmin_payout: 5\ncomponents: [{name: retail, type: personal, rate: 10%}]\n", d)
	if r.Payout.String() != "30" {
		t.Fatalf("payout %s, want 30", r.Payout)
	}
	s := Compare([]string{"P"}, []*plan.Result{r}, 10).Plans[0]
	got := fmt.Sprintf("earners %d %s top1 %s top10 %s among earners n=%d mean %s median %s max %s",
		s.Earners, s.EarnersPct, s.Top1Share, s.Top10Share, s.AmongEarners.N, s.AmongEarners.Mean, s.AmongEarners.Median, s.AmongEarners.Max)
	if want := "earners 2 50 top1 66.67 top10 66.67 among earners n=2 mean 15 median 10 max 20"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

// TestStatsAgainstPlain checks stats, which makes its lists in one shared
// buffer and sorts them through one scratch, against the figures worked
// out plainly: each list a slice of its own, sorted by slices.Sort. The
// data is generated (20,000 members, so that the totals, the earners and
// several ranks are long enough for the radix sort), on a plan with ranks
// and a min_payout (earners are then not the members with a positive total).
func TestStatsAgainstPlain(t *testing.T) {
	var mb, sb bytes.Buffer
	if err := gen.Write(gen.Config{Members: 20_000, SalesPerMember: 3, Seed: 5}, &mb, &sb); err != nil {
		t.Fatal(err)
	}
	d, err := tree.ReadMembers(&mb, "members.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.ReadSales(&sb, "sales.csv"); err != nil {
		t.Fatal(err)
	}
	r := compute(t, `name: S
currency: USD
min_payout: 12
ranks: [{name: Bronze}, {name: Silver, pv: 100}, {name: Gold, pv: 200, gv: 1000}]
components:
  - {name: retail, type: personal, rate: 7%}
  - {name: u, type: unilevel, levels: [5%, 4%, 3%]}
`, d)
	totals := memberTotals(r)
	got := stats("S", r, totals)

	plainSorted := func(s []dec.D) []dec.D {
		s = slices.Clone(s)
		slices.Sort(s)
		return s
	}
	digits := r.Plan.Digits
	want := PlanStats{Label: "S", Result: r}
	all := plainSorted(totals)
	want.All = describeSorted(all, digits)
	var earners []dec.D
	for m := range int32(len(totals)) {
		if v := r.Payable(m); v > 0 {
			earners = append(earners, v)
		}
	}
	earners = plainSorted(earners)
	want.Earners, want.EarnersPct = len(earners), pct(int64(len(earners)), int64(len(all)))
	want.AmongEarners = describeSorted(earners, digits)
	share := func(k int) dec.D {
		var t dec.D
		for _, v := range earners[len(earners)-k:] {
			t += v
		}
		return dec.Percent(t, r.Payout)
	}
	want.Top1Share, want.Top10Share = share((len(earners)+99)/100), share((len(earners)+9)/10)
	byRank := make([][]dec.D, len(r.Plan.Ranks)+1)
	for m, v := range totals {
		byRank[r.Rank[m]+1] = append(byRank[r.Rank[m]+1], v)
	}
	long := 0
	for k, list := range byRank {
		if len(list) == 0 && k == 0 {
			continue
		}
		if len(list) >= 256 {
			long++
		}
		s := describeSorted(plainSorted(list), digits)
		rs := RankStats{Count: len(list), Pct: pct(int64(len(list)), int64(len(all))), Median: s.Median, Mean: s.Mean, Max: s.Max}
		if k > 0 {
			rs.Rank = r.Plan.Ranks[k-1].Name
		}
		want.Ranks = append(want.Ranks, rs)
	}
	if long < 3 || len(earners) < 256 || len(earners) == len(all) {
		t.Fatalf("the data does not test the long lists: %d ranks of 256 members or more, %d earners of %d", long, len(earners), len(all))
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("stats:\n got %+v\nwant %+v", got, want)
	}
}
