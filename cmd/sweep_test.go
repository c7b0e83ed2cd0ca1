package cmd

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSweepEqualsRun: every point of a sweep is what run computes on the
// plan file edited by hand to that value, totals byte for byte, for each
// kind of path: a rate in a list, a component's rate, a rank requirement,
// the activity threshold, a key the plan leaves out (payout_cap), a grid
// of two, and a member's volume (against the sales file with the sale
// added by hand).
func TestSweepEqualsRun(t *testing.T) {
	dir := t.TempDir()
	ex := func(name string) string { return filepath.Join("..", "examples", name) }
	base, err := os.ReadFile(ex("unilevel.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	plan := string(base)
	for _, c := range []struct {
		sets []string
		edit func(values []string) string // the plan file with the values
	}{
		{[]string{"components.unilevel.levels.1=3%..6%/1.5%"}, func(v []string) string {
			return strings.Replace(plan, "levels: [5%, 5%, 4%", "levels: [5%, "+v[0]+", 4%", 1)
		}},
		{[]string{"components.retail.rate=8%..12%/2%"}, func(v []string) string {
			return strings.Replace(plan, "rate: 10%", "rate: "+v[0], 1)
		}},
		{[]string{"ranks.Bronze.gv=500..1500/500"}, func(v []string) string {
			return strings.Replace(plan, "gv: 1000", "gv: "+v[0], 1)
		}},
		{[]string{"active.pv=0..100/50"}, func(v []string) string {
			return strings.Replace(plan, "active: {pv: 50}", "active: {pv: "+v[0]+"}", 1)
		}},
		{[]string{"payout_cap=15%..25%/5%"}, func(v []string) string { return plan + "\npayout_cap: " + v[0] + "\n" }},
		{[]string{"components.retail.rate=9%..10%/1%", "ranks.Bronze.pv=50..100/50"}, func(v []string) string {
			return strings.Replace(strings.Replace(plan, "rate: 10%", "rate: "+v[0], 1), "pv: 100            # personal volume >= 100", "pv: "+v[1], 1)
		}},
		// A member's volume: one more sale, dated the sales' last day.
		{[]string{"member.M1003.pv=+0..+300/150"}, func(v []string) string { return plan }},
	} {
		args := []string{"sweep", "-p", ex("unilevel.yaml"), "-m", ex("members.csv"), "-s", ex("sales.csv"), "-f", "json", "-o", filepath.Join(dir, "sweep.json")}
		for _, s := range c.sets {
			args = append(args, "--set", s)
		}
		var stderr bytes.Buffer
		if code := Main(args, newStreams(nil, os.Stdout, &stderr)); code != 0 {
			t.Fatalf("%v: exit %d: %s", c.sets, code, stderr.String())
		}
		var got struct {
			Points []struct {
				Values map[string]string
				Totals json.RawMessage
			}
		}
		b, _ := os.ReadFile(filepath.Join(dir, "sweep.json"))
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatal(err)
		}
		want := 1
		for _, s := range c.sets {
			want *= map[string]int{"3%..6%/1.5%": 3, "8%..12%/2%": 3, "500..1500/500": 3, "0..100/50": 3, "15%..25%/5%": 3, "9%..10%/1%": 2, "50..100/50": 2, "+0..+300/150": 3}[s[strings.Index(s, "=")+1:]]
		}
		if len(got.Points) != want {
			t.Fatalf("%v: %d points, want %d", c.sets, len(got.Points), want)
		}
		if bytes.Equal(got.Points[0].Totals, got.Points[len(got.Points)-1].Totals) {
			t.Errorf("%v: the first and last points compute the same", c.sets)
		}
		for _, pt := range got.Points {
			var values []string
			for _, s := range c.sets {
				values = append(values, pt.Values[s[:strings.Index(s, "=")]])
			}
			edited := c.edit(values)
			file := filepath.Join(dir, "edited.yaml")
			if err := os.WriteFile(file, []byte(edited), 0o644); err != nil {
				t.Fatal(err)
			}
			sales := ex("sales.csv")
			if strings.HasPrefix(c.sets[0], "member.") { // the sale the sweep adds, written by hand
				b, err := os.ReadFile(sales)
				if err != nil {
					t.Fatal(err)
				}
				v := strings.TrimPrefix(values[0], "+")
				b = append(b, "sweep-M1003,M1003,2026-10-31,"+v+","+v+",\n"...)
				sales = filepath.Join(dir, "sales.csv")
				if err := os.WriteFile(sales, b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var out bytes.Buffer
			if code := Main([]string{"run", "-p", file, "-m", ex("members.csv"), "-s", sales, "-f", "json"}, newStreams(nil, &out, &stderr)); code != 0 {
				t.Fatalf("run %v: exit %d: %s", values, code, stderr.String())
			}
			var run struct{ Totals json.RawMessage }
			if err := json.Unmarshal(out.Bytes(), &run); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(run.Totals, pt.Totals) {
				t.Errorf("%v: sweep's totals\n%s\nrun's\n%s", values, pt.Totals, run.Totals)
			}
		}
	}
}
