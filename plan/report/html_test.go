package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/compplan/compplan/plan"
	"github.com/compplan/compplan/plan/compare"
	"github.com/compplan/compplan/tree"
)

// exampleComparison compares the example unilevel, matching and stairstep
// plans on the example data.
func exampleComparison(t *testing.T) *compare.Comparison {
	t.Helper()
	open := func(name string) *os.File {
		f, err := os.Open(filepath.Join("../../examples", name))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		return f
	}
	d, err := tree.ReadMembers(open("members.csv"), "members.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.ReadSales(open("sales.csv"), "sales.csv"); err != nil {
		t.Fatal(err)
	}
	var labels []string
	var results []*plan.Result
	for _, name := range []string{"unilevel.yaml", "matching.yaml", "differential.yaml"} {
		p, err := plan.Read(open(name), name)
		if err != nil {
			t.Fatal(err)
		}
		r, err := plan.Compute(p, d)
		if err != nil {
			t.Fatal(err)
		}
		labels, results = append(labels, p.Name), append(results, r)
	}
	return compare.Compare(labels, results, 5)
}

type svgDoc struct {
	ID    string  `xml:"id,attr"`
	Max   float64 `xml:"data-max,attr"`
	Rects []struct {
		Y      float64 `xml:"y,attr"`
		Height float64 `xml:"height,attr"`
		Plan   string  `xml:"data-plan,attr"`
		Label  string  `xml:"data-label,attr"`
		Value  string  `xml:"data-value,attr"`
	} `xml:"rect"`
}

// TestHTMLCharts parses the page's SVG and checks every bar against the
// figures of the JSON output: components' paid amounts, members per rank,
// and earners per decade of earnings; bars stand on the baseline with
// heights proportional to their values.
func TestHTMLCharts(t *testing.T) {
	c := exampleComparison(t)
	var page, js bytes.Buffer
	if err := WriteHTML(&page, c); err != nil {
		t.Fatal(err)
	}
	if err := WriteComparison(&js, c, JSON); err != nil {
		t.Fatal(err)
	}
	var figures struct {
		Plans []struct {
			Label      string
			Components map[string]struct{ Paid json.Number }
			Ranks      []struct {
				Rank  *string
				Count int
			}
		}
	}
	dec := json.NewDecoder(&js)
	dec.UseNumber()
	if err := dec.Decode(&figures); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(page.String(), "http://") && !strings.Contains(page.String(), `xmlns="http://www.w3.org/2000/svg"`) ||
		regexp.MustCompile(`<(script|link|img)[^>]+(src|href)=`).MatchString(page.String()) {
		t.Error("the page loads something from outside")
	}
	svgs := regexp.MustCompile(`(?s)<svg .*?</svg>`).FindAllString(page.String(), -1)
	if len(svgs) != 3 {
		t.Fatalf("%d charts, want 3", len(svgs))
	}
	want := map[string]map[string]string{} // chart → plan|label → value
	add := func(chart, plan, label, value string) {
		if want[chart] == nil {
			want[chart] = map[string]string{}
		}
		want[chart][plan+"|"+label] = value
	}
	for _, p := range figures.Plans {
		for name, comp := range p.Components {
			add("components", p.Label, name, comp.Paid.String())
		}
		for _, r := range p.Ranks {
			name := "(no rank)"
			if r.Rank != nil {
				name = *r.Rank
			}
			add("ranks", p.Label, name, fmt.Sprint(r.Count))
		}
	}
	// Earners per decade, counted afresh from the results.
	for i, p := range c.Plans {
		for _, m := range p.Result.Org.ByID() {
			total := p.Result.Total(m)
			if total <= 0 {
				continue
			}
			lo := 0.0
			for hi := 10.0; ; hi *= 10 {
				if f, _ := strconv.ParseFloat(total.String(), 64); f < hi {
					key := fmt.Sprintf("%s|%g–%g", c.Plans[i].Label, lo, hi)
					n, _ := strconv.Atoi(want["earnings"][key])
					add("earnings", c.Plans[i].Label, fmt.Sprintf("%g–%g", lo, hi), fmt.Sprint(n+1))
					break
				}
				lo = hi
			}
		}
	}
	for _, s := range svgs {
		var doc svgDoc
		if err := xml.Unmarshal([]byte(s), &doc); err != nil {
			t.Fatalf("chart is not well-formed SVG: %v", err)
		}
		seen := 0
		for _, r := range doc.Rects {
			if r.Plan == "" {
				continue // a legend swatch
			}
			seen++
			v, _ := strconv.ParseFloat(r.Value, 64)
			if w, ok := want[doc.ID][r.Plan+"|"+r.Label]; ok && w != r.Value {
				t.Errorf("%s: %s %s is drawn as %s, the figures say %s", doc.ID, r.Plan, r.Label, r.Value, w)
			} else if !ok && r.Value != "0" && r.Value != "0.00" {
				t.Errorf("%s: bar %s %s = %s has no figure", doc.ID, r.Plan, r.Label, r.Value)
			}
			if wantH := v / doc.Max * 200; math.Abs(r.Height-wantH) > 0.001 || math.Abs(r.Y+r.Height-230) > 0.001 {
				t.Errorf("%s: bar %s %s of %s has height %g at y %g, want %g on the baseline", doc.ID, r.Plan, r.Label, r.Value, r.Height, r.Y, wantH)
			}
		}
		if seen == 0 {
			t.Errorf("%s: no bars", doc.ID)
		}
	}
}

