package plan

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

const recruitPlan = `name: r
currency: USD
active: {pv: 50}
components:
  - {name: recruit, type: recruit_bonus, amounts: [50, 10, 5], min_pv: 100}
`

// recruitLines runs plan over one period (a month of 2026) and renders
// the component's lines: earner<-recruit level amount (reason).
func recruitLines(t *testing.T, plan, members, sales, month string) (*Result, string) {
	t.Helper()
	p, err := Decode([]byte(plan), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d := mustData(t, members, sales, "")
	var b strings.Builder
	r, err := RunPeriod(p, d, periodsOf(t, month)[0], nil, "", Options{Lines: func(r *Result, l *Line) error {
		who := "-"
		if l.Earner >= 0 {
			who = r.Org.ID(l.Earner)
		}
		fmt.Fprintf(&b, "%s<-%s L%d %s", who, r.Org.ID(l.Seller), l.PaidLevel, l.Amount)
		if l.Reason != Paid {
			fmt.Fprintf(&b, " (%s)", map[Reason]string{Inactive: "inactive", AboveTop: "above the top", Terminated: "terminated"}[l.Reason])
		}
		b.WriteString("\n")
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	return r, b.String()
}

// TestRecruitBonus, computed by hand: in March, N1 (PV 100, exactly
// min_pv) and N2 (PV 150) joined under S; N3 (PV 99.99) and the customer
// C1 (PV 300) do not count, nor does OLD (joined in February, PV 500).
// N1's levels: S (active) 50, T (terminated) 10 is breakage, U (root,
// active) 5. N2's: S 50, T breakage 10, U 5. Paid 110, breakage 20.
func TestRecruitBonus(t *testing.T) {
	members := `id,sponsor_id,joined,type,terminated
U,,2025-01-01,,
T,U,2025-01-01,,2026-02-01
S,T,2025-06-01,,
OLD,S,2026-02-20,,
N1,S,2026-03-01,,
N2,S,2026-03-31,,
N3,S,2026-03-10,,
C1,S,2026-03-05,customer,
`
	sales := `member_id,amount,date
U,60,2026-03-02
T,60,2026-03-02
S,60,2026-03-02
OLD,500,2026-03-02
N1,100,2026-03-02
N2,150,2026-03-31
N3,99.99,2026-03-11
C1,300,2026-03-06
`
	r, got := recruitLines(t, recruitPlan, members, sales, "03")
	want := `S<-N1 L1 50
-<-N1 L2 10 (terminated)
U<-N1 L3 5
S<-N2 L1 50
-<-N2 L2 10 (terminated)
U<-N2 L3 5
`
	if got != want {
		t.Errorf("lines:\n%s\nwant:\n%s", got, want)
	}
	if r.Paid[0] != 110*dec.One || r.Breakage[0] != 20*dec.One {
		t.Errorf("paid %s, breakage %s; want 110, 20", r.Paid[0], r.Breakage[0])
	}
	// The month after, nobody is new: nothing is put up.
	if _, got := recruitLines(t, recruitPlan, members, sales, "04"); got != "" {
		t.Errorf("April lines:\n%s", got)
	}
	// An inactive sponsor, and levels above the top; without min_pv every
	// new distributor counts, whatever their PV (N3's 99.99, N4's none),
	// and a customer who joined never does (C2).
	plan := strings.Replace(recruitPlan, ", min_pv: 100", "", 1)
	members2 := "id,sponsor_id,joined,type\nR,,2025-01-01,\nN3,R,2026-03-10,\nN4,N3,2026-03-11,\nC2,N4,2026-03-12,customer\n"
	_, got = recruitLines(t, plan, members2, "member_id,amount,date\nR,10,2026-03-01\nN3,99.99,2026-03-11\n", "03")
	want = `-<-N3 L1 50 (inactive)
-<-N3 L2 10 (above the top)
-<-N3 L3 5 (above the top)
N3<-N4 L1 50
-<-N4 L2 10 (inactive)
-<-N4 L3 5 (above the top)
`
	if got != want {
		t.Errorf("without min_pv, lines:\n%s\nwant:\n%s", got, want)
	}
}

// TestRecruitBonusNeeds: a run without a period, or a member without a
// joined date, is refused naming what is missing.
func TestRecruitBonusNeeds(t *testing.T) {
	p, err := Decode([]byte(recruitPlan), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d := mustData(t, "id,sponsor_id,joined\nA,,2026-01-01\n", "member_id,amount,date\nA,10,2026-03-01\n", "")
	if _, err := Compute(p, d); err == nil || !strings.Contains(err.Error(), "recruit_bonus component recruit pays on the members who joined in the period: give a period") {
		t.Errorf("without a period: %v", err)
	}
	d = mustData(t, "id,sponsor_id,joined\nA,,2026-01-01\nB,A,\n", "member_id,amount,date\nA,10,2026-03-01\n", "")
	_, err = RunPeriod(p, d, periodsOf(t, "03")[0], nil, "", Options{})
	var in *tree.InputError
	if !errors.As(err, &in) || in.Line != 3 || !strings.Contains(err.Error(), "needs every member's joined date") {
		t.Errorf("without a joined date: %v", err)
	}
}

// TestRecruitBonusDecode: its keys, round trip and errors.
func TestRecruitBonusDecode(t *testing.T) {
	p, err := Decode([]byte(recruitPlan), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	q, err := Decode(p.YAML(), "again.yaml")
	if err != nil || string(q.YAML()) != string(p.YAML()) || q.Hash() != p.Hash() {
		t.Fatalf("round trip: %v\n%s", err, p.YAML())
	}
	if !strings.Contains(string(p.YAML()), "type: recruit_bonus\n      min_pv: \"100\"\n      amounts:\n        - \"50\"\n        - \"10\"\n        - \"5\"\n") {
		t.Errorf("canonical YAML:\n%s", p.YAML())
	}
	if got := p.Components[0].Describe(p); got != "amounts 50.00 10.00 5.00 by sponsor level for each distributor who joins in the period with PV ≥ 100" {
		t.Errorf("describe: %s", got)
	}
	for _, c := range []struct{ body, want string }{
		{"amounts: []", "p.yaml:4:51: a recruit_bonus needs amounts"},
		{"amounts: [50, 0.001]", "amount 0.001 is finer than USD's minor unit"},
		{"amounts: [50, -1]", "amount must be a number of 0 or more"},
		{"amounts: [50], min_pv: x", "min_pv must be a number of 0 or more"},
		{"amounts: [50], rate: 5%", `unknown key "rate"`},
		{"min_pv: 5", "a recruit_bonus needs amounts"},
	} {
		src := "name: r\ncurrency: USD\ncomponents:\n  - {name: recruit, type: recruit_bonus, " + c.body + "}\n"
		if _, err := Decode([]byte(src), "p.yaml"); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.body, err, c.want)
		}
	}
}
