package plan

import (
	"fmt"
	"testing"
)

// TestBinaryMatchReversalGoesToTheMatcher: under returns: reverse, a
// matching of a binary never matches the binary's clawback lines; the
// match paid on the clawed-back pairing is reversed, pro rata, from
// whoever was paid it. A has B on the left and C on the right, 10% of the
// paired volume; the matching pays 50% of it to A's sponsor. Hand-computed:
//   - New matcher: S joins on 10 February as A's sponsor, so in January
//     A's matcher is U. January pairs 100/100: A 10.00, U 5.00. February
//     returns O1 (B 100): A −10.00 (binary clawback), U −5.00 (the match
//     U was paid), S 0.00 (S was paid nothing on it).
//   - Partial returns: 30 of O1 in February, 70 in March: A −3.00 then
//     −7.00; U −round(5.00 × 3/10) = −1.50, then 5.00 − 1.50 = −3.50.
//   - Breakage: U inactive in January (active: pv 50; A's own O3 keeps A
//     active), so A's match is breakage; U active in February (O4): the
//     return takes nothing from U.
func TestBinaryMatchReversalGoesToTheMatcher(t *testing.T) {
	const plan = `
name: t
currency: USD
returns: reverse
%s
components:
  - {name: bin, type: binary, rate: 10%%}
  - {name: match, type: matching, of: [bin], generations: [50%%]}
`
	members := "id,sponsor_id,joined,placement_id,leg\nU,,2025-01-01,,\nS,U,2026-02-10,,\nA,S,2025-12-01,,\nB,A,2025-12-01,A,L\nC,A,2025-12-01,A,R\n"
	head := "order_id,member_id,amount,date,type\n"
	rs := months(t, fmt.Sprintf(plan, ""), members, head+"O1,B,100,2026-01-10,\nO2,C,100,2026-01-11,\nO1,B,-100,2026-02-15,return\n", "01", "02")
	expectPeriod(t, rs[0], "Jan", map[string]string{
		"U": "- 0 200 0.00 5.00 | in 0.00 pay 5.00 out 0.00",
		"A": "- 0 200 10.00 0.00 | in 0.00 pay 10.00 out 0.00"})
	expectPeriod(t, rs[1], "Feb", map[string]string{
		"U": "- 0 0 0.00 -5.00 | in 0.00 pay 0.00 out -5.00",
		"S": "- 0 0 0.00 0.00 | in 0.00 pay 0.00 out 0.00",
		"A": "- 0 0 -10.00 0.00 | in 0.00 pay 0.00 out -10.00"})

	rs = months(t, fmt.Sprintf(plan, ""), members, head+"O1,B,100,2026-01-10,\nO2,C,100,2026-01-11,\nO1,B,-30,2026-02-15,return\nO1,B,-70,2026-03-15,return\n", "01", "02", "03")
	expectPeriod(t, rs[1], "partial Feb", map[string]string{
		"U": "- 0 0 0.00 -1.50 | in 0.00 pay 0.00 out -1.50",
		"S": "- 0 0 0.00 0.00 | in 0.00 pay 0.00 out 0.00",
		"A": "- 0 0 -3.00 0.00 | in 0.00 pay 0.00 out -3.00"})
	expectPeriod(t, rs[2], "partial Mar", map[string]string{
		"U": "- 0 0 0.00 -3.50 | in -1.50 pay 0.00 out -5.00",
		"S": "- 0 0 0.00 0.00 | in 0.00 pay 0.00 out 0.00",
		"A": "- 0 0 -7.00 0.00 | in -3.00 pay 0.00 out -10.00"})

	members = "id,sponsor_id,joined,placement_id,leg\nU,,2025-01-01,,\nA,U,2025-12-01,,\nB,A,2025-12-01,A,L\nC,A,2025-12-01,A,R\n"
	rs = months(t, fmt.Sprintf(plan, "active: {pv: 50}"), members, head+"O1,B,100,2026-01-10,\nO2,C,100,2026-01-11,\nO3,A,50,2026-01-12,\nO1,B,-100,2026-02-15,return\nO4,U,60,2026-02-16,\n", "01", "02")
	expectPeriod(t, rs[0], "inactive Jan", map[string]string{
		"U": "- 0 250 0.00 0.00 | in 0.00 pay 0.00 out 0.00",
		"A": "- 50 250 10.00 0.00 | in 0.00 pay 10.00 out 0.00"})
	expectPeriod(t, rs[1], "inactive Feb", map[string]string{
		"U": "- 60 60 0.00 0.00 | in 0.00 pay 0.00 out 0.00",
		"A": "- 0 0 -10.00 0.00 | in 0.00 pay 0.00 out -10.00"})
}
