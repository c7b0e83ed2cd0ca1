//go:build !linux

package cmd

func heapFor(files ...string) int { return 0 }

// hugeHeap does nothing but on Linux (see hugepages_linux.go).
func hugeHeap(size int) {}
