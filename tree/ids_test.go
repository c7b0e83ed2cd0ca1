package tree

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// unpackID inverts packID: a key gives back its id, so that packing is
// one to one.
func unpackID(key uint64) string {
	p := int(key & 3)
	d := int(key >> 2 & 31)
	var b strings.Builder
	for i := range p {
		b.WriteByte(byte(key >> (7 + 8*i)))
	}
	fmt.Fprintf(&b, "%0*d", d, key>>(7+8*p))
	return b.String()
}

func TestPackID(t *testing.T) {
	for _, tc := range []struct {
		id string
		ok bool
	}{
		{"M10000000", true},
		{"M010000000", true},            // a leading zero is kept
		{"6543210987654", true},         // a shop's 13-digit customer number
		{"12345678901234567", true},     // 17 digits, no prefix: the most there is room for
		{"123456789012345678", false},   // 18 digits
		{"M12345678901234", true},       // 1 prefix byte, 14 digits: 47 bits ≤ 49
		{"M99999999999999", true},       // 14 nines
		{"M123456789012345", true},      // 15 digits whose value is below 2^49
		{"M999999999999999", false},     // 15 nines: 10^15−1 ≥ 2^49
		{"AB123456789012", true},        // 2 bytes, 12 digits: 40 bits ≤ 41
		{"ABC123456", true},             // 3 bytes, 6 digits
		{"ABC999999999", true},          // 3 bytes, 9 digits: 999999999 < 2^33
		{"ABCD12345", false},            // a 4-byte prefix
		{"M1234567A", false},            // a letter after the digits
		{"M-12345678", true},            // the prefix is every byte before the first digit
		{"\xc3\xa9123456789", true},     // prefix bytes may be any non-digit bytes
		{"M1234 5678", false},           // a space among the digits
		{"1234567890123456A", false},    // a trailing letter
		{"ABC9999999999", false},        // 3 bytes, 10 digits: 9999999999 ≥ 2^33
		{"ZZZ99999999", true},           // 3 bytes, 8 digits: 27 bits ≤ 33
		{"\xff\xff\xff999999999", true}, // high prefix bytes
	} {
		key, ok := packID([]byte(tc.id))
		if ok != tc.ok {
			t.Errorf("packID(%q): ok %v, want %v", tc.id, ok, tc.ok)
			continue
		}
		if ok && unpackID(key) != tc.id {
			t.Errorf("packID(%q) unpacks to %q", tc.id, unpackID(key))
		}
	}
	// The edges of the value's room: with p prefix bytes the value must be
	// below 2^(57−8p).
	for p := range 4 {
		prefix := strings.Repeat("x", p)
		limit := uint64(1) << (57 - 8*p)
		for _, tc := range []struct {
			v  uint64
			ok bool
		}{{limit - 1, true}, {limit, false}} {
			s := fmt.Sprint(tc.v)
			if len(s) > 17 {
				continue
			}
			id := prefix + s
			if len(id) <= inlineID {
				id = prefix + strings.Repeat("0", inlineID+1-len(id)) + s
			}
			key, ok := packID([]byte(id))
			if ok != tc.ok {
				t.Errorf("packID(%q): ok %v, want %v", id, ok, tc.ok)
			} else if ok && unpackID(key) != id {
				t.Errorf("packID(%q) unpacks to %q", id, unpackID(key))
			}
		}
	}
}

// TestIDIndexKinds fills an index with ids of every kind (inline, packed,
// hashed) that differ in one byte, a leading zero or a length, through
// batches and growth, and finds each one's own index and nothing for ids
// it does not hold.
func TestIDIndexKinds(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("0123456789MX-")
	seen := map[string]bool{}
	var ids []string
	for len(ids) < 20000 {
		n := 1 + rng.IntN(20)
		b := make([]byte, n)
		for i := range b {
			if i < rng.IntN(4) {
				b[i] = alphabet[10+rng.IntN(3)]
			} else {
				b[i] = alphabet[rng.IntN(len(alphabet))*rng.IntN(2)%len(alphabet)]
			}
		}
		if s := string(b); !seen[s] {
			seen[s] = true
			ids = append(ids, s)
		}
	}
	kinds := map[uint32]int{}
	tab := newStrtab()
	x := newIDIndex(16)
	for from := 0; from < len(ids); from += batch {
		to := min(from+batch, len(ids))
		for _, id := range ids[from:to] {
			tab.add([]byte(id))
		}
		if dup, prev := x.insertBatch(&tab, nil, int32(from), int32(to)); dup >= 0 {
			t.Fatalf("%q at %d taken for a duplicate of %q at %d", ids[dup], dup, ids[prev], prev)
		}
	}
	for i, id := range ids {
		_, kind := slotKey([]byte(id), 0)
		kinds[kind]++
		if got := x.find(&tab, []byte(id)); got != int32(i) {
			t.Fatalf("find(%q) = %d, want %d", id, got, i)
		}
		for _, other := range []string{"0" + id, id + "0", id[:len(id)-1], id[1:]} {
			if !seen[other] && x.find(&tab, []byte(other)) >= 0 {
				t.Fatalf("find(%q) found an id never added", other)
			}
		}
	}
	keys := make([][]byte, 0, batch)
	out, aux := make([]int32, batch), make([]int32, batch)
	for from := 0; from < len(ids); from += batch {
		keys = keys[:0]
		for _, id := range ids[from:min(from+batch, len(ids))] {
			keys = append(keys, []byte(id))
		}
		var hs [batch]uint64
		x.warmBatch(keys, hs[:len(keys)], true)
		x.findWarmed(&tab, keys, hs[:len(keys)], out, aux)
		for i := range keys {
			if out[i] != int32(from+i) {
				t.Fatalf("warmBatch, findWarmed: %q at %d, want %d", keys[i], out[i], from+i)
			}
		}
	}
	if kinds[0] == 0 || kinds[packedID] == 0 || kinds[longID] == 0 {
		t.Fatalf("ids of every kind wanted, got %v", kinds)
	}
	// A duplicate is found whatever its kind.
	for _, id := range []string{ids[0], "M10000000", "X-0000000000000000000"} {
		k := int32(tab.len())
		tab.add([]byte(id))
		if !seen[id] {
			if dup, _ := x.insertBatch(&tab, nil, k, k+1); dup >= 0 {
				t.Fatalf("%q: taken for a duplicate", id)
			}
			seen[id] = true
			k = int32(tab.len())
			tab.add([]byte(id))
		}
		if dup, prev := x.insertBatch(&tab, nil, k, k+1); dup != k || string(tab.get(prev)) != id {
			t.Fatalf("%q added twice: dup %d prev %d", id, dup, prev)
		}
	}
}

// FuzzPackID checks that a packed id unpacks to itself (so no two ids
// share a key) and that ids of the shape always pack.
func FuzzPackID(f *testing.F) {
	for _, s := range []string{"M10000000", "6543210987654", "ABC123456", "M-1", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		key, ok := packID([]byte(id))
		if ok && unpackID(key) != id {
			t.Fatalf("packID(%q) unpacks to %q", id, unpackID(key))
		}
		allDigits := id != "" && strings.Trim(id, "0123456789") == ""
		if !ok && allDigits && len(id) <= 17 {
			t.Fatalf("packID(%q): a number of up to 17 digits must pack", id)
		}
	})
}
