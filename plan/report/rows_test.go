package report

import (
	"errors"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// TestWriteRows: rows come out in order and whole, on any number of
// workers, for counts around the block size; each worker has its own
// formatter.
func TestWriteRows(t *testing.T) {
	for _, n := range []int{0, 1, rowBlock - 1, rowBlock, rowBlock + 1, 5*rowBlock + 7} {
		var want strings.Builder
		for k := range n {
			want.WriteString(strconv.Itoa(k) + "\n")
		}
		for _, workers := range []int{1, 2, 3, 8} {
			var got strings.Builder
			var made atomic.Int32
			err := writeRowsOn(&got, n, workers, func() func(b []byte, k int) []byte {
				made.Add(1)
				var tmp []byte // scratch of this formatter: shared, it would race
				return func(b []byte, k int) []byte {
					tmp = strconv.AppendInt(tmp[:0], int64(k), 10)
					return append(append(b, tmp...), '\n')
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("n %d, %d workers: %d bytes, want %d", n, workers, got.Len(), want.Len())
			}
			if blocks := (n + rowBlock - 1) / rowBlock; int(made.Load()) != max(1, min(workers, blocks)) {
				t.Errorf("n %d, %d workers: %d formatters", n, workers, made.Load())
			}
		}
	}
}

type failAfter struct {
	writes int
	got    int
}

var errFull = errors.New("disk full")

func (f *failAfter) Write(b []byte) (int, error) {
	if f.got >= f.writes {
		return 0, errFull
	}
	f.got++
	return len(b), nil
}

// TestWriteRowsError: a failed write is the error returned, nothing is
// written after it, and every worker stops (the test would hang
// otherwise).
func TestWriteRowsError(t *testing.T) {
	for _, workers := range []int{1, 2, 4} {
		w := &failAfter{writes: 2}
		err := writeRowsOn(w, 40*rowBlock, workers, func() func(b []byte, k int) []byte {
			return func(b []byte, k int) []byte { return append(b, "a row of some length\n"...) }
		})
		if !errors.Is(err, errFull) || w.got != 2 {
			t.Errorf("%d workers: error %v after %d writes", workers, err, w.got)
		}
	}
}
