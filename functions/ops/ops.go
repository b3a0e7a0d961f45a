// Package ops is what operators and the dev stack do to a Kwipper project
// besides serving: create and migrate the databases, set up Pub/Sub the way
// Terraform does in the cloud (for the local stack), export and restore
// every database, and generate the documents the function table describes
// (`kwipper gen`).
package ops

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"cloud.google.com/go/pubsub/v2"

	"github.com/kwipper/kwipper/functions"
	"github.com/kwipper/kwipper/shared/config"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/spanx"
)

// DeadLetterTopic receives messages no push endpoint could handle.
const DeadLetterTopic = "kw-dead-letter"

// Migrate creates every service database that is missing (services without
// a database are skipped) (and, on the
// emulator, the instance) and applies pending migrations. It is idempotent.
func Migrate(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	admin, err := spanx.NewAdmin(ctx)
	if err != nil {
		return err
	}
	defer admin.Close()
	if cfg.SpannerEmulatorHost != "" {
		if err := admin.EnsureInstance(ctx, cfg.Project, cfg.SpannerInstance, "emulator-config"); err != nil {
			return err
		}
	}
	for _, svc := range functions.WithDatabases() {
		ms, err := svc.Migrations()
		if err != nil {
			return err
		}
		path := spanx.DatabasePath(cfg.Project, cfg.SpannerInstance, svc.Database)
		if err := admin.EnsureDatabase(ctx, path); err != nil {
			return err
		}
		c, err := spanx.Open(ctx, path)
		if err != nil {
			return err
		}
		applied, err := admin.Migrate(ctx, path, c, ms)
		c.Close()
		if err != nil {
			return err
		}
		log.InfoContext(ctx, "database migrated", "database", svc.Database, "applied", fmt.Sprint(applied))
	}
	return nil
}

// Topics lists every topic the code publishes to or consumes, and the ones
// Cloud Scheduler publishes to.
func Topics() []string {
	topics := []string{events.OutboxTick}
	for _, svc := range functions.Services {
		topics = append(topics, svc.Publishes...)
	}
	for _, s := range functions.Table() {
		if s.Trigger == fnreg.PubSub {
			topics = append(topics, s.Topic)
		}
	}
	return topics
}

// SetupPubSub creates every topic (and the dead-letter topic) and a push
// subscription per Pub/Sub function pointing at cfg.BaseURL + its push path
// with the local push token, as Terraform does (with OIDC tokens) in the
// cloud. For the local stack and tests.
func SetupPubSub(ctx context.Context, c *pubsub.Client, cfg config.Config) error {
	for _, t := range append(Topics(), DeadLetterTopic) {
		if err := events.EnsureTopic(ctx, c, t); err != nil {
			return err
		}
	}
	for _, s := range functions.Table() {
		if s.Trigger != fnreg.PubSub {
			continue
		}
		if err := events.EnsurePushSubscription(ctx, c, events.PushSubscription{
			ID: s.Name, Topic: s.Topic, Endpoint: cfg.BaseURL + fnreg.PushPath(s.Name) + "?token=" + url.QueryEscape(cfg.Push.Token.Reveal()),
			// Locally a delivery that failed (the emulator applies one
			// write at a time, so a busy moment can fail a few) is tried
			// again sooner and longer than in the cloud before it is
			// dead-lettered: the local stack has no operator to redrive it.
			DeadLetterTopic: DeadLetterTopic, MaxDeliveryAttempts: 10, MaxBackoff: 10 * time.Second,
		}); err != nil {
			return err
		}
	}
	return nil
}

// TeardownPubSub deletes the push subscriptions SetupPubSub made, so an
// emulator that outlives a local stack stops pushing to its closed port (it
// would retry every message forever, a thread each).
func TeardownPubSub(ctx context.Context, c *pubsub.Client) error {
	var errs []error
	for _, s := range functions.Table() {
		if s.Trigger == fnreg.PubSub {
			errs = append(errs, events.DeleteSubscription(ctx, c, s.Name))
		}
	}
	return errors.Join(errs...)
}
