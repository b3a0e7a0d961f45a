package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"text/tabwriter"
	"time"

	"github.com/kwipper/kwipper/functions/billing"
	"github.com/kwipper/kwipper/shared/config"
	"github.com/kwipper/kwipper/shared/spanx"
)

// paymentsUnreconciled lists the payments reconciliation could not settle
// (still attempting well after billing-reconcile ran): Stripe holds several
// PaymentIntents for them, or one still processing. An operator settles
// them from Stripe's dashboard.
//
//	kwipper payments-unreconciled [--older-than 1h]
func paymentsUnreconciled(ctx context.Context, cfg config.Config, _ *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("payments-unreconciled", flag.ContinueOnError)
	older := fs.Duration("older-than", time.Hour, "list payments attempting for longer than this")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := spanx.Open(ctx, spanx.DatabasePath(cfg.Project, cfg.SpannerInstance, billing.Database))
	if err != nil {
		return err
	}
	defer db.Close()
	ps, err := billing.Unreconciled(ctx, db, time.Now().Add(-*older), 1000)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "PAYMENT\tSAGA\tUSER\tAMOUNT\tCREATED")
	for _, p := range ps {
		fmt.Fprintf(w, "%s\t%s\t%s\t%d %s\t%s\n", p.ID, p.SagaID, p.UserID, p.Amount.Amount, p.Amount.Currency, p.CreatedAt.UTC().Format(time.RFC3339))
	}
	return w.Flush()
}
