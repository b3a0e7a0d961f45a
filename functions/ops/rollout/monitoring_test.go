package rollout

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// fakeMonitoring answers projects.timeSeries.list like Cloud Monitoring:
// request counts by response code class (the 5xx series on a second page)
// and p95 latencies, for two minutes of one revision.
func fakeMonitoring(t *testing.T) *httptest.Server {
	t.Helper()
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/v3/projects/kw-prod/timeSeries" {
			http.Error(w, "unexpected "+r.Method+" "+r.URL.Path, http.StatusNotFound)
			return
		}
		if r.Header.Get("Authorization") != "Bearer tok-1" {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		q := r.URL.Query()
		f := q.Get("filter")
		for _, want := range []string{`resource.type="cloud_run_revision"`, `resource.labels.service_name="kw-course-list"`,
			`resource.labels.location="asia-southeast2"`, `resource.labels.revision_name="kw-course-list-00042-new"`} {
			if !strings.Contains(f, want) {
				http.Error(w, "filter lacks "+want, http.StatusBadRequest)
				return
			}
		}
		if q.Get("interval.startTime") != "2026-12-06T10:00:00Z" || q.Get("interval.endTime") != "2026-12-06T10:02:00Z" ||
			q.Get("aggregation.alignmentPeriod") != "60s" || q.Get("aggregation.perSeriesAligner") != "ALIGN_DELTA" {
			http.Error(w, "bad interval or alignment: "+r.URL.RawQuery, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.Contains(f, `metric.type="run.googleapis.com/request_count"`):
			if q.Get("aggregation.crossSeriesReducer") != "REDUCE_SUM" || q.Get("aggregation.groupByFields") != "metric.labels.response_code_class" {
				http.Error(w, "bad count aggregation", http.StatusBadRequest)
				return
			}
			if q.Get("pageToken") == "" {
				fmt.Fprint(w, `{"timeSeries":[
				 {"metric":{"type":"run.googleapis.com/request_count","labels":{"response_code_class":"2xx"}},"metricKind":"DELTA","valueType":"INT64",
				  "points":[{"interval":{"startTime":"2026-12-06T10:01:00Z","endTime":"2026-12-06T10:02:00Z"},"value":{"int64Value":"40"}},
				            {"interval":{"startTime":"2026-12-06T10:00:00Z","endTime":"2026-12-06T10:01:00Z"},"value":{"int64Value":"30"}}]},
				 {"metric":{"type":"run.googleapis.com/request_count","labels":{"response_code_class":"4xx"}},"metricKind":"DELTA","valueType":"INT64",
				  "points":[{"interval":{"startTime":"2026-12-06T10:00:00Z","endTime":"2026-12-06T10:01:00Z"},"value":{"int64Value":"2"}}]}],
				 "nextPageToken":"p2"}`)
				return
			}
			fmt.Fprint(w, `{"timeSeries":[
			 {"metric":{"type":"run.googleapis.com/request_count","labels":{"response_code_class":"5xx"}},"metricKind":"DELTA","valueType":"INT64",
			  "points":[{"interval":{"startTime":"2026-12-06T10:01:00Z","endTime":"2026-12-06T10:02:00Z"},"value":{"int64Value":"3"}}]}]}`)
		case strings.Contains(f, `metric.type="run.googleapis.com/request_latencies"`):
			if q.Get("aggregation.crossSeriesReducer") != "REDUCE_PERCENTILE_95" {
				http.Error(w, "bad latency aggregation", http.StatusBadRequest)
				return
			}
			fmt.Fprint(w, `{"timeSeries":[
			 {"metric":{"type":"run.googleapis.com/request_latencies"},"metricKind":"GAUGE","valueType":"DOUBLE",
			  "points":[{"interval":{"startTime":"2026-12-06T10:01:00Z","endTime":"2026-12-06T10:02:00Z"},"value":{"doubleValue":210.5}},
			            {"interval":{"startTime":"2026-12-06T10:00:00Z","endTime":"2026-12-06T10:01:00Z"},"value":{"doubleValue":120}}]}]}`)
		default:
			http.Error(w, "unknown metric in "+f, http.StatusBadRequest)
		}
	}))
}

func TestMonitoringSeries(t *testing.T) {
	srv := fakeMonitoring(t)
	defer srv.Close()
	m := &Monitoring{Project: "kw-prod", Token: StaticToken("tok-1"), BaseURL: srv.URL, HTTP: srv.Client()}
	start := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	s, err := m.Series(context.Background(), Query{Service: "kw-course-list", Region: "asia-southeast2",
		Revision: "kw-course-list-00042-new", Trigger: TriggerHTTP, Start: start, End: start.Add(2 * time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	want := []Point{
		{Minute: start, Requests: 32, Errors4xx: 2, LatencyP95Ms: 120},
		{Minute: start.Add(time.Minute), Requests: 43, Errors5xx: 3, LatencyP95Ms: 210.5},
	}
	if len(s.Points) != len(want) {
		t.Fatalf("points %+v, want %+v", s.Points, want)
	}
	for i := range want {
		if !s.Points[i].Minute.Equal(want[i].Minute) || s.Points[i].Requests != want[i].Requests || s.Points[i].Errors5xx != want[i].Errors5xx ||
			s.Points[i].Errors4xx != want[i].Errors4xx || s.Points[i].LatencyP95Ms != want[i].LatencyP95Ms {
			t.Errorf("point %d = %+v, want %+v", i, s.Points[i], want[i])
		}
	}
	if s.Revision != "kw-course-list-00042-new" || s.Trigger != TriggerHTTP || s.Service != "kw-course-list" {
		t.Errorf("series identity %q %q %q", s.Service, s.Revision, s.Trigger)
	}
}

func TestMonitoringErrorSaysWhy(t *testing.T) {
	srv := fakeMonitoring(t)
	defer srv.Close()
	m := &Monitoring{Project: "kw-prod", Token: StaticToken("wrong"), BaseURL: srv.URL, HTTP: srv.Client()}
	_, err := m.Series(context.Background(), Query{Service: "kw-course-list", Region: "asia-southeast2", Revision: "kw-course-list-00042-new"})
	if err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("err = %v, want the 401", err)
	}
}

func TestMetadataToken(t *testing.T) {
	var calls atomic.Int32
	md := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Metadata-Flavor") != "Google" || r.URL.Path != "/computeMetadata/v1/instance/service-accounts/default/token" {
			http.Error(w, "bad request", http.StatusForbidden)
			return
		}
		calls.Add(1)
		fmt.Fprint(w, `{"access_token":"ya29.x","expires_in":3599,"token_type":"Bearer"}`)
	}))
	defer md.Close()
	t.Setenv("GCE_METADATA_HOST", strings.TrimPrefix(md.URL, "http://"))
	ts := MetadataToken(md.Client())
	for range 2 {
		tok, err := ts(context.Background())
		if err != nil || tok != "ya29.x" {
			t.Fatalf("token %q, %v", tok, err)
		}
	}
	if calls.Load() != 1 {
		t.Errorf("metadata server asked %d times, want 1 (cached)", calls.Load())
	}
}
