package report

import (
	"bytes"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/compplan/compplan/plan"
	"github.com/compplan/compplan/tree"
	"github.com/compplan/compplan/tree/gen"
)

// compute reads members and sales (CSV text) and computes p on them.
func compute(t *testing.T, p *plan.Plan, members, sales string) *plan.Result {
	t.Helper()
	d, err := tree.ReadMembers(strings.NewReader(members), "members.csv")
	if err != nil {
		t.Fatal(err)
	}
	if err := d.ReadSales(strings.NewReader(sales), "sales.csv"); err != nil {
		t.Fatal(err)
	}
	r, err := plan.Compute(p, d)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// shuffleRows shuffles every line after the header.
func shuffleRows(rng *rand.Rand, csv string) string {
	lines := strings.Split(strings.TrimSuffix(csv, "\n"), "\n")
	body := lines[1:]
	rng.Shuffle(len(body), func(i, j int) { body[i], body[j] = body[j], body[i] })
	return strings.Join(lines, "\n") + "\n"
}

func output(t *testing.T, p *plan.Plan, members, sales string, f Format) []byte {
	t.Helper()
	r := compute(t, p, members, sales)
	var b bytes.Buffer
	if err := Write(&b, r, f); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestOutputIgnoresRowOrder: shuffled members and sales rows give
// byte-identical output in every format.
func TestOutputIgnoresRowOrder(t *testing.T) {
	src, err := os.ReadFile("../../examples/unilevel.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Decode(src, "unilevel.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m, s bytes.Buffer
	if err := gen.Write(gen.Config{Members: 3000, SalesPerMember: 4, Seed: 3}, &m, &s); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	for _, f := range []Format{CSV, JSON, Table} {
		want := output(t, p, m.String(), s.String(), f)
		got := output(t, p, shuffleRows(rng, m.String()), shuffleRows(rng, s.String()), f)
		if !bytes.Equal(got, want) {
			t.Errorf("%s output changed when the rows were shuffled", f)
		}
		if f == CSV && bytes.Count(want, []byte("\n")) != 3001 {
			t.Errorf("csv has %d lines, want a header and 3000 members", bytes.Count(want, []byte("\n")))
		}
	}
}
