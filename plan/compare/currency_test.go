package compare

import (
	"errors"
	"strings"
	"testing"

	"github.com/compplan/compplan/plan"
	"github.com/compplan/compplan/tree"
)

// TestSameCurrency: plans in different currencies are not compared (12.00
// USD less 12 JPY means nothing): an input error naming both plans and
// both currencies.
func TestSameCurrency(t *testing.T) {
	decode := func(name, cur string) *plan.Plan {
		p, err := plan.Decode([]byte("name: "+name+"\ncurrency: "+cur+"\ncomponents: [{name: r, type: personal, rate: 5%}]\n"), name+".yaml")
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	us, us2, jp := decode("A", "USD"), decode("B", "USD"), decode("C", "JPY")
	if err := SameCurrency([]string{"a.yaml", "b.yaml"}, []*plan.Plan{us, us2}); err != nil {
		t.Fatalf("two USD plans: %v", err)
	}
	err := SameCurrency([]string{"a.yaml", "b.yaml", "c.yaml"}, []*plan.Plan{us, us2, jp})
	var in *tree.InputError
	if !errors.As(err, &in) || in.File != "c.yaml" {
		t.Fatalf("USD and JPY: %v, want an input error on c.yaml", err)
	}
	for _, want := range []string{`"C"`, "JPY", `"A"`, "USD", "a.yaml"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%v: does not name %s", err, want)
		}
	}
}
