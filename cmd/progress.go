package cmd

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// progress draws one status line on stderr while a long run works: the
// phase, a bar by bytes of input read, the rate and the time left. It is
// only used when stderr is a terminal (never on stdout, never in CI, never
// with --quiet).
type progress struct {
	w     io.Writer
	total int64 // bytes of input, 0 when unknown (stdin)
	read  atomic.Int64
	start time.Time

	mu    sync.Mutex
	label string
	stop  chan struct{}
	done  chan struct{}
	once  sync.Once
}

func startProgress(w io.Writer, total int64) *progress {
	p := &progress{w: w, total: total, start: time.Now(), label: "reading", stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(p.done)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-p.stop:
				fmt.Fprint(p.w, "\r\033[K")
				return
			case <-t.C:
				p.mu.Lock()
				label := p.label
				p.mu.Unlock()
				fmt.Fprint(p.w, "\r\033[K"+renderProgress(label, p.read.Load(), p.total, time.Since(p.start), 30))
			}
		}
	}()
	return p
}

// phase sets what the line says is happening.
func (p *progress) phase(label string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.label = label
	p.mu.Unlock()
}

// end clears the line and stops drawing it; it may be called more than
// once, and on nil.
func (p *progress) end() {
	if p == nil {
		return
	}
	p.once.Do(func() { close(p.stop) })
	<-p.done
}

// reader counts what r reads into the progress.
func (p *progress) reader(r io.Reader) io.Reader {
	if p == nil {
		return r
	}
	return &countingReader{r: r, n: &p.read}
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n.Add(int64(n))
	return n, err
}

// renderProgress is the status line: label, a bar of width cells, percent,
// bytes, rate and time left; without a total just bytes, rate and time.
func renderProgress(label string, done, total int64, elapsed time.Duration, width int) string {
	rate := float64(done) / max(elapsed.Seconds(), 0.001)
	s := fmt.Sprintf("compplan: %-10s ", label)
	if total > 0 && done <= total {
		full := int(int64(width) * done / total)
		s += "[" + strings.Repeat("#", full) + strings.Repeat(".", width-full) + "] "
		s += fmt.Sprintf("%3d%%  %s of %s  %s/s", 100*done/total, size(done), size(total), size(int64(rate)))
		if done < total && rate > 0 {
			s += fmt.Sprintf("  %ds left", int(float64(total-done)/rate+0.5))
		}
	} else {
		s += fmt.Sprintf("%s  %s/s", size(done), size(int64(rate)))
	}
	return s + fmt.Sprintf("  %.1fs", elapsed.Seconds())
}

func size(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.0f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
