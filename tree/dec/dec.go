// Package dec holds the exact fixed-point numbers compplan computes with:
// money and volume as [D] (int64 units of 0.0001) and rates as [Rate]
// (int64 units of 0.000001 %), with strict parsing, exact products and
// documented rounding. No float64 is ever used for money or volume.
package dec

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"strconv"
)

// Scale is the number of decimal places a D holds. It is the largest minor
// unit in ISO 4217, so every currency's cent fits exactly.
const Scale = 4

// One is the D value 1.
const One D = 10000

// MaxIntDigits is the largest number of digits before the decimal point that
// Parse accepts (so every parsed value is below 10^14).
const MaxIntDigits = 14

// D is an exact decimal: an int64 count of 0.0001 units.
type D int64

// Max is the largest D.
const Max D = math.MaxInt64

var pow10 = [...]uint64{1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19}

// Parse errors, wrapped with the offending text by Parse.
var (
	ErrSyntax   = errors.New("expected a plain decimal number such as 12 or 12.50 (digits, an optional '.', no thousands separators or exponent)")
	ErrDecimals = fmt.Errorf("has more than %d decimal places", Scale)
	ErrRange    = fmt.Errorf("is too large (at most %d digits before the decimal point)", MaxIntDigits)
)

// Parse reads a decimal such as "12", "-3.5", "+0.0001" or ".5". It accepts
// at most Scale decimal places and MaxIntDigits integer digits, and rejects
// everything else (spaces, thousands separators, exponents, NaN).
func Parse(b []byte) (D, error) {
	v, err := parse(b, Scale)
	return D(v), err
}

// parse reads b as a decimal with at most scale decimal places and returns
// it as an integer count of 10^-scale units.
func parse(b []byte, scale int) (int64, error) {
	i, neg := 0, false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg = b[0] == '-'
		i = 1
	}
	var intPart, frac uint64
	sig, ndigits, nfrac := 0, 0, 0 // significant integer digits, all digits, kept decimals
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		ndigits++
		if sig > 0 || b[i] != '0' {
			sig++
		}
		if sig > 18-scale { // keeps the value below 10^18
			return 0, ErrRange
		}
		intPart = intPart*10 + uint64(b[i]-'0')
	}
	if i < len(b) && b[i] == '.' {
		for i++; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			ndigits++
			if nfrac == scale {
				if b[i] != '0' {
					return 0, ErrDecimals
				}
				continue // trailing zeros beyond the scale change nothing
			}
			nfrac++
			frac = frac*10 + uint64(b[i]-'0')
		}
	}
	if i != len(b) || ndigits == 0 {
		return 0, ErrSyntax
	}
	v := int64(intPart*pow10[scale] + frac*pow10[scale-nfrac]) // < 10^18: fits
	if neg {
		return -v, nil
	}
	return v, nil
}

// MustParse is Parse for constants in tests and examples; it panics on error.
func MustParse(s string) D {
	d, err := Parse([]byte(s))
	if err != nil {
		panic(fmt.Sprintf("dec.MustParse(%q): %v", s, err))
	}
	return d
}

// FromInt returns n as a D.
func FromInt(n int64) D { return D(n) * One }

// String returns the exact value with trailing zero decimals removed.
func (d D) String() string { return string(d.Append(nil)) }

// Append appends the exact value, trailing zero decimals removed ("12.5",
// "3", "-0.0001").
func (d D) Append(b []byte) []byte {
	if d == 0 {
		return append(b, '0')
	}
	f := d % One // the decimals, negative with d
	if f < 0 {
		f = -f
	}
	// The decimals to write: Scale less the fraction's trailing zeros,
	// counted without a loop whose exit the processor must guess (values
	// in a report differ row to row). Written for Scale 4.
	digits := Scale
	if f%10 == 0 {
		digits--
	}
	if f%100 == 0 {
		digits--
	}
	if f%1000 == 0 {
		digits--
	}
	if f == 0 {
		digits--
	}
	return d.AppendFixed(b, digits)
}

// digitPairs holds "00", "01", … "99", two digits at a time.
const digitPairs = "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"

