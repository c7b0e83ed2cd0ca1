// Package gen writes synthetic members and sales CSV files in the format
// compplan reads, for benchmarks and property tests. The same Config gives
// the same bytes.
//
// Recruiting is preferential: a new member's sponsor is drawn with a chance
// proportional to 1 + the recruits they already have, so most members sponsor
// nobody and a few sponsor many, and the tree is deep rather than flat.
//
// Members join in id order, evenly over the twelve months before the sales
// start and the months of sales, so a sponsor joins before their recruits
// and every month of sales has new members. A member sells from the day they
// join.
//
// The sales file is laid out as a shop exports orders: in order-date order,
// the order ids numbered in that order, so consecutive rows belong to
// unrelated members (SalesByDate). SalesByMember writes the same rows
// grouped by member within each month, the layout earlier versions wrote.
package gen

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"
)

// SalesOrder is the order of the rows of the sales file.
type SalesOrder uint8

const (
	// SalesByDate: by date, then order id; within a day the orders of
	// all members are shuffled together, and order ids rise with the
	// rows. A return comes first on its day: its order id is its sale's.
	SalesByDate SalesOrder = iota
	// SalesByMember: each month's rows grouped by member, in member id
	// order, a member's returns after their sales.
	SalesByMember
)

// SalesOrderNames are the names of the sales orders, as --sales-order takes them.
var SalesOrderNames = []string{SalesByDate: "date", SalesByMember: "member"}

// ParseSalesOrder returns the SalesOrder named s.
func ParseSalesOrder(s string) (SalesOrder, error) {
	for k, n := range SalesOrderNames {
		if s == n {
			return SalesOrder(k), nil
		}
	}
	return 0, fmt.Errorf("unknown sales order %q: use date or member", s)
}

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
	// SalesOrder is the layout of the sales file.
	SalesOrder SalesOrder
	// GrowthPct, with months of sales, makes the organisation grow by that
	// percent a month: a starting organisation joins in the year before
	// the sales, and each month adds GrowthPct% of the members so far
	// (integer arithmetic; the last month takes the rest), so Members is
	// the size at the end. 0: members join evenly over the whole span.
	GrowthPct int
	// ChurnPct is the percent of the members in the organisation at a
	// month's start who leave during it: they are terminated on a day of
	// that month and sell nothing from that month on.
	ChurnPct int
	// CustomerPct is the percent of members (roots aside) who are retail
	// customers (type customer): they buy, and sponsor nobody.
	CustomerPct int
	// AutoshipPct is the percent of sales of type autoship.
	AutoshipPct int
}

