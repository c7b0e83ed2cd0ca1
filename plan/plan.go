// Package plan is a compensation plan: its YAML schema, strict decoding
// with line-numbered errors, validation, and the engine that computes every
// member's commissions from a tree.Data.
//
// The engine works in commission lines: one component × one source sale ×
// one earner (or breakage when nobody may earn it), each rounded on its own
// to the currency's minor unit. Every total is a sum of lines, so per
// component paid + breakage is exactly what the rules put up.
package plan

import (
	"github.com/compplan/compplan/tree/dec"
)

// Plan is a decoded, validated compensation plan.
type Plan struct {
	Name     string
	Currency string
	// Effective is the day (YYYY-MM-DD) this version of the plan takes
	// effect ("": from the start); see Versions.
	Effective string
	Digits    int // the currency's minor unit: commissions are rounded to it
	Rounding  dec.Rounding
	// ActivePV is the personal volume a member needs to be active; with
	// HasActive false everyone is active.
	HasActive bool
	ActivePV  dec.D
	// Activity is what else makes a member active (window, order_types,
	// new_member_periods); see Activity.
	Activity   Activity
	Ranks      []Rank
	Components []Component
	// NonCommissionable lists sale types that count for QV but pay nothing.
	NonCommissionable []string
	// MinPayout: a member whose total is above 0 but below it is paid
	// nothing this run; the amount is held.
	MinPayout Min
	// Deductions are taken, in order, from what each member is paid
	// (see Deduction).
	Deductions []Deduction
	// MemberCap caps each member's total over MemberCapOf (nil: every
	// component); PayoutCap caps the whole payout at a share of the sales
	// amount (0: none).
	MemberCap   Min
	MemberCapOf []int
	PayoutCap   dec.Rate
	// RankGrace: the paid-as rank is the highest rank qualified in this
	// period or the RankGrace-1 before it (1: no grace).
	RankGrace int
	// RankWindow: rank requirements read each member's PV and GV (and so
	// their legs' volumes) summed over this period and the RankWindow-1
	// before it (1: this period's).
	RankWindow int
	// ReverseReturns (returns: reverse) reverses a returned order's lines;
	// otherwise (returns: volume) a return is negative volume. A chained
	// run keeps each order's lines for ReturnWindow periods.
	ReverseReturns bool
	ReturnWindow   int
	// ReturnWindowDays, instead of ReturnWindow, keeps each order's lines
	// (and each binary pairing) for that many days after the order's date
	// (the pairing's period's last day), whatever the periods' length: a
	// return later than that counts as volume.
	ReturnWindowDays int
}

// MaxReturnDays is the longest return_window_days: ten years.
const MaxReturnDays = 3660

// MaxGrace is the longest rank grace a plan may have, in periods.
const MaxGrace = 24

// DefaultReturnWindow is return_window when a plan with returns: reverse
// leaves it out.
const DefaultReturnWindow = 3

// Rank is one rank and its requirements. A rank without requirements always
// holds.
type Rank struct {
	Name string
	PV   Min
	GV   Min
	// MaxLeg caps each leg's contribution to the qualifying GV at
	// MaxLeg × GV.Value; 0 means no cap.
	MaxLeg dec.Rate
	// Legs requires Legs.Count personally sponsored members whose subtree
	// holds a member of rank Legs.Rank or higher, or, in its gv form, whose
	// leg volume is at least Legs.GV; Count 0 means none.
	Legs LegRule
	// Customers requires that many personally sponsored customers with a
	// sale; SponsoredActive that many personally sponsored active
	// distributors.
	Customers       int
	SponsoredActive int
}

// Min is an optional lower bound.
type Min struct {
	Set   bool
	Value dec.D
}

// LegRule is the legs requirement of a rank.
type LegRule struct {
	Count int
	Rank  int   // index into Plan.Ranks, or -1 in the gv form
	GV    dec.D // the gv form: the volume a leg needs
}

// Compression says how a unilevel counts levels.
type Compression uint8

// Compression modes.
const (
	CompressNone        Compression = iota // level k is the k-th sponsor upline
	CompressDynamic                        // level k is the k-th active upline
	CompressDynamicRank                    // level k is the k-th active upline whose rank is paid on level k
)

var compressionNames = []string{"none", "dynamic", "dynamic-rank"}

func (c Compression) String() string { return compressionNames[c] }

// Component types.
const (
	TypePersonal     = "personal"
	TypeUnilevel     = "unilevel"
	TypeFastStart    = "fast_start"
	TypeMatching     = "matching"
	TypeDifferential = "differential"
	TypePool         = "pool"
	TypeBinary       = "binary"
	TypeMatrix       = "matrix"
	TypeAdvancement  = "rank_advancement"
	// TypeAdjustment is the component compplan adds for --adjustments; a
	// plan cannot declare it.
	TypeAdjustment = "adjustment"
)

// AdjustmentsName is the name of the adjustments component.
const AdjustmentsName = "adjustments"

// Component is one part of the plan: its name, its type (its family), a
// cap on what one member earns from it, and its family's own settings.
type Component struct {
	Name string
	Type string
	// Cap limits what one member earns from the component (any type).
	Cap Min
	// rule is the family's settings, which also compute the component: one
	// type per family, each in its own file (personal, unilevel, …),
	// set by the family's decoder.
	rule family
}

// Personal reports whether the component counts as personal commission.
func (c *Component) Personal() bool { return c.Type == TypePersonal }

// Team reports whether the component counts as team commission: every
// component that is neither personal nor the adjustments.
func (c *Component) Team() bool { return c.Type != TypePersonal && c.Type != TypeAdjustment }

// CurrencyDigits returns the minor unit of an ISO 4217 currency code (see
// dec.CurrencyDigits).
func CurrencyDigits(code string) (int, bool) { return dec.CurrencyDigits(code) }
