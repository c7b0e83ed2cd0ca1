//go:build !linux

package cmd

import (
	"errors"
	"os"
)

// setDirect: direct I/O is used on Linux only (see direct_linux.go).
func setDirect(f *os.File, on bool) error {
	if on {
		return errors.ErrUnsupported
	}
	return nil
}
