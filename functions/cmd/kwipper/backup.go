package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"os"
	"time"

	"github.com/kwipper/kwipper/functions/ops"
	"github.com/kwipper/kwipper/shared/config"
)

// export writes a portable export of every service database to --out.
//
//	kwipper export --out /backups/2027-01-31
func export(ctx context.Context, cfg config.Config, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	out := fs.String("out", "", "directory to write the export to (empty or new)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("export: --out is required")
	}
	_, err := ops.Export(ctx, cfg, *out, log, ops.NewMeter(os.Stdout))
	return err
}

// restore loads an export into the configured project's databases.
//
//	kwipper restore --from /backups/2027-01-31 [--resume] [--replay-events 24h]
func restore(ctx context.Context, cfg config.Config, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	from := fs.String("from", "", "directory holding the export (its manifest.json)")
	var opts ops.RestoreOptions
	fs.BoolVar(&opts.Resume, "resume", false, "complete a restore that stopped part way (the databases need not be empty)")
	fs.DurationVar(&opts.ReplayEvents, "replay-events", 24*time.Hour,
		"republish the events published this long before the export (those in flight then are not in it); 0 for none")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *from == "" {
		return errors.New("restore: --from is required")
	}
	opts.Meter = ops.NewMeter(os.Stdout)
	return ops.Restore(ctx, cfg, *from, opts, log)
}
