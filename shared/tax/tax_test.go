package tax

import (
	"testing"
	"time"

	"github.com/kwipper/kwipper/shared/money"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestLookup(t *testing.T) {
	tab := Default()
	cases := []struct {
		name, country, at string
		ok                bool
		effectiveBP       int64
		nominalBP         int64
	}{
		{"id_11pct_before_2025", "ID", "2024-12-31T16:59:59Z", true, 1100, 1100},
		{"id_12pct_on_11_12_base_from_jakarta_midnight", "ID", "2024-12-31T17:00:00Z", true, 1100, 1200},
		{"id_12pct_on_11_12_base_in_2026", "ID", "2026-12-07T00:00:00Z", true, 1100, 1200},
		{"id_none_before_first_rate", "ID", "2022-03-31T16:00:00Z", false, 0, 0},
		{"jp_10pct", "JP", "2026-12-07T00:00:00Z", true, 1000, 1000},
		{"ph_12pct_digital_services", "PH", "2026-12-07T00:00:00Z", true, 1200, 1200},
		{"ph_none_before_ra_12023", "PH", "2024-10-17T00:00:00Z", false, 0, 0},
		{"mx_16pct", "MX", "2026-12-07T00:00:00Z", true, 1600, 1600},
		{"unknown_country_none", "US", "2026-12-07T00:00:00Z", false, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, ok := tab.Lookup(c.country, at(c.at))
			if ok != c.ok || r.EffectiveBP() != c.effectiveBP || r.NominalBP != c.nominalBP {
				t.Fatalf("Lookup(%s, %s) = %+v (effective %d), %v; want effective %d nominal %d, %v",
					c.country, c.at, r, r.EffectiveBP(), ok, c.effectiveBP, c.nominalBP, c.ok)
			}
		})
	}
}

// Split in every currency Kwipper charges in, in minor units (JPY has none;
// IDR, PHP, MXN and USD two): tax half up to a minor unit, net + tax is the
// price.
func TestSplit(t *testing.T) {
	id := Rate{Country: "ID", Name: "PPN", NominalBP: 1200, BaseNum: 11, BaseDen: 12}
	jp := Rate{Country: "JP", Name: "Consumption tax", NominalBP: 1000, BaseNum: 1, BaseDen: 1}
	ph := Rate{Country: "PH", Name: "VAT", NominalBP: 1200, BaseNum: 1, BaseDen: 1}
	mx := Rate{Country: "MX", Name: "IVA", NominalBP: 1600, BaseNum: 1, BaseDen: 1}
	cases := []struct {
		name     string
		rate     Rate
		price    money.Money
		net, tax int64
	}{
		{"jpy_1100_is_1000_plus_100", jp, money.Money{Amount: 1100, Currency: "JPY"}, 1000, 100},
		{"jpy_1500_rounds_136_36_down", jp, money.Money{Amount: 1500, Currency: "JPY"}, 1364, 136},
		{"jpy_105_rounds_9_545_up", jp, money.Money{Amount: 105, Currency: "JPY"}, 95, 10},
		{"jpy_11_exact_half_rounds_up", jp, money.Money{Amount: 11, Currency: "JPY"}, 10, 1},
		{"jpy_50_minimum", jp, money.Money{Amount: 50, Currency: "JPY"}, 45, 5},
		{"idr_111000_00_is_100000_plus_11000", id, money.Money{Amount: 11_100_000, Currency: "IDR"}, 10_000_000, 1_100_000},
		{"idr_150000_00_rounds_down", id, money.Money{Amount: 15_000_000, Currency: "IDR"}, 13_513_514, 1_486_486},
		{"idr_max_no_overflow", id, money.Money{Amount: 999_999_999_999, Currency: "IDR"}, 900_900_900_900, 99_099_099_099},
		{"php_112_00_is_100_plus_12", ph, money.Money{Amount: 11_200, Currency: "PHP"}, 10_000, 1_200},
		{"php_499_00_rounds_53_464_down", ph, money.Money{Amount: 49_900, Currency: "PHP"}, 44_554, 5_346},
		{"mxn_116_00_is_100_plus_16", mx, money.Money{Amount: 11_600, Currency: "MXN"}, 10_000, 1_600},
		{"mxn_199_00_rounds_27_448_down", mx, money.Money{Amount: 19_900, Currency: "MXN"}, 17_155, 2_745},
		{"mxn_0_01_rounds_0_0138_down", mx, money.Money{Amount: 1, Currency: "MXN"}, 1, 0},
		{"usd_untaxed_rate_zero", Rate{}, money.Money{Amount: 999, Currency: "USD"}, 999, 0},
		{"zero_price_no_tax", mx, money.Money{Amount: 0, Currency: "MXN"}, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, ok := money.Lookup(c.price.Currency); !ok {
				t.Fatalf("%s is not a currency Kwipper charges in", c.price.Currency)
			}
			net, tax := c.rate.Split(c.price.Amount)
			if net != c.net || tax != c.tax || net+tax != c.price.Amount {
				t.Fatalf("Split(%s) at %s = net %d tax %d, want %d %d", c.price, c.rate.Percent(), net, tax, c.net, c.tax)
			}
		})
	}
}

