package money

import "testing"

func TestString(t *testing.T) {
	for _, tc := range []struct {
		m    Money
		want string
	}{
		{Money{1500, "JPY"}, "JPY 1500"},
		{Money{15000000, "IDR"}, "IDR 150000.00"},
		{Money{1999, "USD"}, "USD 19.99"},
		{Money{5, "MXN"}, "MXN 0.05"},
		{Money{-250, "PHP"}, "PHP -2.50"},
	} {
		if got := tc.m.String(); got != tc.want {
			t.Errorf("%+v: got %q, want %q", tc.m, got, tc.want)
		}
	}
}

func TestSupported(t *testing.T) {
	for _, c := range []string{"IDR", "JPY", "PHP", "MXN", "USD"} {
		if !Supported(c) {
			t.Errorf("%s should be supported", c)
		}
	}
	for _, c := range []string{"EUR", "jpy", ""} {
		if Supported(c) {
			t.Errorf("%q should not be supported", c)
		}
	}
	if e, _ := Exponent("JPY"); e != 0 {
		t.Errorf("JPY exponent = %d", e)
	}
}
