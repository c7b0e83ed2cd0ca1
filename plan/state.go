package plan

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"slices"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// StateVersion is the version of the state document this compplan writes.
// It reads it and every earlier one: version 2 added recent_paid, reached
// and instalments (rank bonuses, held advancements), version 3 first_order,
// version 4 first_pair, the binary carry by age and recent_pv; a document
// written before them was for a plan that needs none. Version 5 names the
// plan and its currency: it carries to every version of the plan (see
// Check), where an earlier document carries only to the plan whose hash
// it records.
const StateVersion = 5

// State is what one period hands the next: per member, the binary carry,
// the highest rank ever held, the recent qualified ranks (for rank grace)
// and the balance (a held minimum payout, or a debit); and, for returns:
// reverse, the lines of recent orders. It is written as a versioned JSON
// document naming the plan (its name, currency, and the hash of the
// version that wrote it) and the period it ends.
type State struct {
	Version int `json:"version"`
	// PlanName and Currency are the plan's (version 5): the state carries
	// to any version of that plan. PlanHash is the hash of the version
	// that wrote it.
	PlanName string `json:"plan_name,omitempty"`
	Currency string `json:"currency,omitempty"`
	PlanHash string `json:"plan_sha256"`
	// Period is the last period computed and PeriodEnd its last day;
	// Periods counts the periods chained so far.
	Period    string        `json:"period"`
	PeriodEnd string        `json:"period_end"`
	Periods   int           `json:"periods"`
	Members   []MemberState `json:"members"`
	Orders    []OrderLines  `json:"orders,omitempty"`
	// Pairings are the recent paid binary pairings a return may claw
	// back (returns: reverse, with a binary).
	Pairings []Pairing `json:"pairings,omitempty"`
}

// MemberState is one member's carried state; members with nothing to carry
// are left out.
type MemberState struct {
	ID string `json:"id"`
	// Highest is the highest paid-as rank ever held.
	Highest string `json:"highest_rank,omitempty"`
	// Recent are the qualified ranks of the latest periods, most recent
	// first ("" for none), as many as the plan's grace needs.
	Recent []string `json:"recent_qualified,omitempty"`
	// RecentPaid are the paid-as ranks of the latest periods, most recent
	// first ("" for none), as many as the plan's rank bonuses read.
	RecentPaid []string `json:"recent_paid,omitempty"`
	// Reached is, by rank_advancement component with held, the highest
	// rank the member reached for it.
	Reached map[string]string `json:"reached,omitempty"`
	// Instalments are the member's advancement instalments still to come.
	Instalments []InstalmentState `json:"instalments,omitempty"`
	// RecentPV are the PVs of the latest periods, most recent first, as
	// many as the plan's active window reads.
	RecentPV []dec.D `json:"recent_pv,omitempty"`
	// RecentGV are the GVs of the latest periods, most recent first, as
	// many as the plan's rank window reads.
	RecentGV []dec.D `json:"recent_gv,omitempty"`
	// FirstOrder says the member has had their first order (first_order).
	FirstOrder bool `json:"first_order,omitempty"`
	// FirstPair says the member has had their binary first pair
	// (first_pair).
	FirstPair  bool   `json:"first_pair,omitempty"`
	CarryLeft  *dec.D `json:"carry_left,omitempty"`
	CarryRight *dec.D `json:"carry_right,omitempty"`
	// CarryLeftByAge and CarryRightByAge split the carry by the period
	// its volume is from, newest first (the period just ended first),
	// with carry_expires; they sum to carry_left and carry_right.
	CarryLeftByAge  []dec.D `json:"carry_left_by_age,omitempty"`
	CarryRightByAge []dec.D `json:"carry_right_by_age,omitempty"`
	// Balance is carried money: above 0 a held payout, below 0 a debit.
	Balance *dec.D `json:"balance,omitempty"`
	// PlacementID and Leg are where an earlier period auto-placed the
	// member in the binary tree: they keep that slot.
	PlacementID string `json:"placement_id,omitempty"`
	Leg         string `json:"leg,omitempty"`
}

// InstalmentState is a reached rank's advancement paid in instalments:
// Paid of the component's instalments are done.
type InstalmentState struct {
	Component string `json:"component"`
	Rank      string `json:"rank"`
	Paid      int    `json:"paid"`
}

