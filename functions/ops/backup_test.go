package ops_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions"
	"github.com/kwipper/kwipper/functions/devstack/apitest"
	"github.com/kwipper/kwipper/functions/ops"
	"github.com/kwipper/kwipper/shared/config"
	"github.com/kwipper/kwipper/shared/devstack/testenv"
	"github.com/kwipper/kwipper/shared/spanx"
)

// A portable export of a live stack (a published course, a learner with an
// active, paid subscription) restores into empty databases of another
// project: the restored databases export to the same files, and a stack on
// them serves the learner's subscription and the course's text. Restoring
// into databases that hold rows, or from a damaged export, is refused before
// anything is written.
func TestMain(m *testing.M) { testenv.Main(m) }

type courseView struct{ ID string }

func TestExportRestore_roundTripsEveryDatabase(t *testing.T) {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	src := apitest.Start(t)
	_, tutor := src.User("tutor@dr.test", "tutor")
	_, learner := src.User("learner@dr.test", "learner")
	var c courseView
	src.Must(201, "POST", "/v1/courses", tutor, map[string]any{"title": "Español para viajeros", "description": "¿Dónde está…?",
		"price": map[string]any{"amount": 19900, "currency": "MXN"}, "billing_interval": "month"}).JSON(t, &c)
	src.Must(201, "POST", "/v1/courses/"+c.ID+"/items", tutor, map[string]any{"kind": "text", "title": "Saludos", "body": "¡Hola! こんにちは"})
	src.Must(200, "POST", "/v1/courses/"+c.ID+"/publish", tutor, nil)
	src.Must(201, "POST", "/v1/billing/payment-methods", learner, map[string]string{"payment_method_id": "pm_card_visa"})
	var sub struct{ ID, Status string }
	src.Must(202, "POST", "/v1/subscriptions", learner, map[string]string{"course_id": c.ID}).JSON(t, &sub)
	src.Eventually("active subscription", 30*time.Second, func() bool {
		src.Must(200, "GET", "/v1/subscriptions/"+sub.ID, learner, nil).JSON(t, &sub)
		return sub.Status == "active"
	})

	dir := filepath.Join(t.TempDir(), "export")
	var shown bytes.Buffer
	m, err := ops.Export(ctx, src.Cfg, dir, log, &ops.Meter{W: &shown, Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	// The operator sees each database go by and a summary.
	var exported int64
	for _, d := range m.Databases {
		for _, tb := range d.Tables {
			exported += tb.Rows
		}
	}
	if out := shown.String(); !strings.Contains(out, fmt.Sprintf("] %d/%d  databases · ", len(m.Databases), len(m.Databases))) ||
		!strings.Contains(out, fmt.Sprintf("exported %d rows (", exported)) || !strings.Contains(out, "into "+dir) {
		t.Errorf("export showed:\n%s", out)
	}
	rows := map[string]int64{}
	for _, d := range m.Databases {
		order := []string{}
		for _, tb := range d.Tables {
			rows[d.Name+"."+tb.Name] = tb.Rows
			if tb.Parent != "" && !slices.Contains(order, tb.Parent) {
				t.Errorf("%s: table %s comes before its parent %s", d.Name, tb.Name, tb.Parent)
			}
			order = append(order, tb.Name)
		}
		if len(d.SchemaVersions) == 0 {
			t.Errorf("%s: no schema versions", d.Name)
		}
	}
	if len(m.Databases) != len(functions.WithDatabases()) || rows["users.Users"] != 2 || rows["courses.CourseItems"] != 1 ||
		rows["subscriptions.Subscriptions"] != 1 || rows["billing.Payments"] != 1 {
		t.Fatalf("export rows %v", rows)
	}
	if _, err := ops.Export(ctx, src.Cfg, dir, log, nil); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("export into a used directory: %v", err)
	}

	// Restore into a project of its own, which nothing else writes to.
	dst := freshProject(src.Cfg)
	shown.Reset()
	if err := ops.Restore(ctx, dst, dir, ops.RestoreOptions{Meter: &ops.Meter{W: &shown, Now: time.Now}}, log); err != nil {
		t.Fatal(err)
	}
	if out := shown.String(); !strings.Contains(out, fmt.Sprintf("restoring %d rows", exported)) ||
		!strings.Contains(out, fmt.Sprintf("] %d/%d  rows · ", exported, exported)) || !strings.Contains(out, fmt.Sprintf("restored %d rows in ", exported)) {
		t.Errorf("restore showed:\n%s", out)
	}
	again, err := ops.Export(ctx, dst, filepath.Join(t.TempDir(), "again"), log, nil)
	if err != nil {
		t.Fatal(err)
	}
	if sums(m) != sums(again) {
		t.Fatalf("the restored databases export differently:\n%s\nwant\n%s", sums(again), sums(m))
	}
	if err := ops.Restore(ctx, dst, dir, ops.RestoreOptions{}, log); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("restore into databases with rows: %v", err)
	}

	// Say the Course service had not yet handled the subscription's events
	// when the export was made (they were in flight in Pub/Sub): its
	// entitlement and its record of handled events are not in the export.
	courses, err := spanx.Open(ctx, spanx.DatabasePath(dst.Project, dst.SpannerInstance, "courses"))
	if err != nil {
		t.Fatal(err)
	}
	defer courses.Close()
	if err := spanx.Apply(ctx, courses, spanner.Delete("Entitlements", spanner.AllKeys()),
		spanner.Delete("ProcessedEvents", spanner.AllKeys())); err != nil {
		t.Fatal(err)
	}
	// Resuming over a complete restore writes the same rows again, and
	// replays the recent events.
	if err := ops.Restore(ctx, dst, dir, ops.RestoreOptions{Resume: true, ReplayEvents: time.Hour}, log); err != nil {
		t.Fatalf("resume over a complete restore: %v", err)
	}

	// A stack on the restored databases serves what the learner had, once
	// its outbox relays have published the replayed events.
	s := apitest.Start(t, apitest.Setenv("KW_PROJECT", dst.Project))
	relays := func() {
		for _, p := range functions.WithDatabases() {
			s.Must(204, "POST", s.PushPath(p.Name+"-outbox-relay"), "", apitest.Tick("tick-"+p.Name))
		}
	}
	var session struct {
		AccessToken string `json:"access_token"`
	}
	s.Must(200, "POST", "/v1/sessions", "", map[string]string{"email": "learner@dr.test", "password": apitest.Password}).JSON(t, &session)
	var got struct{ ID, Status string }
	s.Must(200, "GET", "/v1/subscriptions/"+sub.ID, session.AccessToken, nil).JSON(t, &got)
	if got.Status != "active" {
		t.Fatalf("restored subscription %+v", got)
	}
	s.Eventually("the learner reads the course's text", 30*time.Second, func() bool {
		relays()
		var items struct {
			Items []struct{ Body string }
		}
		s.Must(200, "GET", "/v1/courses/"+c.ID+"/items", session.AccessToken, nil).JSON(t, &items)
		return len(items.Items) == 1 && items.Items[0].Body == "¡Hola! こんにちは"
	})

	// A damaged export is refused and the target stays empty.
	users := filepath.Join(dir, "users", "Users.jsonl")
	b, err := os.ReadFile(users)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(users, []byte(strings.Replace(string(b), "learner@dr.test", "learner@dr.tesT", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	empty := freshProject(src.Cfg)
	if err := ops.Restore(ctx, empty, dir, ops.RestoreOptions{}, log); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("restore of a damaged export: %v", err)
	}
	left, err := ops.Export(ctx, empty, filepath.Join(t.TempDir(), "empty"), log, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range left.Databases {
		for _, tb := range d.Tables {
			if tb.Rows != 0 {
				t.Errorf("a refused restore wrote %d rows to %s.%s", tb.Rows, d.Name, tb.Name)
			}
		}
	}
}

// freshProject is cfg pointed at a project of its own on the emulators.
func freshProject(cfg config.Config) config.Config {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	cfg.Project = "kw-restore-" + hex.EncodeToString(b)
	return cfg
}

// sums lists every table file's name, row count and SHA-256.
func sums(m ops.Manifest) string {
	var out []string
	for _, d := range m.Databases {
		for _, tb := range d.Tables {
			out = append(out, tb.File+" "+strconv.FormatInt(tb.Rows, 10)+" "+tb.SHA256)
		}
	}
	return strings.Join(out, "\n")
}
