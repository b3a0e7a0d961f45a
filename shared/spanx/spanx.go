// Package spanx holds Kwipper's Spanner plumbing: database names, clients,
// transactions that keep side effects out of the retried body, error
// translation, and versioned schema migrations applied idempotently.
package spanx

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"cloud.google.com/go/spanner"
	"google.golang.org/api/iterator"
	"google.golang.org/grpc/codes"

	"github.com/kwipper/kwipper/shared/errs"
)

// DatabasePath is the full resource name of database db.
func DatabasePath(project, instance, db string) string {
	return fmt.Sprintf("projects/%s/instances/%s/databases/%s", project, instance, db)
}

// Open returns a client for the database at path. The client honours
// SPANNER_EMULATOR_HOST. MinOpened sessions keep the first requests fast.
func Open(ctx context.Context, path string) (*spanner.Client, error) {
	c, err := spanner.NewClientWithConfig(ctx, path, spanner.ClientConfig{
		SessionPoolConfig:    spanner.SessionPoolConfig{MinOpened: 4},
		DisableNativeMetrics: true,
	})
	if err != nil {
		return nil, fmt.Errorf("spanx.Open %s: %w", path, err)
	}
	return c, nil
}

// Tx is a read-write transaction with a list of effects to run once after it
// commits. The body of Client.ReadWriteTransaction may run more than once; the
// effects registered by the attempt that commits run exactly once, after.
type Tx struct {
	*spanner.ReadWriteTransaction
	mu      sync.Mutex
	effects []func(context.Context)
}

// AfterCommit registers fn to run once the transaction has committed. Use it
// for side effects (publishing, calling another service): never do them in
// the transaction body itself.
func (t *Tx) AfterCommit(fn func(context.Context)) {
	t.mu.Lock()
	t.effects = append(t.effects, fn)
	t.mu.Unlock()
}

// ReadWrite runs fn in a read-write transaction, retrying on aborts, then runs
// the effects fn registered with AfterCommit. It returns fn's error unchanged
// (so errs kinds survive) and wraps driver errors with context.
func ReadWrite(ctx context.Context, c *spanner.Client, fn func(ctx context.Context, tx *Tx) error) error {
	_, err := Commit(ctx, c, fn)
	return err
}

// Commit is ReadWrite that also returns the commit timestamp, the value
// spanner.CommitTimestamp columns took: a caller answers from what its
// transaction produced instead of reading it back after the commit (a read
// that can fail and turn a committed change into an error).
func Commit(ctx context.Context, c *spanner.Client, fn func(ctx context.Context, tx *Tx) error) (time.Time, error) {
	var tx *Tx
	var err error
	var ts time.Time
	for attempt := 0; ; attempt++ {
		ts, err = c.ReadWriteTransaction(ctx, func(ctx context.Context, rw *spanner.ReadWriteTransaction) error {
			tx = &Tx{ReadWriteTransaction: rw}
			return fn(ctx, tx)
		})
		// The emulator runs one read-write transaction at a time; one it
		// aborted for another is sometimes reported as "Transaction not
		// found", "Invalid transaction ID" or "Cannot read or query using a
		// transaction after it has been committed or rolledback" (from a
		// read in the body) rather than Aborted. It did not commit, so run
		// it again.
		if !transactionLost(err) || attempt == 20 {
			break
		}
		select {
		case <-ctx.Done():
			return time.Time{}, errs.Wrap(errs.Unavailable, ctx.Err(), "transaction")
		case <-time.After(time.Duration(attempt+1) * 5 * time.Millisecond):
		}
	}
	if err != nil {
		var e *errs.Error
		if errors.As(err, &e) {
			return time.Time{}, e
		}
		return time.Time{}, Translate(err, "transaction")
	}
	countCommit(c)
	for _, eff := range tx.effects {
		eff(context.WithoutCancel(ctx))
	}
	return ts, nil
}

var commits sync.Map // database path -> *atomic.Int64

func countCommit(c *spanner.Client) {
	n, _ := commits.LoadOrStore(c.DatabaseName(), new(atomic.Int64))
	n.(*atomic.Int64).Add(1)
}

// Commits is how many read-write transactions this process has committed,
// by database (the last part of its path): what benchmarks report per
// operation to show what a flow costs in transactions.
func Commits() map[string]int64 {
	out := map[string]int64{}
	commits.Range(func(k, v any) bool {
		name := k.(string)
		out[name[strings.LastIndexByte(name, '/')+1:]] += v.(*atomic.Int64).Load()
		return true
	})
	return out
}

// Apply writes muts in one read-write transaction. Unlike Client.Apply it
// goes through ReadWrite, so a transaction the emulator loses is run again.
func Apply(ctx context.Context, c *spanner.Client, muts ...*spanner.Mutation) error {
	return ReadWrite(ctx, c, func(_ context.Context, tx *Tx) error { return tx.BufferWrite(muts) })
}

