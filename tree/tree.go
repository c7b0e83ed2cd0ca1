// Package tree holds the genealogy compplan computes over: members, the
// sponsor tree, their sales, CSV loading and volume roll-ups.
//
// Members are stored as compact arrays indexed by a member number (int32,
// in file order); ids and names are interned once in byte arenas. Nothing
// here recurses over the tree, so a line ten million members deep works.
package tree

import (
	"bytes"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/compplan/compplan/tree/dec"
)

// NoDate marks an empty date.
const NoDate int32 = -1 << 31

// Org is a set of members and their sponsor tree (several roots are
// several organisations).
type Org struct {
	file  string // the members file, for errors found later
	ids   strtab
	names strtab
	index idIndex
	// indexKeys is the strtab the index's entries name, when it is not
	// ids: an organisation as of an earlier day shares its whole
	// organisation's index (see subset), and ignores the members past its
	// own.
	indexKeys *strtab
	sponsor   []int32 // member number of the sponsor; -1 for a root
	joined    []int32 // days since 1970-01-01, or NoDate

	// Optional columns: nil when the file has none.
	firstUnjoined int        // line of the first member without a joined date, 0 for none
	customer      []bool     // type customer
	terminated    []int32    // termination day, or NoDate
	floor         []int32    // rank floor: index into floorNames, or -1
	floorNames    []string   // the rank names the floors use
	floorAt       [][2]int32 // line and column where each floor name first appears
	payCur        []uint8    // the currency column: 0 none (the plan's), else payNames[payCur-1]
	payNames      []string

	// Explicit placements (nil without the columns) and each member's
	// line, kept with them for errors found when placing.
	placeParent  []int32 // binary parent, or -1
	placeLeg     []uint8
	matrixParent []int32
	lines        []int32

	childStart []int32 // children of i are children[childStart[i]:childStart[i+1]]
	children   []int32
	topDown    []int32 // every member after its sponsor
	// numbered: every sponsor's number is below their recruits' (a
	// members file in the order members joined), so topDown is number
	// order and the first k members are a tree of their own.
	numbered bool
	byID     []int32 // member numbers sorted by id, bytewise
	byIDOnce sync.Once

	// With a moves file (ReadMoves): the organisation before any move, and
	// the moves by date; the organisation itself is the tree after all of
	// them.
	base  *Org
	moves []move
}

// File is the name of the members file the organisation was read from.
func (o *Org) File() string { return o.file }

// Len is the number of members.
func (o *Org) Len() int { return len(o.sponsor) }

// ID returns member i's id.
func (o *Org) ID(i int32) string { return string(o.ids.get(i)) }

// AppendID appends member i's id to b.
func (o *Org) AppendID(b []byte, i int32) []byte { return append(b, o.ids.get(i)...) }

// IDsArePlain reports whether no member id holds a comma, quote or line
// break, so ids can be written to CSV without quoting.
func (o *Org) IDsArePlain() bool { return plainCSV(o.ids.data) }

// OrderIDsArePlain reports the same for the kept order ids.
func (s *Sales) OrderIDsArePlain() bool {
	for _, c := range s.Chunks {
		if !plainCSV(c.orders.data) {
			return false
		}
	}
	return true
}

func plainCSV(b []byte) bool { return bytes.IndexAny(b, ",\"\r\n") < 0 }

// Name returns member i's name.
func (o *Org) Name(i int32) string { return string(o.names.get(i)) }

// AppendName appends member i's name to b.
func (o *Org) AppendName(b []byte, i int32) []byte { return append(b, o.names.get(i)...) }

// Sponsor returns the member number of i's sponsor, or -1 for a root.
func (o *Org) Sponsor(i int32) int32 { return o.sponsor[i] }

// Sponsors returns the sponsor of every member (-1 for a root). Do not modify.
func (o *Org) Sponsors() []int32 { return o.sponsor }

