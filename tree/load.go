package tree

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"

	"github.com/compplan/compplan/tree/dec"
)

// Members file columns.
const (
	mID = iota
	mSponsor
	mName
	mJoined
	mAmount
	mVolume
	mType
	mRank
	mTerminated
	mPlacement
	mLeg
	mMatrix
	mCurrency
)

var memberColumns = []string{"id", "sponsor_id", "name", "joined", "amount", "volume", "type", "rank", "terminated", "placement_id", "leg", "matrix_parent_id", "currency"}

// Sales file columns.
const (
	sMember = iota
	sAmount
	sVolume
	sOrder
	sDate
	sType
	sQV
	sCV
	sCurrency
)

var salesColumns = []string{"member_id", "amount", "volume", "order_id", "date", "type", "qv", "cv", "currency"}

// ReadMembers reads a members CSV (see README: id, sponsor_id, name, joined,
// and optionally amount and volume for sales carried in the same file),
// builds the sponsor tree and returns the data with those sales. name is the
// file name used in errors.
func ReadMembers(r io.Reader, name string) (*Data, error) {
	return readMembers(r, name, blockSize)
}

// readMembers is ReadMembers with blocks of the given size in bytes; 0
// reads every row in turn, which tests compare the blocks with.
func readMembers(r io.Reader, name string, blocks int) (*Data, error) {
	c := newCSVReader(r, name)
	col, err := c.header(memberColumns)
	if err != nil {
		return nil, err
	}
	if col[mID] < 0 {
		return nil, &InputError{File: name, Line: 1, Msg: `missing required column "id" (the header must name the columns: id, sponsor_id, name, joined)` + c.separatorHint()}
	}
	if col[mVolume] >= 0 && col[mAmount] < 0 {
		return nil, &InputError{File: name, Line: 1, Msg: `a "volume" column needs an "amount" column: a members row with an amount is one sale of that member`}
	}
	// Size the tables from the file's size, when it has one, so that ten
	// million members are not copied over and over as the tables grow.
	size := 0 // rows, at most
	if f, ok := r.(interface{ Stat() (os.FileInfo, error) }); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			size = int(min(fi.Size()/32, math.MaxInt32))
		}
	}
	o := &Org{file: name, ids: newStrtab(), names: newStrtab(), index: newIDIndex(0), // sized when filled
		joined: make([]int32, 0, size)}
	o.ids.off = make([]uint32, 1, size+1)
	o.ids.data = make([]byte, 0, size*32/3)
	o.names.off = make([]uint32, 1, size+1)
	o.names.data = make([]byte, 0, size*32/3)
	d := &Data{Org: o}
	width := len(c.fields)
	rows := &memberRows{o: o, c: c, col: col, width: width, place: newPlacementCols(col),
		lines:  make([]int32, 0, size),
		idCols: make([]int32, 0, size),
		spIDs:  strtab{off: make([]uint32, 1, size+1), data: make([]byte, 0, size*32/3)},
		spCols: make([]int32, 0, size)}
	if blocks > 0 && rows.place == nil && col[mAmount] < 0 && col[mRank] < 0 && col[mCurrency] < 0 {
		// Rows that read into nothing shared are parsed on every core.
		if err := rows.readBlocks(blocks); err != nil {
			return nil, err
		}
	} else if err := rows.readAll(d); err != nil {
		return nil, err
	}
	lines, spIDs, spCols, place := rows.lines, &rows.spIDs, rows.spCols, rows.place
	// Ids numbered in member order are found by their number, and cannot
	// repeat; others go into the hash index, which refuses a duplicate,
	// and then into a dense index if they are of its shape.
	if !o.index.denseInOrder(&o.ids, o.joined) {
		if err := rows.index(); err != nil {
			return nil, err
		}
		o.index.useDense(&o.ids, o.joined)
	}
	// Resolve sponsors now that every id is known.
	if o.sponsor, err = o.resolveIDs(spIDs, spCols, lines, name, "sponsor_id"); err != nil {
		return nil, err
	}
	if err := o.build(name, lines); err != nil {
		return nil, err
	}
	if place != nil {
		if err := place.resolve(o, name, lines); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// sale reads the amount and volume fields of the current record as a sale
// of member m, with the order id in orderCol (-1: none) kept when keep is set.
func (c *csvReader) sale(s *Sales, m int32, amountCol, volumeCol, orderCol int, keep bool) error {
	volume, err := c.saleValues(s, amountCol, volumeCol)
	if err != nil {
		return err
	}
	var order []byte
	if orderCol >= 0 {
		order = c.fields[orderCol]
	}
	if !s.add(m, volume, order, keep) {
		return c.errorf(c.recLine, 0, "order ids add up to more than 4 GiB in one block")
	}
	return nil
}

// saleValues reads the amount and volume fields of the current record,
// adds them to s's totals and returns the volume.
func (c *csvReader) saleValues(s *Sales, amountCol, volumeCol int) (dec.D, error) {
	amount, volume, err := c.amountVolume(amountCol, volumeCol)
	if err != nil {
		return 0, err
	}
	return volume, c.addTotals(s, amount, volume)
}

// amountVolume reads the amount and the volume (the amount when empty).
func (c *csvReader) amountVolume(amountCol, volumeCol int) (amount, volume dec.D, err error) {
	if amount, err = c.decimal(amountCol, "amount"); err != nil {
		return 0, 0, err
	}
	volume, err = c.optionalDecimal(volumeCol, "volume", amount)
	return amount, volume, err
}

// addTotals adds a sale's amount and commissionable volume to s's totals.
func (c *csvReader) addTotals(s *Sales, amount, volume dec.D) error {
	var over1, over2 bool
	s.Amount, over1 = dec.Add(s.Amount, amount)
	s.TotalVolume, over2 = dec.Add(s.TotalVolume, volume)
	if over1 || over2 {
		return &InputError{File: c.name, Line: c.recLine, Msg: fmt.Sprintf("total sales are too large for compplan's exact decimals (at most %s)", dec.Max), Err: dec.ErrOverflow}
	}
	return nil
}

// optionalDecimal parses field k (a column that may be absent, k < 0, or
// empty) as a non-negative decimal, or returns def.
func (c *csvReader) optionalDecimal(k int, column string, def dec.D) (dec.D, error) {
	if k < 0 || len(c.fields[k]) == 0 {
		return def, nil
	}
	return c.decimal(k, column)
}

// decimal parses field k as a non-negative decimal.
func (c *csvReader) decimal(k int, column string) (dec.D, error) {
	f := c.fields[k]
	v, err := dec.Parse(f)
	if err != nil {
		if errors.Is(err, dec.ErrSyntax) {
			return 0, c.fieldError(k, column, "%q is not a number: %v", f, err)
		}
		return 0, c.fieldError(k, column, "%q %v", f, err)
	}
	switch {
	case c.refund && v > 0:
		return 0, c.fieldError(k, column, "%q is positive in a return: a return's amount and volumes are 0 or negative (write -%s)", f, f)
	case !c.refund && v < 0:
		return 0, c.fieldError(k, column, "%q is negative: amounts and volumes must be 0 or more (a refund is a row of type return, with the order_id of the original sale)", f)
	}
	return v, nil
}

// date parses field k as YYYY-MM-DD; empty is NoDate.
func (c *csvReader) date(k int, column string) (int32, error) {
	f := c.fields[k]
	if len(f) == 0 {
		return NoDate, nil
	}
	// Rows in a file mostly share a few dates, and months: remember the
	// last date, and the last month's first day.
	if c.hasLastDate && len(f) == 10 && [10]byte(f) == c.lastDate {
		return c.lastDay, nil
	}
	if c.hasLastDate && len(f) == 10 && [8]byte(f[:8]) == [8]byte(c.lastDate[:8]) {
		if d1, d2 := f[8], f[9]; d1 >= '0' && d1 <= '3' && d2 >= '0' && d2 <= '9' {
			if day := int(d1-'0')*10 + int(d2-'0'); day >= 1 && day <= c.lastMonthDays {
				d := c.lastDay + int32(day-c.lastDayOfMonth)
				c.lastDate, c.lastDay, c.lastDayOfMonth = [10]byte(f), d, day
				return d, nil
			}
		}
	}
	d, ok := ParseDate(f)
	if !ok {
		return 0, c.fieldError(k, column, "%q is not a date: expected YYYY-MM-DD, a real calendar day", f)
	}
	c.lastDate, c.lastDay, c.hasLastDate = [10]byte(f), d, true
	y, m := int(f[0]-'0')*1000+int(f[1]-'0')*100+int(f[2]-'0')*10+int(f[3]-'0'), int(f[5]-'0')*10+int(f[6]-'0')
	c.lastMonthDays, c.lastDayOfMonth = daysIn(y, m), int(f[8]-'0')*10+int(f[9]-'0')
	return d, nil
}

// ParseDate reads a strict YYYY-MM-DD calendar date as days since
// 1970-01-01.
func ParseDate(b []byte) (int32, bool) {
	if len(b) != 10 || b[4] != '-' || b[7] != '-' {
		return 0, false
	}
	num := func(s []byte) (int, bool) {
		n := 0
		for _, ch := range s {
			if ch < '0' || ch > '9' {
				return 0, false
			}
			n = n*10 + int(ch-'0')
		}
		return n, true
	}
	y, ok1 := num(b[0:4])
	m, ok2 := num(b[5:7])
	d, ok3 := num(b[8:10])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, false
	}
	return int32(daysFromCivil(y, m, d)), true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil is Howard Hinnant's days_from_civil.
func daysFromCivil(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// FormatDate writes days since 1970-01-01 as YYYY-MM-DD (a year past 9999,
// which no file can hold, with all its digits).
func FormatDate(days int32) string {
	y, m, d := civil(days)
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}

// readOptional reads member k's optional type, rank floor and termination
// columns.
func (o *Org) readOptional(c *csvReader, col []int, k int32) error {
	if i := col[mType]; i >= 0 {
		if o.customer == nil {
			o.customer = make([]bool, k, cap(o.joined))
		}
		switch t := string(c.fields[i]); {
		case t == "" || strings.EqualFold(t, "distributor"):
			o.customer = append(o.customer, false)
		case strings.EqualFold(t, "customer"):
			o.customer = append(o.customer, true)
		default:
			return c.fieldError(i, "type", "%q is not a member type: use distributor (the default) or customer", t)
		}
	}
	if i := col[mRank]; i >= 0 {
		f := int32(-1)
		if name := c.fields[i]; len(name) > 0 {
			if o.customer != nil && o.customer[k] {
				return c.fieldError(i, "rank", "customer %q has a rank: customers hold no rank", o.ids.get(k))
			}
			f = int32(slices.Index(o.floorNames, string(name)))
			if f < 0 {
				f = int32(len(o.floorNames))
				o.floorNames = append(o.floorNames, string(name))
				o.floorAt = append(o.floorAt, [2]int32{int32(c.lines[i]), int32(c.cols[i])})
			}
		}
		o.floor = append(o.floor, f)
	}
	if i := col[mTerminated]; i >= 0 {
		t, err := c.date(i, "terminated")
		if err != nil {
			return err
		}
		o.terminated = append(o.terminated, t)
	}
	if i := col[mCurrency]; i >= 0 {
		cur := -1
		if code := string(c.fields[i]); code != "" {
			if _, ok := dec.CurrencyDigits(code); !ok {
				return c.fieldError(i, "currency", "%q is not an ISO 4217 currency code such as EUR, GBP or JPY (the currency the member is paid in; empty: the plan's)", code)
			}
			if cur = slices.Index(o.payNames, code); cur < 0 {
				if len(o.payNames) == 255 {
					return c.fieldError(i, "currency", "more than 255 payout currencies")
				}
				cur, o.payNames = len(o.payNames), append(o.payNames, code)
			}
		}
		o.payCur = append(o.payCur, uint8(cur+1))
	}
	return nil
}
