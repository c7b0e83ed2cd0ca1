package dec

import (
	"errors"
	"math"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want D
		err  error
	}{
		{"12", 120000, nil},
		{"12.5", 125000, nil},
		{"12.50", 125000, nil},
		{"0.0001", 1, nil},
		{".5", 5000, nil},
		{"5.", 50000, nil},
		{"-3.25", -32500, nil},
		{"+7", 70000, nil},
		{"-0", 0, nil},
		{"1.230000", 12300, nil}, // zeros past the scale are harmless
		{"00000000000000000012", 120000, nil},
		{"99999999999999.9999", 999999999999999999, nil},
		{"100000000000000", 0, ErrRange},
		{"1.00001", 0, ErrDecimals},
		{"", 0, ErrSyntax},
		{"-", 0, ErrSyntax},
		{".", 0, ErrSyntax},
		{"1,000.00", 0, ErrSyntax},
		{"1e3", 0, ErrSyntax},
		{"NaN", 0, ErrSyntax},
		{"12.3.4", 0, ErrSyntax},
		{" 1", 0, ErrSyntax},
		{"1 ", 0, ErrSyntax},
		{"--1", 0, ErrSyntax},
		{"0x10", 0, ErrSyntax},
	}
	for _, tt := range tests {
		got, err := Parse([]byte(tt.in))
		if !errors.Is(err, tt.err) || got != tt.want {
			t.Errorf("Parse(%q) = %d, %v; want %d, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		d      D
		exact  string
		fixed2 string
		fixed0 string
	}{
		{0, "0", "0.00", "0"},
		{125000, "12.5", "12.50", "12"},
		{1, "0.0001", "0.00", "0"},
		{-32500, "-3.25", "-3.25", "-3"},
		{FromInt(1000), "1000", "1000.00", "1000"},
		{-1, "-0.0001", "-0.00", "-0"},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.exact {
			t.Errorf("%d.String() = %q, want %q", tt.d, got, tt.exact)
		}
		if got := string(tt.d.AppendFixed(nil, 2)); got != tt.fixed2 {
			t.Errorf("%d.AppendFixed(2) = %q, want %q", tt.d, got, tt.fixed2)
		}
		if got := string(tt.d.AppendFixed(nil, 0)); got != tt.fixed0 {
			t.Errorf("%d.AppendFixed(0) = %q, want %q", tt.d, got, tt.fixed0)
		}
	}
}

func TestParseRate(t *testing.T) {
	tests := []struct {
		in   string
		want Rate
		str  string
		err  error
	}{
		{"5%", 5_000_000, "5%", nil},
		{"0.05", 5_000_000, "5%", nil},
		{"12.5%", 12_500_000, "12.5%", nil},
		{"0.333333%", 333_333, "0.333333%", nil},
		{"100%", RateOne, "100%", nil},
		{"1", RateOne, "100%", nil},
		{"150%", 150_000_000, "150%", nil}, // a percent may be above 100%: the caller bounds it
		{"1.00000000", RateOne, "100%", nil},
		{"5", 0, "", ErrBareRate},   // a bare 5 would be 500%
		{"1.5", 0, "", ErrBareRate}, // 150% is written 150%
		{"-5%", 0, "", ErrNegativeRate},
		{"-0.05", 0, "", ErrNegativeRate},
		{"0.0000001%", 0, "", ErrPercentDecimals},
		{"0.000000001", 0, "", ErrFractionDecimals},
		{"0.0000000100", 1, "0.000001%", nil}, // trailing zeros beyond 8 places change nothing
		{"12345678901234%", 0, "", ErrRateRange},
		{"5 %", 0, "", ErrSyntax},
		{"%", 0, "", ErrSyntax},
	}
	for _, tt := range tests {
		got, err := ParseRate(tt.in)
		if !errors.Is(err, tt.err) || got != tt.want {
			t.Errorf("ParseRate(%q) = %d, %v; want %d, %v", tt.in, got, err, tt.want, tt.err)
			continue
		}
		if err == nil && got.String() != tt.str {
			t.Errorf("ParseRate(%q).String() = %q, want %q", tt.in, got.String(), tt.str)
		}
		if back, err := ParseRate(got.String()); err == nil && back != got {
			t.Errorf("ParseRate(%q).String() = %q reads back as %d", tt.in, got.String(), back)
		}
		if err == nil && got <= RateOne { // above 1, a fraction is refused: write a percent
			if back, err := ParseRate(string(got.AppendFraction(nil))); err != nil || back != got {
				t.Errorf("ParseRate(%q).AppendFraction = %q, which reads back as %d, %v", tt.in, got.AppendFraction(nil), back, err)
			}
		}
	}
}

// TestRateMessages: the messages state the real limits (6 decimal places
// in a percent, 8 in a fraction; not the 4 of an amount) and a bare number
// above 1 gets the hint of the percent meant.
func TestRateMessages(t *testing.T) {
	for in, want := range map[string]string{
		"0.0000001%":  "has more than 6 decimal places, the most a percent may have",
		"0.000000001": "has more than 8 decimal places, the most a rate written as a fraction may have (a percent may have 6)",
		"20":          "means 2000%: did you mean 20%? (a rate without % is a fraction from 0 to 1)",
		"-1%":         "is negative: a rate is 0% or more",
	} {
		if _, err := ParseRate(in); err == nil || err.Error() != want {
			t.Errorf("ParseRate(%q): %v, want %q", in, err, want)
		}
	}
}

func TestAppendFraction(t *testing.T) {
	for r, want := range map[Rate]string{5_000_000: "0.05", RateOne: "1", 12_500_000: "0.125", 1: "0.00000001", 0: "0", -5_000_000: "-0.05"} {
		if got := string(r.AppendFraction(nil)); got != want {
			t.Errorf("%d.AppendFraction() = %q, want %q", r, got, want)
		}
	}
}

func TestMulRound(t *testing.T) {
	r := func(s string) Rate {
		v, err := ParseRate(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		v      string
		rate   string
		digits int
		mode   Rounding
		want   string
	}{
		// 5% of 10.50 = 0.525: a tie at the cent.
		{"10.50", "5%", 2, HalfEven, "0.52"},
		{"10.50", "5%", 2, HalfUp, "0.53"},
		{"10.50", "5%", 2, Down, "0.52"},
		// 5% of 10.70 = 0.535: tie, even neighbour is up.
		{"10.70", "5%", 2, HalfEven, "0.54"},
		{"10.70", "5%", 2, Down, "0.53"},
		// not a tie: 3% of 33.33 = 0.9999
		{"33.33", "3%", 2, HalfEven, "1"},
		{"33.33", "3%", 2, Down, "0.99"},
		// negative values round symmetrically
		{"-10.50", "5%", 2, HalfEven, "-0.52"},
		{"-10.50", "5%", 2, HalfUp, "-0.53"},
		{"-10.70", "5%", 2, Down, "-0.53"},
		// zero-digit currency (JPY): 5% of 1050 = 52.5
		{"1050", "5%", 0, HalfEven, "52"},
		{"1070", "5%", 0, HalfEven, "54"},
		{"1050", "5%", 0, HalfUp, "53"},
		// three-digit currency (KWD): 5% of 10.005 = 0.50025
		{"10.005", "5%", 3, HalfEven, "0.5"},
		{"10.01", "5%", 3, HalfEven, "0.5"},   // 0.5005 → tie, 0 is even
		{"10.03", "5%", 3, HalfEven, "0.502"}, // 0.5015 → tie, 2 is even
		{"10.03", "5%", 3, HalfUp, "0.502"},
		// large values take the 128-bit path exactly
		{"99999999999999.9999", "99.999999%", 2, HalfEven, "99999999000000"},
		{"99999999999999.9999", "100%", 4, Down, "99999999999999.9999"},
	}
	for _, tt := range tests {
		got := MulRound(MustParse(tt.v), r(tt.rate), tt.digits, tt.mode)
		if got.String() != tt.want {
			t.Errorf("MulRound(%s, %s, %d, %v) = %s, want %s", tt.v, tt.rate, tt.digits, tt.mode, got, tt.want)
		}
	}
}

// TestMulRoundAgainstBig checks MulRound against math/big on random values.
func TestMulRoundAgainstBig(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 100000; i++ {
		v := D(rng.Int64N(2e18) - 1e18)
		r := Rate(rng.Int64N(int64(2*RateOne+1)) - int64(RateOne))
		digits := rng.IntN(Scale + 1)
		mode := Rounding(rng.IntN(3))
		got := MulRound(v, r, digits, mode)
		want := bigMulRound(v, r, digits, mode)
		if got != want {
			t.Fatalf("MulRound(%d, %d, %d, %v) = %d, want %d", v, r, digits, mode, got, want)
		}
	}
}

func bigMulRound(v D, r Rate, digits int, mode Rounding) D {
	p := new(big.Int).Mul(big.NewInt(int64(v)), big.NewInt(int64(r)))
	div := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(Scale+RateScale-digits)), nil)
	q, m := new(big.Int).QuoRem(p, div, new(big.Int)) // truncated toward zero
	m.Abs(m)
	twice := new(big.Int).Lsh(m, 1)
	c := twice.Cmp(div)
	up := false
	switch mode {
	case HalfEven:
		up = c > 0 || (c == 0 && q.Bit(0) == 1)
	case HalfUp:
		up = c >= 0
	}
	if up {
		if p.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	q.Mul(q, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(Scale-digits)), nil))
	return D(q.Int64())
}

