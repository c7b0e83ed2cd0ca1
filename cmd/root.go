// Package cmd is compplan's command line: cobra commands and viper
// configuration only. Each command parses its options, calls the library
// (tree, plan, plan/report) and formats; exit codes are decided in one place,
// [exitCode].
package cmd

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
	"gopkg.in/yaml.v3"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1 // the run failed for another reason (I/O, range)
	exitInvalid = 2 // bad usage or invalid input (plan, CSV)
	// A signal that ends the process exits 128 + its number: 129 SIGHUP,
	// 130 SIGINT, 131 SIGQUIT, 143 SIGTERM.
)

// Execute runs compplan with the process's arguments and exits. SIGINT
// (Ctrl-C), SIGTERM, SIGHUP or SIGQUIT stops it at once: the output files
// being written are removed, files already there are left as they were
// (none is replaced unless all are), and it exits 128 + the signal number.
func Execute() {
	s := newStreams(os.Stdin, os.Stdout, os.Stderr)
	s.hugePages = true
	// compplan's heap is mostly arrays without pointers, which a
	// collection need not scan: collecting when the heap has grown by a
	// quarter, not doubled, costs no time that runs measure and keeps the
	// peak low (10M members: 2.75 GiB instead of 3.0). GOGC overrides it.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(25)
	}
	// COMPPLAN_CPUPROFILE=FILE writes a CPU profile of the whole run
	// (go tool pprof), for finding what a slow run spends its time on.
	stopProfile := func() {}
	if name := os.Getenv("COMPPLAN_CPUPROFILE"); name != "" {
		if f, err := os.Create(name); err == nil && pprof.StartCPUProfile(f) == nil {
			stopProfile = func() { pprof.StopCPUProfile(); f.Close() }
		}
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGHUP, syscall.SIGINT, syscall.SIGQUIT, syscall.SIGTERM)
	go func() {
		got := <-sig
		s.prog.end()
		code := 128 + 2 // SIGINT's, should the number be unknown
		if n, ok := got.(syscall.Signal); ok {
			code = 128 + int(n)
		}
		fmt.Fprintln(os.Stderr, s.temps.stop(got))
		os.Exit(code)
	}()
	code := Main(os.Args[1:], s)
	stopProfile()
	// COMPPLAN_MEMPROFILE=FILE writes what the run allocated, and where
	// (go tool pprof -sample_index=alloc_space), for finding its garbage.
	if name := os.Getenv("COMPPLAN_MEMPROFILE"); name != "" {
		if f, err := os.Create(name); err == nil {
			runtime.GC() // the profile is as of the last collection
			pprof.Lookup("allocs").WriteTo(f, 0)
			f.Close()
		}
	}
	os.Exit(code)
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
	s.say("compplan: %v", err)
	if code == exitInvalid {
		c, _, _ := root.Find(args)
		for _, o := range origins(c) {
			s.say("compplan: note: %s", o)
		}
	}
	var u *usageError
	if errors.As(err, &u) && u.cmd != nil {
		s.say("Run '%s --help' for usage.", u.cmd.CommandPath())
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
	case errors.Is(err, dec.ErrOverflow):
		return exitFailure // a total beyond the exact range, even one the input adds up to
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
	root.PersistentPreRunE = func(c *cobra.Command, _ []string) error { return configure(c, s) }
	root.AddCommand(newRunCmd(s), newExplainCmd(s), newCheckCmd(s), newTreeCmd(s), newCompareCmd(s), newGenCmd(s), newReplayCmd(s), newSweepCmd(s), newCliffsCmd(s))
	for _, c := range root.Commands() {
		c.Flags().VisitAll(onceOnly)
	}
	markRunErrors(root)
	return root
}

// ownMeaning marks a flag whose name means something else in other
// commands (check's and explain's --format is text or json, gen's --members
// is a count): a top-level config key or COMPPLAN_<FLAG> never sets it, only
// the command's own section or COMPPLAN_<COMMAND>_<FLAG>.
const ownMeaning = "compplan_own_meaning"

// originNote is the annotation that records where a flag's value came from
// when it came from the environment or the config file.
const originNote = "compplan_origin"

// maxConfigSize bounds the config file: it holds flag values, a few lines.
const maxConfigSize = 1 << 20

// markOwnMeaning marks flags of c as having their own meaning.
func markOwnMeaning(c *cobra.Command, names ...string) {
	for _, n := range names {
		if err := c.Flags().SetAnnotation(n, ownMeaning, []string{"true"}); err != nil {
			panic(err) // a programming error: no such flag
		}
	}
}

