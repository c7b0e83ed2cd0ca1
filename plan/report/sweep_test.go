package report

import (
	"strings"
	"testing"

	"github.com/compplan/compplan/tree/dec"
)

func TestFindCliffs(t *testing.T) {
	d := func(vs ...int64) []dec.D {
		out := make([]dec.D, len(vs))
		for i, v := range vs {
			out[i] = dec.FromInt(v)
		}
		return out
	}
	vals := []string{"1", "2", "3", "4", "5", "6", "7", "8"}
	for _, c := range []struct {
		dir    int
		figure []dec.D
		want   string
	}{
		{+1, d(1, 2, 3, 4, 5, 6, 7, 8), ""},
		{+1, d(1, 2, 3, 2, 5, 6, 7, 8), "x falls by 1.00 as p rises from 3 to 4"},
		{-1, d(8, 7, 6, 7, 4, 3, 2, 1), "x rises by 1.00 as p rises from 3 to 4"},
		{0, d(8, 7, 6, 7, 4, 3, 2, 1), ""},
		// flat: 2 of 8 points is a quarter, not more; 3 is more
		{+1, d(1, 1, 2, 3, 4, 5, 6, 7), ""},
		{+1, d(1, 1, 1, 3, 4, 5, 6, 7), "x is flat at 1.00 from p=1 to 3"},
		{+1, d(1, 2, 3, 4, 5, 5, 5, 4), "x falls by 1.00 as p rises from 7 to 8; x is flat at 5.00 from p=5 to 7"},
	} {
		var got []string
		for _, cl := range FindCliffs("p", c.dir, vals, c.figure, "x", 2) {
			got = append(got, cl.Why)
		}
		if strings.Join(got, "; ") != c.want {
			t.Errorf("%d %v: %q, want %q", c.dir, c.figure, got, c.want)
		}
	}
}
