// Package gen writes synthetic members and sales CSV files in the format
// compplan reads, for benchmarks and property tests. The same Config gives
// the same bytes.
//
// Recruiting is preferential: a new member's sponsor is drawn with a chance
// proportional to 1 + the recruits they already have, so most members sponsor
// nobody and a few sponsor many, and the tree is deep rather than flat.
package gen

import (
	"bufio"
	"io"
	"math/rand/v2"
	"strconv"
)

// Config says what to generate.
type Config struct {
	Members        int
	SalesPerMember int // average; about 30% of members sell nothing
	Seed           uint64
	// Roots is the number of members without a sponsor (at least 1).
	Roots int
}

var prices = []string{"19.95", "29.95", "49.00", "54.00", "89.50", "129.00", "159.00", "240.00"}
var volumes = []string{"", "", "49", "50", "", "100", "120", "200"} // "" = same as amount

var first = []string{"Maria", "Kenji", "Aisha", "Lars", "Priya", "Tomasz", "Fatima", "Carlos", "Mei", "Olumide",
	"Sofia", "Dmitri", "Emily", "Ravi", "Ana", "Hiroshi", "Leila", "Jonas", "Grace", "Nguyen"}
var last = []string{"Lopez", "Sato", "Bello", "Johansson", "Raman", "Nowak", "Haddad", "Mendoza", "Chen", "Adeyemi",
	"Rossi", "Volkov", "Carter", "Patel", "Souza", "Tanaka", "Karimi", "Weber", "Mensah", "Okafor"}

// Write writes the members CSV to members and the sales CSV to sales.
func Write(c Config, members, sales io.Writer) error {
	rng := rand.New(rand.NewPCG(c.Seed, 0x636f6d70706c616e))
	roots := max(c.Roots, 1)
	mw := bufio.NewWriterSize(members, 1<<16)
	sw := bufio.NewWriterSize(sales, 1<<16)
	mw.WriteString("id,sponsor_id,name,joined\n")
	sw.WriteString("order_id,member_id,amount,volume,date\n")
	// slots holds each member once plus once per recruit.
	slots := make([]int32, 0, 2*c.Members)
	var b []byte
	order := 0
	for i := 0; i < c.Members; i++ {
		b = b[:0]
		b = appendID(b, i)
		b = append(b, ',')
		if i >= roots {
			s := slots[rng.IntN(len(slots))]
			slots = append(slots, s)
			b = appendID(b, int(s))
		}
		b = append(b, ',')
		b = append(b, first[rng.IntN(len(first))]...)
		b = append(b, ' ')
		b = append(b, last[rng.IntN(len(last))]...)
		b = append(b, ",2025-"...)
		b = append2(b, 1+i*12/max(c.Members, 1))
		b = append(b, "-15\n"...)
		mw.Write(b)
		slots = append(slots, int32(i))

		if c.SalesPerMember == 0 || rng.IntN(10) < 3 {
			continue // no sales this period
		}
		n := 1 + rng.IntN(max(2*c.SalesPerMember*10/7-1, 1))
		for k := 0; k < n; k++ {
			order++
			b = b[:0]
			b = append(b, "SO-"...)
			b = strconv.AppendInt(b, int64(order), 10)
			b = append(b, ',')
			b = appendID(b, i)
			p := rng.IntN(len(prices))
			b = append(b, ',')
			b = append(b, prices[p]...)
			b = append(b, ',')
			b = append(b, volumes[p]...)
			b = append(b, ",2026-10-"...)
			b = append2(b, 1+rng.IntN(31))
			b = append(b, '\n')
			sw.Write(b)
		}
	}
	if err := mw.Flush(); err != nil {
		return err
	}
	return sw.Flush()
}

// appendID appends member i's id: M followed by 7 or more digits.
func appendID(b []byte, i int) []byte {
	return strconv.AppendInt(append(b, 'M'), int64(1_000_000+i), 10)
}

func append2(b []byte, n int) []byte {
	return append(b, byte('0'+n/10), byte('0'+n%10))
}
