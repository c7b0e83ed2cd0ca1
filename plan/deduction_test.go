package plan

import (
	"fmt"
	"strings"
	"testing"

	"github.com/compplan/compplan/tree/dec"
)

const deductionPlan = `name: Deductions
currency: USD
min_payout: 10
deductions:
  - {name: admin, amount: 3.00}
  - {name: tds, rate: 10%}
  - {name: bank, amount: 8.00}
components:
  - {name: retail, type: personal, rate: 10%}
  - {name: unilevel, type: unilevel, levels: [5%]}
`

// deductionRows is each member's payable, deductions and net.
func deductionRows(r *Result) string {
	var rows []string
	for _, m := range r.Org.ByID() {
		s := fmt.Sprintf("%s pay %s", r.Org.ID(m), r.Payable(m).AppendFixed(nil, 2))
		for k, x := range r.Plan.Deductions {
			s += fmt.Sprintf(" %s %s", x.Name, r.Deducted[k][m].AppendFixed(nil, 2))
		}
		rows = append(rows, s+" net "+string(r.Net(m).AppendFixed(nil, 2)))
	}
	return strings.Join(rows, "\n")
}

// TestDeductions works the README's example by hand over four months,
// the state going from month to month (months runs it by replay and by
// chained runs through the state's JSON). Deductions, in order: admin
// 3.00, tds 10% of the payable rounded down, bank 8.00; min_payout 10.
//
// January. A: retail 12.35 (sold 123.50), unilevel 10.00 + 2.50 on B's
// 200 and C's 50 = 24.85 payable: admin 3.00, tds 10% of 24.85 = 2.485,
// down to 2.48 (of the payable, not of the 21.85 admin left: 2.18), bank
// 8.00, net 11.37. B: 20.00: 3.00, 2.00, 8.00, net 7.00. C: 5.00 is under
// min_payout: held, nothing payable, nothing deducted. D (no sponsor):
// retail 12.22: 3.00, 1.22, and 8.00 is exactly what is left: net 0.00.
//
// February. C sells 60: retail 6.00 + the 5.00 held = 11.00: admin 3.00,
// tds 1.10, bank wants 8.00 but 6.90 is left: 6.90, net 0.00. B returns
// January's 200 (volume): B −20.00, A's unilevel −10.00 + 3.00 on C's
// sale = −7.00: both debits, nothing payable, nothing deducted.
//
// March. A sells 150 (15.00) and B 300 (B 30.00, A 15.00): A 30.00 − 7.00
// debit = 23.00: 3.00, 2.30, 8.00, net 9.70; B 30.00 − 20.00 = 10.00,
// exactly min_payout, so paid: 3.00, 1.00, and 6.00 of bank's 8.00, net
// 0.00.
//
// April, no sales: nothing payable, nothing held.
//
// Under returns: reverse the return takes back the same lines (the whole
// order), so every figure is the same.
func TestDeductions(t *testing.T) {
	for _, returns := range []string{"volume", "reverse"} {
		t.Run(returns, func(t *testing.T) { testDeductions(t, "returns: "+returns+"\n"+deductionPlan) })
	}
}

func testDeductions(t *testing.T, plan string) {
	members := "id,sponsor_id,name,joined\nA,,Ann,2025-12-01\nB,A,Ben,2025-12-01\nC,A,Cat,2025-12-01\nD,,Dee,2025-12-01\n"
	sales := "order_id,member_id,amount,date,type\n" +
		"O1,A,123.50,2026-01-05,\nO2,B,200,2026-01-06,\nO3,C,50,2026-01-07,\nO4,D,122.20,2026-01-08,\n" +
		"O5,C,60,2026-02-03,\nO2,B,-200,2026-02-04,return\n" +
		"O6,A,150,2026-03-02,\nO7,B,300,2026-03-03,\n"
	rs := months(t, plan, members, sales, "01", "02", "03", "04")
	want := []string{
		"A pay 24.85 admin 3.00 tds 2.48 bank 8.00 net 11.37\n" +
			"B pay 20.00 admin 3.00 tds 2.00 bank 8.00 net 7.00\n" +
			"C pay 0.00 admin 0.00 tds 0.00 bank 0.00 net 0.00\n" +
			"D pay 12.22 admin 3.00 tds 1.22 bank 8.00 net 0.00",
		"A pay 0.00 admin 0.00 tds 0.00 bank 0.00 net 0.00\n" +
			"B pay 0.00 admin 0.00 tds 0.00 bank 0.00 net 0.00\n" +
			"C pay 11.00 admin 3.00 tds 1.10 bank 6.90 net 0.00\n" +
			"D pay 0.00 admin 0.00 tds 0.00 bank 0.00 net 0.00",
		"A pay 23.00 admin 3.00 tds 2.30 bank 8.00 net 9.70\n" +
			"B pay 10.00 admin 3.00 tds 1.00 bank 6.00 net 0.00\n" +
			"C pay 0.00 admin 0.00 tds 0.00 bank 0.00 net 0.00\n" +
			"D pay 0.00 admin 0.00 tds 0.00 bank 0.00 net 0.00",
		"A pay 0.00 admin 0.00 tds 0.00 bank 0.00 net 0.00\n" +
			"B pay 0.00 admin 0.00 tds 0.00 bank 0.00 net 0.00\n" +
			"C pay 0.00 admin 0.00 tds 0.00 bank 0.00 net 0.00\n" +
			"D pay 0.00 admin 0.00 tds 0.00 bank 0.00 net 0.00",
	}
	totals := []string{"57.07: 9.00 5.70 24.00 net 18.37", "11.00: 3.00 1.10 6.90 net 0.00", "33.00: 6.00 3.30 14.00 net 9.70", "0.00: 0.00 0.00 0.00 net 0.00"}
	held := []string{"5.00", "0.00", "0.00", "0.00"}
	for i, r := range rs {
		checkReconciles(t, r)
		if got := deductionRows(r); got != want[i] {
			t.Errorf("month %d:\n%s\nwant\n%s", i+1, got, want[i])
		}
		got := string(r.Payout.AppendFixed(nil, 2)) + ":"
		for _, v := range r.DeductedTotal {
			got += " " + string(v.AppendFixed(nil, 2))
		}
		got += " net " + string(r.NetTotal().AppendFixed(nil, 2))
		if got != totals[i] {
			t.Errorf("month %d totals: %s, want %s", i+1, got, totals[i])
		}
		if h := string(r.HeldTotal.AppendFixed(nil, 2)); h != held[i] {
			t.Errorf("month %d held %s, want %s", i+1, h, held[i])
		}
	}
	// Why, as explain and the ledger say it.
	var why []string
	for _, s := range rs[1].Plan.Deduct(rs[1].Payable(rs[1].Org.Lookup("C"))) {
		why = append(why, s.Deduction.Name+": "+s.Why(rs[1].Plan))
	}
	if got, want := strings.Join(why, "; "), "admin: a fee of 3.00; tds: 10% of the payable 11.00, rounded down; "+
		"bank: a fee of 8.00, cut to the 6.90 the deductions before it left"; got != want {
		t.Errorf("why:\n%s\nwant\n%s", got, want)
	}
}

