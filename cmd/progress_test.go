package cmd

import (
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
