package plan

import "slices"

// The fixed columns the writers (package report) put in the same CSV header
// row as one column per component. They live here, not in report, because
// report imports plan: the writers build their headers from these lists and
// Decode refuses a component named like any of them (ReservedColumns), so
// the names a plan may not use are the writers' own, never a second list.
var (
	// MemberColumns are the member report's fixed columns, before one
	// column per component; QualifiedRankColumn follows rank when the
	// members file gives rank floors, HeldColumn follows total when the
	// plan has a minimum payout.
	MemberColumns       = []string{"id", "name", "rank", "active", "pv", "gv", "personal", "team", "total"}
	QualifiedRankColumn = "qualified_rank"
	HeldColumn          = "held"
	// PeriodColumns are the first columns of a period row (run --period,
	// replay); BalanceColumns follow the components'.
	PeriodColumns  = []string{"period", "id", "rank", "pv", "gv", "personal", "team", "total"}
	BalanceColumns = []string{"balance_in", "payable", "balance_out"}
	// LocalColumns follow the deductions (member report) or balance_out
	// (period rows) when the members file says each member's payout
	// currency (see Result.Local).
	LocalColumns = []string{"payout_currency", "payable_local"}
	// With a binary component, LegColumns and BinaryQualifiedColumn follow
	// everything else in both.
	BinaryQualifiedColumn = "binary_qualified"
)

// BinaryColumns are the columns a binary component adds after the others.
func BinaryColumns() []string {
	return append(slices.Clip(LegColumns), BinaryQualifiedColumn)
}

// ReservedColumns returns the column names no component of p may take
// (compared in lower case): every fixed column a writer puts in a header
// row with the components', the binary's only when p has a binary, net
// only when it has deductions (whose names are checked on their own).
func ReservedColumns(p *Plan) []string {
	var names []string
	names = append(names, MemberColumns...)
	names = append(names, QualifiedRankColumn, HeldColumn)
	names = append(names, PeriodColumns...)
	names = append(names, BalanceColumns...)
	names = append(names, LocalColumns...)
	if p.Has(TypeBinary) {
		names = append(names, BinaryColumns()...)
	}
	if len(p.Deductions) > 0 {
		names = append(names, NetColumn)
	}
	slices.Sort(names)
	return slices.Compact(names)
}
