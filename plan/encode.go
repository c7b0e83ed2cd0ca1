package plan

import (
	"gopkg.in/yaml.v3"

	"github.com/compplan/compplan/tree/dec"
)

type yamlPlan struct {
	Name              string          `yaml:"name"`
	Currency          string          `yaml:"currency"`
	Effective         string          `yaml:"effective,omitempty"`
	Rounding          string          `yaml:"rounding"`
	Active            *yamlActive     `yaml:"active,omitempty"`
	NonCommissionable []string        `yaml:"non_commissionable,omitempty,flow"`
	MinPayout         string          `yaml:"min_payout,omitempty"`
	Deductions        []yamlDeduction `yaml:"deductions,omitempty"`
	MemberCap         *yamlMemberCap  `yaml:"member_cap,omitempty"`
	PayoutCap         string          `yaml:"payout_cap,omitempty"`
	RankGrace         int             `yaml:"rank_grace,omitempty"`
	RankWindow        int             `yaml:"rank_window,omitempty"`
	Returns           string          `yaml:"returns,omitempty"`
	ReturnWindow      int             `yaml:"return_window,omitempty"`
	ReturnWindowDays  int             `yaml:"return_window_days,omitempty"`
	Ranks             []yamlRank      `yaml:"ranks,omitempty"`
	Components        []yamlComponent `yaml:"components"`
}

type yamlMemberCap struct {
	Amount     string   `yaml:"amount"`
	Components []string `yaml:"components,omitempty,flow"`
}

type yamlRank struct {
	Name            string    `yaml:"name"`
	PV              string    `yaml:"pv,omitempty"`
	GV              string    `yaml:"gv,omitempty"`
	MaxLeg          string    `yaml:"max_leg,omitempty"`
	Legs            *yamlLegs `yaml:"legs,omitempty"`
	Customers       int       `yaml:"customers,omitempty"`
	SponsoredActive int       `yaml:"sponsored_active,omitempty"`
}

type yamlLegs struct {
	Count int    `yaml:"count"`
	Rank  string `yaml:"rank,omitempty"`
	GV    string `yaml:"gv,omitempty"`
}

type yamlComponent struct {
	Name         string              `yaml:"name"`
	Type         string              `yaml:"type"`
	Cap          string              `yaml:"cap,omitempty"`
	Rate         string              `yaml:"rate,omitempty"`
	Levels       []string            `yaml:"levels,omitempty,flow"`
	Compression  string              `yaml:"compression,omitempty"`
	PaidLevels   map[string]int      `yaml:"paid_levels,omitempty"`
	ByRank       map[string][]string `yaml:"levels_by_rank,omitempty"`
	Days         int                 `yaml:"days,omitempty"`
	Of           any                 `yaml:"of,omitempty,flow"` // matching: []string; pool: "amount"
	Generations  []string            `yaml:"generations,omitempty,flow"`
	PaidGens     map[string]int      `yaml:"paid_generations,omitempty"`
	GenRank      string              `yaml:"generation_rank,omitempty"`
	Rates        map[string]string   `yaml:"rates,omitempty"`
	Tiers        []yamlTier          `yaml:"tiers,omitempty"`
	Percent      string              `yaml:"percent,omitempty"`
	Shares       any                 `yaml:"shares,omitempty"` // pool: map[string]int, or volume | group_volume
	Split        string              `yaml:"split,omitempty"`
	MinPV        string              `yaml:"min_pv,omitempty"`
	Breakaway    *yamlBreakaway      `yaml:"breakaway,omitempty"`
	Width        int                 `yaml:"width,omitempty"`
	Cycle        *yamlCycle          `yaml:"cycle,omitempty,flow"`
	Carry        *bool               `yaml:"carry,omitempty"`
	CarryCap     string              `yaml:"carry_cap,omitempty"`
	QualifySp    *bool               `yaml:"qualify_sponsored,omitempty"`
	FlushUnq     *bool               `yaml:"flush_unqualified,omitempty"`
	Placement    string              `yaml:"placement,omitempty"`
	FirstPair    string              `yaml:"first_pair,omitempty"`
	CarryExpires int                 `yaml:"carry_expires,omitempty"`
	Amounts      any                 `yaml:"amounts,omitempty"` // rank_advancement, rank_bonus: map[string]string; recruit_bonus: []string
	Held         int                 `yaml:"held,omitempty"`
	Instalments  int                 `yaml:"instalments,omitempty"`
}

