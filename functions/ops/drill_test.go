package ops_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/kwipper/kwipper/functions/devstack/apitest"
	"github.com/kwipper/kwipper/functions/ops"
	"github.com/kwipper/kwipper/shared/config"
)

// The recovery drill on a small stack: seeded through the API, exported
// while a tutor writes, every database dropped, restored with event
// replay while the stack is down. The restored databases export to the same
// files, every write answered before the snapshot is back and none sent
// after it, and the flows work: a seeded learner reads the course, a new
// learner subscribes to active, a tutor adds an item. No timing is
// asserted; the table is logged.
func TestDrill_recoversASeededStackThatServes(t *testing.T) {
	e := apitest.Start(t, apitest.Setenv("KW_SAGA_STEP_TIMEOUT", "5s"))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	r, err := ops.Drill(context.Background(), e.Cfg, ops.DrillOptions{API: e.URL, Learners: 10, Tutors: 4, Concurrency: 5, Dir: t.TempDir(),
		Outage: func(ctx context.Context, during func() error) error {
			var derr error
			if err := e.Stack.Restart(ctx, func() { derr = during() }); err != nil {
				return err
			}
			return derr
		}}, log)
	t.Logf("\n%s", r.Table())
	if err != nil {
		t.Fatal(err)
	}
	if r.Tables == 0 || r.TablesIdentical != r.Tables {
		t.Errorf("%d of %d tables identical after the restore: %v", r.TablesIdentical, r.Tables, r.Mismatches)
	}
	for _, state := range []string{"active", "failed", "cancelled", "refunded", "cancel_at_period_end"} {
		if r.Seed.Subscriptions[state] != 2 {
			t.Errorf("seeded %d %s subscriptions, want 2", r.Seed.Subscriptions[state], state)
		}
	}
	w := r.Writes
	if w.Before == 0 || w.BeforePresent != w.Before {
		t.Errorf("writes before the snapshot: %d of %d restored", w.BeforePresent, w.Before)
	}
	if w.After == 0 || w.AfterPresent != 0 {
		t.Errorf("writes after the snapshot: %d of %d came back", w.AfterPresent, w.After)
	}
	if w.EventsReplayed == 0 {
		t.Error("no event was replayed from the outbox")
	}
	if len(r.Flows) != 3 {
		t.Errorf("flows %+v", r.Flows)
	}
	for _, f := range r.Flows {
		if f.Err != nil {
			t.Errorf("%s: %v", f.Name, f.Err)
		}
	}
}

// Against a real Spanner project the drill drops nothing, and calls
// nothing, unless --destroy-project names that project.
func TestDrill_refusesARealProjectUnlessNamed(t *testing.T) {
	cloud := config.Config{Env: "cloud", Project: "kwipper-prod", SpannerInstance: "kwipper"}
	for _, named := range []string{"", "kwipper-dr"} {
		_, err := ops.Drill(context.Background(), cloud, ops.DrillOptions{API: "http://127.0.0.1:1", DestroyProject: named}, slog.Default())
		if err == nil || !strings.Contains(err.Error(), "kwipper-prod") {
			t.Errorf("--destroy-project %q: %v", named, err)
		}
	}
	if err := ops.CheckDestroy(cloud, "kwipper-prod"); err != nil {
		t.Errorf("named project refused: %v", err)
	}
	local := cloud
	local.SpannerEmulatorHost = "127.0.0.1:9010"
	if err := ops.CheckDestroy(local, ""); err != nil {
		t.Errorf("the emulator needs no confirmation: %v", err)
	}
}
