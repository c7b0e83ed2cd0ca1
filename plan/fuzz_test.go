package plan

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/compplan/compplan/tree"
)

// FuzzDecode: any plan source decodes or gives an *InputError naming the
// file; a decoded plan satisfies the invariants the engine relies on.
func FuzzDecode(f *testing.F) {
	for _, name := range []string{"../examples/unilevel.yaml", "../examples/worked/plan.yaml", "../examples/hybrid/plan.yaml",
		"../examples/hybrid/capped.yaml", "../examples/pool.yaml", "../examples/realworld/plan.yaml", "../examples/recruit/plan.yaml", "../examples/tiers.yaml", "../examples/pool-volume.yaml", "../examples/genmatch.yaml", "../examples/binary/ranked.yaml", "../examples/rankbonus/plan.yaml", "../examples/firstorder/plan.yaml"} {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(string(b))
		}
	}
	f.Add("name: x\ncurrency: USD\ncomponents: [{name: u, type: unilevel, levels: [5%], paid_levels: {A: 1}}]\nranks: [{name: A}]\n")
	f.Add("a: &a [*a, *a]\n")
	f.Fuzz(func(t *testing.T, src string) {
		p, err := Decode([]byte(src), "p.yaml")
		if err != nil {
			var e *tree.InputError
			if !errors.As(err, &e) || e.File != "p.yaml" {
				t.Fatalf("error %v (%T) does not name the file", err, err)
			}
			return
		}
		if len(p.Components) == 0 || p.Name == "" {
			t.Fatalf("decoded a plan without name or components: %+v", p)
		}
		for _, c := range p.Components {
			for _, r := range append(c.s().Levels, c.s().Rate) {
				if r < 0 || r > 100_000_000 {
					t.Fatalf("rate %s out of range", r)
				}
			}
			if c.s().PaidLevels != nil && len(c.s().PaidLevels) != len(p.Ranks) {
				t.Fatalf("paid levels for %d ranks, plan has %d", len(c.s().PaidLevels), len(p.Ranks))
			}
		}
		// Re-encoded, the plan decodes to the same plan.
		again, err := Decode(p.YAML(), "again.yaml")
		if err != nil {
			t.Fatalf("re-encoded plan does not decode: %v\n%s", err, p.YAML())
		}
		if !reflect.DeepEqual(p, again) {
			t.Fatalf("plan changed on a round trip:\n%+v\n%+v\n%s", p, again, p.YAML())
		}
	})
}

// FuzzEngine: random plans and trees drawn from the fuzzer's seed never
// panic, always reconcile and do not depend on row order.
func FuzzEngine(f *testing.F) {
	f.Add(uint64(1), uint64(2), uint8(30))
	f.Add(uint64(7), uint64(0), uint8(1))
	f.Add(uint64(5), uint64(3), uint8(60))
	f.Add(uint64(4), uint64(6), uint8(40)) // a pool by volume, over a period
	f.Fuzz(func(t *testing.T, s1, s2 uint64, n uint8) {
		rng := rand.New(rand.NewPCG(s1, s2))
		plan := randomPlan(rng)
		switch s1 % 3 {
		case 1:
			plan = randomCappedPlan(rng)
		case 2:
			plan = randomPlacementPlan(rng)
		}
		// A recruit_bonus pays on the members who joined in the period:
		// such a plan is computed over January, when they all join.
		if s2%5 == 1 { // a pool shared by volume, either split
			plan += fmt.Sprintf("  - {name: vpool, type: pool, percent: %d%%, shares: %s, split: %s}\n", 1+rng.IntN(5),
				[]string{"volume", "group_volume"}[rng.IntN(2)], []string{"per-member", "per-share"}[rng.IntN(2)])
		}
		if n := strings.Count(plan, "\n  - name: R"); n > 0 && s2%4 == 2 {
			plan += randomRankBonus(rng, n)
		}
		if n := strings.Count(plan, "\n  - name: R"); n > 0 && s2%4 == 3 {
			plan += randomAdvancement(rng, n)
		}
		inPeriod := s2%3 == 0
		if inPeriod {
			plan += fmt.Sprintf("  - {name: rec, type: recruit_bonus, amounts: [%d, %d], min_pv: %d}\n", rng.IntN(60), rng.IntN(20), rng.IntN(200))
		}
		members, sales := randomData(rng, 1+int(n))
		mh := memberHeader
		if s1%3 == 2 { // binary and matrix plans: some members placed by hand
			members = withPlacements(rng, members)
			mh = strings.TrimSuffix(mh, "\n") + ",placement_id,leg,matrix_parent_id\n"
		}
		join := func(rows []string) string { return strings.Join(rows, "\n") + "\n" }
		if _, err := tryCompute(plan, mh+join(members), salesHeader+join(sales), ""); err != nil && strings.Contains(err.Error(), "placement cycle") {
			return // a real input error of the drawn data
		}
		compute := calc
		if inPeriod {
			compute = calcJanuary
		}
		r1 := compute(t, plan, mh+join(members), salesHeader+join(sales))
		r2 := compute(t, plan, mh+join(shuffled(rng, members)), salesHeader+join(shuffled(rng, sales)))
		if renderLegs(r1) != renderLegs(r2) {
			t.Fatalf("row order changed the result; plan:\n%s", plan)
		}
	})
}

