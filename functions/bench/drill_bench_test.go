package bench

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"testing"

	"github.com/kwipper/kwipper/functions/devstack/apitest"
	"github.com/kwipper/kwipper/functions/ops"
)

var (
	drillLearners    = flag.Int("drill-learners", 100, "learners BenchmarkDrill seeds (a subscription each)")
	drillConcurrency = flag.Int("drill-concurrency", 8, "learners BenchmarkDrill seeds at once")
)

// BenchmarkDrill runs the recovery drill (ops.Drill) on the local stack:
// seed -drill-learners through the API, export while writing, drop every
// database, restore with replay while the stack is down, verify. It reports
// RTO (databases dropped to the first successful request) and its parts,
// the RPO of the drill (writes lost, the loss window), and export and
// restore rows/s; the table is logged.
//
//	go test -run '^$' -bench Drill -benchtime 1x -v ./functions/bench -args -drill-learners=400
func BenchmarkDrill(b *testing.B) {
	e := apitest.Start(b, apitest.Setenv("KW_SAGA_STEP_TIMEOUT", "5s"))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for i := 0; i < b.N; i++ {
		r, err := ops.Drill(context.Background(), e.Cfg, ops.DrillOptions{API: e.URL, Learners: *drillLearners,
			Concurrency: *drillConcurrency, Dir: b.TempDir(),
			Outage: func(ctx context.Context, during func() error) error {
				var derr error
				if err := e.Stack.Restart(ctx, func() { derr = during() }); err != nil {
					return err
				}
				return derr
			}}, log)
		b.Logf("\n%s", r.Table())
		if err != nil {
			b.Fatal(err)
		}
		rate := func(rows int64, secs float64) float64 { return float64(rows) / secs }
		b.ReportMetric(float64(r.ExportRows), "rows")
		b.ReportMetric(r.Seed.Took.Seconds(), "seed-s")
		b.ReportMetric(rate(r.ExportRows, r.ExportTook.Seconds()), "export-rows/s")
		b.ReportMetric(rate(r.Restore.Rows, r.Restore.Load.Seconds()), "load-rows/s")
		b.ReportMetric(rate(r.Restore.Rows, r.RestoreTook.Seconds()), "restore-rows/s")
		b.ReportMetric(r.RTO.Seconds(), "rto-s")
		b.ReportMetric(r.FirstRequest.Seconds(), "first-request-s")
		b.ReportMetric(r.Writes.Destroyed.Sub(r.Snapshot).Seconds(), "loss-window-s")
		b.ReportMetric(float64(r.Writes.After-r.Writes.AfterPresent), "lost-writes")
		b.ReportMetric(float64(r.Writes.EventsReplayed), "replayed-events")
	}
	b.ReportMetric(0, "ns/op")
}
