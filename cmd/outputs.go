package cmd

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
)

// The rules every command follows for the files it writes (README, "Files
// and safety"):
//   - "-" is standard output, for any output flag; one output at most.
//   - A regular file, or a path where nothing is, is written to a temporary
//     file beside it and renamed into place; a symbolic link is followed
//     and its target written that way. An existing file keeps its mode (and
//     owner, where permitted); a new one gets 0666 less the umask.
//   - Anything else (a character device such as /dev/null, a FIFO, a
//     socket, /dev/fd/N, /dev/stdout) is written directly, never replaced.
//   - An output is never an input (compared by device and inode, so
//     spelling does not matter), nor another output; the one exception is
//     a state file rolled forward (--state-in s.json --state-out s.json),
//     which is read whole before anything is written.
//   - All or nothing: regular files are renamed into place only when every
//     output is complete and every streamed output has been written; if
//     anything fails, or a signal arrives, none is replaced.

// outputKind is how an output is written.
type outputKind int

const (
	toStdout outputKind = iota // standard output
	toRename                   // a temporary file renamed onto target
	toStream                   // written directly (device, FIFO, /dev/fd/N)
)

// outputFile is one output of a command.
type outputFile struct {
	flag, path string
	kind       outputKind
	target     string // toRename: the resolved path the temporary file replaces
	exists     bool   // toRename: target exists (its mode and owner are kept)
	mode       os.FileMode
	uid, gid   int
	id         fileID // toRename with exists: identity of the target
	stream     fileID // toStream, toStdout: identity of the open file (zero: unknown or a character device)
	f          *os.File
	w          io.Writer
	blocks     *blockWriter // toRename: writes f (w is it)
}

// fileID identifies an existing file: device and inode.
type fileID struct{ dev, ino uint64 }

func idOf(fi os.FileInfo) (fileID, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileID{}, false
	}
	return fileID{uint64(st.Dev), st.Ino}, true
}

// namedInput is an input file and the flag that named it.
type namedInput struct{ flag, path string }

// outputSet is every file one command writes, committed together.
type outputSet struct {
	s      *streams
	cmd    *cobra.Command
	inputs map[fileID]string // the regular files read, by identity: the flag
	rolls  map[string]string // output flag -> the input flag it may replace
	files  []*outputFile
	done   bool
}

// newOutputs starts the set of outputs of command c, which reads inputs.
// The config file and standard input (when it is a regular file) count as
// inputs too.
func (s *streams) newOutputs(c *cobra.Command, inputs ...namedInput) *outputSet {
	o := &outputSet{s: s, cmd: c, inputs: map[fileID]string{}, rolls: map[string]string{}}
	if s.configFile != "" {
		inputs = append(inputs, namedInput{"--config", s.configFile})
	}
	for _, in := range inputs {
		if in.path == "" {
			continue
		}
		var fi os.FileInfo
		var err error
		if in.path == "-" {
			f, ok := s.in.(*os.File)
			if !ok {
				continue
			}
			fi, err = f.Stat()
		} else {
			fi, err = os.Stat(in.path)
		}
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		if id, ok := idOf(fi); ok {
			if _, seen := o.inputs[id]; !seen {
				o.inputs[id] = in.flag
			}
		}
	}
	return o
}

// mayReplace lets the output of flag out replace the input of flag in: it
// is read whole before any output is written.
func (o *outputSet) mayReplace(out, in string) { o.rolls[out] = in }

// add checks one output (path "" means none: nil, nil) and opens it: a
// temporary file for a regular file, the file itself for a stream. Errors
// about the command line are usage errors (exit 2).
func (o *outputSet) add(flag, path string) (*outputFile, error) {
	if path == "" {
		return nil, nil
	}
	out := &outputFile{flag: flag, path: path}
	if path == "-" {
		for _, other := range o.files {
			if other.kind == toStdout {
				return nil, usagef(o.cmd, "%s and %s both write standard output (-): give one of them a file", other.flag, flag)
			}
		}
		out.kind = toStdout
		out.w = o.s.stdout()
		if f, ok := o.s.out.(*os.File); ok {
			out.stream = streamID(f)
		}
		if err := o.sameStream(out); err != nil {
			return nil, err
		}
		o.files = append(o.files, out)
		return out, nil
	}
	if err := resolveOutput(out); err != nil {
		return nil, &runError{err: fmt.Errorf("%s %s: %w", flag, path, err)}
	}
	if out.kind == toRename {
		if out.exists {
			if in, ok := o.inputs[out.id]; ok && o.rolls[flag] != in {
				return nil, usagef(o.cmd, "%s %s is also an input (%s): write to another file", flag, path, in)
			}
		}
		for _, other := range o.files {
			if other.kind == toRename && (other.target == out.target || (out.exists && other.exists && other.id == out.id)) {
				return nil, usagef(o.cmd, "%s and %s name the same file %s", other.flag, flag, out.target)
			}
		}
	}
	if err := o.open(out); err != nil {
		return nil, &runError{err: fmt.Errorf("%s %s: %w", flag, path, err)}
	}
	if out.kind == toStream {
		out.stream = streamID(out.f)
		if err := o.sameStream(out); err != nil {
			out.f.Close()
			return nil, err
		}
	}
	o.files = append(o.files, out)
	return out, nil
}

// streamID is the identity of an open stream, or zero for a character
// device (a terminal, /dev/null: several outputs may share one) or when
// it cannot be told.
func streamID(f *os.File) fileID {
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice != 0 {
		return fileID{}
	}
	id, _ := idOf(fi)
	return id
}

