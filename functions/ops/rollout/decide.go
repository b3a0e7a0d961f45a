// Package rollout decides how a Cloud Run canary rollout proceeds: from the
// metric series of a canary revision and of the stable (baseline) revision it
// tells whether to PROMOTE the canary to the next traffic step, HOLD (not
// enough traffic yet to judge) or ROLLBACK; and it plans the steps of a
// deploy across regions. It imports nothing outside the standard library and
// does no I/O except in the Cloud Monitoring client (monitoring.go), so the
// rules are table-tested on recorded series.
package rollout

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// Verdict is the outcome of one decision.
type Verdict string

const (
	// Promote: the canary is healthy; move to the next traffic step.
	Promote Verdict = "PROMOTE"
	// Hold: too little canary traffic to judge; keep the step and look again.
	Hold Verdict = "HOLD"
	// Rollback: the canary is worse than the thresholds allow; send all
	// traffic back to the baseline revision.
	Rollback Verdict = "ROLLBACK"
)

// Trigger kinds of a function (terraform/functions.json "trigger").
const (
	TriggerHTTP   = "http"
	TriggerPubSub = "pubsub"
)

// Point is one minute of one revision's metrics.
type Point struct {
	// Minute is the start of the minute (UTC).
	Minute time.Time `json:"minute"`
	// Requests is the number of requests the revision answered.
	Requests int64 `json:"requests"`
	// Errors5xx is how many of them got a 5xx response.
	Errors5xx int64 `json:"errors_5xx"`
	// Errors4xx is how many of them got a 4xx response. For HTTP functions a
	// 4xx is the client's fault and is not held against the revision; for
	// Pub/Sub push endpoints any non-2xx response is a failed delivery.
	Errors4xx int64 `json:"errors_4xx"`
	// LatencyP95Ms is the 95th percentile request latency in milliseconds
	// over the minute (meaningless when Requests is 0).
	LatencyP95Ms float64 `json:"latency_p95_ms"`
}

// Series is one revision's recorded metrics.
type Series struct {
	// Service is the Cloud Run service (kw-<function>).
	Service string `json:"service"`
	// Revision is the Cloud Run revision name.
	Revision string `json:"revision"`
	// Trigger is "http" or "pubsub" (push deliveries).
	Trigger string  `json:"trigger"`
	Points  []Point `json:"points"`
}

// Thresholds configure Decide. Ratios are fractions (0.01 = 1 %).
type Thresholds struct {
	// MinRequests is the number of canary requests (HTTP) needed before the
	// canary is promoted; below it the verdict is HOLD, unless the errors
	// seen already exceed what MaxErrorRatio allows for MinRequests.
	MinRequests int64 `json:"min_requests"`
	// MaxErrorRatio is the highest 5xx ratio an HTTP canary may have.
	MaxErrorRatio float64 `json:"max_error_ratio"`
	// MaxErrorRatioToBaseline bounds the canary's error ratio relative to
	// the baseline's: canary <= baseline*MaxErrorRatioToBaseline +
	// ErrorRatioTolerance (applied when the baseline has MinRequests).
	MaxErrorRatioToBaseline float64 `json:"max_error_ratio_to_baseline"`
	// ErrorRatioTolerance is the absolute allowance added to the relative
	// bound, so a baseline without errors does not fail a canary on one.
	ErrorRatioTolerance float64 `json:"error_ratio_tolerance"`
	// P95BudgetMs is the highest p95 latency the canary may have.
	P95BudgetMs float64 `json:"p95_budget_ms"`
	// MinProbes is the number of synthetic requests (probes) needed before
	// their success ratio and latency are judged; below it the probes roll
	// back only when their failures already exceed what MinProbeSuccessRatio
	// allows for MinProbes.
	MinProbes int `json:"min_probes"`
	// MinProbeSuccessRatio is the lowest share of probes that must succeed.
	MinProbeSuccessRatio float64 `json:"min_probe_success_ratio"`
	// ProbeP95BudgetMs is the highest p95 latency of a round of probes.
	ProbeP95BudgetMs float64 `json:"probe_p95_budget_ms"`
	// MaxP95ToBaseline bounds the canary's p95 relative to the baseline's:
	// canary <= baseline*MaxP95ToBaseline + P95ToleranceMs.
	MaxP95ToBaseline float64 `json:"max_p95_to_baseline"`
	// P95ToleranceMs is the absolute allowance added to the relative bound.
	P95ToleranceMs float64 `json:"p95_tolerance_ms"`
	// MinDeliveries is MinRequests for Pub/Sub push functions.
	MinDeliveries int64 `json:"min_deliveries"`
	// MaxDeliveryErrorRatio is the highest share of failed push deliveries
	// (non-2xx answers, which Pub/Sub redelivers) a Pub/Sub canary may have.
	MaxDeliveryErrorRatio float64 `json:"max_delivery_error_ratio"`
}

