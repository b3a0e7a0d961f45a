package events_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"cloud.google.com/go/pubsub/v2"
	"cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"
	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/shared/devstack/testenv"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/saga"
	"github.com/kwipper/kwipper/shared/spanx"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func schema(t *testing.T) []spanx.Migration {
	t.Helper()
	ms, err := events.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// flaky fails its first n publishes, then delegates.
type flaky struct {
	next  events.Publisher
	fails atomic.Int32
	calls atomic.Int32
}

func (f *flaky) Publish(ctx context.Context, e events.Event) error {
	f.calls.Add(1)
	if f.fails.Add(-1) >= 0 {
		return errors.New("injected publish failure")
	}
	return f.next.Publish(ctx, e)
}

func TestOutbox_eventReachesSubscriptionOnce_whenFirstPublishFailsAndRelayRunsTwice(t *testing.T) {
	ctx := context.Background()
	db, _ := testenv.Database(t, schema(t))
	ps := testenv.PubSub(t)
	topic, subID := testenv.Unique("outbox"), testenv.Unique("outbox-sub")
	if err := events.EnsureTopic(ctx, ps, topic); err != nil {
		t.Fatal(err)
	}
	if _, err := ps.SubscriptionAdminClient.CreateSubscription(ctx, &pubsubpb.Subscription{
		Name: "projects/" + testenv.Project + "/subscriptions/" + subID, Topic: events.TopicName(testenv.Project, topic),
		AckDeadlineSeconds: 10}); err != nil {
		t.Fatal(err)
	}
	real := &events.PubSub{Client: ps}
	defer real.Stop()
	pub := &flaky{next: real}
	pub.fails.Store(1)
	ob := &events.Outbox{DB: db, Publisher: pub}

	ev, err := events.New(topic, "thing.happened", map[string]string{"hello": "world"})
	if err != nil {
		t.Fatal(err)
	}
	if err := spanx.ReadWrite(ctx, db, func(ctx context.Context, tx *spanx.Tx) error {
		return ob.Add(ctx, tx, ev)
	}); err != nil {
		t.Fatal(err)
	}
	if got := pub.calls.Load(); got != 1 {
		t.Fatalf("publish after commit: %d calls, want 1", got)
	}

	// Two relays at once, then one more: the event is published exactly once.
	var wg sync.WaitGroup
	var total atomic.Int32
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := ob.Sweep(ctx, 100)
			if err != nil {
				t.Errorf("sweep: %v", err)
			}
			total.Add(int32(n))
		}()
	}
	wg.Wait()
	n, err := ob.Sweep(ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	if got := total.Load() + int32(n); got != 1 {
		t.Fatalf("relays published %d events, want 1", got)
	}

	var received []*pubsub.Message
	var mu sync.Mutex
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	err = ps.Subscriber(subID).Receive(rctx, func(_ context.Context, m *pubsub.Message) {
		mu.Lock()
		received = append(received, m)
		mu.Unlock()
		m.Ack()
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(received) != 1 {
		t.Fatalf("subscription received %d messages, want exactly 1", len(received))
	}
	m := received[0]
	if m.Attributes[events.AttrEventID] != ev.ID || m.Attributes[events.AttrType] != "thing.happened" || string(m.Data) != `{"hello":"world"}` {
		t.Fatalf("unexpected message: %v %s", m.Attributes, m.Data)
	}
}

// A commit's events are published by the committing process under the lease
// the row is born with: one transaction after the commit (the mark), no
// claim. Should the process die before publishing, no relay takes the row
// while the lease runs; once it lapses the relay publishes it.
func TestOutbox_rowBornLeasedIsRelayedOnlyAfterItsLease(t *testing.T) {
	ctx := context.Background()
	db, _ := testenv.Database(t, schema(t))
	rec := &events.Recorder{}
	now := time.Now()
	clock := func() time.Time { return now }
	ob := &events.Outbox{DB: db, Publisher: rec, Lease: time.Minute, Now: clock}

	ev, _ := events.New("t", "a.b", map[string]int{"n": 1})
	if err := spanx.ReadWrite(ctx, db, func(ctx context.Context, tx *spanx.Tx) error { return ob.Add(ctx, tx, ev) }); err != nil {
		t.Fatal(err)
	}
	if len(rec.Events("a.b")) != 1 {
		t.Fatalf("published %d after commit, want 1", len(rec.Events("a.b")))
	}

	// A process that dies after its commit: the row stays pending and leased.
	died, _ := events.New("t", "a.died", map[string]int{"n": 2})
	if err := spanx.ReadWrite(ctx, db, func(ctx context.Context, tx *spanx.Tx) error {
		return (&events.Outbox{DB: db, Publisher: rec, Lease: time.Minute, Now: clock}).Add(ctx, &spanx.Tx{ReadWriteTransaction: tx.ReadWriteTransaction}, died)
	}); err != nil {
		t.Fatal(err)
	}
	if n, err := ob.Sweep(ctx, 10); err != nil || n != 0 {
		t.Fatalf("sweep within the lease published %d (%v), want 0", n, err)
	}
	now = now.Add(time.Minute + time.Second)
	if n, err := ob.Sweep(ctx, 10); err != nil || n != 1 || len(rec.Events("a.died")) != 1 {
		t.Fatalf("sweep after the lease published %d (%v), want the dead process's event once", n, err)
	}
}

// Deliveries that run at once share their mark transactions (group commit):
// every event is published once and none is left pending for the relay.
func TestOutbox_concurrentCommitsAllMarkedPublished(t *testing.T) {
	ctx := context.Background()
	db, path := testenv.Database(t, schema(t))
	rec := &events.Recorder{}
	ob := &events.Outbox{DB: db, Publisher: rec}
	before := spanx.Commits()[path[strings.LastIndexByte(path, '/')+1:]]
	const n = 30
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ev, _ := events.New("t", "many", map[string]int{"i": i})
			if err := spanx.ReadWrite(ctx, db, func(ctx context.Context, tx *spanx.Tx) error { return ob.Add(ctx, tx, ev) }); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got := len(rec.Events("many")); got != n {
		t.Fatalf("published %d, want %d", got, n)
	}
	pending, err := spanx.Column[int64](db.Single().Query(ctx, spanner.Statement{SQL: "SELECT COUNT(*) FROM Outbox WHERE Pending = TRUE"}))
	if err != nil || pending[0] != 0 {
		t.Fatalf("%v events left pending (%v)", pending, err)
	}
	marks := spanx.Commits()[path[strings.LastIndexByte(path, '/')+1:]] - before - n
	t.Logf("%d commits with events took %d mark transactions", n, marks)
	if marks < 1 || marks > n {
		t.Fatalf("%d mark transactions for %d deliveries", marks, n)
	}
}

func TestOnce_runsEffectOncePerEvent(t *testing.T) {
	ctx := context.Background()
	db, _ := testenv.Database(t, schema(t))
	runs := 0
	for i := range 3 {
		ran, err := events.Once(ctx, db, "test-consumer", "event-1", func(context.Context, *spanx.Tx) error {
			runs++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if ran != (i == 0) {
			t.Fatalf("delivery %d: ran=%v", i+1, ran)
		}
	}
	if runs != 1 {
		t.Fatalf("effect ran %d times, want 1", runs)
	}
	// A failing effect is not recorded, so a redelivery runs it again.
	boom := errors.New("boom")
	if _, err := events.Once(ctx, db, "test-consumer", "event-2", func(context.Context, *spanx.Tx) error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	ran, err := events.Once(ctx, db, "test-consumer", "event-2", func(context.Context, *spanx.Tx) error { return nil })
	if err != nil || !ran {
		t.Fatalf("retry after failure: ran=%v err=%v", ran, err)
	}
}

// A service's migrations come after the platform's base and before its
// retention, in version order; a service may not take the platform's
// numbers. The retention applies on Spanner (the emulator included).
func TestServiceMigrations(t *testing.T) {
	svc := fstest.MapFS{
		"migrations/0002_b.sql": {Data: []byte("CREATE TABLE B (Id STRING(36) NOT NULL) PRIMARY KEY (Id);")},
		"migrations/0001_a.sql": {Data: []byte("CREATE TABLE A (Id STRING(36) NOT NULL) PRIMARY KEY (Id);")},
	}
	ms, err := spanx.ServiceMigrations(svc, events.Migrations)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range ms {
		got = append(got, fmt.Sprintf("%04d_%s", m.Version, m.Name))
	}
	if want := "0000_events 0001_a 0002_b 9001_event_retention"; strings.Join(got, " ") != want {
		t.Fatalf("migrations %v, want %s", got, want)
	}
	db, _ := testenv.Database(t, ms)
	policies, err := spanx.Column[string](db.Single().Query(context.Background(), spanner.Statement{SQL: `SELECT TABLE_NAME
		FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = '' AND ROW_DELETION_POLICY_EXPRESSION IS NOT NULL ORDER BY TABLE_NAME`}))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(policies, " ") != "Outbox ProcessedEvents" {
		t.Fatalf("tables with a row deletion policy: %v", policies)
	}
	for _, bad := range []string{"migrations/9001_mine.sql", "migrations/0000_mine.sql"} {
		fs := fstest.MapFS{bad: {Data: []byte("SELECT 1")}}
		if _, err := spanx.ServiceMigrations(fs, events.Migrations); err == nil || !strings.Contains(err.Error(), "platform") {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

// A saga participant's database gets SagaSteps from the platform's 9002,
// which is a no-op on a database whose own migration created the table
// before it moved to the platform.
func TestSagaMigration_noOpWhereTheTableExists(t *testing.T) {
	old := fstest.MapFS{"migrations/0001_steps.sql": {Data: []byte(`CREATE TABLE SagaSteps (
  SagaId STRING(36) NOT NULL, Step STRING(40) NOT NULL, Kind STRING(8) NOT NULL,
  Reply BYTES(MAX) NOT NULL, ProcessedAt TIMESTAMP NOT NULL OPTIONS (allow_commit_timestamp=true),
) PRIMARY KEY (SagaId, Step, Kind)`)}}
	fresh := fstest.MapFS{"migrations/0001_none.sql": {Data: []byte("CREATE TABLE A (Id STRING(36) NOT NULL) PRIMARY KEY (Id)")}}
	for name, files := range map[string]fstest.MapFS{"existing_table": old, "fresh": fresh} {
		ms, err := spanx.ServiceMigrations(files, events.Migrations, saga.Migrations)
		if err != nil {
			t.Fatal(err)
		}
		db, _ := testenv.Database(t, ms)
		tables, err := spanx.Column[string](db.Single().Query(context.Background(), spanner.Statement{SQL: `SELECT TABLE_NAME
			FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = '' AND TABLE_NAME = 'SagaSteps'`}))
		if err != nil || len(tables) != 1 {
			t.Fatalf("%s: SagaSteps tables %v, %v", name, tables, err)
		}
	}
}
