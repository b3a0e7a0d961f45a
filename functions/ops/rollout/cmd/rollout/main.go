// Command rollout drives the canary gate of scripts/deploy (Cloud Build runs
// it between traffic steps):
//
//	rollout plan   --regions a,b [--steps 5,25,50,100] [--format text|tsv]
//	rollout decide --canary FILE --baseline FILE [--probes FILE] [--thresholds FILE]
//	rollout watch  --project P --region R --targets FILE [--since T]
//	               [--min-duration 5m] [--timeout 20m] [--interval 1m]
//	               [--thresholds FILE] [--access-token TOKEN]
//	               [--catalog FILE [--probe-base URL] [--probe-repeat 3] [--probe-timeout 10s]]
//	rollout probe  --region R --targets FILE --catalog FILE [--probe-base URL]
//	               [--probe-repeat 3] [--probe-timeout 10s] [--thresholds FILE]
//	rollout functions [--catalog terraform/functions.json]
//	gcloud run services describe S --format=json | rollout service-state [--tag canary]
//
// plan prints the steps of a deploy. decide judges two recorded series
// (JSON, the form of rollout.Series). watch reads the series of every target
// (lines "service trigger canary-revision baseline-revision [tag-url]") from
// Cloud Monitoring each interval until a verdict; the token is
// --access-token, else $ROLLOUT_ACCESS_TOKEN, else the metadata server's.
// With --catalog, each look first sends synthetic requests (probes) to every
// HTTP canary, through the load balancer's canary route when --probe-base
// is given (https://canary.<api domain>), else to the tag URL, and the gate
// judges them with the metrics. probe sends one round and judges the probes
// alone (scripts/deploy's smoke step, before any traffic shifts). functions lists
// the Cloud Run services of the catalog with their trigger; service-state
// tells scripts/deploy a service's stable and latest revisions.
//
// Exit status: 0 PROMOTE, 3 HOLD, 4 ROLLBACK, 2 bad usage, 1 any other error.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/kwipper/kwipper/functions/ops/rollout"
)

// Exit statuses.
const (
	exitPromote  = 0
	exitError    = 1
	exitUsage    = 2
	exitHold     = 3
	exitRollback = 4
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: rollout plan|decide|watch|probe|functions|service-state [flags] (rollout CMD -h for flags)")
		return exitUsage
	}
	cmds := map[string]func(context.Context, []string, io.Writer, io.Writer) int{"plan": plan, "decide": decide, "watch": watch,
		"probe": probe, "functions": functions, "service-state": serviceState}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "rollout: unknown command %q (plan, decide, watch, probe, functions, service-state)\n", args[0])
		return exitUsage
	}
	return cmd(ctx, args[1:], stdout, stderr)
}

