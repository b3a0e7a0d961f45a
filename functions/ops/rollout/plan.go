package rollout

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Action is what one step of a deploy does.
type Action string

const (
	// ApplyGlobal applies the global stack (terraform/stacks/global).
	ApplyGlobal Action = "apply-global"
	// Pin sends 100 % of every function's traffic in the region to its
	// serving revision by name, so the revision the next apply creates gets
	// none (Terraform ignores traffic; see terraform/modules/region).
	Pin Action = "pin"
	// Deploy applies the region stack: one new revision per changed
	// function, tagged "canary", without traffic.
	Deploy Action = "deploy"
	// Smoke checks every canary revision has its tag and sends it a round of
	// synthetic requests (probes); a failure rolls back before any traffic.
	Smoke Action = "smoke"
	// Shift gives the canary Percent of the traffic.
	Shift Action = "shift"
	// Watch probes the canaries and decides from the probes and Cloud
	// Monitoring, every minute, until PROMOTE (next step) or ROLLBACK (all
	// traffic back to the stable revision, stop).
	Watch Action = "watch"
	// Finish pins 100 % on the canary revision by name and removes the tag.
	Finish Action = "finish"
)

// GlobalRegion is the Region of steps that act on the global stack.
const GlobalRegion = "global"

// Step is one step of a deploy.
type Step struct {
	Region  string `json:"region"`
	Action  Action `json:"action"`
	Percent int    `json:"percent,omitempty"`
}

// String describes the step for a person.
func (s Step) String() string {
	switch s.Action {
	case ApplyGlobal:
		return "global: apply the global stack (state kwipper/global)"
	case Pin:
		return s.Region + ": pin 100% of each function's traffic on its serving revision"
	case Deploy:
		return s.Region + ": apply the region stack: new revisions tagged canary, 0% traffic"
	case Smoke:
		return s.Region + ": smoke test: every canary revision has its tag URL and answers a round of synthetic requests (rollout probe), then --smoke-cmd if given (any failure rolls back)"
	case Shift:
		return fmt.Sprintf("%s: shift %d%% of traffic to the canary revisions", s.Region, s.Percent)
	case Watch:
		return fmt.Sprintf("%s: watch the canary at %d%%: synthetic probes and Cloud Monitoring each minute (PROMOTE: next step, HOLD: keep watching, ROLLBACK: all traffic back to stable, stop)", s.Region, s.Percent)
	case Finish:
		return s.Region + ": pin 100% on the canary revisions by name, remove the canary tag"
	}
	return fmt.Sprintf("%s: %s %d", s.Region, s.Action, s.Percent)
}

// TSV renders the step as region, action and percent separated by tabs (the
// form scripts/deploy reads).
func (s Step) TSV() string {
	return fmt.Sprintf("%s\t%s\t%d", s.Region, s.Action, s.Percent)
}

// DefaultPercents are the canary traffic steps of a deploy.
var DefaultPercents = []int{5, 25, 50, 100}

// Plan lists the steps of a deploy: the global stack, then each region in
// the given order (pin, deploy, smoke, then for every percentage below 100 a
// shift and a watch, then 100 % and finish), then the global stack again so
// the load balancer attaches every serving region. Percentages must rise
// strictly within 1..100 and end at 100; regions must be distinct.
func Plan(regions []string, percents []int) ([]Step, error) {
	if len(regions) == 0 {
		return nil, errors.New("no regions")
	}
	seen := map[string]bool{}
	for _, r := range regions {
		if r == "" || r == GlobalRegion || strings.ContainsAny(r, " \t,") {
			return nil, fmt.Errorf("bad region %q", r)
		}
		if seen[r] {
			return nil, fmt.Errorf("region %s listed twice", r)
		}
		seen[r] = true
	}
	if len(percents) == 0 || percents[len(percents)-1] != 100 {
		return nil, fmt.Errorf("traffic steps %v must end at 100", percents)
	}
	for i, p := range percents {
		if p < 1 || p > 100 || (i > 0 && p <= percents[i-1]) {
			return nil, fmt.Errorf("traffic steps %v must rise strictly within 1..100", percents)
		}
	}
	steps := []Step{{Region: GlobalRegion, Action: ApplyGlobal}}
	for _, r := range regions {
		steps = append(steps, Step{Region: r, Action: Pin}, Step{Region: r, Action: Deploy}, Step{Region: r, Action: Smoke})
		for _, p := range percents {
			steps = append(steps, Step{Region: r, Action: Shift, Percent: p})
			if p < 100 {
				steps = append(steps, Step{Region: r, Action: Watch, Percent: p})
			}
		}
		steps = append(steps, Step{Region: r, Action: Finish, Percent: 100})
	}
	return append(steps, Step{Region: GlobalRegion, Action: ApplyGlobal}), nil
}

// ParsePercents reads "5,25,50,100".
func ParsePercents(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		p, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, fmt.Errorf("traffic step %q is not a number", f)
		}
		out = append(out, p)
	}
	return out, nil
}

// ParseRegions reads "asia-southeast2,asia-northeast1" (order kept).
func ParseRegions(s string) []string {
	var out []string
	for r := range strings.SplitSeq(s, ",") {
		if r = strings.TrimSpace(r); r != "" {
			out = append(out, r)
		}
	}
	return out
}
