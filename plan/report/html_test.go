package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
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

// TestHTMLInBrowser renders the page in headless Chromium and checks that
// its charts have a size and nothing raised an error. It runs in CI (which
// installs Debian's chromium); elsewhere it skips when Chromium is absent.
func TestHTMLInBrowser(t *testing.T) {
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
	dir := t.TempDir()
	page := filepath.Join(dir, "compare.html")
	var b bytes.Buffer
	if err := WriteHTML(&b, exampleComparison(t)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(page, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--dump-dom", "file://"+page)
	ownGroup(cmd)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	// The marker is the hidden element's data-check attribute (the DOM
	// Chromium dumps has it, whatever the attributes' order).
	m := regexp.MustCompile(`<div [^>]*data-check="([^"]*)"`).FindSubmatch(out)
	if m == nil || string(m[1]) != "charts=3 sized=3 errors=0" {
		t.Fatalf("the page in Chromium says %q, want charts=3 sized=3 errors=0", m)
	}
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
