package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/kwipper/kwipper/functions/ops/rollout"
)

// probeOptions are the flags watch and probe share.
type probeOptions struct {
	catalog string
	base    string
	repeat  int
	timeout time.Duration
}

func probeFlags(fs *flag.FlagSet) *probeOptions {
	o := &probeOptions{}
	fs.StringVar(&o.catalog, "catalog", "", "terraform/functions.json: probe every HTTP canary with the safe requests its route allows (empty: no probes)")
	fs.StringVar(&o.base, "probe-base", "", "the load balancer's canary route, https://canary.<api domain>: probes go to <base>/<service> with "+rollout.CanaryRegionHeader+": <region> (empty: to each target's tag URL)")
	fs.IntVar(&o.repeat, "probe-repeat", 3, "times each probe is sent per look")
	fs.DurationVar(&o.timeout, "probe-timeout", 10*time.Second, "longest wait for a probe's answer")
	return o
}

// setup gives the targets their probes and returns the prober, or returns
// the targets unchanged and no prober without --catalog.
func (o *probeOptions) setup(targets []rollout.Target, region string) ([]rollout.Target, rollout.ProbeRunner, error) {
	if o.catalog == "" {
		if o.base != "" {
			return nil, nil, errors.New("--probe-base needs --catalog")
		}
		return targets, nil, nil
	}
	if o.repeat < 1 || o.timeout <= 0 {
		return nil, nil, errors.New("--probe-repeat must be at least 1 and --probe-timeout positive")
	}
	if o.base != "" && !strings.HasPrefix(o.base, "https://") && !strings.HasPrefix(o.base, "http://") {
		return nil, nil, fmt.Errorf("--probe-base %q is not a URL", o.base)
	}
	cat, err := readCatalog(o.catalog)
	if err != nil {
		return nil, nil, err
	}
	targets, err = rollout.WithProbes(targets, cat, region, o.base)
	if err != nil {
		return nil, nil, err
	}
	return targets, &rollout.Prober{Repeat: o.repeat, Timeout: o.timeout}, nil
}

func readCatalog(path string) ([]rollout.CatalogFunction, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var c struct {
		Functions []rollout.CatalogFunction `json:"functions"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c.Functions, nil
}

// probe sends one round of probes to every HTTP canary of the targets file
// and judges them alone: exit 0 when none rolls back, 4 when one does.
func probe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("probe", stderr)
	region := fs.String("region", "", "region of the canary revisions (the load balancer's canary route selects it)")
	targetsPath := fs.String("targets", "", `file of lines "service trigger canary-revision baseline-revision [tag-url]"`)
	thresholdsPath := fs.String("thresholds", "", "JSON file overriding default thresholds")
	pf := probeFlags(fs)
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if *region == "" || *targetsPath == "" || pf.catalog == "" {
		fmt.Fprintln(stderr, "rollout probe: --region, --targets and --catalog are required")
		return exitUsage
	}
	t, err := thresholds(*thresholdsPath)
	if err != nil {
		fmt.Fprintln(stderr, "rollout probe:", err)
		return exitUsage
	}
	f, err := os.Open(*targetsPath)
	if err != nil {
		fmt.Fprintln(stderr, "rollout probe:", err)
		return exitError
	}
	targets, err := readTargets(f)
	f.Close()
	if err != nil {
		fmt.Fprintln(stderr, "rollout probe:", err)
		return exitUsage
	}
	targets, prober, err := pf.setup(targets, *region)
	if err != nil {
		fmt.Fprintln(stderr, "rollout probe:", err)
		return exitUsage
	}
	var ds []rollout.Decision
	for _, tg := range targets {
		if len(tg.Probes) == 0 {
			continue
		}
		r, err := prober.Round(ctx, rollout.ProbeTarget{Service: tg.Service, Revision: tg.Canary, URL: tg.URL, Header: tg.Header, Probes: tg.Probes})
		if err != nil {
			fmt.Fprintf(stderr, "rollout probe: %s: %v\n", tg.Service, err)
			return exitRollback
		}
		// No Monitoring series: the verdict is HOLD unless the probes fail.
		d, err := rollout.Decide(rollout.Series{Service: tg.Service, Revision: tg.Canary, Trigger: tg.Trigger}, rollout.Series{}, rollout.ProbeSeries{Service: tg.Service, Revision: tg.Canary, Rounds: []rollout.ProbeRound{r}}, t)
		if err != nil {
			fmt.Fprintln(stderr, "rollout probe:", err)
			return exitError
		}
		fmt.Fprintf(stdout, "%s\t%s\t%d/%d ok, p95 %.0f ms\t%s\n", tg.Canary, d.Verdict, r.Sent-r.Failed, r.Sent, r.LatencyP95Ms, strings.Join(r.Failures, "; "))
		ds = append(ds, d)
	}
	if rollout.Combine(ds...) == rollout.Rollback {
		fmt.Fprintln(stdout, rollout.Rollback)
		return exitRollback
	}
	fmt.Fprintf(stdout, "%d canaries answered their probes\n", len(ds))
	return exitPromote
}