// AppendFixed appends the value with exactly digits decimal places (0 to
// Scale). Digits beyond that must be zero: callers round first. It counts
// the text's length, then writes it in place right to left, two digits
// at a time: reports write several of these a row, for millions of rows.
func (d D) AppendFixed(b []byte, digits int) []byte {
	if d == 0 { // the common case in a report: no divisions
		if digits == 0 {
			return append(b, '0')
		}
		return append(b, "0.0000"[:2+digits]...)
	}
	u := uint64(d)
	size := 1 // the whole part's digits, the sign, the point and decimals
	if d < 0 {
		u = -u // correct for MinInt64 too, read as unsigned
		size++
	}
	n := u / uint64(One)
	for w := 1; w < len(pow10) && n >= pow10[w]; w++ {
		size++
	}
	if digits > 0 {
		size += 1 + digits
	}
	b = slices.Grow(b, size)
	out := b[len(b) : len(b)+size]
	i := size
	if digits == 2 { // cents, most money: one pair
		k := u % uint64(One) / 100 * 2
		out[i-3], out[i-2], out[i-1] = '.', digitPairs[k], digitPairs[k+1]
		i -= 3
	} else if digits > 0 {
		f := u % uint64(One)
		for range Scale - digits { // divisions by a constant: no DIV
			f /= 10
		}
		for range digits {
			i--
			out[i] = byte('0' + f%10)
			f /= 10
		}
		i--
		out[i] = '.'
	}
	for n >= 100 {
		i -= 2
		k := n % 100 * 2
		out[i], out[i+1] = digitPairs[k], digitPairs[k+1]
		n /= 100
	}
	if n >= 10 {
		out[i-2], out[i-1] = digitPairs[n*2], digitPairs[n*2+1]
	} else {
		out[i-1] = byte('0' + n)
	}
	if d < 0 {
		out[0] = '-'
	}
	return b[:len(b)+size]
}

// Add returns a+b and whether it overflowed.
func Add(a, b D) (D, bool) {
	s := a + b
	return s, (s > a) != (b > 0)
}

// ErrOverflow means a sum left the exact range of a D (±922337203685477.5807).
var ErrOverflow = fmt.Errorf("adds up beyond the exact decimal range (±%s)", Max)

// Acc is the one range-checked add of compplan: every sum of money or
// volume whose bound is not checked in advance goes through Add or Sub. A
// sum that would leave the range of D is left as it was and the first one
// is remembered, with what it was adding up; Err reports it. Money is
// never wrapped around: a caller checks Err before using any sum.
type Acc struct {
	what string // the first sum that overflowed ("": none)
}

// Add sets *dst to *dst + v, or, when that leaves the range of D, leaves
// it and remembers what (the first one). It reports whether it added.
func (a *Acc) Add(dst *D, v D, what string) bool {
	s := *dst + v
	if (s > *dst) != (v > 0) {
		a.fail(what)
		return false
	}
	*dst = s
	return true
}

// Sub sets *dst to *dst − v, like Add.
func (a *Acc) Sub(dst *D, v D, what string) bool {
	s := *dst - v
	if (s < *dst) != (v > 0) {
		a.fail(what)
		return false
	}
	*dst = s
	return true
}

func (a *Acc) fail(what string) {
	if a.what == "" {
		a.what = what
		if what == "" {
			a.what = "a sum"
		}
	}
}

// Merge keeps b's overflow when a has none (for sums added up in parts).
func (a *Acc) Merge(b *Acc) {
	if b.what != "" {
		a.fail(b.what)
	}
}

// Err is nil, or an error wrapping ErrOverflow that names the first sum
// that overflowed.
func (a *Acc) Err() error {
	if a.what == "" {
		return nil
	}
	return fmt.Errorf("%s %w", a.what, ErrOverflow)
}

// Rounding says how a product is brought to a currency's minor unit.
type Rounding uint8

// The rounding rules a plan may choose.
const (
	HalfEven Rounding = iota // to nearest, ties to the even digit (banker's rounding)
	HalfUp                   // to nearest, ties away from zero
	Down                     // toward zero (truncate)
)

// String names the rule as a plan writes it.
func (r Rounding) String() string {
	switch r {
	case HalfEven:
		return "half-even"
	case HalfUp:
		return "half-up"
	case Down:
		return "down"
	}
	return fmt.Sprintf("Rounding(%d)", r)
}

// RateScale is the number of decimal places of a Rate read as a fraction
// (8 places = 6 decimal places of a percent).
const RateScale = 8

// RateOne is the Rate 100%.
const RateOne Rate = 100_000_000

// Rate is a fraction in units of 10^-8 (RateOne = 100%).
type Rate int64

