package plan

import "testing"

// TestSaleTypeCase: a plan's non_commissionable types match the sales'
// types whatever their case, on either side.
func TestSaleTypeCase(t *testing.T) {
	p, err := Decode([]byte(`
name: t
currency: USD
non_commissionable: [Sample, starter-KIT]
components: [{name: retail, type: personal, rate: 10%}]
`), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d := mustData(t, "id\nA\nB\nC\n", "order_id,member_id,amount,type\n1,A,100,SAMPLE\n2,A,50,order\n3,B,100,sample\n4,B,30,Starter-Kit\n5,C,40,Order\n", "")
	r, err := Compute(p, d)
	if err != nil {
		t.Fatal(err)
	}
	// Samples and starter kits have CV 0 and keep their QV: A is paid on
	// 50 (PV 150), B on nothing (PV 130), C on 40.
	expectRows(t, r, map[string]string{
		"A": "- true 150 150 5.00",
		"B": "- true 130 130 0.00",
		"C": "- true 40 40 4.00",
	})
	if _, err := Decode([]byte("name: t\ncurrency: USD\nnon_commissionable: [sample, SAMPLE]\ncomponents: [{name: r, type: personal, rate: 1%}]\n"), "p.yaml"); err == nil {
		t.Error("a type listed twice in two cases is accepted")
	}
}

// TestQVDefaultsToVolume: with a cv column and no qv column, ranks and
// activity use the volume, commissions the cv.
func TestQVDefaultsToVolume(t *testing.T) {
	p, err := Decode([]byte(`
name: t
currency: USD
active: {pv: 50}
ranks:
  - name: Member
  - name: Bronze
    pv: 60
components: [{name: retail, type: personal, rate: 10%}]
`), "p.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// A: volume 80, cv 30: PV 80 (Bronze, active), retail 3.00.
	// B: amount 40, cv 40 (empty): PV 40 (Member, not active), retail 4.00.
	d := mustData(t, "id,sponsor_id\nA,\nB,A\n", "order_id,member_id,amount,volume,cv\n1,A,100,80,30\n2,B,40,,\n", "")
	r, err := Compute(p, d)
	if err != nil {
		t.Fatal(err)
	}
	expectRows(t, r, map[string]string{
		"A": "Bronze true 80 120 3.00",
		"B": "Member false 40 40 4.00",
	})
}