// FuzzReadState: any input is refused with an error naming the file, or
// is a state that, written back and read again, is the same.
func FuzzReadState(f *testing.F) {
	f.Add(`{"version":1,"plan_sha256":"ab","period":"2026-01","period_end":"2026-01-31","periods":1,"members":[{"id":"A","highest_rank":"Gold","balance":-5.5,"carry_left":10}]}`)
	f.Add(`{"version":2}`)
	f.Add(`{"version":4,"plan_sha256":"ab","period":"2026-01","period_end":"2026-01-31","periods":1,"members":[{"id":"A","recent_pv":[10,0,5],"recent_gv":[-3],"first_pair":true,"carry_left":10,"carry_right":0,"carry_left_by_age":[0,10],"carry_right_by_age":[]}]}`)
	f.Add(`{"version":1,"members":[],"orders":[{"order_id":"O1","seller":"A","volume":100,"period_number":1,"lines":[{"earner":"B","component":"u","amount":5}]}]}`)
	// A valid state, and each way TestStateStrict breaks one.
	p, err := Decode([]byte(strictPlan), "plan.yaml")
	if err != nil {
		f.Fatal(err)
	}
	valid := strings.Replace(strictState, "HASH", p.Hash(), 1)
	f.Add(valid)
	for _, bad := range [][2]string{
		{`"carry_left":10`, `"carry_left":-10`},
		{`{"id":"C","placement_id":"A","leg":"R"}`, `{"id":"C","placement_id":"A","leg":"L"}`},
		{`{"id":"C","placement_id":"A","leg":"R"}`, `{"id":"C","placement_id":"A","leg":"L"},{"id":"D","placement_id":"A","leg":"L"}`},
		{`{"id":"C","placement_id":"A","leg":"R"}`, `{"id":"A","placement_id":"B","leg":"R"}`},
		{`"balance":-5.5`, `"balance":-5.505`},
		{`"balance":-5.5`, `"balance":99999999999999},{"id":"X1","balance":99999999999999},{"id":"X2","balance":99999999999999`},
		{`"amount":10`, `"amount":10.001`},
		{`{"earner":"B"`, `{"earner":"Z"`},
		{`"component":"retail"`, `"component":"bonus"`},
		{`"seller":"B"`, `"seller":"Y"`},
		{`"volume":100,`, `"volume":100,"returned":101,`},
		{`"paid":10,`, `"paid":10,"clawed_back":11,`},
		{`{"member":"A"`, `{"member":"Q"`},
		{`"leg":"L"`, `"leg":"X"`},
		{`"periods":1,`, `"periods":0,`},
	} {
		f.Add(strings.Replace(valid, bad[0], bad[1], 1))
	}
	d, err := readData(strictMembers, "order_id,member_id,amount,date\nO2,B,10,2026-02-03\n", "")
	if err != nil {
		f.Fatal(err)
	}
	feb, _ := tree.ParsePeriod("2026-02")
	f.Fuzz(func(t *testing.T, in string) {
		s, err := ReadState(strings.NewReader(in), "s.json")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "s.json") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		// Laid over a plan and members, it runs or is refused naming the
		// file (never a panic).
		if s.PlanHash == p.Hash() {
			if _, err := RunPeriod(p, d, feb, s, "s.json", Options{}); err != nil && !errors.Is(err, ErrTooLarge) && !strings.HasPrefix(err.Error(), "s.json") {
				t.Fatalf("error %q does not name the file", err)
			}
		}
		var buf strings.Builder
		if err := s.Write(&buf); err != nil {
			t.Fatal(err)
		}
		s2, err := ReadState(strings.NewReader(buf.String()), "again.json")
		if err != nil {
			t.Fatalf("written back, the state does not read: %v\n%s", err, buf.String())
		}
		var buf2 strings.Builder
		s2.Write(&buf2)
		if buf.String() != buf2.String() {
			t.Fatalf("state changed on a round trip:\n%s\n%s", buf.String(), buf2.String())
		}
	})
}
