package cmd

import (
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// residentSet is the process's resident set in bytes (/proc/self/statm).
func residentSet(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Skip("no /proc/self/statm:", err)
	}
	f := strings.Fields(string(b))
	pages, err := strconv.Atoi(f[1])
	if err != nil {
		t.Fatal(err)
	}
	return pages * os.Getpagesize()
}

// junk keeps the heap's top span alive until hugeHeap's test frees it.
var junk []byte

// TestHugeHeapTouchesNothing: reserving the heap for huge pages takes
// address space, not memory — even when a collection has just freed the
// heap's top span, where the runtime zeroes whatever begins below the
// highest address it has handed out — and the whole of it is advised.
func TestHugeHeapTouchesNothing(t *testing.T) {
	const size = 512 << 20
	for _, freedTop := range []bool{false, true} {
		if freedTop {
			junk = make([]byte, 1<<20)
			junk[0] = 1
			junk = nil
		}
		runtime.GC()
		before := residentSet(t)
		hugeHeap(size)
		if grew := residentSet(t) - before; grew > size/8 {
			t.Errorf("top span freed %v: the resident set grew by %d MB reserving %d MB", freedTop, grew>>20, size>>20)
		}
		if _, err := os.Stat("/sys/kernel/mm/transparent_hugepage"); err != nil {
			continue // a kernel without huge pages refuses the advice
		}
		if got := advisedHuge(t); got < size-4<<20 {
			t.Errorf("top span freed %v: %d MB of the address space advised for huge pages, want the %d MB reserved", freedTop, got>>20, size>>20)
		}
	}
}

// advisedHuge is the size of the largest of the process's mappings
// advised for huge pages (hg among its VmFlags in /proc/self/smaps).
func advisedHuge(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Skip("no /proc/self/smaps:", err)
	}
	most, size := 0, 0
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) >= 2 && f[0] == "Size:":
			kb, err := strconv.Atoi(f[1])
			if err != nil {
				t.Fatal(err)
			}
			size = kb << 10
		case len(f) > 0 && f[0] == "VmFlags:" && slices.Contains(f[1:], "hg"):
			most = max(most, size)
		}
	}
	return most
}

// TestHeapFor: huge pages only for inputs of hugeFrom or more (a stream
// counts 1 GiB), the reservation their size and 256 MiB, at most 16 GiB.
func TestHeapFor(t *testing.T) {
	dir := t.TempDir()
	file := func(name string, size int64) string {
		path := dir + "/" + name
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if err := f.Truncate(size); err != nil { // sparse: no disk used
			t.Fatal(err)
		}
		return path
	}
	const mb = 1 << 20
	small, half, big := file("small", 400*mb), file("half", 512*mb), file("big", 10<<30)
	for _, tc := range []struct {
		files []string
		want  int
	}{
		{[]string{small, ""}, 0},
		{[]string{half, file("just-under", 512*mb-1)}, 0},
		{[]string{half, half}, 1024*mb + 256*mb},
		{[]string{small, "-"}, 400*mb + 1024*mb + 256*mb},
		{[]string{big, big}, 16 << 30},
	} {
		if got := heapFor(tc.files...); got != tc.want {
			t.Errorf("heapFor(%q) = %d MB, want %d MB", tc.files, got/mb, tc.want/mb)
		}
	}
}
