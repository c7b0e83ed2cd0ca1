package cmd

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// worked is the worked example's command line, writing CSV.
func worked(extra ...string) []string {
	return append([]string{"run", "-p", "../examples/worked/plan.yaml", "-m", "../examples/worked/members.csv",
		"-s", "../examples/worked/sales.csv", "-f", "csv"}, extra...)
}

func TestResolveOutput(t *testing.T) {
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(dir, "file.csv"), []byte("x"), 0o640))
	must(os.Symlink("file.csv", filepath.Join(dir, "link.csv")))
	must(os.Symlink("link.csv", filepath.Join(dir, "link2.csv")))
	must(os.Symlink("new.csv", filepath.Join(dir, "dangling.csv")))
	must(os.Symlink("loop2", filepath.Join(dir, "loop1")))
	must(os.Symlink("loop1", filepath.Join(dir, "loop2")))
	must(os.Mkdir(filepath.Join(dir, "sub"), 0o755))
	must(os.Symlink("sub", filepath.Join(dir, "sublink")))
	must(syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o600))
	for _, tc := range []struct {
		path   string
		kind   outputKind
		target string // for toRename, relative to dir
		exists bool
		err    string
	}{
		{path: "file.csv", kind: toRename, target: "file.csv", exists: true},
		{path: "missing.csv", kind: toRename, target: "missing.csv"},
		{path: "link.csv", kind: toRename, target: "file.csv", exists: true},
		{path: "link2.csv", kind: toRename, target: "file.csv", exists: true},
		{path: "dangling.csv", kind: toRename, target: "new.csv"},
		{path: "sublink/x.csv", kind: toRename, target: "sub/x.csv"},
		{path: "fifo", kind: toStream},
		{path: "/dev/null", kind: toStream},
		{path: "/dev/stdout", kind: toStream},
		{path: "/dev/fd/2", kind: toStream},
		{path: "/proc/self/fd/1", kind: toStream},
		{path: "sub", err: "is a folder"},
		{path: "nowhere/x.csv", err: "does not exist"},
		{path: "loop1", err: "too many levels"},
	} {
		path := tc.path
		if !filepath.IsAbs(path) {
			path = filepath.Join(dir, path)
		}
		out := &outputFile{path: path}
		err := resolveOutput(out)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want one saying %q", tc.path, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.path, err)
			continue
		}
		if out.kind != tc.kind {
			t.Errorf("%s: kind %d, want %d", tc.path, out.kind, tc.kind)
		}
		if tc.kind == toRename {
			want := filepath.Join(dir, tc.target)
			if real, err := filepath.EvalSymlinks(dir); err == nil {
				want = filepath.Join(real, tc.target)
			}
			if out.target != want || out.exists != tc.exists {
				t.Errorf("%s: target %s (exists %v), want %s (%v)", tc.path, out.target, out.exists, want, tc.exists)
			}
		}
	}
}

// A new output gets 0666 less the umask, as every Unix tool does; an
// existing one keeps its mode.
func TestOutputModes(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		umask    int
		existing os.FileMode // 0: a new file
		want     os.FileMode
	}{
		{0o022, 0, 0o644},
		{0o077, 0, 0o600},
		{0o002, 0, 0o664},
		{0o022, 0o600, 0o600},
		{0o077, 0o644, 0o644},
		{0o022, 0o755, 0o755},
	} {
		path := filepath.Join(dir, "out.csv")
		os.Remove(path)
		if tc.existing != 0 {
			if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
				t.Fatal(err)
			}
			os.Chmod(path, tc.existing)
		}
		old := syscall.Umask(tc.umask)
		var stdout, stderr bytes.Buffer
		code := Main(worked("-o", path), newStreams(nil, &stdout, &stderr))
		syscall.Umask(old)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != tc.want {
			t.Errorf("umask %03o, existing %03o: mode %03o, want %03o", tc.umask, tc.existing, fi.Mode().Perm(), tc.want)
		}
	}
}

// Standard input redirected from a file is an input: no output may
// replace that file.
func TestStdinFileIsAnInput(t *testing.T) {
	dir := t.TempDir()
	sales := filepath.Join(dir, "sales.csv")
	data, err := os.ReadFile("../examples/worked/sales.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(sales, data, 0o644); err != nil {
		t.Fatal(err)
	}
	in, err := os.Open(sales)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	var stdout, stderr bytes.Buffer
	args := []string{"run", "-p", "../examples/worked/plan.yaml", "-m", "../examples/worked/members.csv", "-s", "-", "-o", sales}
	if code := Main(args, newStreams(in, &stdout, &stderr)); code != exitInvalid {
		t.Fatalf("exit %d, want %d: %s", code, exitInvalid, stderr.String())
	}
	if !strings.Contains(stderr.String(), "is also an input (--sales)") {
		t.Errorf("stderr %q does not name the input", stderr.String())
	}
	if after, _ := os.ReadFile(sales); !bytes.Equal(after, data) {
		t.Errorf("the sales file was changed")
	}
}

// An output set that fails after some outputs are complete replaces none
// of them and leaves no temporary file.
func TestOutputsAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	out, ledger, carry := filepath.Join(dir, "out.csv"), filepath.Join(dir, "ledger.csv"), filepath.Join(dir, "carry.csv")
	for _, f := range []string{out, ledger} {
		if err := os.WriteFile(f, []byte("old"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var stdout, stderr bytes.Buffer
	// --carry-out needs a binary plan: refused after the other outputs were
	// opened, before anything is written.
	code := Main(worked("-o", out, "--ledger", ledger, "--carry-out", carry), newStreams(nil, &stdout, &stderr))
	if code != exitInvalid {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, f := range []string{out, ledger} {
		if b, _ := os.ReadFile(f); string(b) != "old" {
			t.Errorf("%s was replaced: %q", f, b)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("files left: %v, want out.csv and ledger.csv only", names)
	}
}

// A signal during the commit waits for the renames; its message then says
// the outputs were written. Before the commit it removes the temporary
// files and says none was.
func TestStopMessage(t *testing.T) {
	dir := t.TempDir()
	var before tempFiles
	f, err := before.create(dir, ".out.csv", 0o600)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if got := before.stop(syscall.SIGINT); got != "compplan: interrupt: stopped, no output written" {
		t.Errorf("before commit: %q", got)
	}
	if _, err := os.Stat(f.Name()); !os.IsNotExist(err) {
		t.Errorf("temporary file left: %v", err)
	}

	var after tempFiles
	g, err := after.create(dir, ".out.csv", 0o600)
	if err != nil {
		t.Fatal(err)
	}
	g.Close()
	target := filepath.Join(dir, "out.csv")
	renamed := make(chan struct{})
	stopped := make(chan string)
	go func() {
		if err := after.commit(func() error {
			close(renamed)
			time.Sleep(50 * time.Millisecond) // a signal arrives meanwhile
			return os.Rename(g.Name(), target)
		}); err != nil {
			t.Error(err)
		}
	}()
	<-renamed
	go func() { stopped <- after.stop(syscall.SIGHUP) }()
	if got := <-stopped; got != "compplan: hangup: stopped after the outputs were written" {
		t.Errorf("during commit: %q", got)
	}
	if _, err := os.Stat(target); err != nil {
		t.Errorf("the output was not written: %v", err)
	}
}
