// Package money represents amounts as integers in a currency's minor units
// plus an ISO 4217 code, never as floats, with the per-currency exponent
// Stripe uses.
package money

import (
	"fmt"
	"sort"
	"strings"
)

// Currency is a currency Kwipper charges in, as Stripe counts it.
type Currency struct {
	// Code is the ISO 4217 code, upper case.
	Code string `json:"code"`
	// Exponent is the number of minor-unit digits amounts are counted in
	// (JPY is zero-decimal; IDR, PHP, MXN and USD have two).
	Exponent int `json:"exponent"`
	// Min and Max bound a price, in minor units: Stripe's minimum charge
	// (its per-currency table for JPY ¥50 and MXN $10; about USD 0.50
	// rounded up where its table has none: Rp 10,000 and ₱30) and its
	// maximum (eight digits of minor units, twelve for IDR).
	Min int64 `json:"min_amount"`
	Max int64 `json:"max_amount"`
}

// currencies are the currencies Kwipper charges in.
var currencies = map[string]Currency{
	"IDR": {Code: "IDR", Exponent: 2, Min: 1_000_000, Max: 999_999_999_999},
	"JPY": {Code: "JPY", Exponent: 0, Min: 50, Max: 99_999_999},
	"MXN": {Code: "MXN", Exponent: 2, Min: 1_000, Max: 99_999_999},
	"PHP": {Code: "PHP", Exponent: 2, Min: 3_000, Max: 99_999_999},
	"USD": {Code: "USD", Exponent: 2, Min: 50, Max: 99_999_999},
}

// Lookup returns currency code (upper case), if Kwipper charges in it.
func Lookup(code string) (Currency, bool) {
	c, ok := currencies[code]
	return c, ok
}

// All lists the currencies Kwipper charges in, by code.
func All() []Currency {
	out := make([]Currency, 0, len(currencies))
	for _, c := range currencies {
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// Money is an amount in minor units of Currency.
type Money struct {
	Amount   int64  `json:"amount" example:"9900000"`
	Currency string `json:"currency" example:"IDR"`
}

// Supported reports whether currency (upper-case ISO code) is one Kwipper charges in.
func Supported(currency string) bool {
	_, ok := currencies[currency]
	return ok
}

// Currencies lists the supported currency codes, sorted.
func Currencies() []string {
	out := make([]string, 0, len(currencies))
	for _, c := range All() {
		out = append(out, c.Code)
	}
	return out
}

// Exponent is the number of minor-unit digits of currency.
func Exponent(currency string) (int, bool) {
	c, ok := currencies[currency]
	return c.Exponent, ok
}

// String formats m in major units, e.g. "JPY 1500" or "IDR 150000.00".
func (m Money) String() string {
	c, ok := currencies[m.Currency]
	e := c.Exponent
	if !ok || e == 0 {
		return fmt.Sprintf("%s %d", m.Currency, m.Amount)
	}
	sign, a := "", m.Amount
	if a < 0 {
		sign, a = "-", -a
	}
	div := int64(1)
	for range e {
		div *= 10
	}
	return fmt.Sprintf("%s %s%d.%0*d", m.Currency, sign, a/div, e, a%div)
}

// Check validates a price: a currency Kwipper charges in, spelt as its ISO
// code in upper case, and an amount within the currency's Min and Max. It
// returns the field ("amount" or "currency") and what is wrong, or "", "".
func Check(m Money) (field, problem string) {
	c, ok := currencies[m.Currency]
	switch {
	case !ok && currencies[strings.ToUpper(strings.TrimSpace(m.Currency))].Code != "":
		return "currency", "must be the ISO code in upper case: " + strings.ToUpper(strings.TrimSpace(m.Currency))
	case !ok:
		return "currency", "must be one of " + strings.Join(Currencies(), ", ")
	case m.Amount < c.Min || m.Amount > c.Max:
		return "amount", fmt.Sprintf("must be from %d to %d minor units of %s (%s to %s): Stripe's limits", c.Min, c.Max, c.Code,
			Money{c.Min, c.Code}, Money{c.Max, c.Code})
	}
	return "", ""
}
