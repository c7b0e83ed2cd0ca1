package tree

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// hashAndDense returns an index of ids by hash alone and one that
// answers through a dense index (nil when the ids are not of its shape),
// each id k with aux 1000+k.
func hashAndDense(t testing.TB, ids []string) (tab strtab, hash, dense idIndex) {
	tab = newStrtab()
	aux := make([]int32, len(ids))
	for k, id := range ids {
		tab.add([]byte(id))
		aux[k] = int32(1000 + k)
	}
	hash = newIDIndex(16)
	for from := 0; from < len(ids); from += batch {
		if dup, _ := hash.insertBatch(&tab, aux, int32(from), int32(min(from+batch, len(ids)))); dup >= 0 {
			t.Fatalf("duplicate id %q", ids[dup])
		}
	}
	dense = hash
	dense.useDense(&tab, aux)
	return tab, hash, dense
}

// lookups returns what x finds for each query, one by one and in
// batches without the aux values (one), and in batches with them
// (batched): "index/aux" or "-1".
func lookups(x *idIndex, tab *strtab, queries []string) (one, batched []string) {
	for _, q := range queries {
		one = append(one, fmt.Sprint(x.find(tab, []byte(q))))
	}
	for from := 0; from < len(queries); from += batch {
		var keys [][]byte
		for _, q := range queries[from:min(from+batch, len(queries))] {
			keys = append(keys, []byte(q))
		}
		var hs [batch]uint64
		out := make([]int32, batch)
		x.warmBatch(keys, hs[:len(keys)], false)
		x.findWarmed(tab, keys, hs[:len(keys)], out, nil)
		for i := range keys {
			one = append(one, fmt.Sprint(out[i]))
		}
	}
	for from := 0; from < len(queries); from += batch {
		var keys [][]byte
		for _, q := range queries[from:min(from+batch, len(queries))] {
			keys = append(keys, []byte(q))
		}
		var hs [batch]uint64
		out, aux := make([]int32, batch), make([]int32, batch)
		x.warmBatch(keys, hs[:len(keys)], true)
		x.findWarmed(tab, keys, hs[:len(keys)], out, aux)
		for i := range keys {
			if out[i] < 0 {
				batched = append(batched, "-1")
			} else {
				batched = append(batched, fmt.Sprintf("%d/%d", out[i], aux[i]))
			}
		}
	}
	return one, batched
}

// TestDenseIDs: which sets of ids get a dense index, and that it finds
// every id (with its aux) and nothing else, as the hash index does.
func TestDenseIDs(t *testing.T) {
	seq := func(prefix string, from, n int) []string {
		var ids []string
		for i := range n {
			ids = append(ids, fmt.Sprintf("%s%d", prefix, from+i))
		}
		return ids
	}
	tests := []struct {
		name  string
		ids   []string
		dense bool
	}{
		{"a prefix and numbers", seq("M", 1000000, 300), true},
		{"numbers alone, from 0", seq("", 0, 200), true},
		{"a prefix of 3", seq("DE-", 7, 100), true},
		{"shuffled, with gaps under twice the members", []string{"M9", "M3", "M5", "M11", "M7"}, true},
		{"one id", []string{"X42"}, true},
		{"18 digits", seq("", 100000000000000000, 10), true},
		{"19 digits", seq("", 1000000000000000000, 10), false},
		{"a leading zero", []string{"M1", "M2", "M03"}, false},
		{"two prefixes", []string{"A1", "B2"}, false},
		{"a prefix of 4", seq("ABCD", 1, 10), false},
		{"a letter after the digits", []string{"M1", "M2x"}, false},
		{"spread over more than twice the members", []string{"M1", "M2", "M7"}, false},
		{"no number", []string{"M1", "M"}, false},
		{"names", []string{"alice", "bob"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab, hash, dense := hashAndDense(t, tt.ids)
			if got := dense.dense != nil; got != tt.dense {
				t.Fatalf("dense index: %v, want %v", got, tt.dense)
			}
			queries := append([]string(nil), tt.ids...)
			for _, id := range tt.ids {
				// ':' and '/' are the bytes either side of the digits.
				queries = append(queries, "0"+id, id+"0", id[:len(id)-1], "x"+id, strings.ToLower(id), id+" ", id[:len(id)-1]+":", id[:len(id)-1]+"/")
				if i := strings.IndexAny(id, "0123456789"); i >= 0 {
					queries = append(queries, id[:i]+"0"+id[i:], id[:i]+"-"+id[i:])
				}
			}
			queries = append(queries, "", "0", "00", "M0", "M", "M18446744073709551615", "M99999999999999999999")
			wantOne, wantBatched := lookups(&hash, &tab, queries)
			gotOne, gotBatched := lookups(&dense, &tab, queries)
			for i, q := range queries {
				if gotOne[i] != wantOne[i] || gotBatched[i] != wantBatched[i] {
					t.Errorf("%q: dense finds %s (batched %s), the hash index %s (%s)", q, gotOne[i], gotBatched[i], wantOne[i], wantBatched[i])
				}
			}
			for k, id := range tt.ids { // and by hand: each id is itself
				if want := fmt.Sprintf("%d/%d", k, 1000+k); gotBatched[k] != want {
					t.Errorf("%q: %s, want %s", id, gotBatched[k], want)
				}
			}
		})
	}
}

