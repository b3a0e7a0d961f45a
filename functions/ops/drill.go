package ops

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"cloud.google.com/go/pubsub/v2"
	"cloud.google.com/go/spanner"
	"cloud.google.com/go/spanner/admin/database/apiv1/databasepb"

	"github.com/kwipper/kwipper/functions"
	"github.com/kwipper/kwipper/functions/client"
	"github.com/kwipper/kwipper/shared/config"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/spanx"
)

// DrillOptions say how big a stack the recovery drill seeds and where.
type DrillOptions struct {
	// API is the base URL of the serving stack's public API.
	API string
	// Learners and Tutors size the seed (Tutors default: Learners/20, at
	// least 4). Every tutor has a published course (a text, a video and a
	// file item) and a draft; learners subscribe in turn as active, failed
	// (declined card), cancelled, refunded and cancelled at period end.
	Learners, Tutors int
	// Concurrency is how many learners are seeded at once (default 8).
	Concurrency int
	// Dir holds the export and the verification export (default: a new
	// temporary directory, removed after).
	Dir string
	// ReplayEvents is the restore's replay window (default 24h).
	ReplayEvents time.Duration
	// WritesAfter is how long writes go on after the export finished,
	// before the disaster (default 2s); ProbeEvery paces them (default
	// 100ms). The export starts once the first has been answered.
	WritesAfter, ProbeEvery time.Duration
	// DestroyProject must name cfg.Project when cfg is not the emulator:
	// the drill drops every service database of that project.
	DestroyProject string
	// Outage, when set, runs during while the serving stack is down (no
	// requests, no push deliveries) and then starts it again, as an
	// operator stops traffic for a restore; the restart counts in the RTO.
	// Without it the stack keeps serving and reconnects by itself.
	Outage func(ctx context.Context, during func() error) error
	// Timeout bounds each wait for an asynchronous effect (default 2m).
	Timeout time.Duration
}

// DrillReport is what a recovery drill measured.
type DrillReport struct {
	Project string
	// Seed: what was created through the API, and how long it took.
	Seed struct {
		Tutors, Learners, Courses, Published, Items int
		Subscriptions                               map[string]int // by final state
		Took                                        time.Duration
	}
	// Export of the seeded stack.
	ExportRows  int64
	ExportBytes int64
	// TableRows is the export's row count by database.table, to scale
	// the drill up on paper.
	TableRows  map[string]int64
	ExportTook time.Duration
	Snapshot   time.Time
	// ExportStarted is this machine's clock when the export began. A write
	// answered before it must be in the export (its strong read starts
	// after): Spanner's timestamps and this clock are not comparable to
	// the millisecond (the emulator's commit timestamps run up to ~150 ms
	// ahead of the host's clock under load), so "before" is judged by this
	// clock, "after" (sent after the snapshot's timestamp) by Spanner's.
	ExportStarted time.Time
	// RPO: writes made around the export, and what the restore brought
	// back of them.
	Writes struct {
		Before, BeforePresent   int // answered before the snapshot
		During, DuringPresent   int // in flight at the snapshot
		After, AfterPresent     int // sent after the snapshot
		Failed                  int // not answered with success
		LastLost                time.Time
		Destroyed               time.Time
		EventsReplayed          int64 // published within the replay window before the snapshot
		EventsPendingAtSnapshot int64 // not yet published at the snapshot
	}
	// RTO: from the databases dropped to the first successful request.
	Restore      RestoreReport
	RestoreTook  time.Duration // restore as a whole (create, migrate, check, load, replay)
	FirstRequest time.Duration // after the restore (and the restart, with an outage)
	RTO          time.Duration
	// Verification.
	Tables, TablesIdentical int
	Mismatches              []string
	Flows                   []DrillFlow
}

// DrillFlow is one user flow tried on the restored stack.
type DrillFlow struct {
	Name string
	Took time.Duration
	Err  error
}

// OK reports whether the restore reproduced every table and every flow
// worked.
func (r DrillReport) OK() bool {
	if r.Tables == 0 || r.TablesIdentical != r.Tables {
		return false
	}
	for _, f := range r.Flows {
		if f.Err != nil {
			return false
		}
	}
	return len(r.Flows) > 0 && r.Writes.BeforePresent == r.Writes.Before && r.Writes.AfterPresent == 0
}

// drillPassword is every drill user's password.
const drillPassword = "drill-recovery-2027"

// market is a service area and the currency its courses are priced in.
type market struct {
	Country, Currency string
	Amount            int64
}

var markets = []market{{"ID", "IDR", 9900000}, {"JP", "JPY", 1500}, {"PH", "PHP", 49900}, {"MX", "MXN", 19900}}

