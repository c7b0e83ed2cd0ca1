package plan

import (
	"fmt"
	"regexp"
	"slices"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/dec"
)

// MaxStateBytes is the largest state file compplan reads: 1 GiB. A state
// holds a few figures per member, and the lines of the orders of the last
// return_window periods: a company with millions of members and orders
// writes a few hundred MB. Reading stops at the limit, with an error
// naming the file.
const MaxStateBytes = 1 << 30

var sha256Hex = regexp.MustCompile(`^[0-9a-f]{64}$`)

// validate checks a state document as strictly as the CSV files it stands
// for, without the plan or the members (lay checks the rest): every
// figure in range and of the right sign, no member, order or pairing
// twice, no two members in one binary slot. Errors name the JSON path.
func (s *State) validate(name string) error {
	bad := func(format string, args ...any) error {
		return &tree.InputError{File: name, Msg: fmt.Sprintf(format, args...)}
	}
	if !sha256Hex.MatchString(s.PlanHash) {
		return bad("plan_sha256 %q: expected the 64 hex digits of a SHA-256", s.PlanHash)
	}
	if s.Version >= 5 && (s.PlanName == "" || s.Currency == "") {
		return bad("plan_name %q and currency %q: a state of version 5 or later names its plan and currency", s.PlanName, s.Currency)
	}
	if s.Period == "" {
		return bad("period: missing")
	}
	if _, ok := tree.ParseDate([]byte(s.PeriodEnd)); !ok {
		return bad("period_end %q is not a date (YYYY-MM-DD)", s.PeriodEnd)
	}
	if s.Periods < 1 {
		return bad("periods %d: expected 1 or more (the periods chained so far)", s.Periods)
	}
	// sum adds |v| to *total, refusing sums beyond a quarter of the exact
	// range (every sum of them, and with a period's figures, stays exact).
	sum := func(total *dec.D, v dec.D, what string) error {
		t, over := dec.Add(*total, max(v, -v))
		if over || t > dec.Max/4 {
			return bad("%s: the state's figures add up beyond %s, the exact range", what, dec.Max/4)
		}
		*total = t
		return nil
	}
	var balances, carries, money, volumes dec.D
	if s.Members == nil {
		s.Members = []MemberState{}
	}
	seen := make(map[string]int, len(s.Members))
	type slot struct {
		parent, leg string
	}
	slots := map[slot]int{}
	for i := range s.Members {
		ms := &s.Members[i]
		at := fmt.Sprintf("members[%d] (%q)", i, ms.ID)
		if ms.ID == "" {
			return bad("members[%d]: id is missing", i)
		}
		if j, dup := seen[ms.ID]; dup {
			return bad("%s: member %s is in the state twice (also members[%d])", at, ms.ID, j)
		}
		seen[ms.ID] = i
		for _, c := range []struct {
			v    *dec.D
			what string
		}{{ms.CarryLeft, "carry_left"}, {ms.CarryRight, "carry_right"}} {
			if c.v == nil {
				continue
			}
			if *c.v < 0 {
				return bad("%s: %s %s is negative: a binary carry is 0 or more (a state written by an earlier compplan may hold one: set it to 0, as a leg's shortfall is flushed now)", at, c.what, *c.v)
			}
			if err := sum(&carries, *c.v, at+"."+c.what); err != nil {
				return err
			}
		}
		for _, c := range []struct {
			total *dec.D
			ages  []dec.D
			what  string
		}{{ms.CarryLeft, ms.CarryLeftByAge, "carry_left"}, {ms.CarryRight, ms.CarryRightByAge, "carry_right"}} {
			if c.ages == nil {
				continue
			}
			var s dec.D
			for _, a := range c.ages {
				if a < 0 {
					return bad("%s: %s_by_age holds %s: volume carried is 0 or more", at, c.what, a)
				}
			}
			for _, a := range c.ages {
				if c.total == nil || a > *c.total-s { // no sum beyond the total: none overflows
					s = -1
					break
				}
				s += a
			}
			if c.total == nil || s != *c.total {
				return bad("%s: %s_by_age does not add up to %s: it splits that carry by the period its volume is from", at, c.what, c.what)
			}
		}
		if ms.Balance != nil {
			if err := sum(&balances, *ms.Balance, at+".balance"); err != nil {
				return err
			}
		}
		// The volumes of earlier periods a window adds to this one's.
		for _, v := range append(slices.Clip(ms.RecentPV), ms.RecentGV...) {
			if err := sum(&volumes, v, at+".recent_pv/recent_gv"); err != nil {
				return err
			}
		}
		if (ms.PlacementID == "") != (ms.Leg == "") {
			return bad("%s: placement_id %q and leg %q: give both or neither", at, ms.PlacementID, ms.Leg)
		}
		if ms.PlacementID != "" {
			if ms.Leg != "L" && ms.Leg != "R" {
				return bad("%s: leg %q: expected L or R", at, ms.Leg)
			}
			if ms.PlacementID == ms.ID {
				return bad("%s: placed under themselves", at)
			}
			k := slot{ms.PlacementID, ms.Leg}
			if j, taken := slots[k]; taken {
				return bad("%s: %s and %s (members[%d]) are both placed in the %s leg of %s", at, ms.ID, s.Members[j].ID, j, ms.Leg, ms.PlacementID)
			}
			slots[k] = i
		}
	}
	type orderKey struct {
		order  string
		period int
	}
	orders := make(map[orderKey]int, len(s.Orders))
	for i := range s.Orders {
		o := &s.Orders[i]
		at := fmt.Sprintf("orders[%d] (%q)", i, o.Order)
		switch {
		case o.Order == "":
			return bad("orders[%d]: order_id is missing", i)
		case o.Seller == "":
			return bad("%s: seller is missing", at)
		case o.Volume < 0:
			return bad("%s: volume %s is negative", at, o.Volume)
		case o.Returned < 0 || o.Returned > o.Volume:
			return bad("%s: returned %s: expected 0 to the order's volume %s", at, o.Returned, o.Volume)
		case o.Period < 1 || o.Period > s.Periods:
			return bad("%s: period_number %d: expected 1 to periods (%d)", at, o.Period, s.Periods)
		case o.Date != "" && dayOf(o.Date) == tree.NoDate:
			return bad("%s: date %q is not a date (YYYY-MM-DD)", at, o.Date)
		}
		k := orderKey{o.Order, o.Period}
		if j, dup := orders[k]; dup {
			return bad("%s: order %s of period %d is in the state twice (also orders[%d])", at, o.Order, o.Period, j)
		}
		orders[k] = i
		if o.Lines == nil {
			o.Lines = []OrderLine{}
		}
		for j, l := range o.Lines {
			lat := fmt.Sprintf("%s.lines[%d]", at, j)
			if l.Earner == "" || l.Component == "" {
				return bad("%s: earner and component are required", lat)
			}
			if err := sum(&money, l.Amount, lat+".amount"); err != nil {
				return err
			}
		}
	}
	pairings := make(map[pairKey]int, len(s.Pairings))
	for i := range s.Pairings {
		pr := &s.Pairings[i]
		at := fmt.Sprintf("pairings[%d] (%q)", i, pr.Member)
		switch {
		case pr.Member == "":
			return bad("pairings[%d]: member is missing", i)
		case pr.Period < 1 || pr.Period > s.Periods:
			return bad("%s: period_number %d: expected 1 to periods (%d)", at, pr.Period, s.Periods)
		case pr.End != "" && dayOf(pr.End) == tree.NoDate:
			return bad("%s: period_end %q is not a date (YYYY-MM-DD)", at, pr.End)
		case pr.Paid <= 0:
			return bad("%s: paid %s: a pairing kept for clawbacks paid above 0", at, pr.Paid)
		case pr.PairedL < 0 || pr.PairedR < 0 || (pr.PairedL == 0 && pr.PairedR == 0):
			return bad("%s: paired %s/%s: expected volumes of 0 or more, not both 0", at, pr.PairedL, pr.PairedR)
		case pr.ReturnedL < 0 || pr.ReturnedL > pr.PairedL || pr.ReturnedR < 0 || pr.ReturnedR > pr.PairedR:
			return bad("%s: returned %s/%s: expected 0 to the paired volume %s/%s", at, pr.ReturnedL, pr.ReturnedR, pr.PairedL, pr.PairedR)
		case pr.Clawed < 0 || pr.Clawed > pr.Paid:
			return bad("%s: clawed_back %s: expected 0 to paid (%s)", at, pr.Clawed, pr.Paid)
		}
		k := pairKey{pr.Member, pr.Period}
		if j, dup := pairings[k]; dup {
			return bad("%s: the pairing of %s in period %d is in the state twice (also pairings[%d])", at, pr.Member, pr.Period, j)
		}
		pairings[k] = i
		if err := sum(&money, pr.Paid, at+".paid"); err != nil {
			return err
		}
		for j, l := range pr.Matches {
			lat := fmt.Sprintf("%s.matches[%d]", at, j)
			if l.Earner == "" || l.Component == "" || l.Amount <= 0 {
				return bad("%s: earner, component and an amount above 0 are required", lat)
			}
			if err := sum(&money, l.Amount, lat+".amount"); err != nil {
				return err
			}
		}
	}
	return nil
}

