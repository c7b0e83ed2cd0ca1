package cmd

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/compplan/compplan/tree/gen"
)

// writeInPieces writes data to w in pieces of the sizes given, over and
// over, then finishes it.
func writeInPieces(t *testing.T, w *blockWriter, data []byte, sizes []int) {
	t.Helper()
	for i := 0; len(data) > 0; i++ {
		n := min(sizes[i%len(sizes)], len(data))
		if got, err := w.Write(data[:n]); err != nil || got != n {
			t.Fatalf("Write(%d bytes) = %d, %v", n, got, err)
		}
		data = data[n:]
	}
	if err := w.finish(); err != nil {
		t.Fatal(err)
	}
}

// sameFile fails t unless the file at path holds data.
func sameFile(t *testing.T, path string, data []byte) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data) {
		t.Fatalf("the file has %d bytes, not the %d written (or other bytes)", len(got), len(data))
	}
}

func randomBytes(n int) []byte {
	r := rand.New(rand.NewPCG(1, uint64(n)))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// TestBlockWriterWritesAll: whatever the sizes of the writes, the file
// holds exactly what was written: nothing, less than a block, a block,
// a block and a byte, many blocks with a part block, one write of many
// blocks.
func TestBlockWriterWritesAll(t *testing.T) {
	const block = 16 << 10
	for _, tc := range []struct {
		name  string
		size  int
		beats []int
	}{
		{"empty", 0, []int{1}},
		{"short", 100, []int{7}},
		{"one block", block, []int{1000}},
		{"block and a byte", block + 1, []int{block}},
		{"blocks and a part", 7*block + 4097, []int{1, 4095, 65537, 3}},
		{"one write", 5*block + 10, []int{1 << 30}},
		{"block-sized writes", 6 * block, []int{block}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "out")
			f, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			data := randomBytes(tc.size)
			writeInPieces(t, newBlockWriter(f, block), data, tc.beats)
			sameFile(t, path, data)
		})
	}
}

// resident tells which 4 KiB pages of path are in the page cache.
func resident(t *testing.T, path string) []bool {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	m, err := syscall.Mmap(int(f.Fd()), 0, int(fi.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Munmap(m)
	vec := make([]byte, (len(m)+4095)/4096)
	if _, _, errno := syscall.Syscall(syscall.SYS_MINCORE, uintptr(unsafe.Pointer(&m[0])), uintptr(len(m)), uintptr(unsafe.Pointer(&vec[0]))); errno != 0 {
		t.Skipf("mincore: %v", errno)
	}
	in := make([]bool, len(vec))
	for i, v := range vec {
		in[i] = v&1 != 0
	}
	return in
}

// directFile creates a file in a temporary folder and skips the test where
// its filesystem has no direct I/O.
func directFile(t *testing.T) (*os.File, string) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("direct I/O is used on Linux only")
	}
	path := filepath.Join(t.TempDir(), "out")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	if err := setDirect(f, true); err != nil {
		t.Skipf("the temporary folder's filesystem has no direct I/O: %v", err)
	}
	if err := setDirect(f, false); err != nil {
		t.Fatal(err)
	}
	return f, path
}

// pagesCached counts the pages of in[from:to] in the page cache.
func pagesCached(in []bool, from, to int) int {
	n := 0
	for _, c := range in[from:to] {
		if c {
			n++
		}
	}
	return n
}

// TestBlockWriterAroundPageCache: the full blocks of an output go around
// the page cache while the disk keeps up (here each block is written
// before the next is full); the last, part block through it.
func TestBlockWriterAroundPageCache(t *testing.T) {
	const block = 64 << 10
	f, path := directFile(t)
	data := randomBytes(16*block + 100)
	w := newBlockWriter(f, block)
	landed := make(chan struct{}, 1)
	w.write = func(b []byte) (int, error) {
		n, err := f.Write(b)
		landed <- struct{}{}
		return n, err
	}
	for i := 0; i+block <= len(data); i += block {
		if _, err := w.Write(data[i : i+block]); err != nil {
			t.Fatal(err)
		}
		<-landed
		for len(w.flying) == 0 { // until its goroutine has reported
			runtime.Gosched()
		}
	}
	if _, err := w.Write(data[16*block:]); err != nil {
		t.Fatal(err)
	}
	if err := w.finish(); err != nil {
		t.Fatal(err)
	}
	in := resident(t, path)
	if n := pagesCached(in, 0, 16*block/4096); n > 0 {
		t.Errorf("%d of the %d pages of the full blocks are in the page cache: they were not written directly", n, 16*block/4096)
	}
	if !in[len(in)-1] {
		t.Errorf("the last page, of the part block, is not in the page cache")
	}
	sameFile(t, path, data)
}

