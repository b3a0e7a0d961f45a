// Package idempotency gives creating requests Stripe's Idempotency-Key
// semantics: a retry with the same key and the same request gets the first
// answer again (with Idempotent-Replayed: true) and changes nothing; the
// same key with a different request is 409; a key whose first request is
// still running is 409 with Retry-After. Keys are scoped to the function
// and the caller, and kept 24 hours.
//
// The answer is recorded after the handler's own transaction, so a process
// that dies between the two leaves the key "running"; after Lease a retry
// runs the handler again. Handlers make that rerun harmless by naming what
// they create with ID, which is derived from the key: the rerun finds its
// row already there instead of creating a second one.
package idempotency

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"strconv"
	"time"

	"cloud.google.com/go/spanner"
	"github.com/google/uuid"

	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/httpx"
	"github.com/kwipper/kwipper/shared/spanx"
)

// Header is the request header carrying the key; ReplayedHeader marks an
// answer given again.
const (
	Header         = "Idempotency-Key"
	ReplayedHeader = "Idempotent-Replayed"
)

// Lease is how long a running request owns its key before a retry may run
// it again (a process died between its commit and recording the answer).
var Lease = time.Minute

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations is the platform migration of every database whose service has
// a function that takes keys: the IdempotencyKeys table (9003).
func Migrations() ([]spanx.Migration, error) {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	return spanx.LoadMigrations(sub)
}

type keyCtx struct{}

// ID returns a new id for what the request creates: derived from the
// request's Idempotency-Key (so a rerun of the same request names the same
// row) or random without one. n tells several ids of one request apart.
func ID(ctx context.Context, n int) string {
	k, ok := ctx.Value(keyCtx{}).(string)
	if !ok {
		return uuid.NewString()
	}
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte("kwipper-idem:"+k+"#"+strconv.Itoa(n))).String()
}

// answer is a recorded response.
type answer struct {
	Status int               `json:"status"`
	Header map[string]string `json:"header,omitempty"`
	Body   []byte            `json:"body"`
}

// recorded headers: what a client needs of the answer besides the body.
var recorded = []string{"Content-Type", "Location"}

// Middleware gives function's handler h Idempotency-Key semantics, recording
// keys in db (which carries Migrations). Requests without the header pass
// through unchanged.
func Middleware(db *spanner.Client, function string, h http.Handler) http.Handler {
	return httpx.Handler(func(w http.ResponseWriter, r *http.Request) error {
		key := r.Header.Get(Header)
		if key == "" {
			h.ServeHTTP(w, r)
			return nil
		}
		if !validKey(key) {
			return &errs.Error{Kind: errs.Invalid, Message: "the Idempotency-Key header is not valid",
				Fields: map[string]string{Header: "must be 1 to 255 printable ASCII characters, e.g. a random UUID"}}
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, httpx.MaxBody+1))
		if err != nil {
			return errs.E(errs.TooLarge, "request body is larger than %d bytes", httpx.MaxBody)
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		sum := sha256.Sum256(append([]byte(r.Method+" "+r.URL.RequestURI()+"\n"), body...))
		scope := function + ":" + auth.Caller(r).UserID
		prev, err := claim(r.Context(), db, scope, key, sum[:])
		if err != nil {
			return err
		}
		if prev != nil {
			for k, v := range prev.Header {
				w.Header().Set(k, v)
			}
			w.Header().Set(ReplayedHeader, "true")
			w.WriteHeader(prev.Status)
			_, _ = w.Write(prev.Body)
			return nil
		}
		ctx := context.WithValue(r.Context(), keyCtx{}, scope+"/"+key)
		rec := &recorder{header: http.Header{}, status: http.StatusOK}
		h.ServeHTTP(rec, r.WithContext(ctx))
		a := answer{Status: rec.status, Body: rec.body.Bytes(), Header: map[string]string{}}
		for _, k := range recorded {
			if v := rec.header.Get(k); v != "" {
				a.Header[k] = v
			}
		}
		// Only a success is the request's answer. A refusal (4xx: nothing
		// was written) or a failure (5xx: try again) releases the key, as
		// Stripe does for a request that fails validation: the client may
		// correct the request and send it again with the same key.
		if err := finish(context.WithoutCancel(r.Context()), db, scope, key, a); err != nil {
			httpx.Logger(r.Context()).WarnContext(r.Context(), "idempotency record failed; a retry after the lease runs the request again",
				"function", function, "err", err.Error())
		}
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.status)
		_, _ = w.Write(a.Body)
		return nil
	})
}

func validKey(k string) bool {
	if len(k) > 255 {
		return false
	}
	for i := 0; i < len(k); i++ {
		if k[i] < 0x20 || k[i] > 0x7e {
			return false
		}
	}
	return true
}

var (
	errKeyReused  = errs.E(errs.Conflict, "this Idempotency-Key was used with a different request: use a new key for a new request")
	errKeyRunning = &errs.Error{Kind: errs.Conflict, Message: "a request with this Idempotency-Key is still running: retry shortly", RetryAfter: time.Second}
)

// claim records key as running for request sum, or returns the answer
// recorded for it (nil when this request is to run).
func claim(ctx context.Context, db *spanner.Client, scope, key string, sum []byte) (*answer, error) {
	var prev *answer
	err := spanx.ReadWrite(ctx, db, func(ctx context.Context, tx *spanx.Tx) error {
		prev = nil
		row, err := tx.ReadRow(ctx, "IdempotencyKeys", spanner.Key{scope, key}, []string{"RequestHash", "State", "Response", "CreatedAt"})
		switch {
		case spanx.IsNotFound(err):
		case err != nil:
			return err
		default:
			var (
				hash, resp []byte
				state      string
				created    time.Time
			)
			if err := row.Columns(&hash, &state, &resp, &created); err != nil {
				return err
			}
			if !bytes.Equal(hash, sum) {
				return errKeyReused
			}
			if state == "done" {
				prev = &answer{}
				return json.Unmarshal(resp, prev)
			}
			if time.Since(created) < Lease {
				return errKeyRunning
			}
			// The request that held it died: this one runs instead.
		}
		return tx.BufferWrite([]*spanner.Mutation{spanner.InsertOrUpdate("IdempotencyKeys",
			[]string{"Scope", "IdemKey", "RequestHash", "State", "Status", "Response", "CreatedAt"},
			[]any{scope, key, sum, "running", nil, nil, spanner.CommitTimestamp})})
	})
	return prev, spanx.Translate(err, "idempotency.claim")
}

// finish records a as key's answer, or releases the key when a is not a
// success.
func finish(ctx context.Context, db *spanner.Client, scope, key string, a answer) error {
	m := spanner.Delete("IdempotencyKeys", spanner.Key{scope, key})
	if a.Status < 400 {
		b, err := json.Marshal(a)
		if err != nil {
			return err
		}
		m = spanner.Update("IdempotencyKeys", []string{"Scope", "IdemKey", "State", "Status", "Response"},
			[]any{scope, key, "done", int64(a.Status), b})
	}
	return spanx.Apply(ctx, db, m)
}

// recorder keeps what the handler answers, to record and then send it.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(status int)      { r.status = status }