func TestPercent(t *testing.T) {
	tests := []struct{ part, whole, want string }{
		{"25", "100", "25"},
		{"1", "3", "33.33"},
		{"2", "3", "66.67"},
		{"0.125", "1000", "0.01"}, // 0.0125 % → tie → 0.01 (even)
		{"0.375", "1000", "0.04"}, // 0.0375 % → tie → 0.04 (even)
		{"150", "100", "150"},
	}
	for _, tt := range tests {
		if got := Percent(MustParse(tt.part), MustParse(tt.whole)); got.String() != tt.want {
			t.Errorf("Percent(%s, %s) = %s, want %s", tt.part, tt.whole, got, tt.want)
		}
	}
}

func TestAdd(t *testing.T) {
	if s, over := Add(1, 2); s != 3 || over {
		t.Errorf("Add(1, 2) = %d, %v", s, over)
	}
	if _, over := Add(Max, 1); !over {
		t.Error("Add(Max, 1) did not report overflow")
	}
	if _, over := Add(-Max, -2); !over {
		t.Error("Add(-Max, -2) did not report overflow")
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"12.50", "-0", "1e3", "1,000", "99999999999999.9999", ".5", "NaN"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := Parse([]byte(s))
		if err != nil {
			return
		}
		// A parsed value prints back to text that parses to the same value.
		again, err := Parse(d.Append(nil))
		if err != nil || again != d {
			t.Fatalf("Parse(%q) = %d; reparse of %q = %d, %v", s, d, d.String(), again, err)
		}
	})
}

