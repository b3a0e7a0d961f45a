package rollout

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readSeries(t *testing.T, path string) Series {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var s Series
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return s
}

func readProbes(t *testing.T, path string) ProbeSeries {
	t.Helper()
	var s ProbeSeries
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return s
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return s
}

// TestDecideRecordedSeries runs Decide on the recorded series under
// testdata/<case>/{canary,baseline}.json, and the probes of
// testdata/<case>/probes.json when there is one, with the default
// thresholds.
func TestDecideRecordedSeries(t *testing.T) {
	for _, tc := range []struct {
		name   string
		want   Verdict
		reason string
	}{
		{"healthy_promote", Promote, "within bounds"},
		{"errors_rollback", Rollback, "5xx ratio"},
		{"latency_regression_rollback", Rollback, "allowed against baseline"},
		{"little_traffic_hold", Hold, "requests needed to judge"},
		{"pubsub_delivery_errors_rollback", Rollback, "push delivery error ratio"},
		{"pubsub_healthy_promote", Promote, "push delivery error ratio"},
		{"early_errors_rollback", Rollback, "already exceed"},
		// Synthetic requests: Monitoring has 10 requests, too few to judge,
		// but every probe got a 500 (or no answer): roll back now.
		{"probes_failing_little_traffic_rollback", Rollback, "synthetic probes: 0 of 12 succeeded"},
		{"probes_timeout_little_traffic_rollback", Rollback, "no answer within 10s"},
		{"probes_healthy_little_traffic_hold", Hold, "synthetic probes: 18 of 18 succeeded"},
		{"probes_healthy_promote", Promote, "synthetic probes: 30 of 30 succeeded"},
		{"probes_one_blip_promote", Promote, "synthetic probes: 29 of 30 succeeded"},
		{"probes_slow_rollback", Rollback, "synthetic probes: p95 latency 3900 ms > budget 3000 ms"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join("testdata", tc.name)
			d, err := Decide(readSeries(t, filepath.Join(dir, "canary.json")), readSeries(t, filepath.Join(dir, "baseline.json")), readProbes(t, filepath.Join(dir, "probes.json")), DefaultThresholds())
			if err != nil {
				t.Fatal(err)
			}
			if d.Verdict != tc.want {
				t.Fatalf("verdict %s, want %s (reasons %q, canary %+v, baseline %+v)", d.Verdict, tc.want, d.Reasons, d.Canary, d.Baseline)
			}
			if !strings.Contains(strings.Join(d.Reasons, "; "), tc.reason) {
				t.Errorf("reasons %q do not mention %q", d.Reasons, tc.reason)
			}
		})
	}
}

func httpSeries(points ...Point) Series {
	return Series{Service: "kw-x", Revision: "r", Trigger: TriggerHTTP, Points: points}
}

func TestDecideRules(t *testing.T) {
	th := DefaultThresholds()
	for _, tc := range []struct {
		name             string
		canary, baseline Series
		probes           ProbeSeries
		want             Verdict
	}{
		{"4xx_not_held_against_http", httpSeries(Point{Requests: 200, Errors4xx: 150, LatencyP95Ms: 100}), httpSeries(Point{Requests: 2000, LatencyP95Ms: 100}), ProbeSeries{}, Promote},
		{"4xx_are_failed_pushes", Series{Trigger: TriggerPubSub, Points: []Point{{Requests: 200, Errors4xx: 30, LatencyP95Ms: 50}}}, Series{Trigger: TriggerPubSub}, ProbeSeries{}, Rollback},
		{"over_p95_budget_without_baseline", httpSeries(Point{Requests: 500, LatencyP95Ms: 2000}), httpSeries(), ProbeSeries{}, Rollback},
		{"baseline_too_quiet_only_absolute_bounds", httpSeries(Point{Requests: 500, Errors5xx: 5, LatencyP95Ms: 900}), httpSeries(Point{Requests: 10, LatencyP95Ms: 100}), ProbeSeries{}, Promote},
		{"error_ratio_near_a_noisy_baseline", httpSeries(Point{Requests: 1000, Errors5xx: 15, LatencyP95Ms: 100}), httpSeries(Point{Requests: 10000, Errors5xx: 120, LatencyP95Ms: 100}), ProbeSeries{}, Promote},
		{"error_ratio_twice_the_baseline_and_more", httpSeries(Point{Requests: 1000, Errors5xx: 19, LatencyP95Ms: 100}), httpSeries(Point{Requests: 10000, Errors5xx: 20, LatencyP95Ms: 100}), ProbeSeries{}, Rollback},
		{"small_p95_change_within_tolerance", httpSeries(Point{Requests: 500, LatencyP95Ms: 40}), httpSeries(Point{Requests: 5000, LatencyP95Ms: 10}), ProbeSeries{}, Promote},
		{"no_points_hold", httpSeries(), httpSeries(), ProbeSeries{}, Hold},
		{"no_traffic_failing_probes_rollback", httpSeries(), httpSeries(), ProbeSeries{Rounds: []ProbeRound{{Sent: 6, Failed: 2}}}, Rollback},
		{"no_traffic_one_failed_probe_hold", httpSeries(), httpSeries(), ProbeSeries{Rounds: []ProbeRound{{Sent: 6, Failed: 1}}}, Hold},
		{"monitoring_healthy_probes_failing_rollback", httpSeries(Point{Requests: 500, LatencyP95Ms: 90}), httpSeries(Point{Requests: 5000, LatencyP95Ms: 90}), ProbeSeries{Rounds: []ProbeRound{{Sent: 6}, {Sent: 6, Failed: 6}}}, Rollback},
		{"pubsub_without_probes_promote", Series{Trigger: TriggerPubSub, Points: []Point{{Requests: 200, LatencyP95Ms: 50}}}, Series{Trigger: TriggerPubSub}, ProbeSeries{}, Promote},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Decide(tc.canary, tc.baseline, tc.probes, th)
			if err != nil {
				t.Fatal(err)
			}
			if d.Verdict != tc.want {
				t.Errorf("verdict %s, want %s: %q", d.Verdict, tc.want, d.Reasons)
			}
		})
	}
}

