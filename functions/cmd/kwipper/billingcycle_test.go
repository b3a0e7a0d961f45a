package main

import (
	"testing"
	"time"
)

func TestParseAsOf(t *testing.T) {
	now := time.Date(2027, 1, 31, 10, 0, 0, 500, time.FixedZone("JST", 9*3600))
	cases := []struct {
		name, in, want string
		ok             bool
	}{
		{"default_now_utc", "", "2027-01-31T01:00:00Z", true},
		{"utc", "2027-01-31T00:00:00Z", "2027-01-31T00:00:00Z", true},
		{"offset_to_utc", "2027-01-31T09:00:00+09:00", "2027-01-31T00:00:00Z", true},
		{"invalid_date_only", "2027-01-31", "", false},
	}
	for _, c := range cases {
		got, err := parseAsOf(c.in, now)
		if (err == nil) != c.ok || (c.ok && got.Format(time.RFC3339) != c.want) {
			t.Errorf("%s: parseAsOf(%q) = %v, %v", c.name, c.in, got, err)
		}
	}
}
