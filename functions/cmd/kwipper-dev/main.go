// Command kwipper-dev runs Kwipper on one machine (functions/devstack): the
// Spanner and Pub/Sub emulators, fake-gcs-server, the Stripe fake and every
// function on one port. scripts/dev runs it; the image holds only kwipper.
//
//	kwipper-dev dev [--demo]            start the emulators and the whole platform locally
//	kwipper-dev emulators -env-file F   start the emulators, write their env to F, run until stopped
//	kwipper-dev stripe pay-voucher ID   play the learner paying a voucher, transfer or QR code (local Stripe fake)
//	kwipper-dev stripe expire-voucher ID  play it expiring unpaid
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
	case "stripe":
		return stripeMain(ctx, args)
	case "dev":
	default:
		return fmt.Errorf("unknown command %q (dev, emulators, stripe)", cmd)
	}
	_, log, done, err := ops.Setup(os.Getenv)
	if err != nil {
		return err
	}
	defer done()
	return dev(ctx, log, args)
}