// sameStream refuses a second output into one open file, pipe or FIFO
// (-o - --summary /dev/stdout with stdout redirected to a file): their
// bytes would overwrite or interleave each other.
func (o *outputSet) sameStream(out *outputFile) error {
	if out.stream == (fileID{}) {
		return nil
	}
	for _, other := range o.files {
		if other.stream == out.stream {
			return usagef(o.cmd, "%s %s and %s %s both write to one stream (the same file, pipe or FIFO): give one of them another file", other.flag, other.path, out.flag, out.path)
		}
	}
	return nil
}

// resolveOutput decides how out is written: it follows symbolic links to
// the file they name, and says whether that is a regular file (or nothing)
// or a stream.
func resolveOutput(out *outputFile) error {
	path := out.path
	for hops := 0; ; hops++ {
		if hops > 40 {
			return errors.New("too many levels of symbolic links")
		}
		dir, base := filepath.Split(path)
		if dir == "" {
			dir = "."
		}
		realDir, err := filepath.EvalSymlinks(dir)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("the folder %s does not exist", dir)
			}
			return err
		}
		if realDir == "/proc" || strings.HasPrefix(realDir, "/proc/") {
			out.kind = toStream // /dev/fd/N, /dev/stdout, /proc/self/fd/N
			return nil
		}
		path = filepath.Join(realDir, base)
		fi, err := os.Lstat(path)
		switch {
		case errors.Is(err, os.ErrNotExist):
			out.kind, out.target = toRename, path
			return nil
		case err != nil:
			return err
		case fi.Mode()&os.ModeSymlink != 0:
			link, err := os.Readlink(path)
			if err != nil {
				return err
			}
			if !filepath.IsAbs(link) {
				link = filepath.Join(realDir, link)
			}
			path = link
			continue
		case fi.IsDir():
			return errors.New("is a folder: name a file")
		case fi.Mode().IsRegular():
			out.kind, out.target, out.exists = toRename, path, true
			out.mode = fi.Mode().Perm()
			out.id, _ = idOf(fi)
			if st, ok := fi.Sys().(*syscall.Stat_t); ok {
				out.uid, out.gid = int(st.Uid), int(st.Gid)
			}
			return nil
		default: // a device, FIFO or socket
			out.kind = toStream
			return nil
		}
	}
}

// open creates the temporary file of a regular output, or opens a stream.
func (o *outputSet) open(out *outputFile) error {
	if out.kind == toStream {
		f, err := os.OpenFile(out.path, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		out.f, out.w = f, f
		return nil
	}
	// A new file is created with the mode it keeps, 0666 less the umask; a
	// temporary file that replaces one is private until it has that file's.
	perm := os.FileMode(0o666)
	if out.exists {
		perm = 0o600
	}
	f, err := o.s.temps.create(filepath.Dir(out.target), "."+filepath.Base(out.target), perm)
	if err != nil {
		return err
	}
	out.f = f
	out.blocks = newBlockWriter(f, outputBlock)
	out.w = out.blocks
	return nil
}

// commit finishes every output: streams are closed (an error writing one
// fails the command and replaces nothing), then the temporary files are
// closed, given their modes and renamed into place, together, with
// signals held off until the last rename.
func (o *outputSet) commit() error {
	for _, out := range o.files {
		if out.kind != toStream {
			continue
		}
		err := out.f.Close()
		out.f = nil
		if err != nil {
			return &runError{err: fmt.Errorf("%s %s: %w", out.flag, out.path, err)}
		}
	}
	for _, out := range o.files {
		if out.kind != toRename {
			continue
		}
		if err := finishTemp(out); err != nil {
			return &runError{err: fmt.Errorf("%s %s: %w", out.flag, out.path, err)}
		}
	}
	err := o.s.temps.commit(func() error {
		for i, out := range o.files {
			if out.kind != toRename {
				continue
			}
			if err := os.Rename(out.f.Name(), out.target); err != nil {
				if i > 0 {
					return fmt.Errorf("%s %s: %w (outputs named before it were already replaced)", out.flag, out.path, err)
				}
				return fmt.Errorf("%s %s: %w", out.flag, out.path, err)
			}
		}
		return nil
	})
	o.done = err == nil
	if err != nil {
		return &runError{err: err}
	}
	return nil
}

// finishTemp writes the rest of out's temporary file, closes it and, when
// it replaces a file, gives it that file's mode and owner.
func finishTemp(out *outputFile) error {
	if err := out.blocks.finish(); err != nil {
		return err
	}
	if err := out.f.Close(); err != nil {
		return err
	}
	if !out.exists {
		return nil
	}
	// Keep the owner where permitted (root, or a group of one's own); an
	// ordinary user cannot give a file away, and that is no error.
	_ = os.Lchown(out.f.Name(), out.uid, out.gid)
	return os.Chmod(out.f.Name(), out.mode)
}

// abort removes every temporary file and closes every stream, unless the
// set was committed. It is safe to call more than once.
func (o *outputSet) abort() {
	if o.done {
		return
	}
	o.done = true
	for _, out := range o.files {
		switch {
		case out.f == nil:
		case out.kind == toStream:
			out.f.Close()
		case out.kind == toRename:
			out.f.Close()
			os.Remove(out.f.Name())
			o.s.temps.forget(out.f.Name())
		}
	}
}

// writer is where the output writes; nil for an output not given. Its
// errors name the output.
func (out *outputFile) writer() io.Writer {
	if out == nil {
		return nil
	}
	return writerFunc(func(b []byte) (int, error) {
		n, err := out.w.Write(b)
		if err != nil {
			err = fmt.Errorf("%s %s: %w", out.flag, out.path, err)
		}
		return n, err
	})
}
