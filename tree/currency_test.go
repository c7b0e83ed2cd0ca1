package tree

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/compplan/compplan/tree/dec"
)

const testRates = "currency,date,rate\nEUR,2026-03-15,1.10\nEUR,2026-03-01,1.08\nGBP,2026-02-27,1.27\nGBP,2026-03-31,1.25\nJPY,2026-03-01,0.00672431\n"

// readMoney reads members and sales in USD with testRates.
func readMoney(t *testing.T, members, sales string) (*Data, error) {
	t.Helper()
	d := mustMembers(t, members)
	rs, err := ReadRates(strings.NewReader(testRates), "rates.csv")
	if err != nil {
		t.Fatal(err)
	}
	d.Money = &Money{Currency: "USD", Digits: 2, Rates: rs}
	return d, d.ReadSales(strings.NewReader(sales), "sales.csv")
}

// TestCurrencies, by hand: EUR 100 on 5 March at 1.08 is 108.00, EUR 100 on
// 20 March at 1.10 (from the 15th) 110.00, GBP 50 on 10 March at 1.27
// 63.50, JPY 15,000 at 0.00672431 is 100.86465: 100.86; USD 40 stays;
// EUR 200 with a volume of 150 is an amount of 220.00 and a volume of 150
// (a volume given is never converted); the return of EUR 50 of the 5 March
// order on 25 March converts at that order's 1.08: -54.00, not -55.00.
// Whatever the order of the rows (the return first included).
func TestCurrencies(t *testing.T) {
	members := "id,sponsor_id,joined,currency\nA,,2026-01-01,EUR\nB,A,2026-01-01,GBP\nC,A,2026-01-01,\n"
	rows := []string{
		"O1,B,100.00,,EUR,2026-03-05,",
		"O2,A,40.00,,,2026-03-08,",
		"O3,C,50.00,,GBP,2026-03-10,",
		"O4,C,15000,,JPY,2026-03-12,",
		"O5,A,200.00,150,EUR,2026-03-18,",
		"O6,B,100.00,,EUR,2026-03-20,",
		"O1,B,-50.00,,EUR,2026-03-25,return",
	}
	rng := rand.New(rand.NewPCG(7, 7))
	for round := range 20 {
		if round > 0 {
			rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		}
		d, err := readMoney(t, members, "order_id,member_id,amount,volume,currency,date,type\n"+strings.Join(rows, "\n")+"\n")
		if err != nil {
			t.Fatal(err)
		}
		if got := d.Sales.Amount.String(); got != "588.36" {
			t.Errorf("round %d: amount %s, want 588.36 (108 + 40 + 63.50 + 100.86 + 220 + 110 - 54)", round, got)
		}
		if got := d.Sales.TotalVolume.String(); got != "518.36" {
			t.Errorf("round %d: volume %s, want 518.36 (the 150 given for the 220.00)", round, got)
		}
		pv := map[string]dec.D{}
		for c := range d.Sales.Chunks {
			ch := &d.Sales.Chunks[c]
			for k, m := range ch.Member {
				pv[d.Org.ID(m)] += ch.VolumeOf(k)
			}
		}
		if pv["A"].String() != "190" || pv["B"].String() != "164" || pv["C"].String() != "164.36" {
			t.Errorf("round %d: volumes %v, want A 190, B 164 (108 + 110 - 54), C 164.36", round, pv)
		}
		day, _ := ParseDate([]byte("2026-03-25"))
		if d.Sales.dayAmount[day].String() != "-54" {
			t.Errorf("round %d: the return's day %s", round, d.Sales.dayAmount[day])
		}
	}
	d, _ := readMoney(t, members, "member_id,amount\nA,1\n")
	if d.Org.PayCurrency(0) != "EUR" || d.Org.PayCurrency(1) != "GBP" || d.Org.PayCurrency(2) != "" || !d.Org.HasPayCurrency() {
		t.Errorf("payout currencies %q %q %q", d.Org.PayCurrency(0), d.Org.PayCurrency(1), d.Org.PayCurrency(2))
	}
}

