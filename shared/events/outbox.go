package events

import (
	"context"
	"embed"
	"io/fs"
	"log/slog"
	"sync"
	"time"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/shared/spanx"
	"github.com/kwipper/kwipper/shared/tracing"
)

// Migrations returns the platform's migrations every service database
// carries: the outbox and the table of handled events for consumer
// deduplication (0000), and their retention (9001). Versions 9000 and up are
// the platform's; they touch only these tables, so they may apply before or
// after a service's own (which must stay below 9000).
//
// Pending is true until the event is published and NULL after, so the
// null-filtered index holds only what is left to publish and stays small.
func Migrations() ([]spanx.Migration, error) {
	sub, err := fs.Sub(platformFiles, "migrations")
	if err != nil {
		return nil, err
	}
	return spanx.LoadMigrations(sub)
}

//go:embed migrations/*.sql
var platformFiles embed.FS

// Outbox writes events in the caller's transaction and publishes them after
// commit. Sweep (the relay function) publishes whatever that missed.
type Outbox struct {
	DB        *spanner.Client
	Publisher Publisher
	Log       *slog.Logger
	// Lease is how long a publisher owns a claimed row before another may
	// take it over (default 30s).
	Lease time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time

	marks groupCommit
}

// Add records e in tx and arranges for it to be published once tx commits.
// A failed publish is left for the relay; it never fails the transaction.
func (o *Outbox) Add(ctx context.Context, tx *spanx.Tx, e Event) error {
	if e.Traceparent == "" {
		e.Traceparent = tracing.Traceparent(ctx)
	}
	// The row is born leased to this process, which publishes it right
	// after the commit: no claim transaction, and no relay takes it over
	// unless the process dies first (then the lease lapses).
	tx.BufferWrite([]*spanner.Mutation{spanner.Insert("Outbox",
		[]string{"EventId", "Topic", "Type", "Data", "Traceparent", "CreatedAt", "Pending", "LeaseUntil", "Attempts"},
		[]any{e.ID, e.Topic, e.Type, []byte(e.Data), e.Traceparent, spanner.CommitTimestamp, true, o.now().Add(o.lease()), int64(1)})})
	tx.AfterCommit(func(ctx context.Context) {
		if _, err := o.deliver(ctx, []Event{e}); err != nil {
			o.log().WarnContext(ctx, "outbox publish after commit failed; the relay will retry", "event_id", e.ID, "err", err.Error())
		}
	})
	return nil
}

// Sweep publishes every pending event whose lease has lapsed, oldest first,
// up to limit, and reports how many it published. Running it concurrently or
// twice publishes each event once: a row is claimed (leased) in a transaction
// before it is published and marked published after.
func (o *Outbox) Sweep(ctx context.Context, limit int) (int, error) {
	stmt := spanner.Statement{
		SQL: `-- Pending = TRUE excludes NULLs, so the null-filtered index answers it
		      -- (the emulator cannot tell; its hint is ignored by Spanner).
		      SELECT EventId FROM Outbox@{FORCE_INDEX=OutboxPending, spanner_emulator.disable_query_null_filtered_index_check=true}
		      WHERE Pending = TRUE AND (LeaseUntil IS NULL OR LeaseUntil < @now)
		      ORDER BY CreatedAt LIMIT @limit`,
		Params: map[string]any{"now": o.now(), "limit": int64(limit)},
	}
	ids, err := spanx.Column[string](o.DB.Single().Query(ctx, stmt))
	if err != nil {
		return 0, spanx.Translate(err, "outbox sweep")
	}
	if len(ids) == 0 {
		return 0, nil
	}
	return o.publish(ctx, ids)
}

