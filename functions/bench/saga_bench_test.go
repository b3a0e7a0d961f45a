package bench

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/course"
	"github.com/kwipper/kwipper/functions/devstack/apitest"
	"github.com/kwipper/kwipper/functions/subscribe"
	"github.com/kwipper/kwipper/shared/spanx"
)

var sagas = flag.Int("sagas", 40, "concurrent subscribe sagas per round of BenchmarkSubscribeSaga (the issue 13 load test: -sagas 500)")

// BenchmarkSubscribeSaga is the subscribe load test: -sagas concurrent
// subscribe sagas per round (each a different learner with a saved card,
// every tenth card declining, all on one course) through the local stack:
// the API, the real Spanner and Pub/Sub emulators and push delivery, the
// Stripe fake. A client retries a 5xx or a 409 "still running" with the same
// Idempotency-Key after Retry-After, as the API asks. It reports throughput
// (sagas/s to a terminal state), p50/p95 of the time from POST
// /v1/subscriptions to a terminal state, the Spanner read-write transactions
// one saga commits (all services, and per database in the log), and the
// requests retried; then it checks: every saga ends active or failed with a
// reason, one charge per active subscription, the subscriber count equal to
// the active subscriptions.
func BenchmarkSubscribeSaga(b *testing.B) {
	// Cloud Scheduler ticks the sweeper every minute; here every second, with
	// a short step timeout, so a saga whose push delivery was lost to the
	// emulator's transaction quirks under load is picked up quickly.
	e := apitest.Start(b, apitest.Setenv("KW_SAGA_STEP_TIMEOUT", "3s"))
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(time.Second):
				id := fmt.Sprint("tick-", time.Now().UnixNano())
				e.Do("POST", e.PushPath("subscribe-sweep"), "", map[string]any{"message": map[string]any{"data": "e30=", "messageId": id}})
			}
		}
	}()
	_, tutor := e.User("tutor@saga-bench.test", "tutor")
	n := *sagas
	learners := make([]string, n)
	declines := func(j int) bool { return j%10 == 9 }
	for i := range learners {
		_, learners[i] = e.User(fmt.Sprintf("learner%d@saga-bench.test", i), "learner")
		pm := "pm_card_visa"
		if declines(i) {
			pm = "pm_card_chargeDeclined"
		}
		e.Must(201, "POST", "/v1/billing/payment-methods", learners[i], map[string]string{"payment_method_id": pm})
	}
	courses, err := spanx.Open(context.Background(), spanx.DatabasePath(e.Cfg.Project, e.Cfg.SpannerInstance, course.Database))
	if err != nil {
		b.Fatal(err)
	}
	defer courses.Close()
	subs, err := spanx.Open(context.Background(), spanx.DatabasePath(e.Cfg.Project, e.Cfg.SpannerInstance, subscribe.Database))
	if err != nil {
		b.Fatal(err)
	}
	defer subs.Close()
	var all []time.Duration
	var wall time.Duration
	var retried atomic.Int64
	txns := map[string]int64{}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		var c struct{ ID string }
		e.Must(201, "POST", "/v1/courses", tutor, map[string]any{"title": fmt.Sprintf("Bench %d", i), "description": "d",
			"price": map[string]any{"amount": 1500, "currency": "JPY"}, "billing_interval": "month"}).JSON(b, &c)
		e.Must(201, "POST", "/v1/courses/"+c.ID+"/items", tutor, map[string]any{"kind": "text", "title": "t", "body": "b"})
		e.Must(200, "POST", "/v1/courses/"+c.ID+"/publish", tutor, nil)
		b.StartTimer()

		lat := make([]time.Duration, n)
		status := make([]string, n)
		before := spanx.Commits()
		start := time.Now()
		var wg sync.WaitGroup
		for j := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				t0 := time.Now()
				var v struct {
					ID, Status string
					ReasonCode string `json:"reason_code"`
				}
				key := http.Header{"Idempotency-Key": {fmt.Sprintf("bench-%d-%d", i, j)}}
				req := map[string]string{"course_id": c.ID}
				r := e.DoWith("POST", "/v1/subscriptions", learners[j], req, key)
				// Under load the emulator loses transactions (503, nothing
				// committed) and a retry may meet its first try still
				// running (409): retry with the same key after Retry-After.
				for try := 0; (r.Status >= 500 || (r.Status == 409 && r.Header.Get("Retry-After") != "")) && try < 20; try++ {
					retried.Add(1)
					wait, _ := strconv.Atoi(r.Header.Get("Retry-After"))
					time.Sleep(time.Duration(max(wait, 1)) * time.Second)
					r = e.DoWith("POST", "/v1/subscriptions", learners[j], req, key)
				}
				if r.Status != http.StatusAccepted {
					b.Errorf("subscribe: %d %s", r.Status, r.Body)
					return
				}
				r.JSON(b, &v)
				for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
					g := e.Do("GET", "/v1/subscriptions/"+v.ID, learners[j], nil)
					g.JSON(b, &v)
					if v.Status != subscribe.StatusPending {
						lat[j], status[j] = time.Since(t0), v.Status
						if want := map[bool]string{false: subscribe.StatusActive, true: subscribe.StatusFailed}[declines(j)]; v.Status != want || (v.Status == subscribe.StatusFailed && v.ReasonCode == "") {
							b.Errorf("learner %d's saga ended %s (reason %q), want %s with a reason", j, v.Status, v.ReasonCode, want)
						}
						return
					}
				}
				b.Errorf("saga %s still pending after 2 minutes", v.ID)
			}()
		}
		wg.Wait()
		wall += time.Since(start)
		all = append(all, lat...)
		// The sweeper's ticks commit nothing when no saga waits, so the
		// round's commits are the sagas' (and their outbox relays').
		for db, c := range spanx.Commits() {
			txns[db] += c - before[db]
		}

		b.StopTimer()
		active := 0
		for _, s := range status {
			if s == subscribe.StatusActive {
				active++
			}
		}
		row, err := courses.Single().ReadRow(context.Background(), "Courses", spanner.Key{c.ID}, []string{"SubscriberCount"})
		if err != nil {
			b.Fatal(err)
		}
		var count int64
		_ = row.Columns(&count)
		var dbActive int64
		if err := spanx.Each(subs.Single().Query(context.Background(), spanner.Statement{
			SQL: "SELECT COUNT(*) FROM Subscriptions WHERE CourseId = @c AND Status = 'active'", Params: map[string]any{"c": c.ID}}),
			func(r *spanner.Row) error { return r.Columns(&dbActive) }); err != nil {
			b.Fatal(err)
		}
		// Every round subscribes each learner to a new course; the fake
		// counts every round's charges.
		tot := e.Stripe.Totals()
		kept := tot.Succeeded - tot.Refunded
		wantActive := 0
		for j := range n {
			if !declines(j) {
				wantActive++
			}
		}
		if active != wantActive || int64(active) != dbActive || count != dbActive || kept != (i+1)*wantActive {
			b.Fatalf("inconsistent: %d of %d active (db %d), subscriber count %d, charges kept %d (total %+v)",
				active, n, dbActive, count, kept, tot)
		}
		b.StartTimer()
	}
	slices.Sort(all)
	pct := func(p float64) float64 { return float64(all[int(p*float64(len(all)-1))].Microseconds()) / 1000 }
	b.ReportMetric(float64(len(all))/wall.Seconds(), "sagas/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
	var total int64
	for _, c := range txns {
		total += c
	}
	sagasRun := float64(len(all))
	b.ReportMetric(float64(total)/sagasRun, "txns/saga")
	b.ReportMetric(float64(retried.Load()), "retried-requests")
	var lines []string
	for db, c := range txns {
		lines = append(lines, fmt.Sprintf("%-14s %5.2f", db, float64(c)/sagasRun))
	}
	slices.Sort(lines)
	b.Logf("read-write transactions per saga, by database:\n%s", strings.Join(lines, "\n"))
	b.ReportMetric(0, "ns/op")
}
