package cmd

import (
	"errors"
	"os"
	"syscall"
	"time"
	"unsafe"
)

// outputBlock is the size of the blocks a temporary output file is
// written in.
const outputBlock = 4 << 20

// slowBlocks is how many blocks are written directly before the time
// waited for them is judged.
const slowBlocks = 8

// blockWriter writes a temporary output file in blocks, each written in
// the background while the next one fills. From its first full block on,
// the file is written around the page cache (O_DIRECT, where the
// filesystem allows it): a 700 MB replay then costs no page-cache pages
// (on a VM each new page is a fault of the host: about 1 s of the 12-month
// replay at 1M members), pushes nothing else out of the cache, and is on
// the disk when compplan exits. The last part block goes through the page
// cache, as a whole output smaller than a block does.
//
// Direct I/O makes the writer wait for the disk, where the page cache
// would not. Waits for a fast disk are short and few, and the rows go on
// being formatted meanwhile; but when, after the first slowBlocks blocks,
// the writer has spent more than a quarter of its time since the first
// block waiting for the disk (a hard disk, a network filesystem), the rest
// goes through the page cache: a slow disk costs compplan at most about a
// quarter more time, never the disk's whole pace.
//
// Direct I/O needs each block aligned in memory, in size and in the file:
// the buffers are aligned to 4 KiB, and every block but the last is full,
// so each starts at a multiple of the block size. A write the file refuses
// as direct (EINVAL: a filesystem or device with other rules) is written
// again through the page cache, as is all that follows.
type blockWriter struct {
	f      *os.File
	write  func([]byte) (int, error) // f.Write
	size   int                       // the block size, a multiple of 4 KiB
	bufs   [2][]byte                 // the block filling (bufs[cur]) and the one in flight
	cur    int
	n      int           // bytes in bufs[cur]
	direct bool          // the file was put in direct mode
	flying chan error    // the block in flight reports here; nil: none
	err    error         // the first error, returned from then on
	sent   int           // blocks sent
	start  time.Time     // when the first block was sent
	waited time.Duration // waiting for direct writes to land
}

func newBlockWriter(f *os.File, size int) *blockWriter {
	return &blockWriter{f: f, write: f.Write, size: size}
}

// alignedBlock is a zeroed size-byte slice whose first byte is at a
// multiple of 4 KiB.
func alignedBlock(size int) []byte {
	b := make([]byte, size+4096)
	skip := int(-uintptr(unsafe.Pointer(unsafe.SliceData(b))) & 4095)
	return b[skip : skip+size : skip+size]
}

// Write copies p into blocks. An error writing a block is returned by the
// Write that fills the next one (and every later one) and by finish.
func (w *blockWriter) Write(p []byte) (int, error) {
	done := 0
	for done < len(p) {
		if w.bufs[w.cur] == nil {
			w.bufs[w.cur] = alignedBlock(w.size)
		}
		c := copy(w.bufs[w.cur][w.n:], p[done:])
		w.n += c
		done += c
		if w.n == w.size {
			if err := w.send(); err != nil {
				return done, err
			}
		}
	}
	return done, nil
}

// land waits for the block in flight and returns the first error.
func (w *blockWriter) land() error {
	if w.flying != nil {
		if err := <-w.flying; err != nil && w.err == nil {
			w.err = err
		}
		w.flying = nil
	}
	return w.err
}

// send writes the full block in the background (once the one before it is
// written) and starts filling the other buffer.
func (w *blockWriter) send() error {
	t := time.Now()
	if err := w.land(); err != nil {
		return err
	}
	switch {
	case w.sent == 0:
		w.start = t
		w.direct = setDirect(w.f, true) == nil
	case w.direct:
		now := time.Now()
		w.waited += now.Sub(t)
		if w.sent >= slowBlocks && 4*w.waited > now.Sub(w.start) {
			w.direct = false // the disk is behind: the page cache takes the rest
			if err := setDirect(w.f, false); err != nil {
				w.err = err
				return err
			}
		}
	}
	w.sent++
	b, direct := w.bufs[w.cur], w.direct
	w.flying = make(chan error, 1)
	go func(done chan<- error) {
		done <- w.writeBlock(b, direct)
	}(w.flying)
	w.cur ^= 1
	w.n = 0
	return nil
}

// writeBlock writes b; a direct write the file refuses is written again
// through the page cache, and the file leaves direct mode for good.
func (w *blockWriter) writeBlock(b []byte, direct bool) error {
	n, err := w.write(b)
	if err == nil || !direct || !errors.Is(err, syscall.EINVAL) {
		return err
	}
	if err = setDirect(w.f, false); err == nil {
		_, err = w.write(b[n:])
	}
	return err
}

// finish writes what is left through the page cache and returns the first
// error of any write. The file stays open.
func (w *blockWriter) finish() error {
	if err := w.land(); err != nil {
		return err
	}
	if w.direct {
		w.direct = false
		if err := setDirect(w.f, false); err != nil {
			w.err = err
			return err
		}
	}
	if w.n > 0 {
		_, err := w.write(w.bufs[w.cur][:w.n])
		w.n = 0
		if err != nil {
			w.err = err
			return err
		}
	}
	return nil
}