// Subscription outcomes the seed makes, in turn.
const (
	stateActive      = "active"
	stateFailed      = "failed"
	stateCancelled   = "cancelled"
	stateRefunded    = "refunded"
	statePeriodEnded = "cancel_at_period_end"
)

var seedStates = []string{stateActive, stateFailed, stateCancelled, stateRefunded, statePeriodEnded}

// CheckDestroy refuses a drill that would drop databases of a real
// project unless destroyProject names it: on the emulator anything goes.
func CheckDestroy(cfg config.Config, destroyProject string) error {
	if cfg.SpannerEmulatorHost != "" {
		return nil
	}
	if destroyProject == "" {
		return fmt.Errorf("drill: %s is a real Spanner project and the drill drops every service database in it: "+
			"name it with --destroy-project %s to go on (never a production project)", cfg.Project, cfg.Project)
	}
	if destroyProject != cfg.Project {
		return fmt.Errorf("drill: --destroy-project %s does not name the configured project %s: nothing done", destroyProject, cfg.Project)
	}
	return nil
}

// Drill rehearses a recovery on the stack serving opts.API (its databases
// in cfg's project): it seeds a realistic mix through the public API,
// exports every database while writes go on, drops the databases, restores
// the export with event replay, checks that the restored databases export
// to the same files and that the main flows work, and measures what was
// lost (RPO) and how long recovery took (RTO). It refuses to start on a
// real project unless opts.DestroyProject names it (CheckDestroy).
func Drill(ctx context.Context, cfg config.Config, opts DrillOptions, log *slog.Logger) (DrillReport, error) {
	r := DrillReport{Project: cfg.Project}
	if err := CheckDestroy(cfg, opts.DestroyProject); err != nil {
		return r, err
	}
	if opts.API == "" {
		return r, errors.New("drill: no API base URL")
	}
	opts.Learners = max(opts.Learners, len(seedStates))
	if opts.Tutors <= 0 {
		opts.Tutors = max(4, opts.Learners/20)
	}
	opts.Concurrency = cmp.Or(opts.Concurrency, 8)
	opts.ReplayEvents = cmp.Or(opts.ReplayEvents, 24*time.Hour)
	opts.WritesAfter = cmp.Or(opts.WritesAfter, 2*time.Second)
	opts.ProbeEvery = cmp.Or(opts.ProbeEvery, 100*time.Millisecond)
	opts.Timeout = cmp.Or(opts.Timeout, 2*time.Minute)
	if opts.Outage == nil {
		opts.Outage = func(_ context.Context, during func() error) error { return during() }
	}
	if opts.Dir == "" {
		dir, err := os.MkdirTemp("", "kwipper-drill-")
		if err != nil {
			return r, err
		}
		defer os.RemoveAll(dir)
		opts.Dir = dir
	}
	d := &drill{cfg: cfg, opts: opts, log: log, api: client.New(opts.API, opts.Timeout), run: runID()}
	ps, err := pubsub.NewClient(ctx, cfg.Project)
	if err != nil {
		return r, fmt.Errorf("drill: pubsub: %w", err)
	}
	defer ps.Close()
	d.ticks = &events.PubSub{Client: ps}
	defer d.ticks.Stop()
	stopTicks := d.tickEvery(ctx, time.Second)
	defer stopTicks()

	// 1. Seed.
	t := time.Now()
	seed, err := d.seed(ctx, &r)
	if err != nil {
		return r, fmt.Errorf("drill: seed: %w", err)
	}
	r.Seed.Took = time.Since(t)
	log.InfoContext(ctx, "drill: seeded", "learners", r.Seed.Learners, "tutors", r.Seed.Tutors, "took", r.Seed.Took.String())
	if err := d.settle(ctx); err != nil {
		return r, err
	}

	// 2. Export while a tutor keeps writing; the writes go on a while after
	// it, until the disaster.
	probe := d.startProbe(ctx, seed.probeTutor)
	// The export starts once a write has been answered, so some land
	// before the snapshot however slow the stack is.
	select {
	case <-probe.first:
	case <-time.After(opts.Timeout):
	}
	exportDir := filepath.Join(opts.Dir, "export")
	t = time.Now()
	r.ExportStarted = t
	m, err := Export(ctx, cfg, exportDir, log, nil)
	r.ExportTook = time.Since(t)
	if err != nil {
		probe.stop()
		return r, fmt.Errorf("drill: %w", err)
	}
	r.Snapshot = m.ReadTimestamp
	r.ExportRows, r.ExportBytes = manifestSize(m, exportDir)
	r.TableRows = map[string]int64{}
	for _, db := range m.Databases {
		for _, t := range db.Tables {
			r.TableRows[db.Name+"."+t.Name] = t.Rows
		}
	}
	time.Sleep(opts.WritesAfter)
	probe.stop()
	// What the writes after the snapshot published reaches its consumers
	// before the disaster, as it would have in production.
	if err := d.settle(ctx); err != nil {
		return r, err
	}

	// 3. Disaster and recovery.
	stopTicks()
	restoreAll := func() error {
		if err := dropDatabases(ctx, cfg); err != nil {
			return err
		}
		r.Writes.Destroyed = time.Now()
		log.InfoContext(ctx, "drill: every service database dropped", "project", cfg.Project)
		t := time.Now()
		err := Restore(ctx, cfg, exportDir, RestoreOptions{ReplayEvents: opts.ReplayEvents, Report: &r.Restore}, log)
		r.RestoreTook = time.Since(t)
		return err
	}
	if err := opts.Outage(ctx, restoreAll); err != nil {
		return r, fmt.Errorf("drill: recovery: %w", err)
	}
	restarted := time.Now()
	learner := d.api
	if err := d.eventually(ctx, "the first successful request (a seeded learner logs in and reads an active subscription)", func() error {
		tok, err := d.api.Login(ctx, seed.active.email, drillPassword)
		if err != nil {
			return err
		}
		learner = d.api.As(tok)
		var s subscriptionView
		if err := learner.Call(ctx, "GET", "/v1/subscriptions/"+seed.active.subscription, nil, &s); err != nil {
			return err
		}
		if s.Status != "active" {
			return fmt.Errorf("subscription %s is %s", s.ID, s.Status)
		}
		return nil
	}); err != nil {
		return r, err
	}
	r.FirstRequest = time.Since(restarted)
	r.RTO = time.Since(r.Writes.Destroyed)
	stopTicks = d.tickEvery(ctx, time.Second)
	defer stopTicks()
	log.InfoContext(ctx, "drill: serving again", "rto", r.RTO.String())

	// 4. Verify: the same files, what the restore kept and lost, the flows.
	again, err := exportAt(ctx, cfg, filepath.Join(opts.Dir, "verify"), r.Restore.LoadedAt, log, nil)
	if err != nil {
		return r, fmt.Errorf("drill: verification export: %w", err)
	}
	r.Tables, r.TablesIdentical, r.Mismatches = compareExports(m, again)
	for _, n := range r.Restore.Replayed {
		r.Writes.EventsReplayed += n
	}
	// The restored databases as loaded are the snapshot.
	if r.Writes.EventsPendingAtSnapshot, err = pendingEvents(ctx, cfg, r.Restore.LoadedAt); err != nil {
		return r, err
	}
	if err := d.classifyProbe(ctx, probe, &r); err != nil {
		return r, err
	}
	r.Flows = d.flows(ctx, seed, learner)
	if !r.OK() {
		return r, fmt.Errorf("drill: the recovery did not hold (see the report)")
	}
	return r, nil
}