// Rate parse errors (besides ErrSyntax), wrapped or returned by ParseRate.
var (
	ErrPercentDecimals  = fmt.Errorf("has more than %d decimal places, the most a percent may have", RateScale-2)
	ErrFractionDecimals = fmt.Errorf("has more than %d decimal places, the most a rate written as a fraction may have (a percent may have %d)", RateScale, RateScale-2)
	ErrRateRange        = errors.New("is too large for a rate")
	ErrNegativeRate     = errors.New("is negative: a rate is 0% or more")
	// ErrBareRate is wrapped by the error for a number above 1 without a
	// '%', which names the percent it would mean and hints at the percent
	// meant ("20" → "means 2000%: did you mean 20%?").
	ErrBareRate = errors.New("a rate without % is a fraction from 0 to 1")
)

// ParseRate is the one rate parser of compplan (plans and flags alike). It
// reads a percent such as "5%" or "12.5%", with up to 6 decimal places and
// any size ("150%" is a rate; a caller bounds it), or a fraction from 0 to 1
// such as "0.05", with up to 8 decimal places. A bare number above 1 is
// refused with a hint (ErrBareRate: "20" would mean 2000%, when 20% was
// surely meant), as is a negative rate (ErrNegativeRate).
func ParseRate(s string) (Rate, error) {
	percent := len(s) > 0 && s[len(s)-1] == '%'
	var v int64
	var err error
	if percent {
		v, err = parse([]byte(s[:len(s)-1]), RateScale-2)
	} else {
		v, err = parse([]byte(s), RateScale)
	}
	switch {
	case errors.Is(err, ErrDecimals) && percent:
		return 0, ErrPercentDecimals
	case errors.Is(err, ErrDecimals):
		return 0, ErrFractionDecimals
	case errors.Is(err, ErrRange):
		return 0, ErrRateRange
	case err != nil:
		return 0, err
	case v < 0:
		return 0, ErrNegativeRate
	case !percent && v > int64(RateOne):
		return 0, fmt.Errorf("means %s: did you mean %s%%? (%w)", Rate(v), s, ErrBareRate)
	}
	return Rate(v), nil
}

// String writes the rate as a percent with trailing zeros removed ("5%", "12.5%").
func (r Rate) String() string {
	u, neg := uint64(r), r < 0
	if neg {
		u = uint64(-r)
	}
	s := strconv.FormatUint(u/1e6, 10)
	if f := u % 1e6; f != 0 {
		fs := fmt.Sprintf("%06d", f)
		for fs[len(fs)-1] == '0' {
			fs = fs[:len(fs)-1]
		}
		s += "." + fs
	}
	if neg {
		s = "-" + s
	}
	return s + "%"
}

// AppendFraction appends the rate as an exact fraction ("0.05", "1",
// "0.125").
func (r Rate) AppendFraction(b []byte) []byte {
	u := uint64(r)
	if r < 0 {
		b = append(b, '-')
		u = uint64(-r)
	}
	b = strconv.AppendUint(b, u/uint64(RateOne), 10)
	f := u % uint64(RateOne)
	if f == 0 {
		return b
	}
	var digits [RateScale]byte
	for i := RateScale - 1; i >= 0; i-- {
		digits[i] = byte('0' + f%10)
		f /= 10
	}
	n := RateScale
	for digits[n-1] == '0' {
		n--
	}
	return append(append(b, '.'), digits[:n]...)
}

// MulRound returns rate × v rounded by mode to digits decimal places
// (0 to Scale), computed exactly. |r| must not exceed 100% so the result fits.
func MulRound(v D, r Rate, digits int, mode Rounding) D {
	neg := (v < 0) != (r < 0)
	a, b := abs(int64(v)), abs(int64(r))
	// The exact product has Scale+RateScale decimals; keep digits of them.
	div := pow10[Scale+RateScale-digits]
	var q, rem uint64
	if hi, lo := bits.Mul64(a, b); hi == 0 {
		q, rem = lo/div, lo%div
	} else {
		q, rem = bits.Div64(hi, lo, div)
	}
	switch mode {
	case HalfEven:
		if 2*rem > div || (2*rem == div && q&1 == 1) {
			q++
		}
	case HalfUp:
		if 2*rem >= div {
			q++
		}
	}
	out := D(q * pow10[Scale-digits])
	if neg {
		return -out
	}
	return out
}