// publish claims the given rows that are still pending and unleased and
// delivers them.
func (o *Outbox) publish(ctx context.Context, ids []string) (int, error) {
	var claimed []Event
	err := spanx.ReadWrite(ctx, o.DB, func(ctx context.Context, tx *spanx.Tx) error {
		claimed = claimed[:0]
		now := o.now()
		keys := spanner.KeySet(spanner.KeySetFromKeys(toKeys(ids)...))
		var muts []*spanner.Mutation
		err := spanx.Each(tx.Read(ctx, "Outbox", keys, []string{"EventId", "Topic", "Type", "Data", "Traceparent", "Pending", "LeaseUntil", "Attempts"}), func(r *spanner.Row) error {
			var (
				e        Event
				tp       spanner.NullString
				pending  spanner.NullBool
				lease    spanner.NullTime
				attempts int64
			)
			if err := r.Columns(&e.ID, &e.Topic, &e.Type, &e.Data, &tp, &pending, &lease, &attempts); err != nil {
				return err
			}
			if !pending.Valid || (lease.Valid && lease.Time.After(now)) {
				return nil
			}
			e.Traceparent = tp.StringVal
			claimed = append(claimed, e)
			muts = append(muts, spanner.Update("Outbox", []string{"EventId", "LeaseUntil", "Attempts"},
				[]any{e.ID, now.Add(o.lease()), attempts + 1}))
			return nil
		})
		if err != nil {
			return err
		}
		return tx.BufferWrite(muts)
	})
	if err != nil {
		return 0, err
	}
	return o.deliver(ctx, claimed)
}

// deliver publishes events this process holds the lease of and marks each
// published in one commit; a row whose publish fails gets its lease
// released so the next sweep retries it.
func (o *Outbox) deliver(ctx context.Context, claimed []Event) (int, error) {
	published := 0
	var firstErr error
	marks := make([]*spanner.Mutation, 0, len(claimed))
	for _, e := range claimed {
		if err := o.Publisher.Publish(ctx, e); err != nil {
			if firstErr == nil {
				firstErr = err
			}
			marks = append(marks, spanner.Update("Outbox", []string{"EventId", "LeaseUntil"}, []any{e.ID, nil}))
			continue
		}
		published++
		marks = append(marks, spanner.Update("Outbox", []string{"EventId", "Pending", "LeaseUntil", "PublishedAt"},
			[]any{e.ID, nil, nil, spanner.CommitTimestamp}))
	}
	// One commit marks the batch, shared with the marks of deliveries
	// running at the same time (group commit). Should it fail, the lease
	// runs out and the next sweep publishes those events again; consumers
	// dedupe.
	if len(marks) > 0 {
		if err := o.marks.apply(ctx, o.DB, marks); err != nil && firstErr == nil {
			firstErr = spanx.Translate(err, "outbox mark")
		}
	}
	return published, firstErr
}

// groupCommit applies mutations submitted at the same time in one
// transaction: the first caller commits what is queued while later callers
// queue theirs for the next round, so under load N deliveries cost about
// one mark transaction per round instead of N, and alone one costs one, with
// no added wait. Each caller returns when its mutations are committed.
type groupCommit struct {
	mu      sync.Mutex
	queued  []*spanner.Mutation
	waiters []chan error
	running bool
}

func (g *groupCommit) apply(ctx context.Context, db *spanner.Client, muts []*spanner.Mutation) error {
	done := make(chan error, 1)
	g.mu.Lock()
	g.queued = append(g.queued, muts...)
	g.waiters = append(g.waiters, done)
	if g.running {
		g.mu.Unlock()
		return <-done
	}
	g.running = true
	for len(g.queued) > 0 {
		batch, waiters := g.queued, g.waiters
		g.queued, g.waiters = nil, nil
		g.mu.Unlock()
		err := spanx.Apply(context.WithoutCancel(ctx), db, batch...)
		for _, w := range waiters {
			w <- err
		}
		g.mu.Lock()
	}
	g.running = false
	g.mu.Unlock()
	return <-done
}

func toKeys(ids []string) []spanner.Key {
	keys := make([]spanner.Key, len(ids))
	for i, id := range ids {
		keys[i] = spanner.Key{id}
	}
	return keys
}

func (o *Outbox) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

func (o *Outbox) lease() time.Duration {
	if o.Lease > 0 {
		return o.Lease
	}
	return 30 * time.Second
}

func (o *Outbox) log() *slog.Logger {
	if o.Log != nil {
		return o.Log
	}
	return slog.Default()
}

// Replay marks every event of the database c serves that was published at or
// after since as pending again, so the outbox relay publishes it once more
// (consumers skip what they have handled). For restores: see
// functions.RestoreOptions.ReplayEvents. It returns how many it marked.
func Replay(ctx context.Context, c *spanner.Client, since time.Time) (int64, error) {
	n, err := c.PartitionedUpdate(ctx, spanner.Statement{
		SQL:    `UPDATE Outbox SET Pending = TRUE, LeaseUntil = NULL WHERE PublishedAt >= @since`,
		Params: map[string]any{"since": since},
	})
	return n, spanx.Translate(err, "outbox replay")
}
