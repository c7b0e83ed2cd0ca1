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
	"time"
)

// Config says what to generate.
type Config struct {
	Members int
	// SalesPerMember is the average number of sales a member makes in a
	// month; about 30% of members sell nothing in a given month.
	SalesPerMember int
	// Months is how many months of sales, from January 2026 (at least 1).
	Months int
	Seed   uint64
	// Roots is the number of members without a sponsor (at least 1).
	Roots int
	// ReturnPct is the percent of sales returned whole the month after
	// (0 to 100; never in the last month): a row of type return with the
	// order's id and negative amount and volume. With it the sales file
	// has a type column.
	ReturnPct int
}

// Summary describes what Write wrote.
type Summary struct {
	Members, Sales        int
	Returns               int // rows of type return among Sales
	MedianDepth, MaxDepth int // depth in the sponsor tree (a root is 0)
	MostSponsored         int // the most members one member sponsored
	WithoutSalesPerMonth  float64
}

var prices = []string{"19.95", "29.95", "49.00", "54.00", "89.50", "129.00", "159.00", "240.00"}
var volumes = []string{"", "", "49", "50", "", "100", "120", "200"} // "" = same as amount

var first = []string{"Maria", "Kenji", "Aisha", "Lars", "Priya", "Tomasz", "Fatima", "Carlos", "Mei", "Olumide",
	"Sofia", "Dmitri", "Emily", "Ravi", "Ana", "Hiroshi", "Leila", "Jonas", "Grace", "Nguyen"}
var last = []string{"Lopez", "Sato", "Bello", "Johansson", "Raman", "Nowak", "Haddad", "Mendoza", "Chen", "Adeyemi",
	"Rossi", "Volkov", "Carter", "Patel", "Souza", "Tanaka", "Karimi", "Weber", "Mensah", "Okafor"}

// Write writes the members CSV to members and the sales CSV to sales.
func Write(c Config, members, sales io.Writer) error {
	_, err := WriteSummary(c, members, sales)
	return err
}

// WriteSummary is Write, and says what it wrote.
func WriteSummary(c Config, members, sales io.Writer) (Summary, error) {
	rng := rand.New(rand.NewPCG(c.Seed, 0x636f6d70706c616e))
	roots := max(c.Roots, 1)
	mw := bufio.NewWriterSize(members, 1<<16)
	sw := bufio.NewWriterSize(sales, 1<<16)
	mw.WriteString("id,sponsor_id,name,joined\n")
	if c.ReturnPct > 0 {
		sw.WriteString("order_id,member_id,amount,volume,date,type\n")
	} else {
		sw.WriteString("order_id,member_id,amount,volume,date\n")
	}
	months := max(c.Months, 1)
	// slots holds each member once plus once per recruit.
	slots := make([]int32, 0, 2*c.Members)
	depth := make([]int32, c.Members)
	recruits := make([]int32, c.Members)
	var sum Summary
	idle := 0
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
			depth[i] = depth[s] + 1
			recruits[s]++
		}
		b = append(b, ',')
		b = append(b, first[rng.IntN(len(first))]...)
		b = append(b, ' ')
		b = append(b, last[rng.IntN(len(last))]...)
		// Members join over the 13 months up to the first month of sales,
		// in id order, so sponsors join first; the last ones join during it.
		joinMonth := i * 13 / max(c.Members, 1) // 0 = 2025-01 … 12 = 2026-01
		joinDay := 1 + (i*28/max(c.Members/13, 1))%28
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(2025+joinMonth/12), 10)
		b = append(b, '-')
		b = append2(b, 1+joinMonth%12)
		b = append(b, '-')
		b = append2(b, joinDay)
		b = append(b, '\n')
		mw.Write(b)
		slots = append(slots, int32(i))

		for month := 0; month < months; month++ {
			if c.SalesPerMember == 0 || rng.IntN(10) < 3 {
				idle++
				continue // no sales this month
			}
			year, mon := 2026+month/12, 1+month%12
			days := time.Date(year, time.Month(mon)+1, 0, 0, 0, 0, 0, time.UTC).Day()
			first := 1 // a member who joins this month sells from their joining day
			if month == 0 && joinMonth == 12 {
				first = joinDay
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
				b = append(b, ',')
				b = strconv.AppendInt(b, int64(year), 10)
				b = append(b, '-')
				b = append2(b, mon)
				b = append(b, '-')
				day := first + rng.IntN(days-first+1)
				b = append2(b, day)
				if c.ReturnPct > 0 {
					b = append(b, ',')
				}
				b = append(b, '\n')
				sw.Write(b)
				if c.ReturnPct > 0 && month+1 < months && rng.IntN(100) < c.ReturnPct {
					b = appendReturn(b[:0], order, i, p, 2026+(month+1)/12, 1+(month+1)%12, min(day, 28))
					sw.Write(b)
					sum.Returns++
				}
			}
		}
	}
	if err := mw.Flush(); err != nil {
		return sum, err
	}
	sum.Members, sum.Sales = c.Members, order+sum.Returns
	sum.WithoutSalesPerMonth = float64(idle) / float64(max(c.Members*months, 1))
	// Median depth by counting: depths are small.
	counts := map[int32]int{}
	for i, d := range depth {
		counts[d]++
		sum.MaxDepth = max(sum.MaxDepth, int(d))
		sum.MostSponsored = max(sum.MostSponsored, int(recruits[i]))
	}
	for d, seen := int32(0), 0; int(d) <= sum.MaxDepth; d++ {
		if seen += counts[d]; 2*seen >= c.Members {
			sum.MedianDepth = int(d)
			break
		}
	}
	return sum, sw.Flush()
}

// appendID appends member i's id: M followed by 7 or more digits.
func appendID(b []byte, i int) []byte {
	return strconv.AppendInt(append(b, 'M'), int64(1_000_000+i), 10)
}

func append2(b []byte, n int) []byte {
	return append(b, byte('0'+n/10), byte('0'+n%10))
}

// appendReturn writes the return of order order (member i, price p) on
// year-mon-day.
func appendReturn(b []byte, order, i, p, year, mon, day int) []byte {
	b = append(b, "SO-"...)
	b = strconv.AppendInt(b, int64(order), 10)
	b = append(b, ',')
	b = appendID(b, i)
	b = append(append(b, ",-"...), prices[p]...)
	b = append(b, ',')
	if volumes[p] != "" {
		b = append(append(b, '-'), volumes[p]...)
	}
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(year), 10)
	b = append(b, '-')
	b = append2(b, mon)
	b = append(b, '-')
	b = append2(b, day)
	return append(b, ",return\n"...)
}
