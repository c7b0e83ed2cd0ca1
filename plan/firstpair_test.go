package plan

import (
	"fmt"
	"strings"
	"testing"
)

// TestBinaryFirstPair works first_pair by hand over three months, the
// state going from month to month (months: by replay and by chained runs
// through the state's JSON). Cycles of 100 + 100 paying 10.00; carry.
//
// January: R's legs 250/150: the left is stronger, so the first pair takes
// 200 + 100 and 1:1 after it finds 50/50 more: 1 cycle, 10.00, carry
// 50/50 (1:1 from the start would have carried 150/50). S's 150/150: a tie
// takes 2 from the left, which lacks 200: no cycle, carry 150/150. T's
// 120/260: the right is stronger: 100 + 200, 10.00, carry 20/60. U,
// terminated, 200/200: the first pair would pay 1 cycle (1:1 would pay 2):
// 10.00 of breakage, legs flushed, and U has still not had a first pair.
// V's 200/200, a tie: 200 from the left, 100 from the right, carry 0/100.
//
// February (A 100, B 250, C 100): R has had its first pair: 150/300 pairs
// 1:1, 10.00, carry 50/200. S's 250/150 now makes its first pair: 200 +
// 100, 10.00, carry 50/50. March (C 150, D 150): S's 200/200 pairs 1:1:
// 2 cycles, 20.00.
func TestBinaryFirstPair(t *testing.T) {
	const plan = "name: b\ncurrency: USD\ncomponents:\n" +
		"  - {name: bin, type: binary, cycle: {left: 100, right: 100, amount: 10}, first_pair: \"2:1\"}\n"
	members := "id,sponsor_id,placement_id,leg,terminated\n" +
		"R,,,,\nA,R,R,L,\nB,R,R,R,\n" +
		"S,,,,\nC,S,S,L,\nD,S,S,R,\n" +
		"T,,,,\nE,T,T,L,\nF,T,T,R,\n" +
		"U,,,,2025-12-31\nG,U,U,L,\nH,U,U,R,\n" +
		"V,,,,\nI,V,V,L,\nJ,V,V,R,\n"
	sales := "member_id,amount,date\n" +
		"A,250,2026-01-02\nB,150,2026-01-02\nC,150,2026-01-02\nD,150,2026-01-02\nE,120,2026-01-02\nF,260,2026-01-02\nG,200,2026-01-02\nH,200,2026-01-02\nI,200,2026-01-02\nJ,200,2026-01-02\n" +
		"A,100,2026-02-02\nB,250,2026-02-02\nC,100,2026-02-02\n" +
		"C,150,2026-03-02\nD,150,2026-03-02\n"
	rs := months(t, plan, members, sales, "01", "02", "03")
	want := []string{
		"R 10.00 50/50 first; S 0.00 150/150; T 10.00 20/60 first; U 0.00 0/0; V 10.00 0/100 first | paid 30.00 breakage 10.00",
		"R 10.00 50/200 first; S 10.00 50/50 first; T 0.00 20/60 first; U 0.00 0/0; V 0.00 0/100 first | paid 20.00 breakage 0.00",
		"R 0.00 50/200 first; S 20.00 0/0 first; T 0.00 20/60 first; U 0.00 0/0; V 0.00 0/100 first | paid 20.00 breakage 0.00",
	}
	for i, r := range rs {
		var rows []string
		for _, id := range []string{"R", "S", "T", "U", "V"} {
			m := r.Org.Lookup(id)
			s := fmt.Sprintf("%s %s %s/%s", id, r.Earned[0][m].AppendFixed(nil, 2), r.Legs.CarryOutL[m], r.Legs.CarryOutR[m])
			if r.FirstPaired[m] {
				s += " first"
			}
			rows = append(rows, s)
		}
		got := strings.Join(rows, "; ") + fmt.Sprintf(" | paid %s breakage %s", r.Paid[0].AppendFixed(nil, 2), r.Breakage[0].AppendFixed(nil, 2))
		if got != want[i] {
			t.Errorf("month %d:\n got %s\nwant %s", i+1, got, want[i])
		}
	}
	// The line says which cycle was the first.
	var text string
	if _, err := ComputeWith(rs[0].Plan, rs[0].Data, Options{Lines: func(res *Result, l *Line) error {
		if l.Earner >= 0 && res.Org.ID(l.Earner) == "R" {
			text = l.Text
		}
		return nil
	}}); err != nil {
		t.Fatal(err)
	}
	if want := "legs 250 left / 150 right: 1 cycles of 100 + 100, the first one 2:1 (200 left + 100 right)"; text != want {
		t.Errorf("line text %q, want %q", text, want)
	}
}

func TestBinaryFirstPairDecode(t *testing.T) {
	const head = "name: b\ncurrency: USD\ncomponents:\n  - {name: bin, type: binary, "
	p, err := Decode([]byte(head+"cycle: {left: 100, right: 50, amount: 5}, first_pair: \"2:1\"}\n"), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if d := p.Components[0].Describe(p); !strings.Contains(d, "a member's first cycle ever takes 2:1 (two cycles' worth from the stronger leg)") {
		t.Errorf("describe: %s", d)
	}
	if q, err := Decode(p.YAML(), "again.yaml"); err != nil || q.Hash() != p.Hash() || !strings.Contains(string(p.YAML()), "first_pair: \"2:1\"") {
		t.Errorf("round trip: %v\n%s", err, p.YAML())
	}
	for _, c := range []struct{ keys, want string }{
		{"rate: 10%, first_pair: \"2:1\"}", "first_pair needs a cycle: a binary paid by rate has no cycles to pair 2:1"},
		{"cycle: {left: 1, right: 1, amount: 1}, first_pair: \"3:1\"}", `first_pair must be "2:1"`},
		{"cycle: {left: 1, right: 1, amount: 1}, first_pair: [2, 1]}", `first_pair must be "2:1"`},
	} {
		if _, err := Decode([]byte(head+c.keys+"\n"), "p.yaml"); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.keys, err, c.want)
		}
	}
}