func TestDecideRejects(t *testing.T) {
	ok := httpSeries(Point{Requests: 1})
	if _, err := Decide(Series{Trigger: "cron"}, ok, ProbeSeries{}, DefaultThresholds()); err == nil {
		t.Error("unknown trigger accepted")
	}
	if _, err := Decide(ok, Series{Trigger: TriggerPubSub}, ProbeSeries{}, DefaultThresholds()); err == nil {
		t.Error("canary and baseline of different triggers accepted")
	}
	if _, err := Decide(ok, Series{Service: "kw-y", Trigger: TriggerHTTP}, ProbeSeries{}, DefaultThresholds()); err == nil {
		t.Error("canary and baseline of different services accepted")
	}
	if _, err := Decide(ok, ok, ProbeSeries{Revision: "another"}, DefaultThresholds()); err == nil {
		t.Error("probes of another revision accepted")
	}
	bad := DefaultThresholds()
	bad.MinProbeSuccessRatio = 1.5
	if _, err := Decide(ok, ok, ProbeSeries{}, bad); err == nil {
		t.Error("a probe success ratio above 1 accepted")
	}
	bad = DefaultThresholds()
	bad.MaxErrorRatio = 2
	bad.MinRequests = 0
	if _, err := Decide(ok, ok, ProbeSeries{}, bad); err == nil {
		t.Error("impossible thresholds accepted")
	}
}

func TestSummarizeWeightsP95ByRequests(t *testing.T) {
	s := Summarize(httpSeries(Point{Requests: 90, LatencyP95Ms: 100}, Point{Requests: 10, LatencyP95Ms: 1000}, Point{LatencyP95Ms: 99999}))
	if s.Requests != 100 || s.P95Ms != 190 || s.Minutes != 3 {
		t.Errorf("summary %+v, want 100 requests, p95 190 ms over 3 minutes", s)
	}
}

func TestOnHoldTimeout(t *testing.T) {
	clean := Decision{Verdict: Hold, Canary: Summary{Requests: 12}}
	if got := OnHoldTimeout(clean).Verdict; got != Promote {
		t.Errorf("clean hold at timeout: %s, want PROMOTE", got)
	}
	dirty := Decision{Verdict: Hold, Canary: Summary{Requests: 12, Errors: 1}}
	if got := OnHoldTimeout(dirty).Verdict; got != Rollback {
		t.Errorf("hold with errors at timeout: %s, want ROLLBACK", got)
	}
	probeFailed := Decision{Verdict: Hold, Canary: Summary{Requests: 12}, Probes: ProbeSummary{Sent: 6, Failed: 1}}
	if got := OnHoldTimeout(probeFailed).Verdict; got != Rollback {
		t.Errorf("hold with a failed probe at timeout: %s, want ROLLBACK", got)
	}
	if got := OnHoldTimeout(Decision{Verdict: Rollback}).Verdict; got != Rollback {
		t.Errorf("rollback changed to %s", got)
	}
}

func TestCombine(t *testing.T) {
	p, h, r := Decision{Verdict: Promote}, Decision{Verdict: Hold}, Decision{Verdict: Rollback}
	for _, tc := range []struct {
		ds   []Decision
		want Verdict
	}{{[]Decision{p, p}, Promote}, {[]Decision{p, h}, Hold}, {[]Decision{h, r, p}, Rollback}} {
		if got := Combine(tc.ds...); got != tc.want {
			t.Errorf("Combine(%v) = %s, want %s", tc.ds, got, tc.want)
		}
	}
}