// drill is one run's state.
type drill struct {
	cfg   config.Config
	opts  DrillOptions
	log   *slog.Logger
	api   *client.Client
	run   string
	ticks *events.PubSub
}

func runID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// tickEvery publishes outbox ticks as Cloud Scheduler does (relays, saga
// sweeper) until the returned function is called.
func (d *drill) tickEvery(ctx context.Context, every time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-t.C:
				ev, _ := events.New(events.OutboxTick, "scheduler.tick", map[string]time.Time{"time": now.UTC()})
				if err := d.ticks.Publish(ctx, ev); err != nil && ctx.Err() == nil {
					d.log.WarnContext(ctx, "drill: tick failed", "err", err.Error())
				}
			}
		}
	}()
	var once sync.Once
	return func() { once.Do(func() { cancel(); wg.Wait() }) }
}

// eventually retries fn until it succeeds or the drill's timeout passes.
func (d *drill) eventually(ctx context.Context, what string, fn func() error) error {
	deadline := time.Now().Add(d.opts.Timeout)
	for {
		err := fn()
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("drill: %s did not happen within %s: %w", what, d.opts.Timeout, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// seeded is what the flows after the restore need of the seed.
type seeded struct {
	active struct {
		email, subscription, course, textItem, textBody string
	}
	tutor      struct{ email, course string }
	probeTutor string // token of the tutor who writes during the export
}

// seedUser is a seeded learner's plan and outcome.
type seedUser struct {
	email, state, course, subscription string
}

// seed creates tutors, their courses and items, and learners with a
// subscription each through the API.
func (d *drill) seed(ctx context.Context, r *DrillReport) (*seeded, error) {
	var s seeded
	type tutorCourse struct {
		id, textItem, textBody string
	}
	published := make([]tutorCourse, d.opts.Tutors)
	var tutorEmail string
	err := parallel(ctx, min(d.opts.Concurrency, d.opts.Tutors), d.opts.Tutors, startOver(func(i, attempt int) error {
		mk := markets[i%len(markets)]
		email := fmt.Sprintf("tutor-%d-%d@%s.drill.test", i, attempt, d.run)
		_, tok, err := d.api.Register(ctx, email, drillPassword, fmt.Sprintf("Drill tutor %d (%s)", i, mk.Country), mk.Country, "tutor")
		if err != nil {
			return err
		}
		tutor := d.api.As(tok)
		for _, draft := range []bool{false, true} {
			var c struct {
				ID string `json:"id"`
			}
			if err := tutor.Call(ctx, "POST", "/v1/courses", map[string]any{
				"title": fmt.Sprintf("Course %d of %s (%s)", i, mk.Country, map[bool]string{true: "draft", false: "live"}[draft]), "description": "A drill course.",
				"price": map[string]any{"amount": mk.Amount, "currency": mk.Currency}, "billing_interval": []string{"month", "year"}[i%2],
			}, &c); err != nil {
				return err
			}
			kinds := []string{"text", "video", "file"}
			if draft {
				kinds = kinds[:1]
			}
			for _, kind := range kinds {
				item := map[string]any{"kind": kind, "title": fmt.Sprintf("%s lesson of course %d", kind, i)}
				body := fmt.Sprintf("Lesson text of course %d: ¡Hola! こんにちは Selamat pagi.", i)
				if kind == "text" {
					item["body"] = body
				}
				var it itemView
				if err := tutor.Call(ctx, "POST", "/v1/courses/"+c.ID+"/items", item, &it); err != nil {
					return err
				}
				if kind == "text" && !draft {
					published[i] = tutorCourse{id: c.ID, textItem: it.ID, textBody: body}
				}
				// A course publishes only once its media is ready.
				if ct, name, body, ok := client.Placeholder(kind); ok {
					if _, err := tutor.UploadMedia(ctx, c.ID, it.ID, ct, name, body); err != nil {
						return err
					}
				}
			}
			if !draft {
				if err := tutor.Publish(ctx, c.ID); err != nil {
					return err
				}
			}
		}
		if i == 0 {
			tutorEmail = email
		}
		return nil
	}))
	if err != nil {
		return nil, err
	}
	r.Seed.Tutors, r.Seed.Courses, r.Seed.Published, r.Seed.Items = d.opts.Tutors, 2*d.opts.Tutors, d.opts.Tutors, 4*d.opts.Tutors
	s.tutor.email, s.tutor.course = tutorEmail, published[0].id

	users := make([]seedUser, d.opts.Learners)
	err = parallel(ctx, d.opts.Concurrency, d.opts.Learners, startOver(func(j, attempt int) error {
		mk := markets[j%len(markets)]
		u := &users[j]
		u.email, u.state = fmt.Sprintf("learner-%d-%d@%s.drill.test", j, attempt, d.run), seedStates[j%len(seedStates)]
		u.course = published[j%len(published)].id
		_, tok, err := d.api.Register(ctx, u.email, drillPassword, fmt.Sprintf("Drill learner %d", j), mk.Country, "learner")
		if err != nil {
			return err
		}
		learner := d.api.As(tok)
		card := "pm_card_visa"
		if u.state == stateFailed {
			card = "pm_card_chargeDeclined"
		}
		if err := learner.Call(ctx, "POST", "/v1/billing/payment-methods", map[string]string{"payment_method_id": card}, nil); err != nil {
			return err
		}
		var sub subscriptionView
		if err := learner.Call(ctx, "POST", "/v1/subscriptions", map[string]string{"course_id": u.course}, &sub); err != nil {
			return err
		}
		u.subscription = sub.ID
		want := map[string]string{stateFailed: "failed"}[u.state]
		if want == "" {
			want = "active"
		}
		if err := d.waitStatus(ctx, learner, sub.ID, want, nil); err != nil {
			return err
		}
		switch u.state {
		case stateCancelled:
			if err := learner.Call(ctx, "POST", "/v1/subscriptions/"+sub.ID+"/cancel", nil, nil); err != nil {
				return err
			}
			return d.waitStatus(ctx, learner, sub.ID, "ended", nil)
		case stateRefunded:
			// The charge the refund undoes is recorded a moment after the
			// subscription turns active: until then the answer is 409.
			if err := d.eventually(ctx, "refund of "+sub.ID+" accepted", func() error {
				err := learner.Call(ctx, "POST", "/v1/subscriptions/"+sub.ID+"/refund", nil, nil)
				var ae *client.APIError
				if errors.As(err, &ae) && ae.Status == http.StatusConflict {
					var s subscriptionView
					if learner.Call(ctx, "GET", "/v1/subscriptions/"+sub.ID, nil, &s) == nil && (s.Status == "refunding" || s.Status == "ended") {
						return nil
					}
				}
				return err
			}); err != nil {
				return err
			}
			return d.waitStatus(ctx, learner, sub.ID, "ended", func(s subscriptionView) bool { return s.ReasonCode == "refunded" })
		case statePeriodEnded:
			if err := learner.Call(ctx, "POST", "/v1/subscriptions/"+sub.ID+"/cancel-at-period-end", nil, nil); err != nil {
				return err
			}
			return d.waitStatus(ctx, learner, sub.ID, "active", func(s subscriptionView) bool { return s.CancelAtPeriodEnd })
		}
		return nil
	}))
	if err != nil {
		return nil, err
	}
	// The tutor who writes during the export, last, so its token is fresh.
	_, probeTok, err := d.api.Register(ctx, fmt.Sprintf("probe-tutor@%s.drill.test", d.run), drillPassword, "Drill probe tutor", "JP", "tutor")
	if err != nil {
		return nil, err
	}
	s.probeTutor = probeTok
	r.Seed.Learners = d.opts.Learners
	r.Seed.Subscriptions = map[string]int{}
	for _, u := range users {
		r.Seed.Subscriptions[u.state]++
	}
	a := users[slices.IndexFunc(users, func(u seedUser) bool { return u.state == stateActive })]
	i := slices.IndexFunc(published, func(c tutorCourse) bool { return c.id == a.course })
	s.active.email, s.active.subscription, s.active.course = a.email, a.subscription, a.course
	s.active.textItem, s.active.textBody = published[i].textItem, published[i].textBody
	return &s, nil
}

// waitStatus waits until subscription id has status want (and ok, when
// given).
func (d *drill) waitStatus(ctx context.Context, c *client.Client, id, want string, ok func(subscriptionView) bool) error {
	return d.eventually(ctx, "subscription "+id+" "+want, func() error {
		var s subscriptionView
		if err := c.Call(ctx, "GET", "/v1/subscriptions/"+id, nil, &s); err != nil {
			return err
		}
		if s.Status != want || (ok != nil && !ok(s)) {
			if want != "failed" && s.Status == "failed" {
				return fmt.Errorf("subscription %s failed: %s", id, s.ReasonCode)
			}
			return fmt.Errorf("subscription %s is %s (cancel at period end: %t)", id, s.Status, s.CancelAtPeriodEnd)
		}
		return nil
	})
}

// startOver runs a seeding step (a tutor, a learner) again, with fresh
// names, when the API answered 500: the emulator sometimes reports a
// transaction it aborted as an internal error, and a retried POST could
// then meet its own first attempt. What the failed attempt wrote stays, as
// stray data would in production.
func startOver(fn func(i, attempt int) error) func(i int) error {
	return func(i int) error {
		for attempt := 0; ; attempt++ {
			err := fn(i, attempt)
			var ae *client.APIError
			if err == nil || attempt == 2 || !errors.As(err, &ae) || ae.Status != http.StatusInternalServerError {
				return err
			}
		}
	}
}

// parallel runs fn(0..n-1) on workers goroutines; the first error stops
// the rest.
func parallel(ctx context.Context, workers, n int, fn func(i int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(1, workers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if ctx.Err() != nil {
					continue
				}
				if err := fn(i); err != nil {
					cancel(err)
				}
			}
		}()
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	return context.Cause(ctx)
}

// settle waits until no service database has an event left to publish and
// no saga is open, so nothing is in flight when the drill moves on.
func (d *drill) settle(ctx context.Context) error {
	clients, closeAll, err := openAll(ctx, d.cfg)
	if err != nil {
		return err
	}
	defer closeAll()
	err = d.eventually(ctx, "every event published and every saga finished", func() error {
		for name, c := range clients {
			n, err := spanx.Column[int64](c.Single().Query(ctx, spanner.Statement{SQL: "SELECT COUNT(*) FROM Outbox WHERE Pending = TRUE"}))
			if err != nil {
				return err
			}
			if n[0] > 0 {
				return fmt.Errorf("%s has %d events to publish", name, n[0])
			}
		}
		if c, ok := clients["subscriptions"]; ok {
			n, err := spanx.Column[int64](c.Single().Query(ctx, spanner.Statement{SQL: "SELECT COUNT(*) FROM Sagas WHERE Open = TRUE"}))
			if err != nil {
				return err
			}
			if n[0] > 0 {
				return fmt.Errorf("%d sagas are open", n[0])
			}
		}
		return nil
	})
	// Deliveries of what was just published.
	time.Sleep(time.Second)
	return err
}

// openAll opens a client per service database, by database name.
func openAll(ctx context.Context, cfg config.Config) (map[string]*spanner.Client, func(), error) {
	clients := map[string]*spanner.Client{}
	closeAll := func() {
		for _, c := range clients {
			c.Close()
		}
	}
	for _, p := range functions.WithDatabases() {
		c, err := spanx.Open(ctx, spanx.DatabasePath(cfg.Project, cfg.SpannerInstance, p.Database))
		if err != nil {
			closeAll()
			return nil, nil, err
		}
		clients[p.Database] = c
	}
	return clients, closeAll, nil
}

// pendingEvents counts the events no relay had published at ts.
func pendingEvents(ctx context.Context, cfg config.Config, ts time.Time) (int64, error) {
	clients, closeAll, err := openAll(ctx, cfg)
	if err != nil {
		return 0, err
	}
	defer closeAll()
	total := int64(0)
	for _, c := range clients {
		n, err := spanx.Column[int64](c.Single().WithTimestampBound(spanner.ReadTimestamp(ts)).Query(ctx,
			spanner.Statement{SQL: "SELECT COUNT(*) FROM Outbox WHERE Pending = TRUE"}))
		if err != nil {
			return 0, fmt.Errorf("drill: pending events: %w", err)
		}
		total += n[0]
	}
	return total, nil
}

// dropDatabases drops every service database of cfg's project: the
// disaster. CheckDestroy has passed.
func dropDatabases(ctx context.Context, cfg config.Config) error {
	admin, err := spanx.NewAdmin(ctx)
	if err != nil {
		return err
	}
	defer admin.Close()
	for _, p := range functions.WithDatabases() {
		path := spanx.DatabasePath(cfg.Project, cfg.SpannerInstance, p.Database)
		if err := admin.DB.DropDatabase(ctx, &databasepb.DropDatabaseRequest{Database: path}); err != nil {
			return fmt.Errorf("drop %s: %w", path, err)
		}
	}
	return nil
}

// manifestSize is an export's rows and bytes.
func manifestSize(m Manifest, dir string) (rows, bytes int64) {
	for _, d := range m.Databases {
		for _, t := range d.Tables {
			rows += t.Rows
			if st, err := os.Stat(filepath.Join(dir, t.File)); err == nil {
				bytes += st.Size()
			}
		}
	}
	return rows, bytes
}

// compareExports compares two exports table by table (rows and SHA-256).
func compareExports(want, got Manifest) (tables, identical int, mismatches []string) {
	gotTables := map[string]string{}
	for _, d := range got.Databases {
		for _, t := range d.Tables {
			gotTables[t.File] = fmt.Sprintf("%d rows %s", t.Rows, t.SHA256)
		}
	}
	for _, d := range want.Databases {
		for _, t := range d.Tables {
			tables++
			w := fmt.Sprintf("%d rows %s", t.Rows, t.SHA256)
			if g := gotTables[t.File]; g == w {
				identical++
			} else {
				mismatches = append(mismatches, fmt.Sprintf("%s: restored %s, exported %s", t.File, cmp.Or(g, "nothing"), w))
			}
		}
	}
	return tables, identical, mismatches
}

// probeWrite is one write made around the export: an item a tutor added.
type probeWrite struct {
	course, item string
	sent, done   time.Time
	ok           bool
}

// probe writes items at a steady pace until stopped.
type probe struct {
	mu     sync.Mutex
	writes []probeWrite
	stop   func()
	first  chan struct{} // closed once a write succeeded
}

// startProbe has the probe tutor add an item every ProbeEvery (a new draft
// course every 90 items) until stop is called.
func (d *drill) startProbe(ctx context.Context, token string) *probe {
	p := &probe{first: make(chan struct{})}
	var firstOnce sync.Once
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	p.stop = func() { cancel(); <-done }
	tutor := d.api.As(token)
	go func() {
		defer close(done)
		course, n := "", 0
		for i := 0; ctx.Err() == nil; i++ {
			if course == "" || n == 90 {
				var c struct {
					ID string `json:"id"`
				}
				if err := tutor.Call(ctx, "POST", "/v1/courses", map[string]any{"title": fmt.Sprintf("Probe %d", i), "description": "Writes around the export.",
					"price": map[string]any{"amount": 1500, "currency": "JPY"}, "billing_interval": "month"}, &c); err != nil {
					if ctx.Err() == nil {
						d.log.WarnContext(ctx, "drill: probe course", "err", err.Error())
						time.Sleep(d.opts.ProbeEvery)
					}
					continue
				}
				course, n = c.ID, 0
			}
			w := probeWrite{course: course, sent: time.Now()}
			var it itemView
			err := tutor.Call(context.WithoutCancel(ctx), "POST", "/v1/courses/"+course+"/items", map[string]any{"kind": "text", "title": fmt.Sprintf("Probe write %d", i), "body": "x"}, &it)
			w.done, w.ok, w.item = time.Now(), err == nil, it.ID
			n++
			p.mu.Lock()
			p.writes = append(p.writes, w)
			p.mu.Unlock()
			if w.ok {
				firstOnce.Do(func() { close(p.first) })
			}
			select {
			case <-ctx.Done():
			case <-time.After(d.opts.ProbeEvery):
			}
		}
	}()
	return p
}

// classifyProbe reads back, on the restored stack, which probe writes
// survived: every write answered before the snapshot must, none sent
// after it may.
func (d *drill) classifyProbe(ctx context.Context, p *probe, r *DrillReport) error {
	present := map[string]bool{}
	courses := map[string]bool{}
	for _, w := range p.writes {
		courses[w.course] = true
	}
	var tok string
	if err := d.eventually(ctx, "the probe tutor logs in", func() (err error) {
		tok, err = d.api.Login(ctx, fmt.Sprintf("probe-tutor@%s.drill.test", d.run), drillPassword)
		return err
	}); err != nil {
		return err
	}
	tutor := d.api.As(tok)
	for c := range courses {
		items, err := items(ctx, tutor, c)
		var ae *client.APIError
		if errors.As(err, &ae) && ae.Status == 404 {
			continue // the course itself was written after the snapshot
		}
		if err != nil {
			return fmt.Errorf("drill: probe course %s: %w", c, err)
		}
		for _, it := range items {
			present[it.ID] = true
		}
	}
	w := &r.Writes
	for _, pw := range p.writes {
		switch {
		case !pw.ok:
			w.Failed++
		case pw.done.Before(r.ExportStarted):
			w.Before++
			if present[pw.item] {
				w.BeforePresent++
			}
		case pw.sent.After(r.Snapshot):
			w.After++
			if present[pw.item] {
				w.AfterPresent++
			} else if pw.done.After(w.LastLost) {
				w.LastLost = pw.done
			}
		default:
			w.During++
			if present[pw.item] {
				w.DuringPresent++
			}
		}
	}
	return nil
}

// flows tries the main user flows on the restored stack.
func (d *drill) flows(ctx context.Context, s *seeded, learner *client.Client) []DrillFlow {
	var out []DrillFlow
	try := func(name string, fn func() error) {
		t := time.Now()
		err := fn()
		out = append(out, DrillFlow{Name: name, Took: time.Since(t), Err: err})
	}
	try("a seeded learner reads the course's text (course and content)", func() error {
		return d.eventually(ctx, "the learner reads the text", func() error {
			items, err := items(ctx, learner, s.active.course)
			if err != nil {
				return err
			}
			i := slices.IndexFunc(items, func(it itemView) bool { return it.ID == s.active.textItem })
			if i < 0 || items[i].Body != s.active.textBody {
				return fmt.Errorf("item %s shows no body to its subscriber", s.active.textItem)
			}
			var c struct {
				Body string `json:"body"`
			}
			if err := learner.Call(ctx, "GET", "/v1/courses/"+s.active.course+"/items/"+s.active.textItem+"/content", nil, &c); err != nil {
				return err
			}
			if c.Body != s.active.textBody {
				return fmt.Errorf("content of %s: %q", s.active.textItem, c.Body)
			}
			return nil
		})
	})
	try("a new learner subscribes (saga to active)", func() error {
		return startOver(func(_, attempt int) error {
			_, tok, err := d.api.Register(ctx, fmt.Sprintf("after-restore-%d@%s.drill.test", attempt, d.run), drillPassword, "Learner after the restore", "MX", "learner")
			if err != nil {
				return err
			}
			c := d.api.As(tok)
			if err := c.Call(ctx, "POST", "/v1/billing/payment-methods", map[string]string{"payment_method_id": "pm_card_visa"}, nil); err != nil {
				return err
			}
			var sub subscriptionView
			if err := c.Call(ctx, "POST", "/v1/subscriptions", map[string]string{"course_id": s.tutor.course}, &sub); err != nil {
				return err
			}
			return d.waitStatus(ctx, c, sub.ID, "active", nil)
		})(0)
	})
	try("a tutor publishes a new item", func() error {
		tok, err := d.api.Login(ctx, s.tutor.email, drillPassword)
		if err != nil {
			return err
		}
		tutor := d.api.As(tok)
		var it itemView
		if err := tutor.Call(ctx, "POST", "/v1/courses/"+s.tutor.course+"/items", map[string]any{"kind": "text", "title": "Written after the restore", "body": "Still here."}, &it); err != nil {
			return err
		}
		items, err := items(ctx, d.api, s.tutor.course)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(items, func(x itemView) bool { return x.ID == it.ID }) {
			return fmt.Errorf("the catalog does not list item %s", it.ID)
		}
		return nil
	})
	return out
}

// Table is the report as a table for people.
func (r DrillReport) Table() string {
	var b strings.Builder
	row := func(k, v string, args ...any) { fmt.Fprintf(&b, "  %-52s %s\n", k, fmt.Sprintf(v, args...)) }
	secs := func(d time.Duration) string { return fmt.Sprintf("%.2f s", d.Seconds()) }
	rate := func(n int64, d time.Duration) string {
		if d <= 0 {
			return "-"
		}
		return fmt.Sprintf("%.0f rows/s", float64(n)/d.Seconds())
	}
	fmt.Fprintf(&b, "Recovery drill of project %s\n", r.Project)
	fmt.Fprintf(&b, "Seed (through the public API)\n")
	row("tutors / learners", "%d / %d", r.Seed.Tutors, r.Seed.Learners)
	row("courses (published) / items", "%d (%d) / %d", r.Seed.Courses, r.Seed.Published, r.Seed.Items)
	states := []string{}
	for _, s := range seedStates {
		states = append(states, fmt.Sprintf("%s %d", s, r.Seed.Subscriptions[s]))
	}
	row("subscriptions", "%s", strings.Join(states, ", "))
	row("took", "%s", secs(r.Seed.Took))
	fmt.Fprintf(&b, "Export\n")
	row("rows / bytes", "%d / %d", r.ExportRows, r.ExportBytes)
	row("took", "%s (%s)", secs(r.ExportTook), rate(r.ExportRows, r.ExportTook))
	row("snapshot", "%s", r.Snapshot.UTC().Format(time.RFC3339Nano))
	for _, p := range functions.WithDatabases() {
		var parts []string
		for _, t := range slices.Sorted(maps.Keys(r.TableRows)) {
			if name, ok := strings.CutPrefix(t, p.Database+"."); ok && r.TableRows[t] > 0 {
				parts = append(parts, fmt.Sprintf("%s %d", name, r.TableRows[t]))
			}
		}
		row("  rows in "+p.Database, "%s", strings.Join(parts, ", "))
	}
	fmt.Fprintf(&b, "RPO (what the export missed)\n")
	w := r.Writes
	row("writes answered before the snapshot: restored", "%d of %d", w.BeforePresent, w.Before)
	row("writes in flight at the snapshot: restored", "%d of %d", w.DuringPresent, w.During)
	row("writes sent after the snapshot: lost", "%d of %d", w.After-w.AfterPresent, w.After)
	row("writes that failed", "%d", w.Failed)
	row("loss window (snapshot to disaster)", "%s", secs(w.Destroyed.Sub(r.Snapshot)))
	if !w.LastLost.IsZero() {
		row("last lost write after the snapshot", "%s", secs(w.LastLost.Sub(r.Snapshot)))
	}
	row("events replayed from the outbox (replay window)", "%d", w.EventsReplayed)
	row("events not yet published at the snapshot", "%d", w.EventsPendingAtSnapshot)
	fmt.Fprintf(&b, "RTO (databases dropped to first successful request)\n")
	row("create + migrate databases", "%s", secs(r.Restore.Migrate))
	row("check files + load rows", "%s (%s)", secs(r.Restore.Load), rate(r.Restore.Rows, r.Restore.Load))
	row("mark events for replay", "%s", secs(r.Restore.Replay))
	row("restore as a whole", "%s (%s)", secs(r.RestoreTook), rate(r.Restore.Rows, r.RestoreTook))
	row("restart + first successful request", "%s", secs(r.FirstRequest))
	row("RTO", "%s", secs(r.RTO))
	fmt.Fprintf(&b, "Verification\n")
	row("tables identical after restore (rows + SHA-256)", "%d of %d", r.TablesIdentical, r.Tables)
	for _, m := range r.Mismatches {
		row("  differs", "%s", m)
	}
	for _, f := range r.Flows {
		res := "ok"
		if f.Err != nil {
			res = "FAILED: " + f.Err.Error()
		}
		row(f.Name, "%s (%s)", res, secs(f.Took))
	}
	return b.String()
}