// FirstUnjoined is the line of the first member without a joined date (0:
// every member has one), for plans that need it.
func (o *Org) FirstUnjoined() int { return o.firstUnjoined }

// Customer reports whether member i is a retail customer (type customer).
func (o *Org) Customer(i int32) bool { return o.customer != nil && o.customer[i] }

// HasCustomers reports whether the members file has a type column.
func (o *Org) HasCustomers() bool { return o.customer != nil }

// PayCurrency returns the currency member i is paid in, from the members
// file's currency column: "" when none is given (the plan's).
func (o *Org) PayCurrency(i int32) string {
	if o.payCur == nil || o.payCur[i] == 0 {
		return ""
	}
	return o.payNames[o.payCur[i]-1]
}

// HasPayCurrency reports whether the members file has a currency column.
func (o *Org) HasPayCurrency() bool { return o.payCur != nil }

// Terminated returns the day member i was terminated, or NoDate.
func (o *Org) Terminated(i int32) int32 {
	if o.terminated == nil {
		return NoDate
	}
	return o.terminated[i]
}

// Floor returns the name of member i's rank floor, or "".
func (o *Org) Floor(i int32) string {
	if o.floor == nil || o.floor[i] < 0 {
		return ""
	}
	return o.floorNames[o.floor[i]]
}

// HasFloors reports whether the members file has a rank column.
func (o *Org) HasFloors() bool { return o.floor != nil }

// FloorNames returns the distinct rank floor names, with the line and
// column where each first appears, for checking them against a plan.
func (o *Org) FloorNames() ([]string, [][2]int32) { return o.floorNames, o.floorAt }

// FloorIndex returns the index into FloorNames of member i's floor, or -1.
func (o *Org) FloorIndex(i int32) int32 {
	if o.floor == nil {
		return -1
	}
	return o.floor[i]
}

// Joined returns the day member i joined (days since 1970-01-01), or NoDate.
func (o *Org) Joined(i int32) int32 { return o.joined[i] }

// Children returns the members i sponsored personally. Do not modify.
func (o *Org) Children(i int32) []int32 { return o.children[o.childStart[i]:o.childStart[i+1]] }

// TopDown returns every member number, each after its sponsor (in number
// order when every sponsor's number is below their recruits'). Walk it
// backwards to go bottom-up. Do not modify.
func (o *Org) TopDown() []int32 { return o.topDown }

// ByID returns every member number sorted by id (bytewise). Do not modify.
func (o *Org) ByID() []int32 {
	o.byIDOnce.Do(func() { o.byID = o.sortByID() })
	return o.byID
}

// CompareIDs compares the ids of members a and b bytewise.
func (o *Org) CompareIDs(a, b int32) int { return bytes.Compare(o.ids.get(a), o.ids.get(b)) }

// Lookup returns the member number of id, or -1.
func (o *Org) Lookup(id string) int32 { return o.find([]byte(id)) }

// find returns the number of the member with id, or -1.
func (o *Org) find(id []byte) int32 {
	if o.indexKeys == nil {
		return o.index.find(&o.ids, id)
	}
	if m := o.index.find(o.indexKeys, id); m < int32(o.Len()) {
		return m
	}
	return -1
}

// findBatch is find for each of keys, a batch at a time (see
// idIndex.warmBatch); joined, when not nil, gets each one's joined day.
func (o *Org) findBatch(keys [][]byte, out, joined []int32) uint64 {
	var hs [batch]uint64
	sink := o.index.warmBatch(keys, hs[:len(keys)], joined != nil)
	o.findWarmed(keys, hs[:len(keys)], out, joined)
	return sink
}

// findWarmed is findBatch's second half, given what idIndex.warmBatch
// set in hs.
func (o *Org) findWarmed(keys [][]byte, hs []uint64, out, joined []int32) {
	if o.indexKeys == nil {
		o.index.findWarmed(&o.ids, keys, hs, out, joined)
		return
	}
	o.index.findWarmed(o.indexKeys, keys, hs, out, joined)
	for i, m := range out[:len(keys)] {
		if m >= int32(o.Len()) {
			out[i] = -1
		}
	}
}

