package cmd

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "rewrite the golden outputs in testdata/script from the current output")

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"compplan": Execute,
	})
}

// TestScripts runs the end-to-end tests in testdata/script against the real
// compplan binary: stdout, stderr, exit codes and files. The bundled
// examples are copied into each script's work directory as examples/.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			return os.CopyFS(filepath.Join(env.WorkDir, "examples"), os.DirFS("../examples"))
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// interrupt [-HUP|-INT|-QUIT|-TERM] AFTER PROG ARGS... starts
			// PROG, sends it the signal (SIGINT by default) after AFTER and
			// checks it exits 128 + the signal's number within a second.
			"interrupt": func(ts *testscript.TestScript, neg bool, args []string) {
				sig := syscall.SIGINT
				if len(args) > 0 && strings.HasPrefix(args[0], "-") {
					sigs := map[string]syscall.Signal{"-HUP": syscall.SIGHUP, "-INT": syscall.SIGINT, "-QUIT": syscall.SIGQUIT, "-TERM": syscall.SIGTERM}
					var ok bool
					if sig, ok = sigs[args[0]]; !ok {
						ts.Fatalf("interrupt: unknown signal %s", args[0])
					}
					args = args[1:]
				}
				if neg || len(args) < 2 {
					ts.Fatalf("usage: interrupt [-SIG] AFTER PROG [ARGS...]")
				}
				after, err := time.ParseDuration(args[0])
				ts.Check(err)
				path := ""
				for _, dir := range filepath.SplitList(ts.Getenv("PATH")) {
					if p := filepath.Join(dir, args[1]); fileExists(p) {
						path = p
						break
					}
				}
				if path == "" {
					ts.Fatalf("interrupt: %s not found", args[1])
				}
				cmd := exec.Command(path, args[2:]...)
				cmd.Dir = ts.MkAbs(".")
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				ts.Check(cmd.Start())
				time.Sleep(after)
				sent := time.Now()
				ts.Check(cmd.Process.Signal(sig))
				err = cmd.Wait()
				took := time.Since(sent)
				ts.Logf("stderr: %s", stderr.String())
				var ee *exec.ExitError
				if want := 128 + int(sig); !errors.As(err, &ee) || ee.ExitCode() != want {
					ts.Fatalf("%s: %v, want exit %d (did it finish before the signal? make the run longer)", args[1], err, want)
				}
				if took > time.Second {
					ts.Fatalf("%s took %v to stop", args[1], took)
				}
			},
			// exits N PROG ARGS... runs PROG and checks its exit code is N;
			// its stdout and stderr can be checked afterwards.
			"exits": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) < 2 {
					ts.Fatalf("usage: exits CODE PROG [ARGS...]")
				}
				want, err := strconv.Atoi(args[0])
				if err != nil {
					ts.Fatalf("exits: bad code %q", args[0])
				}
				err = ts.Exec(args[1], args[2:]...)
				got := 0
				var ee *exec.ExitError
				if errors.As(err, &ee) {
					got = ee.ExitCode()
				} else if err != nil {
					ts.Fatalf("exits: %v", err)
				}
				if got != want {
					ts.Fatalf("%s exited %d, want %d", args[1], got, want)
				}
			},
		},
	})
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}
