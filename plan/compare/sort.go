package compare

import "github.com/compplan/compplan/tree/dec"

// sortDecimals sorts s ascending: a radix sort of the values' bytes, least
// significant first, skipping a byte that every value shares (the high
// bytes of amounts). A million totals sort in a tenth of the time of a
// comparison sort, and compare sorts several such lists for every plan.
// scratch (at least as long as s) is where the passes write; its values
// after are of no use.
func sortDecimals(s, scratch []dec.D) {
	if len(s) < 256 {
		insertionSort(s)
		return
	}
	key := func(v dec.D) uint64 { return uint64(v) ^ 1<<63 } // negatives first
	var counts [8][256]int
	for _, v := range s {
		k := key(v)
		for b := range 8 {
			counts[b][byte(k>>(8*b))]++
		}
	}
	src, dst := s, scratch[:len(s)]
	for b := range 8 {
		c := &counts[b]
		if c[byte(key(s[0])>>(8*b))] == len(s) {
			continue // every value has this byte
		}
		at := 0
		for i, n := range c {
			c[i], at = at, at+n
		}
		shift := 8 * b
		for _, v := range src {
			d := byte(key(v) >> shift)
			dst[c[d]] = v
			c[d]++
		}
		src, dst = dst, src
	}
	if &src[0] != &s[0] {
		copy(s, src)
	}
}

func insertionSort(s []dec.D) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
