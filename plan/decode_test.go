package plan

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

func TestDecodeExample(t *testing.T) {
	src := `
name: Example
currency: KWD
rounding: half-up
active: {pv: 50.5}
ranks:
  - name: Associate
  - name: Bronze
    pv: 100
    gv: 1000
  - name: Silver
    gv: 3000
    max_leg: 0.5
    legs: {count: 2, rank: Bronze}
components:
  - name: retail
    type: personal
    rate: 10%
  - name: uni
    type: unilevel
    levels: [5%, 0.05, 4.5%]
    compression: dynamic
    paid_levels: {Associate: 1, Silver: 3}
`
	p, err := Decode([]byte(src), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if p.Digits != 3 || p.Rounding != dec.HalfUp || !p.HasActive || p.ActivePV != dec.MustParse("50.5") {
		t.Errorf("plan header = %+v", p)
	}
	s := p.Ranks[2]
	if s.PV.Set || !s.GV.Set || s.GV.Value != dec.FromInt(3000) || s.MaxLeg != dec.RateOne/2 || s.Legs != (LegRule{Count: 2, Rank: 1}) {
		t.Errorf("Silver = %+v", s)
	}
	u := p.Components[1]
	if got := []dec.Rate{5_000_000, 5_000_000, 4_500_000}; !slices.Equal(u.s().Levels, got) || u.s().Compression != CompressDynamic {
		t.Errorf("unilevel = %+v", u)
	}
	if !slices.Equal(u.s().PaidLevels, []int{1, 0, 3}) {
		t.Errorf("paid levels = %v, want [1 0 3] (Bronze unlisted: 0)", u.s().PaidLevels)
	}
	if p.Components[0].s().Rate != 10_000_000 || !p.Components[0].Personal() || u.Personal() {
		t.Errorf("retail = %+v", p.Components[0])
	}
}

func TestDecodeDefaults(t *testing.T) {
	p, err := Decode([]byte("name: x\ncurrency: JPY\ncomponents:\n  - {name: u, type: unilevel, levels: [1%]}\n"), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if p.Rounding != dec.HalfEven || p.HasActive || p.Components[0].s().Compression != CompressNone ||
		p.Components[0].s().PaidLevels != nil || p.Digits != 0 {
		t.Errorf("defaults = %+v %+v", p, p.Components[0])
	}
}

func TestDecodeErrors(t *testing.T) {
	const head = "name: x\ncurrency: USD\n"
	const uni = "components:\n  - name: u\n    type: unilevel\n    levels: [5%]\n"
	ranks := "ranks:\n  - name: Bronze\n    pv: 100\n"
	tests := []struct{ name, src, want string }{
		{"empty", "", "p.yaml: the plan is empty"},
		{"not a mapping", "- a\n", "p.yaml:1:1: the plan must be a mapping"},
		{"unknown key", head + "colour: red\n" + uni, `p.yaml:3:1: unknown key "colour" in the plan (expected one of: name, currency`},
		{"duplicate key", head + "name: y\n" + uni, `p.yaml:3:1: key "name" appears twice in the plan`},
		{"tab indentation", head + "components:\n\t- name: u\n", "p.yaml:4: found character that cannot start any token (YAML does not allow tabs: indent with spaces)"},
		{"syntax", head + "components: [\n", "p.yaml:3: did not find expected node content"},
		{"alias", head + "x: &a [1]\ncomponents: *a\n", "p.yaml:3:4: YAML anchors and aliases are not supported"},
		{"too deep", head + "components: " + strings.Repeat("[", 20) + strings.Repeat("]", 20) + "\n", "nested deeper than 16 levels"},
		{"missing currency", "name: x\n" + uni, `p.yaml:1:1: the plan needs "currency"`},
		{"bad currency", "name: x\ncurrency: XYZ\n" + uni, `p.yaml:2:11: currency "XYZ" is not an ISO 4217 code`},
		{"lowercase currency", "name: x\ncurrency: usd\n" + uni, `currency "usd" is not an ISO 4217 code`},
		{"bad rounding", head + "rounding: up\n" + uni, "p.yaml:3:11: rounding must be half-even, half-up or down"},
		{"wrong type", head + "active: 50\n" + uni, `p.yaml:3:9: active must be a mapping of keys to values, not "50"`},
		{"a long value is cut", head + "active: " + strings.Repeat("é", 50) + "\n" + uni, `p.yaml:3:9: active must be a mapping of keys to values, not "` + strings.Repeat("é", 40) + `…"`},
		{"active without pv", head + "active: {}\n" + uni, "p.yaml:3:9: active needs pv"},
		{"negative pv", head + "ranks:\n  - name: B\n    pv: -5\n" + uni, `p.yaml:5:9: pv must be a number of 0 or more`},
		{"float pv text", head + "ranks:\n  - name: B\n    pv: 1e3\n" + uni, `p.yaml:5:9: pv must be a number of 0 or more such as 100 or 99.5, not "1e3"`},
		{"rank without name", head + "ranks:\n  - pv: 5\n" + uni, "p.yaml:4:5: every rank needs a name"},
		{"rank twice", head + "ranks:\n  - name: B\n  - name: B\n" + uni, `p.yaml:5:11: rank "B" is defined twice`},
		{"max_leg without gv", head + "ranks:\n  - name: B\n    max_leg: 50%\n" + uni, `p.yaml:5:14: max_leg limits a leg's share of the gv requirement, so rank "B" needs gv too`},
		{"unknown legs rank", head + "ranks:\n  - name: B\n    legs: {count: 2, rank: Gold}\n" + uni, `p.yaml:5:28: legs rank "Gold" is not a rank of this plan (ranks: B)`},
		{"legs count not a number", head + "ranks:\n  - name: B\n    legs: {count: two, rank: B}\n" + uni, `p.yaml:5:19: legs count must be a whole number`},
		{"no components", head + "components: []\n", "p.yaml:3:13: components must be a list with at least one component"},
		{"component without type", head + "components:\n  - name: u\n", "p.yaml:4:5: every component needs a name and a type (personal, unilevel, differential, matching, fast_start, pool, binary, matrix, rank_advancement, recruit_bonus, rank_bonus, first_order)"},
		{"binary without rate", head + "components:\n  - {name: b, type: binary}\n", "p.yaml:4:5: a binary needs rate (a share of the paired volume, e.g. 10%) or cycle"},
		{"binary rate and cycle", head + "components:\n  - {name: b, type: binary, rate: 10%, cycle: {left: 1, right: 1, amount: 1}}\n", "p.yaml:4:47: a binary pays by rate or by cycle, not both"},
		{"binary cycle side 0", head + "components:\n  - {name: b, type: binary, cycle: {left: 0, right: 1, amount: 1}}\n", "p.yaml:4:43: cycle left must be above 0"},
		{"binary cycle incomplete", head + "components:\n  - {name: b, type: binary, cycle: {left: 300}}\n", "p.yaml:4:36: a cycle needs left, right and amount"},
		{"binary bad placement", head + "components:\n  - {name: b, type: binary, rate: 10%, placement: middle}\n", `p.yaml:4:51: placement must be weaker, left or right, not "middle"`},
		{"binary carry not bool", head + "components:\n  - {name: b, type: binary, rate: 10%, carry: yes}\n", `p.yaml:4:47: carry must be true or false, not "yes"`},
		{"binary carry_cap without carry", head + "components:\n  - {name: b, type: binary, rate: 10%, carry: false, carry_cap: 5}\n", "p.yaml:4:65: carry_cap caps what carries, but carry is false"},
		{"two binaries", head + "components:\n  - {name: b, type: binary, rate: 10%}\n  - {name: c, type: binary, rate: 10%}\n", "p.yaml:5:5: a plan has at most one binary component (b is one already)"},
		{"matrix width 0", head + "components:\n  - {name: m, type: matrix, width: 0, levels: [5%]}\n", "p.yaml:4:36: width must be from 1 to 1000"},
		{"matrix without width", head + "components:\n  - {name: m, type: matrix, levels: [5%]}\n", "p.yaml:4:5: a matrix needs width"},
		{"matrix without levels", head + "components:\n  - {name: m, type: matrix, width: 3}\n", "p.yaml:4:5: a matrix component needs levels"},
		{"matrix unknown key", head + "components:\n  - {name: m, type: matrix, width: 3, levels: [5%], depth: 3}\n", `p.yaml:4:53: unknown key "depth" in a matrix component`},
		{"unknown type", head + "components:\n  - {name: u, type: ternary}\n", `p.yaml:4:21: unknown component type "ternary" (expected one of: personal, unilevel, differential, matching, fast_start, pool, binary, matrix, rank_advancement, recruit_bonus, rank_bonus, first_order)`},
		{"reserved name", head + "components:\n  - {name: Total, type: personal, rate: 1%}\n", `p.yaml:4:12: component name "Total" is taken by an output column`},
		{"duplicate component", head + "components:\n  - {name: u, type: personal, rate: 1%}\n  - {name: U, type: personal, rate: 1%}\n", `p.yaml:5:12: component name "U" is used twice`},
		{"unknown component key", head + uni + "    rate: 5%\n", `p.yaml:7:5: unknown key "rate" in a unilevel component (expected one of: name, type, levels, compression, paid_levels, levels_by_rank)`},
		{"rate over 100%", head + "components:\n  - {name: u, type: personal, rate: 150%}\n", `p.yaml:4:37: rate "150%" is over 100%`},
		{"negative rate", head + "components:\n  - {name: u, type: personal, rate: -5%}\n", `p.yaml:4:37: rate "-5%" is negative`},
		{"bare 5", head + "components:\n  - {name: u, type: unilevel, levels: [5]}\n", `p.yaml:4:40: level rate "5" means 500%: did you mean 5%? (a rate without % is a fraction from 0 to 1)`},
		{"rate text", head + "components:\n  - {name: u, type: unilevel, levels: [five]}\n", `level rate "five" is not a rate`},
		{"no levels", head + "components:\n  - {name: u, type: unilevel}\n", "p.yaml:4:5: a unilevel component needs levels"},
		{"bad compression", head + uni + "    compression: static\n", `p.yaml:7:18: compression must be none, dynamic or dynamic-rank, not "static"`},
		{"paid_levels without ranks", head + uni + "    paid_levels: {B: 1}\n", "p.yaml:7:18: paid_levels needs ranks"},
		{"paid_levels unknown rank", head + ranks + uni + "    paid_levels: {Gold: 1}\n", `p.yaml:10:19: paid_levels rank "Gold" is not a rank of this plan (ranks: Bronze)`},
		{"unknown rank in rates", head + ranks + "components:\n  - {name: d, type: differential, rates: {Gold: 5%}}\n", `p.yaml:7:43: rates rank "Gold" is not a rank of this plan (ranks: Bronze)`},
		{"matching cycle", head + "components:\n  - {name: a, type: matching, of: [b], generations: [5%]}\n  - {name: b, type: matching, of: [a], generations: [5%]}\n", "matching cycle: a → b → a: a matching cannot depend on itself"},
		{"matching itself", head + "components:\n  - {name: a, type: matching, of: [a], generations: [5%]}\n", "matching cycle: a → a"},
		{"of an unknown component", head + uni + "  - {name: m, type: matching, of: [nope], generations: [5%]}\n", `p.yaml:7:36: matching m matches "nope", which is not a component of this plan (components: u, m)`},
		{"of names a component twice", head + "components:\n  - {name: r, type: personal, rate: 10%}\n  - {name: m, type: matching, of: [r, r], generations: [10%]}\n", `p.yaml:5:39: matching m names "r" twice in of: each component is matched once`},
		{"member_cap names a component twice", head + "components:\n  - {name: r, type: personal, rate: 10%}\nmember_cap: {amount: 8, components: [r, r]}\n", `p.yaml:5:41: member_cap names "r" twice in components: each component is capped once`},
		{"days 0", head + "components:\n  - {name: f, type: fast_start, days: 0, levels: [5%]}\n", "p.yaml:4:39: days must be 1 or more"},
		{"levels and levels_by_rank", head + ranks + uni + "    levels_by_rank: {Bronze: [5%]}\n", "p.yaml:10:21: levels_by_rank gives each rank its own levels: leave out levels and paid_levels"},
		{"paid_levels beyond levels", head + ranks + uni + "    paid_levels: {Bronze: 2}\n", `p.yaml:10:27: rank "Bronze" is paid on 2 levels but the component has only 1`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode([]byte(tt.src), "p.yaml")
			var in *tree.InputError
			if !errors.As(err, &in) {
				t.Fatalf("error = %v (%T), want an *InputError", err, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %q\nwant it to contain %q", err, tt.want)
			}
		})
	}
}

func TestReadLimit(t *testing.T) {
	big := "name: x\ncurrency: USD\n#" + strings.Repeat("x", MaxPlanBytes) + "\n"
	_, err := Read(strings.NewReader(big), "big.yaml")
	if err == nil || !strings.Contains(err.Error(), "big.yaml: plan file is larger than 1048576 bytes") {
		t.Fatalf("error = %v", err)
	}
}

func TestCurrencyDigits(t *testing.T) {
	for code, want := range map[string]int{"USD": 2, "EUR": 2, "JPY": 0, "KRW": 0, "KWD": 3, "BHD": 3, "CLF": 4} {
		if got, ok := CurrencyDigits(code); !ok || got != want {
			t.Errorf("CurrencyDigits(%s) = %d, %v; want %d", code, got, ok, want)
		}
	}
	for _, bad := range []string{"", "US", "usd", "D A", "XAU", "USDX"} {
		if _, ok := CurrencyDigits(bad); ok {
			t.Errorf("CurrencyDigits(%q) accepted", bad)
		}
	}
}

func TestYAMLRoundTrip(t *testing.T) {
	p := examplePlan(t)
	want := `name: Example Unilevel
currency: USD
rounding: half-even
active:
    pv: "50"
ranks:
    - name: Associate
    - name: Bronze
      pv: "100"
      gv: "1000"
    - name: Silver
      pv: "100"
      gv: "3000"
      max_leg: 50%
      legs:
        count: 2
        rank: Bronze
components:
    - name: retail
      type: personal
      rate: 10%
    - name: unilevel
      type: unilevel
      levels: [5%, 5%, 4%, 3%, 2%]
      compression: dynamic
      paid_levels:
        Associate: 1
        Bronze: 3
        Silver: 5
`
	if got := string(p.YAML()); got != want {
		t.Errorf("YAML() =\n%s\nwant\n%s", got, want)
	}
	again, err := Decode(p.YAML(), "again.yaml")
	if err != nil || !reflect.DeepEqual(p, again) {
		t.Errorf("round trip: %v\n%+v\n%+v", err, p, again)
	}
}
