package cmd

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReplayStateIn: a replay resumed from the state another replay wrote
// gives the same rows, ledger and final state as one replay of the whole
// history, on the example with the most carried (held payouts, rank grace,
// returns reversed across months, advancement); and a state that does not
// fit is refused with exit 2.
func TestReplayStateIn(t *testing.T) {
	dir := t.TempDir()
	ex := func(name string) string { return filepath.Join("..", "examples", "periods", name) }
	run := func(want int, args ...string) string {
		t.Helper()
		var stderr bytes.Buffer
		base := []string{"replay", "-p", ex("plan.yaml"), "-m", ex("members.csv"), "-s", ex("sales.csv"), "--every", "month", "-q"}
		if code := Main(append(base, args...), newStreams(nil, os.Stdout, &stderr)); code != want {
			t.Fatalf("%v: exit %d, want %d: %s", args, code, want, stderr.String())
		}
		return stderr.String()
	}
	path := func(name string) string { return filepath.Join(dir, name) }
	read := func(name string) string {
		t.Helper()
		b, err := os.ReadFile(path(name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	run(0, "-o", path("all.csv"), "--ledger", path("all-ledger.csv"), "--state-out", path("all.json"))
	run(0, "--to", "2026-03-31", "-o", path("first.csv"), "--ledger", path("first-ledger.csv"), "--state-out", path("mar.json"))
	run(0, "--state-in", path("mar.json"), "-o", path("rest.csv"), "--ledger", path("rest-ledger.csv"), "--state-out", path("rest.json"))
	body := func(s string) string { return s[strings.IndexByte(s, '\n')+1:] }
	if got, want := read("first.csv")+body(read("rest.csv")), read("all.csv"); got != want {
		t.Errorf("rows differ:\n%s\nwant\n%s", got, want)
	}
	if got, want := read("first-ledger.csv")+body(read("rest-ledger.csv")), read("all-ledger.csv"); got != want {
		t.Errorf("ledgers differ")
	}
	if got, want := read("rest.json"), read("all.json"); got != want {
		t.Errorf("final states differ:\n%s\nwant\n%s", got, want)
	}
	if !strings.HasPrefix(read("rest.csv"), "period,") || !strings.Contains(read("rest.csv"), "\n2026-04,") || strings.Contains(read("rest.csv"), "\n2026-03,") {
		t.Errorf("the resumed replay starts in April:\n%s", read("rest.csv"))
	}
	// A --from that does not follow the state, and another plan's state.
	if msg := run(2, "--state-in", path("mar.json"), "--from", "2026-05-01", "-o", path("gap.csv")); !strings.Contains(msg, "the state ends 2026-03-31 (period 2026-03) but this run starts 2026-05-01") {
		t.Errorf("gap: %s", msg)
	}
	var stderr bytes.Buffer
	args := []string{"replay", "-p", filepath.Join("..", "examples", "unilevel.yaml"), "-m", ex("members.csv"), "-s", ex("sales.csv"),
		"--every", "month", "-q", "--state-in", path("mar.json"), "-o", path("other.csv")}
	if code := Main(args, newStreams(nil, os.Stdout, &stderr)); code != 2 || !strings.Contains(stderr.String(), "the state was written for plan \"Example Monthly Plan\", and this plan is \"Example Unilevel\"") {
		t.Errorf("another plan's state: exit %d: %s", code, stderr.String())
	}
}
