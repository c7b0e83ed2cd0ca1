package plan

import (
	"strings"
	"testing"

	"github.com/compplan/compplan/tree/dec"
)

func TestParseRange(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"3%..7%/1%", "3% 4% 5% 6% 7%"},
		{"5%..8%/0.5%", "5.0% 5.5% 6.0% 6.5% 7.0% 7.5% 8.0%"},
		{"1000..3000/750", "1000 1750 2500"}, // at most TO
		{"0.1..0.3/0.1", "0.1 0.2 0.3"},      // exact: no 0.30000000000000004
		{"5%..5%/1%", "5%"},
		{"1%..3%/1", "1% 2% 3%"},
		{"1..2.00000/1", "1.0000 2.0000"}, // zeros past the 4 places a value holds (found by FuzzParseRange)
	} {
		got, err := ParseRange(c.in)
		if err != nil || strings.Join(got, " ") != c.want {
			t.Errorf("%s: %q, %v; want %s", c.in, got, err, c.want)
		}
	}
	for _, c := range []struct{ in, want string }{
		{"3%..7%", "expected FROM..TO/STEP"},
		{"3..7%/1", "FROM and TO are both percents or neither"},
		{"3..7/1%", "FROM and TO are both percents or neither"},
		{"7..3/1", "TO is below FROM"},
		{"1..3/0", "STEP must be above 0"},
		{"0..1000/1", "more than 1000 values"},
		{"a..3/1", `"a" expected a plain decimal`},
		{"-1%..0%/1", "-1% is no rate: is negative"}, // found by FuzzParseRange
		{"99999999999999%..99999999999999%/1%", "99999999999999% is no rate"},
	} {
		if _, err := ParseRange(c.in); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %s", c.in, err, c.want)
		}
	}
}

func TestSourceWith(t *testing.T) {
	const text = `name: s
currency: USD
active: {pv: 50}
ranks:
  - {name: Bronze, pv: 100}
  - {name: Silver, pv: 200, gv: 1000}
components:
  - {name: retail, type: personal, tiers: [{pv: 0, rate: 5%}, {pv: 200, rate: 8%}]}
  - name: uni
    type: unilevel
    levels: [5%, 4%]
`
	src, err := ParseSource([]byte(text), "s.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path, value, edited string
	}{
		{"components.uni.levels.1", "6%", strings.Replace(text, "[5%, 4%]", "[5%, 6%]", 1)},
		{"components.retail.tiers.1.rate", "9%", strings.Replace(text, "rate: 8%", "rate: 9%", 1)},
		{"ranks.Silver.gv", "1500", strings.Replace(text, "gv: 1000", "gv: 1500", 1)},
		{"active.pv", "75", strings.Replace(text, "pv: 50", "pv: 75", 1)},
		{"payout_cap", "30%", text + "payout_cap: 30%\n"},
		{"rank_grace", "2", text + "rank_grace: 2\n"},
	} {
		got, err := src.With(Setting{c.path, c.value})
		if err != nil {
			t.Fatalf("%s=%s: %v", c.path, c.value, err)
		}
		want, err := Decode([]byte(c.edited), "edited.yaml")
		if err != nil {
			t.Fatal(err)
		}
		if got.Hash() != want.Hash() {
			t.Errorf("%s=%s:\n%s\nwant\n%s", c.path, c.value, got.YAML(), want.YAML())
		}
	}
	if p, err := src.With(); err != nil || p.Hash() != mustDecode(t, text).Hash() {
		t.Errorf("no setting: %v", err)
	}
	for _, c := range []struct{ path, value, want string }{
		{"components.unilevel.rate", "1%", `components has no item "unilevel"; its items are retail, uni`},
		{"ranks.Silver.qv", "1", ""}, // a key left out: the decoder names the keys it takes
		{"components.uni.levels", "1%", "components.uni.levels is not one value: it holds 0, 1"},
		{"components.uni.levels.2", "1%", `components.uni.levels has no item "2"`},
		{"active.pv.x", "1", `active.pv is one value, "50": it has no "x"`},
		{"nme", "x", `unknown key "nme" in the plan`},
		{"components.uni.levels.0", "[1%]", "expected one value"},
		{"ranks.Silver.gv", "-5", "gv"},
	} {
		_, err := src.With(Setting{c.path, c.value})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s=%s: %v, want %q", c.path, c.value, err, c.want)
		}
	}
	if v, err := src.Value("components.uni.levels.1"); err != nil || v != "4%" {
		t.Errorf("Value: %q, %v", v, err)
	}
	if v, err := src.Value("payout_cap"); err != nil || v != "" {
		t.Errorf("Value of a key left out: %q, %v", v, err)
	}
}

