package tree_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/gen"
)

// BenchmarkPlacement measures auto-placing every member of a generated
// organisation (nobody placed by hand: the worst case) into a binary tree on
// each side rule, and into a 3-wide matrix by spillover.
func BenchmarkPlacement(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		var mb, sb bytes.Buffer
		if err := gen.Write(gen.Config{Members: n, SalesPerMember: 10, Seed: 1}, &mb, &sb); err != nil {
			b.Fatal(err)
		}
		d, err := tree.ReadMembers(&mb, "members.csv")
		if err != nil {
			b.Fatal(err)
		}
		if err := d.ReadSales(&sb, "sales.csv"); err != nil {
			b.Fatal(err)
		}
		vol, err := tree.PersonalVolume(d.Org, &d.Sales)
		if err != nil {
			b.Fatal(err)
		}
		for _, side := range []tree.Side{tree.PlaceWeaker, tree.PlaceLeft} {
			b.Run(fmt.Sprintf("binary-%s/members=%d", tree.SideNames[side], n), func(b *testing.B) {
				for b.Loop() {
					if _, err := tree.PlaceBinary(d.Org, side, vol, nil); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
		b.Run(fmt.Sprintf("matrix-3/members=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := tree.PlaceMatrix(d.Org, 3); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
