package plan

import (
	"gopkg.in/yaml.v3"

	"github.com/compplan/compplan/tree/dec"
)

// personal pays each member rate × the volume of each of their own sales,
// active or not.
type personal struct {
	Rate dec.Rate
}

func (f personal) pay(r *run, p *poster) {
	rate := f.Rate
	cache := newAmountCache([]dec.Rate{rate})
	for c, ch := range r.sales.chunks {
		for k, seller := range ch.Member {
			v := ch.VolumeOf(k)
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

func (personal) bySale() bool { return true }

func (f personal) max(c *Component, _ *Plan, ch *Check, _ int) dec.Rate {
	if f.Rate == 0 {
		ch.warn("component %s pays 0%%: nobody can earn it", c.Name)
	}
	return f.Rate
}

func (f personal) describe(*Plan) string { return f.Rate.String() + " of own volume" }

func (f personal) encode(_ *Plan, y *yamlComponent) { y.Rate = f.Rate.String() }

func (d *decoder) personal(n *yaml.Node, c *personal) error {
	f, err := d.fields(n, "a personal component", "name", "type", "rate")
	if err != nil {
		return err
	}
	if f["rate"] == nil {
		return d.errf(n, "a personal component needs a rate, e.g. rate: 10%%")
	}
	c.Rate, err = d.rate(f["rate"], "rate")
	return err
}

func (f personal) bound() (dec.Rate, int64, bool) { return f.Rate, 2, false }
