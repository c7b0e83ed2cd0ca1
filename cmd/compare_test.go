package cmd

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/compplan/compplan/plan"
	"github.com/compplan/compplan/tree/dec"
)

func TestPlanLabels(t *testing.T) {
	for _, tc := range []struct {
		names, files, want []string
	}{
		{[]string{"A", "B"}, []string{"a.yaml", "b.yaml"}, []string{"A", "B"}},
		{[]string{"A", "A"}, []string{"plans/a.yaml", "plans/copy.yaml"}, []string{"a", "copy"}},
		{[]string{"A", "A", "B"}, []string{"2025/plan.yaml", "2026/plan.yaml", "x.yaml"}, []string{"2025/plan", "2026/plan", "B"}},
		{[]string{"A", "A"}, []string{"x/q/plan.yaml", "y/q/plan.yaml"}, []string{"x/q/plan", "y/q/plan"}},
		{[]string{"A", "A"}, []string{"plan.yaml", "./plan.yaml"}, []string{"plan", "plan (2)"}},
		{[]string{"A", "A", "plan (2)"}, []string{"plan.yaml", "plan.yaml", "z.yaml"}, []string{"plan", "plan (3)", "plan (2)"}},
	} {
		var ps []*plan.Plan
		for _, n := range tc.names {
			ps = append(ps, &plan.Plan{Name: n})
		}
		got := planLabels(ps, tc.files)
		if !slices.Equal(got, tc.want) {
			t.Errorf("planLabels(%v, %v) = %q, want %q", tc.names, tc.files, got, tc.want)
		}
	}
}

// TestCompareEvery: a comparison over six months equals each plan's
// replay: every plan's payout, each period's payout and payout %, and each
// member's total over the span are the sums of the replay's summary and
// rows, for a plain plan, another plan and versions of the first (a
// revision from April, given as "a.yaml,b.yaml").
func TestCompareEvery(t *testing.T) {
	dir := t.TempDir()
	ex := func(name string) string { return filepath.Join("..", "examples", "periods", name) }
	path := func(name string) string { return filepath.Join(dir, name) }
	base, err := os.ReadFile(ex("plan.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	revised := strings.Replace(string(base), "\ncurrency: USD\n", "\ncurrency: USD\neffective: 2026-04-01\n", 1)
	revised = strings.Replace(revised, "rate: 10%", "rate: 12%", 1)
	if revised == string(base) || !strings.Contains(revised, "effective") {
		t.Fatal("the revision changed nothing")
	}
	if err := os.WriteFile(path("revised.yaml"), []byte(revised), 0o644); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) {
		t.Helper()
		var stderr bytes.Buffer
		if code := Main(args, newStreams(nil, os.Stdout, &stderr)); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr.String())
		}
	}
	data := []string{"-m", ex("members.csv"), "-s", ex("sales.csv")}
	plans := [][]string{{ex("plan.yaml")}, {ex("binary.yaml")}, {ex("plan.yaml"), path("revised.yaml")}}
	var args []string
	for _, p := range plans {
		args = append(args, strings.Join(p, ","))
	}
	run(append(append([]string{"compare", "--every", "month", "-f", "json", "-o", path("cmp.json"), "--diff", path("diff.csv")}, data...), args...)...)
	var got struct {
		Plans []struct {
			Label   string
			Payout  json.Number
			Periods []struct {
				Period    string
				Payout    json.Number
				PayoutPct json.Number `json:"payout_pct"`
			}
		}
	}
	b, err := os.ReadFile(path("cmp.json"))
	if err != nil {
		t.Fatal(err)
	}
	jd := json.NewDecoder(bytes.NewReader(b))
	jd.UseNumber()
	if err := jd.Decode(&got); err != nil || len(got.Plans) != len(plans) {
		t.Fatalf("compare JSON: %v, %d plans", err, len(got.Plans))
	}
	diff := readCSV(t, path("diff.csv"))
	for i, p := range plans {
		replay := []string{"replay", "--every", "month", "-q", "-o", path("rows.csv"), "--summary", path("summary.csv")}
		for _, f := range p {
			replay = append(replay, "-p", f)
		}
		run(append(replay, data...)...)
		summary := readCSV(t, path("summary.csv"))
		var payout dec.D
		for k, row := range summary[1:] {
			v := col(t, summary, row, "payout")
			payout += v
			f := got.Plans[i].Periods[k]
			if f.Period != row[0] || mustDec(t, f.Payout.String()) != v || mustDec(t, f.PayoutPct.String()) != col(t, summary, row, "payout_pct") {
				t.Errorf("plan %d, %s: compare says %s %s %s%%, replay %v", i, row[0], f.Period, f.Payout, f.PayoutPct, row)
			}
		}
		if len(got.Plans[i].Periods) != len(summary)-1 {
			t.Errorf("plan %d: %d periods compared, %d replayed", i, len(got.Plans[i].Periods), len(summary)-1)
		}
		if mustDec(t, got.Plans[i].Payout.String()) != payout {
			t.Errorf("plan %d: compare pays %s, the replay's periods %s", i, got.Plans[i].Payout, payout)
		}
		// Each member's total over the span.
		rows := readCSV(t, path("rows.csv"))
		totals := map[string]dec.D{}
		for _, row := range rows[1:] {
			totals[row[1]] += col(t, rows, row, "total")
		}
		label := got.Plans[i].Label
		for _, row := range diff[1:] {
			if v := col(t, diff, row, "total_"+label); v != totals[row[0]] {
				t.Errorf("plan %s, member %s: compare's total %s, the replay's %s", label, row[0], v, totals[row[0]])
			}
			delete(totals, row[0])
		}
		if len(totals) > 0 {
			t.Errorf("plan %s: members replayed and not compared: %v", label, totals)
		}
	}
	if got.Plans[0].Payout == got.Plans[2].Payout {
		t.Errorf("the revision from April changes nothing: %s", got.Plans[0].Payout)
	}
}

func readCSV(t *testing.T, file string) [][]string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("%s: %v (%d rows)", file, err, len(rows))
	}
	return rows
}

// col is row's value in the column named name (of rows' header).
func col(t *testing.T, rows [][]string, row []string, name string) dec.D {
	t.Helper()
	i := slices.Index(rows[0], name)
	if i < 0 {
		t.Fatalf("no column %q in %v", name, rows[0])
	}
	return mustDec(t, row[i])
}

func mustDec(t *testing.T, s string) dec.D {
	t.Helper()
	v, err := dec.Parse([]byte(s))
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return v
}