// MinorUnit is one unit of the digits-th decimal place (0 to Scale), as a
// D: 0.01 for 2.
func MinorUnit(digits int) D { return D(pow10[Scale-digits]) }

// Round rounds d to digits decimal places (0 to Scale) by mode.
func Round(d D, digits int, mode Rounding) D {
	return MulRound(d, RateOne, digits, mode)
}

func abs(x int64) uint64 {
	if x < 0 {
		return uint64(-x)
	}
	return uint64(x)
}

// Percent returns part/whole × 100 rounded half-even to two decimal places,
// as a D. whole must be positive.
func Percent(part, whole D) D {
	// part*100*100 / whole gives hundredths of a percent; use 128 bits.
	neg := part < 0
	hi, lo := bits.Mul64(abs(int64(part)), 10000)
	w := uint64(whole)
	if hi >= w { // quotient would not fit 64 bits: far beyond any real payout
		return Max
	}
	q, rem := bits.Div64(hi, lo, w)
	if 2*rem > w || (2*rem == w && q&1 == 1) {
		q++
	}
	if q > math.MaxInt64/100 {
		return Max
	}
	out := D(q * 100) // hundredths of a percent → D units (0.0001)
	if neg {
		return -out
	}
	return out
}

// MarshalJSON writes d as a JSON number with its exact decimal text.
func (d D) MarshalJSON() ([]byte, error) { return d.Append(nil), nil }

// UnmarshalJSON reads a JSON number (or a string holding one) exactly,
// never through a float.
func (d *D) UnmarshalJSON(b []byte) error {
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		b = b[1 : len(b)-1]
	}
	v, err := Parse(b)
	if err != nil {
		return fmt.Errorf("%q: %w", b, err)
	}
	*d = v
	return nil
}

// ParseExchange reads an exchange rate: how many units of one currency a
// unit of another buys, such as "1.0825" or "0.00672431": above 0, at most
// RateScale (8) decimal places and 10 integer digits, as a Rate (RateOne
// is 1).
func ParseExchange(s string) (Rate, error) {
	v, err := parse([]byte(s), RateScale)
	switch {
	case errors.Is(err, ErrDecimals):
		return 0, fmt.Errorf("has more than %d decimal places, the most an exchange rate may have", RateScale)
	case err != nil:
		return 0, err
	case v <= 0:
		return 0, errors.New("is not above 0: a rate is what one unit buys")
	}
	return Rate(v), nil
}

// Convert returns v × r (an exchange rate, RateOne = 1) rounded half-even to
// digits decimal places (0 to Scale), exactly; ok is false when the result
// has more than MaxIntDigits integer digits (it would not be a value Parse
// reads).
func Convert(v D, r Rate, digits int) (out D, ok bool) {
	neg := (v < 0) != (r < 0)
	a, b := abs(int64(v)), abs(int64(r))
	div := pow10[Scale+RateScale-digits]
	hi, lo := bits.Mul64(a, b)
	if hi >= div {
		return 0, false
	}
	q, rem := bits.Div64(hi, lo, div)
	if 2*rem > div || (2*rem == div && q&1 == 1) {
		q++
	}
	if q >= pow10[MaxIntDigits+digits] {
		return 0, false
	}
	out = D(q * pow10[Scale-digits])
	if neg {
		return -out, true
	}
	return out, true
}

// DivRate returns v ÷ r (an exchange rate above 0, RateOne = 1) rounded
// half-even to digits decimal places (0 to Scale), exactly; ok is false
// when the result has more than MaxIntDigits integer digits.
func DivRate(v D, r Rate, digits int) (out D, ok bool) {
	if r <= 0 {
		return 0, false
	}
	// v/10^Scale ÷ r/10^RateScale in units of 10^-digits:
	// v × 10^(RateScale+digits-Scale) ÷ r, with RateScale+digits ≥ Scale.
	a := abs(int64(v))
	hi, lo := bits.Mul64(a, pow10[RateScale+digits-Scale])
	den := uint64(r)
	if hi >= den {
		return 0, false
	}
	q, rem := bits.Div64(hi, lo, den)
	if rem > den-rem || (rem == den-rem && q&1 == 1) {
		q++
	}
	if q >= pow10[MaxIntDigits+digits] {
		return 0, false
	}
	out = D(q * pow10[Scale-digits])
	if v < 0 {
		return -out, true
	}
	return out, true
}