// TestDeduct is the rule on its own, by hand: fee 5.00, then 10% rounded
// down, then fee 2.00, then 1% rounded down.
func TestDeduct(t *testing.T) {
	p, err := Decode([]byte("name: x\ncurrency: USD\ndeductions: [{name: a, amount: 5}, {name: b, rate: 10%}, {name: c, amount: 2}, {name: d, rate: 1%}]\n"+
		"components: [{name: retail, type: personal, rate: 10%}]\n"), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ payable, want string }{
		{"0", ""}, // nothing payable: no steps at all
		{"100.00", "5.00 10.00 2.00 1.00"},
		{"24.99", "5.00 2.49 2.00 0.24"}, // 2.499 and 0.2499 rounded down, not to nearest
		{"6.00", "5.00 0.60 0.40 0.00"},  // c is cut to the 0.40 left, d then finds nothing
		{"5.50", "5.00 0.50 0.00 0.00"},  // b takes exactly what is left
		{"3.00", "3.00 0.00 0.00 0.00"},  // a cut to all there is
		{"0.01", "0.01 0.00 0.00 0.00"},
	} {
		var got []string
		for _, s := range p.Deduct(dec.MustParse(tc.payable)) {
			if s.Took > s.Left || s.Took > s.Want || s.Took < 0 {
				t.Errorf("%s: %s took %s of %s left, wanting %s", tc.payable, s.Deduction.Name, s.Took, s.Left, s.Want)
			}
			got = append(got, string(s.Took.AppendFixed(nil, 2)))
		}
		if strings.Join(got, " ") != tc.want {
			t.Errorf("payable %s: %v, want %s", tc.payable, got, tc.want)
		}
	}
}

func TestDeductionsDecode(t *testing.T) {
	base := "name: x\ncurrency: USD\ncomponents:\n  - {name: retail, type: personal, rate: 10%}\n"
	for _, tc := range []struct{ yaml, err string }{
		{"deductions: {name: tds}\n", "deductions must be a list"},
		{"deductions: [{name: tds}]\n", "needs a name and either a rate or an amount"},
		{"deductions: [{name: tds, rate: 5%, amount: 1}]\n", "needs a name and either a rate or an amount"},
		{"deductions: [{rate: 5%}]\n", "needs a name"},
		{"deductions: [{name: tds, rate: 120%}]\n", "over 100%"},
		{"deductions: [{name: fee, amount: 0.001}]\n", "finer than USD's minor unit"},
		{"deductions: [{name: fee, amount: -1}]\n", "deduction amount"},
		{"deductions: [{name: fee, amount: 1}, {name: FEE, rate: 1%}]\n", `deduction name "FEE" is used twice`},
		{"deductions: [{name: Retail, rate: 1%}]\n", `deduction name "Retail" is taken by a component`},
		{"deductions: [{name: total, rate: 1%}]\n", `deduction name "total" is taken by an output column`},
		{"deductions: [{name: net, rate: 1%}]\n", `deduction name "net" is taken by an output column`},
		{"deductions: [{name: fee, amount: 1, per: member}]\n", "per"},
	} {
		_, err := Decode([]byte(base+tc.yaml), "p.yaml")
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: error %v, want %q", tc.yaml, err, tc.err)
		}
	}
	// A component may not be named net once the plan has deductions.
	_, err := Decode([]byte("name: x\ncurrency: USD\ndeductions: [{name: fee, amount: 1}]\ncomponents:\n  - {name: net, type: personal, rate: 10%}\n"), "p.yaml")
	if err == nil || !strings.Contains(err.Error(), `component name "net" is taken by an output column`) {
		t.Errorf("component net: %v", err)
	}
	// The round trip keeps them, in order.
	p, err := Decode([]byte(deductionPlan), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	y := string(p.YAML())
	if !strings.Contains(y, "deductions:\n    - name: admin\n      amount: \"3\"\n    - name: tds\n      rate: 10%\n    - name: bank\n      amount: \"8\"\n") {
		t.Errorf("YAML:\n%s", y)
	}
	q, err := Decode(p.YAML(), "again.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if string(q.YAML()) != y {
		t.Errorf("round trip differs:\n%s\n%s", q.YAML(), y)
	}
}
