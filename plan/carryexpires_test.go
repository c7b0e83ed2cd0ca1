package plan

import (
	"fmt"
	"strings"
	"testing"
)

// TestBinaryCarryExpires works carry_expires: 2 by hand over four months
// (by replay and by chained runs through the state's JSON): rate 10%,
// carry_cap 250. Volume from month p pairs in p, p+1 and p+2 at most;
// pairing takes the oldest first, returns and the cap the newest first.
//
// R (legs A, B). Jan: 300/100 pair 100, 10.00; left carries [200 Jan].
// Feb: +100/+50: left [100 Feb, 200 Jan] pairs 50 from Jan: [100, 150],
// 250, exactly the cap: nothing cut; 5.00. Mar: +30/+100: left [30, 100,
// 150] pairs 100 from Jan, and Jan's other 50 expires: flushed; carry
// [30, 100], 10.00. Apr: A returns 60 (−60 this month): it takes Mar's 30
// and 30 of Feb's 100; +50 right pairs 50 of Feb's 70, and Feb's last 20
// expires: carry 0, flushed 20, 5.00. (Returns from the oldest would have
// left 10 of March carried.)
//
// S (legs C, D). Jan: 400/0: the cap keeps 250, flushes 150. Feb: +100:
// [100 Feb, 250 Jan] is over the cap: the newest goes, 100 flushed,
// [0, 250]. Mar: +50 right pairs 50 of Jan's 250; the other 200 expires.
func TestBinaryCarryExpires(t *testing.T) {
	const plan = "name: b\ncurrency: USD\ncomponents:\n" +
		"  - {name: bin, type: binary, rate: 10%, carry_cap: 250, carry_expires: 2}\n"
	members := "id,sponsor_id,placement_id,leg\nR,,,\nA,R,R,L\nB,R,R,R\nS,,,\nC,S,S,L\nD,S,S,R\n"
	sales := "order_id,member_id,amount,date,type\n" +
		"O1,A,300,2026-01-02,\nO2,B,100,2026-01-02,\nO8,C,400,2026-01-02,\n" +
		"O3,A,100,2026-02-02,\nO4,B,50,2026-02-02,\nO9,C,100,2026-02-02,\n" +
		"O5,A,30,2026-03-02,\nO6,B,100,2026-03-02,\nO10,D,50,2026-03-02,\n" +
		"O1,A,-60,2026-04-02,return\nO7,B,50,2026-04-02,\n"
	want := []string{
		"R 10.00 left 300 out 200 [200] flushed 0; S 0.00 left 400 out 250 [250] flushed 150",
		"R 5.00 left 300 out 250 [100 150] flushed 0; S 0.00 left 350 out 250 [0 250] flushed 100",
		"R 10.00 left 280 out 130 [30 100] flushed 50; S 5.00 left 250 out 0 [] flushed 200",
		"R 5.00 left 70 out 0 [] flushed 20; S 0.00 left 0 out 0 [] flushed 0",
	}
	for _, returns := range []string{"volume", "reverse"} {
		rs := months(t, "returns: "+returns+"\n"+plan, members, sales, "01", "02", "03", "04")
		for i, r := range rs {
			var rows []string
			for _, id := range []string{"R", "S"} {
				m, lg := r.Org.Lookup(id), r.Legs
				rows = append(rows, fmt.Sprintf("%s %s left %s out %s %v flushed %s", id, r.Earned[0][m].AppendFixed(nil, 2),
					lg.Left[m], lg.CarryOutL[m], lg.AgesOut[0][m], lg.FlushedL[m]))
			}
			if got := strings.Join(rows, "; "); got != want[i] {
				t.Errorf("%s, month %d:\n got %s\nwant %s", returns, i+1, got, want[i])
			}
		}
	}
}