// chromium is the path of headless Chromium; it skips the test where
// Chromium is absent (outside CI: CI installs Debian's chromium).
func chromium(t *testing.T) string {
	t.Helper()
	bin := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			bin = p
			break
		}
	}
	if bin == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI has no Chromium: .ci/run installs Debian's chromium package")
		}
		t.Skip("Chromium is not installed (apt-get install chromium): the browser test runs in CI")
	}
	return bin
}

// chromiumDOM renders page (a file) in headless Chromium and returns the
// DOM after its scripts ran; it skips the test where Chromium is absent
// (outside CI).
func chromiumDOM(t *testing.T, page string) []byte {
	t.Helper()
	bin := chromium(t)
	cmd := exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+filepath.Join(t.TempDir(), "profile"), "--dump-dom", "file://"+page)
	ownGroup(cmd)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	return out
}

// TestSweepHTMLInBrowser: a sweep's page (the example unilevel's level 2
// at 4% and 5%) draws its chart with a size and raises no error.
func TestSweepHTMLInBrowser(t *testing.T) {
	d, err := tree.ReadMembers(strings.NewReader("id,sponsor_id\nA,\nB,A\nC,B\n"), "m.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.ReadSales(strings.NewReader("member_id,amount\nB,100\nC,200\n"), "s.csv"); err != nil {
		t.Fatal(err)
	}
	sw := &Sweep{Paths: []string{"components.uni.levels.1"}}
	for _, v := range []string{"4%", "5%"} {
		p, err := plan.Decode([]byte("name: s\ncurrency: USD\ncomponents:\n  - {name: uni, type: unilevel, levels: [10%, "+v+"]}\n"), "p.yaml")
		if err != nil {
			t.Fatal(err)
		}
		r, err := plan.Compute(p, d)
		if err != nil {
			t.Fatal(err)
		}
		sw.Points = append(sw.Points, NewSweepPoint([]string{v}, r))
	}
	var b bytes.Buffer
	if err := WriteSweepHTML(&b, sw); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `data-series="payout" data-label="5%" data-value="40.00"`) { // 10% of B's 100 and of C's 200, 5% of C's 200
		t.Errorf("the 5%% point is not drawn as 40.00:\n%s", b.String())
	}
	page := filepath.Join(t.TempDir(), "sweep.html")
	if err := os.WriteFile(page, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out := chromiumDOM(t, page)
	if m := regexp.MustCompile(`<div [^>]*data-check="([^"]*)"`).FindSubmatch(out); m == nil || string(m[1]) != "charts=1 sized=1 errors=0" {
		t.Fatalf("the sweep page in Chromium says %q, want charts=1 sized=1 errors=0", m)
	}
}

