package tree

import (
	"fmt"
	"io"
	"slices"

	"github.com/compplan/compplan/tree/dec"
)

// Money is what reading sales needs to know of the plan's money: its
// currency and minor unit, and the exchange rates (nil: none given) that
// convert a sale in another currency.
type Money struct {
	Currency string
	Digits   int
	Rates    *Rates
}

// Rates are exchange rates (--rates): for each currency, by day, how many
// units of the plan's currency one unit buys.
type Rates struct {
	File string
	by   map[string][]rateOn // ascending by day
}

type rateOn struct {
	day  int32
	rate dec.Rate
}

var rateColumns = []string{"currency", "date", "rate"}

// ReadRates reads an exchange rates CSV: currency (an ISO 4217 code), date
// (YYYY-MM-DD) and rate (units of the plan's currency one unit buys, above
// 0, up to 8 decimal places). One currency has one rate a day; the rows may
// come in any order.
func ReadRates(r io.Reader, name string) (*Rates, error) {
	c := newCSVReader(r, name)
	col, err := c.header(rateColumns)
	if err != nil {
		return nil, err
	}
	for i := range rateColumns {
		if col[i] < 0 {
			return nil, &InputError{File: name, Line: 1, Msg: fmt.Sprintf("missing required column %q (a rates file has currency, date and rate)", rateColumns[i]) + c.separatorHint()}
		}
	}
	width := len(c.fields)
	rs := &Rates{File: name, by: map[string][]rateOn{}}
	lines := map[[2]any]int{} // (currency, day) → line
	for c.next() {
		if len(c.fields) != width {
			return nil, c.raggedError(width)
		}
		cur := string(c.fields[col[0]])
		if _, ok := dec.CurrencyDigits(cur); !ok {
			return nil, c.fieldError(col[0], "currency", "%q is not an ISO 4217 currency code such as EUR, GBP or JPY", cur)
		}
		day, err := c.date(col[1], "date")
		if err != nil {
			return nil, err
		}
		if day == NoDate {
			return nil, c.fieldError(col[1], "date", "a rate needs the date it holds from")
		}
		rate, err := dec.ParseExchange(string(c.fields[col[2]]))
		if err != nil {
			return nil, c.fieldError(col[2], "rate", "%q %v", c.fields[col[2]], err)
		}
		k := [2]any{cur, day}
		if at, dup := lines[k]; dup {
			return nil, c.fieldError(col[1], "date", "a second %s rate for %s (the first is on line %d): one rate a day", cur, FormatDate(day), at)
		}
		lines[k] = c.recLine
		rs.by[cur] = append(rs.by[cur], rateOn{day, rate})
	}
	if c.err != nil {
		return nil, c.err
	}
	for _, list := range rs.by {
		slices.SortFunc(list, func(a, b rateOn) int { return int(a.day - b.day) })
	}
	return rs, nil
}

// At returns the rate of currency cur on day: the latest given on or
// before it.
func (rs *Rates) At(cur string, day int32) (dec.Rate, bool) {
	if rs == nil {
		return 0, false
	}
	return rateIn(rs.by[cur], day)
}

// rateIn is the latest rate of list (ascending by day) on or before day.
func rateIn(list []rateOn, day int32) (dec.Rate, bool) {
	i, _ := slices.BinarySearchFunc(list, day+1, func(r rateOn, d int32) int { return int(r.day - d) })
	if i == 0 {
		return 0, false
	}
	return list[i-1].rate, true
}

// converter converts the sales of one block (see Money.convert),
// remembering, for each currency it has seen, its rates and the last day
// and rate it looked up: a block's rows share a few currencies, and a
// shop's export comes in date order.
type converter struct {
	m    *Money
	seen []seenCurrency
}

type seenCurrency struct {
	code [3]byte
	list []rateOn
	day  int32
	rate dec.Rate
}

// convert is Money.convert with the lookups remembered.
func (cv *converter) convert(amount dec.D, cur []byte, day int32) (dec.D, error) {
	if cv.m == nil || cv.m.Rates == nil || day == NoDate || len(cur) != 3 {
		return cv.m.convert(amount, string(cur), day) // says what is missing
	}
	var sc *seenCurrency
	for i := range cv.seen {
		if cv.seen[i].code == [3]byte(cur) {
			sc = &cv.seen[i]
			break
		}
	}
	if sc == nil {
		code := string(cur)
		if _, ok := dec.CurrencyDigits(code); !ok || len(cv.seen) == 32 {
			return cv.m.convert(amount, code, day)
		}
		cv.seen = append(cv.seen, seenCurrency{code: [3]byte(cur), list: cv.m.Rates.by[code], day: NoDate})
		sc = &cv.seen[len(cv.seen)-1]
	}
	if day != sc.day {
		rate, ok := rateIn(sc.list, day)
		if !ok {
			return cv.m.convert(amount, string(cur), day)
		}
		sc.day, sc.rate = day, rate
	}
	v, ok := dec.Convert(amount, sc.rate, cv.m.Digits)
	if !ok {
		return cv.m.convert(amount, string(cur), day)
	}
	return v, nil
}

