package rollout

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestProbesFor(t *testing.T) {
	health := "GET /healthz -> 200"
	for _, tc := range []struct {
		name string
		f    CatalogFunction
		want []string
	}{
		{"public_catalog_get_200", CatalogFunction{Trigger: "http", Method: "GET", Path: "/v1/courses", Auth: "public"}, []string{health, "GET /v1/courses -> 200"}},
		{"jwks_get_200", CatalogFunction{Trigger: "http", Method: "GET", Path: "/.well-known/jwks.json", Auth: "public"}, []string{health, "GET /.well-known/jwks.json -> 200"}},
		{"web_app_root_200", CatalogFunction{Trigger: "http", Method: "GET", Path: "/{$}", Auth: "public"}, []string{health, "GET / -> 200"}},
		{"public_get_with_id_health_only", CatalogFunction{Trigger: "http", Method: "GET", Path: "/v1/courses/{courseId}", Auth: "public"}, []string{health}},
		{"public_post_health_only", CatalogFunction{Trigger: "http", Method: "POST", Path: "/v1/users", Auth: "public"}, []string{health}},
		{"user_delete_without_token_401", CatalogFunction{Trigger: "http", Method: "DELETE", Path: "/v1/users/me", Auth: "user"}, []string{health, "DELETE /v1/users/me -> 401"}},
		{"tutor_route_ids_filled_401", CatalogFunction{Trigger: "http", Method: "PUT", Path: "/v1/courses/{courseId}/items/{itemId}/captions/{language}", Auth: "tutor"}, []string{health, "PUT /v1/courses/probe/items/probe/captions/probe -> 401"}},
		{"learner_post_401", CatalogFunction{Trigger: "http", Method: "post", Path: "/v1/subscriptions", Auth: "learner"}, []string{health, "POST /v1/subscriptions -> 401"}},
		{"pubsub_health_only", CatalogFunction{Trigger: "pubsub", Path: "/push/user-outbox-relay", Auth: "pubsub"}, []string{health}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, p := range ProbesFor(tc.f) {
				got = append(got, p.String())
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("probes %q, want %q", got, tc.want)
			}
		})
	}
}

// canaryServer answers like a Kwipper function: /healthz 200, the route
// without a token 401, anything else 404; broken answers 500 to everything,
// hanging never answers (until the client gives up).
func canaryServer(t *testing.T, behaviour string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch behaviour {
		case "broken":
			http.Error(w, `{"error":{"code":"internal"}}`, http.StatusInternalServerError)
			return
		case "hanging":
			<-r.Context().Done()
			return
		}
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/healthz":
			w.Write([]byte(`{"status":"ok"}`))
		case r.Method == http.MethodPatch && r.URL.Path == "/v1/users/me" && r.Header.Get("Authorization") == "":
			http.Error(w, `{"error":{"code":"unauthenticated"}}`, http.StatusUnauthorized)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

var userUpdate = CatalogFunction{Name: "user-update-me", Trigger: "http", Method: "PATCH", Path: "/v1/users/me", Auth: "user"}

func TestProberRound(t *testing.T) {
	for _, tc := range []struct {
		behaviour    string
		sent, failed int
		failure      string
	}{
		{"healthy", 6, 0, ""},
		{"broken", 6, 6, "GET /healthz: status 500"},
		{"hanging", 6, 6, "GET /healthz: no answer within"},
	} {
		t.Run(tc.behaviour, func(t *testing.T) {
			srv := canaryServer(t, tc.behaviour)
			p := &Prober{Repeat: 3, Timeout: 200 * time.Millisecond}
			r, err := p.Round(context.Background(), ProbeTarget{Service: "kw-user-update-me", Revision: "new", URL: srv.URL + "/", Probes: ProbesFor(userUpdate)})
			if err != nil {
				t.Fatal(err)
			}
			if r.Sent != tc.sent || r.Failed != tc.failed {
				t.Errorf("sent %d, failed %d; want %d, %d (%q)", r.Sent, r.Failed, tc.sent, tc.failed, r.Failures)
			}
			if tc.failure != "" && (len(r.Failures) == 0 || !strings.HasPrefix(r.Failures[0], tc.failure)) {
				t.Errorf("failures %q, want the first to start with %q", r.Failures, tc.failure)
			}
			if len(r.Failures) > maxFailures {
				t.Errorf("%d failures described, want at most %d", len(r.Failures), maxFailures)
			}
		})
	}
}

func TestProberRoundWithoutURL(t *testing.T) {
	if _, err := (&Prober{}).Round(context.Background(), ProbeTarget{Service: "kw-x", URL: "-", Probes: ProbesFor(userUpdate)}); err == nil {
		t.Error("a target without a URL was probed")
	}
}

// TestWatchWithProber runs the gate with the real Prober against a local
// canary: Monitoring (scripted) sees a healthy canary, or one with too
// little traffic to judge; the probes decide the rest.
func TestWatchWithProber(t *testing.T) {
	start := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	healthy := map[string][]Point{"new": repeat(Point{Requests: 60, LatencyP95Ms: 100}, 20), "old": repeat(Point{Requests: 1000, LatencyP95Ms: 100}, 20)}
	quiet := map[string][]Point{"new": repeat(Point{Requests: 1, LatencyP95Ms: 80}, 20), "old": repeat(Point{Requests: 20, LatencyP95Ms: 80}, 20)}
	for _, tc := range []struct {
		name       string
		behaviour  string
		monitoring map[string][]Point
		want       Verdict
		looks      int
		reason     string
	}{
		{"healthy_canary_promotes", "healthy", healthy, Promote, 6, "synthetic probes: 36 of 36 succeeded"},
		{"canary_answering_500_rolls_back", "broken", healthy, Rollback, 1, "status 500"},
		{"canary_timing_out_rolls_back", "hanging", healthy, Rollback, 1, "no answer within"},
		// Monitoring alone would HOLD (1 request a minute); the probes fail.
		{"quiet_canary_answering_500_rolls_back", "broken", quiet, Rollback, 1, "synthetic probes"},
		// Quiet but probed healthy: promoted at the timeout, as before.
		{"quiet_healthy_canary_promoted_at_timeout", "healthy", quiet, Promote, 11, "no errors: promoted"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := canaryServer(t, tc.behaviour)
			now, looks := start, 0
			var log strings.Builder
			v, ds, err := WatchCanaries(context.Background(), scripted{points: tc.monitoring, now: &now, start: start}, WatchConfig{
				Region:  "asia-southeast2",
				Targets: []Target{{Service: "kw-user-update-me", Trigger: TriggerHTTP, Canary: "new", Baseline: "old", URL: srv.URL, Probes: ProbesFor(userUpdate)}},
				Since:   start, MinDuration: 5 * time.Minute, Timeout: 10 * time.Minute, Interval: time.Minute,
				Thresholds: DefaultThresholds(),
				Prober:     &Prober{Repeat: 3, Timeout: 200 * time.Millisecond},
				Now:        func() time.Time { looks++; return now },
				Sleep:      func(context.Context, time.Duration) error { now = now.Add(time.Minute); return nil },
				Log:        &log,
			})
			if err != nil {
				t.Fatal(err)
			}
			if v != tc.want || looks != tc.looks {
				t.Fatalf("verdict %s after %d looks, want %s after %d\n%s", v, looks, tc.want, tc.looks, log.String())
			}
			if len(ds) != 1 || !strings.Contains(strings.Join(ds[0].Reasons, "; "), tc.reason) {
				t.Errorf("decisions %+v do not mention %q", ds, tc.reason)
			}
			if ds[0].Probes.Rounds != tc.looks {
				t.Errorf("%d probe rounds, want one per look (%d)", ds[0].Probes.Rounds, tc.looks)
			}
		})
	}
}

