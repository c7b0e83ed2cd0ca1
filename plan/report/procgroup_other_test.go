//go:build !unix

package report

import "os/exec"

// ownGroup does nothing where process groups are not unix ones.
func ownGroup(*exec.Cmd) {}
