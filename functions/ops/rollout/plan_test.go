package rollout

import (
	"slices"
	"strings"
	"testing"
)

func TestPlan(t *testing.T) {
	steps, err := Plan([]string{"asia-southeast2", "asia-northeast1"}, []int{5, 25, 50, 100})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range steps {
		got = append(got, s.TSV())
	}
	region := func(r string) []string {
		return []string{r + "\tpin\t0", r + "\tdeploy\t0", r + "\tsmoke\t0",
			r + "\tshift\t5", r + "\twatch\t5", r + "\tshift\t25", r + "\twatch\t25", r + "\tshift\t50", r + "\twatch\t50",
			r + "\tshift\t100", r + "\tfinish\t100"}
	}
	want := append([]string{"global\tapply-global\t0"}, region("asia-southeast2")...)
	want = append(want, region("asia-northeast1")...)
	want = append(want, "global\tapply-global\t0")
	if !slices.Equal(got, want) {
		t.Errorf("plan:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	for _, s := range steps {
		if s.String() == "" || strings.Contains(s.String(), "%!") {
			t.Errorf("step %+v describes itself as %q", s, s.String())
		}
	}
}

func TestPlanRejects(t *testing.T) {
	for name, tc := range map[string]struct {
		regions  []string
		percents []int
	}{
		"no_regions":         {nil, []int{100}},
		"region_twice":       {[]string{"a", "a"}, []int{100}},
		"region_global":      {[]string{"global"}, []int{100}},
		"not_ending_at_100":  {[]string{"a"}, []int{5, 50}},
		"not_rising":         {[]string{"a"}, []int{25, 5, 100}},
		"zero_step":          {[]string{"a"}, []int{0, 100}},
		"over_100":           {[]string{"a"}, []int{5, 100, 101}},
		"no_steps":           {[]string{"a"}, nil},
		"repeated_step":      {[]string{"a"}, []int{5, 5, 100}},
		"region_with_commas": {[]string{"a,b"}, []int{100}},
	} {
		if _, err := Plan(tc.regions, tc.percents); err == nil {
			t.Errorf("%s: Plan(%v, %v) accepted", name, tc.regions, tc.percents)
		}
	}
}

func TestParse(t *testing.T) {
	if p, err := ParsePercents("5, 25,50,100"); err != nil || !slices.Equal(p, []int{5, 25, 50, 100}) {
		t.Errorf("ParsePercents = %v, %v", p, err)
	}
	if _, err := ParsePercents("5,x"); err == nil {
		t.Error("ParsePercents accepted x")
	}
	if _, err := ParsePercents("5abc,100"); err == nil {
		t.Error("ParsePercents accepted 5abc")
	}
	if r := ParseRegions(" a, b,,"); !slices.Equal(r, []string{"a", "b"}) {
		t.Errorf("ParseRegions = %q", r)
	}
}
