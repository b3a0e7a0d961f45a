package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"cloud.google.com/go/pubsub/v2"

	"github.com/kwipper/kwipper/functions/client"
	"github.com/kwipper/kwipper/functions/devstack"
	"github.com/kwipper/kwipper/functions/devstack/sample"
	"github.com/kwipper/kwipper/functions/ops"
	"github.com/kwipper/kwipper/shared/devstack/emulator"
	"github.com/kwipper/kwipper/shared/devstack/mailbox"
	"github.com/kwipper/kwipper/shared/events"
)

// dev brings up the whole platform locally (functions/devstack), ticks the
// outbox relays as Cloud Scheduler does in the cloud, and serves until
// Ctrl-C, which stops everything it started.
func dev(ctx context.Context, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("dev", flag.ContinueOnError)
	demo := fs.Bool("demo", false, "load demo data: a tutor, a learner and a published course")
	tick := fs.Duration("relay-every", 10*time.Second, "how often to tick the outbox relays")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dir, _ := filepath.Abs(".dev")
	if os.Getenv("SPANNER_EMULATOR_HOST") == "" {
		fmt.Fprintln(os.Stderr, "== starting the Spanner and Pub/Sub emulators (logs in .dev/)")
	}
	fmt.Fprintln(os.Stderr, "== creating and migrating the databases, topics and push subscriptions; fake-gcs-server and the Stripe fake")
	st, err := devstack.Start(ctx, devstack.Options{Log: log, EmulatorLogs: dir, OnMail: printMail})
	if err != nil {
		return err
	}
	defer st.Close()
	order := []string{"SPANNER_EMULATOR_HOST", "PUBSUB_EMULATOR_HOST", "STORAGE_EMULATOR_HOST", "KW_PROJECT", "KW_API_URL", "KW_STRIPE_API_BASE"}
	vals := map[string]string{"KW_API_URL": st.URL, "KW_PROJECT": st.Cfg.Project}
	if st.Stripe != nil {
		vals["KW_STRIPE_API_BASE"] = st.Stripe.URL // kwipper-dev stripe pay-voucher finds the fake here
	}
	for _, k := range order[:3] {
		vals[k] = st.Getenv(k)
	}
	remove, err := ops.WriteLocalStack(".", order, vals)
	if err != nil {
		return err
	}
	defer remove()
	go relayTicks(ctx, st.PubSub, *tick, log)
	if *demo {
		fmt.Fprintln(os.Stderr, "== loading the demo data (a tutor, a learner, a course with a video and a PDF)")
		if err := loadDemo(ctx, st.URL); err != nil {
			log.ErrorContext(ctx, "demo data failed", "err", err.Error())
		}
	}
	fmt.Printf("\nKwipper is up at %s\n  web app: %s/\n  health:  %s/healthz\n  API doc: %s/openapi.json\n  mailbox: %s%s (every email the platform sends; they are printed here too)\n"+
		"  Spanner emulator %s, Pub/Sub emulator %s\n"+
		"  Operator commands (go run ./functions/cmd/kwipper billing-cycle | export | restore | migrate) find this stack through %s,\n"+
		"  and so does go run ./functions/cmd/kwipper-dev stripe pay-voucher <payment id> (the learner paying a voucher).\n"+
		"Ctrl-C stops everything.\n\n",
		st.URL, st.URL, st.URL, st.URL, st.URL, devstack.MailMount, vals["SPANNER_EMULATOR_HOST"], vals["PUBSUB_EMULATOR_HOST"], ops.LocalStackFile)
	<-ctx.Done()
	return nil
}

// printMail shows an email the platform sent, as a mail client would.
func printMail(m mailbox.Received) {
	fmt.Printf("\n── email to %s ── %s\n%s\n", m.To, m.Subject, m.Text)
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
			ev, _ := events.New(events.OutboxTick, "scheduler.tick", map[string]time.Time{"time": now.UTC()})
			if err := pub.Publish(ctx, ev); err != nil && ctx.Err() == nil {
				log.WarnContext(ctx, "outbox tick failed", "err", err.Error())
			}
		}
	}
}

// Demo accounts; the passwords are for the local stack only.
const (
	demoTutor    = "tutor@kwipper.dev"
	demoLearner  = "learner@kwipper.dev"
	demoPassword = "kwipper-demo-2026"
)

// loadDemo creates demo data through the public API, as a client would.
func loadDemo(ctx context.Context, base string) error {
	c := client.New(base, time.Minute)
	for _, u := range []map[string]any{
		{"email": demoTutor, "password": demoPassword, "display_name": "Sari the Tutor", "roles": []string{"tutor"}, "country": "ID"},
		{"email": demoLearner, "password": demoPassword, "display_name": "Kenji the Learner", "roles": []string{"learner"}, "country": "JP"},
	} {
		if err := c.Call(ctx, "POST", "/v1/users", u, nil); err != nil && client.StatusOf(err) != http.StatusConflict {
			return err
		}
	}
	token, err := c.Login(ctx, demoTutor, demoPassword)
	if err != nil {
		return err
	}
	c = c.As(token)
	var course struct {
		ID string `json:"id"`
	}
	if err := c.Call(ctx, "POST", "/v1/courses", map[string]any{
		"title": "Bahasa Indonesia for Beginners", "description": "Ten short lessons to start speaking.",
		"price": map[string]any{"amount": 9900000, "currency": "IDR"}, "billing_interval": "month",
	}, &course); err != nil {
		return err
	}
	for _, it := range []struct {
		item              map[string]any
		contentType, name string
		media             []byte
	}{
		{item: map[string]any{"kind": "text", "title": "Selamat pagi: greetings", "body": "Selamat pagi means good morning."}},
		{item: map[string]any{"kind": "video", "title": "Pronunciation walkthrough"}, contentType: "video/mp4", name: "pronunciation.mp4", media: sample.LessonMP4},
		{item: map[string]any{"kind": "file", "title": "Vocabulary sheet (PDF)"}, contentType: "application/pdf", name: "vocabulary.pdf", media: sample.HandoutPDF},
	} {
		var item struct {
			ID string `json:"id"`
		}
		if err := c.Call(ctx, "POST", "/v1/courses/"+course.ID+"/items", it.item, &item); err != nil {
			return err
		}
		if it.media != nil {
			if _, err := c.UploadMedia(ctx, course.ID, item.ID, it.contentType, it.name, it.media); err != nil {
				return err
			}
		}
	}
	if err := c.Publish(ctx, course.ID); err != nil {
		return err
	}
	fmt.Printf("\nDemo data loaded: course %s is published (a text, a video and a PDF).\n"+
		"  Log in as the tutor:   curl -s -H 'Content-Type: application/json' %s/v1/sessions -d '{\"email\":%q,\"password\":%q}'\n"+
		"  Log in as the learner: curl -s -H 'Content-Type: application/json' %s/v1/sessions -d '{\"email\":%q,\"password\":%q}'\n",
		course.ID, base, demoTutor, demoPassword, base, demoLearner, demoPassword)
	return nil
}

// emulators starts both emulators, writes their environment to a file (for
// scripts/test) and runs until interrupted.
func emulators(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("emulators", flag.ContinueOnError)
	envFile := fs.String("env-file", "", "write export lines for the emulator hosts here")
	logDir := fs.String("log-dir", ".dev", "where the emulators write their logs")
	if err := fs.Parse(args); err != nil {
		return err
	}
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