// fits checks, with the plan and the members, what validate cannot: every
// member, seller and earner is in the members file, every rank and
// component is the plan's, money has at most the currency's decimals, and
// binary figures and orders come with a plan that has them.
func (s *State) fits(p *Plan, o *tree.Org, name string) error {
	bad := func(format string, args ...any) error {
		return &tree.InputError{File: name, Msg: fmt.Sprintf(format, args...)}
	}
	minor := func(v dec.D) bool { return dec.Round(v, p.Digits, dec.Down) == v }
	binary := p.Has(TypeBinary)
	for i := range s.Members {
		ms := &s.Members[i]
		at := fmt.Sprintf("members[%d] (%q)", i, ms.ID)
		if ms.Balance != nil && !minor(*ms.Balance) {
			return bad("%s: balance %s is finer than %s's %d decimals", at, *ms.Balance, p.Currency, p.Digits)
		}
		if !binary && (ms.CarryLeft != nil || ms.CarryRight != nil || ms.PlacementID != "") {
			return bad("%s: a binary carry or placement, and the plan has no binary component", at)
		}
		if (ms.CarryLeftByAge != nil || ms.CarryRightByAge != nil) && p.carryExpires() == 0 {
			return bad("%s: a binary carry by age, and the plan's binary has no carry_expires", at)
		}
		if m := o.Lookup(ms.ID); m >= 0 && ms.PlacementID != "" && o.Customer(m) {
			return bad("%s: %s is a customer: customers are never placed", at, ms.ID)
		}
		if pa := o.Lookup(ms.PlacementID); ms.PlacementID != "" && pa >= 0 && o.Customer(pa) {
			return bad("%s: placed under %s, a customer: customers are never placed", at, ms.PlacementID)
		}
	}
	if (len(s.Orders) > 0 || len(s.Pairings) > 0) && !p.ReverseReturns {
		return bad("orders or pairings are kept for returns: reverse, and the plan's returns are not reverse")
	}
	if len(s.Pairings) > 0 && !binary {
		return bad("pairings are a binary's, and the plan has no binary component")
	}
	known := func(id string) bool { return o.Lookup(id) >= 0 }
	for i := range s.Orders {
		od := &s.Orders[i]
		at := fmt.Sprintf("orders[%d] (%q)", i, od.Order)
		if !known(od.Seller) {
			return bad("%s: seller %q is not in the members file", at, od.Seller)
		}
		for j, l := range od.Lines {
			lat := fmt.Sprintf("%s.lines[%d]", at, j)
			if !known(l.Earner) {
				return bad("%s: earner %q is not in the members file", lat, l.Earner)
			}
			if !p.hasComponent(l.Component) {
				return bad("%s: component %q is not a component of the plan", lat, l.Component)
			}
			if !minor(l.Amount) {
				return bad("%s: amount %s is finer than %s's %d decimals", lat, l.Amount, p.Currency, p.Digits)
			}
		}
	}
	for i := range s.Pairings {
		pr := &s.Pairings[i]
		at := fmt.Sprintf("pairings[%d] (%q)", i, pr.Member)
		if !known(pr.Member) {
			return bad("%s: member %q is not in the members file", at, pr.Member)
		}
		if !minor(pr.Paid) || !minor(pr.Clawed) {
			return bad("%s: paid %s or clawed_back %s is finer than %s's %d decimals", at, pr.Paid, pr.Clawed, p.Currency, p.Digits)
		}
		for j, l := range pr.Matches {
			lat := fmt.Sprintf("%s.matches[%d]", at, j)
			switch {
			case !known(l.Earner):
				return bad("%s: earner %q is not in the members file", lat, l.Earner)
			case !p.hasComponent(l.Component):
				return bad("%s: component %q is not a component of the plan", lat, l.Component)
			case !minor(l.Amount):
				return bad("%s: amount %s is finer than %s's %d decimals", lat, l.Amount, p.Currency, p.Digits)
			}
		}
	}
	return nil
}

func (p *Plan) hasComponent(name string) bool {
	for _, c := range p.Components {
		if c.Name == name && c.Type != TypeAdjustment {
			return true
		}
	}
	return false
}
