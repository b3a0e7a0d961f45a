package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"cloud.google.com/go/pubsub/v2"

	"github.com/kwipper/kwipper/functions"
	"github.com/kwipper/kwipper/shared/devstack/stripefake"
	"github.com/kwipper/kwipper/functions/content"
	"github.com/kwipper/kwipper/shared/config"
	"github.com/kwipper/kwipper/shared/devstack/emulator"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/devstack/gcsfake"
)

// dev brings up the whole platform locally: the emulators (unless already
// configured), databases and migrations, topics and push subscriptions that
// point at the local functions, the outbox relay tick Cloud Scheduler sends
// in the cloud, and the API on one port. Ctrl-C stops everything it started.
func dev(ctx context.Context, cfg config.Config, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("dev", flag.ContinueOnError)
	demo := fs.Bool("demo", false, "load demo data: a tutor, a learner and a published course")
	tick := fs.Duration("relay-every", 10*time.Second, "how often to tick the outbox relays")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if cfg.SpannerEmulatorHost == "" || cfg.PubSubEmulatorHost == "" {
		dir, _ := filepath.Abs(".dev")
		log.InfoContext(ctx, "starting the Spanner and Pub/Sub emulators", "logs", dir)
		set, err := emulator.Start(ctx, dir)
		if err != nil {
			return err
		}
		defer set.Stop()
		os.Setenv("SPANNER_EMULATOR_HOST", set.SpannerHost)
		os.Setenv("PUBSUB_EMULATOR_HOST", set.PubSubHost)
		cfg.SpannerEmulatorHost, cfg.PubSubEmulatorHost = set.SpannerHost, set.PubSubHost
	}
	if cfg.Media.StorageEmulatorHost == "" {
		// Cloud Storage: fake-gcs-server in process, notifying the Content
		// service of finalized uploads through the Pub/Sub emulator.
		gcs, err := gcsfake.Start(ctx, gcsfake.Options{Bucket: cfg.Media.Bucket, Project: cfg.Project,
			Topic: content.ObjectTopic, ObjectPrefix: cfg.Media.ObjectPrefix})
		if err != nil {
			return err
		}
		defer gcs.Stop()
		os.Setenv("STORAGE_EMULATOR_HOST", gcs.Host)
		cfg.Media.StorageEmulatorHost = gcs.Host
		log.InfoContext(ctx, "fake-gcs-server serves the media bucket", "host", gcs.Host, "bucket", cfg.Media.Bucket)
	}
	if cfg.Stripe.SecretKey == "" {
		// Stripe: the stateful fake in process; its webhooks come back to
		// billing-webhook, signed with the local webhook secret.
		fake, err := stripefake.Start(stripefake.Options{SecretKey: devStripeKey, WebhookSecret: devStripeWebhookSecret,
			WebhookURL: cfg.BaseURL + "/v1/billing/webhook"})
		if err != nil {
			return err
		}
		defer fake.Close()
		cfg.Stripe = config.Stripe{SecretKey: devStripeKey, WebhookSecret: devStripeWebhookSecret, APIBase: fake.URL}
		log.InfoContext(ctx, "a Stripe fake serves the Stripe API", "url", fake.URL)
	}
	if err := functions.Migrate(ctx, cfg, log); err != nil {
		return err
	}
	ps, err := pubsub.NewClient(ctx, cfg.Project)
	if err != nil {
		return err
	}
	defer ps.Close()
	if err := functions.SetupPubSub(ctx, ps, cfg); err != nil {
		return err
	}
	return serveAll(ctx, cfg, log, func(app *functions.App) {
		go relayTicks(ctx, ps, *tick, log)
		if *demo {
			if err := loadDemo(ctx, cfg.BaseURL); err != nil {
				log.ErrorContext(ctx, "demo data failed", "err", err.Error())
			}
		}
		fmt.Printf("\nKwipper is up at %s\n  health:  %s/healthz\n  API doc: %s/openapi.json\n"+
			"  Spanner emulator %s, Pub/Sub emulator %s\nCtrl-C stops everything.\n\n",
			cfg.BaseURL, cfg.BaseURL, cfg.BaseURL, cfg.SpannerEmulatorHost, cfg.PubSubEmulatorHost)
	})
}

// relayTicks publishes to the outbox tick topic as Cloud Scheduler does.
func relayTicks(ctx context.Context, ps *pubsub.Client, every time.Duration, log *slog.Logger) {
	pub := &events.PubSub{Client: ps}
	defer pub.Stop()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			ev, _ := events.New(functions.OutboxTick, "scheduler.tick", map[string]time.Time{"time": now.UTC()})
			if err := pub.Publish(ctx, ev); err != nil && ctx.Err() == nil {
				log.WarnContext(ctx, "outbox tick failed", "err", err.Error())
			}
		}
	}
}