// TestBlockWriterSlowDisk: when, after slowBlocks blocks, the writer has
// waited for the disk more than a quarter of the time (here every write
// takes 30 ms and the blocks fill at once), the rest of the file goes
// through the page cache.
func TestBlockWriterSlowDisk(t *testing.T) {
	const block = 64 << 10
	f, path := directFile(t)
	data := randomBytes((slowBlocks+4)*block + 100)
	w := newBlockWriter(f, block)
	w.write = func(b []byte) (int, error) {
		time.Sleep(30 * time.Millisecond)
		return f.Write(b)
	}
	writeInPieces(t, w, data, []int{5000})
	in := resident(t, path)
	direct := slowBlocks * block / 4096
	if n := pagesCached(in, 0, direct); n > 0 {
		t.Errorf("%d of the %d pages of the first %d blocks are in the page cache: they were not written directly", n, direct, slowBlocks)
	}
	if n, all := pagesCached(in, direct, len(in)), len(in)-direct; n != all {
		t.Errorf("%d of the %d pages after the first %d blocks are in the page cache: the disk was behind, they should all be", n, all, slowBlocks)
	}
	sameFile(t, path, data)
}

// TestBlockWriterFallsBack: a file that refuses a direct write (here the
// buffers are not aligned in memory) is written through the page cache,
// in full, and leaves direct mode.
func TestBlockWriterFallsBack(t *testing.T) {
	const block = 16 << 10
	f, path := directFile(t)
	w := newBlockWriter(f, block)
	for i := range w.bufs {
		w.bufs[i] = alignedBlock(block + 1)[1:]
	}
	data := randomBytes(5*block + 33)
	writeInPieces(t, w, data, []int{1000})
	sameFile(t, path, data)
}

// writtenFile writes data to path and opens it for reading, closed when
// the test ends.
func writtenFile(t *testing.T, path string, data []byte) *os.File {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestBlockWriterReportsErrors: a block that fails to write (the file is
// open read-only) fails the writes after it and finish, with its error.
func TestBlockWriterReportsErrors(t *testing.T) {
	const block = 16 << 10
	f := writtenFile(t, filepath.Join(t.TempDir(), "out"), nil)
	w := newBlockWriter(f, block)
	data := randomBytes(3 * block)
	var werr error
	for i := 0; i < len(data) && werr == nil; i += 1000 {
		_, werr = w.Write(data[i:min(len(data), i+1000)])
	}
	if !errors.Is(werr, syscall.EBADF) {
		t.Errorf("a write after the failed block: %v, want EBADF", werr)
	}
	if _, err := w.Write(data[:1]); !errors.Is(err, syscall.EBADF) {
		t.Errorf("a short write after the error: %v, want EBADF again", err)
	}
	if err := w.finish(); !errors.Is(err, syscall.EBADF) {
		t.Errorf("finish: %v, want EBADF", err)
	}
	// Less than a block is written at finish, and its error returned.
	w = newBlockWriter(f, block)
	if _, err := w.Write(data[:100]); err != nil {
		t.Fatal(err)
	}
	if err := w.finish(); !errors.Is(err, syscall.EBADF) {
		t.Errorf("finish of a part block: %v, want EBADF", err)
	}
}

// TestLargeOutputFile: a replay written to a file of more than two blocks
// (45,000 members over three months) holds what standard output gets.
func TestLargeOutputFile(t *testing.T) {
	dir := t.TempDir()
	var mb, sb bytes.Buffer
	if err := gen.Write(gen.Config{Members: 45_000, SalesPerMember: 3, Months: 3, Seed: 5}, &mb, &sb); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{"members.csv": mb.Bytes(), "sales.csv": sb.Bytes()} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	args := []string{"replay", "--every", "month", "-q", "-p", filepath.Join("..", "examples", "unilevel.yaml"),
		"-m", filepath.Join(dir, "members.csv"), "-s", filepath.Join(dir, "sales.csv")}
	var stdout, stderr bytes.Buffer
	if code := Main(args, newStreams(nil, &stdout, &stderr)); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	out := filepath.Join(dir, "out.csv")
	if code := Main(append(args, "-o", out), newStreams(nil, &bytes.Buffer{}, &stderr)); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if stdout.Len() < 2*outputBlock {
		t.Fatalf("standard output has %d bytes: too few for two blocks", stdout.Len())
	}
	if !bytes.Equal(got, stdout.Bytes()) {
		t.Errorf("the file has %d bytes, standard output %d (or they differ)", len(got), stdout.Len())
	}
}
