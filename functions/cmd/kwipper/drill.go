package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"time"

	"github.com/kwipper/kwipper/functions/ops"
	"github.com/kwipper/kwipper/shared/config"
)

// drill rehearses a recovery on the stack serving --api: seed, export,
// drop every service database, restore, verify, and print RPO and RTO.
// Against a real Spanner project it refuses to start unless
// --destroy-project names that project.
//
//	kwipper drill --api http://127.0.0.1:8080 --learners 50 --restart-cmd 'scripts/restart-my-stack'
//	KW_ENV=cloud KW_PROJECT=kwipper-dr-test kwipper drill --api https://api.dr.example.com --destroy-project kwipper-dr-test
func drill(ctx context.Context, cfg config.Config, log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("drill", flag.ContinueOnError)
	var o ops.DrillOptions
	fs.StringVar(&o.API, "api", "http://127.0.0.1:"+cfg.Port, "base URL of the stack's public API")
	fs.IntVar(&o.Learners, "learners", 25, "learners to seed (each with a subscription; states in turn: active, failed, cancelled, refunded, cancel at period end)")
	fs.IntVar(&o.Tutors, "tutors", 0, "tutors to seed, each with a published course and a draft (default learners/20, at least 4)")
	fs.IntVar(&o.Concurrency, "concurrency", 8, "learners seeded at once")
	fs.StringVar(&o.Dir, "dir", "", "where to keep the export and the verification export (default: a temporary directory, removed after)")
	fs.DurationVar(&o.ReplayEvents, "replay-events", 24*time.Hour, "the restore's replay window")
	fs.DurationVar(&o.WritesAfter, "writes-after", 2*time.Second, "how long writes go on after the export, before the databases are dropped")
	fs.StringVar(&o.DestroyProject, "destroy-project", "", "required against a real Spanner project: its id, confirming that every service database in it may be dropped")
	fs.DurationVar(&o.Timeout, "timeout", 2*time.Minute, "bound on each wait for an asynchronous effect")
	restartCmd := fs.String("restart-cmd", "", "shell command that restarts the serving stack once the databases are restored "+
		"(running instances keep sessions of the dropped databases and do not recover by themselves); without it the drill waits, "+
		"up to --timeout, for someone to restart it")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *restartCmd != "" {
		o.Outage = func(ctx context.Context, during func() error) error {
			if err := during(); err != nil {
				return err
			}
			cmd := exec.CommandContext(ctx, "sh", "-c", *restartCmd)
			cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("--restart-cmd: %w", err)
			}
			return nil
		}
	} else {
		log.WarnContext(ctx, "drill: no --restart-cmd: restart the stack by hand once the databases are restored")
	}
	if fs.NArg() > 0 {
		return errors.New("drill: unexpected arguments")
	}
	r, err := ops.Drill(ctx, cfg, o, log)
	if r.Seed.Took > 0 {
		fmt.Print(r.Table())
	}
	return err
}