func TestBinaryCarryExpiresDecode(t *testing.T) {
	const head = "name: b\ncurrency: USD\ncomponents:\n  - {name: bin, type: binary, rate: 10%, "
	p, err := Decode([]byte(head+"carry_expires: 3}\n"), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if d := p.Components[0].Describe(p); !strings.Contains(d, "; oldest volume pairs first, and volume unpaired 3 periods after its own is flushed") {
		t.Errorf("describe: %s", d)
	}
	if q, err := Decode(p.YAML(), "again.yaml"); err != nil || q.Hash() != p.Hash() || !strings.Contains(string(p.YAML()), "carry_expires: 3") {
		t.Errorf("round trip: %v\n%s", err, p.YAML())
	}
	for _, c := range []struct{ keys, want string }{
		{"carry: false, carry_expires: 2}", "carry_expires ages what carries, but carry is false"},
		{"carry_expires: 0}", "carry_expires must be 1 to 24 periods"},
		{"carry_expires: 25}", "carry_expires must be 1 to 24 periods"},
		{"carry_expires: soon}", "carry_expires"},
	} {
		if _, err := Decode([]byte(head+c.keys+"\n"), "p.yaml"); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.keys, err, c.want)
		}
	}
}

// TestCarryByAgeState: a state's carry by age must add up to its carry,
// hold no more periods than carry_expires keeps, and come with a plan
// that has carry_expires; a carry without ages (--carry-in, or a state of
// a plan before) is all from the period before.
func TestCarryByAgeState(t *testing.T) {
	const plan = "name: b\ncurrency: USD\ncomponents:\n  - {name: bin, type: binary, rate: 10%, carry_expires: 2}\n"
	members := "id,sponsor_id,placement_id,leg\nR,,,\nA,R,R,L\nB,R,R,R\n"
	sales := "member_id,amount,date\nA,300,2026-01-02\nB,100,2026-01-02\nB,50,2026-02-02\n"
	p, err := Decode([]byte(plan), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d := mustData(t, members, sales, "")
	jan, feb := periodsOf(t, "01")[0], periodsOf(t, "02")[0]
	r, err := RunPeriod(p, d, jan, nil, "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var buf strings.Builder
	if err := r.NextState(jan).Write(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.String()
	if !strings.Contains(good, `"carry_left": 200,`+"\n"+`   "carry_right": 0,`+"\n"+`   "carry_left_by_age": [`+"\n"+`    200`+"\n"+`   ]`) {
		t.Fatalf("state:\n%s", good)
	}
	for _, c := range []struct{ from, to, want string }{
		{`"carry_left_by_age": [` + "\n" + `    200`, `"carry_left_by_age": [` + "\n" + `    150`, `members[0] ("R"): carry_left_by_age does not add up to carry_left`},
		{`"carry_left_by_age": [` + "\n" + `    200`, `"carry_left_by_age": [` + "\n" + `    100, 50, 50`, `member R: carry_left_by_age holds 3 periods of volume, but the plan's carry_expires keeps 2`},
		{`"carry_left_by_age": [` + "\n" + `    200`, `"carry_left_by_age": [` + "\n" + `    250, -50`, `carry_left_by_age holds -50: volume carried is 0 or more`},
	} {
		s, err := ReadState(strings.NewReader(strings.Replace(good, c.from, c.to, 1)), "s.json")
		if err == nil {
			_, err = RunPeriod(p, d, feb, s, "s.json", Options{})
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.to, err, c.want)
		}
	}
	// Without its ages, the carry of 200 is all from January: in February
	// 50 pairs and the other 150 is two periods old only in March.
	noAges := strings.Replace(good, `,`+"\n"+`   "carry_left_by_age": [`+"\n"+`    200`+"\n"+`   ]`, "", 1)
	if noAges == good {
		t.Fatal("the ages were not taken out")
	}
	s, err := ReadState(strings.NewReader(noAges), "s.json")
	if err != nil {
		t.Fatalf("%v\n%s", err, noAges)
	}
	r2, err := RunPeriod(p, d, feb, s, "s.json", Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := r2.Org.Lookup("R")
	if got := fmt.Sprintf("%s %v", r2.Legs.CarryOutL[m], r2.Legs.AgesOut[0][m]); got != "150 [0 150]" {
		t.Errorf("February from a carry without ages: %s", got)
	}
	other, _ := Decode([]byte(strings.Replace(plan, ", carry_expires: 2", "", 1)), "q.yaml")
	withAges, _ := ReadState(strings.NewReader(strings.Replace(good, p.Hash(), other.Hash(), 1)), "s.json")
	if _, err := RunPeriod(other, d, feb, withAges, "s.json", Options{}); err == nil || !strings.Contains(err.Error(), "a binary carry by age, and the plan's binary has no carry_expires") {
		t.Errorf("ages without carry_expires: %v", err)
	}
}