// Every currency of shared/money has a home country with a rate (USD has
// none: it is not a market's currency).
func TestEveryMarketCurrencyHasARate(t *testing.T) {
	for _, c := range money.All() {
		country := HomeCountry(c.Code)
		if c.Code == "USD" {
			if country != "" {
				t.Errorf("USD home country %q, want none", country)
			}
			continue
		}
		if _, ok := Default().Lookup(country, at("2026-12-07T00:00:00Z")); !ok {
			t.Errorf("%s (%s) has no rate today", c.Code, country)
		}
	}
}

func TestPercent(t *testing.T) {
	for _, c := range []struct {
		r    Rate
		want string
	}{
		{Rate{NominalBP: 1200, BaseNum: 11, BaseDen: 12}, "11"},
		{Rate{NominalBP: 1000, BaseNum: 1, BaseDen: 1}, "10"},
		{Rate{NominalBP: 1250, BaseNum: 1, BaseDen: 1}, "12.5"},
		{Rate{NominalBP: 0, BaseNum: 1, BaseDen: 1}, "0"},
	} {
		if got := c.r.Percent(); got != c.want {
			t.Errorf("Percent(%+v) = %q, want %q", c.r, got, c.want)
		}
	}
}

func TestParse_refusesBadTables(t *testing.T) {
	for name, doc := range map[string]string{
		"not_json":          `{`,
		"empty":             `{"rates": []}`,
		"lower_case":        `{"rates": [{"country": "jp", "name": "x", "from": "2019-10-01T00:00:00+09:00", "nominal_bp": 1000, "base_num": 1, "base_den": 1}]}`,
		"no_date":           `{"rates": [{"country": "JP", "name": "x", "nominal_bp": 1000, "base_num": 1, "base_den": 1}]}`,
		"over_100pct":       `{"rates": [{"country": "JP", "name": "x", "from": "2019-10-01T00:00:00+09:00", "nominal_bp": 10001, "base_num": 1, "base_den": 1}]}`,
		"base_over_one":     `{"rates": [{"country": "JP", "name": "x", "from": "2019-10-01T00:00:00+09:00", "nominal_bp": 1000, "base_num": 13, "base_den": 12}]}`,
		"same_start_twice":  `{"rates": [{"country": "JP", "name": "x", "from": "2019-10-01T00:00:00+09:00", "nominal_bp": 1000, "base_num": 1, "base_den": 1}, {"country": "JP", "name": "y", "from": "2019-09-30T15:00:00Z", "nominal_bp": 800, "base_num": 1, "base_den": 1}]}`,
		"unknown_base_zero": `{"rates": [{"country": "JP", "name": "x", "from": "2019-10-01T00:00:00+09:00", "nominal_bp": 1000}]}`,
	} {
		if _, err := Parse([]byte(doc)); err == nil {
			t.Errorf("%s: Parse accepted it", name)
		}
	}
}
