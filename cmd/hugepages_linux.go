package cmd

import (
	"os"
	"runtime"
	"syscall"
	"unsafe"
)

// heapFor is the heap to set up for huge pages before reading the files
// named: about their size (compplan's arrays take less than the CSV they
// come from), 256 MiB more, at most 16 GiB; 1 GiB for a stream. It is 0 —
// no huge pages — for files under hugeFrom in all.
func heapFor(files ...string) int {
	in := 0
	for _, f := range files {
		if f == "" {
			continue
		}
		fi, err := os.Stat(f)
		if err != nil || !fi.Mode().IsRegular() {
			in += 1 << 30
			continue
		}
		in += int(min(fi.Size(), 16<<30))
	}
	if in < hugeFrom {
		return 0
	}
	return min(in+256<<20, 16<<30)
}

// hugeFrom is the input size from which the heap is set up for huge
// pages. Below it 4 KiB pages cost less on this project's VMs: a huge
// page is backed by the host when first touched, 2 MB at once, where 4 KiB
// pages come from memory the guest has freed and the host still holds —
// a 1M-member run (413 MB of files) took 1.58–2.17 s against 1.94–2.77 s
// with huge pages (11 alternating pairs; system time 0.31–0.55 s against
// 0.51–1.12 s), a 3M run (1.3 GB) about the same either way, and a 10M run
// (4.4 GB) 25.6–25.8 s against 19.6–20.5 s: there the TLB's misses cost
// more (user time 36–38 s against 29 s).
const hugeFrom = 1 << 30

// hugeHeap asks Linux to back the first size bytes of the heap with
// transparent huge pages, where the kernel leaves that to the program
// (transparent_hugepage=madvise, as on most servers). A million members
// take hundreds of megabytes, touched at random: with 4 KiB pages every
// first touch is a page fault and most lookups miss the TLB. It allocates
// size bytes, advises them and lets them go: the Go heap hands out its
// lowest free addresses first, so the arrays that follow reuse them, and
// the advice stays with the addresses. Only address space is taken until
// used. Errors are ignored: without huge pages compplan is only slower.
//
// The bytes are taken a huge page at a time, not as one slice: the
// runtime zeroes a new span that begins below the highest address its
// arena has handed out before — where a collection at startup freed the
// heap's top span — and one slice of size bytes was then touched whole:
// once in a few dozen runs the process held the whole reservation (669
// MB at 1M members, 4.4 GB at 10M) and spent seconds zeroing it. A piece
// that begins there is zeroed alone.
func hugeHeap(size int) {
	const huge = 2 << 20
	if size < huge {
		return
	}
	pieces := make([][]byte, 0, size/huge+1)
	lo, hi := ^uintptr(0), uintptr(0)
	for n := 0; n < size; n += huge {
		b := make([]byte, huge)
		p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
		lo, hi = min(lo, p), max(hi, p+huge)
		pieces = append(pieces, b)
	}
	lo = (lo + huge - 1) &^ (huge - 1)
	hi &^= huge - 1
	if hi > lo {
		// The pieces lie together, past what the heap held before; the
		// range may take in some of that too, which is heap as well.
		syscall.Syscall(syscall.SYS_MADVISE, lo, hi-lo, 14) // MADV_HUGEPAGE
	}
	runtime.KeepAlive(pieces)
	pieces = nil
	runtime.GC()
}
