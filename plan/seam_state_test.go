package plan

import (
	"errors"
	"fmt"
	"github.com/compplan/compplan/tree/dec"
	"strings"
	"testing"

	"github.com/compplan/compplan/tree"
)

// periodsOf parses the months of 2026 given.
func periodsOf(t *testing.T, ms ...string) []tree.Period {
	t.Helper()
	var out []tree.Period
	for _, m := range ms {
		pr, err := tree.ParsePeriod("2026-" + m)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, pr)
	}
	return out
}

// replayErr replays the months and returns the error.
func replayErr(t *testing.T, p *Plan, d *tree.Data, ms ...string) error {
	t.Helper()
	return Replay(p, d, periodsOf(t, ms...), Options{}, func(tree.Period, *Result) error { return nil }, nil)
}

// chainErr runs the months chained through JSON states and returns the
// first error.
func chainErr(t *testing.T, p *Plan, d *tree.Data, ms ...string) error {
	t.Helper()
	var state *State
	for _, pr := range periodsOf(t, ms...) {
		r, err := RunPeriod(p, d, pr, state, "state.json", Options{})
		if err != nil {
			return err
		}
		var buf strings.Builder
		if err := r.NextState(pr).Write(&buf); err != nil {
			t.Fatal(err)
		}
		if state, err = ReadState(strings.NewReader(buf.String()), "state.json"); err != nil {
			t.Fatal(err)
		}
	}
	return nil
}

// TestReturnByAnotherMember: B's order O1 returned by A is an input error
// naming the return's row, whether O1 is held in the state (February),
// or among the same period's sales (January), in a replay or chained runs.
func TestReturnByAnotherMember(t *testing.T) {
	const plan = "name: r\ncurrency: USD\nreturns: reverse\ncomponents:\n  - {name: retail, type: personal, rate: 10%}\n  - {name: uni, type: unilevel, levels: [10%]}\n"
	p, err := Decode([]byte(plan), "plan.yaml")
	if err != nil {
		t.Fatal(err)
	}
	members := "id,sponsor_id,joined\nA,,2025-12-01\nB,A,2025-12-01\n"
	for _, c := range []struct{ sales, want string }{
		{"order_id,member_id,amount,date,type\nO1,B,500,2026-01-10,\nO1,A,-100,2026-02-10,return\n",
			`sales.csv:3: column "member_id": the return of order O1 is by A, but the order is B's: a return names its order's own member`},
		{"order_id,member_id,amount,date,type\nO1,B,500,2026-01-10,\nO2,A,10,2026-01-11,\nO1,A,-100,2026-01-20,return\n",
			`sales.csv:4: column "member_id": the return of order O1 is by A, but the order is B's: a return names its order's own member`},
	} {
		d := mustData(t, members, c.sales, "")
		if err := replayErr(t, p, d, "01", "02"); err == nil || err.Error() != c.want {
			t.Errorf("replay: %v\nwant %s", err, c.want)
		}
		if err := chainErr(t, p, d, "01", "02"); err == nil || err.Error() != c.want {
			t.Errorf("chained: %v\nwant %s", err, c.want)
		}
		var ie *tree.InputError
		if err := chainErr(t, p, d, "01", "02"); !errors.As(err, &ie) {
			t.Errorf("not an input error: %v", err)
		}
	}
}

// TestReturnOfOrderWithoutEarnerLines: under returns: reverse, every order
// is remembered, even one that paid no earner line. B (terminated) earned nothing on O1 in January (its 50.00 retail is
// breakage); O1 returned in February is still O1's reversal: no volume
// (B's PV 0, not −500), nothing to reverse, and no "counted as volume"
// note. With a binary-only plan, O1 (B's 100 in A's left leg) is known
// too.
func TestReturnOfOrderWithoutEarnerLines(t *testing.T) {
	const plan = "name: r\ncurrency: USD\nreturns: reverse\ncomponents:\n  - {name: retail, type: personal, rate: 10%}\n"
	members := "id,sponsor_id,joined,terminated\nA,,2025-12-01,\nB,A,2025-12-01,2026-01-01\n"
	sales := "order_id,member_id,amount,date,type\nO1,B,500,2026-01-10,\nO1,B,-500,2026-02-10,return\n"
	rs := months(t, plan, members, sales, "01", "02")
	expectPeriod(t, rs[0], "Jan", map[string]string{"B": "- 500 500 0.00 | in 0.00 pay 0.00 out 0.00"})
	expectPeriod(t, rs[1], "Feb", map[string]string{"B": "- 0 0 0.00 | in 0.00 pay 0.00 out 0.00"})
	if len(rs[1].ReturnsAsVolume) != 0 {
		t.Errorf("February: %v", rs[1].ReturnsAsVolume)
	}
	if got := expectBreakage(rs[0]); got != "50" {
		t.Errorf("January's breakage %s, want 50", got)
	}

	const bplan = "name: b\ncurrency: USD\nreturns: reverse\ncomponents:\n  - {name: bin, type: binary, rate: 10%}\n"
	bmembers := "id,sponsor_id,joined,placement_id,leg\nA,,2025-12-01,,\nB,A,2025-12-01,A,L\nC,A,2025-12-01,A,R\n"
	bsales := "order_id,member_id,amount,date,type\nO1,B,100,2026-01-10,\nO2,C,100,2026-01-11,\nO1,B,-100,2026-02-10,return\n"
	rs = months(t, bplan, bmembers, bsales, "01", "02")
	if len(rs[1].ReturnsAsVolume) != 0 {
		t.Errorf("binary, February: %v", rs[1].ReturnsAsVolume)
	}
}

func expectBreakage(r *Result) string {
	var b int64
	for _, x := range r.Breakage {
		b += int64(x)
	}
	return fmt.Sprint(dec.D(b))
}
