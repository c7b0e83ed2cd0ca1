// Package cmd is compplan's command line: cobra commands and viper
// configuration only. Each command parses its options, calls the library
// (tree, plan, plan/report) and formats; exit codes are decided in one place,
// [exitCode].
package cmd

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"github.com/compplan/compplan/tree"
)

// Exit codes.
const (
	exitOK          = 0
	exitFailure     = 1   // the run failed for another reason (I/O, range)
	exitInvalid     = 2   // bad usage or invalid input (plan, CSV)
	exitInterrupted = 130 // SIGINT or SIGTERM
)

// Execute runs compplan with the process's arguments and exits. SIGINT
// (Ctrl-C) or SIGTERM stops it at once: the output files being written are
// removed, files already there are left as they were, and it exits 130.
func Execute() {
	s := newStreams(os.Stdin, os.Stdout, os.Stderr)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		got := <-sig
		fmt.Fprintf(os.Stderr, "compplan: %v: stopped, no output written\n", got)
		s.temps.removeAllAndExit(exitInterrupted)
	}()
	os.Exit(Main(os.Args[1:], s))
}

// Main runs compplan with args and returns the exit code.
func Main(args []string, s *streams) int {
	root := newRootCmd(s)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	code := exitCode(err)
	fmt.Fprintf(s.err, "compplan: %v\n", err)
	var u *usageError
	if errors.As(err, &u) && u.cmd != nil {
		fmt.Fprintf(s.err, "Run '%s --help' for usage.\n", u.cmd.CommandPath())
	}
	return code
}

// usageError is a bad command line: exit 2.
type usageError struct {
	err error
	cmd *cobra.Command
}

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usagef(c *cobra.Command, format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...), cmd: c}
}

// runError marks an error returned by a command's own code; any other error
// comes from cobra parsing the command line.
type runError struct{ err error }

func (e *runError) Error() string { return e.err.Error() }
func (e *runError) Unwrap() error { return e.err }

// exitCode maps an error to the process exit code: 2 for bad usage or
// invalid input, 1 for any other failure of a run.
func exitCode(err error) int {
	var u *usageError
	var in *tree.InputError
	var r *runError
	switch {
	case errors.As(err, &u) || errors.As(err, &in):
		return exitInvalid
	case errors.As(err, &r):
		return exitFailure
	}
	return exitInvalid // cobra: unknown command, bad arguments
}

// markRunErrors wraps every command's RunE so exitCode can tell its errors
// from cobra's command-line errors.
func markRunErrors(c *cobra.Command) {
	if run := c.RunE; run != nil {
		c.RunE = func(c *cobra.Command, args []string) error {
			if err := run(c, args); err != nil {
				return &runError{err}
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		markRunErrors(sub)
	}
}

func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

func newRootCmd(s *streams) *cobra.Command {
	root := &cobra.Command{
		Use:           "compplan",
		Short:         "Compute network-marketing compensation plans exactly",
		Long:          "compplan loads a YAML plan and CSV files of members and sales, and prints every member's personal and team commissions.",
		Version:       version(),
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetIn(s.in)
	root.SetOut(s.out)
	root.SetErr(s.err)
	root.PersistentFlags().String("config", "", "config `file` of flag values (default .compplan.yaml in the working directory, if present)")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return &usageError{err: err, cmd: c} })
	root.PersistentPreRunE = func(c *cobra.Command, _ []string) error { return configure(c) }
	root.AddCommand(newRunCmd(s), newExplainCmd(s), newCheckCmd(s), newTreeCmd(s), newCompareCmd(s), newGenCmd(s), newReplayCmd(s))
	markRunErrors(root)
	return root
}

// configure fills every flag the user did not set from the environment
// (COMPPLAN_<FLAG>) or the config file, through a viper instance local to
// this call. Flags win over the environment, which wins over the file.
func configure(c *cobra.Command) error {
	v := viper.New()
	v.SetEnvPrefix("COMPPLAN")
	v.SetEnvKeyReplacer(strings.NewReplacer("-", "_"))
	v.AutomaticEnv()
	file, _ := c.Flags().GetString("config")
	if file == "" {
		file = os.Getenv("COMPPLAN_CONFIG")
	}
	explicit := file != ""
	if !explicit {
		file = ".compplan.yaml"
	}
	if _, err := os.Stat(file); err == nil || explicit {
		v.SetConfigFile(file)
		v.SetConfigType("yaml")
		if err := v.ReadInConfig(); err != nil {
			return &tree.InputError{File: file, Msg: "cannot read config: " + err.Error()}
		}
		known := map[string]bool{}
		for _, cmd := range c.Root().Commands() {
			cmd.Flags().VisitAll(func(f *pflag.Flag) { known[f.Name] = true })
		}
		for _, k := range v.AllKeys() {
			if !known[k] {
				return &tree.InputError{File: file, Msg: fmt.Sprintf("unknown setting %q: config keys are flag names such as plan, members, sales, format", k)}
			}
		}
	}
	var err error
	c.Flags().VisitAll(func(f *pflag.Flag) {
		if err != nil || f.Changed || f.Name == "config" || f.Name == "help" || !v.IsSet(f.Name) {
			return
		}
		if e := f.Value.Set(v.GetString(f.Name)); e != nil {
			err = usagef(c, "invalid value for %s from the environment or config: %v", f.Name, e)
		}
	})
	return err
}