type yamlTier struct {
	PV   string `yaml:"pv"`
	Rate string `yaml:"rate"`
}

type yamlCycle struct {
	Left    string            `yaml:"left"`
	Right   string            `yaml:"right"`
	Amount  string            `yaml:"amount"`
	Amounts map[string]string `yaml:"amounts,omitempty"`
}

type yamlBreakaway struct {
	Rank        string         `yaml:"rank"`
	Generations []string       `yaml:"generations,flow"`
	PaidGens    map[string]int `yaml:"paid_generations,omitempty"`
}

// YAML writes the plan in its canonical form: every default spelled out,
// rates as percentages. Decoding it gives the same plan.
func (p *Plan) YAML() []byte {
	y := yamlPlan{Name: p.Name, Currency: p.Currency, Effective: p.Effective, Rounding: p.Rounding.String(), NonCommissionable: p.NonCommissionable}
	if p.MinPayout.Set {
		y.MinPayout = p.MinPayout.Value.String()
	}
	y.Deductions = encodeDeductions(p)
	if p.MemberCap.Set {
		y.MemberCap = &yamlMemberCap{Amount: p.MemberCap.Value.String()}
		for _, c := range p.MemberCapOf {
			y.MemberCap.Components = append(y.MemberCap.Components, p.Components[c].Name)
		}
	}
	if p.PayoutCap != 0 {
		y.PayoutCap = p.PayoutCap.String()
	}
	y.Active = encodeActive(p)
	if p.RankGrace > 1 {
		y.RankGrace = p.RankGrace
	}
	if p.RankWindow > 1 {
		y.RankWindow = p.RankWindow
	}
	if p.ReverseReturns {
		y.Returns, y.ReturnWindow = "reverse", p.ReturnWindow
		if p.ReturnWindowDays > 0 {
			y.ReturnWindow, y.ReturnWindowDays = 0, p.ReturnWindowDays
		}
	}
	for _, r := range p.Ranks {
		yr := yamlRank{Name: r.Name}
		if r.PV.Set {
			yr.PV = r.PV.Value.String()
		}
		if r.GV.Set {
			yr.GV = r.GV.Value.String()
		}
		if r.MaxLeg > 0 {
			yr.MaxLeg = r.MaxLeg.String()
		}
		if r.Legs.Count > 0 {
			yr.Legs = &yamlLegs{Count: r.Legs.Count}
			if r.Legs.Rank >= 0 {
				yr.Legs.Rank = p.Ranks[r.Legs.Rank].Name
			} else {
				yr.Legs.GV = r.Legs.GV.String()
			}
		}
		yr.Customers, yr.SponsoredActive = r.Customers, r.SponsoredActive
		y.Ranks = append(y.Ranks, yr)
	}
	for _, c := range p.Components {
		yc := yamlComponent{Name: c.Name, Type: c.Type}
		if c.Cap.Set {
			yc.Cap = c.Cap.Value.String()
		}
		c.family().encode(p, &yc)
		y.Components = append(y.Components, yc)
	}
	out, err := yaml.Marshal(y)
	if err != nil {
		panic("plan: encoding a plan cannot fail: " + err.Error())
	}
	return out
}

func rateStrings(rates []dec.Rate) []string {
	var out []string
	for _, r := range rates {
		out = append(out, r.String())
	}
	return out
}
