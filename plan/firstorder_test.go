package plan

import (
	"bytes"
	"strings"
	"testing"
)

const firstOrderMembers = "id,sponsor_id,name,type,joined\n" +
	"A,,Ann,,2025-12-01\n" +
	"B,A,Ben,,2025-12-01\n" +
	"C,B,Cy,customer,2025-12-01\n" +
	"D,B,Dee,,2025-12-01\n" +
	"E,D,Eve,,2025-12-01\n"

// firstOrderSales: January and February. E's two orders of 12 January are
// listed later id first: E-1 is the first order.
const firstOrderSales = "order_id,member_id,amount,volume,date,type\n" +
	"A-1,A,100,100,2026-01-02,\n" +
	"O1,B,100,100,2026-01-05,\n" +
	"O1,B,50,50,2026-01-05,\n" +
	"O3,C,80,80,2026-01-10,\n" +
	"E-2,E,60,60,2026-01-12,\n" +
	"E-1,E,40,40,2026-01-12,\n" +
	"O2,B,200,200,2026-01-20,\n" +
	"A-2,A,60,60,2026-02-01,\n" +
	"O5,B,100,100,2026-02-02,\n" +
	"OX,D,-10,-10,2026-02-01,return\n" +
	"O6,D,100,100,2026-02-03,\n" +
	"E-3,E,30,30,2026-02-04,\n" +
	"O1,B,-50,-50,2026-02-10,return\n"

// TestFirstOrder works by hand a first-order bonus of [20%, 5%] over two
// months, through the state (months runs replay and chained runs).
//
// January: A's first order A-1 (100) has nobody above: 20.00 + 5.00 of
// breakage. B's O1 (two rows, 100 and 50) pays A 20.00 + 10.00, level 2
// above the top: 5.00 + 2.50 breakage. Customer C's O3 (80) pays B, the
// distributor C is credited to, 16.00 and A 4.00 — and is not B's first
// order. E's first order is E-1 (the lower id the same day, 40): D has no
// PV (inactive) and leaves 8.00; B earns 2.00. B's O2 is a later order.
// Paid A 34.00, B 18.00; breakage 40.50: 25% of 370.
// February: only D's O6 (100) is a first order — D's earlier row that day
// is a return, never an order: B 20.00 (PV 50: 100 and the return of 50),
// A 5.00. The return of O1 puts up nothing under
// returns: volume; under returns: reverse it takes back a third of O1's
// lines from A: 10.00.
func TestFirstOrder(t *testing.T) {
	const plan = "name: p\ncurrency: USD\nactive: {pv: 50}\ncomponents:\n  - {name: first, type: first_order, levels: [20%, 5%]}\n"
	rs := months(t, plan, firstOrderMembers, firstOrderSales, "01", "02")
	earned := func(r *Result, id string) string {
		return string(r.Earned[0][r.Org.Lookup(id)].AppendFixed(nil, 2))
	}
	for _, c := range []struct {
		month        int
		a, b, d, brk string
	}{
		{0, "34.00", "18.00", "0.00", "40.50"},
		{1, "5.00", "20.00", "0.00", "0.00"},
	} {
		r := rs[c.month]
		if got := earned(r, "A") + " " + earned(r, "B") + " " + earned(r, "D") + " " + string(r.Breakage[0].AppendFixed(nil, 2)); got != c.a+" "+c.b+" "+c.d+" "+c.brk {
			t.Errorf("month %d: A B D breakage %s, want %s %s %s %s", c.month+1, got, c.a, c.b, c.d, c.brk)
		}
	}
	var buf bytes.Buffer
	if err := rs[0].NextState(periodsOf(t, "01")[0]).Write(&buf); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(buf.String(), `"first_order": true`); got != 4 { // A, B, C, E; not D
		t.Errorf("January's state marks %d first orders, want 4:\n%s", got, buf.String())
	}
	// returns: reverse: February's return of a third of O1 takes a third
	// of A's 30.00 back.
	rev := months(t, strings.Replace(plan, "components:", "returns: reverse\ncomponents:", 1), firstOrderMembers, firstOrderSales, "01", "02")
	if got := earned(rev[1], "A") + " " + earned(rev[1], "B"); got != "-5.00 20.00" {
		t.Errorf("reverse, February: A B %s, want -5.00 20.00", got)
	}
}

// TestFirstOrderNeeds: every sale's date and order id, errors naming the
// row; and decoding.
func TestFirstOrderNeeds(t *testing.T) {
	p, err := Decode([]byte("name: p\ncurrency: USD\ncomponents:\n  - {name: first, type: first_order, levels: [20%, 5%]}\n"), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ sales, want string }{
		{"order_id,member_id,amount,date\nO1,A,10,2026-01-01\n,B,10,2026-01-02\n", `sales.csv:3: column "order_id": no order_id: first_order component first needs every sale's order_id`},
		{"member_id,amount,date\nA,10,2026-01-01\n", `sales.csv:2: column "order_id": no order_id`},
		{"order_id,member_id,amount\nO1,A,10\n", `sales.csv:2: column "date": no date: first_order component first needs every sale's date`},
	} {
		d := mustData(t, firstOrderMembers, c.sales, "")
		if _, err := Compute(p, d); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: error %v, want %q", c.sales, err, c.want)
		}
	}
	d := mustData(t, firstOrderMembers, firstOrderSales, "")
	d.KeepOrderIDs = false // read without them, as a caller may
	if _, err := Compute(p, d); err == nil || !strings.Contains(err.Error(), "read the sales with Data.KeepOrderIDs set") {
		t.Errorf("order ids not kept: %v", err)
	}
	if !p.ReadsOrderIDs() {
		t.Error("a first_order plan does not ask for order ids")
	}
	if y := string(p.YAML()); !strings.Contains(y, "type: first_order\n      levels: [20%, 5%]\n") {
		t.Errorf("canonical YAML:\n%s", y)
	}
	if got := p.Components[0].Describe(p); got != "levels 20% 5% on each member's first order ever (customers' too)" {
		t.Errorf("describe: %s", got)
	}
	if _, err := Decode([]byte("name: p\ncurrency: USD\ncomponents:\n  - {name: first, type: first_order}\n"), "p.yaml"); err == nil || !strings.Contains(err.Error(), "levels") {
		t.Errorf("no levels: %v", err)
	}
}