// Summary describes what Write wrote.
type Summary struct {
	Members, Sales int
	// Customers and Churned count the members of type customer and those
	// terminated; JoinedPerMonth how many joined in each month of sales.
	Customers, Churned    int
	JoinedPerMonth        []int
	Returns               int // rows of type return among Sales
	MedianDepth, MaxDepth int // depth in the sponsor tree (a root is 0)
	MostSponsored         int // the most members one member sponsored
	// WithoutSalesPerMonth is the share of members who had joined by a
	// month's end and sold nothing in it.
	WithoutSalesPerMonth float64
	// JoinedInSales is how many members joined during the months of sales.
	JoinedInSales int
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

// epoch is the day the first members join; sales start a year later.
var epoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// day is a day counted from epoch.
type day = int32

func dayOf(t time.Time) day { return day(t.Sub(epoch).Hours() / 24) }

// A sale is packed into a uint64: member<<8 | (day of month-1)<<3 | price.
func pack(m int32, dom, price int) uint64 { return uint64(m)<<8 | uint64(dom-1)<<3 | uint64(price) }

// autoship marks a packed sale of type autoship (above the member's bits).
const autoship = 1 << 62

func unpack(r uint64) (m int32, dom, price int) {
	r &^= autoship
	return int32(r >> 8), int(r>>3&31) + 1, int(r & 7)
}

// ret is the return, in month mon, of the sale with order id order.
type ret struct {
	member int32
	order  int64
	dom    uint8
	price  uint8
}

// WriteSummary is Write, and says what it wrote.
func WriteSummary(c Config, members, sales io.Writer) (Summary, error) {
	rng := rand.New(rand.NewPCG(c.Seed, 0x636f6d70706c616e))
	months := max(c.Months, 1)
	mw := bufio.NewWriterSize(members, 1<<16)
	sum, joined, left, err := writeMembers(c, rng, mw, months)
	if err != nil {
		return sum, err
	}
	sw := bufio.NewWriterSize(sales, 1<<16)
	typed := c.ReturnPct > 0 || c.AutoshipPct > 0
	if typed {
		sw.WriteString("order_id,member_id,amount,volume,date,type\n")
	} else {
		sw.WriteString("order_id,member_id,amount,volume,date\n")
	}
	var (
		recs      []uint64 // this month's sales, member by member
		perm, inv []int32  // recs in date order; inv[perm[p]] = p
		returned  []int32  // indexes in recs of the sales returned next month
		retDays   []uint8  // and the day of the month each is returned on
		returns   []ret    // this month's returns
		next      []ret
		order     int64 // the last order id given
		b         []byte
		active    int // member-months with a member who had joined
		idle      int
	)
	for month := 0; month < months; month++ {
		year, mon := 2026+month/12, time.Month(1+month%12)
		start := time.Date(year, mon, 1, 0, 0, 0, 0, time.UTC)
		days := start.AddDate(0, 1, -1).Day()
		from, to := dayOf(start), dayOf(start)+day(days) // [from, to)
		recs, returned, retDays = recs[:0], returned[:0], retDays[:0]
		for i := 0; i < c.Members && joined[i] < to; i++ {
			if left != nil && left[i] < from {
				continue // churned before this month
			}
			if left != nil && left[i] < to {
				continue // churns this month: sells nothing from it on
			}
			active++
			if c.SalesPerMember == 0 || rng.IntN(10) < 3 {
				idle++
				continue // no sales this month
			}
			firstDom := 1 + int(max(joined[i]-from, 0))
			n := 1 + rng.IntN(max(2*c.SalesPerMember*10/7-1, 1))
			for range n {
				p := rng.IntN(len(prices))
				dom := firstDom + rng.IntN(days-firstDom+1)
				r := pack(int32(i), dom, p)
				if c.AutoshipPct > 0 && rng.IntN(100) < c.AutoshipPct {
					r |= autoship
				}
				recs = append(recs, r)
				if c.ReturnPct > 0 && month+1 < months && rng.IntN(100) < c.ReturnPct {
					returned = append(returned, int32(len(recs)-1))
					retDays = append(retDays, uint8(min(dom, 28)))
				}
			}
		}
		// Date order: count by day, then shuffle each day's sales.
		var count [32]int32
		for _, r := range recs {
			_, dom, _ := unpack(r)
			count[dom]++
		}
		var at [32]int32
		for d := 2; d < 32; d++ {
			at[d] = at[d-1] + count[d-1]
		}
		starts := at
		perm = slices.Grow(perm[:0], len(recs))[:len(recs)]
		for k, r := range recs {
			_, dom, _ := unpack(r)
			perm[at[dom]] = int32(k)
			at[dom]++
		}
		for d := 1; d < 32; d++ {
			seg := perm[starts[d] : starts[d]+count[d]]
			rng.Shuffle(len(seg), func(i, j int) { seg[i], seg[j] = seg[j], seg[i] })
		}
		base := order
		order += int64(len(recs))
		// Order id of recs[k] is base+1+inv[k].
		inv = slices.Grow(inv[:0], len(recs))[:len(recs)]
		for p, k := range perm {
			inv[k] = int32(p)
		}
		next = next[:0]
		for j, k := range returned {
			m, _, p := unpack(recs[k])
			next = append(next, ret{member: m, order: base + 1 + int64(inv[k]), dom: retDays[j], price: uint8(p)})
		}
		sum.Sales += len(recs)
		switch c.SalesOrder {
		case SalesByMember:
			slices.SortFunc(returns, func(a, b ret) int {
				if a.member != b.member {
					return int(a.member - b.member)
				}
				return int(a.order - b.order)
			})
			ri := 0
			flushReturns := func(upTo int32) {
				for ; ri < len(returns) && returns[ri].member < upTo; ri++ {
					r := returns[ri]
					b = appendReturn(b[:0], r.order, int(r.member), int(r.price), year, int(mon), int(r.dom))
					sw.Write(b)
				}
			}
			for k, r := range recs {
				m, dom, p := unpack(r)
				flushReturns(m) // earlier members' returns
				b = appendSale(b[:0], base+1+int64(inv[k]), m, p, year, int(mon), dom, typed, r&autoship != 0)
				sw.Write(b)
				if k+1 == len(recs) || int32((recs[k+1]&^autoship)>>8) != m {
					flushReturns(m + 1) // the member's own, after their sales
				}
			}
			flushReturns(int32(c.Members))
		default:
			slices.SortFunc(returns, func(a, b ret) int {
				if a.dom != b.dom {
					return int(a.dom) - int(b.dom)
				}
				return int(a.order - b.order)
			})
			ri := 0
			for d := 1; d < 32; d++ {
				for ; ri < len(returns) && int(returns[ri].dom) == d; ri++ {
					r := returns[ri]
					b = appendReturn(b[:0], r.order, int(r.member), int(r.price), year, int(mon), d)
					sw.Write(b)
				}
				for p := starts[d]; p < starts[d]+count[d]; p++ {
					r := recs[perm[p]]
					m, dom, pr := unpack(r)
					b = appendSale(b[:0], base+1+int64(p), m, pr, year, int(mon), dom, typed, r&autoship != 0)
					sw.Write(b)
				}
			}
		}
		sum.Returns += len(returns)
		returns, next = next, returns
	}
	sum.Sales += sum.Returns
	sum.WithoutSalesPerMonth = float64(idle) / float64(max(active, 1))
	return sum, sw.Flush()
}

// writeMembers writes the members file and returns the day each member
// joins, and, with churn, the day each leaves (nil without churn; a day
// past the sales for a member who stays).
func writeMembers(c Config, rng *rand.Rand, w *bufio.Writer, months int) (Summary, []day, []day, error) {
	roots := max(c.Roots, 1)
	w.WriteString("id,sponsor_id,name,joined")
	if c.CustomerPct > 0 {
		w.WriteString(",type")
	}
	if c.ChurnPct > 0 {
		w.WriteString(",terminated")
	}
	w.WriteString("\n")
	salesFrom := dayOf(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	salesTo := dayOf(time.Date(2026+months/12, time.Month(1+months%12), 1, 0, 0, 0, 0, time.UTC))
	starts := make([]day, months+1) // the first day of each month of sales, and the day after
	for k := range starts {
		starts[k] = dayOf(time.Date(2026+k/12, time.Month(1+k%12), 1, 0, 0, 0, 0, time.UTC))
	}
	monthStart := func(k int) day { return starts[k] }
	// With growth, how many join before the sales and in each month.
	var start int
	var perMonth []int
	if c.GrowthPct > 0 {
		start, perMonth = growth(c.Members, months, c.GrowthPct)
	}
	// slots holds each member once plus once per recruit (customers
	// sponsor nobody: they are not in it).
	slots := make([]int32, 0, 2*c.Members)
	depth := make([]int32, c.Members)
	recruits := make([]int32, c.Members)
	joined := make([]day, c.Members)
	var left []day
	if c.ChurnPct > 0 {
		left = make([]day, c.Members)
	}
	var sum Summary
	sum.JoinedPerMonth = make([]int, months)
	var b []byte
	month, inMonth := 0, 0 // with growth: the month member i joins in, and its rank there
	for i := 0; i < c.Members; i++ {
		b = b[:0]
		b = appendID(b, int32(i))
		b = append(b, ',')
		if i >= roots {
			s := slots[rng.IntN(len(slots))]
			slots = append(slots, s)
			b = appendID(b, s)
			depth[i] = depth[s] + 1
			recruits[s]++
		}
		b = append(b, ',')
		b = append(b, first[rng.IntN(len(first))]...)
		b = append(b, ' ')
		b = append(b, last[rng.IntN(len(last))]...)
		switch {
		case c.GrowthPct == 0:
			// Evenly from epoch to the last day of sales, in id order.
			joined[i] = day(int64(i) * int64(salesTo) / int64(max(c.Members, 1)))
		case i < start: // the starting organisation: evenly over the year before
			joined[i] = day(int64(i) * int64(salesFrom) / int64(max(start, 1)))
		default: // evenly over its month
			for inMonth >= perMonth[month] {
				month, inMonth = month+1, 0
			}
			from, to := monthStart(month), monthStart(month+1)
			joined[i] = from + day(int64(inMonth)*int64(to-from)/int64(perMonth[month]))
			inMonth++
		}
		if joined[i] >= salesFrom {
			sum.JoinedInSales++
			for k := months - 1; k >= 0; k-- {
				if joined[i] >= monthStart(k) {
					sum.JoinedPerMonth[k]++
					break
				}
			}
		}
		b = append(b, ',')
		b = epoch.AddDate(0, 0, int(joined[i])).AppendFormat(b, time.DateOnly)
		customer := false
		if c.CustomerPct > 0 {
			customer = i >= roots && rng.IntN(100) < c.CustomerPct
			if customer {
				b = append(b, ",customer"...)
				sum.Customers++
			} else {
				b = append(b, ',')
			}
		}
		if left != nil {
			left[i] = salesTo
			b = append(b, ',')
			for k := 0; k < months && i >= roots; k++ {
				from, to := monthStart(k), monthStart(k+1)
				if joined[i] >= to || rng.IntN(100) >= c.ChurnPct {
					continue // not in the organisation yet, or stays this month
				}
				lo := max(from, joined[i]+1)
				if lo >= to {
					continue
				}
				left[i] = lo + day(rng.IntN(int(to-lo)))
				b = epoch.AddDate(0, 0, int(left[i])).AppendFormat(b, time.DateOnly)
				sum.Churned++
				break
			}
		}
		b = append(b, '\n')
		w.Write(b)
		if !customer {
			slots = append(slots, int32(i))
		}
	}
	if err := w.Flush(); err != nil {
		return sum, nil, nil, err
	}
	sum.Members = c.Members
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
	return sum, joined, left, nil
}

// growth splits members into a starting organisation and the members who
// join in each of months, the organisation growing by pct percent a month
// (of its size at the month's start, rounded down): the largest start that
// does not outgrow members, the last month taking the rest.
func growth(members, months, pct int) (start int, perMonth []int) {
	grow := func(s int) (int, []int) {
		size := s
		per := make([]int, months)
		for k := range per {
			per[k] = size * pct / 100
			size += per[k]
			if size > members {
				return size, per
			}
		}
		return size, per
	}
	lo, hi := 1, members // grow(lo) fits
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if size, _ := grow(mid); size <= members {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	size, per := grow(lo)
	per[months-1] += members - size
	return lo, per
}

// appendID appends member i's id: M followed by 7 or more digits.
func appendID(b []byte, i int32) []byte {
	return strconv.AppendInt(append(b, 'M'), int64(1_000_000+i), 10)
}

func append2(b []byte, n int) []byte {
	return append(b, byte('0'+n/10), byte('0'+n%10))
}

func appendDate(b []byte, year, mon, dom int) []byte {
	b = strconv.AppendInt(b, int64(year), 10)
	b = append(b, '-')
	b = append2(b, mon)
	b = append(b, '-')
	return append2(b, dom)
}

// appendSale writes order order: member m, price p, on year-mon-dom.
func appendSale(b []byte, order int64, m int32, p, year, mon, dom int, typed, auto bool) []byte {
	b = append(b, "SO-"...)
	b = strconv.AppendInt(b, order, 10)
	b = append(b, ',')
	b = appendID(b, m)
	b = append(b, ',')
	b = append(b, prices[p]...)
	b = append(b, ',')
	b = append(b, volumes[p]...)
	b = append(b, ',')
	b = appendDate(b, year, mon, dom)
	if typed {
		b = append(b, ',')
	}
	if auto {
		b = append(b, "autoship"...)
	}
	return append(b, '\n')
}

// appendReturn writes the return of order order (member i, price p) on
// year-mon-dom.
func appendReturn(b []byte, order int64, i, p, year, mon, dom int) []byte {
	b = append(b, "SO-"...)
	b = strconv.AppendInt(b, order, 10)
	b = append(b, ',')
	b = appendID(b, int32(i))
	b = append(append(b, ",-"...), prices[p]...)
	b = append(b, ',')
	if volumes[p] != "" {
		b = append(append(b, '-'), volumes[p]...)
	}
	b = append(b, ',')
	b = appendDate(b, year, mon, dom)
	return append(b, ",return\n"...)
}
