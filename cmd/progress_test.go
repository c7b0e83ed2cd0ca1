package cmd

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRenderProgress(t *testing.T) {
	tests := []struct {
		done, total int64
		elapsed     time.Duration
		want        string
	}{
		{0, 100 << 20, time.Second, "compplan: reading    [..........]   0%  0 B of 100 MB  0 B/s  1.0s"},
		{50 << 20, 100 << 20, 2 * time.Second, "compplan: reading    [#####.....]  50%  50 MB of 100 MB  25 MB/s  2s left  2.0s"},
		{100 << 20, 100 << 20, 4 * time.Second, "compplan: reading    [##########] 100%  100 MB of 100 MB  25 MB/s  4.0s"},
		{3 << 30, 0, 3 * time.Second, "compplan: reading    3.0 GB  1.0 GB/s  3.0s"},
	}
	for _, tt := range tests {
		if got := renderProgress("reading", tt.done, tt.total, tt.elapsed, 10); got != tt.want {
			t.Errorf("renderProgress(%d, %d, %v) =\n%q\nwant\n%q", tt.done, tt.total, tt.elapsed, got, tt.want)
		}
	}
}

// When stdout and stderr are one terminal, the first byte of output clears
// the progress line and stops it: nothing is drawn into the output after.
func TestProgressClearedBeforeOutput(t *testing.T) {
	var term syncBuffer // stdout and stderr, as on one terminal
	s := &streams{out: &term, err: &term, sameTerminal: true}
	s.prog = startProgress(&term, 100)
	for i := 0; i < 200 && !strings.Contains(term.String(), "compplan: reading"); i++ {
		time.Sleep(25 * time.Millisecond) // until the line is drawn
	}
	if !strings.Contains(term.String(), "compplan: reading") {
		t.Fatalf("no progress drawn: %q", term.String())
	}
	out := s.stdout()
	fmt.Fprint(out, "id,total\n")
	drawn := term.String()
	if !strings.HasSuffix(drawn, "\r\033[Kid,total\n") {
		t.Fatalf("the line was not cleared before the output: %q", drawn)
	}
	time.Sleep(450 * time.Millisecond)
	fmt.Fprint(out, "A,1.00\n")
	if got := term.String(); got != drawn+"A,1.00\n" {
		t.Errorf("progress drawn after the output began: %q", strings.TrimPrefix(got, drawn))
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