func TestWithProbes(t *testing.T) {
	catalog := []CatalogFunction{userUpdate, {Name: "user-outbox-relay", Trigger: "pubsub", Path: "/push/user-outbox-relay", Auth: "pubsub"}}
	targets := []Target{
		{Service: "kw-user-update-me", Trigger: TriggerHTTP, Canary: "new", Baseline: "old", URL: "https://canary---kw-user-update-me-abc.a.run.app"},
		{Service: "kw-user-outbox-relay", Trigger: TriggerPubSub, Canary: "new", Baseline: "old", URL: "https://canary---kw-user-outbox-relay-abc.a.run.app"},
	}
	viaLB, err := WithProbes(targets, catalog, "asia-southeast2", "https://canary.api.kwipper.example/")
	if err != nil {
		t.Fatal(err)
	}
	if got := viaLB[0]; got.URL != "https://canary.api.kwipper.example/kw-user-update-me" || got.Header[CanaryRegionHeader] != "asia-southeast2" || len(got.Probes) != 2 {
		t.Errorf("through the load balancer: %+v", got)
	}
	if got := viaLB[1]; len(got.Probes) != 0 || got.Header != nil {
		t.Errorf("a Pub/Sub function is probed: %+v", got)
	}
	if targets[0].Probes != nil {
		t.Error("WithProbes changed its input")
	}
	viaTag, err := WithProbes(targets, catalog, "asia-southeast2", "")
	if err != nil {
		t.Fatal(err)
	}
	if got := viaTag[0]; got.URL != targets[0].URL || got.Header != nil || len(got.Probes) != 2 {
		t.Errorf("through the tag URL: %+v", got)
	}
	noURL := []Target{{Service: "kw-user-update-me", Trigger: TriggerHTTP, URL: "-"}}
	if _, err := WithProbes(noURL, catalog, "asia-southeast2", ""); err == nil {
		t.Error("a canary without any URL accepted")
	}
	if _, err := WithProbes([]Target{{Service: "kw-gone", Trigger: TriggerHTTP, URL: "x"}}, catalog, "asia-southeast2", ""); err == nil {
		t.Error("a target missing from the catalog accepted")
	}
}

// TestProberSendsTheHeader: the load balancer's canary route selects the
// region by a header; without it the local server answers 404.
func TestProberSendsTheHeader(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(CanaryRegionHeader) != "asia-southeast2" || r.URL.Path != "/kw-user-update-me/healthz" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	r, err := (&Prober{Repeat: 2}).Round(context.Background(), ProbeTarget{Service: "kw-user-update-me", URL: srv.URL + "/kw-user-update-me",
		Header: map[string]string{CanaryRegionHeader: "asia-southeast2"}, Probes: ProbesFor(CatalogFunction{})})
	if err != nil || r.Sent != 2 || r.Failed != 0 {
		t.Errorf("round %+v, %v: want 2 sent, none failed", r, err)
	}
}