func (o *Org) sortByID() []int32 {
	n := int32(o.Len())
	if d := o.index.dense; d != nil {
		// Ids of one shape: a walk of their numbers, no comparison (and no
		// check whether the file had them sorted: the walk costs less).
		if byID := d.byID(n); len(byID) == int(n) { // every member: always
			return byID
		}
	}
	idx := make([]int32, n)
	sorted := true
	for i := range n {
		idx[i] = i
		if i > 0 && sorted && o.CompareIDs(i-1, i) > 0 {
			sorted = false
		}
	}
	if !sorted {
		idx = o.parallelSort(idx)
	}
	return idx
}

// parallelSort sorts member numbers by id: each core sorts a part, then the
// parts are merged pairwise.
func (o *Org) parallelSort(idx []int32) []int32 {
	parts := runtime.GOMAXPROCS(0)
	if len(idx) < 1<<16 || parts < 2 {
		slices.SortFunc(idx, o.CompareIDs)
		return idx
	}
	bounds := make([]int, parts+1)
	for i := range bounds {
		bounds[i] = i * len(idx) / parts
	}
	var wg sync.WaitGroup
	for i := 0; i < parts; i++ {
		wg.Add(1)
		go func(part []int32) {
			defer wg.Done()
			slices.SortFunc(part, o.CompareIDs)
		}(idx[bounds[i]:bounds[i+1]])
	}
	wg.Wait()
	buf := make([]int32, len(idx))
	for width := 1; width < parts; width *= 2 {
		for i := 0; i+width < parts; i += 2 * width {
			lo, mid, hi := bounds[i], bounds[i+width], bounds[min(i+2*width, parts)]
			o.merge(buf[lo:hi], idx[lo:mid], idx[mid:hi])
			copy(idx[lo:hi], buf[lo:hi])
		}
	}
	return idx
}

// merge merges sorted a and b into out.
func (o *Org) merge(out, a, b []int32) {
	i, j := 0, 0
	for k := range out {
		if j == len(b) || (i < len(a) && o.CompareIDs(a[i], b[j]) <= 0) {
			out[k] = a[i]
			i++
		} else {
			out[k] = b[j]
			j++
		}
	}
}

// Sales is the period's sales, stored in chunks of struct-of-arrays so that
// tens of millions of sales never need one huge reallocation, and so that
// chunks can be worked on in parallel.
type Sales struct {
	Chunks []SaleChunk
	// Amount and TotalVolume are the sums over all sales.
	Amount      dec.D
	TotalVolume dec.D
	// FirstUndated is the line of the first sale without a date, in
	// UndatedFile (0: every sale has one), for plans that need dates.
	FirstUndated int
	UndatedFile  string
	// FirstNoOrder is the line of the first sale without an order_id, in
	// NoOrderFile (0: every sale has one), for plans that need order ids.
	FirstNoOrder int
	NoOrderFile  string
	// dayAmount is the sales amount of each day, for the amount of a
	// period; while a block is read, days holds the sums from daysFrom on.
	dayAmount map[int32]dec.D
	days      []dec.D
	daysFrom  int32
	// spare holds arrays a reader is done with, for addRow to reuse when
	// it adds a column to a chunk (nil: allocate).
	spare *SaleChunk
	// While a file is read: the returns in another currency, converted
	// at their order's rate once every order is read, and the orders in
	// another currency (see convertReturns).
	pending []pendingReturn
	foreign []*foreignOrders
}

// reuse returns *spare resliced to n when it has room for capacity, and
// takes it; otherwise a new slice. Its first n elements are not cleared.
func reuse[T any](spare *[]T, n, capacity int) []T {
	if b := *spare; cap(b) >= capacity {
		*spare = nil
		return b[:n]
	}
	return make([]T, n, capacity)
}