// DefaultThresholds are the thresholds scripts/deploy uses unless told
// otherwise.
func DefaultThresholds() Thresholds {
	return Thresholds{
		MinRequests:             100,
		MaxErrorRatio:           0.02,
		MaxErrorRatioToBaseline: 2,
		ErrorRatioTolerance:     0.005,
		P95BudgetMs:             1500,
		MaxP95ToBaseline:        1.5,
		P95ToleranceMs:          50,
		MinDeliveries:           20,
		MaxDeliveryErrorRatio:   0.05,
		MinProbes:               10,
		MinProbeSuccessRatio:    0.9,
		ProbeP95BudgetMs:        3000,
	}
}

// Validate reports thresholds that cannot work.
func (t Thresholds) Validate() error {
	var errs []error
	if t.MinRequests < 1 || t.MinDeliveries < 1 || t.MinProbes < 1 {
		errs = append(errs, errors.New("min_requests, min_deliveries and min_probes must be at least 1"))
	}
	for name, r := range map[string]float64{"max_error_ratio": t.MaxErrorRatio, "max_delivery_error_ratio": t.MaxDeliveryErrorRatio, "error_ratio_tolerance": t.ErrorRatioTolerance, "min_probe_success_ratio": t.MinProbeSuccessRatio} {
		if r < 0 || r > 1 {
			errs = append(errs, fmt.Errorf("%s must be between 0 and 1, not %g", name, r))
		}
	}
	if t.MaxErrorRatioToBaseline < 1 || t.MaxP95ToBaseline < 1 {
		errs = append(errs, errors.New("max_error_ratio_to_baseline and max_p95_to_baseline must be at least 1"))
	}
	if t.P95BudgetMs <= 0 || t.P95ToleranceMs < 0 || t.ProbeP95BudgetMs <= 0 {
		errs = append(errs, errors.New("p95_budget_ms and probe_p95_budget_ms must be positive and p95_tolerance_ms not negative"))
	}
	return errors.Join(errs...)
}

// Summary is a revision's series reduced over the whole window.
type Summary struct {
	Revision string `json:"revision"`
	// Requests counts requests (HTTP) or push deliveries (Pub/Sub).
	Requests int64 `json:"requests"`
	// Errors counts 5xx answers (HTTP) or failed deliveries: any non-2xx
	// answer (Pub/Sub).
	Errors     int64   `json:"errors"`
	ErrorRatio float64 `json:"error_ratio"`
	// P95Ms is the request-weighted mean of the per-minute p95 latencies
	// (minutes without requests do not count).
	P95Ms   float64 `json:"p95_ms"`
	Minutes int     `json:"minutes"`
}

// Summarize reduces s over all its points.
func Summarize(s Series) Summary {
	sum := Summary{Revision: s.Revision, Minutes: len(s.Points)}
	var weighted float64
	for _, p := range s.Points {
		sum.Requests += p.Requests
		sum.Errors += p.Errors5xx
		if s.Trigger == TriggerPubSub {
			sum.Errors += p.Errors4xx
		}
		if p.Requests > 0 {
			weighted += p.LatencyP95Ms * float64(p.Requests)
		}
	}
	if sum.Requests > 0 {
		sum.ErrorRatio = float64(sum.Errors) / float64(sum.Requests)
		sum.P95Ms = weighted / float64(sum.Requests)
	}
	return sum
}

