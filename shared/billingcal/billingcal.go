// Package billingcal is the calendar of recurring billing: where each period
// of a subscription ends, counted from its anchor (the moment it started) in
// UTC. A period never drifts: the n-th period ends n months (or years) after
// the anchor, on the anchor's day of month, or on the last day of the month
// when that month is shorter. So a subscription started on the 31st renews
// on Feb 28 (29 in leap years), Mar 31, Apr 30, May 31, ...; a yearly one
// started on Feb 29 renews on Feb 28 and again on Feb 29 in leap years.
//
// The package imports no cloud SDK and has no clock: callers pass times.
package billingcal

import (
	"fmt"
	"time"
)

// Billing intervals.
const (
	Month = "month"
	Year  = "year"
)

// Valid reports whether interval is a billing interval this package knows.
func Valid(interval string) bool { return interval == Month || interval == Year }

// months is how many months one period of interval spans; unknown intervals
// are billed monthly (the saga validates intervals before they get here).
func months(interval string) int {
	if interval == Year {
		return 12
	}
	return 1
}

// PeriodEnd is when the n-th period (n >= 1) of a subscription anchored at
// anchor ends, in UTC, keeping the anchor's time of day. PeriodEnd(a, i, 0)
// is the anchor itself. The (n+1)-th period starts when the n-th ends.
func PeriodEnd(anchor time.Time, interval string, n int) time.Time {
	a := anchor.UTC()
	total := int(a.Month()) - 1 + n*months(interval)
	y := a.Year() + floorDiv(total, 12)
	m := time.Month(total - floorDiv(total, 12)*12 + 1)
	d := a.Day()
	if last := DaysIn(y, m); d > last {
		d = last
	}
	return time.Date(y, m, d, a.Hour(), a.Minute(), a.Second(), a.Nanosecond(), time.UTC)
}

// Index is the number of the period that contains t: 0 before the first
// period ends, n while the (n+1)-th runs (t >= PeriodEnd(anchor, interval, n)).
// It returns 0 for t before the anchor.
func Index(anchor time.Time, interval string, t time.Time) int {
	if t.Before(anchor) {
		return 0
	}
	a, u := anchor.UTC(), t.UTC()
	// An estimate from the calendar months between them, then a correction.
	n := ((u.Year()-a.Year())*12 + int(u.Month()) - int(a.Month())) / months(interval)
	if n < 0 {
		n = 0
	}
	for n > 0 && PeriodEnd(anchor, interval, n).After(t) {
		n--
	}
	for !PeriodEnd(anchor, interval, n+1).After(t) {
		n++
	}
	return n
}

// NextEnd is the first period end strictly after t.
func NextEnd(anchor time.Time, interval string, t time.Time) time.Time {
	return PeriodEnd(anchor, interval, Index(anchor, interval, t)+1)
}

// DaysIn is the number of days of month m of year y.
func DaysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// ParseDays parses a schedule such as "1,3,5,7": strictly increasing
// positive day offsets (e.g. the dunning retries after a failed renewal).
func ParseDays(s string) ([]int, error) {
	var out []int
	start := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != ',' {
			continue
		}
		var d int
		if _, err := fmt.Sscanf(s[start:i], "%d", &d); err != nil || d <= 0 {
			return nil, fmt.Errorf("billingcal: %q: want positive whole days separated by commas", s)
		}
		if len(out) > 0 && d <= out[len(out)-1] {
			return nil, fmt.Errorf("billingcal: %q: days must increase", s)
		}
		out = append(out, d)
		start = i + 1
	}
	return out, nil
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}