// SaleChunk is a run of sales: sale k is by member Member[k] with
// commissionable volume VolumeOf(k) (the cv column, else volume, else
// amount).
type SaleChunk struct {
	Member []int32
	// Volume is each sale's commissionable volume, unless the chunk holds
	// them in vol32: read them with VolumeOf or Volumes.
	Volume []dec.D
	// vol32 holds the volumes in four bytes each instead of eight, in the
	// chunks of a sales file whose volumes all fit (±214,748.3647, as
	// most sales do); Volume is nil then.
	vol32 []int32
	// QV is each sale's qualifying volume (the qv column, else the volume
	// column, else the amount); nil when it equals Volume throughout.
	QV []dec.D
	// Date is each sale's day (NoDate when not given); nil when no sale in
	// the chunk has one, or when the chunk holds its days in days (as the
	// sales read from a file do): read them with DateOf.
	Date []int32
	// days holds each sale's day as dayBase+days[k] (noDay: none), in
	// two bytes instead of Date's four.
	days    []uint16
	dayBase int32
	// Type indexes TypeNames for each sale; nil without a type column.
	Type      []uint8
	typeNames []string
	orders    strtab // order ids, only when Data.KeepOrderIDs was set
	// returnAt is where each return row of the chunk was read (sale k →
	// its line in file); nil when the chunk holds no return read from a
	// file. Returns are few: a sparse map costs nothing per sale.
	returnAt map[int32]int32
	file     string
}

// Where returns the file and line sale k was read from, when known: for
// returns (type return) read from a sales file; "" and 0 otherwise.
func (c *SaleChunk) Where(k int) (file string, line int) {
	if l, ok := c.returnAt[int32(k)]; ok {
		return c.file, int(l)
	}
	return "", 0
}

// markReturn records that the chunk's last sale is a return read from line
// of file.
func (c *SaleChunk) markReturn(file string, line int) {
	if c.returnAt == nil {
		c.returnAt = map[int32]int32{}
	}
	c.returnAt[int32(len(c.Member)-1)] = int32(line)
	c.file = file
}

// WarmOrderIDs touches the order ids of n sales, sale i being entry k of
// chunk c for c, k = at(i), in two passes of loads that do not wait on one
// another: their offsets, then their first bytes. A pass that then reads
// them in an order unrelated to the file's (the ledger, in seller order,
// of a file in date order) finds them in the caches instead of waiting for
// each in turn. It returns a value made of the loads: keep it (add it to
// a sink) so they are not dropped.
func (s *Sales) WarmOrderIDs(n int, at func(i int) (c, k int32)) uint64 {
	var sink uint64
	for i := range n {
		if c, k := at(i); c >= 0 && int(k) < s.Chunks[c].orders.len() {
			sink += uint64(s.Chunks[c].orders.off[k])
		}
	}
	for i := range n {
		if c, k := at(i); c >= 0 && int(k) < s.Chunks[c].orders.len() {
			o := &s.Chunks[c].orders
			if start := o.off[k]; start < o.off[k+1] {
				sink += uint64(o.data[start])
			}
		}
	}
	return sink
}

// AppendOrderID appends sale k's order id to b (nothing when not kept).
func (c *SaleChunk) AppendOrderID(b []byte, k int) []byte {
	if c.orders.len() <= k {
		return b
	}
	return append(b, c.orders.get(int32(k))...)
}

// OrderIDBytes returns sale k's order id without copying; do not modify.
func (c *SaleChunk) OrderIDBytes(k int) []byte {
	if c.orders.len() <= k {
		return nil
	}
	return c.orders.get(int32(k))
}

// OrderID returns sale k's order id ("" when not kept or not given).
func (c *SaleChunk) OrderID(k int) string {
	if c.orders.len() <= k {
		return ""
	}
	return string(c.orders.get(int32(k)))
}

// Len is the number of sales.
func (s *Sales) Len() int {
	n := 0
	for _, c := range s.Chunks {
		n += len(c.Member)
	}
	return n
}