// Decision is a verdict with the figures and the reasons behind it.
type Decision struct {
	Verdict  Verdict  `json:"verdict"`
	Reasons  []string `json:"reasons"`
	Canary   Summary  `json:"canary"`
	Baseline Summary  `json:"baseline"`
	// Probes summarizes the synthetic requests sent to the canary (Rounds
	// 0: none were sent, e.g. for a Pub/Sub function).
	Probes ProbeSummary `json:"probes"`
}

// Decide compares the canary's series with the baseline's over the same
// window, and judges the synthetic requests sent to the canary (probes; an
// empty series when none were sent). It returns ROLLBACK when any bound is
// broken (error ratio, error ratio against the baseline, p95 budget, p95
// against the baseline; for Pub/Sub the delivery error ratio; the probes'
// success ratio and p95), HOLD when the canary has served too little to
// judge, else PROMOTE. The probes are judged whatever the traffic: failing
// probes roll back a canary Monitoring cannot judge yet. Bounds relative to
// the baseline apply only when the baseline itself has enough traffic. The
// canary's trigger decides which rules apply; baseline and canary must be
// of the same service.
func Decide(canary, baseline Series, probes ProbeSeries, t Thresholds) (Decision, error) {
	if err := t.Validate(); err != nil {
		return Decision{}, err
	}
	if canary.Trigger != TriggerHTTP && canary.Trigger != TriggerPubSub {
		return Decision{}, fmt.Errorf("canary trigger %q: want %q or %q", canary.Trigger, TriggerHTTP, TriggerPubSub)
	}
	if baseline.Trigger != "" && baseline.Trigger != canary.Trigger {
		return Decision{}, fmt.Errorf("canary trigger %q but baseline trigger %q", canary.Trigger, baseline.Trigger)
	}
	if canary.Service != "" && baseline.Service != "" && canary.Service != baseline.Service {
		return Decision{}, fmt.Errorf("canary is of service %q, baseline of %q", canary.Service, baseline.Service)
	}
	if canary.Service != "" && probes.Service != "" && canary.Service != probes.Service {
		return Decision{}, fmt.Errorf("canary is of service %q, probes of %q", canary.Service, probes.Service)
	}
	if canary.Revision != "" && probes.Revision != "" && canary.Revision != probes.Revision {
		return Decision{}, fmt.Errorf("canary is revision %q, probes went to %q", canary.Revision, probes.Revision)
	}
	baseline.Trigger = canary.Trigger
	d := Decision{Canary: Summarize(canary), Baseline: Summarize(baseline), Probes: SummarizeProbes(probes)}
	c, b := d.Canary, d.Baseline

	minimum, maxRatio, what := t.MinRequests, t.MaxErrorRatio, "5xx ratio"
	if canary.Trigger == TriggerPubSub {
		minimum, maxRatio, what = t.MinDeliveries, t.MaxDeliveryErrorRatio, "push delivery error ratio"
	}
	fail := func(format string, args ...any) { d.Reasons = append(d.Reasons, fmt.Sprintf(format, args...)) }

	enough := c.Requests >= minimum
	if !enough {
		// Even if every further request up to the minimum succeeded, the
		// ratio would stay above the bound: no need to wait.
		if float64(c.Errors)/float64(minimum) > maxRatio {
			fail("%s: %d errors already exceed %.2f%% of the minimum %d requests", what, c.Errors, maxRatio*100, minimum)
		}
	} else {
		if c.ErrorRatio > maxRatio {
			fail("%s %.2f%% > max %.2f%% (%d of %d)", what, c.ErrorRatio*100, maxRatio*100, c.Errors, c.Requests)
		}
		if b.Requests >= minimum {
			if limit := b.ErrorRatio*t.MaxErrorRatioToBaseline + t.ErrorRatioTolerance; c.ErrorRatio > limit {
				fail("%s %.2f%% > %.2f%% allowed against baseline %.2f%% (x%g + %.2f%%)", what, c.ErrorRatio*100, limit*100, b.ErrorRatio*100, t.MaxErrorRatioToBaseline, t.ErrorRatioTolerance*100)
			}
		}
		if c.P95Ms > t.P95BudgetMs {
			fail("p95 latency %.0f ms > budget %.0f ms", c.P95Ms, t.P95BudgetMs)
		}
		if b.Requests >= minimum {
			if limit := b.P95Ms*t.MaxP95ToBaseline + t.P95ToleranceMs; c.P95Ms > limit {
				fail("p95 latency %.0f ms > %.0f ms allowed against baseline %.0f ms (x%g + %.0f ms)", c.P95Ms, limit, b.P95Ms, t.MaxP95ToBaseline, t.P95ToleranceMs)
			}
		}
	}
	if p := d.Probes; p.Sent > 0 {
		why := ""
		if len(p.Failures) > 0 {
			why = " (" + strings.Join(p.Failures, "; ") + ")"
		}
		// epsilon keeps 1 failure in 10 within a 90 % bound (1-0.9 is
		// 0.09999... in floating point).
		const epsilon = 1e-9
		if p.Sent < t.MinProbes {
			if allowed := int(math.Floor((1-t.MinProbeSuccessRatio)*float64(t.MinProbes) + epsilon)); p.Failed > allowed {
				fail("synthetic probes: %d failed already exceed the %d allowed in the minimum %d%s", p.Failed, allowed, t.MinProbes, why)
			}
		} else {
			if p.SuccessRatio < t.MinProbeSuccessRatio-epsilon {
				fail("synthetic probes: %d of %d succeeded (%.1f%% < %.1f%%)%s", p.Sent-p.Failed, p.Sent, p.SuccessRatio*100, t.MinProbeSuccessRatio*100, why)
			}
			if p.P95Ms > t.ProbeP95BudgetMs {
				fail("synthetic probes: p95 latency %.0f ms > budget %.0f ms", p.P95Ms, t.ProbeP95BudgetMs)
			}
		}
	}
	switch {
	case len(d.Reasons) > 0:
		d.Verdict = Rollback
	case !enough:
		d.Verdict = Hold
		d.Reasons = []string{fmt.Sprintf("canary served %d of the %d requests needed to judge", c.Requests, minimum)}
	default:
		d.Verdict = Promote
		d.Reasons = []string{fmt.Sprintf("%s %.2f%%, p95 %.0f ms over %d requests: within bounds", what, c.ErrorRatio*100, c.P95Ms, c.Requests)}
	}
	if p := d.Probes; p.Sent > 0 && d.Verdict != Rollback {
		d.Reasons = append(d.Reasons, fmt.Sprintf("synthetic probes: %d of %d succeeded, p95 %.0f ms", p.Sent-p.Failed, p.Sent, p.P95Ms))
	}
	return d, nil
}

// Combine folds the decisions of several functions shifted together into
// one: ROLLBACK if any says so, else HOLD if any holds, else PROMOTE.
func Combine(ds ...Decision) Verdict {
	v := Promote
	for _, d := range ds {
		switch d.Verdict {
		case Rollback:
			return Rollback
		case Hold:
			v = Hold
		}
	}
	return v
}

// OnHoldTimeout resolves a decision still HOLD when the watch runs out of
// time: a canary that served without a single error and failed no probe is
// promoted (a rarely called function would otherwise never ship), one with
// errors is rolled back.
func OnHoldTimeout(d Decision) Decision {
	if d.Verdict != Hold {
		return d
	}
	if d.Canary.Errors == 0 && d.Probes.Failed == 0 {
		d.Verdict = Promote
		d.Reasons = append(d.Reasons, fmt.Sprintf("watch timed out with %d requests and no errors: promoted", d.Canary.Requests))
	} else {
		d.Verdict = Rollback
		d.Reasons = append(d.Reasons, fmt.Sprintf("watch timed out with %d errors in %d requests and %d failed probes: rolled back", d.Canary.Errors, d.Canary.Requests, d.Probes.Failed))
	}
	return d
}