// TestHTMLInBrowser renders the page in headless Chromium and checks that
// its charts have a size and nothing raised an error. It runs in CI (which
// installs Debian's chromium); elsewhere it skips when Chromium is absent.
func TestHTMLInBrowser(t *testing.T) {
	bin := chromium(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "compare.html")
	var b bytes.Buffer
	c := exampleComparison(t)
	if err := WriteHTML(&b, c); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out := chromiumDOM(t, page)
	// The marker is the hidden element's data-check attribute (the DOM
	// Chromium dumps has it, whatever the attributes' order).
	m := regexp.MustCompile(`<div [^>]*data-check="([^"]*)"`).FindSubmatch(out)
	if m == nil || string(m[1]) != "charts=3 sized=3 errors=0" {
		t.Fatalf("the page in Chromium says %q, want charts=3 sized=3 errors=0", m)
	}
	// Every number of the tables, as Chromium read the page, is the JSON's.
	checkPageNumbers(t, string(out), c)
	// A screenshot for a person to look at (go test -v prints its path).
	shot := filepath.Join(os.TempDir(), "compplan-compare-report.png")
	cmd := exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
		"--user-data-dir="+filepath.Join(dir, "profile2"), "--window-size=1200,3400", "--screenshot="+shot, "file://"+page)
	ownGroup(cmd)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium --screenshot: %v\n%s", err, out)
	}
	if fi, err := os.Stat(shot); err != nil || fi.Size() < 10000 {
		t.Fatalf("no screenshot at %s: %v", shot, err)
	}
	t.Logf("screenshot of the page: %s", shot)
}

// TestHTMLMarkerHidden: the marker the browser test reads (charts, sized,
// errors) is no part of the visible page: it is the data-check attribute of
// a hidden element, and the page's script writes no text anywhere.
func TestHTMLMarkerHidden(t *testing.T) {
	var b bytes.Buffer
	if err := WriteHTML(&b, exampleComparison(t)); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if !regexp.MustCompile(`<div id="check" hidden data-check=""></div>`).MatchString(page) {
		t.Errorf("the page has no hidden marker element")
	}
	for _, visible := range []string{"textContent", "innerText", "innerHTML", "document.write", `<pre id="check">`} {
		if strings.Contains(page, visible) {
			t.Errorf("the page uses %s: the marker would show", visible)
		}
	}
	if !strings.Contains(page, "dataset.check=") {
		t.Errorf("the script does not set the marker's data-check")
	}
}

// pageNumbers reads the page's tables: the summary's cells by figure and
// plan (the change columns aside), each plan's income disclosure by rank,
// and the gain and lose tables' changes by member; numbers with their
// thousands separators taken out.
func pageNumbers(t *testing.T, page string, labels []string) (summary map[string]string, ranks map[string]string, movers map[string]string) {
	t.Helper()
	clean := func(s string) string { return strings.ReplaceAll(html.UnescapeString(s), ",", "") }
	cells := regexp.MustCompile(`<t[hd][^>]*>(.*?)</t[hd]>`)
	row := regexp.MustCompile(`(?s)<tr>(.*?)</tr>`)
	summary, ranks, movers = map[string]string{}, map[string]string{}, map[string]string{}
	m := regexp.MustCompile(`(?s)<table class="summary">(.*?)</table>`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no summary table")
	}
	for _, r := range row.FindAllStringSubmatch(m[1], -1)[1:] {
		cs := cells.FindAllStringSubmatch(r[1], -1)
		for i, label := range labels {
			at := 2 * i // figure, plan 0, then plan and change for the others
			if i == 0 {
				at = 1
			}
			summary[clean(cs[0][1])+"|"+label] = clean(cs[at][1])
		}
	}
	sections := regexp.MustCompile(`(?s)<section class="plan"><h2>(.*?): income disclosure by paid-as rank</h2>(.*?)</section>`).FindAllStringSubmatch(page, -1)
	for _, sec := range sections {
		tables := regexp.MustCompile(`(?s)(?:<h3>[^<]*who would (gain|lose) most</h3>\n)?<table>(.*?)</table>`).FindAllStringSubmatch(sec[2], -1)
		for _, tb := range tables {
			for _, r := range row.FindAllStringSubmatch(tb[2], -1)[1:] {
				cs := cells.FindAllStringSubmatch(r[1], -1)
				if tb[1] == "" {
					ranks[html.UnescapeString(sec[1])+"|"+clean(cs[0][1])] = clean(cs[1][1]) + " " + clean(cs[3][1]) + " " + clean(cs[4][1]) + " " + clean(cs[5][1])
				} else {
					movers[html.UnescapeString(sec[1])+"|"+tb[1]+"|"+clean(cs[0][1])] = clean(cs[4][1])
				}
			}
		}
	}
	return summary, ranks, movers
}

