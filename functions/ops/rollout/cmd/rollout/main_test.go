package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut strings.Builder
	code := run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestPlanTSV(t *testing.T) {
	code, out, stderr := runCLI(t, "plan", "--regions", "asia-southeast2,northamerica-south1", "--steps", "10,100", "--format", "tsv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2+2*7 || lines[0] != "global\tapply-global\t0" || lines[5] != "asia-southeast2\twatch\t10" {
		t.Errorf("plan:\n%s", out)
	}
	if code, _, _ := runCLI(t, "plan", "--regions", "a", "--steps", "50,25"); code != exitUsage {
		t.Errorf("falling steps: exit %d, want %d", code, exitUsage)
	}
}

func TestDecideExitCodes(t *testing.T) {
	for name, want := range map[string]int{
		"healthy_promote":                 exitPromote,
		"little_traffic_hold":             exitHold,
		"errors_rollback":                 exitRollback,
		"pubsub_delivery_errors_rollback": exitRollback,
	} {
		dir := filepath.Join("..", "..", "testdata", name)
		code, out, stderr := runCLI(t, "decide", "--canary", filepath.Join(dir, "canary.json"), "--baseline", filepath.Join(dir, "baseline.json"))
		if code != want {
			t.Errorf("%s: exit %d, want %d\n%s%s", name, code, want, out, stderr)
		}
	}
	if code, _, _ := runCLI(t, "decide", "--canary", "x.json"); code != exitUsage {
		t.Errorf("missing --baseline: exit %d", code)
	}
}

