package cmd

import (
	"fmt"
	"io"
	"runtime"
	"time"
)

// phases times the phases of a command for --verbose: one line per phase on
// stderr with its time, the rows it handled (when known) and the memory in
// use, so a slow run can be diagnosed from a script's log.
type phases struct {
	w     io.Writer // nil: not verbose
	start time.Time
	last  time.Time
	prog  *progress // the status line, or nil
}

func newPhases(w io.Writer, verbose bool) *phases {
	now := time.Now()
	p := &phases{start: now, last: now}
	if verbose {
		p.w = w
	}
	return p
}

// done ends a phase; rows < 0 means not counted.
func (p *phases) done(name string, rows int) {
	if p.w == nil {
		return
	}
	now := time.Now()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	count := ""
	if rows >= 0 {
		count = fmt.Sprintf("  %d rows", rows)
	}
	fmt.Fprintf(p.w, "compplan: %-28s %7.3f s%s  heap %d MB  (%.3f s in all)\n",
		name, now.Sub(p.last).Seconds(), count, m.HeapAlloc>>20, now.Sub(p.start).Seconds())
	p.last = now
}

// compute is a plan phase hook.
func (p *phases) compute(name string) {
	p.done(name, -1)
	p.prog.phase("computing")
}
