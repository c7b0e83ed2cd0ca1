package cmd

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"golang.org/x/term"

	"github.com/compplan/compplan/tree"
)

// streams are the process's standard streams, whether they are terminals
// (stdout picks the default output format, stderr shows progress), the
// temporary files a run is writing (removed if the run is interrupted), the
// config file read (an input no output may replace) and the progress line
// being drawn.
type streams struct {
	in                       io.Reader
	out, err                 io.Writer
	outTerminal, errTerminal bool
	sameTerminal             bool // stdout and stderr are one terminal
	temps                    tempFiles
	configFile               string
	prog                     *progress
	// hugePages: the heap may be set up for huge pages (see hugeHeap),
	// once, by the process's own run (never by tests calling Main).
	hugePages bool
}

func newStreams(in io.Reader, out, errw io.Writer) *streams {
	s := &streams{in: in, out: out, err: errw}
	fo, ok1 := out.(*os.File)
	fe, ok2 := errw.(*os.File)
	if ok1 {
		s.outTerminal = term.IsTerminal(int(fo.Fd()))
	}
	if ok2 {
		s.errTerminal = term.IsTerminal(int(fe.Fd()))
	}
	if s.outTerminal && s.errTerminal {
		a, err1 := fo.Stat()
		b, err2 := fe.Stat()
		s.sameTerminal = err1 == nil && err2 == nil && os.SameFile(a, b)
	}
	return s
}

// stdout is standard output for a command's results. When stdout and
// stderr are one terminal, the first byte written clears the progress line
// and stops it, so progress is never drawn into the output.
func (s *streams) stdout() io.Writer {
	if !s.sameTerminal {
		return s.out
	}
	return writerFunc(func(b []byte) (int, error) {
		s.prog.end()
		return s.out.Write(b)
	})
}

// say writes a message line on stderr, clearing the progress line first.
func (s *streams) say(format string, args ...any) {
	s.prog.end()
	fmt.Fprintf(s.err, format+"\n", args...)
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

// tempFiles are the temporary files being written, by path, and whether
// the outputs have been committed (renamed into place).
type tempFiles struct {
	mu        sync.Mutex
	paths     map[string]bool
	committed bool
}

// create creates a temporary file beside its target, named prefix plus
// ".tmp" and a random number, with mode perm (less the umask), and records
// it, in one step, so an interruption never leaves an unrecorded file.
func (t *tempFiles) create(dir, prefix string, perm os.FileMode) (*os.File, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var f *os.File
	var err error
	for try := 0; try < 100; try++ {
		name := filepath.Join(dir, prefix+".tmp"+strconv.FormatUint(rand.Uint64()%1e12, 10))
		f, err = os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if !errors.Is(err, os.ErrExist) {
			break
		}
	}
	if err != nil {
		return nil, err
	}
	if t.paths == nil {
		t.paths = map[string]bool{}
	}
	t.paths[f.Name()] = true
	return f, nil
}

// forget stops tracking a temporary file (renamed or removed).
func (t *tempFiles) forget(path string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.paths, path)
}

// commit runs rename with signals held off: a signal that arrives meanwhile
// is handled after it, when the outputs are in place.
func (t *tempFiles) commit(rename func() error) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	err := rename()
	for p := range t.paths {
		if _, err := os.Lstat(p); errors.Is(err, os.ErrNotExist) {
			delete(t.paths, p) // renamed into place
		}
	}
	t.committed = t.committed || err == nil
	return err
}

// stop removes every temporary file still being written and returns the
// message that says what became of the outputs. It keeps the lock, so no
// file can be created or renamed afterwards: the process exits next.
func (t *tempFiles) stop(sig os.Signal) string {
	t.mu.Lock()
	for p := range t.paths {
		os.Remove(p)
	}
	if t.committed {
		return fmt.Sprintf("compplan: %v: stopped after the outputs were written", sig)
	}
	return fmt.Sprintf("compplan: %v: stopped, no output written", sig)
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
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, "", &tree.InputError{File: name, Msg: fmt.Sprintf("the %s file is a folder: name a file", what)}
	}
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
