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

	"github.com/kwipper/kwipper/functions/devstack"
	"github.com/kwipper/kwipper/shared/devstack/emulator"
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
	st, err := devstack.Start(ctx, devstack.Options{Log: log, EmulatorLogs: dir})
	if err != nil {
		return err
	}
	defer st.Close()
	go relayTicks(ctx, st.PubSub, *tick, log)
	if *demo {
		if err := loadDemo(ctx, st.URL); err != nil {
			log.ErrorContext(ctx, "demo data failed", "err", err.Error())
		}
	}
	fmt.Printf("\nKwipper is up at %s\n  health:  %s/healthz\n  API doc: %s/openapi.json\n"+
		"  Spanner emulator %s, Pub/Sub emulator %s\nCtrl-C stops everything.\n\n",
		st.URL, st.URL, st.URL, os.Getenv("SPANNER_EMULATOR_HOST"), os.Getenv("PUBSUB_EMULATOR_HOST"))
	<-ctx.Done()
	return nil
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