// configure fills every flag the user did not set, first found first:
//  1. the environment variable COMPPLAN_<COMMAND>_<FLAG>;
//  2. COMPPLAN_<FLAG> (not for a flag with its own meaning);
//  3. the config file's key FLAG in the section named after the command;
//  4. the config file's top-level key FLAG (not for a flag with its own
//     meaning).
//
// It uses viper instances local to this call. Where a value came from is
// recorded on the flag, for error messages.
func configure(c *cobra.Command, s *streams) error {
	env := viper.New()
	env.SetEnvPrefix("COMPPLAN")
	env.SetEnvKeyReplacer(strings.NewReplacer("-", "_", ".", "_"))
	env.AutomaticEnv()
	file, _ := c.Flags().GetString("config")
	if file == "" {
		file = os.Getenv("COMPPLAN_CONFIG")
	}
	explicit := file != ""
	if !explicit {
		file = ".compplan.yaml"
	}
	var conf *viper.Viper
	if _, err := os.Stat(file); err == nil || explicit {
		var err error
		if conf, err = readConfig(c, file); err != nil {
			return err
		}
		s.configFile = file
	}
	name := c.Name()
	var err error
	c.Flags().VisitAll(func(f *pflag.Flag) {
		if err != nil || f.Changed || f.Name == "config" || f.Name == "help" {
			return
		}
		shared := f.Annotations[ownMeaning] == nil
		type source struct {
			v         *viper.Viper
			key, from string
		}
		envName := func(key string) string {
			return "environment variable COMPPLAN_" + strings.ToUpper(strings.NewReplacer("-", "_", ".", "_").Replace(key))
		}
		sources := []source{{env, name + "." + f.Name, envName(name + "." + f.Name)}}
		if shared {
			sources = append(sources, source{env, f.Name, envName(f.Name)})
		}
		if conf != nil {
			sources = append(sources, source{conf, name + "." + f.Name, "config file " + file + " (" + name + ": " + f.Name + ")"})
			if shared {
				sources = append(sources, source{conf, f.Name, "config file " + file + " (" + f.Name + ")"})
			}
		}
		for _, src := range sources {
			if !src.v.IsSet(src.key) {
				continue
			}
			value := src.v.GetString(src.key)
			if e := f.Value.Set(value); e != nil {
				err = usagef(c, "invalid value %q for --%s from the %s: %v", value, f.Name, src.from, e)
				return
			}
			f.Annotations = maps.Clone(f.Annotations)
			if f.Annotations == nil {
				f.Annotations = map[string][]string{}
			}
			f.Annotations[originNote] = []string{fmt.Sprintf("--%s %s came from the %s", f.Name, value, src.from)}
			return
		}
	})
	return err
}

// readConfig reads the config file and refuses keys that are no flag: a
// top-level key must be a flag of some command (with the shared meaning),
// a section must be a command and its keys that command's flags.
func readConfig(c *cobra.Command, file string) (*viper.Viper, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, &tree.InputError{File: file, Msg: "cannot read config: " + err.Error()}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxConfigSize+1))
	if err != nil {
		return nil, &tree.InputError{File: file, Msg: "cannot read config: " + err.Error()}
	}
	if len(data) > maxConfigSize {
		return nil, &tree.InputError{File: file, Msg: fmt.Sprintf("the config file is larger than %d kB: it holds flag values, a few lines", maxConfigSize>>10)}
	}
	if err := checkConfigShape(c, file, data); err != nil {
		return nil, err
	}
	v := viper.New()
	v.SetConfigType("yaml")
	if err := v.ReadConfig(bytes.NewReader(data)); err != nil {
		return nil, &tree.InputError{File: file, Msg: "cannot read config: " + err.Error()}
	}
	shared := map[string]bool{}
	own := map[string]map[string]bool{}
	for _, cmd := range c.Root().Commands() {
		own[cmd.Name()] = map[string]bool{}
		cmd.Flags().VisitAll(func(f *pflag.Flag) {
			own[cmd.Name()][f.Name] = true
			if f.Annotations[ownMeaning] == nil {
				shared[f.Name] = true
			}
		})
	}
	for _, k := range v.AllKeys() {
		section, key, inSection := strings.Cut(k, ".")
		switch {
		case !inSection && shared[k]:
		case inSection && own[section] != nil && own[section][key]:
		case inSection && own[section] != nil:
			return nil, &tree.InputError{File: file, Msg: fmt.Sprintf("unknown setting %q: compplan %s has no flag --%s", k, section, key)}
		case !inSection && own[k] == nil && isOwnOnly(own, k):
			return nil, &tree.InputError{File: file, Msg: fmt.Sprintf("setting %q means something different in each command that has it: put it under a section named after the command (for example %q)", k, ownExample(c, k))}
		default:
			return nil, &tree.InputError{File: file, Msg: fmt.Sprintf("unknown setting %q: config keys are flag names such as plan, members, sales, format, or sections named after a command (run:, check:, ...)", k)}
		}
	}
	return v, nil
}

