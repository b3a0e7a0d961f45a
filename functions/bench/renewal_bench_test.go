package bench

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"strconv"
	"testing"
	"time"

	"cloud.google.com/go/spanner"
	"github.com/google/uuid"

	"github.com/kwipper/kwipper/functions/devstack/apitest"
	"github.com/kwipper/kwipper/functions/subscribe"
	"github.com/kwipper/kwipper/shared/billingcal"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/spanx"
)

var (
	renewals      = flag.Int("renewals", 200, "due subscriptions BenchmarkRenewals renews in one cycle")
	sweepSubs     = flag.Int("sweep-subs", 10000, "subscriptions BenchmarkBillingSweep holds (most not due)")
	sweepDueEvery = flag.Int("sweep-due-every", 1000, "one in this many of BenchmarkBillingSweep's subscriptions is due")
)

const benchShards = 16

// insertSubs writes n active monthly subscriptions of learners users
// (round-robin) directly, in batches; due(i) decides which are due at asOf.
func insertSubs(b *testing.B, db *spanner.Client, users []string, n int, asOf time.Time, due func(i int) bool) []string {
	b.Helper()
	cols := []string{"SubscriptionId", "UserId", "CourseId", "Status", "PriceAmount", "Currency", "CreatedAt", "UpdatedAt",
		"ActivatedAt", "PeriodStart", "PeriodEnd", "Anchor", "BillingInterval", "Period", "Failures", "CancelAtPeriodEnd", "DueAt", "Shard"}
	ids := make([]string, n)
	var ms []*spanner.Mutation
	flush := func() {
		if err := spanx.Apply(context.Background(), db, ms...); err != nil {
			b.Fatal(err)
		}
		ms = ms[:0]
	}
	for i := range n {
		ids[i] = uuid.NewString()
		// Due ones started a month before asOf; the rest later, so their
		// first period ends over the coming month.
		anchor := asOf.AddDate(0, -1, 0).Add(-time.Minute)
		if !due(i) {
			anchor = asOf.AddDate(0, -1, 0).Add(time.Duration(1+i%(29*24)) * time.Hour)
		}
		end := billingcal.PeriodEnd(anchor, billingcal.Month, 1)
		ms = append(ms, spanner.Insert("Subscriptions", cols, []any{ids[i], users[i%len(users)], uuid.NewString(), subscribe.StatusActive,
			int64(150000), "IDR", spanner.CommitTimestamp, spanner.CommitTimestamp, spanner.CommitTimestamp, anchor, end, anchor,
			billingcal.Month, int64(0), int64(0), false, end, int64(subscribe.ShardOf(ids[i], benchShards))}))
		if len(ms) == 1000 {
			flush()
		}
	}
	if len(ms) > 0 {
		flush()
	}
	return ids
}

func pushShard(b *testing.B, e *apitest.Env, asOf time.Time, shard int) {
	j := subscribe.ShardJob{AsOf: asOf, Shard: shard, Shards: benchShards}
	data, _ := json.Marshal(j)
	id := uuid.NewString()
	e.Must(204, "POST", e.PushPath("subscribe-billing-shard"), "", map[string]any{"message": map[string]any{
		"data": base64.StdEncoding.EncodeToString(data), "messageId": id,
		"attributes": map[string]string{events.AttrEventID: id, events.AttrType: "billing.shard"}}})
}

// BenchmarkRenewals renews -renewals due subscriptions in one billing cycle
// through the local stack (tick -> shards -> Billing -> Stripe fake ->
// renewal.charged -> period extended) and reports renewals/s.
func BenchmarkRenewals(b *testing.B) {
	e := apitest.Start(b, apitest.Setenv("KW_BILLING_SHARDS", strconv.Itoa(benchShards)))
	users := make([]string, 20)
	for i := range users {
		var tok string
		users[i], tok = e.User(fmt.Sprintf("learner%d@renew-bench.test", i), "learner")
		e.Must(201, "POST", "/v1/billing/payment-methods", tok, map[string]string{"payment_method_id": "pm_card_visa"})
	}
	db, err := spanx.Open(context.Background(), spanx.DatabasePath(e.Cfg.Project, e.Cfg.SpannerInstance, subscribe.Database))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		asOf := time.Now().UTC().AddDate(0, 0, i).Truncate(time.Second)
		insertSubs(b, db, users, *renewals, asOf, func(int) bool { return true })
		start := e.Stripe.Totals().Succeeded
		b.StartTimer()
		t0 := time.Now()
		tick, _ := json.Marshal(map[string]any{"as_of": asOf.Format(time.RFC3339)})
		id := uuid.NewString()
		e.Must(204, "POST", e.PushPath("subscribe-billing-cycle"), "", map[string]any{"message": map[string]any{
			"data": base64.StdEncoding.EncodeToString(tick), "messageId": id,
			"attributes": map[string]string{events.AttrEventID: id, events.AttrType: "billing.tick"}}})
		var left int64
		for deadline := time.Now().Add(5 * time.Minute); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			_ = spanx.Each(db.Single().Query(context.Background(), spanner.Statement{
				SQL: "SELECT COUNT(*) FROM Subscriptions WHERE Period = 0 AND Status = 'active'"}), func(r *spanner.Row) error { return r.Columns(&left) })
			if left == 0 {
				break
			}
		}
		wall := time.Since(t0)
		if left != 0 {
			b.Fatalf("%d renewals not done in time", left)
		}
		if got := e.Stripe.Totals().Succeeded - start; got != *renewals {
			b.Fatalf("stripe charged %d renewals, want %d", got, *renewals)
		}
		b.ReportMetric(float64(*renewals)/wall.Seconds(), "renewals/s")
	}
	b.ReportMetric(0, "ns/op")
}

// BenchmarkBillingSweep measures the shard functions' sweep over
// -sweep-subs subscriptions of which one in -sweep-due-every is due: all
// benchShards shard jobs run one after the other (the due ones are sent to
// Billing asynchronously); it reports the sweep's wall time.
func BenchmarkBillingSweep(b *testing.B) {
	e := apitest.Start(b, apitest.Setenv("KW_BILLING_SHARDS", strconv.Itoa(benchShards)))
	db, err := spanx.Open(context.Background(), spanx.DatabasePath(e.Cfg.Project, e.Cfg.SpannerInstance, subscribe.Database))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	asOf := time.Now().UTC().Truncate(time.Second)
	users := []string{uuid.NewString()} // no saved card: Billing declines the due ones at once
	t0 := time.Now()
	insertSubs(b, db, users, *sweepSubs, asOf, func(i int) bool { return i%*sweepDueEvery == 0 })
	b.Logf("inserted %d subscriptions in %v", *sweepSubs, time.Since(t0))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := time.Now()
		for s := range benchShards {
			pushShard(b, e, asOf, s)
		}
		b.ReportMetric(float64(time.Since(t).Milliseconds()), "sweep-ms")
	}
	b.ReportMetric(0, "ns/op")
}
