package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kwipper/kwipper/functions/ops"
	"github.com/kwipper/kwipper/functions/subscribe"
)

// The command follows the cycle until every shard ran and Billing answered
// every renewal, showing the shards done, then says what the cycle did.
func TestFollowCycle_showsShardsUntilDoneThenSummarises(t *testing.T) {
	asOf := time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)
	reads := []subscribe.CycleReport{
		{AsOf: asOf},
		{AsOf: asOf, Split: true, Shards: 4, ShardsDone: 1, Due: 3, Charging: 3, Waiting: 3},
		{AsOf: asOf, Split: true, Shards: 4, ShardsDone: 4, Due: 9, Charging: 8, EndedAtPeriodEnd: 1, Renewed: 5, Waiting: 3},
		{AsOf: asOf, Split: true, Shards: 4, ShardsDone: 4, Due: 9, Charging: 8, EndedAtPeriodEnd: 1, Renewed: 6, PastDue: 1, ActionRequired: 0, EndedUnpaid: 1},
	}
	var out bytes.Buffer
	m := &ops.Meter{W: &out, Now: time.Now}
	n := 0
	rep, err := followCycle(context.Background(), m, asOf, time.Hour, time.Millisecond, func(context.Context) (subscribe.CycleReport, error) {
		r := reads[min(n, len(reads)-1)]
		n++
		return r, nil
	})
	if err != nil || n != len(reads) || !rep.Done() {
		t.Fatalf("followCycle: %d reads, %+v, %v", n, rep, err)
	}
	for _, want := range []string{
		"[######------------------] 1/4  shards · 3 due · 0 renewed · 0 failed · 0 ended · 3 waiting for Billing",
		"[########################] 4/4  shards · 9 due · 6 renewed · 2 failed · 2 ended · 0 waiting for Billing",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("progress lacks %q:\n%s", want, out.String())
		}
	}
	got := cycleSummary(rep)
	want := "billing cycle as of 2027-01-31T00:00:00Z: 4/4 shards done; 9 subscriptions due: 6 renewed, 2 failed (1 past due for a retry, 0 waiting for the learner, 1 ended unpaid), 1 ended at period end"
	if got != want {
		t.Errorf("summary\n got %s\nwant %s", got, want)
	}
}

// A cycle still under way when --wait passes is reported as far as it got,
// with the command that shows the rest.
func TestCycleSummary_unfinishedSaysHowToSeeTheRest(t *testing.T) {
	asOf := time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name string
		rep  subscribe.CycleReport
		want string
	}{
		{"not_split", subscribe.CycleReport{AsOf: asOf}, "not split into shards yet"},
		{"waiting", subscribe.CycleReport{AsOf: asOf, Split: true, Shards: 2, ShardsDone: 2, Due: 2, Charging: 2, Waiting: 2}, "2 renewals still waiting for Billing"},
	} {
		got := cycleSummary(c.rep)
		if !strings.Contains(got, c.want) || !strings.Contains(got, "kwipper billing-cycle --report --as-of 2027-01-31T00:00:00Z") {
			t.Errorf("%s: %s", c.name, got)
		}
	}
	var out bytes.Buffer
	rep, err := followCycle(context.Background(), &ops.Meter{W: &out, Now: time.Now}, asOf, 0, time.Millisecond,
		func(context.Context) (subscribe.CycleReport, error) { return subscribe.CycleReport{AsOf: asOf}, nil })
	if err != nil || rep.Split {
		t.Fatalf("followCycle with no wait: %+v %v", rep, err)
	}
}
