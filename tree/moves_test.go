package tree

import (
	"errors"
	"strings"
	"testing"
)

const moveMembers = "id,sponsor_id,joined\nA,,2025-01-01\nB,A,2025-01-01\nC,B,2025-01-01\nD,A,2025-01-01\nE,C,2025-01-01\nF,E,2026-05-01\n"

func sponsors(o *Org) string {
	var b strings.Builder
	for m := range int32(o.Len()) {
		s := "-"
		if p := o.Sponsor(m); p >= 0 {
			s = o.ID(p)
		}
		b.WriteString(o.ID(m) + "<" + s + " ")
	}
	return strings.TrimSpace(b.String())
}

// TestMoves: C moves under D on 1 March with its downline (E); B becomes
// a root on 1 April; F joins in May under E. Each day's tree is the tree
// as it stands then; the organisation read is the tree after every move.
func TestMoves(t *testing.T) {
	d := mustMembers(t, moveMembers)
	moves := "member_id,sponsor_id,date\nB,,2026-04-01\nC,D,2026-03-01\n"
	if err := d.ReadMoves(strings.NewReader(moves), "moves.csv"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ day, want string }{
		{"2026-02-28", "A<- B<A C<B D<A E<C"},
		{"2026-03-01", "A<- B<A C<D D<A E<C"},
		{"2026-04-30", "A<- B<- C<D D<A E<C"},
		{"2026-05-01", "A<- B<- C<D D<A E<C F<E"},
	} {
		day, _ := ParseDate([]byte(c.day))
		o, _ := d.Org.AsOf(day)
		if got := sponsors(o); got != c.want {
			t.Errorf("%s: %s\nwant %s", c.day, got, c.want)
		}
		// Top-down order holds in every day's tree.
		seen := map[int32]bool{}
		for _, m := range o.TopDown() {
			if p := o.Sponsor(m); p >= 0 && !seen[p] {
				t.Errorf("%s: %s comes before its sponsor", c.day, o.ID(m))
			}
			seen[m] = true
		}
	}
	if got := sponsors(d.Org); got != "A<- B<- C<D D<A E<C F<E" {
		t.Errorf("after every move: %s", got)
	}
	if d.Org.Lookup("C") != 2 || !d.Org.Moves() {
		t.Error("the moved organisation lost its members' numbers")
	}
	if day, ok := ParseDate([]byte("0000-01-01")); !ok || day != MinDate {
		t.Errorf("MinDate %d, 0000-01-01 is %d", MinDate, day)
	}
}

func TestMoveErrors(t *testing.T) {
	placed := "id,sponsor_id,placement_id,leg\nA,,,\nB,A,A,L\nC,A,A,R\nD,B,B,L\n"
	for _, c := range []struct{ members, moves, want string }{
		{moveMembers, "member_id,sponsor_id,date\nZ,A,2026-01-01\n", `moves.csv:2:1: column "member_id": unknown member "Z"`},
		{moveMembers, "member_id,sponsor_id,date\nC,Z,2026-01-01\n", `moves.csv:2:3: column "sponsor_id": unknown member "Z"`},
		{moveMembers, "member_id,sponsor_id,date\nC,C,2026-01-01\n", `C moved under themselves`},
		{moveMembers, "member_id,sponsor_id,date\nC,A,\n", `moves.csv:2:5: column "date": a move needs the date it takes effect`},
		{moveMembers, "member_id,sponsor_id\nC,A\n", `missing required column "date"`},
		{moveMembers, "member_id,sponsor_id,date\nC,A,2026-01-01\nC,D,2026-01-01\n", `moves.csv:3:1: column "member_id": C moves twice on 2026-01-01 (also line 2)`},
		// A under E, in C's downline, once C is under D under A: a cycle.
		{moveMembers, "member_id,sponsor_id,date\nC,D,2026-03-01\nA,E,2026-03-02\n", `moves.csv:3:1: column "member_id": moving A on 2026-03-02 makes a sponsor cycle: E is in A's own downline then`},
		// The same moves a day apart the other way: no cycle then.
		{moveMembers, "member_id,sponsor_id,date\nD,E,2026-03-01\nC,D,2026-03-01\n", `moving D on 2026-03-01 makes a sponsor cycle`},
		{placed, "member_id,sponsor_id,date,placement_id,leg\nD,A,2026-01-01,A,L\n", `moving D on 2026-01-01 into the L leg of A, which B holds then`},
		{placed, "member_id,sponsor_id,date,placement_id,leg\nD,A,2026-01-01,A,\n", `a new binary slot needs both placement_id and leg`},
		{moveMembers, "member_id,sponsor_id,date,placement_id,leg\nD,A,2026-01-01,A,L\n", `the members file places nobody`},
		{placed, "member_id,sponsor_id,date,placement_id,leg\nB,D,2026-01-01,D,R\n", `moving B on 2026-01-01 makes a sponsor cycle`},
	} {
		d := mustMembers(t, c.members)
		err := d.ReadMoves(strings.NewReader(c.moves), "moves.csv")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v\nwant %s", c.moves, err, c.want)
		}
	}
	// A swap of two slots on one day is fine.
	d := mustMembers(t, placed)
	if err := d.ReadMoves(strings.NewReader("member_id,sponsor_id,date,placement_id,leg\nB,A,2026-01-01,A,R\nC,A,2026-01-01,A,L\n"), "moves.csv"); err != nil {
		t.Errorf("a swap: %v", err)
	}
}

// FuzzReadMoves: a moves file is refused with an error naming it, or every
// day's tree has each member after their sponsor, and the tree after every
// move is the tree of the last move's day.
func FuzzReadMoves(f *testing.F) {
	f.Add("member_id,sponsor_id,date\nB,,2026-04-01\nC,D,2026-03-01\n")
	f.Add("member_id,sponsor_id,date\nC,D,2026-03-01\nA,E,2026-03-02\n")
	f.Add("member_id,sponsor_id,date,placement_id,leg\nD,A,2026-01-01,A,L\n")
	f.Fuzz(func(t *testing.T, in string) {
		d := mustMembers(t, moveMembers)
		err := d.ReadMoves(strings.NewReader(in), "moves.csv")
		if err != nil {
			var e *InputError
			if !errors.As(err, &e) || e.File != "moves.csv" {
				t.Fatalf("error %v (%T) does not name the file", err, err)
			}
			return
		}
		o := d.Org
		check := func(o *Org, what string) {
			seen := make([]bool, o.Len())
			for _, m := range o.TopDown() {
				if p := o.Sponsor(m); p >= 0 && !seen[p] {
					t.Fatalf("%s: %s before its sponsor", what, o.ID(m))
				}
				seen[m] = true
			}
			if len(o.TopDown()) != o.Len() {
				t.Fatalf("%s: %d of %d members in top-down order", what, len(o.TopDown()), o.Len())
			}
		}
		check(o, "after every move")
		for _, day := range []string{"2025-12-31", "2026-03-01", "2026-06-30"} {
			dd, _ := ParseDate([]byte(day))
			a, _ := o.AsOf(dd)
			check(a, day)
		}
		if o.moves != nil {
			last, _ := o.AsOf(o.moves[len(o.moves)-1].day)
			if sponsors(last) != sponsors(o) && o.Len() == last.Len() {
				t.Fatalf("the tree of the last move's day differs from the tree after every move")
			}
		}
	})
}
