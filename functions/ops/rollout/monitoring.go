package rollout

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"sync"
	"time"
)

// Monitoring reads a Cloud Run revision's request counts and latencies from
// the Cloud Monitoring API (projects.timeSeries.list) over plain HTTPS.
type Monitoring struct {
	// Project is the project ID whose metrics are read.
	Project string
	// Token returns an OAuth access token (MetadataToken in Cloud Build).
	Token TokenSource
	// HTTP is the client used; nil means one with a 30 s timeout.
	HTTP *http.Client
	// BaseURL is https://monitoring.googleapis.com unless a test says else.
	BaseURL string
}

// TokenSource returns a bearer token for the Monitoring API.
type TokenSource func(ctx context.Context) (string, error)

// StaticToken always returns tok (e.g. from gcloud auth print-access-token).
func StaticToken(tok string) TokenSource {
	return func(context.Context) (string, error) { return tok, nil }
}

// MetadataToken asks the metadata server for the default service account's
// access token and caches it until a minute before it expires. The server is
// metadata.google.internal, or $GCE_METADATA_HOST when set.
func MetadataToken(client *http.Client) TokenSource {
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	host := os.Getenv("GCE_METADATA_HOST")
	if host == "" {
		host = "metadata.google.internal"
	}
	var (
		mu      sync.Mutex
		tok     string
		expires time.Time
	)
	return func(ctx context.Context) (string, error) {
		mu.Lock()
		defer mu.Unlock()
		if tok != "" && time.Now().Before(expires) {
			return tok, nil
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+host+"/computeMetadata/v1/instance/service-accounts/default/token", nil)
		if err != nil {
			return "", err
		}
		req.Header.Set("Metadata-Flavor", "Google")
		resp, err := client.Do(req)
		if err != nil {
			return "", fmt.Errorf("metadata token: %w", err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
			return "", fmt.Errorf("metadata token: %s: %s", resp.Status, b)
		}
		var t struct {
			AccessToken string `json:"access_token"`
			ExpiresIn   int    `json:"expires_in"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&t); err != nil || t.AccessToken == "" {
			return "", fmt.Errorf("metadata token: bad answer (%v)", err)
		}
		tok, expires = t.AccessToken, time.Now().Add(time.Duration(t.ExpiresIn)*time.Second-time.Minute)
		return tok, nil
	}
}

// Query selects one revision's metrics over [Start, End).
type Query struct {
	Service  string // Cloud Run service, kw-<function>
	Region   string // resource.labels.location
	Revision string
	Trigger  string // http or pubsub, copied into the Series
	Start    time.Time
	End      time.Time
}

const alignment = time.Minute

// Series reads q's revision: per minute, requests by response code class
// (run.googleapis.com/request_count, summed) and the 95th percentile of
// run.googleapis.com/request_latencies.
func (m *Monitoring) Series(ctx context.Context, q Query) (Series, error) {
	points := map[time.Time]*Point{}
	at := func(t time.Time) *Point {
		if p, ok := points[t]; ok {
			return p
		}
		p := &Point{Minute: t}
		points[t] = p
		return p
	}
	base := fmt.Sprintf(`resource.type="cloud_run_revision" AND resource.labels.service_name=%q AND resource.labels.location=%q AND resource.labels.revision_name=%q`, q.Service, q.Region, q.Revision)

	counts, err := m.list(ctx, `metric.type="run.googleapis.com/request_count" AND `+base, q.Start, q.End, "REDUCE_SUM", "metric.labels.response_code_class")
	if err != nil {
		return Series{}, fmt.Errorf("request_count of %s: %w", q.Revision, err)
	}
	for _, ts := range counts {
		class := ts.Metric.Labels["response_code_class"]
		for _, pt := range ts.Points {
			n, err := pt.Value.int()
			if err != nil {
				return Series{}, err
			}
			p := at(pt.minute())
			p.Requests += n
			switch class {
			case "5xx":
				p.Errors5xx += n
			case "4xx":
				p.Errors4xx += n
			}
		}
	}
	lat, err := m.list(ctx, `metric.type="run.googleapis.com/request_latencies" AND `+base, q.Start, q.End, "REDUCE_PERCENTILE_95", "resource.labels.revision_name")
	if err != nil {
		return Series{}, fmt.Errorf("request_latencies of %s: %w", q.Revision, err)
	}
	for _, ts := range lat {
		for _, pt := range ts.Points {
			if pt.Value.DoubleValue != nil {
				at(pt.minute()).LatencyP95Ms = *pt.Value.DoubleValue
			}
		}
	}
	s := Series{Service: q.Service, Revision: q.Revision, Trigger: q.Trigger}
	for _, p := range points {
		s.Points = append(s.Points, *p)
	}
	sort.Slice(s.Points, func(i, j int) bool { return s.Points[i].Minute.Before(s.Points[j].Minute) })
	return s, nil
}

type timeSeries struct {
	Metric struct {
		Labels map[string]string `json:"labels"`
	} `json:"metric"`
	Points []point `json:"points"`
}

type point struct {
	Interval struct {
		EndTime time.Time `json:"endTime"`
	} `json:"interval"`
	Value value `json:"value"`
}

type value struct {
	Int64Value  *string  `json:"int64Value"` // int64 travels as a JSON string
	DoubleValue *float64 `json:"doubleValue"`
}

func (v value) int() (int64, error) {
	switch {
	case v.Int64Value != nil:
		return strconv.ParseInt(*v.Int64Value, 10, 64)
	case v.DoubleValue != nil:
		return int64(*v.DoubleValue + 0.5), nil
	}
	return 0, nil
}

// minute is the start of the aligned minute a point covers.
func (p point) minute() time.Time {
	return p.Interval.EndTime.UTC().Add(-alignment)
}

// list calls projects.timeSeries.list, aligned per minute (ALIGN_DELTA),
// reduced across series with reducer grouped by groupBy, following pages.
func (m *Monitoring) list(ctx context.Context, filter string, start, end time.Time, reducer, groupBy string) ([]timeSeries, error) {
	client := m.HTTP
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	base := m.BaseURL
	if base == "" {
		base = "https://monitoring.googleapis.com"
	}
	var out []timeSeries
	page := ""
	for {
		v := url.Values{}
		v.Set("filter", filter)
		v.Set("interval.startTime", start.UTC().Format(time.RFC3339))
		v.Set("interval.endTime", end.UTC().Format(time.RFC3339))
		v.Set("aggregation.alignmentPeriod", "60s")
		v.Set("aggregation.perSeriesAligner", "ALIGN_DELTA")
		v.Set("aggregation.crossSeriesReducer", reducer)
		v.Set("aggregation.groupByFields", groupBy)
		if page != "" {
			v.Set("pageToken", page)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/v3/projects/"+url.PathEscape(m.Project)+"/timeSeries?"+v.Encode(), nil)
		if err != nil {
			return nil, err
		}
		tok, err := m.Token(ctx)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := client.Do(req)
		if err != nil {
			return nil, err
		}
		var body struct {
			TimeSeries    []timeSeries `json:"timeSeries"`
			NextPageToken string       `json:"nextPageToken"`
		}
		if resp.StatusCode != http.StatusOK {
			b, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
			resp.Body.Close()
			return nil, fmt.Errorf("timeSeries.list: %s: %s", resp.Status, b)
		}
		err = json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("timeSeries.list: decode: %w", err)
		}
		out = append(out, body.TimeSeries...)
		if body.NextPageToken == "" {
			return out, nil
		}
		page = body.NextPageToken
	}
}