// OrderLines are the earner lines of one order (returns: reverse): what a
// return of it reverses, pro rata.
type OrderLines struct {
	Order  string `json:"order_id"`
	Seller string `json:"seller"`
	Volume dec.D  `json:"volume"`
	Period int    `json:"period_number"` // State.Periods when the order was paid
	// Date is the order's date, its first sale's (return_window_days
	// counts from it; "" when the sales had none).
	Date string `json:"date,omitempty"`
	// Returned is the volume returned so far.
	Returned dec.D       `json:"returned,omitempty"`
	Lines    []OrderLine `json:"lines"`
}

// OrderLine is one earner line of an order.
type OrderLine struct {
	Earner    string `json:"earner"`
	Component string `json:"component"`
	Amount    dec.D  `json:"amount"`
}

// Hash is the SHA-256 of the plan's canonical YAML: two files that decode
// to the same plan have the same hash. The component a run adds for
// --adjustments is not part of the plan: adjustments never change its
// identity.
func (p *Plan) Hash() string {
	if i := slices.IndexFunc(p.Components, func(c Component) bool { return c.Type == TypeAdjustment }); i >= 0 {
		q := *p
		q.Components = slices.Delete(slices.Clone(p.Components), i, i+1)
		p = &q
	}
	h := sha256.Sum256(p.YAML())
	return hex.EncodeToString(h[:])
}

// ReadState reads a state document, refusing unknown fields and versions,
// a document larger than MaxStateBytes and any figure a state compplan
// writes cannot hold (see validate). It reads r to its end (or the limit)
// before it returns: the file may then be replaced (a rolling state file).
func ReadState(r io.Reader, name string) (*State, error) {
	return readState(r, name, MaxStateBytes)
}

