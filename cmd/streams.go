package cmd

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/term"

	"github.com/compplan/compplan/tree"
)

// streams are the process's standard streams, whether they are terminals
// (stdout picks the default output format, stderr shows progress), and the
// temporary files a run is writing (removed if the run is interrupted).
type streams struct {
	in                       io.Reader
	out, err                 io.Writer
	outTerminal, errTerminal bool
	temps                    tempFiles
}

func newStreams(in io.Reader, out, errw io.Writer) *streams {
	s := &streams{in: in, out: out, err: errw}
	if f, ok := out.(*os.File); ok {
		s.outTerminal = term.IsTerminal(int(f.Fd()))
	}
	if f, ok := errw.(*os.File); ok {
		s.errTerminal = term.IsTerminal(int(f.Fd()))
	}
	return s
}

// tempFiles are the temporary files being written, by path.
type tempFiles struct {
	mu    sync.Mutex
	paths map[string]bool
}

// create creates a temporary file and records it, in one step, so an
// interruption never leaves an unrecorded file behind.
func (t *tempFiles) create(dir, pattern string) (*os.File, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err
	}
	if t.paths == nil {
		t.paths = map[string]bool{}
	}
	t.paths[f.Name()] = true
	return f, nil
}

func (t *tempFiles) done(path string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.paths, path)
}

// removeAllAndExit removes every temporary file still being written and
// exits the process with code, holding the lock so none can be created
// meanwhile.
func (t *tempFiles) removeAllAndExit(code int) {
	t.mu.Lock()
	for p := range t.paths {
		os.Remove(p)
	}
	os.Exit(code)
}

// inputs opens input files by name; "-" is standard input (the command
// checks that only one input uses it).
type inputs struct {
	s     *streams
	files []*os.File
	prog  *progress // counts bytes read, when showing progress
}

// open opens name for reading; what says which input it is, for errors.
func (in *inputs) open(name, what string) (io.Reader, string, error) {
	if name == "-" {
		return in.prog.reader(in.s.in), "<stdin>", nil
	}
	f, err := os.Open(name)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, "", &tree.InputError{File: name, Msg: fmt.Sprintf("%s file does not exist", what)}
		}
		return nil, "", fmt.Errorf("%s file: %w", what, err)
	}
	in.files = append(in.files, f)
	if in.prog != nil {
		return in.prog.reader(f), name, nil
	}
	return f, name, nil
}

func (in *inputs) close() {
	for _, f := range in.files {
		f.Close()
	}
}

// atomicFile writes to a temporary file beside the target and renames it
// into place on commit, so a failed run never leaves half a file and an
// existing file stays untouched.
type atomicFile struct {
	*os.File
	target string
	done   bool
	temps  *tempFiles
}

func (s *streams) createAtomic(target string) (*atomicFile, error) {
	f, err := s.temps.create(filepath.Dir(target), "."+filepath.Base(target)+".tmp*")
	if err != nil {
		return nil, fmt.Errorf("cannot write output: %w", err)
	}
	return &atomicFile{File: f, target: target, temps: &s.temps}, nil
}

func (a *atomicFile) commit() error {
	a.done = true
	defer a.temps.done(a.Name())
	if err := a.File.Close(); err != nil {
		os.Remove(a.Name())
		return fmt.Errorf("cannot write output: %w", err)
	}
	if err := os.Chmod(a.Name(), 0o644); err != nil {
		os.Remove(a.Name())
		return fmt.Errorf("cannot write output: %w", err)
	}
	if err := os.Rename(a.Name(), a.target); err != nil {
		os.Remove(a.Name())
		return fmt.Errorf("cannot write output: %w", err)
	}
	return nil
}

// abort removes the temporary file unless commit ran.
func (a *atomicFile) abort() {
	if !a.done {
		a.File.Close()
		os.Remove(a.Name())
		a.temps.done(a.Name())
	}
}

// sameFile reports whether two paths name one existing file.
func sameFile(a, b string) bool {
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

// writeAtomic writes a file through write, atomically: on any error the
// file is left as it was.
func (s *streams) writeAtomic(file string, write func(io.Writer) error) error {
	out, err := s.createAtomic(file)
	if err != nil {
		return err
	}
	defer out.abort()
	if err := write(out); err != nil {
		return err
	}
	return out.commit()
}
