// Package tax is the consumption tax Kwipper's prices include, per country
// and date: Indonesia's PPN, Japan's consumption tax, the Philippines' VAT
// and Mexico's IVA. Rates are configuration with an effective date (the
// embedded rates.json, or a file of the same shape a service is pointed
// at), never constants in code: a change of law is a new entry with its
// date, and every payment keeps the rate of its own date.
//
// Prices are tax-inclusive (a tutor sets what the learner pays). Split
// takes the tax part out of such a price in minor units of its currency
// (shared/money), rounding half up to the nearest minor unit, with integer
// arithmetic only: tax = round_half_up(gross × r / (1 + r)), net = gross −
// tax, so net + tax is always exactly the price.
//
// A rate may apply to a reduced base, as Indonesia's does from 2025: PPN is
// 12 % of a tax base (DPP "nilai lain") of 11/12 of the price for everything
// but luxury goods (PMK 131/2024), 11 % in effect; the entry keeps both
// (nominal 12 %, base 11/12) so a receipt can say what the law says.
//
// The package imports no cloud SDK and has no clock: callers pass times.
package tax

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"time"
)

// Rate is one country's consumption tax from a date on.
type Rate struct {
	// Country is the ISO 3166-1 alpha-2 code of the buyer's country.
	Country string `json:"country"`
	// Name is the tax's name on a receipt (PPN, VAT, IVA, ...).
	Name string `json:"name"`
	// From is when the rate starts to apply (with the country's offset:
	// laws change at local midnight).
	From time.Time `json:"from"`
	// NominalBP is the rate the law states, in basis points (1000 = 10 %).
	NominalBP int64 `json:"nominal_bp"`
	// BaseNum/BaseDen is the share of the net price the rate applies to
	// (1/1 but for Indonesia's 11/12 from 2025).
	BaseNum int64 `json:"base_num"`
	BaseDen int64 `json:"base_den"`
	// Source says where the rate comes from.
	Source string `json:"source,omitempty"`
}

// EffectiveBP is the rate on the full net price, in basis points, rounded
// half up (Indonesia 2025: 1200 × 11/12 = 1100).
func (r Rate) EffectiveBP() int64 {
	if r.BaseDen == 0 {
		return 0
	}
	return (2*r.NominalBP*r.BaseNum + r.BaseDen) / (2 * r.BaseDen)
}

// Percent is the effective rate as a decimal string ("10", "11", "12.5").
func (r Rate) Percent() string {
	bp := r.EffectiveBP()
	s := fmt.Sprintf("%d.%02d", bp/100, bp%100)
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}

// Split returns the net price and the tax part of tax-inclusive price gross
// (minor units, gross >= 0) at rate r, rounding the tax half up to a minor
// unit. A zero rate (no tax) gives gross, 0.
func (r Rate) Split(gross int64) (net, tax int64) {
	if gross <= 0 || r.NominalBP == 0 || r.BaseNum == 0 || r.BaseDen == 0 {
		return gross, 0
	}
	// r as a fraction: NominalBP×BaseNum / (10000×BaseDen); the tax part of
	// an inclusive price is gross × num / (den + num).
	num := new(big.Int).Mul(big.NewInt(r.NominalBP), big.NewInt(r.BaseNum))
	den := new(big.Int).Mul(big.NewInt(10000), big.NewInt(r.BaseDen))
	d := new(big.Int).Add(den, num)
	// round half up: floor((2×gross×num + d) / (2×d)).
	t := new(big.Int).Mul(big.NewInt(gross), num)
	t.Mul(t, big.NewInt(2)).Add(t, d)
	t.Quo(t, new(big.Int).Mul(d, big.NewInt(2)))
	tax = t.Int64()
	return gross - tax, tax
}

// Table is every country's rates over time.
type Table struct {
	byCountry map[string][]Rate // by From, ascending
}

//go:embed rates.json
var defaultRates []byte

var defaultTable = func() Table {
	t, err := Parse(defaultRates)
	if err != nil {
		panic("tax: embedded rates.json: " + err.Error())
	}
	return t
}()

// Default is the embedded rate table (rates.json beside this file).
func Default() Table { return defaultTable }

// Parse reads a rate table: {"rates": [Rate...]}. Every entry needs a
// two-letter country, a name, a date, a rate from 0 to 100 % and a base of
// at most the whole price; two entries of a country may not start at the
// same moment.
func Parse(b []byte) (Table, error) {
	var doc struct {
		Rates []Rate `json:"rates"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return Table{}, fmt.Errorf("tax rates: %w", err)
	}
	if len(doc.Rates) == 0 {
		return Table{}, fmt.Errorf("tax rates: none given")
	}
	t := Table{byCountry: map[string][]Rate{}}
	for i, r := range doc.Rates {
		switch {
		case len(r.Country) != 2 || strings.ToUpper(r.Country) != r.Country:
			return Table{}, fmt.Errorf("tax rates[%d]: country must be two upper-case letters", i)
		case r.Name == "":
			return Table{}, fmt.Errorf("tax rates[%d]: name is required", i)
		case r.From.IsZero():
			return Table{}, fmt.Errorf("tax rates[%d]: from is required", i)
		case r.NominalBP < 0 || r.NominalBP > 10000:
			return Table{}, fmt.Errorf("tax rates[%d]: nominal_bp must be from 0 to 10000", i)
		case r.BaseNum < 1 || r.BaseDen < 1 || r.BaseNum > r.BaseDen || r.BaseDen > 1000:
			return Table{}, fmt.Errorf("tax rates[%d]: base_num/base_den must be a fraction from 1/1000 to 1", i)
		}
		t.byCountry[r.Country] = append(t.byCountry[r.Country], r)
	}
	for c, rs := range t.byCountry {
		sort.Slice(rs, func(i, j int) bool { return rs[i].From.Before(rs[j].From) })
		for i := 1; i < len(rs); i++ {
			if rs[i].From.Equal(rs[i-1].From) {
				return Table{}, fmt.Errorf("tax rates: two %s rates start at %s", c, rs[i].From)
			}
		}
	}
	return t, nil
}

// Lookup returns the rate of country at time at: the latest that started at
// or before it. ok is false when none applies (a country Kwipper collects
// no tax in, or a time before its first rate).
func (t Table) Lookup(country string, at time.Time) (Rate, bool) {
	rs := t.byCountry[country]
	for i := len(rs) - 1; i >= 0; i-- {
		if !rs[i].From.After(at) {
			return rs[i], true
		}
	}
	return Rate{}, false
}

// HomeCountry is the country whose currency code is, for a buyer whose own
// country is not known (IDR: ID, JPY: JP, PHP: PH, MXN: MX; "" otherwise).
func HomeCountry(currency string) string {
	switch currency {
	case "IDR":
		return "ID"
	case "JPY":
		return "JP"
	case "PHP":
		return "PH"
	case "MXN":
		return "MX"
	}
	return ""
}