func TestCurrencyErrors(t *testing.T) {
	members := "id,sponsor_id,joined\nA,,2026-01-01\nB,A,2026-01-01\n"
	head := "order_id,member_id,amount,currency,date,type\n"
	for _, c := range []struct{ sales, want string }{
		{"O1,A,10,EUR,,", `sales.csv:2:9: column "currency": a sale in EUR without a date: its rate is the one on its date`},
		{"O1,A,10,EUR,2026-02-01,", `sales.csv:2:9: column "currency": no EUR rate on or before 2026-02-01 in rates.csv`},
		{"O1,A,10,CHF,2026-03-01,", `sales.csv:2:9: column "currency": no CHF rate on or before 2026-03-01 in rates.csv`},
		{"O1,A,10,EURO,2026-03-01,", `sales.csv:2:9: column "currency": "EURO" is not an ISO 4217 currency code`},
		{"O1,A,-10,EUR,2026-03-05,return", `sales.csv:2:10: column "currency": a return in EUR of order O1, which is not in the sales in EUR: a return converts at its order's rate; give the order's row, or the return's amount in USD`},
		{"O1,A,10,GBP,2026-03-05,\nO1,A,-10,EUR,2026-03-06,return", `sales.csv:3:10: column "currency": a return in EUR of order O1, which is in GBP: a return is in its order's currency`},
		{"O1,A,-10,EUR,,return", `sales.csv:2:10: column "currency": a sale in EUR without a date`},
		{"O1,A,99999999999999,EUR,2026-03-05,", `too large for compplan's exact decimals`},
	} {
		_, err := readMoney(t, members, head+c.sales+"\n")
		var e *InputError
		if err == nil || !strings.Contains(err.Error(), c.want) || !errors.As(err, &e) {
			t.Errorf("%q: %v\nwant %s", c.sales, err, c.want)
		}
	}
	// Without rates: a sale in the plan's currency reads; another does not.
	d := mustMembers(t, members)
	d.Money = &Money{Currency: "USD", Digits: 2}
	if err := d.ReadSales(strings.NewReader(head+"O1,A,10,USD,,\nO2,A,5,,,\n"), "s.csv"); err != nil || d.Sales.Amount.String() != "15" {
		t.Errorf("USD without rates: %v, %s", err, d.Sales.Amount)
	}
	d = mustMembers(t, members)
	d.Money = &Money{Currency: "USD", Digits: 2}
	if err := d.ReadSales(strings.NewReader(head+"O1,A,10,EUR,2026-03-01,\n"), "s.csv"); err == nil || !strings.Contains(err.Error(), "a sale in EUR, and no exchange rates: give --rates FILE") {
		t.Errorf("EUR without rates: %v", err)
	}
	if _, err := ReadMembers(strings.NewReader("id,currency\nA,eur\n"), "m.csv"); err == nil || !strings.Contains(err.Error(), `m.csv:2:3: column "currency": "eur" is not an ISO 4217 currency code`) {
		t.Errorf("a member's currency: %v", err)
	}
}

func TestReadRates(t *testing.T) {
	rs, err := ReadRates(strings.NewReader(testRates), "r.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		cur, day, want string
	}{
		{"EUR", "2026-02-28", ""}, {"EUR", "2026-03-01", "1.08"}, {"EUR", "2026-03-14", "1.08"}, {"EUR", "2026-03-15", "1.1"},
		{"EUR", "2030-01-01", "1.1"}, {"GBP", "2026-03-30", "1.27"}, {"GBP", "2026-03-31", "1.25"}, {"USD", "2026-03-31", ""},
	} {
		day, _ := ParseDate([]byte(c.day))
		r, ok := rs.At(c.cur, day)
		if got := string(r.AppendFraction(nil)); (c.want == "") == ok || (ok && got != c.want) {
			t.Errorf("%s on %s: %s, %v; want %q", c.cur, c.day, got, ok, c.want)
		}
	}
	for _, c := range []struct{ in, want string }{
		{"currency,date\nEUR,2026-01-01\n", `missing required column "rate"`},
		{"currency,date,rate\nEUR,2026-01-01,1.1\nEUR,2026-01-01,1.2\n", `r.csv:3:5: column "date": a second EUR rate for 2026-01-01 (the first is on line 2): one rate a day`},
		{"currency,date,rate\nEUR,2026-01-01,0\n", `r.csv:2:16: column "rate": "0" is not above 0`},
		{"currency,date,rate\nEUR,2026-01-01,1.123456789\n", `has more than 8 decimal places`},
		{"currency,date,rate\nXYZ,2026-01-01,1\n", `"XYZ" is not an ISO 4217 currency code`},
		{"currency,date,rate\nEUR,,1\n", `a rate needs the date it holds from`},
		{"currency,date,rate\nEUR,2026-01-01\n", `r.csv:2`},
	} {
		if _, err := ReadRates(strings.NewReader(c.in), "r.csv"); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v\nwant %s", c.in, err, c.want)
		}
	}
}

// FuzzReadRates: a rates file is refused with an error naming it, or every
// rate read is above 0 and found again on its day.
func FuzzReadRates(f *testing.F) {
	f.Add(testRates)
	f.Add("currency,date,rate\nEUR,2026-01-01,1.1\nEUR,2026-01-01,1.2\n")
	f.Add("rate,currency,date\n0.5,JPY,2026-12-31\n")
	f.Fuzz(func(t *testing.T, in string) {
		rs, err := ReadRates(strings.NewReader(in), "r.csv")
		if err != nil {
			var e *InputError
			if !errors.As(err, &e) || e.File != "r.csv" {
				t.Fatalf("error %v (%T) does not name the file", err, err)
			}
			return
		}
		for cur, list := range rs.by {
			for i, r := range list {
				if r.rate <= 0 || (i > 0 && list[i-1].day >= r.day) {
					t.Fatalf("%s: rates %v", cur, list)
				}
				if got, ok := rs.At(cur, r.day); !ok || got != r.rate {
					t.Fatalf("%s on %d: %v %v", cur, r.day, got, ok)
				}
			}
		}
	})
}