func readState(r io.Reader, name string, limit int64) (*State, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if int64(len(b)) > limit {
		return nil, &tree.InputError{File: name, Msg: fmt.Sprintf("larger than %s, the most a state file may hold (MaxStateBytes): not a state compplan writes", sizeName(limit))}
	}
	var probe struct {
		Version *int `json:"version"`
	}
	if err := json.Unmarshal(b, &probe); err != nil || probe.Version == nil {
		return nil, &tree.InputError{File: name, Msg: "not a compplan state file: expected a JSON document with a version, as run --state-out writes it"}
	}
	if *probe.Version < 1 || *probe.Version > StateVersion {
		return nil, &tree.InputError{File: name, Msg: fmt.Sprintf("state version %d: this compplan reads versions 1 to %d; write the state again with this compplan", *probe.Version, StateVersion)}
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	s := &State{}
	if err := dec.Decode(s); err != nil {
		return nil, &tree.InputError{File: name, Msg: "bad state document: " + err.Error()}
	}
	if err := s.validate(name); err != nil {
		return nil, err
	}
	return s, nil
}

// sizeName writes a byte count as GiB, MiB, KiB or bytes.
func sizeName(n int64) string {
	for _, u := range []struct {
		size int64
		name string
	}{{1 << 30, "GiB"}, {1 << 20, "MiB"}, {1 << 10, "KiB"}} {
		if n >= u.size && n%u.size == 0 {
			return fmt.Sprintf("%d %s", n/u.size, u.name)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}

// Write writes the state as indented JSON.
func (s *State) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(s)
}

// Check refuses a state from another plan (another name or currency), or
// one that does not end the day before the period starts. A state written
// by another version of the plan carries: what this version cannot carry
// is dropped and counted (see Dropped). A state from before version 5
// names no plan: it carries only to the plan whose hash it records.
func (s *State) Check(p *Plan, period tree.Period, name string) error {
	switch {
	case s.Version < 5 && s.PlanHash != p.Hash():
		return &tree.InputError{File: name, Msg: fmt.Sprintf("the state was written for another plan (sha256 %.12s…, this plan is %.12s…), by an earlier compplan (state version %d) that carries a state only to the plan that wrote it: write it again with this compplan (run its period with the plan that wrote it and --state-out), and it carries to every version of the plan", s.PlanHash, p.Hash(), s.Version)}
	case s.Version >= 5 && s.PlanName != p.Name:
		return &tree.InputError{File: name, Msg: fmt.Sprintf("the state was written for plan %q, and this plan is %q: a state carries only between versions of one plan (the same name)", s.PlanName, p.Name)}
	case s.Version >= 5 && s.Currency != p.Currency:
		return &tree.InputError{File: name, Msg: fmt.Sprintf("the state was written for a plan paying in %s, and this version pays in %s: its balances and orders are in %s", s.Currency, p.Currency, s.Currency)}
	}
	end, ok := tree.ParseDate([]byte(s.PeriodEnd))
	if !ok {
		return &tree.InputError{File: name, Msg: fmt.Sprintf("period_end %q is not a date", s.PeriodEnd)}
	}
	if end+1 != period.From {
		return &tree.InputError{File: name, Msg: fmt.Sprintf("the state ends %s (period %s) but this run starts %s: periods must follow one another without a gap or an overlap",
			s.PeriodEnd, s.Period, tree.FormatDate(period.From))}
	}
	return nil
}

// carried is a state laid over an organisation: per member number.
type carried struct {
	highest []int16
	recent  [][]int16 // most recent first
	// recentPaid are the paid-as ranks of the latest periods, most recent
	// first (nil: the plan reads none).
	recentPaid [][]int16
	// reached is, by component, what Result.Reached was (nil: nothing);
	// instalments, per member, the instalments to come (nil: none).
	reached      [][]int16
	instalments  [][]instalment
	firstOrdered []bool    // nil: nobody has ordered
	firstPaired  []bool    // nil: nobody has had a binary first pair
	recentPV     [][]dec.D // the PVs of the latest periods (active or rank window)
	recentGV     [][]dec.D // the GVs of the latest periods (rank window)
	balance      []dec.D   // nil when nobody has one
	carry        *[2][]dec.D
	// carryAges is the carry by age, newest first (carry_expires; nil: a
	// carry without ages, all from the period before).
	carryAges *[2][][]dec.D
	orders    map[string]*OrderLines
	// pairings are the recent binary pairings (returns: reverse).
	pairings map[pairKey]*Pairing
	periods  int
	// placed is where earlier periods auto-placed members (nil: none).
	placed *tree.Prior
	// dropped is what a state written by another version of the plan
	// held and this one cannot carry (nil: the state was this version's,
	// or the carried state was not read from a document).
	dropped *Dropped
}

// lay maps s onto o's members. A member of the state who is not in o is an
// error (the members file only grows).
//
// A state written by another version of the plan is first mapped onto
// this one (forVersion): what it cannot carry is dropped, and counted in
// the carried state's dropped.
func (s *State) lay(p *Plan, o *tree.Org, name string) (*carried, error) {
	var dropped *Dropped
	if s.Version >= 5 && s.PlanHash != p.Hash() {
		s, dropped = s.forVersion(p)
	}
	if err := s.fits(p, o, name); err != nil {
		return nil, err
	}
	n := o.Len()
	c := &carried{highest: make([]int16, n), recent: make([][]int16, n), periods: s.Periods, dropped: dropped}
	if p.paidHistory() > 0 {
		c.recentPaid = make([][]int16, n)
	}
	for m := range c.highest {
		c.highest[m] = NoRank
	}
	rankOf := func(name string) (int16, bool) {
		if name == "" {
			return NoRank, true
		}
		i := slices.IndexFunc(p.Ranks, func(r Rank) bool { return r.Name == name })
		return int16(i), i >= 0
	}
	for _, ms := range s.Members {
		m := o.Lookup(ms.ID)
		if m < 0 {
			return nil, &tree.InputError{File: name, Msg: fmt.Sprintf("member %q of the state is not in the members file: a member who joined stays in it", ms.ID)}
		}
		var ok bool
		if c.highest[m], ok = rankOf(ms.Highest); !ok {
			return nil, &tree.InputError{File: name, Msg: fmt.Sprintf("member %s: rank %q is not a rank of the plan", ms.ID, ms.Highest)}
		}
		for _, q := range ms.Recent {
			r, ok := rankOf(q)
			if !ok {
				return nil, &tree.InputError{File: name, Msg: fmt.Sprintf("member %s: rank %q is not a rank of the plan", ms.ID, q)}
			}
			c.recent[m] = append(c.recent[m], r)
		}
		for _, q := range ms.RecentPaid {
			r, ok := rankOf(q)
			if !ok {
				return nil, &tree.InputError{File: name, Msg: fmt.Sprintf("member %s: rank %q is not a rank of the plan", ms.ID, q)}
			}
			if c.recentPaid != nil {
				c.recentPaid[m] = append(c.recentPaid[m], r)
			}
		}
		for comp, q := range ms.Reached {
			ci := slices.IndexFunc(p.Components, func(c Component) bool { return c.Name == comp })
			r, ok := rankOf(q)
			if ci < 0 || !ok {
				return nil, &tree.InputError{File: name, Msg: fmt.Sprintf("member %s: reached %q for %q: expected a component and a rank of the plan", ms.ID, q, comp)}
			}
			if c.reached == nil {
				c.reached = make([][]int16, len(p.Components))
			}
			if c.reached[ci] == nil {
				c.reached[ci] = make([]int16, n)
				for i := range c.reached[ci] {
					c.reached[ci][i] = NoRank
				}
			}
			c.reached[ci][m] = r
		}
		for _, in := range ms.Instalments {
			ci := slices.IndexFunc(p.Components, func(c Component) bool { return c.Name == in.Component })
			r, ok := rankOf(in.Rank)
			k := 0 // the component's instalments
			if ci >= 0 {
				if f, ok := p.Components[ci].rule.(instalmenter); ok {
					k = f.instalments()
				}
			}
			if !ok || r == NoRank || k < 2 || in.Paid < 1 || in.Paid >= k {
				return nil, &tree.InputError{File: name, Msg: fmt.Sprintf("member %s: instalment %d of %q, rank %q: expected a rank_advancement with instalments, a rank of the plan and a count of instalments paid below its instalments", ms.ID, in.Paid, in.Component, in.Rank)}
			}
			if c.instalments == nil {
				c.instalments = make([][]instalment, n)
			}
			c.instalments[m] = append(c.instalments[m], instalment{ci, r, in.Paid})
		}
		if ms.FirstOrder {
			if c.firstOrdered == nil {
				c.firstOrdered = make([]bool, n)
			}
			c.firstOrdered[m] = true
		}
		for _, x := range []struct {
			list []dec.D
			to   *[][]dec.D
			keep int
			what string
		}{{ms.RecentPV, &c.recentPV, p.pvHistory(), "recent_pv"}, {ms.RecentGV, &c.recentGV, p.RankWindow - 1, "recent_gv"}} {
			if x.list == nil {
				continue
			}
			if len(x.list) > x.keep {
				return nil, &tree.InputError{File: name, Msg: fmt.Sprintf("member %s: %s holds %d periods, but the plan's windows read %d before this one", ms.ID, x.what, len(x.list), x.keep)}
			}
			if *x.to == nil {
				*x.to = make([][]dec.D, n)
			}
			(*x.to)[m] = x.list
		}
		if ms.FirstPair {
			if c.firstPaired == nil {
				c.firstPaired = make([]bool, n)
			}
			c.firstPaired[m] = true
		}
		if ms.CarryLeft != nil || ms.CarryRight != nil {
			if c.carry == nil {
				c.carry = &[2][]dec.D{make([]dec.D, n), make([]dec.D, n)}
			}
			if ms.CarryLeft != nil {
				c.carry[0][m] = *ms.CarryLeft
			}
			if ms.CarryRight != nil {
				c.carry[1][m] = *ms.CarryRight
			}
		}
		for leg, ages := range [2][]dec.D{ms.CarryLeftByAge, ms.CarryRightByAge} {
			if ages == nil {
				continue
			}
			if n := p.carryExpires(); len(ages) > n {
				return nil, &tree.InputError{File: name, Msg: fmt.Sprintf("member %s: %s holds %d periods of volume, but the plan's carry_expires keeps %d", ms.ID, [2]string{"carry_left_by_age", "carry_right_by_age"}[leg], len(ages), n)}
			}
			if c.carryAges == nil {
				c.carryAges = &[2][][]dec.D{make([][]dec.D, n), make([][]dec.D, n)}
			}
			c.carryAges[leg][m] = ages
		}
		if ms.Balance != nil {
			if c.balance == nil {
				c.balance = make([]dec.D, n)
			}
			c.balance[m] = *ms.Balance
		}
		if ms.PlacementID != "" {
			pa := o.Lookup(ms.PlacementID)
			if pa < 0 || (ms.Leg != "L" && ms.Leg != "R") {
				return nil, &tree.InputError{File: name, Msg: fmt.Sprintf("member %s: placement under %q, leg %q: expected a member of the members file and L or R", ms.ID, ms.PlacementID, ms.Leg)}
			}
			if c.placed == nil {
				c.placed = newPrior(n, name)
			}
			c.placed.Parent[m], c.placed.Leg[m] = pa, map[string]uint8{"L": tree.Left, "R": tree.Right}[ms.Leg]
		}
	}
	if len(s.Orders) > 0 {
		c.orders = make(map[string]*OrderLines, len(s.Orders))
		for i := range s.Orders {
			c.orders[s.Orders[i].Order] = &s.Orders[i]
		}
	}
	if len(s.Pairings) > 0 {
		c.pairings = make(map[pairKey]*Pairing, len(s.Pairings))
		for i := range s.Pairings {
			pr := &s.Pairings[i]
			c.pairings[pairKey{pr.Member, pr.Period}] = pr
		}
	}
	return c, nil
}

// NextState is the state this result hands the next period, which starts
// the day after period.
func (r *Result) NextState(period tree.Period) *State {
	p, o := r.Plan, r.Org
	s := &State{Version: StateVersion, PlanName: p.Name, Currency: p.Currency, PlanHash: p.Hash(), Period: period.Name, PeriodEnd: tree.FormatDate(period.To), Periods: 1}
	if r.carried != nil {
		s.Periods = r.carried.periods + 1
	}
	name := func(k int16) string {
		if k == NoRank {
			return ""
		}
		return p.Ranks[k].Name
	}
	for _, m := range o.ByID() {
		ms := MemberState{ID: o.ID(m)}
		keep := false
		if h := r.Highest[m]; h != NoRank {
			ms.Highest, keep = name(h), true
		}
		if p.RankGrace > 1 {
			recent := r.Recent[m]
			for _, q := range recent {
				ms.Recent = append(ms.Recent, name(q))
			}
			if slices.ContainsFunc(recent, func(q int16) bool { return q != NoRank }) {
				keep = true
			} else {
				ms.Recent = nil
			}
		}
		if r.RecentPaid != nil {
			recent := r.RecentPaid[m]
			if slices.ContainsFunc(recent, func(q int16) bool { return q != NoRank }) {
				for _, q := range recent {
					ms.RecentPaid = append(ms.RecentPaid, name(q))
				}
				keep = true
			}
		}
		for ci, reached := range r.Reached {
			if reached != nil && reached[m] != NoRank {
				if ms.Reached == nil {
					ms.Reached = map[string]string{}
				}
				ms.Reached[p.Components[ci].Name], keep = name(reached[m]), true
			}
		}
		if r.Instalments != nil {
			for _, in := range r.Instalments[m] {
				ms.Instalments = append(ms.Instalments, InstalmentState{p.Components[in.comp].Name, name(in.rank), in.paid})
				keep = true
			}
		}
		if r.FirstPaired != nil && r.FirstPaired[m] {
			ms.FirstPair, keep = true, true
		}
		if r.RecentPV != nil && len(r.RecentPV[m]) > 0 {
			ms.RecentPV, keep = r.RecentPV[m], true
		}
		if r.RecentGV != nil && len(r.RecentGV[m]) > 0 {
			ms.RecentGV, keep = r.RecentGV[m], true
		}
		if r.FirstOrdered != nil && r.FirstOrdered[m] {
			ms.FirstOrder, keep = true, true
		}
		if r.Legs != nil {
			if l, rt := r.Legs.CarryOutL[m], r.Legs.CarryOutR[m]; l != 0 || rt != 0 {
				ms.CarryLeft, ms.CarryRight, keep = &l, &rt, true
			}
			if a := r.Legs.AgesOut; a[0] != nil {
				ms.CarryLeftByAge, ms.CarryRightByAge = a[0][m], a[1][m]
			}
		}
		if r.BalanceOut != nil && r.BalanceOut[m] != 0 {
			b := r.BalanceOut[m]
			ms.Balance, keep = &b, true
		}
		if b := r.Binary; b != nil && b.Auto[m] {
			ms.PlacementID, ms.Leg, keep = o.ID(b.Parent[m]), tree.LegName(b.Leg[m]), true
		}
		if keep {
			s.Members = append(s.Members, ms)
		}
	}
	if s.Members == nil {
		s.Members = []MemberState{}
	}
	s.Orders = r.keptOrders(s.Periods)
	s.Pairings = r.keptPairings(s.Periods)
	return s
}

// newPrior is a placement where no member is placed yet; file names the
// state file it is read from ("" when computed in this run).
func newPrior(n int, file string) *tree.Prior {
	p := &tree.Prior{Parent: make([]int32, n), Leg: make([]uint8, n), File: file}
	for m := range p.Parent {
		p.Parent[m] = -1
	}
	return p
}
