package plan

import "github.com/compplan/compplan/tree/dec"

// personal pays each member rate × the volume of each of their own sales,
// active or not.
type personal struct{ c *Component }

func (f personal) pay(r *run, p *poster) {
	for _, ch := range r.sales.Chunks {
		for k, m := range ch.Member {
			p.pay(m, p.line(ch.Volume[k], f.c.Rate))
		}
	}
}

// unilevel pays level k of each sale to the seller's k-th upline (k-th
// active upline with dynamic compression) when that upline is active and
// its rank is paid on level k; otherwise the line is breakage.
type unilevel struct{ c *Component }

func (f unilevel) pay(r *run, p *poster) {
	levels := f.c.Levels
	up := r.org.Sponsors()
	if f.c.Compression == CompressDynamic {
		up = r.activeUplines()
	}
	// paid[m] is the number of levels m is paid on: 0 when inactive.
	paid := make([]uint8, r.org.Len())
	for m := range paid {
		switch {
		case !r.active[m]:
		case f.c.PaidLevels == nil:
			paid[m] = uint8(min(len(levels), 255))
		case r.rank[m] != NoRank:
			paid[m] = uint8(min(f.c.PaidLevels[r.rank[m]], 255))
		}
	}
	amount := make([]dec.D, len(levels))
	for _, ch := range r.sales.Chunks {
		for k, seller := range ch.Member {
			v := ch.Volume[k]
			for l, rate := range levels {
				amount[l] = p.line(v, rate)
			}
			u := up[seller]
			for l := range levels {
				if u < 0 { // above the top of the tree
					for _, a := range amount[l:] {
						p.lose(a)
					}
					break
				}
				if l < int(paid[u]) {
					p.pay(u, amount[l])
				} else {
					p.lose(amount[l])
				}
				u = up[u]
			}
		}
	}
}