// ReadOnly runs fn in a read-only transaction (strong when stale is 0, else
// exactly that stale) so that its reads see one snapshot, and runs it again
// when the emulator loses the transaction (see ReadWrite).
func ReadOnly(ctx context.Context, c *spanner.Client, stale time.Duration, fn func(ctx context.Context, ro *spanner.ReadOnlyTransaction) error) error {
	for attempt := 0; ; attempt++ {
		ro := c.ReadOnlyTransaction()
		if stale > 0 {
			ro = ro.WithTimestampBound(spanner.ExactStaleness(stale))
		}
		err := fn(ctx, ro)
		ro.Close()
		if !transactionLost(err) || attempt == 20 {
			return err
		}
		select {
		case <-ctx.Done():
			return errs.Wrap(errs.Unavailable, ctx.Err(), "read-only transaction")
		case <-time.After(time.Duration(attempt+1) * 5 * time.Millisecond):
		}
	}
}

func transactionLost(err error) bool {
	if err == nil {
		return false
	}
	switch spanner.ErrCode(err) {
	case codes.NotFound:
		return strings.Contains(err.Error(), "Transaction not found") || strings.Contains(err.Error(), "Session not found")
	case codes.FailedPrecondition:
		return strings.Contains(err.Error(), "Invalid transaction ID") ||
			strings.Contains(err.Error(), "Cannot read or query using a transaction after it has been committed or rolledback") ||
			strings.Contains(err.Error(), "Cannot commit a transaction after it has been rolled back")
	}
	return false
}

// Translate maps a Spanner error to the error vocabulary: NotFound to
// errs.NotFound, AlreadyExists to errs.Conflict, Unavailable and deadline
// errors to errs.Unavailable, the rest to Internal, each wrapped with what.
func Translate(err error, what string) error {
	if err == nil {
		return nil
	}
	var e *errs.Error
	if errors.As(err, &e) {
		return err
	}
	if transactionLost(err) {
		return errs.Wrap(errs.Unavailable, err, what+": transaction lost")
	}
	switch spanner.ErrCode(err) {
	case codes.NotFound:
		if !IsNotFound(err) { // a session, transaction or database, not a row
			return errs.Wrap(errs.Unavailable, err, what)
		}
		return errs.Wrap(errs.NotFound, err, what+": not found")
	case codes.AlreadyExists:
		return errs.Wrap(errs.Conflict, err, what+": already exists")
	case codes.Unavailable, codes.DeadlineExceeded, codes.ResourceExhausted:
		return errs.Wrap(errs.Unavailable, err, what)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// Reader is what single-use reads, read-only transactions and read-write
// transactions (Tx) all do, so a store's read helpers serve each.
type Reader interface {
	ReadRow(ctx context.Context, table string, key spanner.Key, columns []string) (*spanner.Row, error)
	ReadRowUsingIndex(ctx context.Context, table, index string, key spanner.Key, columns []string) (*spanner.Row, error)
	Read(ctx context.Context, table string, keys spanner.KeySet, columns []string) *spanner.RowIterator
	Query(ctx context.Context, stmt spanner.Statement) *spanner.RowIterator
}

// Single returns a single-use read-only transaction of c: strong when stale
// is 0, else one that may read data up to stale old from the nearest
// replica.
func Single(c *spanner.Client, stale time.Duration) *spanner.ReadOnlyTransaction {
	ro := c.Single()
	if stale > 0 {
		ro = ro.WithTimestampBound(spanner.MaxStaleness(stale))
	}
	return ro
}

// IsNotFound reports whether err says a row is missing (ReadRow of a missing
// key). Other NotFound codes (a transaction or session the emulator lost, a
// dropped database) are not: taking those for a missing row turned a busy
// moment into wrong answers ("no such user", "no payment method").
func IsNotFound(err error) bool { return errors.Is(err, spanner.ErrRowNotFound) }

// Each runs fn for every row of it and always stops it.
func Each(it *spanner.RowIterator, fn func(*spanner.Row) error) error {
	defer it.Stop()
	for {
		row, err := it.Next()
		if errors.Is(err, iterator.Done) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(row); err != nil {
			return err
		}
	}
}

// Column returns the first column of every row of it (e.g. the ids a query
// selects).
func Column[T any](it *spanner.RowIterator) ([]T, error) {
	var out []T
	err := Each(it, func(r *spanner.Row) error {
		var v T
		if err := r.Column(0, &v); err != nil {
			return err
		}
		out = append(out, v)
		return nil
	})
	return out, err
}

// Now returns a timestamp at which a strong read of the database c serves
// happened: reads at it (spanner.ReadTimestamp) see every transaction
// committed before the call, in every database of the instance.
func Now(ctx context.Context, c *spanner.Client) (time.Time, error) {
	ro := c.Single()
	if err := Each(ro.Query(ctx, spanner.Statement{SQL: "SELECT 1"}), func(*spanner.Row) error { return nil }); err != nil {
		return time.Time{}, err
	}
	return ro.Timestamp()
}

// Ping checks that the database answers a trivial query.
func Ping(ctx context.Context, c *spanner.Client) error {
	return Each(c.Single().Query(ctx, spanner.Statement{SQL: "SELECT 1"}), func(*spanner.Row) error { return nil })
}
