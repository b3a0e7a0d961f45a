// Command kwipper-dev runs Kwipper on one machine (functions/devstack): the
// Spanner and Pub/Sub emulators, fake-gcs-server, the Stripe fake and every
// function on one port. scripts/dev runs it; the image holds only kwipper.
//
//	kwipper-dev dev [--demo]            start the emulators and the whole platform locally
//	kwipper-dev emulators -env-file F   start the emulators, write their env to F, run until stopped
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/kwipper/kwipper/functions/ops"
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
	_, log, done, err := ops.Setup(os.Getenv)
	if err != nil {
		return err
	}
	defer done()
	return dev(ctx, log, args)
}