// convert converts amount, in currency cur, on day, to the plan's currency
// (m), at the latest rate on or before day, rounded half-even to the plan's
// minor unit; the error says what is missing (what names the sale).
func (m *Money) convert(amount dec.D, cur string, day int32) (dec.D, error) {
	if _, ok := dec.CurrencyDigits(cur); !ok {
		return 0, fmt.Errorf("%q is not an ISO 4217 currency code such as EUR, GBP or JPY", cur)
	}
	if m == nil || m.Rates == nil {
		return 0, fmt.Errorf("a sale in %s, and no exchange rates: give --rates FILE with %s's rates in the plan's currency", cur, cur)
	}
	if day == NoDate {
		return 0, fmt.Errorf("a sale in %s without a date: its rate is the one on its date", cur)
	}
	rate, ok := m.Rates.At(cur, day)
	if !ok {
		return 0, fmt.Errorf("no %s rate on or before %s in %s", cur, FormatDate(day), m.Rates.File)
	}
	v, ok := dec.Convert(amount, rate, m.Digits)
	if !ok {
		return 0, fmt.Errorf("%s %s at %s is too large for compplan's exact decimals", amount, cur, rate.AppendFraction(nil))
	}
	return v, nil
}

// pendingReturn is a return in another currency read from a sales file,
// its amount (0 so far) to be converted at its order's rate.
type pendingReturn struct {
	line, col int
	order     string
	currency  string
	amount    dec.D // in currency
	day       int32
	// volume, qv and cv: the column was empty, so it is the converted
	// amount (qv and cv through the volume).
	volume, qv, cv bool
}

// foreignOrder is the currency and day of an order's first row in another
// currency.
type foreignOrder struct {
	currency string
	day      int32
}

// foreignOrders are a block's rows in another currency with an order id,
// in file order: the order, its currency and day. A return in another
// currency needs its order's; they become a map only when there is one.
type foreignOrders struct {
	ids  strtab
	code [][3]byte
	day  []int32
}

// noteForeignOrder records the currency and day of a row in another
// currency, for its order's returns.
func (s *Sales) noteForeignOrder(order, cur []byte, day int32) {
	if len(s.foreign) == 0 {
		s.foreign = []*foreignOrders{{ids: newStrtab()}}
	}
	f := s.foreign[len(s.foreign)-1]
	f.ids.add(order) // a block holds far less than 4 GiB
	f.code, f.day = append(f.code, [3]byte(cur)), append(f.day, day)
}

// foreignMap is the currency and day of every order in another currency:
// its first row's in the file.
func (s *Sales) foreignMap() map[string]foreignOrder {
	out := map[string]foreignOrder{}
	for _, f := range s.foreign {
		for i := range f.day {
			o := string(f.ids.get(int32(i)))
			if _, seen := out[o]; !seen {
				out[o] = foreignOrder{string(f.code[i][:]), f.day[i]}
			}
		}
	}
	return out
}

// convertReturns converts the returns in another currency read from file
// at their orders' rates (the latest on or before the order's date), now
// that every order is read: the sales amount of the day and in all, and the
// volume, qv and cv left empty, become the converted amount. A return whose
// order is not in the sales in that currency is an error naming its row.
func (d *Data) convertReturns(file string) error {
	s := &d.Sales
	defer func() { s.pending, s.foreign = nil, nil }()
	if len(s.pending) == 0 {
		return nil
	}
	type at struct {
		chunk *SaleChunk
		k     int
	}
	where := map[int32]at{}
	for c := range s.Chunks {
		ch := &s.Chunks[c]
		if ch.file != file {
			continue
		}
		for k, line := range ch.returnAt {
			where[line] = at{ch, int(k)}
		}
	}
	foreign := s.foreignMap()
	for _, p := range s.pending {
		bad := func(format string, args ...any) error {
			return &InputError{File: file, Line: p.line, Column: p.col, Field: "currency", Msg: fmt.Sprintf(format, args...)}
		}
		o, ok := foreign[p.order]
		switch {
		case !ok:
			return bad("a return in %s of order %s, which is not in the sales in %s: a return converts at its order's rate; give the order's row, or the return's amount in %s", p.currency, p.order, p.currency, d.Money.Currency)
		case o.currency != p.currency:
			return bad("a return in %s of order %s, which is in %s: a return is in its order's currency", p.currency, p.order, o.currency)
		}
		v, err := d.Money.convert(p.amount, p.currency, o.day)
		if err != nil {
			return bad("%v", err)
		}
		var o1, o2 bool
		s.Amount, o1 = dec.Add(s.Amount, v)
		if s.dayAmount == nil {
			s.dayAmount = map[int32]dec.D{}
		}
		s.dayAmount[p.day] += v
		a, found := where[int32(p.line)]
		if !found {
			return bad("internal error: the return read here is not among the sales") // never: every return is marked
		}
		if p.volume && p.cv {
			a.chunk.setVolume(a.k, v)
			s.TotalVolume, o2 = dec.Add(s.TotalVolume, v)
		}
		if p.volume && p.qv && a.chunk.QV != nil {
			a.chunk.QV[a.k] = v
		}
		if o1 || o2 {
			return &InputError{File: file, Line: p.line, Msg: "total sales are too large for compplan's exact decimals", Err: dec.ErrOverflow}
		}
	}
	return nil
}

// setVolume sets sale k's commissionable volume, widening the chunk's
// volumes to eight bytes when it does not fit in four.
func (c *SaleChunk) setVolume(k int, v dec.D) {
	if c.vol32 != nil {
		if int64(v) == int64(int32(v)) {
			c.vol32[k] = int32(v)
			return
		}
		c.SetVolumes(slices.Clone(c.Volumes()))
	}
	c.Volume[k] = v
}