func TestAcc(t *testing.T) {
	var a Acc
	s := Max - 1
	if !a.Add(&s, 1, "x") || s != Max || a.Err() != nil {
		t.Fatalf("Max-1 + 1: %s %v", s, a.Err())
	}
	if a.Add(&s, 1, "the total") || s != Max {
		t.Fatalf("Max + 1 added: %s", s)
	}
	if a.Add(&s, 1, "later") {
		t.Fatal("Max + 1 added")
	}
	if err := a.Err(); !errors.Is(err, ErrOverflow) || !strings.HasPrefix(err.Error(), "the total adds up beyond") {
		t.Fatalf("Err = %v", err)
	}
	var b Acc
	n := -Max // MinInt64 + 1
	if !b.Sub(&n, 1, "n") || b.Sub(&n, 1, "n") || !b.Add(&n, 0, "n") || b.Add(&n, -1, "n") || n != -Max-1 {
		t.Fatalf("Sub at the bottom: %s %v", n, b.Err())
	}
	if b.Err() == nil || !b.Sub(&n, -1, "n") || n != -Max {
		t.Fatalf("Sub of -1: %s", n)
	}
	// 10 × −99,999,999,999,999 wrapped to +844,674,407,370,965.16.
	var c Acc
	var sum D
	for range 10 {
		c.Add(&sum, MustParse("-99999999999999"), "adjustments")
	}
	if c.Err() == nil || sum > 0 {
		t.Fatalf("10 × −99,999,999,999,999 = %s, %v", sum, c.Err())
	}
}

