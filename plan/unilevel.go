package plan

import "github.com/compplan/compplan/tree/dec"

// personal pays each member rate × the volume of each of their own sales,
// active or not.
type personal struct{ c *Component }

func (f personal) pay(r *run, p *poster) {
	rate := f.c.Rate
	cache := newAmountCache([]dec.Rate{rate})
	for c, ch := range r.sales.chunks {
		for k, seller := range ch.Member {
			v := ch.Volume[k]
			amount := cache.get(p, v)[0]
			earner := seller
			if !r.earns(seller) {
				earner = -1
			}
			if !p.detail() {
				p.add(earner, amount)
				continue
			}
			l := Line{Earner: earner, Upline: seller, Seller: seller, Sale: r.sales.ref(c, k),
				Base: v, Rate: rate, Amount: amount, Skipped: -1}
			switch {
			case earner >= 0:
			case r.org.Customer(seller):
				l.Reason = NoDistributor
			default:
				l.Reason = Terminated
			}
			p.post(l)
		}
	}
}

// unilevel pays level k of each sale to the seller's k-th upline (k-th
// active upline with dynamic compression) when that upline is active and
// its rank is paid on level k; otherwise the line is breakage.
type unilevel struct{ c *Component }

func (f unilevel) pay(r *run, p *poster) {
	levels := f.c.Levels
	up := r.nonCustomerUplines()
	if f.c.Compression == CompressDynamic {
		up = r.activeUplines()
	}
	// paid[m] is the number of levels m is paid on: 0 when inactive or
	// terminated.
	paid := make([]uint8, r.org.Len())
	for m := range paid {
		switch {
		case !r.eligible[m]:
		case f.c.PaidLevels == nil:
			paid[m] = uint8(len(levels))
		case r.rank[m] != NoRank:
			paid[m] = uint8(f.c.PaidLevels[r.rank[m]])
		}
	}
	cache := newAmountCache(levels)
	for c, ch := range r.sales.chunks {
		for k, seller := range ch.Member {
			v := ch.Volume[k]
			amount := cache.get(p, v)
			u, below := up[seller], seller
			for i := range levels {
				earner := int32(-1)
				if u >= 0 && i < int(paid[u]) {
					earner = u
				}
				if p.detail() {
					p.post(f.line(r, Line{Earner: earner, Upline: u, Seller: seller, Sale: r.sales.ref(c, k),
						PaidLevel: i + 1, Base: v, Rate: levels[i], Amount: amount[i], Skipped: -1}, below))
				} else {
					p.add(earner, amount[i])
				}
				if u >= 0 {
					below, u = u, up[u]
				}
			}
		}
	}
}

// line fills in why l went where it went, how far up the tree its upline
// is and whom compression skipped on the way from below (the member at the
// level under it, or the seller).
func (f unilevel) line(r *run, l Line, below int32) Line {
	u := l.Upline
	switch {
	case u < 0:
		l.Reason = AboveTop
		return l
	case l.Earner >= 0:
	case !r.active[u]:
		l.Reason = Inactive
	case !r.earns(u):
		l.Reason = Terminated
	case r.rank[u] == NoRank:
		l.Reason = NoRankHeld
	default:
		l.Reason = RankLevels
	}
	depth := r.depths()
	l.Level = int(depth[l.Seller] - depth[u])
	if gap := int(depth[below]-depth[u]) - 1; gap > 0 {
		l.Skipped, l.SkippedN = r.org.Sponsor(below), gap
		if r.org.HasCustomers() { // customers skipped do not count as compressed past
			l.SkippedN = 0
			for s := r.org.Sponsor(below); s != u; s = r.org.Sponsor(s) {
				if !r.org.Customer(s) {
					if l.SkippedN == 0 {
						l.Skipped = s
					}
					l.SkippedN++
				}
			}
		}
	}
	return l
}