// TestDenseInsertFallsBack: adding an id after the dense index is made
// drops it and puts the ids back in slots, aux values and all, so the new
// id is found with the others (by hash).
func TestDenseInsertFallsBack(t *testing.T) {
	tab, _, x := hashAndDense(t, []string{"M1", "M2", "M3"})
	if x.dense == nil {
		t.Fatal("no dense index")
	}
	tab.add([]byte("M4"))
	if dup, _ := x.insertBatch(&tab, nil, 3, 4); dup >= 0 {
		t.Fatal("M4 taken for a duplicate")
	}
	if x.dense != nil {
		t.Fatal("the dense index is kept after an insert")
	}
	_, got := lookups(&x, &tab, []string{"M1", "M2", "M3", "M4", "M5"})
	if want := "0/1000 1/1001 2/1002 3/0 -1"; strings.Join(got, " ") != want {
		t.Fatalf("after an insert: %s, want %s", strings.Join(got, " "), want)
	}
}

// TestUndense: the slots an insert brings back hold every id, with its
// aux, at a load of at most 3/4 (1,000 ids: over the smallest table's).
func TestUndense(t *testing.T) {
	var ids []string
	for i := range 1000 {
		ids = append(ids, fmt.Sprintf("M%d", 1+i))
	}
	tab, _, x := hashAndDense(t, ids)
	if x.dense == nil {
		t.Fatal("no dense index")
	}
	x.undense(&tab)
	if x.dense != nil || x.n != len(ids) || 4*x.n > 3*len(x.slots) {
		t.Fatalf("after undense: dense %v, %d ids in %d slots", x.dense != nil, x.n, len(x.slots))
	}
	_, got := lookups(&x, &tab, ids)
	for k := range ids {
		if want := fmt.Sprintf("%d/%d", k, 1000+k); got[k] != want {
			t.Fatalf("%s: %s, want %s", ids[k], got[k], want)
		}
	}
}

