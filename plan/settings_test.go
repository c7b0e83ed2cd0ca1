package plan

import "github.com/compplan/compplan/tree/dec"

// flatSettings is every family's settings side by side, for tests that
// read a component whatever its family (the other families' are zero).
type flatSettings struct {
	Rate            dec.Rate
	Levels          []dec.Rate
	Compression     Compression
	PaidLevels      []int
	LevelsByRank    [][]dec.Rate
	Days            int
	Of              []int
	Generations     []dec.Rate
	PaidGenerations []int
	DiffRates       []dec.Rate
	Breakaway       *Breakaway
	PoolOfAmount    bool
	Shares          []int
	MinPV           Min
	Binary          *Binary
	Width           int
	Amounts         []dec.D
	RecruitAmounts  []dec.D // recruit_bonus: by level
	PersonalRates   []dec.Rate
	BinaryRates     []dec.Rate // by rank, the binary's; nil: Rate for all
	BinaryNoRate    []bool
	RankGenerations bool
	GenerationRank  int
	Tiers           []Tier
	Listed          []bool // rank_bonus: the ranks with an amount
	Held            int    // rank_bonus, rank_advancement
	Instalments     int    // rank_advancement
}

// s returns c's settings, flat.
func (c *Component) s() flatSettings {
	var f flatSettings
	switch r := c.rule.(type) {
	case personal:
		f.Rate, f.PersonalRates, f.Tiers = r.Rate, r.Rates, r.Tiers
	case unilevel:
		f.Levels, f.Compression, f.PaidLevels, f.LevelsByRank = r.Levels, r.Compression, r.PaidLevels, r.LevelsByRank
	case matrix:
		f.Levels, f.Compression, f.PaidLevels, f.LevelsByRank, f.Width = r.Levels, r.Compression, r.PaidLevels, r.LevelsByRank, r.Width
	case fastStart:
		f.Days, f.Levels = r.Days, r.Levels
	case matching:
		f.Of, f.Generations, f.PaidGenerations = r.Of, r.Generations, r.PaidGenerations
		f.RankGenerations, f.GenerationRank = r.RankGenerations, r.GenerationRank
	case differential:
		f.DiffRates, f.Breakaway = r.DiffRates, r.Breakaway
	case pool:
		f.Rate, f.PoolOfAmount, f.Shares, f.MinPV = r.Rate, r.PoolOfAmount, r.Shares, r.MinPV
	case binary:
		f.Rate, f.Binary, f.BinaryRates, f.BinaryNoRate = r.Rate, r.Binary, r.Rates, r.NoRate
	case advancement:
		f.Amounts, f.Held, f.Instalments = r.Amounts, r.Held, r.Instalments
	case recruit:
		f.RecruitAmounts, f.MinPV = r.Amounts, r.MinPV
	case firstOrder:
		f.Levels = r.Levels
	case rankBonus:
		f.Amounts, f.Listed, f.Held = r.Amounts, r.Listed, r.Held
	}
	return f
}
