package rollout

import (
	"context"
	"fmt"
	"io"
	"time"
)

// Target is one function whose canary is watched: its Cloud Run service,
// trigger, and the canary and baseline (stable) revisions.
type Target struct {
	Service  string `json:"service"`
	Trigger  string `json:"trigger"`
	Canary   string `json:"canary"`
	Baseline string `json:"baseline"`
	// URL reaches the canary revision alone (its tag URL); with Probes and
	// a WatchConfig.Prober, every look sends the probes there first.
	URL string `json:"url,omitempty"`
	// Header goes with every probe (ProbeTarget.Header).
	Header map[string]string `json:"header,omitempty"`
	Probes []Probe           `json:"probes,omitempty"`
}

// ProbeRunner sends one round of probes (Prober in the cloud).
type ProbeRunner interface {
	Round(ctx context.Context, t ProbeTarget) (ProbeRound, error)
}

// SeriesSource reads a revision's series (Monitoring in the cloud).
type SeriesSource interface {
	Series(ctx context.Context, q Query) (Series, error)
}

// WatchConfig says what to watch and for how long.
type WatchConfig struct {
	Region  string
	Targets []Target
	// Since is when the current traffic step started; metrics before it
	// belong to an earlier step.
	Since time.Time
	// MinDuration is the least time a step is watched before PROMOTE
	// (ROLLBACK may come at any time).
	MinDuration time.Duration
	// Timeout ends the watch; decisions still HOLD then are resolved by
	// OnHoldTimeout.
	Timeout time.Duration
	// Interval between two looks.
	Interval   time.Duration
	Thresholds Thresholds
	// Prober, when set, probes every target that has a URL and Probes
	// once per look; the rounds of the step feed Decide.
	Prober ProbeRunner
	// Now and Sleep default to the wall clock; tests replace them.
	Now   func() time.Time
	Sleep func(context.Context, time.Duration) error
	// Log receives one line per target per look (nil: discard).
	Log io.Writer
}

// WatchCanaries looks at every target's canary against its baseline each Interval
// (first sending a round of probes to each canary that has them) and
// returns ROLLBACK as soon as one target says so, PROMOTE once all do (not
// before MinDuration), and at Timeout the combined verdict after
// OnHoldTimeout. The decisions of the last look come with the verdict.
func WatchCanaries(ctx context.Context, src SeriesSource, cfg WatchConfig) (Verdict, []Decision, error) {
	now, sleep, log := cfg.Now, cfg.Sleep, cfg.Log
	if now == nil {
		now = time.Now
	}
	if sleep == nil {
		sleep = func(ctx context.Context, d time.Duration) error {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-t.C:
				return nil
			}
		}
	}
	if log == nil {
		log = io.Discard
	}
	if len(cfg.Targets) == 0 {
		return "", nil, fmt.Errorf("nothing to watch")
	}
	if cfg.Interval <= 0 {
		cfg.Interval = time.Minute
	}
	probes := make([]ProbeSeries, len(cfg.Targets))
	for i, tg := range cfg.Targets {
		probes[i] = ProbeSeries{Service: tg.Service, Revision: tg.Canary}
	}
	for {
		t := now()
		elapsed := t.Sub(cfg.Since)
		var ds []Decision
		for i, tg := range cfg.Targets {
			if cfg.Prober != nil && tg.URL != "" && len(tg.Probes) > 0 {
				r, err := cfg.Prober.Round(ctx, ProbeTarget{Service: tg.Service, Revision: tg.Canary, URL: tg.URL, Header: tg.Header, Probes: tg.Probes})
				if err != nil {
					return "", nil, fmt.Errorf("%s: probes: %w", tg.Service, err)
				}
				probes[i].Rounds = append(probes[i].Rounds, r)
			}
			q := Query{Service: tg.Service, Region: cfg.Region, Trigger: tg.Trigger, Start: cfg.Since, End: t}
			q.Revision = tg.Canary
			canary, err := src.Series(ctx, q)
			if err != nil {
				return "", nil, err
			}
			q.Revision = tg.Baseline
			baseline, err := src.Series(ctx, q)
			if err != nil {
				return "", nil, err
			}
			d, err := Decide(canary, baseline, probes[i], cfg.Thresholds)
			if err != nil {
				return "", nil, fmt.Errorf("%s: %w", tg.Service, err)
			}
			if elapsed >= cfg.Timeout {
				d = OnHoldTimeout(d)
			}
			fmt.Fprintf(log, "%s %s %s: %s: %s\n", t.UTC().Format(time.RFC3339), cfg.Region, tg.Service, d.Verdict, d.Reasons)
			ds = append(ds, d)
		}
		v := Combine(ds...)
		switch {
		case v == Rollback:
			return Rollback, ds, nil
		case v == Promote && elapsed >= cfg.MinDuration:
			return Promote, ds, nil
		case elapsed >= cfg.Timeout:
			// Only reached when MinDuration > Timeout: promote anyway.
			return v, ds, nil
		}
		if err := sleep(ctx, cfg.Interval); err != nil {
			return "", ds, err
		}
	}
}
