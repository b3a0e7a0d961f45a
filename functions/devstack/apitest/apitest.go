// Package apitest runs the whole local stack (functions/devstack) inside a
// test: a fresh project on the real Spanner and Pub/Sub emulators, every
// function served on a port of its own, and a small client.
package apitest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/kwipper/kwipper/functions"
	"github.com/kwipper/kwipper/functions/client"
	"github.com/kwipper/kwipper/functions/devstack"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/logging"
)

// Env is a running stack.
type Env struct {
	*devstack.Stack
	T testing.TB
	// App is the app the stack serves (the new one after Restart).
	App *functions.App
}

// Option changes how the stack starts.
type Option func(*devstack.Options)

// Setenv sets a variable of the stack's environment (e.g.
// KW_SAGA_STEP_TIMEOUT).
func Setenv(key, value string) Option {
	return func(o *devstack.Options) { o.Env[key] = value }
}

// FailStep makes the saga's do commands fail reports true for fail
// (devstack.CodeInjected), changing nothing.
func FailStep(fail func(step, courseID string) bool) Option {
	return func(o *devstack.Options) { o.FailStep = fail }
}

// DuplicateCommands makes the orchestrator's every command arrive twice.
func DuplicateCommands() Option { return func(o *devstack.Options) { o.DuplicateCommands = true } }

// Start brings up a stack in a project of its own and stops it when the test
// ends. The emulators must be configured (testenv.Main does that).
func Start(t testing.TB, opts ...Option) *Env {
	t.Helper()
	if os.Getenv("SPANNER_EMULATOR_HOST") == "" {
		t.Fatal("apitest: the emulators are not configured: call testenv.Main from TestMain")
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	// The stack's warnings and errors are kept and shown when the test
	// fails (or always, with -v), so a stalled flow says why.
	logs := &logTail{}
	var w io.Writer = logs
	if testing.Verbose() {
		w = io.MultiWriter(logs, os.Stderr)
	}
	o := devstack.Options{Addr: "127.0.0.1:0", Env: map[string]string{"KW_PROJECT": "kw-test-" + hex.EncodeToString(b), "KW_LOG_LEVEL": "error"}}
	o.Log = logging.New(w, slog.LevelWarn, o.Env["KW_PROJECT"])
	for _, opt := range opts {
		opt(&o)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("the stack's last warnings and errors:\n%s", logs.String())
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := devstack.Start(ctx, o)
	if err != nil {
		t.Fatalf("apitest: %v", err)
	}
	t.Cleanup(s.Close)
	return &Env{Stack: s, T: t, App: s.App()}
}

// Restart stops every function as a process restart would, runs during,
// then starts them again (devstack.Stack.Restart).
func (e *Env) Restart(during func()) {
	e.T.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := e.Stack.Restart(ctx, during); err != nil {
		e.T.Fatalf("apitest: restart: %v", err)
	}
	e.App = e.Stack.App()
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
	return e.DoWith(method, path, token, body, nil)
}

// DoWith is Do with extra request headers (e.g. Idempotency-Key).
func (e *Env) DoWith(method, path, token string, body any, header http.Header) Response {
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
	for k, v := range header {
		req.Header[k] = v
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

// UploadPlaceholder uploads client.Placeholder media to a video or file item
// as its tutor (token), waits until it is ready and returns the upload's id.
func (e *Env) UploadPlaceholder(token, courseID, itemID, kind string) string {
	e.T.Helper()
	ct, name, body, ok := client.Placeholder(kind)
	if !ok {
		e.T.Fatalf("apitest: no placeholder media for a %s item", kind)
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	up, err := (&client.Client{Base: e.URL, Token: token}).UploadMedia(ctx, courseID, itemID, ct, name, body)
	if err != nil {
		e.T.Fatalf("apitest: upload to item %s: %v", itemID, err)
	}
	return up.ID
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

// PushEnvelope is the body of a Pub/Sub push delivery of event eventID of
// type typ with data (JSON-encoded), for tests that deliver a message by
// hand (see PushPath).
func PushEnvelope(eventID, typ string, data any) map[string]any {
	b, _ := json.Marshal(data)
	return map[string]any{"message": map[string]any{"data": b, "messageId": eventID,
		"attributes": map[string]string{"event_id": eventID, "type": typ}}, "subscription": "s"}
}

// Tick is the push delivery of a Cloud Scheduler tick with id eventID.
func Tick(eventID string) map[string]any {
	return PushEnvelope(eventID, "scheduler.tick", map[string]any{})
}
