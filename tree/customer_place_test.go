package tree

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/compplan/compplan/tree/dec"
)

// TestDistributorUnderCustomer: a distributor placed by hand under a
// customer (who is not in the binary tree nor the matrix) would take their
// whole subtree out of every leg and level: refused where it is written.
func TestDistributorUnderCustomer(t *testing.T) {
	for _, tt := range []struct{ name, members, want string }{
		{"binary", "id,sponsor_id,type,placement_id,leg\nR,,,,\nK,R,customer,,\nD,R,,K,L\n",
			`members.csv:4:6: column "placement_id": D is placed under K, a customer: customers are not in the binary tree; place D under a distributor, or leave placement_id empty to auto-place it`},
		{"binary, customer row after", "id,sponsor_id,type,placement_id,leg\nR,,,,\nD,R,,K,R\nK,R,customer,,\n",
			`members.csv:3:6: column "placement_id": D is placed under K, a customer`},
		{"matrix", "id,sponsor_id,type,matrix_parent_id\nR,,,\nK,R,customer,\nD,R,,K\n",
			`members.csv:4:6: column "matrix_parent_id": D is placed under K, a customer: customers are not in the matrix; place D under a distributor, or leave matrix_parent_id empty to place it by spillover`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadMembers(strings.NewReader(tt.members), "members.csv")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v\nwant it to contain %s", err, tt.want)
			}
		})
	}
}

// TestAutoPlacementSkipsCustomers: in random organisations where customers
// sponsor distributors (and some members are placed by hand), no member is
// ever placed under a customer, in the binary tree (every side) or the
// matrix, and every distributor is placed.
func TestAutoPlacementSkipsCustomers(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 6))
	for trial := range 300 {
		n := 2 + rng.IntN(40)
		customer := make([]bool, n)
		var b strings.Builder
		b.WriteString("id,sponsor_id,type,joined,placement_id,leg,matrix_parent_id\n")
		taken, under := map[string]bool{}, map[int]int{}
		for i := range n {
			sp, typ, place, leg, mp := "", "", "", "", ""
			if i > 0 {
				sp = fmt.Sprintf("m%d", rng.IntN(i))
				if rng.IntN(3) == 0 {
					typ, customer[i] = "customer", true
				}
			}
			if !customer[i] && i > 0 {
				if p := rng.IntN(i); !customer[p] && rng.IntN(4) == 0 {
					l := "LR"[rng.IntN(2):][:1]
					if key := fmt.Sprint(p, l); !taken[key] {
						taken[key] = true
						place, leg = fmt.Sprintf("m%d", p), l
					}
				}
				if p := rng.IntN(i); !customer[p] && rng.IntN(4) == 0 && under[p] < 3 {
					under[p]++
					mp = fmt.Sprintf("m%d", p)
				}
			}
			fmt.Fprintf(&b, "m%d,%s,%s,2026-01-%02d,%s,%s,%s\n", i, sp, typ, 1+rng.IntN(3), place, leg, mp)
		}
		o := mustMembers(t, b.String()).Org
		check := func(what string, parent []int32, placed func(int32) bool) {
			for m := range int32(n) {
				if o.Customer(m) == placed(m) {
					t.Fatalf("trial %d %s: %s (customer %v) placed %v\n%s", trial, what, o.ID(m), o.Customer(m), placed(m), b.String())
				}
				if p := parent[m]; p >= 0 && o.Customer(p) {
					t.Fatalf("trial %d %s: %s is placed under the customer %s\n%s", trial, what, o.ID(m), o.ID(p), b.String())
				}
			}
		}
		vol := make([]dec.D, n)
		for m := range vol {
			vol[m] = dec.FromInt(int64(rng.IntN(4) * 10))
		}
		for _, side := range []Side{PlaceWeaker, PlaceLeft, PlaceRight} {
			bin, err := PlaceBinary(o, side, vol, nil)
			if err != nil {
				t.Fatal(err)
			}
			check(fmt.Sprint("binary side ", side), bin.Parent, bin.Placed)
		}
		x, err := PlaceMatrix(o, 3)
		if err != nil {
			t.Fatal(err)
		}
		check("matrix", x.Parent, x.Placed)
	}
}
