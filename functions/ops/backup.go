package ops

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions"
	"github.com/kwipper/kwipper/shared/config"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/spanx"
)

// ExportFormat names the layout of a portable export (see spanx.Dump).
const ExportFormat = "kwipper-export/1"

// Manifest describes a portable export: every service database as read at
// one timestamp. It is written last, so a directory without one is not an
// export.
type Manifest struct {
	Format        string               `json:"format"`
	ReadTimestamp time.Time            `json:"read_timestamp"`
	Project       string               `json:"project"`
	Instance      string               `json:"instance"`
	Databases     []spanx.DatabaseDump `json:"databases"`
}

// Export writes a portable export of every service database to dir (which
// must be empty or not exist): all read at one timestamp, so the databases
// agree with each other (a subscription and its payment are both there or
// both not). For disaster recovery beside Spanner's backups, and to leave
// Google Cloud: the files need nothing of Spanner to read.
// It shows its progress and a summary on meter (nil: nowhere).
func Export(ctx context.Context, cfg config.Config, dir string, log *slog.Logger, meter *Meter) (Manifest, error) {
	return exportAt(ctx, cfg, dir, time.Time{}, log, meter)
}

// exportAt is Export as of ts (zero: now, as the export starts).
func exportAt(ctx context.Context, cfg config.Config, dir string, ts time.Time, log *slog.Logger, meter *Meter) (Manifest, error) {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return Manifest{}, fmt.Errorf("export: %s is not empty", dir)
	}
	m := Manifest{Format: ExportFormat, Project: cfg.Project, Instance: cfg.SpannerInstance, ReadTimestamp: ts}
	dbs := functions.WithDatabases()
	start := time.Now()
	var total, tables int64
	for i, p := range dbs {
		c, err := spanx.Open(ctx, spanx.DatabasePath(cfg.Project, cfg.SpannerInstance, p.Database))
		if err != nil {
			return m, err
		}
		if len(m.Databases) == 0 && m.ReadTimestamp.IsZero() {
			// Every database is read as of this moment, which sees every
			// commit made before the export started.
			if m.ReadTimestamp, err = spanx.Now(ctx, c); err != nil {
				c.Close()
				return m, fmt.Errorf("export: %w", err)
			}
		}
		d, err := spanx.Dump(ctx, c, p.Database, m.ReadTimestamp, dir, func(table string, rows int64) {
			meter.Update(i, len(dbs), fmt.Sprintf("databases · %s.%s %s rows", p.Database, table, count(rows)))
		})
		c.Close()
		if err != nil {
			return m, err
		}
		rows := int64(0)
		for _, t := range d.Tables {
			rows += t.Rows
		}
		total += rows
		tables += int64(len(d.Tables))
		meter.Update(i+1, len(dbs), fmt.Sprintf("databases · %s done, %s rows so far", p.Database, count(total)))
		log.DebugContext(ctx, "database exported", "database", p.Database, "tables", len(d.Tables), "rows", rows)
		m.Databases = append(m.Databases, d)
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return m, err
	}
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), append(b, '\n'), 0o644); err != nil {
		return m, err
	}
	took := time.Since(start)
	meter.Printf("exported %s rows (%d tables, %d databases) as of %s in %s (%s rows/s) into %s",
		count(total), tables, len(dbs), m.ReadTimestamp.UTC().Format(time.RFC3339Nano), took.Round(time.Millisecond), count(int64(perSecond(total, took))), dir)
	return m, nil
}