func mustDecode(t *testing.T, text string) *Plan {
	t.Helper()
	p, err := Decode([]byte(text), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSweepDirection(t *testing.T) {
	for path, want := range map[string]int{
		"components.uni.levels.1": +1, "components.retail.rate": +1, "payout_cap": +1, "components.bonus.amounts.Gold": +1,
		"components.uni.levels_by_rank.Silver.0": +1, "member.M1.pv": +1,
		"ranks.Silver.gv": -1, "ranks.Silver.pv": -1, "active.pv": -1, "components.retail.tiers.1.pv": -1, "ranks.Gold.legs.count": -1,
		"min_payout": -1, "components.retail.tiers.1.rate": +1,
		"rank_grace": 0, "name": 0,
	} {
		if got := SweepDirection(path); got != want {
			t.Errorf("%s: %d, want %d", path, got, want)
		}
	}
}

// FuzzParseRange: a range is refused, or its values rise by the step from
// FROM, none above TO, at most MaxSweepPoints, each a value the plan reads.
func FuzzParseRange(f *testing.F) {
	for _, s := range []string{"3%..7%/1%", "5%..8%/0.5%", "1000..3000/750", "+0..+2000/100", "0.1..0.3/0.1", "7..3/1", "1..2/0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		vals, err := ParseRange(s)
		if err != nil {
			return
		}
		if len(vals) == 0 || len(vals) > MaxSweepPoints {
			t.Fatalf("%q: %d values", s, len(vals))
		}
		pct := strings.HasSuffix(vals[0], "%")
		for _, v := range vals {
			if strings.HasSuffix(v, "%") != pct {
				t.Fatalf("%q: %q mixes percents and numbers", s, vals)
			}
			if pct {
				if _, err := dec.ParseRate(v); err != nil {
					t.Fatalf("%q: %q is no rate: %v", s, v, err)
				}
			} else if _, err := dec.Parse([]byte(v)); err != nil {
				t.Fatalf("%q: %q is no number: %v", s, v, err)
			}
		}
	})
}

// FuzzSourceWith: any path and value give a plan or an error, never a
// panic; a plan given is the edited file's (its canonical form decodes to
// the same plan).
func FuzzSourceWith(f *testing.F) {
	const text = "name: s\ncurrency: USD\nactive: {pv: 50}\nranks:\n  - {name: Bronze, pv: 100}\ncomponents:\n  - {name: uni, type: unilevel, levels: [5%, 4%]}\n  - {name: r, type: personal, tiers: [{pv: 0, rate: 5%}, {pv: 200, rate: 8%}]}\n"
	for _, s := range [][2]string{{"components.uni.levels.1", "6%"}, {"ranks.Bronze.pv", "1e3"}, {"payout_cap", "30%"}, {"a..b", "1"}, {"components.r.tiers.1", "[1]"}, {"", ""}, {"active.pv", "{x: 1}"}} {
		f.Add(s[0], s[1])
	}
	src, err := ParseSource([]byte(text), "s.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, path, value string) {
		p, err := src.With(Setting{path, value})
		if err != nil {
			return
		}
		again, err := Decode(p.YAML(), "again.yaml")
		if err != nil || again.Hash() != p.Hash() {
			t.Fatalf("%s=%q: the plan does not round-trip: %v", path, value, err)
		}
	})
}