func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("rollout "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func plan(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("plan", stderr)
	regions := fs.String("regions", "", "regions in rollout order, comma-separated")
	steps := fs.String("steps", "5,25,50,100", "canary traffic percentages, rising, ending at 100")
	format := fs.String("format", "text", "text (for people) or tsv (region, action, percent; for scripts/deploy)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	percents, err := rollout.ParsePercents(*steps)
	if err != nil {
		fmt.Fprintln(stderr, "rollout plan:", err)
		return exitUsage
	}
	ss, err := rollout.Plan(rollout.ParseRegions(*regions), percents)
	if err != nil {
		fmt.Fprintln(stderr, "rollout plan:", err)
		return exitUsage
	}
	for i, s := range ss {
		switch *format {
		case "tsv":
			fmt.Fprintln(stdout, s.TSV())
		case "text":
			fmt.Fprintf(stdout, "%2d. %s\n", i+1, s)
		default:
			fmt.Fprintf(stderr, "rollout plan: unknown format %q\n", *format)
			return exitUsage
		}
	}
	return exitPromote
}

// thresholds reads the defaults overridden by the attributes of a JSON file.
func thresholds(path string) (rollout.Thresholds, error) {
	t := rollout.DefaultThresholds()
	if path == "" {
		return t, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return t, err
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return t, fmt.Errorf("%s: %w", path, err)
	}
	return t, t.Validate()
}

func readSeries(path string) (rollout.Series, error) {
	var s rollout.Series
	b, err := os.ReadFile(path)
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

func exitFor(v rollout.Verdict) int {
	switch v {
	case rollout.Promote:
		return exitPromote
	case rollout.Hold:
		return exitHold
	}
	return exitRollback
}

func decide(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("decide", stderr)
	canaryPath := fs.String("canary", "", "canary revision's series (JSON)")
	baselinePath := fs.String("baseline", "", "baseline revision's series (JSON)")
	probesPath := fs.String("probes", "", "synthetic probes sent to the canary (JSON, the form of rollout.ProbeSeries; optional)")
	thresholdsPath := fs.String("thresholds", "", "JSON file overriding default thresholds")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if *canaryPath == "" || *baselinePath == "" {
		fmt.Fprintln(stderr, "rollout decide: --canary and --baseline are required")
		return exitUsage
	}
	t, err := thresholds(*thresholdsPath)
	if err != nil {
		fmt.Fprintln(stderr, "rollout decide:", err)
		return exitUsage
	}
	canary, err := readSeries(*canaryPath)
	if err != nil {
		fmt.Fprintln(stderr, "rollout decide:", err)
		return exitError
	}
	baseline, err := readSeries(*baselinePath)
	if err != nil {
		fmt.Fprintln(stderr, "rollout decide:", err)
		return exitError
	}
	var probes rollout.ProbeSeries
	if *probesPath != "" {
		b, err := os.ReadFile(*probesPath)
		if err == nil {
			err = json.Unmarshal(b, &probes)
		}
		if err != nil {
			fmt.Fprintln(stderr, "rollout decide: --probes:", err)
			return exitError
		}
	}
	d, err := rollout.Decide(canary, baseline, probes, t)
	if err != nil {
		fmt.Fprintln(stderr, "rollout decide:", err)
		return exitError
	}
	b, _ := json.MarshalIndent(d, "", "  ")
	fmt.Fprintf(stdout, "%s\n%s: %s\n", b, d.Verdict, strings.Join(d.Reasons, "; "))
	return exitFor(d.Verdict)
}

// readTargets reads lines "service trigger canary baseline [tag-url]"
// ('#' comments; a tag URL of "-" means none).
func readTargets(r io.Reader) ([]rollout.Target, error) {
	var ts []rollout.Target
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 4 && len(f) != 5 {
			return nil, fmt.Errorf("targets line %d: want service, trigger, canary and baseline revisions, and optionally the tag URL: %q", n, line)
		}
		t := rollout.Target{Service: f[0], Trigger: f[1], Canary: f[2], Baseline: f[3]}
		if len(f) == 5 && f[4] != "-" {
			t.URL = f[4]
		}
		ts = append(ts, t)
	}
	return ts, sc.Err()
}

func watch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("watch", stderr)
	project := fs.String("project", "", "project whose Cloud Monitoring metrics are read")
	region := fs.String("region", "", "region of the Cloud Run services")
	targetsPath := fs.String("targets", "", `file (or "-") of lines "service trigger canary-revision baseline-revision [tag-url]"`)
	since := fs.String("since", "", "start of the traffic step, RFC 3339 (default: now)")
	minDuration := fs.Duration("min-duration", 5*time.Minute, "least time watched before PROMOTE")
	timeout := fs.Duration("timeout", 20*time.Minute, "longest time watched; still-HOLD canaries are then promoted if they had no error, else rolled back")
	interval := fs.Duration("interval", time.Minute, "time between two looks")
	thresholdsPath := fs.String("thresholds", "", "JSON file overriding default thresholds")
	token := fs.String("access-token", os.Getenv("ROLLOUT_ACCESS_TOKEN"), "OAuth access token (default: $ROLLOUT_ACCESS_TOKEN, else the metadata server's)")
	monitoringURL := fs.String("monitoring-url", "https://monitoring.googleapis.com", "Cloud Monitoring API base URL")
	pf := probeFlags(fs)
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	if *project == "" || *region == "" || *targetsPath == "" {
		fmt.Fprintln(stderr, "rollout watch: --project, --region and --targets are required")
		return exitUsage
	}
	t, err := thresholds(*thresholdsPath)
	if err != nil {
		fmt.Fprintln(stderr, "rollout watch:", err)
		return exitUsage
	}
	start := time.Now()
	if *since != "" {
		if start, err = time.Parse(time.RFC3339, *since); err != nil {
			fmt.Fprintln(stderr, "rollout watch: --since:", err)
			return exitUsage
		}
	}
	in := io.Reader(os.Stdin)
	if *targetsPath != "-" {
		f, err := os.Open(*targetsPath)
		if err != nil {
			fmt.Fprintln(stderr, "rollout watch:", err)
			return exitError
		}
		defer f.Close()
		in = f
	}
	targets, err := readTargets(in)
	if err != nil {
		fmt.Fprintln(stderr, "rollout watch:", err)
		return exitUsage
	}
	targets, prober, err := pf.setup(targets, *region)
	if err != nil {
		fmt.Fprintln(stderr, "rollout watch:", err)
		return exitUsage
	}
	ts := rollout.MetadataToken(nil)
	if *token != "" {
		ts = rollout.StaticToken(*token)
	}
	m := &rollout.Monitoring{Project: *project, Token: ts, BaseURL: *monitoringURL}
	v, ds, err := rollout.WatchCanaries(ctx, m, rollout.WatchConfig{
		Region: *region, Targets: targets, Since: start,
		MinDuration: *minDuration, Timeout: *timeout, Interval: *interval,
		Thresholds: t, Log: stderr, Prober: prober,
	})
	if err != nil {
		fmt.Fprintln(stderr, "rollout watch:", err)
		if errors.Is(err, context.Canceled) {
			return exitRollback
		}
		return exitError
	}
	for _, d := range ds {
		fmt.Fprintf(stdout, "%s\t%s\t%s\n", d.Canary.Revision, d.Verdict, strings.Join(d.Reasons, "; "))
	}
	fmt.Fprintln(stdout, v)
	return exitFor(v)
}
