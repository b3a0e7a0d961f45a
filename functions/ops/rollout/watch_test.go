package rollout

import (
	"context"
	"strings"
	"testing"
	"time"
)

// scripted returns, per revision, a series that grows by one point per
// look: points[revision][look].
type scripted struct {
	points map[string][]Point
	now    *time.Time
	start  time.Time
}

func (s scripted) Series(_ context.Context, q Query) (Series, error) {
	n := int(s.now.Sub(s.start)/time.Minute) + 1
	pts := s.points[q.Revision]
	if n > len(pts) {
		n = len(pts)
	}
	return Series{Service: q.Service, Revision: q.Revision, Trigger: q.Trigger, Points: pts[:n]}, nil
}

func repeat(p Point, n int) []Point {
	out := make([]Point, n)
	for i := range out {
		out[i] = p
	}
	return out
}

func TestWatchCanaries(t *testing.T) {
	start := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	good := Point{Requests: 60, LatencyP95Ms: 100}
	stable := Point{Requests: 1000, LatencyP95Ms: 100}
	for _, tc := range []struct {
		name   string
		points map[string][]Point
		want   Verdict
		looks  int
	}{
		// 60 requests a minute: 100 after 2 looks, but PROMOTE waits for MinDuration (5 min).
		{"promote_after_min_duration", map[string][]Point{"a-new": repeat(good, 20), "a-old": repeat(stable, 20), "b-new": repeat(good, 20), "b-old": repeat(stable, 20)}, Promote, 6},
		// b's canary starts failing in minute 3.
		{"one_function_fails_rolls_back_all", map[string][]Point{"a-new": repeat(good, 20), "a-old": repeat(stable, 20),
			"b-new": append(repeat(good, 2), repeat(Point{Requests: 60, Errors5xx: 20, LatencyP95Ms: 100}, 18)...), "b-old": repeat(stable, 20)}, Rollback, 3},
		// b sees 1 request a minute, never 100: at the 10 min timeout, clean, so PROMOTE.
		{"quiet_function_promoted_at_timeout", map[string][]Point{"a-new": repeat(good, 20), "a-old": repeat(stable, 20),
			"b-new": repeat(Point{Requests: 1, LatencyP95Ms: 80}, 20), "b-old": repeat(Point{Requests: 20, LatencyP95Ms: 80}, 20)}, Promote, 11},
	} {
		t.Run(tc.name, func(t *testing.T) {
			now := start
			looks := 0
			var log strings.Builder
			v, ds, err := WatchCanaries(context.Background(), scripted{points: tc.points, now: &now, start: start}, WatchConfig{
				Region: "asia-southeast2",
				Targets: []Target{{Service: "kw-a", Trigger: TriggerHTTP, Canary: "a-new", Baseline: "a-old"},
					{Service: "kw-b", Trigger: TriggerHTTP, Canary: "b-new", Baseline: "b-old"}},
				Since: start, MinDuration: 5 * time.Minute, Timeout: 10 * time.Minute, Interval: time.Minute,
				Thresholds: DefaultThresholds(),
				Now:        func() time.Time { looks++; return now },
				Sleep:      func(context.Context, time.Duration) error { now = now.Add(time.Minute); return nil },
				Log:        &log,
			})
			if err != nil {
				t.Fatal(err)
			}
			if v != tc.want || looks != tc.looks {
				t.Errorf("verdict %s after %d looks, want %s after %d\n%s", v, looks, tc.want, tc.looks, log.String())
			}
			if len(ds) != 2 {
				t.Errorf("%d decisions, want 2", len(ds))
			}
		})
	}
}