// add appends one sale to the last chunk, starting a new one when full.
// order is its order id, kept when keep is set.
func (s *Sales) add(m int32, v dec.D, order []byte, keep bool) bool {
	return s.addRow(&saleRow{member: m, cv: v, order: order, date: NoDate}, keep)
}

// noDay marks a sale without a date in SaleChunk.days.
const noDay = math.MaxUint16

// DateOf returns sale k's day, or NoDate.
func (c *SaleChunk) DateOf(k int) int32 {
	if c.days != nil {
		if d := c.days[k]; d != noDay {
			return c.dayBase + int32(d)
		}
		return NoDate
	}
	if c.Date == nil {
		return NoDate
	}
	return c.Date[k]
}

// Dated reports whether any sale of the chunk may have a date.
func (c *SaleChunk) Dated() bool { return c.days != nil || c.Date != nil }

// saleRow is one sale as read: cv is its commissionable volume (Volume),
// qv its qualifying volume, hasQV set when they differ; typ its type
// when the file has a type column.
type saleRow struct {
	member     int32
	cv, qv     dec.D
	hasQV      bool
	typ, order []byte
	hasType    bool
	date       int32 // NoDate when not given
}

func (s *Sales) addRow(r *saleRow, keep bool) bool {
	const size = 1 << 16
	if n := len(s.Chunks); n == 0 || len(s.Chunks[n-1].Member) == cap(s.Chunks[n-1].Member) {
		s.Chunks = append(s.Chunks, SaleChunk{Member: make([]int32, 0, size), Volume: make([]dec.D, 0, size)})
	}
	c := &s.Chunks[len(s.Chunks)-1]
	k := len(c.Member)
	c.Member = append(c.Member, r.member)
	c.Volume = append(c.Volume, r.cv)
	if r.date != NoDate && c.Date == nil {
		c.Date = make([]int32, k, cap(c.Member))
		if s.spare != nil {
			c.Date = reuse(&s.spare.Date, k, cap(c.Member))
		}
		for i := range c.Date {
			c.Date[i] = NoDate
		}
	}
	if c.Date != nil {
		c.Date = append(c.Date, r.date)
	}
	if r.hasQV {
		if c.QV == nil {
			c.QV = make([]dec.D, k, cap(c.Member))
			if s.spare != nil {
				c.QV = reuse(&s.spare.QV, k, cap(c.Member))
			}
			copy(c.QV, c.Volume) // earlier sales: qv = cv
		}
		c.QV = append(c.QV, r.qv)
	} else if c.QV != nil {
		c.QV = append(c.QV, r.cv)
	}
	if r.hasType {
		if c.Type == nil {
			c.Type = make([]uint8, k, cap(c.Member))
			if s.spare != nil {
				c.Type = reuse(&s.spare.Type, k, cap(c.Member))
				clear(c.Type)
			}
		}
		t := slices.Index(c.typeNames, string(r.typ))
		if t < 0 {
			if len(c.typeNames) == 255 {
				return false
			}
			t = len(c.typeNames)
			c.typeNames = append(c.typeNames, string(r.typ))
		}
		c.Type = append(c.Type, uint8(t))
	} else if c.Type != nil {
		c.Type = append(c.Type, c.emptyType())
	}
	if keep {
		if c.orders.off == nil {
			c.orders = newStrtab()
			for range k {
				c.orders.add(nil)
			}
		}
		return c.orders.add(r.order)
	}
	return true
}

// emptyType is the index of the empty type name, added if needed.
func (c *SaleChunk) emptyType() uint8 {
	t := slices.Index(c.typeNames, "")
	if t < 0 {
		t = len(c.typeNames)
		c.typeNames = append(c.typeNames, "")
	}
	return uint8(t)
}

// TypeOf returns sale k's type ("" when not given).
func (c *SaleChunk) TypeOf(k int) string {
	if c.Type == nil {
		return ""
	}
	return c.typeNames[c.Type[k]]
}

