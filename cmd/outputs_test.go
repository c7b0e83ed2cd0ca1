package cmd

import (
	"bytes"
	"fmt"
	"io"
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
	in := writtenFile(t, sales, data)
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

// FuzzResolveOutput builds a small folder of files, folders, FIFOs and
// symbolic links (some dangling, some in loops) from the input, resolves an
// output path in it and checks the rules: a path is written by rename only
// onto a regular file or onto nothing, in a folder that exists; a device or
// FIFO is a stream; a folder is refused; nothing is ever changed on disk.
func FuzzResolveOutput(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4}, uint8(0))
	f.Add([]byte{4, 4, 4, 0}, uint8(2))
	f.Add([]byte{3, 3, 3, 3, 3, 3}, uint8(5))
	f.Add([]byte{2, 1, 4, 3}, uint8(9))
	f.Fuzz(func(t *testing.T, layout []byte, pick uint8) {
		if len(layout) > 12 {
			layout = layout[:12]
		}
		dir := t.TempDir()
		names := []string{"a", "b", "c", "d/e", "d/f", "g"}
		os.Mkdir(filepath.Join(dir, "d"), 0o755)
		for i, b := range layout {
			name := filepath.Join(dir, names[i%len(names)])
			target := names[int(b>>3)%len(names)]
			switch b % 5 {
			case 0: // a new regular file (never opening a FIFO made before)
				if f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644); err == nil {
					f.Close()
				}
			case 1:
				os.Mkdir(name, 0o755)
			case 2:
				syscall.Mkfifo(name, 0o644)
			case 3:
				os.Symlink(target, name) // relative: may dangle or loop
			case 4:
				os.Symlink(filepath.Join(dir, target), name)
			}
		}
		before := snapshot(t, dir)
		path := filepath.Join(dir, names[int(pick)%len(names)])
		out := &outputFile{path: path}
		err := resolveOutput(out)
		if after := snapshot(t, dir); after != before {
			t.Fatalf("resolving changed the folder:\n%s\nto\n%s", before, after)
		}
		if err != nil {
			return
		}
		switch out.kind {
		case toRename:
			fi, err := os.Lstat(out.target)
			switch {
			case err == nil && !fi.Mode().IsRegular():
				t.Fatalf("%s: would rename onto %s, a %v", path, out.target, fi.Mode().Type())
			case err == nil != out.exists:
				t.Fatalf("%s: exists %v, but Lstat says %v", path, out.exists, err)
			}
			if fi, err := os.Stat(filepath.Dir(out.target)); err != nil || !fi.IsDir() {
				t.Fatalf("%s: the folder of %s is not there", path, out.target)
			}
		case toStream:
			fi, err := os.Stat(path)
			if err != nil || fi.Mode().IsRegular() || fi.IsDir() {
				t.Fatalf("%s: a stream, but it is %v (%v)", path, fi, err)
			}
		default:
			t.Fatalf("%s: kind %d", path, out.kind)
		}
	})
}

// snapshot lists a folder's entries with their types and link targets.
func snapshot(t *testing.T, dir string) string {
	var b strings.Builder
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		link, _ := os.Readlink(p)
		fmt.Fprintf(&b, "%s %v %s\n", strings.TrimPrefix(p, dir), d.Type(), link)
		return nil
	})
	return b.String()
}

// FuzzReadConfig reads arbitrary config files: never a panic; an accepted
// file sets only flags that exist, each from one scalar value.
func FuzzReadConfig(f *testing.F) {
	f.Add([]byte("plan: a.yaml\nformat: csv\n"))
	f.Add([]byte("check:\n  format: json\nrun: {format: csv}\n"))
	f.Add([]byte("plan: [a, b]\n"))
	f.Add([]byte("plan: a\nPLAN: b\n"))
	f.Add([]byte("members: 5\n"))
	f.Add([]byte("- a\n- b\n"))
	f.Add([]byte("a: &x [1]\nb: *x\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		file := filepath.Join(dir, "c.yaml")
		if err := os.WriteFile(file, data, 0o600); err != nil {
			t.Fatal(err)
		}
		root := newRootCmd(newStreams(nil, io.Discard, io.Discard))
		v, err := readConfig(root, file)
		if err != nil {
			return
		}
		for _, k := range v.AllKeys() {
			section, key, ok := strings.Cut(k, ".")
			if !ok {
				key, section = section, ""
			}
			found := false
			for _, c := range root.Commands() {
				if (section == "" || section == c.Name()) && c.Flags().Lookup(key) != nil {
					found = true
				}
			}
			if !found {
				t.Fatalf("accepted key %q, which is no flag", k)
			}
		}
	})
}
