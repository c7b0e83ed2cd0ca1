package plan

import (
	"github.com/compplan/compplan/tree"
)

// RunPeriod computes one period: the data as of the period (see
// tree.Data.InPeriod), with the state the previous period handed over (nil
// for the first period; stateName names its file in errors). The result's
// NextState is the state for the period after.
func RunPeriod(p *Plan, d *tree.Data, period tree.Period, state *State, stateName string, opts Options) (*Result, error) {
	if state != nil {
		if err := state.Check(p, period, stateName); err != nil {
			return nil, err
		}
	}
	pd, err := d.InPeriod(period)
	if err != nil {
		return nil, err
	}
	opts.State, opts.StateName = state, stateName
	return ComputeWith(p, pd, opts)
}

// Replay computes every period in order, periods without sales included,
// each with the state the one before handed over, and calls each with every
// result in turn. The sales are bucketed by period once. lines, when set,
// gives the line sink of each period (as Options.Lines; nil for none);
// first is true for the first period.
func Replay(p *Plan, d *tree.Data, periods []tree.Period, opts Options, each func(tree.Period, *Result) error,
	lines func(period tree.Period, first bool) func(*Result, *Line) error) error {
	buckets, err := d.Split(periods)
	if err != nil {
		return err
	}
	if p.ReverseReturns && opts.KeepOrders == nil {
		// Replay knows every return ahead: keep only the lines of
		// orders that are returned.
		returned := map[string]bool{}
		for _, b := range buckets {
			for c := range b.Chunks {
				ch := &b.Chunks[c]
				for k := range ch.Member {
					if ch.TypeOf(k) == tree.ReturnType {
						returned[ch.OrderID(k)] = true
					}
				}
			}
		}
		opts.KeepOrders = func(o string) bool { return returned[o] }
	}
	var state *State
	for i, period := range periods {
		pd, err := d.WithSales(period, buckets[i])
		if err != nil {
			return err
		}
		buckets[i] = tree.Sales{} // done with: let it go
		o := opts
		o.State = state
		if lines != nil {
			o.Lines = lines(period, i == 0)
		}
		res, err := ComputeWith(p, pd, o)
		if err != nil {
			return err
		}
		if err := each(period, res); err != nil {
			return err
		}
		state = res.NextState(period)
	}
	return nil
}