// checkDenseAgainstHash makes a random set of ids of near the shape from
// seed and n, and near-miss queries, and checks that the dense index (when
// the ids get one, which it reports) finds what the hash index finds.
func checkDenseAgainstHash(t *testing.T, seed uint64, n uint8) (dense bool) {
	rng := rand.New(rand.NewPCG(seed, 9))
	prefix := []string{"", "M", "DE-", "m"}[rng.IntN(4)]
	base := []int{0, 1, 1000000, 99999999}[rng.IntN(4)]
	spread := []int{int(n)/2 + 1, int(n) + 1, 3*int(n) + 3}[rng.IntN(3)]
	seen := map[string]bool{}
	var ids []string
	inOrder := rng.IntN(3) == 0 // numbered as the members, now and then: no slots
	for i := range int(n) + 1 {
		id := fmt.Sprintf("%s%d", prefix, base+rng.IntN(spread))
		if inOrder {
			id = fmt.Sprintf("%s%d", prefix, base+i)
		}
		if rng.IntN(200) == 0 { // now and then an id off the shape
			id = []string{prefix + "0" + id[len(prefix):], id + "a", "Q" + id}[rng.IntN(3)]
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	tab, hash, x := hashAndDense(t, ids)
	var queries []string
	for range 4 * len(ids) {
		q := fmt.Sprintf("%s%d", prefix, base+rng.IntN(spread+4)-2)
		switch rng.IntN(6) {
		case 0:
			q = "0" + q
		case 1:
			q = prefix + "0" + q[len(prefix):]
		case 2:
			q = q[:rng.IntN(len(q)+1)]
		}
		queries = append(queries, q)
	}
	wantOne, wantBatched := lookups(&hash, &tab, queries)
	gotOne, gotBatched := lookups(&x, &tab, queries)
	for i, q := range queries {
		if gotOne[i] != wantOne[i] || gotBatched[i] != wantBatched[i] {
			t.Fatalf("ids %q, dense %v: %q: dense finds %s (%s), the hash index %s (%s)", ids, x.dense != nil, q, gotOne[i], gotBatched[i], wantOne[i], wantBatched[i])
		}
	}
	if x.dense != nil {
		checkByID(t, x.dense, ids)
	}
	return x.dense != nil
}

// checkByID checks that d.byID gives the first n of ids sorted by their
// bytes, for every n.
func checkByID(t *testing.T, d *denseIDs, ids []string) {
	t.Helper()
	for _, n := range []int{len(ids), len(ids) / 2, 1, 0} {
		want := make([]int32, n)
		for k := range want {
			want[k] = int32(k)
		}
		slices.SortFunc(want, func(a, b int32) int { return strings.Compare(ids[a], ids[b]) })
		if got := d.byID(int32(n)); !slices.Equal(got, want) {
			t.Fatalf("ids %q: byID(%d) = %v, want %v", ids, n, got, want)
		}
	}
}

// TestDenseInOrder: ids numbered as the members (M1 is member 0, M2
// member 1…) need no slots: a number's position is its member, and the
// aux values are the caller's own array; a set out of that order, or with
// a gap, or without aux values for every id, has slots. Every lookup
// finds the same either way.
func TestDenseInOrder(t *testing.T) {
	var ids []string
	for i := range 500 {
		ids = append(ids, fmt.Sprintf("M%d", 1+i))
	}
	swapped := slices.Clone(ids)
	swapped[10], swapped[11] = swapped[11], swapped[10]
	gap := slices.Clone(ids)
	gap[499] = "M501"
	for _, tc := range []struct {
		name  string
		ids   []string
		slots bool
	}{{"in order", ids, false}, {"two swapped", swapped, true}, {"a gap", gap, true}} {
		tab, hash, x := hashAndDense(t, tc.ids)
		if x.dense == nil || (x.dense.slots != nil) != tc.slots {
			t.Fatalf("%s: dense %v, slots %v, want slots %v", tc.name, x.dense != nil, x.dense != nil && x.dense.slots != nil, tc.slots)
		}
		queries := append(slices.Clone(tc.ids), "M0", "M501", "M502", "M01", "X1")
		wantOne, wantBatched := lookups(&hash, &tab, queries)
		gotOne, gotBatched := lookups(&x, &tab, queries)
		if !slices.Equal(gotOne, wantOne) || !slices.Equal(gotBatched, wantBatched) {
			t.Fatalf("%s: dense finds %v %v, the hash index %v %v", tc.name, gotOne, gotBatched, wantOne, wantBatched)
		}
		checkByID(t, x.dense, tc.ids)
	}
	tab := newStrtab()
	for _, id := range ids {
		tab.add([]byte(id))
	}
	if d := newDenseIDs(&tab, make([]int32, 499), true); d == nil || d.slots == nil {
		t.Fatal("aux values for 499 of 500 ids: the slots are needed for the last one's 0")
	}
	if d := newDenseIDs(&tab, nil, true); d == nil || d.slots != nil || d.find([]byte("M500")) != 499 {
		t.Fatal("no aux values: no slots needed")
	}
}

// TestDenseByID: the walk of the numbers' prefixes, by hand.
func TestDenseByID(t *testing.T) {
	tests := []struct {
		ids  []string
		want string // the ids in byID's order
	}{
		{[]string{"9", "10", "0", "12", "1", "2", "11"}, "0 1 10 11 12 2 9"},
		{[]string{"M99", "M100", "M101", "M98", "M102"}, "M100 M101 M102 M98 M99"},
		{[]string{"99999999", "100000000", "100000001", "99999998"}, "100000000 100000001 99999998 99999999"},
		{[]string{"A5"}, "A5"},
		{[]string{"7", "8", "9", "10", "11", "12", "13", "14"}, "10 11 12 13 14 7 8 9"},
	}
	for _, tt := range tests {
		_, _, x := hashAndDense(t, tt.ids)
		if x.dense == nil {
			t.Fatalf("%q: no dense index", tt.ids)
		}
		var got []string
		for _, k := range x.dense.byID(int32(len(tt.ids))) {
			got = append(got, tt.ids[k])
		}
		if strings.Join(got, " ") != tt.want {
			t.Errorf("%q: byID gives %s, want %s", tt.ids, strings.Join(got, " "), tt.want)
		}
		checkByID(t, x.dense, tt.ids)
	}
}

// TestDenseAgainstHash runs checkDenseAgainstHash on 300 sets of ids; most
// get a dense index, some do not.
func TestDenseAgainstHash(t *testing.T) {
	dense := 0
	for seed := range uint64(300) {
		if checkDenseAgainstHash(t, seed, uint8(seed*37)) {
			dense++
		}
	}
	if dense < 100 || dense > 290 {
		t.Fatalf("%d of 300 sets got a dense index: the test wants both kinds", dense)
	}
}

// FuzzDenseIDs is checkDenseAgainstHash on the fuzzer's seeds.
func FuzzDenseIDs(f *testing.F) {
	f.Add(uint64(1), uint8(20))
	f.Add(uint64(7), uint8(200))
	f.Fuzz(func(t *testing.T, seed uint64, n uint8) { checkDenseAgainstHash(t, seed, n) })
}

// TestDenseOnCores: 150,000 ids, enough for a share on each of two cores:
// shuffled numbers get the table and every id is found, in id order; one
// id off the shape in the second share, or two ids too far apart, and
// there is no table.
func TestDenseOnCores(t *testing.T) {
	const n = 150_000
	ids := make([]string, n)
	for k, v := range rand.New(rand.NewPCG(4, 5)).Perm(n) {
		ids[k] = fmt.Sprintf("M%d", 990_000+v)
	}
	tab, _, x := hashAndDense(t, ids)
	if x.dense == nil {
		t.Fatal("no dense index for 150,000 numbers in a row")
	}
	for k, id := range ids {
		if got := x.find(&tab, []byte(id)); got != int32(k) {
			t.Fatalf("%q at %d, want %d", id, got, k)
		}
	}
	byID := x.dense.byID(n)
	if len(byID) != n || !slices.IsSortedFunc(byID, func(a, b int32) int { return strings.Compare(ids[a], ids[b]) }) {
		t.Fatalf("byID: %d ids, sorted %v", len(byID), slices.IsSortedFunc(byID, func(a, b int32) int { return strings.Compare(ids[a], ids[b]) }))
	}
	for _, change := range []struct {
		at int
		id string
	}{{n - 7, "M0990001"}, {n - 7, "M99999999"}} {
		changed := slices.Clone(ids)
		changed[change.at] = change.id
		if _, _, y := hashAndDense(t, changed); y.dense != nil {
			t.Errorf("%q at %d: a dense index", change.id, change.at)
		}
	}
	// In member order no slots, unless one pair in the second share is
	// swapped.
	slices.SortFunc(ids, func(a, b string) int { return cmp.Compare(len(a), len(b))*2 + strings.Compare(a, b) })
	if _, _, y := hashAndDense(t, ids); y.dense == nil || y.dense.slots != nil {
		t.Fatal("150,000 ids numbered as the members: slots made")
	}
	ids[n-7], ids[n-6] = ids[n-6], ids[n-7]
	tab, _, y := hashAndDense(t, ids)
	if y.dense == nil || y.dense.slots == nil {
		t.Fatal("a pair swapped in the second share: no slots")
	}
	for _, k := range []int{0, n - 7, n - 6, n - 1} {
		if got := y.find(&tab, []byte(ids[k])); got != int32(k) {
			t.Fatalf("%q at %d, want %d", ids[k], got, k)
		}
	}
}

// TestDenseInOrderBeforeHash: ids numbered in member order get a dense
// index on an empty idIndex with no hash index filled first; any other
// ids, those that repeat a number above all, are left to the hash index.
func TestDenseInOrderBeforeHash(t *testing.T) {
	tabOf := func(ids ...string) *strtab {
		tab := newStrtab()
		for _, id := range ids {
			tab.add([]byte(id))
		}
		return &tab
	}
	for _, tc := range []struct {
		name string
		ids  []string
		want bool
	}{
		{"in order", []string{"M7", "M8", "M9"}, true},
		{"from 0", []string{"0", "1", "2", "3"}, true},
		{"two swapped", []string{"M7", "M9", "M8"}, false},
		{"a repeat that fills the span", []string{"M1", "M3", "M3"}, false},
		{"a repeat", []string{"M1", "M2", "M2"}, false},
		{"a gap", []string{"M1", "M2", "M4"}, false},
		{"two shapes", []string{"M1", "N2"}, false},
	} {
		tab := tabOf(tc.ids...)
		aux := []int32{10, 11, 12, 13}[:len(tc.ids)]
		x := newIDIndex(0)
		if got := x.denseInOrder(tab, aux); got != tc.want {
			t.Fatalf("%s: denseInOrder %v, want %v", tc.name, got, tc.want)
		}
		if !tc.want {
			if x.dense != nil || x.n != 0 {
				t.Fatalf("%s: refused, but the index changed (dense %v, n %d)", tc.name, x.dense != nil, x.n)
			}
			continue
		}
		if x.dense == nil || x.dense.slots != nil || x.slots != nil || x.n != len(tc.ids) {
			t.Fatalf("%s: dense %v, dense slots %v, hash slots %d, n %d", tc.name, x.dense != nil, x.dense.slots != nil, len(x.slots), x.n)
		}
		for k, id := range tc.ids {
			out, got := []int32{0}, []int32{0}
			x.findWarmed(tab, [][]byte{[]byte(id)}, []uint64{x.dense.slot([]byte(id))}, out, got)
			if out[0] != int32(k) || got[0] != aux[k] {
				t.Fatalf("%s: %s found as %d with %d, want %d with %d", tc.name, id, out[0], got[0], k, aux[k])
			}
		}
	}
	// An index that holds ids already is left as it is.
	x := newIDIndex(0)
	tab := tabOf("M1", "M2")
	x.insertBatch(tab, nil, 0, 2)
	if x.denseInOrder(tab, nil) || x.dense != nil {
		t.Fatal("denseInOrder took an index that had ids in it")
	}
}

// TestReadMembersInOrderNoHash reads the same members with ids in member
// order and shuffled: in order, no hash index is filled (at least 16 bytes
// a member fewer are allocated; the hash index's slots alone are that),
// and both find every member; a shaped id that repeats is refused on its
// line, with the line it was first used on, whether the repeat keeps the
// ids in one span of numbers or not.
func TestReadMembersInOrderNoHash(t *testing.T) {
	const n = 100_000
	file := func(order []int) string { return numberedMembers(order, nil) }
	inOrder := make([]int, n)
	for k := range inOrder {
		inOrder[k] = k
	}
	shuffled := slices.Clone(inOrder)
	rand.New(rand.NewPCG(1, 2)).Shuffle(n, func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	read := func(text string) (*Org, uint64) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		d, err := ReadMembers(strings.NewReader(text), "m.csv")
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatal(err)
		}
		return d.Org, after.TotalAlloc - before.TotalAlloc
	}
	a, allocA := read(file(inOrder))
	b, allocB := read(file(shuffled))
	if allocB < allocA+16*n {
		t.Errorf("members in order allocated %d bytes, shuffled %d: the hash index was filled for ids in order", allocA, allocB)
	}
	if a.index.dense == nil || a.index.dense.slots != nil || b.index.dense == nil || b.index.dense.slots == nil {
		t.Fatalf("in order: dense %v; shuffled: dense %v with slots", a.index.dense != nil, b.index.dense != nil)
	}
	for _, k := range []int{0, 1, n / 2, n - 1} {
		id := fmt.Sprintf("M%d", 1000+k)
		ma, mb := a.Lookup(id), b.Lookup(id)
		if ma < 0 || mb < 0 || a.ID(ma) != id || b.ID(mb) != id || (a.Sponsor(ma) < 0) != (k == 0) || (b.Sponsor(mb) < 0) != (k == 0) {
			t.Fatalf("%s: found as %d and %d", id, ma, mb)
		}
		if k > 0 && (a.ID(a.Sponsor(ma)) != fmt.Sprintf("M%d", 1000+k/2) || b.ID(b.Sponsor(mb)) != a.ID(a.Sponsor(ma))) {
			t.Fatalf("%s: sponsors %s and %s", id, a.ID(a.Sponsor(ma)), b.ID(b.Sponsor(mb)))
		}
	}
	if a.Lookup("M999") >= 0 || a.Lookup(fmt.Sprintf("M%d", 1000+n)) >= 0 || b.Lookup("M0999") >= 0 {
		t.Fatal("an id no member has was found")
	}
	for _, tc := range []struct{ name, in, want string }{
		{"a repeat in one span", "id,sponsor_id\nM1,\nM3,M1\nM3,M1\n", `m.csv:4:1: column "id": duplicate id "M3": it is already used on line 3`},
		{"a repeat at the end", "id,sponsor_id\nM1,\nM2,M1\nM2,M1\n", `m.csv:4:1: column "id": duplicate id "M2": it is already used on line 3`},
		{"a repeat of the first", "id,sponsor_id\nM1,\nM2,M1\nM3,M1\nM1,\n", `m.csv:5:1: column "id": duplicate id "M1": it is already used on line 2`},
	} {
		if _, err := ReadMembers(strings.NewReader(tc.in), "m.csv"); err == nil || err.Error() != tc.want {
			t.Errorf("%s: error %v, want %s", tc.name, err, tc.want)
		}
	}
}

// TestJoinedBound: with members numbered in member order, sales are
// checked against their joined day through a bound (the latest day in the
// member's run of joinedGroup): a sale between a member's own day and the
// bound is read, one before the member's own day is refused naming that
// day, a member without a day takes any date; the same files with the
// members in another order (their days found with them) read the same
// sales and give the same errors.
func TestJoinedBound(t *testing.T) {
	const n = 3*joinedGroup + 5
	day := func(k int) string { // member k (M1000+k): joined on day 10+k of 2026, run 1 and member 9 without days
		if k/joinedGroup == 1 || k == 9 {
			return ""
		}
		return FormatDate(mustDay(t, "2026-01-01") + int32(10+k))
	}
	members := func(order []int) string { return numberedMembers(order, day) }
	inOrder := make([]int, n)
	for k := range inOrder {
		inOrder[k] = k
	}
	reversed := slices.Clone(inOrder)
	slices.Reverse(reversed)
	sale := func(k int, date string) string { return fmt.Sprintf("M%d,10,%s\n", 1000+k, date) }
	on := func(k, d int) string { return FormatDate(mustDay(t, "2026-01-01") + int32(10+k+d)) }
	ok := "member_id,amount,date\n" +
		sale(5, on(5, 0)) + sale(5, on(5, 1)) + // on and after its day, before its run's bound (member 63's)
		sale(joinedGroup-1, on(joinedGroup-1, 0)) +
		sale(joinedGroup+3, "2020-01-01") + // no joined day
		sale(9, "2020-01-01") + // no joined day, in a run whose bound is a day
		sale(2*joinedGroup, on(2*joinedGroup, 0)) + sale(n-1, on(n-1, 0))
	for _, tc := range []struct{ name, sales, want string }{
		{"read", ok, ""},
		{"before its day, within its run's bound", ok + sale(5, on(5, -1)),
			fmt.Sprintf(`s.csv:9:10: column "date": the sale is dated %s, before its member joined (%s): fix the date or the member's joined`, on(5, -1), on(5, 0))},
		{"the last of a run", ok + sale(2*joinedGroup+1, on(2*joinedGroup+1, -3)),
			fmt.Sprintf(`s.csv:9:10: column "date": the sale is dated %s, before its member joined (%s): fix the date or the member's joined`, on(2*joinedGroup+1, -3), on(2*joinedGroup+1, 0))},
		{"the short last run", ok + sale(n-1, on(n-1, -1)),
			fmt.Sprintf(`s.csv:9:10: column "date": the sale is dated %s, before its member joined (%s): fix the date or the member's joined`, on(n-1, -1), on(n-1, 0))},
	} {
		for _, order := range [][]int{inOrder, reversed} {
			d, err := ReadMembers(strings.NewReader(members(order)), "m.csv")
			if err != nil {
				t.Fatal(err)
			}
			if bound := d.Org.joinedBound(); (bound != nil) != (order[0] == 0) {
				t.Fatalf("%s: members in order %v, a bound %v", tc.name, order[0] == 0, bound != nil)
			}
			err = d.ReadSales(strings.NewReader(tc.sales), "s.csv")
			if got := fmt.Sprint(err); tc.want == "" && err != nil || tc.want != "" && got != tc.want {
				t.Fatalf("%s, members in order %v: error %v, want %q", tc.name, order[0] == 0, err, tc.want)
			}
			if err == nil && d.Sales.Len() != 7 {
				t.Fatalf("%s: %d sales read, want 7", tc.name, d.Sales.Len())
			}
		}
	}
}

func mustDay(t *testing.T, s string) int32 {
	t.Helper()
	d, ok := ParseDate([]byte(s))
	if !ok {
		t.Fatalf("%q is not a date", s)
	}
	return d
}

// numberedMembers is a members file of members k in order (id M1000+k,
// sponsored by member k/2; member 0 a root), with joined(k) as each one's
// joined day when joined is not nil.
func numberedMembers(order []int, joined func(k int) string) string {
	var b strings.Builder
	b.WriteString("id,sponsor_id")
	if joined != nil {
		b.WriteString(",joined")
	}
	b.WriteString("\n")
	for _, k := range order {
		sp := ""
		if k > 0 {
			sp = fmt.Sprintf("M%d", 1000+k/2)
		}
		fmt.Fprintf(&b, "M%d,%s", 1000+k, sp)
		if joined != nil {
			fmt.Fprintf(&b, ",%s", joined(k))
		}
		b.WriteString("\n")
	}
	return b.String()
}
