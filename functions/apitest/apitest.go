// Package apitest runs the whole local stack inside a test: a fresh project
// on the real Spanner and Pub/Sub emulators (databases migrated, topics and
// push subscriptions pointing at the test server, as scripts/dev sets up),
// every function served by an httptest server, and a small client.
package apitest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"cloud.google.com/go/pubsub/v2"

	"github.com/kwipper/kwipper/functions"
	"github.com/kwipper/kwipper/shared/devstack/stripefake"
	"github.com/kwipper/kwipper/functions/content"
	"github.com/kwipper/kwipper/shared/config"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/devstack/gcsfake"
	"github.com/kwipper/kwipper/shared/logging"
)

// Env is a running stack.
type Env struct {
	T      testing.TB
	URL    string
	Cfg    config.Config
	App    *functions.App
	PubSub *pubsub.Client
	// Storage is the in-process fake-gcs-server holding the media bucket
	// (Cfg.Media.Bucket); it publishes finalize notifications to Pub/Sub.
	Storage *gcsfake.Server
	// Stripe is the in-process Stripe fake billing talks to; it sends its
	// webhooks to the stack.
	Stripe *stripefake.Server

	sw  *switchable
	log *slog.Logger
}

// Start brings up a stack in a project of its own and stops it when the test
// ends. The emulators must be configured (testenv.Main does that).
func Start(t testing.TB, opts ...Option) *Env {
	t.Helper()
	if os.Getenv("SPANNER_EMULATOR_HOST") == "" {
		t.Fatal("apitest: the emulators are not configured: call testenv.Main from TestMain")
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	cfg, err := config.Load(func(k string) string {
		switch k {
		case "KW_PROJECT":
			return "kw-test-" + hex.EncodeToString(b)
		case "PORT":
			return itoa(port)
		case "KW_LOG_LEVEL":
			return "error"
		}
		return os.Getenv(k)
	})
	if err != nil {
		t.Fatal(err)
	}
	// The stack's warnings and errors are kept and shown when the test
	// fails (or always, with -v), so a stalled flow says why.
	logs := &logTail{}
	var w io.Writer = logs
	if testing.Verbose() {
		w = io.MultiWriter(logs, os.Stderr)
	}
	log := logging.New(w, slog.LevelWarn, cfg.Project)
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the stack's last warnings and errors:\n%s", logs.String())
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	gcs, err := gcsfake.Start(ctx, gcsfake.Options{Bucket: cfg.Media.Bucket, Project: cfg.Project,
		Topic: content.ObjectTopic, ObjectPrefix: cfg.Media.ObjectPrefix})
	if err != nil {
		t.Fatalf("apitest: %v", err)
	}
	t.Cleanup(gcs.Stop)
	cfg.Media.StorageEmulatorHost = gcs.Host
	stripe := startStripe(t, &cfg)
	for _, o := range opts {
		o(&cfg)
	}
	if err := functions.Migrate(ctx, cfg, log); err != nil {
		t.Fatalf("apitest: migrate: %v", err)
	}
	ps, err := pubsub.NewClient(ctx, cfg.Project)
	if err != nil {
		t.Fatal(err)
	}
	if err := functions.SetupPubSub(ctx, ps, cfg); err != nil {
		t.Fatalf("apitest: pubsub: %v", err)
	}
	app, err := functions.Open(ctx, cfg, log)
	if err != nil {
		t.Fatalf("apitest: open: %v", err)
	}
	sw := &switchable{app: app}
	srv := httptest.NewUnstartedServer(sw)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(func() {
		srv.Close()
		sw.close()
		ps.Close()
	})
	return &Env{T: t, URL: srv.URL, Cfg: cfg, App: app, PubSub: ps, Storage: gcs, Stripe: stripe, sw: sw, log: log}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

// Response is a finished request.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test when it cannot.
func (r Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode %s: %v", r.Body, err)
	}
}

// ErrorBody is the error response shape.
type ErrorBody struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields"`
	} `json:"error"`
}

// Error decodes an error response.
func (r Response) Error(t testing.TB) ErrorBody {
	t.Helper()
	var e ErrorBody
	r.JSON(t, &e)
	return e
}

// Do sends a request; body is JSON-encoded unless it is a string or []byte,
// which are sent as they are. token, when set, is sent as a bearer token.
func (e *Env) Do(method, path, token string, body any) Response {
	e.T.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = bytes.NewBufferString(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.T.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.URL+path, rd)
	if err != nil {
		e.T.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.T.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// PushPath is the path Pub/Sub pushes function's messages to, with the
// stack's push token, for tests that deliver a message by hand.
func (e *Env) PushPath(function string) string {
	return fnreg.PushPath(function) + "?token=" + url.QueryEscape(e.Cfg.Push.Token.Reveal())
}

// Must sends a request and fails the test unless it answers want.
func (e *Env) Must(want int, method, path, token string, body any) Response {
	e.T.Helper()
	r := e.Do(method, path, token, body)
	if r.Status != want {
		e.T.Fatalf("%s %s: status %d, want %d: %s", method, path, r.Status, want, r.Body)
	}
	return r
}

// Password is what User registers everyone with.
const Password = "correct-horse-42"

// User registers a user with roles and logs in, returning the user id and an
// access token.
func (e *Env) User(email string, roles ...string) (id, token string) {
	e.T.Helper()
	var u struct {
		ID string `json:"id"`
	}
	e.Must(http.StatusCreated, "POST", "/v1/users", "", map[string]any{
		"email": email, "password": Password, "display_name": "Test " + email, "roles": roles, "country": "PH",
	}).JSON(e.T, &u)
	var s struct {
		AccessToken string `json:"access_token"`
	}
	e.Must(http.StatusOK, "POST", "/v1/sessions", "", map[string]string{"email": email, "password": Password}).JSON(e.T, &s)
	return u.ID, s.AccessToken
}

// Eventually polls cond until it holds or the deadline passes; for effects
// that arrive through Pub/Sub push.
func (e *Env) Eventually(what string, limit time.Duration, cond func() bool) {
	e.T.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			e.T.Fatalf("%s did not happen within %s", what, limit)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// logTail keeps the last 64 KiB written to it.
type logTail struct {
	mu  sync.Mutex
	buf []byte
}

func (l *logTail) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	if over := len(l.buf) - 64<<10; over > 0 {
		l.buf = append(l.buf[:0], l.buf[over:]...)
	}
	return len(p), nil
}

func (l *logTail) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return string(l.buf)
}
