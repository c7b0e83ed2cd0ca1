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
