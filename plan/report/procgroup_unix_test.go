//go:build unix

package report

import (
	"os/exec"
	"syscall"
)

// ownGroup starts cmd in a process group of its own: a browser that
// signals its whole group on exit then reaches only itself, never the go
// test run (and the compilers) it was started from.
func ownGroup(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true} }
