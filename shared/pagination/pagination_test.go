package pagination

import (
	"strings"
	"testing"
	"time"

	"github.com/kwipper/kwipper/shared/errs"
)

type testCursor struct {
	At time.Time `json:"p"`
	ID string    `json:"c"`
}

func (c *testCursor) Valid() bool { return ValidTime(c.At) && ValidID(c.ID) }

func TestParams(t *testing.T) {
	good := Encode(testCursor{At: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), ID: "c-1"})
	for name, tc := range map[string]struct {
		limit, cursor string
		wantLimit     int
		wantAfter     bool
		badFields     []string
	}{
		"defaults":                    {"", "", 20, false, nil},
		"limit_and_cursor":            {"5", good, 5, true, nil},
		"limit_0":                     {"0", "", 0, false, []string{"limit"}},
		"limit_over_max":              {"101", "", 0, false, []string{"limit"}},
		"limit_not_a_number":          {"ten", "", 0, false, []string{"limit"}},
		"cursor_not_base64":           {"", "%%%", 0, false, []string{"cursor"}},
		"cursor_year_0":               {"", Encode(map[string]string{"p": "0000-01-01T00:00:00Z", "c": "x"}), 0, false, []string{"cursor"}},
		"cursor_year_10000_unmarshal": {"", Encode(map[string]string{"p": "9999-12-31T23:59:59Z", "c": "x"}), 0, false, []string{"cursor"}},
		"cursor_unknown_field":        {"", Encode(map[string]string{"p": "2026-01-01T00:00:00Z", "c": "x", "z": "1"}), 0, false, []string{"cursor"}},
		"cursor_bad_id":               {"", Encode(map[string]string{"p": "2026-01-01T00:00:00Z", "c": "a b"}), 0, false, []string{"cursor"}},
		"cursor_two_values":           {"", "eyJwIjoiMjAyNi0wMS0wMVQwMDowMDowMFoiLCJjIjoieCJ9e30", 0, false, []string{"cursor"}},
		"both_bad":                    {"x", "x", 0, false, []string{"limit", "cursor"}},
	} {
		t.Run(name, func(t *testing.T) {
			var c testCursor
			n, after, err := Params(tc.limit, tc.cursor, 20, 100, &c)
			if tc.badFields != nil {
				e, ok := err.(*errs.Error)
				if !ok || e.Kind != errs.Invalid || len(e.Fields) != len(tc.badFields) {
					t.Fatalf("err %v, want Invalid naming %v", err, tc.badFields)
				}
				for _, f := range tc.badFields {
					if e.Fields[f] == "" {
						t.Fatalf("err %v does not name %s", err, f)
					}
				}
				return
			}
			if err != nil || n != tc.wantLimit || after != tc.wantAfter {
				t.Fatalf("%d %v %v, want %d %v", n, after, err, tc.wantLimit, tc.wantAfter)
			}
		})
	}
}

// Any string as a cursor: refused as Invalid, or a cursor that is valid and
// encodes back to one that decodes the same.
func FuzzDecode(f *testing.F) {
	f.Add(Encode(testCursor{At: time.Date(2026, 1, 2, 3, 4, 5, 123, time.UTC), ID: "c-1"}))
	f.Add("eyJwIjoiMDAwMC0wMS0wMVQwMDowMDowMFoiLCJjIjoieCJ9")
	f.Add("")
	f.Add(strings.Repeat("A", 200))
	f.Fuzz(func(t *testing.T, s string) {
		var c testCursor
		ok, err := Decode(s, &c)
		if err != nil {
			if !errs.Is(err, errs.Invalid) || ok {
				t.Fatalf("Decode(%q): %v %v", s, ok, err)
			}
			return
		}
		if !ok {
			if s != "" {
				t.Fatalf("Decode(%q) found no cursor and no error", s)
			}
			return
		}
		if !c.Valid() {
			t.Fatalf("Decode(%q) accepted an invalid cursor %+v", s, c)
		}
		var again testCursor
		if ok, err := Decode(Encode(c), &again); !ok || err != nil || !again.At.Equal(c.At) || again.ID != c.ID {
			t.Fatalf("%+v does not round-trip: %+v %v", c, again, err)
		}
	})
}
