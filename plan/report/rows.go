package report

import (
	"io"
	"runtime"
	"sync"
	"sync/atomic"
)

// rowBlock is how many rows a worker formats at a time.
const rowBlock = 4096

// writeRows writes rows 0..n-1 to w, in order. The rows are formatted in
// blocks on every core: newRow makes one formatter per worker (so each may
// keep scratch space of its own), and row(b, k) appends row k to b. A row
// depends on k alone, so the bytes are the same however the blocks are
// shared out. After a write error, the rest is formatted no further and
// the error is returned.
func writeRows(w io.Writer, n int, newRow func() func(b []byte, k int) []byte) error {
	return writeRowsOn(w, n, runtime.GOMAXPROCS(0), newRow)
}

// writeRowsOn is writeRows on at most workers goroutines.
func writeRowsOn(w io.Writer, n, workers int, newRow func() func(b []byte, k int) []byte) error {
	blocks := (n + rowBlock - 1) / rowBlock
	workers = min(workers, blocks)
	if workers <= 1 {
		row := newRow()
		var b []byte
		for k := range n {
			if b = row(b, k); len(b) > 1<<16 {
				if _, err := w.Write(b); err != nil {
					return err
				}
				b = b[:0]
			}
		}
		_, err := w.Write(b)
		return err
	}
	done := make([]chan []byte, blocks)
	for i := range done {
		done[i] = make(chan []byte, 1)
	}
	// ahead holds a token for each block formatted but not yet written: a
	// worker takes one before it takes a block, so at most cap(ahead)
	// blocks wait in memory however slow w is.
	ahead := make(chan struct{}, 2*workers)
	free := make(chan []byte, 2*workers+1)
	var next atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			row := newRow()
			for {
				ahead <- struct{}{}
				i := int(next.Add(1) - 1)
				if i >= blocks {
					<-ahead
					return
				}
				var b []byte
				select {
				case b = <-free:
				default:
				}
				b = b[:0]
				if !failed.Load() {
					for k := i * rowBlock; k < min(n, (i+1)*rowBlock); k++ {
						b = row(b, k)
					}
				}
				done[i] <- b
			}
		}()
	}
	var err error
	for i := range blocks {
		b := <-done[i]
		if err == nil {
			if _, err = w.Write(b); err != nil {
				failed.Store(true)
			}
		}
		select {
		case free <- b:
		default:
		}
		<-ahead
	}
	wg.Wait()
	return err
}
