package whatif

import (
	"strconv"
	"strings"
	"testing"

	"github.com/compplan/compplan/plan"
	"github.com/compplan/compplan/tree"
)

func TestProbes(t *testing.T) {
	src, err := plan.ParseSource([]byte("name: p\ncurrency: USD\nranks:\n  - {name: A}\n  - {name: B, pv: 100, legs: {count: 2, gv: 50}}\ncomponents:\n  - {name: r, type: personal, rate: 5%}\n"), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	base, _ := src.With()
	// M1 sponsors three, M2 two, M3 and M4 one each (M4 after M3 by id).
	d, err := tree.ReadMembers(strings.NewReader("id,sponsor_id\nM1,\nM2,M1\nM3,M1\nM4,M1\nM5,M2\nM6,M2\nM7,M3\nM8,M4\n"), "m.csv")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range Probes(src, base, d) {
		got = append(got, p.Path+" "+p.Values[0]+".."+p.Values[len(p.Values)-1]+"/"+strconv.Itoa(len(p.Values)))
	}
	want := "ranks.B.pv 0..200/11 ranks.B.legs.count 0..4/5 ranks.B.legs.gv 0..100/11 member.M1.pv +0..+200/11 member.M2.pv +0..+200/11 member.M3.pv +0..+200/11"
	if strings.Join(got, " ") != want {
		t.Errorf("probes:\n%s\nwant\n%s", strings.Join(got, " "), want)
	}
}

// TestSweepCheck: the paths a sweep refuses before computing.
func TestSweepCheck(t *testing.T) {
	src, _ := plan.ParseSource([]byte("name: p\ncurrency: USD\ncomponents:\n  - {name: r, type: personal, rate: 5%}\n"), "p.yaml")
	d, _ := tree.ReadMembers(strings.NewReader("id\nA\n"), "m.csv")
	for _, c := range []struct {
		sets []Set
		want string
	}{
		{[]Set{{Path: "components.r.rate"}, {Path: "components.r.rate"}}, "given twice"},
		{[]Set{{Path: "member.A.pv"}, {Path: "member.A.pv"}}, "given twice"},
		{[]Set{{Path: "member.Z.pv"}}, `no member has id "Z"`},
		{[]Set{{Path: "components.x.rate"}}, `components has no item "x"`},
		{[]Set{{Path: "components.r.rate"}, {Path: "member.A.pv"}}, ""},
	} {
		err := Check(src, d, c.sets)
		if (c.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%v: %v, want %q", c.sets, err, c.want)
		}
	}
}
