// Package money represents amounts as integers in a currency's minor units
// plus an ISO 4217 code, never as floats, with the per-currency exponent
// Stripe uses.
package money

import (
	"fmt"
	"sort"
	"strings"
)

// exponents are the minor-unit digits of the currencies Kwipper charges in,
// as Stripe counts them (JPY is zero-decimal; IDR, PHP, MXN and USD have two).
var exponents = map[string]int{"IDR": 2, "JPY": 0, "PHP": 2, "MXN": 2, "USD": 2}

// Money is an amount in minor units of Currency.
type Money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

// Supported reports whether currency (upper-case ISO code) is one Kwipper charges in.
func Supported(currency string) bool {
	_, ok := exponents[currency]
	return ok
}

// Currencies lists the supported currency codes, sorted.
func Currencies() []string {
	out := make([]string, 0, len(exponents))
	for c := range exponents {
		out = append(out, c)
	}
	sort.Strings(out)
	return out
}

// Exponent is the number of minor-unit digits of currency.
func Exponent(currency string) (int, bool) {
	e, ok := exponents[currency]
	return e, ok
}

// String formats m in major units, e.g. "JPY 1500" or "IDR 150000.00".
func (m Money) String() string {
	e, ok := exponents[m.Currency]
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

// Normalize upper-cases and trims a currency code.
func Normalize(currency string) string { return strings.ToUpper(strings.TrimSpace(currency)) }
