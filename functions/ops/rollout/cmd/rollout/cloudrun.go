package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

// functions prints "kw-<name> <trigger>" for every function of
// terraform/functions.json: the Cloud Run services scripts/deploy rolls out.
func functions(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("functions", stderr)
	catalog := fs.String("catalog", "terraform/functions.json", "the generated function catalog")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	b, err := os.ReadFile(*catalog)
	if err != nil {
		fmt.Fprintln(stderr, "rollout functions:", err)
		return exitError
	}
	var c struct {
		Functions []struct {
			Name    string `json:"name"`
			Trigger string `json:"trigger"`
		} `json:"functions"`
	}
	if err := json.Unmarshal(b, &c); err != nil {
		fmt.Fprintf(stderr, "rollout functions: %s: %v\n", *catalog, err)
		return exitError
	}
	for _, f := range c.Functions {
		if f.Name == "" || strings.ContainsAny(f.Name, " \t\n") {
			fmt.Fprintf(stderr, "rollout functions: bad function name %q\n", f.Name)
			return exitError
		}
		fmt.Fprintf(stdout, "kw-%s\t%s\n", f.Name, f.Trigger)
	}
	return exitPromote
}

// knativeService is the part of `gcloud run services describe --format=json`
// (a serving.knative.dev/v1 Service) read here.
type knativeService struct {
	Status struct {
		LatestReadyRevisionName   string `json:"latestReadyRevisionName"`
		LatestCreatedRevisionName string `json:"latestCreatedRevisionName"`
		Traffic                   []struct {
			RevisionName   string `json:"revisionName"`
			Percent        int    `json:"percent"`
			LatestRevision bool   `json:"latestRevision"`
			Tag            string `json:"tag"`
			URL            string `json:"url"`
		} `json:"traffic"`
	} `json:"status"`
}

// serviceState reads `gcloud run services describe SERVICE --format=json`
// on stdin and prints "STABLE LATEST PINNED CANARY_URL": the revision with
// the most traffic (the latest ready one when traffic follows the latest; at
// a tie the one without the tag),
// the latest created revision, "pinned" when all traffic names revisions or
// "latest" when some follows the latest revision (a new revision would get
// it), and the URL of the tag given by --tag ("-" when absent).
func serviceState(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlags("service-state", stderr)
	tag := fs.String("tag", "canary", "revision tag whose URL is printed")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	var s knativeService
	if err := json.NewDecoder(os.Stdin).Decode(&s); err != nil {
		fmt.Fprintln(stderr, "rollout service-state: stdin is not a Cloud Run service in JSON:", err)
		return exitError
	}
	stable, best, pinned, url := "", -1, "pinned", "-"
	stableTagged := false
	for _, t := range s.Status.Traffic {
		rev := t.RevisionName
		if t.LatestRevision {
			rev = s.Status.LatestReadyRevisionName
			if t.Percent > 0 {
				pinned = "latest"
			}
		}
		// Most traffic wins; at a tie (an interrupted 50/50 step) the
		// revision without the canary tag is the stable one.
		if rev != "" && (t.Percent > best || (t.Percent == best && t.Tag != *tag && stableTagged)) {
			stable, best, stableTagged = rev, t.Percent, t.Tag == *tag
		}
		if t.Tag == *tag && t.URL != "" {
			url = t.URL
		}
	}
	if stable == "" {
		stable = s.Status.LatestReadyRevisionName
	}
	latest := s.Status.LatestCreatedRevisionName
	if stable == "" || latest == "" {
		fmt.Fprintln(stderr, "rollout service-state: the service has no ready revision")
		return exitError
	}
	fmt.Fprintf(stdout, "%s %s %s %s\n", stable, latest, pinned, url)
	return exitPromote
}
