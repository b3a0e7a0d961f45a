package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Reader reads configuration variables and collects what is wrong with
// them, so one error can name every bad variable. The platform's Load uses
// one; each service loads its own settings with one from fnreg.Deps.Env.
type Reader struct {
	getenv   func(string) string
	problems []string
}

// NewReader reads variables from getenv (os.Getenv in production).
func NewReader(getenv func(string) string) *Reader { return &Reader{getenv: getenv} }

// Set reports whether key has a non-blank value.
func (r *Reader) Set(key string) bool { return strings.TrimSpace(r.getenv(key)) != "" }

// String returns key's trimmed value, or def when it is unset.
func (r *Reader) String(key, def string) string {
	if v := strings.TrimSpace(r.getenv(key)); v != "" {
		return v
	}
	return def
}

// Secret returns key's value as a Secret ("" when unset).
func (r *Reader) Secret(key string) Secret { return Secret(r.String(key, "")) }

// Duration returns key's duration (def when unset), which must lie in
// [min, max].
func (r *Reader) Duration(key, def string, min, max time.Duration) time.Duration {
	d, err := time.ParseDuration(r.String(key, def))
	if err != nil || d < min || d > max {
		r.Problemf("%s must be a duration between %s and %s, e.g. %s", key, fmtDuration(min), fmtDuration(max), def)
	}
	return d
}

// Int returns key's whole number (def when unset), which must lie in
// [min, max].
func (r *Reader) Int(key, def string, min, max int64) int64 {
	n, err := strconv.ParseInt(r.String(key, def), 10, 64)
	if err != nil || n < min || n > max {
		r.Problemf("%s must be a whole number from %d to %d, e.g. %s", key, min, max, def)
	}
	return n
}

// Bool returns key's boolean (def when unset): true or false.
func (r *Reader) Bool(key string, def bool) bool {
	b, err := strconv.ParseBool(r.String(key, strconv.FormatBool(def)))
	if err != nil {
		r.Problemf("%s must be true or false", key)
	}
	return b
}

// List returns key's comma-separated values, trimmed, blanks dropped.
func (r *Reader) List(key, def string) []string {
	var out []string
	for _, v := range strings.Split(r.String(key, def), ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// Problemf records what is wrong.
func (r *Reader) Problemf(format string, args ...any) {
	r.problems = append(r.problems, fmt.Sprintf(format, args...))
}

// Err returns every problem recorded, as one error naming them all (nil when
// there is none).
func (r *Reader) Err() error {
	if len(r.problems) == 0 {
		return nil
	}
	return fmt.Errorf("configuration is not valid:\n  - %s", strings.Join(r.problems, "\n  - "))
}

// fmtDuration prints d without zero units (24h, not 24h0m0s).
func fmtDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}
