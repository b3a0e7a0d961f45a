package bench

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/kwipper/kwipper/functions/devstack/apitest"
	"github.com/kwipper/kwipper/functions/ops"
	"github.com/kwipper/kwipper/functions/subscribe"
	"github.com/kwipper/kwipper/shared/spanx"
)

var exportSubs = flag.Int("export-subs", 10000, "subscriptions BenchmarkExportRestore exports and restores")

// BenchmarkExportRestore measures the portable export of every database
// holding -export-subs subscriptions, and its restore into another project,
// in rows/s on the emulator; restore includes creating and migrating the
// target's databases.
//
//	go test -run '^$' -bench ExportRestore -benchtime 1x ./functions/bench -args -export-subs=100000
func BenchmarkExportRestore(b *testing.B) {
	e := apitest.Start(b, apitest.Setenv("KW_BILLING_SHARDS", strconv.Itoa(benchShards)))
	ctx := context.Background()
	db, err := spanx.Open(ctx, spanx.DatabasePath(e.Cfg.Project, e.Cfg.SpannerInstance, subscribe.Database))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	t0 := time.Now()
	insertSubs(b, db, []string{uuid.NewString()}, *exportSubs, time.Now().UTC(), func(int) bool { return false })
	// The emulator's own write rate for these rows, to read restore-rows/s
	// against: both are bound by the emulator applying one commit at a time.
	seeded := float64(*exportSubs) / time.Since(t0).Seconds()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dir := filepath.Join(b.TempDir(), fmt.Sprint(i))
		t := time.Now()
		m, err := ops.Export(ctx, e.Cfg, dir, log, nil)
		if err != nil {
			b.Fatal(err)
		}
		exported := time.Since(t)
		rows, bytes := int64(0), int64(0)
		for _, d := range m.Databases {
			for _, tb := range d.Tables {
				rows += tb.Rows
				if st, err := os.Stat(filepath.Join(dir, tb.File)); err == nil {
					bytes += st.Size()
				}
			}
		}
		dst := e.Cfg
		dst.Project = "kw-bench-restore-" + uuid.NewString()[:8]
		t = time.Now()
		if err := ops.Restore(ctx, dst, dir, ops.RestoreOptions{}, log); err != nil {
			b.Fatal(err)
		}
		restored := time.Since(t)
		b.ReportMetric(float64(rows), "rows")
		b.ReportMetric(float64(bytes)/float64(rows), "bytes/row")
		b.ReportMetric(float64(rows)/exported.Seconds(), "export-rows/s")
		b.ReportMetric(float64(rows)/restored.Seconds(), "restore-rows/s")
		b.ReportMetric(seeded, "seed-insert-rows/s")
	}
	b.ReportMetric(0, "ns/op")
}