func TestDecideThresholdsFile(t *testing.T) {
	dir := t.TempDir()
	strict := filepath.Join(dir, "strict.json")
	// A 100 ms budget fails the healthy canary's ~118 ms p95.
	if err := os.WriteFile(strict, []byte(`{"p95_budget_ms": 100}`), 0o644); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join("..", "..", "testdata", "healthy_promote")
	code, out, _ := runCLI(t, "decide", "--canary", filepath.Join(data, "canary.json"), "--baseline", filepath.Join(data, "baseline.json"), "--thresholds", strict)
	if code != exitRollback || !strings.Contains(out, "budget 100 ms") {
		t.Errorf("exit %d, want %d with the budget reason:\n%s", code, exitRollback, out)
	}
	typo := filepath.Join(dir, "typo.json")
	if err := os.WriteFile(typo, []byte(`{"p95_budget": 100}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := runCLI(t, "decide", "--canary", "a", "--baseline", "b", "--thresholds", typo); code != exitUsage {
		t.Errorf("unknown threshold name: exit %d, want %d", code, exitUsage)
	}
}

// TestWatchAgainstMonitoring runs watch against a fake Cloud Monitoring that
// reports a clean canary: PROMOTE at the first look (no minimum duration).
func TestWatchAgainstMonitoring(t *testing.T) {
	end := time.Now().UTC().Truncate(time.Minute)
	srv := fakeMonitoring(t, end)
	targets := filepath.Join(t.TempDir(), "targets")
	if err := os.WriteFile(targets, []byte("# service trigger canary baseline\nkw-course-list http kw-course-list-2-new kw-course-list-1-old\nkw-content-on-course-event pubsub kw-c-2-new kw-c-1-old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := runCLI(t, "watch", "--project", "kw-prod", "--region", "asia-southeast2", "--targets", targets,
		"--since", end.Add(-10*time.Minute).Format(time.RFC3339), "--min-duration", "0s", "--monitoring-url", srv.URL, "--access-token", "test-token")
	if code != exitPromote || !strings.HasSuffix(strings.TrimSpace(out), "PROMOTE") {
		t.Errorf("exit %d, want PROMOTE:\n%s\n%s", code, out, stderr)
	}
}

// TestWatchWithProbes: Monitoring reports the same clean canary, but with
// --catalog the gate probes it first; a canary answering 500 rolls back.
func TestWatchWithProbes(t *testing.T) {
	end := time.Now().UTC().Truncate(time.Minute)
	mon := fakeMonitoring(t, end)
	for _, tc := range []struct {
		name   string
		broken bool
		want   int
	}{{"healthy_probes_promote", false, exitPromote}, {"failing_probes_roll_back", true, exitRollback}} {
		t.Run(tc.name, func(t *testing.T) {
			targets, catalog := probeFiles(t, localCanary(t, tc.broken).URL)
			code, out, stderr := runCLI(t, "watch", "--project", "kw-prod", "--region", "asia-southeast2", "--targets", targets, "--catalog", catalog,
				"--since", end.Add(-10*time.Minute).Format(time.RFC3339), "--min-duration", "0s", "--monitoring-url", mon.URL, "--access-token", "test-token")
			if code != tc.want || !strings.Contains(out, "synthetic probes") {
				t.Errorf("exit %d, want %d with the probes' figures:\n%s\n%s", code, tc.want, out, stderr)
			}
		})
	}
}

// fakeMonitoring reports a clean canary (150 requests a minute against the
// baseline's 3000, p95 95 ms).
func fakeMonitoring(t *testing.T, end time.Time) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer test-token" {
			http.Error(w, "unauthenticated", http.StatusUnauthorized)
			return
		}
		f := r.URL.Query().Get("filter")
		n := 150
		if strings.Contains(f, "-old") {
			n = 3000
		}
		iv := fmt.Sprintf(`{"startTime":%q,"endTime":%q}`, end.Add(-time.Minute).Format(time.RFC3339), end.Format(time.RFC3339))
		if strings.Contains(f, "request_count") {
			fmt.Fprintf(w, `{"timeSeries":[{"metric":{"labels":{"response_code_class":"2xx"}},"points":[{"interval":%s,"value":{"int64Value":"%d"}}]}]}`, iv, n)
			return
		}
		fmt.Fprintf(w, `{"timeSeries":[{"points":[{"interval":%s,"value":{"doubleValue":95}}]}]}`, iv)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// localCanary answers like kw-course-list's revision: GET /healthz and
// GET /v1/courses 200, or 500 to everything when broken.
func localCanary(t *testing.T, broken bool) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if broken {
			http.Error(w, "boom", http.StatusInternalServerError)
			return
		}
		if r.Method == http.MethodGet && (r.URL.Path == "/healthz" || r.URL.Path == "/v1/courses") {
			w.Write([]byte(`{}`))
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func probeFiles(t *testing.T, tagURL string) (targets, catalog string) {
	t.Helper()
	dir := t.TempDir()
	targets, catalog = filepath.Join(dir, "targets"), filepath.Join(dir, "functions.json")
	if err := os.WriteFile(targets, []byte("kw-course-list http kw-course-list-2-new kw-course-list-1-old "+tagURL+"\nkw-content-on-course-event pubsub kw-c-2-new kw-c-1-old -\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(catalog, []byte(`{"functions":[{"name":"course-list","trigger":"http","method":"GET","path":"/v1/courses","auth":"public"},
		{"name":"content-on-course-event","trigger":"pubsub","path":"/push/content-on-course-event","auth":"pubsub"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	return targets, catalog
}

func TestProbeCommand(t *testing.T) {
	for _, tc := range []struct {
		name   string
		broken bool
		want   int
		out    string
	}{
		{"healthy_canary_passes", false, exitPromote, "6/6 ok"},
		{"canary_answering_500_rolls_back", true, exitRollback, "GET /healthz: status 500"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			targets, catalog := probeFiles(t, localCanary(t, tc.broken).URL)
			code, out, stderr := runCLI(t, "probe", "--region", "asia-southeast2", "--targets", targets, "--catalog", catalog, "--probe-timeout", "2s")
			if code != tc.want || !strings.Contains(out, tc.out) {
				t.Errorf("exit %d, want %d with %q:\n%s%s", code, tc.want, tc.out, out, stderr)
			}
		})
	}
	targets, catalog := probeFiles(t, "-")
	if code, _, _ := runCLI(t, "probe", "--region", "asia-southeast2", "--targets", targets, "--catalog", catalog); code != exitUsage {
		t.Errorf("an HTTP canary without a URL: exit %d, want %d", code, exitUsage)
	}
	if code, _, _ := runCLI(t, "probe", "--region", "asia-southeast2", "--targets", targets); code != exitUsage {
		t.Errorf("no --catalog: exit %d, want %d", code, exitUsage)
	}
}