// perSecond is n per second of d (0 for no time).
func perSecond(n int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// RestoreOptions tune Restore.
type RestoreOptions struct {
	// Resume completes a restore that stopped part way: the databases need
	// not be empty.
	Resume bool
	// ReplayEvents republishes the events published within this long before
	// the export's timestamp. An event published but not yet consumed at
	// that moment lives in Pub/Sub, not in the export; republished, it
	// reaches its consumers, and those that had handled it skip it (their
	// ProcessedEvents rows were exported too).
	ReplayEvents time.Duration
	// Report, when set, is filled with what the restore did and how long
	// each part took (the recovery drill reads it).
	Report *RestoreReport
	// Meter, when set, shows the restore's progress and summary.
	Meter *Meter
}

// RestoreReport is what a restore did.
type RestoreReport struct {
	// Migrate is the time spent creating and migrating the databases, Load
	// the time spent checking the files and loading the rows, Replay the
	// time spent marking events for replay.
	Migrate, Load, Replay time.Duration
	// Rows is how many rows were loaded.
	Rows int64
	// LoadedAt is a timestamp after every row was loaded and before any
	// event was marked for replay: the restored databases read as of it
	// export to the same files as the export restored.
	LoadedAt time.Time
	// Replayed is, by database, how many events were marked for replay.
	Replayed map[string]int64
}

// Restore loads the export in dir into the configured project's databases,
// creating and migrating them first. Every file is checked before anything
// is written, and the databases must be empty unless opts.Resume.
func Restore(ctx context.Context, cfg config.Config, dir string, opts RestoreOptions, log *slog.Logger) error {
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("restore: %s has no manifest.json: not a complete export", dir)
	}
	if err != nil {
		return err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil || m.Format != ExportFormat {
		return fmt.Errorf("restore: %s/manifest.json is not a %s manifest", dir, ExportFormat)
	}
	rep := opts.Report
	if rep == nil {
		rep = &RestoreReport{}
	}
	*rep = RestoreReport{Replayed: map[string]int64{}}
	start := time.Now()
	if err := Migrate(ctx, cfg, log); err != nil {
		return err
	}
	rep.Migrate = time.Since(start)
	start = time.Now()
	clients := make([]*spanner.Client, len(m.Databases))
	defer func() {
		for _, c := range clients {
			if c != nil {
				c.Close()
			}
		}
	}()
	// Everything is checked before anything is written.
	for i, d := range m.Databases {
		if clients[i], err = spanx.Open(ctx, spanx.DatabasePath(cfg.Project, cfg.SpannerInstance, d.Name)); err != nil {
			return err
		}
		if err := spanx.CheckLoad(ctx, clients[i], d, dir, opts.Resume); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
	}
	// Every database is loaded before any event is replayed, so no relay
	// republishes an event into a platform that is still half restored.
	var want, tables int64
	for _, d := range m.Databases {
		for _, t := range d.Tables {
			want += t.Rows
		}
		tables += int64(len(d.Tables))
	}
	meter := opts.Meter
	meter.Printf("restoring %s rows (%d tables, %d databases) exported as of %s; every file checked", count(want), tables, len(m.Databases), m.ReadTimestamp.UTC().Format(time.RFC3339Nano))
	for i, d := range m.Databases {
		before := rep.Rows
		err := spanx.Load(ctx, clients[i], d, dir, func(table string, rows int64) {
			meter.Update(int(before+rows), int(want), fmt.Sprintf("rows · %s.%s", d.Name, table))
		})
		if err != nil {
			return fmt.Errorf("restore: %w (run it again with resume to complete it)", err)
		}
		for _, t := range d.Tables {
			rep.Rows += t.Rows
			meter.Update(int(rep.Rows), int(want), fmt.Sprintf("rows · %s.%s", d.Name, t.Name))
		}
		log.DebugContext(ctx, "database restored", "database", d.Name, "tables", len(d.Tables))
	}
	rep.Load = time.Since(start)
	if len(clients) > 0 {
		if rep.LoadedAt, err = spanx.Now(ctx, clients[0]); err != nil {
			return fmt.Errorf("restore: %w", err)
		}
	}
	if opts.ReplayEvents <= 0 {
		rep.summary(meter)
		return nil
	}
	start = time.Now()
	for i, d := range m.Databases {
		replayed, err := events.Replay(ctx, clients[i], m.ReadTimestamp.Add(-opts.ReplayEvents))
		if err != nil {
			return fmt.Errorf("restore %s: %w", d.Name, err)
		}
		rep.Replayed[d.Name] = replayed
		log.DebugContext(ctx, "events marked for replay", "database", d.Name, "events_to_replay", replayed)
	}
	rep.Replay = time.Since(start)
	rep.summary(meter)
	return nil
}

// summary shows what the restore did on meter.
func (rep *RestoreReport) summary(meter *Meter) {
	var replayed int64
	for _, n := range rep.Replayed {
		replayed += n
	}
	meter.Printf("restored %s rows in %s: migrate %s, check and load %s (%s rows/s), replay %s (%s events to republish)",
		count(rep.Rows), (rep.Migrate + rep.Load + rep.Replay).Round(time.Millisecond), rep.Migrate.Round(time.Millisecond),
		rep.Load.Round(time.Millisecond), count(int64(perSecond(rep.Rows, rep.Load))), rep.Replay.Round(time.Millisecond), count(replayed))
}
