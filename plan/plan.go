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
	Digits   int // the currency's minor unit: commissions are rounded to it
	Rounding dec.Rounding
	// ActivePV is the personal volume a member needs to be active; with
	// HasActive false everyone is active.
	HasActive  bool
	ActivePV   dec.D
	Ranks      []Rank
	Components []Component
	// NonCommissionable lists sale types that count for QV but pay nothing.
	NonCommissionable []string
	// MinPayout: a member whose total is above 0 but below it is paid
	// nothing this run; the amount is held.
	MinPayout Min
	// MemberCap caps each member's total over MemberCapOf (nil: every
	// component); PayoutCap caps the whole payout at a share of the sales
	// amount (0: none).
	MemberCap   Min
	MemberCapOf []int
	PayoutCap   dec.Rate
	// RankGrace: the paid-as rank is the highest rank qualified in this
	// period or the RankGrace-1 before it (1: no grace).
	RankGrace int
	// ReverseReturns (returns: reverse) reverses a returned order's lines;
	// otherwise (returns: volume) a return is negative volume. A chained
	// run keeps each order's lines for ReturnWindow periods.
	ReverseReturns bool
	ReturnWindow   int
}

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

// Component is one part of the plan. Which fields apply depends on Type.
type Component struct {
	Name string
	Type string
	// Cap limits what one member earns from the component (any type).
	Cap Min
	// personal
	Rate dec.Rate
	// unilevel
	Levels      []dec.Rate
	Compression Compression
	// PaidLevels[r] is how many levels rank r is paid on; nil means every
	// active member is paid on every level, ranked or not.
	PaidLevels []int
	// LevelsByRank[r] are rank r's own level rates (levels_by_rank); then
	// Levels holds the highest rate of each level, what a level puts up.
	LevelsByRank [][]dec.Rate
	// fast_start: the window in days from joining (Levels are its rates).
	Days int
	// matching: the components matched (indexes into Plan.Components), the
	// generation rates, and how many generations each rank is paid on
	// (nil: all).
	Of              []int
	Generations     []dec.Rate
	PaidGenerations []int
	// differential: each rank's rate (0 for a rank not listed), and an
	// optional breakaway.
	DiffRates []dec.Rate
	Breakaway *Breakaway
	// pool: Rate is its percent, of the sales amount with PoolOfAmount
	// (else of volume); Shares per rank; MinPV for a share.
	PoolOfAmount bool
	Shares       []int
	MinPV        Min
	// binary: its settings (Rate is its rate when it pays by rate).
	Binary *Binary
	// matrix: the positions under each member (Levels and the rest are as
	// in a unilevel, along the matrix).
	Width int
	// rank_advancement: the amount paid once on first reaching each rank
	// (0 for a rank not listed).
	Amounts []dec.D
}

// Personal reports whether the component counts as personal commission.
func (c *Component) Personal() bool { return c.Type == TypePersonal }

// Team reports whether the component counts as team commission: every
// component that is neither personal nor the adjustments.
func (c *Component) Team() bool { return c.Type != TypePersonal && c.Type != TypeAdjustment }
