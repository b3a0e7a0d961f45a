package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"cloud.google.com/go/pubsub/v2"

	"github.com/kwipper/kwipper/functions/contract/subscribemsg"
	"github.com/kwipper/kwipper/shared/config"
	"github.com/kwipper/kwipper/shared/events"
)

// billingCycle publishes an operator tick to billing-cycle-tick: the cycle
// runs as of --as-of (default now) wherever the configuration points (the
// Pub/Sub emulator locally, KW_PROJECT's Pub/Sub in the cloud).
//
//	kwipper billing-cycle --as-of 2027-01-31T00:00:00Z
func billingCycle(ctx context.Context, cfg config.Config, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("billing-cycle", flag.ContinueOnError)
	asOfFlag := fs.String("as-of", "", "the time the cycle runs as of (RFC 3339, UTC; default now)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	asOf, err := parseAsOf(*asOfFlag, time.Now())
	if err != nil {
		return err
	}
	ps, err := pubsub.NewClient(ctx, cfg.Project)
	if err != nil {
		return fmt.Errorf("pubsub client: %w", err)
	}
	defer ps.Close()
	pub := &events.PubSub{Client: ps}
	defer pub.Stop()
	ev, err := events.New(subscribemsg.TickTopic, subscribemsg.EventTick, subscribemsg.Tick{AsOf: &asOf})
	if err != nil {
		return err
	}
	if err := pub.Publish(ctx, ev); err != nil {
		return err
	}
	log.InfoContext(ctx, "billing cycle tick published", "as_of", asOf.Format(time.RFC3339), "project", cfg.Project, "event_id", ev.ID)
	return nil
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
