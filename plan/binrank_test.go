package plan

import (
	"fmt"
	"strings"
	"testing"
)

// TestBinaryByRank, by hand. R's legs are A (400) and B (300): 300 pairs.
// By rate, rates {Gold: 10%} and rate 5% for every other rank and for no
// rank: a Gold R is paid 30.00; a Bronze R (not listed) 5% = 15.00, and
// the rest of the highest rate, 15.00, is breakage; so is a rankless R's.
// Without rate, a Bronze R is paid 0% and all 30.00 is breakage. By cycle
// (100 + 100, amount 5, amounts {Gold: 12}), 3 cycles: Gold 36.00, Bronze
// 15.00 and 21.00 of breakage.
func TestBinaryByRank(t *testing.T) {
	const ranks = "ranks: [{name: Bronze, pv: 100}, {name: Gold, pv: 300}]\n"
	const members = "id,sponsor_id,placement_id,leg\nR,,,\nA,R,R,L\nB,R,R,R\n"
	for _, c := range []struct{ pay, rPV, want string }{
		{"rate: 5%, rates: {Gold: 10%}", "300", "R Gold 30.00 | paid 30.00 breakage 0.00"},
		{"rate: 5%, rates: {Gold: 10%}", "100", "R Bronze 15.00 | paid 15.00 breakage 15.00"},
		{"rate: 5%, rates: {Gold: 10%}", "50", "R  15.00 | paid 15.00 breakage 15.00"},
		{"rates: {Gold: 10%}", "100", "R Bronze 0.00 | paid 0.00 breakage 30.00"},
		{"rate: 5%, rates: {Bronze: 8%, Gold: 10%}", "50", "R  15.00 | paid 15.00 breakage 15.00"},
		{"rate: 5%, rates: {Bronze: 8%, Gold: 10%}", "100", "R Bronze 24.00 | paid 24.00 breakage 6.00"},
		{"cycle: {left: 100, right: 100, amount: 5, amounts: {Gold: 12}}", "300", "R Gold 36.00 | paid 36.00 breakage 0.00"},
		{"cycle: {left: 100, right: 100, amount: 5, amounts: {Gold: 12}}", "100", "R Bronze 15.00 | paid 15.00 breakage 21.00"},
	} {
		plan := "name: b\ncurrency: USD\n" + ranks + "components:\n  - {name: bin, type: binary, " + c.pay + ", carry: false}\n"
		r := calc(t, plan, members, "member_id,amount\nR,"+c.rPV+"\nA,400\nB,300\n")
		m := r.Org.Lookup("R")
		got := fmt.Sprintf("R %s %s | paid %s breakage %s", r.RankName(m), r.Earned[0][m].AppendFixed(nil, 2),
			r.Paid[0].AppendFixed(nil, 2), r.Breakage[0].AppendFixed(nil, 2))
		if got != c.want {
			t.Errorf("%s, R's PV %s:\n got %s\nwant %s", c.pay, c.rPV, got, c.want)
		}
	}
}

// TestBinaryByRankDecode: the keys round-trip and describe themselves;
// rates need ranks; a cycle needs an amount or amounts.
func TestBinaryByRankDecode(t *testing.T) {
	const head = "name: b\ncurrency: USD\nranks: [{name: A}, {name: B}]\ncomponents:\n  - {name: bin, type: binary, "
	for _, c := range []struct{ keys, describe string }{
		{"rate: 5%, rates: {B: 10%}}", "of the paired (smaller) leg volume at the paid-as rank's rate: B 10%, else 5%"},
		{"cycle: {left: 100, right: 50, amounts: {A: 3}}}", "per cycle of 100 left + 50 right by paid-as rank: A 3.00, else 0.00"},
	} {
		p, err := Decode([]byte(head+c.keys+"\n"), "p.yaml")
		if err != nil {
			t.Fatalf("%s: %v", c.keys, err)
		}
		if got := p.Components[0].Describe(p); !strings.HasPrefix(got, c.describe) {
			t.Errorf("%s: describe %q", c.keys, got)
		}
		q, err := Decode(p.YAML(), "again.yaml")
		if err != nil || q.Hash() != p.Hash() || string(q.YAML()) != string(p.YAML()) {
			t.Errorf("%s: round trip: %v\n%s", c.keys, err, p.YAML())
		}
	}
	for _, c := range []struct{ keys, want string }{
		{"rates: {B: 10%}, cycle: {left: 1, right: 1, amount: 1}}", "a binary pays by rate or by cycle, not both"},
		{"cycle: {left: 1, right: 1}}", "a cycle needs left, right and amount (or amounts by rank)"},
		{"rates: {C: 10%}}", `rates rank "C" is not a rank of this plan`},
		{"cycle: {left: 1, right: 1, amounts: {A: 0.001}}}", "cycle amount 0.001 is finer than USD's minor unit"},
	} {
		if _, err := Decode([]byte(head+c.keys+"\n"), "p.yaml"); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.keys, err, c.want)
		}
	}
}
