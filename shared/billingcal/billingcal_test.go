package billingcal

import (
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestPeriodEnd(t *testing.T) {
	cases := []struct {
		name     string
		anchor   string
		interval string
		want     []string // ends of periods 1, 2, ...
	}{
		{"monthly_31st_clamps_then_returns", "2027-01-31T10:30:00Z", Month, []string{
			"2027-02-28T10:30:00Z", "2027-03-31T10:30:00Z", "2027-04-30T10:30:00Z", "2027-05-31T10:30:00Z",
			"2027-06-30T10:30:00Z", "2027-07-31T10:30:00Z", "2027-08-31T10:30:00Z", "2027-09-30T10:30:00Z",
			"2027-10-31T10:30:00Z", "2027-11-30T10:30:00Z", "2027-12-31T10:30:00Z", "2028-01-31T10:30:00Z",
			"2028-02-29T10:30:00Z"}},
		{"monthly_30th_feb_leap", "2027-12-30T00:00:00Z", Month, []string{
			"2028-01-30T00:00:00Z", "2028-02-29T00:00:00Z", "2028-03-30T00:00:00Z"}},
		{"monthly_29th_non_leap", "2027-01-29T00:00:00Z", Month, []string{
			"2027-02-28T00:00:00Z", "2027-03-29T00:00:00Z"}},
		{"monthly_mid_month", "2027-03-15T08:00:00Z", Month, []string{
			"2027-04-15T08:00:00Z", "2027-05-15T08:00:00Z"}},
		{"yearly_feb29_to_feb28_and_back", "2028-02-29T12:00:00Z", Year, []string{
			"2029-02-28T12:00:00Z", "2030-02-28T12:00:00Z", "2031-02-28T12:00:00Z", "2032-02-29T12:00:00Z"}},
		{"yearly_plain", "2027-06-01T00:00:00Z", Year, []string{"2028-06-01T00:00:00Z", "2029-06-01T00:00:00Z"}},
		{"anchor_in_other_zone_is_utc", "2027-01-31T23:30:00-05:00", Month, []string{ // 2027-02-01T04:30Z
			"2027-03-01T04:30:00Z", "2027-04-01T04:30:00Z"}},
		{"unknown_interval_is_monthly", "2027-01-10T00:00:00Z", "", []string{"2027-02-10T00:00:00Z"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := day(c.anchor)
			if got := PeriodEnd(a, c.interval, 0); !got.Equal(a) {
				t.Errorf("PeriodEnd(0) = %v, want the anchor", got)
			}
			for i, w := range c.want {
				got := PeriodEnd(a, c.interval, i+1)
				if !got.Equal(day(w)) || got.Location() != time.UTC {
					t.Errorf("PeriodEnd(%d) = %v, want %v", i+1, got, w)
				}
				// Index and NextEnd agree with PeriodEnd at and around each end.
				end := day(w)
				if n := Index(a, c.interval, end); n != i+1 {
					t.Errorf("Index(%v) = %d, want %d", end, n, i+1)
				}
				if n := Index(a, c.interval, end.Add(-time.Nanosecond)); n != i {
					t.Errorf("Index(just before %v) = %d, want %d", end, n, i)
				}
				if got := NextEnd(a, c.interval, end.Add(-time.Second)); !got.Equal(end) {
					t.Errorf("NextEnd(just before %v) = %v", end, got)
				}
			}
		})
	}
}

func TestIndexBeforeAnchor(t *testing.T) {
	a := day("2027-05-31T00:00:00Z")
	if n := Index(a, Month, a.Add(-time.Hour)); n != 0 {
		t.Fatalf("Index before anchor = %d", n)
	}
	if got := NextEnd(a, Month, a); !got.Equal(day("2027-06-30T00:00:00Z")) {
		t.Fatalf("NextEnd(anchor) = %v", got)
	}
}

func TestParseDays(t *testing.T) {
	cases := []struct {
		in   string
		want []int
		ok   bool
	}{
		{"1,3,5,7", []int{1, 3, 5, 7}, true},
		{"2", []int{2}, true},
		{"", nil, false},
		{"1,,3", nil, false},
		{"3,1", nil, false},
		{"0,1", nil, false},
		{"1,x", nil, false},
	}
	for _, c := range cases {
		got, err := ParseDays(c.in)
		if (err == nil) != c.ok || len(got) != len(c.want) {
			t.Errorf("ParseDays(%q) = %v, %v", c.in, got, err)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("ParseDays(%q) = %v", c.in, got)
			}
		}
	}
}
