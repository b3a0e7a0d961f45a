package web

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"
)

// firstLoadBudget is the most compressed JS+CSS the catalog and course
// pages may fetch before they work (the budget: 150 KB).
const firstLoadBudget = 150 * 1000

// The first load of any page (entry, the chunks it imports, the styles)
// stays within the budget, counted as served: gzipped.
func TestFirstLoadWithinBudget(t *testing.T) {
	s, _ := testService(t)
	b, err := dist.ReadFile("dist/manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, name := range append(append([]string{m.Entry}, m.Preload...), m.CSS...) {
		total += len(s.assets[name].gz)
	}
	all := 0
	for _, a := range s.assets {
		all += len(a.gz)
	}
	t.Logf("first load: %d bytes of JS+CSS gzipped (%d files); every asset: %d bytes", total, 1+len(m.Preload)+len(m.CSS), all)
	if total > firstLoadBudget {
		t.Fatalf("first load is %d bytes gzipped, over the budget of %d", total, firstLoadBudget)
	}
}

var catalogKey = regexp.MustCompile(`(?m)^  '([a-zA-Z0-9_.\-]+)':`)

// Every language has every string the reference catalog (en-PH) has, and
// no other.
func TestCatalogsAreComplete(t *testing.T) {
	keys := func(file string) []string {
		b, err := os.ReadFile(filepath.Join("src", "i18n", file))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, m := range catalogKey.FindAllStringSubmatch(string(b), -1) {
			out = append(out, m[1])
		}
		slices.Sort(out)
		return out
	}
	ref := keys("en-PH.js")
	if len(ref) < 100 {
		t.Fatalf("read only %d keys from en-PH.js", len(ref))
	}
	for _, f := range []string{"id.js", "ja.js", "es-MX.js"} {
		got := keys(f)
		for _, k := range ref {
			if !slices.Contains(got, k) {
				t.Errorf("%s lacks %q", f, k)
			}
		}
		for _, k := range got {
			if !slices.Contains(ref, k) {
				t.Errorf("%s has %q, which en-PH.js does not", f, k)
			}
		}
	}
}
