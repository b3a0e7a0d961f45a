// Command kwipper-dev runs Kwipper on one machine (functions/devstack): the
// Spanner and Pub/Sub emulators, fake-gcs-server, the Stripe fake and every
// function on one port. scripts/dev runs it; the image holds only kwipper.
//
//	kwipper-dev dev [--demo]            start the emulators and the whole platform locally
//	kwipper-dev emulators -env-file F   start the emulators, write their env to F, run until stopped
package main

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/kwipper/kwipper/shared/config"
	"github.com/kwipper/kwipper/shared/logging"
	"github.com/kwipper/kwipper/shared/tracing"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "kwipper-dev:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	cmd := "dev"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch cmd {
	case "emulators":
		return emulators(ctx, args)
	case "dev":
	default:
		return fmt.Errorf("unknown command %q (dev, emulators)", cmd)
	}
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		return err
	}
	log := logging.New(os.Stdout, cfg.LogLevel, cfg.Project)
	slog.SetDefault(log)
	shutdown, err := tracing.Setup(ctx, tracing.Config{OTLPEndpoint: cfg.Tracing.OTLPEndpoint,
		Insecure: cfg.Tracing.Insecure, SampleRate: cfg.Tracing.SampleRate, Service: cmp.Or(cfg.FunctionTarget, "kwipper"),
		Project: cfg.Project})
	if err != nil {
		return err
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := shutdown(ctx); err != nil {
			log.Warn("trace export at shutdown failed", "err", err.Error())
		}
	}()
	return dev(ctx, log, args)
}
