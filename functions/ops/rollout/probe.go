package rollout

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Synthetic requests (probes) against a canary revision: Cloud Monitoring
// needs traffic to judge, and at a 5 % step a rarely called function may see
// none, so the gate also sends a few safe requests of its own to the
// revision's tag URL and judges their outcome as a third series.

// Probe is one kind of safe request: it changes nothing whatever the
// revision does with it.
type Probe struct {
	Method string `json:"method"`
	// Path is the request path (and query), starting with "/".
	Path string `json:"path"`
	// Want lists the statuses that count as healthy.
	Want []int `json:"want"`
}

// String is "GET /healthz -> 200".
func (p Probe) String() string {
	var ws []string
	for _, w := range p.Want {
		ws = append(ws, fmt.Sprint(w))
	}
	return fmt.Sprintf("%s %s -> %s", p.Method, p.Path, strings.Join(ws, "|"))
}

// CatalogFunction is the part of a terraform/functions.json function the
// probes are chosen from.
type CatalogFunction struct {
	Name    string `json:"name"`
	Trigger string `json:"trigger"`
	Method  string `json:"method"`
	Path    string `json:"path"`
	// Auth is "public", "user", "tutor", "learner" or "pubsub".
	Auth string `json:"auth"`
}

// pathParam matches a Go ServeMux wildcard: {name}, {name...} or {$}.
var pathParam = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*(\.\.\.)?|\$)\}`)

// ProbesFor chooses the safe requests for a function: always its health
// check (GET /healthz, 200: the revision started and reaches its
// databases); for a public GET route without path parameters (the catalog,
// /v1/currencies, the JWKS, the web app) that route, 200; for a route that
// needs a caller, the route without a token, which must answer 401 (the
// guard refuses before any handler runs, so even a DELETE changes nothing).
// Public routes that take a body (register, log in, the Stripe webhook) and
// Pub/Sub push endpoints get only the health check: a request to them is
// either a side effect or a refusal that proves little.
func ProbesFor(f CatalogFunction) []Probe {
	ps := []Probe{{Method: http.MethodGet, Path: "/healthz", Want: []int{http.StatusOK}}}
	if f.Trigger != TriggerHTTP || f.Path == "" {
		return ps
	}
	method := strings.ToUpper(f.Method)
	switch f.Auth {
	case "public":
		if method == http.MethodGet && !strings.Contains(strings.ReplaceAll(f.Path, "{$}", ""), "{") {
			ps = append(ps, Probe{Method: method, Path: strings.ReplaceAll(f.Path, "{$}", ""), Want: []int{http.StatusOK}})
		}
	case "user", "tutor", "learner":
		// Any value fills a parameter: authentication comes first.
		path := pathParam.ReplaceAllStringFunc(f.Path, func(m string) string {
			if m == "{$}" {
				return ""
			}
			return "probe"
		})
		ps = append(ps, Probe{Method: method, Path: path, Want: []int{http.StatusUnauthorized}})
	}
	return ps
}

// ProbeTarget is one canary revision to probe.
type ProbeTarget struct {
	Service  string `json:"service"`
	Revision string `json:"revision"`
	// URL is the base URL the probes go to: the revision's tag URL
	// (https://canary---<service>-<hash>.<region>.run.app) or any address
	// that reaches exactly that revision.
	URL string `json:"url"`
	// Header is sent with every probe (e.g. the region header the load
	// balancer's canary route selects the region by).
	Header map[string]string `json:"header,omitempty"`
	Probes []Probe           `json:"probes"`
}

// ProbeRound is the outcome of one round of probes against one revision:
// every probe sent Repeat times.
type ProbeRound struct {
	// At is when the round started.
	At     time.Time `json:"at"`
	Sent   int       `json:"sent"`
	Failed int       `json:"failed"`
	// LatencyP95Ms is the 95th percentile of the round's latencies,
	// failures included (a timeout counts as the timeout).
	LatencyP95Ms float64 `json:"latency_p95_ms"`
	// Failures describes up to maxFailures failed requests.
	Failures []string `json:"failures,omitempty"`
}

// ProbeSeries is the rounds sent to one canary revision during a step.
type ProbeSeries struct {
	Service  string       `json:"service"`
	Revision string       `json:"revision"`
	Rounds   []ProbeRound `json:"rounds"`
}

// maxFailures bounds the failures a round describes.
const maxFailures = 5

// Prober sends the probes. The zero value sends each probe 3 times with a
// 10 s timeout per request.
type Prober struct {
	// Client sends the requests; nil means http.DefaultClient's transport
	// without redirects.
	Client *http.Client
	// Repeat is how many times each probe is sent per round.
	Repeat int
	// Timeout bounds each request.
	Timeout time.Duration
	// Now defaults to time.Now; latencies are measured with it.
	Now func() time.Time
}

// Round sends every probe of t Repeat times, one after the other (a canary
// at 5 % must not be loaded by its own gate), and records the outcome. A
// request fails on a transport error, a timeout or a status outside the
// probe's Want. Only ctx ending is an error.
func (p *Prober) Round(ctx context.Context, t ProbeTarget) (ProbeRound, error) {
	client, repeat, timeout, now := p.Client, p.Repeat, p.Timeout, p.Now
	if client == nil {
		client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if repeat <= 0 {
		repeat = 3
	}
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	if now == nil {
		now = time.Now
	}
	base := strings.TrimRight(t.URL, "/")
	round := ProbeRound{At: now()}
	if base == "" || base == "-" {
		return round, fmt.Errorf("%s: no URL to probe", t.Service)
	}
	var latencies []float64
	for _, pr := range t.Probes {
		for range repeat {
			if err := ctx.Err(); err != nil {
				return round, err
			}
			start := now()
			status, err := p.send(ctx, client, timeout, pr.Method, base+pr.Path, t.Header)
			latencies = append(latencies, float64(now().Sub(start))/float64(time.Millisecond))
			round.Sent++
			var why string
			switch {
			case err != nil && ctx.Err() != nil:
				return round, ctx.Err()
			case err != nil:
				why = err.Error()
			case !slices.Contains(pr.Want, status):
				why = fmt.Sprintf("status %d", status)
			}
			if why != "" {
				round.Failed++
				if len(round.Failures) < maxFailures {
					round.Failures = append(round.Failures, fmt.Sprintf("%s %s: %s", pr.Method, pr.Path, why))
				}
			}
		}
	}
	round.LatencyP95Ms = percentile(latencies, 0.95)
	return round, nil
}

func (p *Prober) send(ctx context.Context, client *http.Client, timeout time.Duration, method, url string, header map[string]string) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, url, nil)
	if err != nil {
		return 0, err
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	req.Header.Set("User-Agent", "kwipper-rollout-probe")
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return 0, fmt.Errorf("no answer within %s", timeout)
		}
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	return resp.StatusCode, nil
}

// percentile is the nearest-rank percentile of xs (0 when empty).
func percentile(xs []float64, q float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(math.Ceil(q*float64(len(s)))) - 1
	return s[max(i, 0)]
}

// ProbeSummary is a probe series reduced over the step.
type ProbeSummary struct {
	Rounds int `json:"rounds"`
	Sent   int `json:"sent"`
	Failed int `json:"failed"`
	// SuccessRatio is (Sent-Failed)/Sent (1 when nothing was sent).
	SuccessRatio float64 `json:"success_ratio"`
	// P95Ms is the highest round p95: a probe is a handful of requests, so
	// one slow round is not averaged away.
	P95Ms float64 `json:"p95_ms"`
	// Failures are those of the latest round with failures.
	Failures []string `json:"failures,omitempty"`
}

// SummarizeProbes reduces s over its rounds.
func SummarizeProbes(s ProbeSeries) ProbeSummary {
	sum := ProbeSummary{Rounds: len(s.Rounds), SuccessRatio: 1}
	for _, r := range s.Rounds {
		sum.Sent += r.Sent
		sum.Failed += r.Failed
		sum.P95Ms = max(sum.P95Ms, r.LatencyP95Ms)
		if len(r.Failures) > 0 {
			sum.Failures = r.Failures
		}
	}
	if sum.Sent > 0 {
		sum.SuccessRatio = float64(sum.Sent-sum.Failed) / float64(sum.Sent)
	}
	return sum
}

// CanaryRegionHeader is the request header the load balancer's canary host
// routes by: canary.<api domain>/kw-<function>/<path> with this header set
// to a region reaches that region's revision tagged "canary" of
// kw-<function> (terraform/modules/global/lb.tf, the serverless NEG
// kw-canary of each region).
const CanaryRegionHeader = "X-Kw-Canary-Region"

// WithProbes gives every HTTP target its probes (chosen by ProbesFor from
// the catalog function of the same Cloud Run service, kw-<name>) and the
// address they go to: with probeBase (https://canary.<api domain>) the load
// balancer's canary route, probeBase/<service> with CanaryRegionHeader set
// to region; without it the target's own URL (its tag URL), left as it is.
// Pub/Sub targets get no probes (only Pub/Sub may invoke them). A target
// missing from the catalog is an error: the catalog and the deploy
// disagree.
func WithProbes(targets []Target, catalog []CatalogFunction, region, probeBase string) ([]Target, error) {
	byService := map[string]CatalogFunction{}
	for _, f := range catalog {
		byService["kw-"+f.Name] = f
	}
	out := slices.Clone(targets)
	for i, t := range out {
		if t.Trigger != TriggerHTTP {
			continue
		}
		f, ok := byService[t.Service]
		if !ok {
			return nil, fmt.Errorf("%s is not a function of the catalog", t.Service)
		}
		out[i].Probes = ProbesFor(f)
		if probeBase != "" {
			out[i].URL = strings.TrimRight(probeBase, "/") + "/" + t.Service
			out[i].Header = map[string]string{CanaryRegionHeader: region}
		}
		if out[i].URL == "-" {
			out[i].URL = ""
		}
		if out[i].URL == "" {
			return nil, fmt.Errorf("%s: no URL reaches its canary revision to probe", t.Service)
		}
	}
	return out, nil
}