// TypeNames returns the types used in this chunk: Type[k] indexes it.
func (c *SaleChunk) TypeNames() []string { return c.typeNames }

// VolumeOf returns sale k's commissionable volume.
func (c *SaleChunk) VolumeOf(k int) dec.D {
	if c.vol32 != nil {
		return dec.D(c.vol32[k])
	}
	return c.Volume[k]
}

// Volumes returns the commissionable volumes: Volume, or a copy made from
// vol32. Do not modify.
func (c *SaleChunk) Volumes() []dec.D {
	if c.vol32 == nil {
		return c.Volume
	}
	v := make([]dec.D, len(c.vol32))
	for k, x := range c.vol32 {
		v[k] = dec.D(x)
	}
	return v
}

// SetVolumes makes v the chunk's volumes.
func (c *SaleChunk) SetVolumes(v []dec.D) { c.Volume, c.vol32 = v, nil }

// QVOrVolume returns the qualifying volumes (the volumes when they are the
// same). Do not modify.
func (c *SaleChunk) QVOrVolume() []dec.D {
	if c.QV == nil {
		return c.Volumes()
	}
	return c.QV
}

// QVOf returns sale k's qualifying volume.
func (c *SaleChunk) QVOf(k int) dec.D {
	if c.QV == nil {
		return c.VolumeOf(k)
	}
	return c.QV[k]
}

// merge adds t's sales after s's.
func (s *Sales) merge(t *Sales) bool {

	var o1, o2 bool
	s.Amount, o1 = dec.Add(s.Amount, t.Amount)
	s.TotalVolume, o2 = dec.Add(s.TotalVolume, t.TotalVolume)
	s.Chunks = append(s.Chunks, t.Chunks...)
	s.pending = append(s.pending, t.pending...)
	s.foreign = append(s.foreign, t.foreign...) // blocks in file order: the first row of an order comes first
	for day, a := range t.dayAmount {
		if s.dayAmount == nil {
			s.dayAmount = map[int32]dec.D{}
		}
		s.dayAmount[day] += a
	}
	return !o1 && !o2
}

// Data is what a run computes over: the organisation and its sales.
type Data struct {
	Org   *Org
	Sales Sales
	// Period is the period the data was cut to (see InPeriod, Split and
	// WithSales); nil for a run over all the sales.
	Period *Period
	// Adjustments are one-off corrections (see ReadAdjustments).
	Adjustments []Adjustment
	// AdjustmentsFile is the file they were read from, for errors.
	AdjustmentsFile string
	// CarryIn is each member's binary carry-in, left and right (nil:
	// none), read from CarryInFile (see ReadCarry).
	CarryIn     *[2][]dec.D
	CarryInFile string
	// KeepOrderIDs makes ReadSales keep each sale's order_id (for a
	// ledger or an explanation); without it they are checked and dropped.
	KeepOrderIDs bool
	// Money is the plan's currency and the exchange rates ReadSales
	// converts a sale's amount in another currency with (nil: every
	// sale is in the plan's currency).
	Money *Money
}