// checkPageNumbers checks every number of the page's tables against the
// comparison's JSON figures.
func checkPageNumbers(t *testing.T, page string, c *compare.Comparison) {
	t.Helper()
	var js bytes.Buffer
	if err := WriteComparison(&js, c, JSON); err != nil {
		t.Fatal(err)
	}
	var figures struct {
		Plans []struct {
			Label      string
			Payout     json.Number
			PayoutPct  json.Number `json:"payout_pct"`
			Earners    int
			Components map[string]struct{ Paid, Breakage json.Number }
			Ranks      []struct {
				Rank              *string
				Count             int
				Median, Mean, Max json.Number
			}
			Gainers, Losers []struct {
				ID     string
				Change json.Number
			}
		}
	}
	d := json.NewDecoder(&js)
	d.UseNumber()
	if err := d.Decode(&figures); err != nil {
		t.Fatal(err)
	}
	var labels []string
	for _, p := range figures.Plans {
		labels = append(labels, p.Label)
	}
	summary, ranks, movers := pageNumbers(t, page, labels)
	n := 0
	expect := func(what, got, want string) {
		t.Helper()
		n++
		if got != want {
			t.Errorf("%s: the page says %q, the JSON %q", what, got, want)
		}
	}
	for _, p := range figures.Plans {
		expect(p.Label+" payout", summary["payout|"+p.Label], p.Payout.String())
		expect(p.Label+" payout %", summary["payout %|"+p.Label], p.PayoutPct.String())
		expect(p.Label+" earners", summary["earners|"+p.Label], fmt.Sprint(p.Earners))
		for name, comp := range p.Components {
			expect(p.Label+" "+name+" paid", summary[name+" paid|"+p.Label], comp.Paid.String())
			expect(p.Label+" "+name+" breakage", summary[name+" breakage|"+p.Label], comp.Breakage.String())
		}
		for _, r := range p.Ranks {
			name := "(no rank)"
			if r.Rank != nil {
				name = *r.Rank
			}
			expect(p.Label+" rank "+name, ranks[p.Label+"|"+name], fmt.Sprintf("%d %s %s %s", r.Count, r.Median, r.Mean, r.Max))
		}
		for _, mv := range p.Gainers {
			expect(p.Label+" gains "+mv.ID, movers[p.Label+"|gain|"+mv.ID], mv.Change.String())
		}
		for _, mv := range p.Losers {
			expect(p.Label+" loses "+mv.ID, movers[p.Label+"|lose|"+mv.ID], mv.Change.String())
		}
	}
	if n < 30 {
		t.Errorf("only %d numbers checked", n)
	}
}

// TestHTMLNumbers: every number of the page's tables is the JSON output's.
func TestHTMLNumbers(t *testing.T) {
	c := exampleComparison(t)
	var page bytes.Buffer
	if err := WriteHTML(&page, c); err != nil {
		t.Fatal(err)
	}
	checkPageNumbers(t, page.String(), c)
	for _, c := range []struct{ in, want string }{
		{"1234567.50", "1,234,567.50"}, {"-1234", "-1,234"}, {"999", "999"}, {"+1000.5", "+1,000.5"}, {"12.3%", "12.3%"}, {"", ""}, {"abc", "abc"},
	} {
		if got := thousands(c.in); got != c.want {
			t.Errorf("thousands(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
