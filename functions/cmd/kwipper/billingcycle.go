package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"cloud.google.com/go/pubsub/v2"

	"github.com/kwipper/kwipper/functions/contract/subscribemsg"
	"github.com/kwipper/kwipper/functions/ops"
	"github.com/kwipper/kwipper/functions/subscribe"
	"github.com/kwipper/kwipper/shared/config"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/spanx"
)

// billingCycle publishes an operator tick to billing-cycle-tick: the cycle
// runs as of --as-of (default now) wherever the configuration points (the
// local stack when it runs, KW_PROJECT's Pub/Sub in the cloud). It then
// follows the cycle until every shard has run and Billing has answered every
// renewal it started (or --wait passes), showing the shards done and what
// happened to the subscriptions due, and prints the cycle's report.
//
//	kwipper billing-cycle --as-of 2027-01-31T00:00:00Z
//	kwipper billing-cycle --as-of 2027-01-31T00:00:00Z --report   (only the report)
func billingCycle(ctx context.Context, cfg config.Config, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("billing-cycle", flag.ContinueOnError)
	asOfFlag := fs.String("as-of", "", "the time the cycle runs as of (RFC 3339, UTC; default now)")
	wait := fs.Duration("wait", 2*time.Minute, "how long to follow the cycle before printing what it has done so far (0: do not follow)")
	reportOnly := fs.Bool("report", false, "publish nothing: print what the cycle as of --as-of did")
	if err := fs.Parse(args); err != nil {
		return err
	}
	asOf, err := parseAsOf(*asOfFlag, time.Now())
	if err != nil {
		return err
	}
	meter := ops.NewMeter(os.Stdout)
	if !*reportOnly {
		id, err := publishTick(ctx, cfg, asOf)
		if err != nil {
			return err
		}
		log.InfoContext(ctx, "billing cycle tick published", "as_of", asOf.Format(time.RFC3339), "project", cfg.Project, "event_id", id)
		meter.Printf("billing cycle as of %s: tick published (event %s)", asOf.Format(time.RFC3339), id)
		if *wait <= 0 {
			return nil
		}
	}
	db, err := spanx.Open(ctx, spanx.DatabasePath(cfg.Project, cfg.SpannerInstance, subscribe.Database))
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := followCycle(ctx, meter, asOf, *wait, 250*time.Millisecond, func(ctx context.Context) (subscribe.CycleReport, error) {
		return subscribe.ReadCycle(ctx, db, asOf)
	})
	if err != nil {
		return err
	}
	meter.Println(cycleSummary(rep))
	return nil
}

// followCycle reads the cycle's report every poll until it is done or wait
// passes, showing the shards done and the renewals' answers on meter.
func followCycle(ctx context.Context, meter *ops.Meter, asOf time.Time, wait, poll time.Duration,
	read func(context.Context) (subscribe.CycleReport, error)) (subscribe.CycleReport, error) {
	deadline := time.Now().Add(wait)
	for {
		rep, err := read(ctx)
		if err != nil {
			return rep, err
		}
		if rep.Split {
			meter.Update(rep.ShardsDone, rep.Shards, fmt.Sprintf("shards · %s", cycleCounts(rep)))
		}
		if rep.Done() || !time.Now().Before(deadline) {
			return rep, nil
		}
		select {
		case <-ctx.Done():
			return rep, ctx.Err()
		case <-time.After(poll):
		}
	}
}

// cycleCounts is one line of the cycle's counts so far.
func cycleCounts(r subscribe.CycleReport) string {
	return fmt.Sprintf("%d due · %d renewed · %d failed · %d ended · %d waiting for Billing",
		r.Due, r.Renewed, r.Failed(), r.EndedAtPeriodEnd+r.EndedUnpaid, r.Waiting)
}

// cycleSummary says what the cycle did, or what it has not finished.
func cycleSummary(r subscribe.CycleReport) string {
	at := r.AsOf.Format(time.RFC3339)
	if !r.Split {
		return fmt.Sprintf("billing cycle as of %s: not split into shards yet (is the subscribe-billing-cycle function running?); see it later with: kwipper billing-cycle --report --as-of %s", at, at)
	}
	s := fmt.Sprintf("billing cycle as of %s: %d/%d shards done; %d subscriptions due: %d renewed, %d failed (%d past due for a retry, %d waiting for the learner, %d ended unpaid), %d ended at period end",
		at, r.ShardsDone, r.Shards, r.Due, r.Renewed, r.Failed(), r.PastDue, r.ActionRequired, r.EndedUnpaid, r.EndedAtPeriodEnd)
	if r.Waiting > 0 || r.ShardsDone < r.Shards {
		s += fmt.Sprintf("; %d renewals still waiting for Billing — see the rest with: kwipper billing-cycle --report --as-of %s", r.Waiting, at)
	}
	return s
}

// publishTick publishes the billing-cycle tick as of asOf and returns its
// event id.
func publishTick(ctx context.Context, cfg config.Config, asOf time.Time) (string, error) {
	ps, err := pubsub.NewClient(ctx, cfg.Project)
	if err != nil {
		return "", fmt.Errorf("pubsub client: %w", err)
	}
	defer ps.Close()
	pub := &events.PubSub{Client: ps}
	defer pub.Stop()
	ev, err := events.New(subscribemsg.TickTopic, subscribemsg.EventTick, subscribemsg.Tick{AsOf: &asOf})
	if err != nil {
		return "", err
	}
	return ev.ID, pub.Publish(ctx, ev)
}

// parseAsOf reads --as-of: empty is now.
func parseAsOf(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return now.UTC().Truncate(time.Second), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("--as-of %q: want an RFC 3339 time such as 2027-01-31T00:00:00Z", s)
	}
	return t.UTC(), nil
}
