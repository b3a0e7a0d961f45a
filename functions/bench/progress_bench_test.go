package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"cloud.google.com/go/spanner"
	"github.com/google/uuid"
	"google.golang.org/grpc/codes"

	"github.com/kwipper/kwipper/functions/contract/subscribemsg"
	"github.com/kwipper/kwipper/functions/devstack/apitest"
	"github.com/kwipper/kwipper/functions/progress"
	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/spanx"
)

var (
	progressLearners = flag.Int("progress-learners", 50, "concurrent learners of BenchmarkProgressWrites")
	progressReports  = flag.Int("progress-reports", 1500, "reports per phase and round of BenchmarkProgressWrites")
)

// BenchmarkProgressWrites measures progress reports through the local stack's
// HTTP API (token check, access check, validation, the read-write
// transaction with last-writer-wins, the JSON answer) next to the raw Spanner
// write rate of the same rows (InsertOrUpdate of the learner's
// LearnerCourses and Progress rows through the Spanner client), both against
// the emulator in the same run with the same -progress-learners concurrent
// learners. Each learner reports its video like a player every 15 s of
// playback (client_time advances 15 s per report), as fast as the stack
// answers. It reports both rates and the API's share of the raw rate, and
// for comparison the rate of the same rows written blind (one Commit, no
// transaction: what no last-writer-wins rule could use).
//
//	go test -run '^$' -bench ProgressWrites -benchtime 1x ./functions/bench -args -progress-learners=50
func BenchmarkProgressWrites(b *testing.B) {
	e := apitest.Start(b)
	n := *progressLearners
	_, tutor := e.User("tutor@progress-bench.test", "tutor")
	var c, vid struct{ ID string }
	e.Must(201, "POST", "/v1/courses", tutor, map[string]any{"title": "Bench", "description": "d",
		"price": map[string]any{"amount": 1500, "currency": "JPY"}, "billing_interval": "month"}).JSON(b, &c)
	e.Must(201, "POST", "/v1/courses/"+c.ID+"/items", tutor, map[string]any{"kind": "video", "title": "v"}).JSON(b, &vid)
	e.Must(200, "POST", "/v1/courses/"+c.ID+"/publish", tutor, nil)

	// Learners with an active subscription: tokens from the stack's signer,
	// entitlements delivered to the Progress service as the Subscribe
	// service's events would be (the saga is measured by its own benchmark).
	ids, tokens := make([]string, n), make([]string, n)
	for i := range n {
		ids[i] = uuid.NewString()
		tok, _, err := e.App.Signer.Issue(ids[i], []auth.Role{auth.Learner}, time.Now())
		if err != nil {
			b.Fatal(err)
		}
		tokens[i] = tok
		e.Must(204, "POST", e.PushPath("progress-on-subscription-event"), "", apitest.PushEnvelope(uuid.NewString(), subscribemsg.EventActivated,
			subscribemsg.EventData{SubscriptionID: uuid.NewString(), UserID: ids[i], CourseID: c.ID}))
	}
	path := "/v1/courses/" + c.ID + "/items/" + vid.ID + "/progress"
	e.Eventually("the item known to the Progress service", 30*time.Second, func() bool {
		return e.Do("GET", path, tokens[0], nil).Status == http.StatusOK
	})

	ctx := context.Background()
	db, err := spanx.Open(ctx, spanx.DatabasePath(e.Cfg.Project, e.Cfg.SpannerInstance, progress.Database))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: n}}
	start := time.Now().Add(-24 * time.Hour)
	seq := make([]atomic.Int64, n) // each learner's reports so far (both phases)

	// report sends learner i's next report through the API.
	report := func(i int) error {
		k := seq[i].Add(1)
		body, _ := json.Marshal(map[string]any{"position_seconds": float64(k*15%600 + 1), "duration_seconds": 600,
			"client_time": start.Add(time.Duration(k) * 15 * time.Second).Format(time.RFC3339Nano)})
		req, _ := http.NewRequest(http.MethodPut, e.URL+path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tokens[i])
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("report: %d %s", resp.StatusCode, b)
		}
		return nil
	}
	// rows are learner i's two rows as its k-th report leaves them.
	rows := func(i int, k int64) []*spanner.Mutation {
		now := time.Now()
		return []*spanner.Mutation{
			spanner.InsertOrUpdate("LearnerCourses", []string{"UserId", "CourseId", "LastActivityAt"}, []any{ids[i], c.ID, now}),
			// CompletedAt is left as the API set it: the phases alternate on
			// the same rows, and a completion is never undone.
			spanner.InsertOrUpdate("Progress", []string{"UserId", "CourseId", "ItemId", "Kind", "PositionSeconds", "DurationSeconds",
				"Watched", "WatchedSeconds", "ClientTime", "CreatedAt", "UpdatedAt"},
				[]any{ids[i], c.ID, vid.ID, "video", float64(k*15%600 + 1), 600.0, []float64{0, float64(k * 15 % 600)}, float64(k * 15 % 600),
					start.Add(time.Duration(k) * 15 * time.Second), start, now}),
		}
	}
	// raw writes learner i's same two rows with the Spanner client's Apply
	// (a read-write transaction), again when the emulator loses it (it
	// did not commit; see spanx.ReadWrite), as any caller must.
	var rawRetries atomic.Int64
	raw := func(i int) error {
		ms := rows(i, seq[i].Add(1))
		for attempt := 0; ; attempt++ {
			_, err := db.Apply(ctx, ms)
			if err == nil || !lostTransaction(err) || attempt == 100 {
				return err
			}
			rawRetries.Add(1)
		}
	}
	// blind writes the same rows with one Commit (Apply at least once): no
	// transaction to lose, but no read either, so no last-writer-wins.
	blind := func(i int) error {
		_, err := db.Apply(ctx, rows(i, seq[i].Add(1)), spanner.ApplyAtLeastOnce())
		return err
	}

	// The phases alternate in short rounds, so both see the same machine
	// (the emulators share it with whatever else runs).
	var apiTime, rawTime, blindTime time.Duration
	var total, apiErrs, rawErrs, blindErrs int64
	const rounds = 5
	chunk := max(*progressReports/rounds, n)
	b.ResetTimer()
	for range b.N {
		for range rounds {
			d, errs := perLearner(n, chunk, report)
			apiTime, apiErrs = apiTime+d, apiErrs+errs
			d, errs = perLearner(n, chunk, raw)
			rawTime, rawErrs = rawTime+d, rawErrs+errs
			d, errs = perLearner(n, chunk, blind)
			blindTime, blindErrs = blindTime+d, blindErrs+errs
			total += int64(chunk)
		}
	}
	b.StopTimer()
	if apiErrs > 0 || rawErrs > 0 || blindErrs > 0 {
		b.Errorf("%d API reports, %d raw writes and %d blind writes failed", apiErrs, rawErrs, blindErrs)
	}
	apiRate, rawRate, blindRate := float64(total)/apiTime.Seconds(), float64(total)/rawTime.Seconds(), float64(total)/blindTime.Seconds()
	b.ReportMetric(apiRate, "api-reports/s")
	b.ReportMetric(rawRate, "raw-writes/s")
	b.ReportMetric(100*apiRate/rawRate, "%-of-raw")
	b.ReportMetric(blindRate, "raw-blind-writes/s")
	b.ReportMetric(float64(rawRetries.Load())/float64(total), "raw-retries/write")
	b.ReportMetric(0, "ns/op")
}

// lostTransaction reports whether err is the emulator losing a read-write
// transaction to another (it did not commit).
func lostTransaction(err error) bool {
	switch spanner.ErrCode(err) {
	case codes.NotFound, codes.FailedPrecondition, codes.Aborted:
		return strings.Contains(err.Error(), "ransaction")
	}
	return false
}

// perLearner runs total calls of fn over n goroutines, goroutine i calling
// fn(i) (one learner each), and returns the wall time and how many failed
// (the first few failures are logged).
func perLearner(n, total int, fn func(i int) error) (time.Duration, int64) {
	var next, failed atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(total) {
				if err := fn(i); err != nil {
					if failed.Add(1) <= 3 {
						fmt.Println("progress bench:", err)
					}
				}
			}
		}()
	}
	wg.Wait()
	return time.Since(start), failed.Load()
}