// build links children to sponsors, orders members top-down and rejects
// sponsor cycles. lines gives each member's line in file for errors.
func (o *Org) build(file string, lines []int32) error {
	n := len(o.sponsor)
	o.childStart = make([]int32, n+1)
	for _, s := range o.sponsor {
		if s >= 0 {
			o.childStart[s+1]++
		}
	}
	for i := 0; i < n; i++ {
		o.childStart[i+1] += o.childStart[i]
	}
	o.children = make([]int32, o.childStart[n])
	fill := slices.Clone(o.childStart[:n])
	for i, s := range o.sponsor {
		if s >= 0 {
			o.children[fill[s]] = int32(i)
			fill[s]++
		}
	}
	// When every sponsor has a smaller number than their recruits (a
	// members file in the order members joined), number order is top-down:
	// the passes over every member then read their arrays in order, not at
	// random (at ten million members, a third of the rank pass). Such a
	// tree has no cycle.
	inOrder := true
	for i, s := range o.sponsor {
		if s >= int32(i) {
			inOrder = false
			break
		}
	}
	if inOrder {
		o.topDown = make([]int32, n)
		for i := range o.topDown {
			o.topDown[i] = int32(i)
		}
		o.numbered = true
		return nil
	}
	o.numbered = false
	// Otherwise as near number order as can be (most members usually come
	// after their sponsors: a few moved or late-numbered ones do not): in
	// number order, a member whose sponsor is not out yet waits, and comes
	// right after the sponsor, with those waiting on it in turn. The passes
	// over every member then still read mostly in order.
	o.topDown = make([]int32, 0, n)
	out := make([]bool, n)
	var stack []int32
	for i, s := range o.sponsor {
		if s >= 0 && !out[s] {
			continue // waits for its sponsor
		}
		stack = append(stack[:0], int32(i))
		for len(stack) > 0 {
			m := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			o.topDown, out[m] = append(o.topDown, m), true
			for _, c := range o.Children(m) {
				if c < int32(i) { // passed over, waiting for m
					stack = append(stack, c)
				}
			}
		}
	}
	if len(o.topDown) == n {
		return nil
	}
	return o.cycleError(file, lines)
}

// cycleError describes a sponsor cycle: members not reached from any root
// hang on a cycle. It names the cycle through the first such member.
func (o *Org) cycleError(file string, lines []int32) error {
	reached := make([]bool, len(o.sponsor))
	for _, i := range o.topDown {
		reached[i] = true
	}
	start := int32(slices.Index(reached, false))
	// Walk up until a member repeats; that member is on the cycle.
	seen := map[int32]bool{}
	m := start
	for !seen[m] {
		seen[m] = true
		m = o.sponsor[m]
	}
	cycle := []int32{m}
	for s := o.sponsor[m]; s != m; s = o.sponsor[s] {
		cycle = append(cycle, s)
	}
	return describeCycle(o, cycle, func(m int32) int { return int(lines[m]) }, func(int32) string { return "is sponsored by" },
		file, "sponsor_id", "sponsor cycle", "every line of sponsors must end at a member with an empty sponsor_id")
}

// PersonalVolume returns each member's PV: the sum of their sales'
// qualifying volume.
func PersonalVolume(o *Org, s *Sales) ([]dec.D, error) {
	pv := make([]dec.D, o.Len())
	for _, c := range s.Chunks {
		qv := c.QV
		if qv == nil && c.vol32 != nil {
			for k, m := range c.Member {
				v, over := dec.Add(pv[m], dec.D(c.vol32[k]))
				if over {
					return nil, fmt.Errorf("personal volume of member %s is too large for compplan's exact decimals", o.ID(m))
				}
				pv[m] = v
			}
			continue
		}
		if qv == nil {
			qv = c.Volume
		}
		for k, m := range c.Member {
			v, over := dec.Add(pv[m], qv[k])
			if over {
				return nil, fmt.Errorf("personal volume of member %s is too large for compplan's exact decimals", o.ID(m))
			}
			pv[m] = v
		}
	}
	return pv, nil
}

// GroupVolume returns each member's GV: their PV plus the PV of everyone
// below them in the sponsor tree. It runs in one bottom-up pass.
func GroupVolume(o *Org, pv []dec.D) ([]dec.D, error) {
	gv := slices.Clone(pv)
	td := o.topDown
	for k := len(td) - 1; k >= 0; k-- {
		m := td[k]
		if s := o.sponsor[m]; s >= 0 {
			v, over := dec.Add(gv[s], gv[m])
			if over {
				return nil, fmt.Errorf("group volume of member %s is too large for compplan's exact decimals", o.ID(s))
			}
			gv[s] = v
		}
	}
	return gv, nil
}