func TestExchange(t *testing.T) {
	for _, c := range []struct {
		rate, amount string
		digits       int
		times, div   string // v × rate and v ÷ rate, "" when out of range
	}{
		{"1.0825", "100", 2, "108.25", "92.38"}, // 100 ÷ 1.0825 = 92.378…
		{"1.0825", "0.01", 2, "0.01", "0.01"},   // 0.010825 → 0.01; 0.0092 → 0.01
		{"0.00672431", "15000", 2, "100.86", "2230712.15"},
		{"0.005", "1", 2, "0", "200"},       // 0.005: half-even to 0.00
		{"0.015", "1", 2, "0.02", "66.67"},  // 0.015: half-even to 0.02
		{"0.025", "1", 2, "0.02", "40"},     // 0.025: half-even to 0.02
		{"0.5", "-3", 0, "-2", "-6"},        // -1.5 → -2
		{"3.25", "1", 3, "3.25", "0.308"},   // KWD
		{"0.00000001", "1", 2, "0", ""},     // ÷ 10^-8: 10^8 fits; see below
		{"9999999999", "99999", 2, "", "0"}, // 10^15: beyond 14 integer digits
	} {
		r, err := ParseExchange(c.rate)
		if err != nil {
			t.Fatalf("%s: %v", c.rate, err)
		}
		v := MustParse(c.amount)
		got, ok := Convert(v, r, c.digits)
		if (c.times == "") != !ok || (ok && got != MustParse(c.times)) {
			t.Errorf("%s × %s = %s, %v; want %s", c.amount, c.rate, got, ok, c.times)
		}
		got, ok = DivRate(v, r, c.digits)
		if c.div == "" {
			c.div = "100000000"
		}
		if !ok || got != MustParse(c.div) {
			t.Errorf("%s ÷ %s = %s, %v; want %s", c.amount, c.rate, got, ok, c.div)
		}
	}
	if _, ok := DivRate(MustParse("10000000"), Rate(1), 2); ok {
		t.Errorf("10^7 ÷ 10^-8 = 10^15 fits")
	}
	for _, bad := range []string{"0", "-1.2", "1.123456789", "1,2", "", "12345678901"} {
		if _, err := ParseExchange(bad); err == nil {
			t.Errorf("ParseExchange(%q) accepted", bad)
		}
	}
	// Against big arithmetic.
	rng := rand.New(rand.NewPCG(3, 4))
	for range 100000 {
		v := D(rng.Int64N(2e17) - 1e17)
		r := Rate(1 + rng.Int64N(1e12))
		digits := rng.IntN(Scale + 1)
		got, ok := Convert(v, r, digits)
		p := new(big.Int).Mul(big.NewInt(int64(v)), big.NewInt(int64(r)))
		want, wok := bigDivRound(p, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(Scale+RateScale-digits)), nil), digits)
		if ok != wok || (ok && got != want) {
			t.Fatalf("Convert(%d, %d, %d) = %d %v, want %d %v", v, r, digits, got, ok, want, wok)
		}
		got, ok = DivRate(v, r, digits)
		n := new(big.Int).Mul(big.NewInt(int64(v)), new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(RateScale+digits-Scale)), nil))
		want, wok = bigDivRound(n, big.NewInt(int64(r)), digits)
		if ok != wok || (ok && got != want) {
			t.Fatalf("DivRate(%d, %d, %d) = %d %v, want %d %v", v, r, digits, got, ok, want, wok)
		}
	}
}

// bigDivRound is n ÷ d rounded half-even, in units of 10^-digits, as a D;
// false beyond MaxIntDigits integer digits.
func bigDivRound(n, d *big.Int, digits int) (D, bool) {
	q, m := new(big.Int).QuoRem(n, d, new(big.Int))
	m.Abs(m)
	c := new(big.Int).Lsh(m, 1).Cmp(d)
	if c > 0 || (c == 0 && q.Bit(0) == 1) {
		if n.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	limit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(MaxIntDigits+digits)), nil)
	if new(big.Int).Abs(q).Cmp(limit) >= 0 {
		return 0, false
	}
	q.Mul(q, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(Scale-digits)), nil))
	return D(q.Int64()), true
}

// TestFormatAgainstText checks AppendFixed and Append against the value's
// digits written out by strconv, the point put in by hand, on values of
// every length and sign.
func TestFormatAgainstText(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	values := []D{1, -1, 9, 10, 99, 100, 9999, One, -One, One + 1, 123456789, Max, -Max, math.MinInt64}
	for range 100000 {
		v := D(r.Int64() >> r.IntN(63))
		if r.IntN(2) == 0 {
			v = -v
		}
		values = append(values, v, v/10*10, v/100*100, v/1000*1000, v/One*One) // trailing zeros
	}
	for _, v := range values {
		sign, abs := "", strconv.FormatUint(uint64(v), 10)
		if v < 0 {
			sign, abs = "-", strconv.FormatUint(-uint64(v), 10)
		}
		for len(abs) <= Scale {
			abs = "0" + abs
		}
		whole, frac := abs[:len(abs)-Scale], abs[len(abs)-Scale:]
		for digits := 0; digits <= Scale; digits++ {
			want := sign + whole
			if digits > 0 {
				want += "." + frac[:digits]
			}
			if v == 0 {
				want = want[len(sign):]
			}
			if got := string(v.AppendFixed([]byte("x"), digits)); got != "x"+want {
				t.Fatalf("%d.AppendFixed(%d) = %q, want %q", v, digits, got, "x"+want)
			}
		}
		exact := strings.TrimRight(frac, "0")
		want := sign + whole
		if exact != "" {
			want += "." + exact
		}
		if v == 0 {
			want = "0"
		}
		if got := v.String(); got != want {
			t.Fatalf("%d.String() = %q, want %q", v, got, want)
		}
	}
}

// BenchmarkAppendFixed formats amounts of a report's size, as a row does.
func BenchmarkAppendFixed(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	values := make([]D, 1024)
	for i := range values {
		values[i] = D(r.Int64N(int64(FromInt(5000)))) / 100 * 100
	}
	var buf []byte
	for b.Loop() {
		buf = buf[:0]
		for _, v := range values {
			buf = v.AppendFixed(buf, 2)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(values)), "ns/value")
}