// isOwnOnly reports whether some command has flag name (with its own
// meaning everywhere it is).
func isOwnOnly(own map[string]map[string]bool, name string) bool {
	for _, flags := range own {
		if flags[name] {
			return true
		}
	}
	return false
}

// ownExample is "COMMAND: {NAME: …}" for the first command with flag name.
func ownExample(c *cobra.Command, name string) string {
	for _, cmd := range c.Root().Commands() {
		if cmd.Flags().Lookup(name) != nil {
			return cmd.Name() + ": {" + name + ": ...}"
		}
	}
	return name
}

// origins lists where the flags that came from the environment or the
// config file took their values, for an error message.
func origins(c *cobra.Command) []string {
	var out []string
	if c == nil {
		return nil
	}
	c.Flags().VisitAll(func(f *pflag.Flag) {
		if o := f.Annotations[originNote]; o != nil {
			out = append(out, o[0])
		}
	})
	return out
}

// noArgs refuses arguments to a command that takes only flags, saying so
// (cobra's own text calls a stray argument an unknown command).
func noArgs(c *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef(c, "%s takes flags only, not the argument %q: files are given with flags such as --plan and --members", c.Name(), args[0])
	}
	return nil
}

// oneArg wants exactly one argument, described by what (e.g. "the plan
// file"), as in the usage line.
func oneArg(what string) cobra.PositionalArgs {
	return func(c *cobra.Command, args []string) error {
		switch {
		case len(args) == 0:
			return usagef(c, "%s needs %s: %s", c.Name(), what, c.UseLine())
		case len(args) > 1:
			return usagef(c, "%s takes one argument, %s, not %d (%s)", c.Name(), what, len(args), strings.Join(args, " "))
		}
		return nil
	}
}

// onceOnly makes a flag that takes a value refuse a second one and an
// empty one: `-s a.csv -s b.csv` would otherwise read b.csv alone, and
// `--period ”` run with no period, silently. Flags without a value (bool)
// may repeat, and so may a list (replay's --plan, once per version), but
// never empty; --output may be empty (standard output, as "-").
func onceOnly(f *pflag.Flag) {
	switch f.Value.Type() {
	case "bool", "count":
		return
	}
	f.Value = &onceValue{Value: f.Value, flag: f, emptyOK: f.Name == "output", repeats: f.Value.Type() == "stringArray"}
}

type onceValue struct {
	pflag.Value
	flag             *pflag.Flag
	emptyOK, repeats bool
	set              string // the first value given
	given            bool
}

func (v *onceValue) Set(s string) error {
	if v.given && !v.repeats {
		return fmt.Errorf("given twice (%q, then %q): --%s takes one value", v.set, s, v.flag.Name)
	}
	if s == "" && !v.emptyOK {
		return fmt.Errorf("empty: give --%s a value, or leave the flag out", v.flag.Name)
	}
	v.given, v.set = true, s
	return v.Value.Set(s)
}

// checkConfigShape checks what viper would let pass silently: a value that
// is a list or a mapping where a flag takes one value, and one key written
// twice in different cases (viper's keys are case-insensitive: the last
// would win).
func checkConfigShape(c *cobra.Command, file string, data []byte) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil || len(doc.Content) == 0 {
		return nil // viper reports the syntax error; an empty file sets nothing
	}
	commands := map[string]bool{}
	for _, cmd := range c.Root().Commands() {
		commands[cmd.Name()] = true
	}
	var check func(m *yaml.Node, section string) error
	check = func(m *yaml.Node, section string) error {
		if m.Kind != yaml.MappingNode {
			return &tree.InputError{File: file, Line: m.Line, Column: m.Column, Msg: "expected keys and values (flag: value)"}
		}
		seen := map[string]*yaml.Node{}
		for i := 0; i+1 < len(m.Content); i += 2 {
			k, v := m.Content[i], m.Content[i+1]
			lower := strings.ToLower(k.Value)
			if first, ok := seen[lower]; ok {
				return &tree.InputError{File: file, Line: k.Line, Column: k.Column, Msg: fmt.Sprintf("%q is set twice (also %q at line %d): keys are not case-sensitive", k.Value, first.Value, first.Line)}
			}
			seen[lower] = k
			switch {
			case section == "" && commands[lower] && v.Kind == yaml.MappingNode:
				if err := check(v, lower); err != nil {
					return err
				}
			case v.Kind != yaml.ScalarNode:
				return &tree.InputError{File: file, Line: v.Line, Column: v.Column, Msg: fmt.Sprintf("%q takes one value, as its flag does, not a list or a mapping", k.Value)}
			}
		}
		return nil
	}
	return check(doc.Content[0], "")
}