// Credentials of the local Stripe fake (not secrets: it accepts nothing else).
const (
	devStripeKey           = "sk_test_kwipper_local"
	devStripeWebhookSecret = "whsec_kwipper_local"
)

// Demo accounts; the passwords are for the local stack only.
const (
	demoTutor    = "tutor@kwipper.dev"
	demoLearner  = "learner@kwipper.dev"
	demoPassword = "kwipper-demo-2026"
)

// loadDemo creates demo data through the public API, as a client would.
func loadDemo(ctx context.Context, base string) error {
	c := &apiClient{base: base}
	for _, u := range []map[string]any{
		{"email": demoTutor, "password": demoPassword, "display_name": "Sari the Tutor", "roles": []string{"tutor"}, "country": "ID"},
		{"email": demoLearner, "password": demoPassword, "display_name": "Kenji the Learner", "roles": []string{"learner"}, "country": "JP"},
	} {
		if status, err := c.do(ctx, "POST", "/v1/users", u, nil); err != nil && status != http.StatusConflict {
			return err
		}
	}
	var session struct {
		AccessToken string `json:"access_token"`
	}
	if _, err := c.do(ctx, "POST", "/v1/sessions", map[string]string{"email": demoTutor, "password": demoPassword}, &session); err != nil {
		return err
	}
	c.token = session.AccessToken
	var course struct {
		ID string `json:"id"`
	}
	if _, err := c.do(ctx, "POST", "/v1/courses", map[string]any{
		"title": "Bahasa Indonesia for Beginners", "description": "Ten short lessons to start speaking.",
		"price": map[string]any{"amount": 9900000, "currency": "IDR"}, "billing_interval": "month",
	}, &course); err != nil {
		return err
	}
	for _, it := range []map[string]any{
		{"kind": "text", "title": "Selamat pagi: greetings", "body": "Selamat pagi means good morning."},
		{"kind": "video", "title": "Pronunciation walkthrough"},
		{"kind": "file", "title": "Vocabulary sheet (PDF)"},
	} {
		if _, err := c.do(ctx, "POST", "/v1/courses/"+course.ID+"/items", it, nil); err != nil {
			return err
		}
	}
	if _, err := c.do(ctx, "POST", "/v1/courses/"+course.ID+"/publish", nil, nil); err != nil {
		return err
	}
	fmt.Printf("\nDemo data loaded: course %s is published.\n"+
		"  Log in as the tutor:   curl -s -H 'Content-Type: application/json' %s/v1/sessions -d '{\"email\":%q,\"password\":%q}'\n"+
		"  Log in as the learner: curl -s -H 'Content-Type: application/json' %s/v1/sessions -d '{\"email\":%q,\"password\":%q}'\n",
		course.ID, base, demoTutor, demoPassword, base, demoLearner, demoPassword)
	return nil
}

type apiClient struct {
	base, token string
}

func (c *apiClient) do(ctx context.Context, method, path string, body, out any) (int, error) {
	var rd *bytes.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	} else {
		rd = bytes.NewReader(nil)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		var e bytes.Buffer
		_, _ = e.ReadFrom(resp.Body)
		return resp.StatusCode, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, e.String())
	}
	if out != nil {
		return resp.StatusCode, json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode, nil
}

// emulators starts both emulators, writes their environment to a file (for
// scripts/test) and runs until interrupted.
func emulators(args []string) error {
	fs := flag.NewFlagSet("emulators", flag.ContinueOnError)
	envFile := fs.String("env-file", "", "write export lines for the emulator hosts here")
	logDir := fs.String("log-dir", ".dev", "where the emulators write their logs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, stop := signalContext()
	defer stop()
	set, err := emulator.Start(ctx, *logDir)
	if err != nil {
		return err
	}
	defer set.Stop()
	lines := fmt.Sprintf("export SPANNER_EMULATOR_HOST=%s\nexport PUBSUB_EMULATOR_HOST=%s\n", set.SpannerHost, set.PubSubHost)
	if *envFile != "" {
		tmp := *envFile + ".tmp"
		if err := os.WriteFile(tmp, []byte(lines), 0o644); err != nil {
			return err
		}
		if err := os.Rename(tmp, *envFile); err != nil {
			return err
		}
	} else {
		fmt.Print(lines)
	}
	<-ctx.Done()
	return nil
}
