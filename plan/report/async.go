package report

import "io"

// asyncWriter buffers writes and hands full buffers to a goroutine that
// writes them, so formatting and the write system calls overlap.
type asyncWriter struct {
	w    io.Writer
	buf  []byte
	full chan []byte
	free chan []byte
	done chan error
	err  error
}

const asyncBufSize = 1 << 20

func newAsyncWriter(w io.Writer) *asyncWriter {
	a := &asyncWriter{w: w, buf: make([]byte, 0, asyncBufSize),
		full: make(chan []byte, 2), free: make(chan []byte, 3), done: make(chan error, 1)}
	a.free <- make([]byte, 0, asyncBufSize)
	a.free <- make([]byte, 0, asyncBufSize)
	go func() {
		var err error
		for b := range a.full {
			if err == nil {
				_, err = w.Write(b)
			}
			a.free <- b[:0]
		}
		a.done <- err
	}()
	return a
}

// Write copies p into the current buffer, handing it off when full.
func (a *asyncWriter) Write(p []byte) (int, error) {
	if len(a.buf)+len(p) > cap(a.buf) {
		a.full <- a.buf
		a.buf = <-a.free
	}
	a.buf = append(a.buf, p...)
	return len(p), nil
}

// Close writes what is left and waits for the writes to finish; it returns
// the first write error.
func (a *asyncWriter) Close() error {
	if a.full == nil {
		return a.err
	}
	if len(a.buf) > 0 {
		a.full <- a.buf
	}
	close(a.full)
	a.err = <-a.done
	a.full = nil
	return a.err
}
