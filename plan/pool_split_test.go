package plan

import (
	"strings"
	"testing"

	"github.com/compplan/compplan/tree/dec"
)

// TestPoolSplits, by hand. Sales of 1000 put 10% = 100.00 in the pool.
// A (PV 300) ← B (200) ← D (470), and E (30, inactive) under A; active
// from PV 50, so E has no share.
//   - shares: volume, per member: A 100 × 300/970 = 30.92, B 20.61, D
//     48.45; paid 99.98, rest 0.02.
//   - shares: volume, per share: a unit of PV is worth 100/970 = 0.103…,
//     0.10: A 30.00, B 20.00, D 47.00; paid 97.00, rest 3.00.
//   - shares: group_volume, per member: GV A 1000, B 670, D 470 (2140):
//     A 46.72, B 31.30, D 21.96; paid 99.98, rest 0.02.
//   - min_pv 250 with volume shares: only A (300) and D (470) share: A
//     100 × 300/770 = 38.96, D 61.03; rest 0.01.
func TestPoolSplits(t *testing.T) {
	const members = "id,sponsor_id\nA,\nB,A\nD,B\nE,A\n"
	const sales = "member_id,amount\nA,300\nB,200\nD,470\nE,30\n"
	for _, c := range []struct {
		keys, want string
		rest       dec.D
	}{
		{"shares: volume", "A 30.92 B 20.61 D 48.45 E 0.00", 2 * dec.One / 100},
		{"shares: volume, split: per-share", "A 30.00 B 20.00 D 47.00 E 0.00", 3 * dec.One},
		{"shares: group_volume", "A 46.72 B 31.30 D 21.96 E 0.00", 2 * dec.One / 100},
		{"shares: volume, split: per-member, min_pv: 250", "A 38.96 B 0.00 D 61.03 E 0.00", dec.One / 100},
	} {
		r := calc(t, "name: p\ncurrency: USD\nactive: {pv: 50}\ncomponents:\n  - {name: pool, type: pool, percent: 10%, "+c.keys+"}\n", members, sales)
		var got []string
		for _, id := range []string{"A", "B", "D", "E"} {
			got = append(got, id+" "+string(r.Total(r.Org.Lookup(id)).AppendFixed(nil, 2)))
		}
		if g := strings.Join(got, " "); g != c.want || r.Breakage[0] != c.rest || r.Paid[0]+r.Breakage[0] != 100*dec.One {
			t.Errorf("%s: %s, breakage %s; want %s, breakage %s", c.keys, g, r.Breakage[0], c.want, c.rest)
		}
	}
}

// TestPoolSplitPerShareValue, by hand: a pool of 100.00 (10% of 1000),
// everyone active, volume shares; E (PV 903) is terminated, so the shares
// are A 30, B 20 and D 47: 97. A unit of PV is worth 100/97 = 1.0309…,
// 1.03: A 30.90, B 20.60, D 48.41; paid 99.91, rest 0.09.
func TestPoolSplitPerShareValue(t *testing.T) {
	r := calc(t, "name: p\ncurrency: USD\ncomponents:\n  - {name: pool, type: pool, percent: 10%, shares: volume, split: per-share}\n",
		"id,sponsor_id,terminated\nA,,\nB,A,\nD,B,\nE,A,2026-01-01\n", "member_id,amount\nA,30\nB,20\nD,47\nE,903\n")
	var got []string
	for _, id := range []string{"A", "B", "D", "E"} {
		got = append(got, id+" "+string(r.Total(r.Org.Lookup(id)).AppendFixed(nil, 2)))
	}
	if g := strings.Join(got, " "); g != "A 30.90 B 20.60 D 48.41 E 0.00" || r.Breakage[0] != 9*dec.One/100 {
		t.Errorf("%s, breakage %s", g, r.Breakage[0])
	}
}

// TestPoolSplitByRank, by hand: a pool of 1.00 (10% of the sales amount,
// 10), shares Gold 1 and Diamond 6, one of each (7 shares). Per member: Gold 1.00 × 1/7 = 0.14, Diamond
// 1.00 × 6/7 = 0.85, rest 0.01. Per share: a share is worth 0.14, so Gold
// 0.14 and Diamond 0.84, rest 0.02.
func TestPoolSplitByRank(t *testing.T) {
	const plan = `name: p
currency: USD
ranks: [{name: Gold, pv: 5}, {name: Diamond, pv: 8}]
components:
  - {name: pool, type: pool, percent: 10%, of: amount, shares: {Gold: 1, Diamond: 6}SPLIT}
`
	for split, want := range map[string]string{"": "G 0.14 D 0.85 rest 0.01", ", split: per-share": "G 0.14 D 0.84 rest 0.02"} {
		r := calc(t, strings.Replace(plan, "SPLIT", split, 1), "id,sponsor_id\nG,\nD,G\n", "member_id,amount,volume\nG,2,5\nD,8,8\n")
		got := "G " + string(r.Total(r.Org.Lookup("G")).AppendFixed(nil, 2)) + " D " + string(r.Total(r.Org.Lookup("D")).AppendFixed(nil, 2)) +
			" rest " + string(r.Breakage[0].AppendFixed(nil, 2))
		if got != want {
			t.Errorf("split %q: %s, want %s", split, got, want)
		}
	}
}

// TestPoolSplitDecode: the new keys round-trip (per-member, the default,
// is left out of the canonical form, so older plans keep their hash) and
// are described; bad values are refused.
func TestPoolSplitDecode(t *testing.T) {
	const head = "name: p\ncurrency: USD\nranks: [{name: G}]\ncomponents:\n  - {name: pool, type: pool, percent: 2%, "
	for _, c := range []struct{ keys, describe string }{
		{"shares: {G: 1}}", "2% of the volume, shares G 1"},
		{"shares: volume, split: per-share}", "2% of the volume, a share per unit of PV; split per share (a share's value rounded down)"},
		{"shares: group_volume, min_pv: 10}", "2% of the volume, a share per unit of GV"},
	} {
		p, err := Decode([]byte(head+c.keys+"\n"), "p.yaml")
		if err != nil {
			t.Fatalf("%s: %v", c.keys, err)
		}
		if got := p.Components[0].Describe(p); got != c.describe {
			t.Errorf("%s: describe %q", c.keys, got)
		}
		q, err := Decode(p.YAML(), "again.yaml")
		if err != nil || q.Hash() != p.Hash() || string(q.YAML()) != string(p.YAML()) {
			t.Errorf("%s: round trip: %v\n%s", c.keys, err, p.YAML())
		}
	}
	withDefault, _ := Decode([]byte(head+"shares: {G: 1}, split: per-member}\n"), "p.yaml")
	without, _ := Decode([]byte(head+"shares: {G: 1}}\n"), "p.yaml")
	if withDefault == nil || without == nil || withDefault.Hash() != without.Hash() || strings.Contains(string(without.YAML()), "split") {
		t.Errorf("split: per-member is the default and left out of the canonical form")
	}
	for _, c := range []struct{ keys, want string }{
		{"shares: weight}", "shares must map ranks to shares ({Gold: 1, Diamond: 2}), or be volume or group_volume"},
		{"shares: volume, split: evenly}", "split must be per-member or per-share"},
	} {
		if _, err := Decode([]byte(head+c.keys+"\n"), "p.yaml"); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.keys, err, c.want)
		}
	}
}
