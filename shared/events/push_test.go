package events_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/trace"

	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/tracing"
)

func TestPush(t *testing.T) {
	envelope := `{"message":{"data":"eyJhIjoxfQ==","attributes":{"event_id":"e1","type":"t.x"},"messageId":"m1","message_id":"m1","publishTime":"2026-01-02T03:04:05Z"},"subscription":"s","deliveryAttempt":2}`
	var got events.Message
	for _, tc := range []struct {
		name   string
		body   string
		err    error
		status int
	}{
		{"204_handled", envelope, nil, 204},
		{"400_not_an_envelope", `{"message":`, nil, 400},
		{"400_no_id", `{"message":{"data":"e30="}}`, nil, 400},
		{"400_poison_payload", envelope, errs.E(errs.Invalid, "bad payload"), 400},
		{"500_retry_helps", envelope, errors.New("spanner unavailable"), 500},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := events.Push(func(_ context.Context, m events.Message) error {
				got = m
				return tc.err
			})
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest("POST", "/push/x", strings.NewReader(tc.body)))
			if w.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.status, w.Body)
			}
		})
	}
	var v struct{ A int }
	if got.ID != "e1" || got.Type != "t.x" || got.DeliveryAttempt != 2 || got.Decode(&v) != nil || v.A != 1 {
		t.Fatalf("message %+v", got)
	}
}

// The handler of a delivered event runs in a span of the trace that wrote
// the event (its traceparent attribute), and what it publishes carries on.
func TestPush_continuesTheEventsTrace(t *testing.T) {
	envelope := `{"message":{"data":"e30=","attributes":{"event_id":"e1","type":"t.x",` +
		`"traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},"messageId":"m1"},"subscription":"s"}`
	var traceID, next string
	h := events.Push(func(ctx context.Context, _ events.Message) error {
		traceID = trace.SpanContextFromContext(ctx).TraceID().String()
		next = tracing.Traceparent(ctx)
		return nil
	})
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("POST", "/push/x", strings.NewReader(envelope)))
	if w.Code != 204 || traceID != "4bf92f3577b34da6a3ce929d0e0e4736" ||
		!strings.HasPrefix(next, "00-4bf92f3577b34da6a3ce929d0e0e4736-") || strings.Contains(next, "00f067aa0ba902b7") {
		t.Fatalf("status %d, trace %q, next traceparent %q", w.Code, traceID, next)
	}
}

// Any body a push endpoint may receive: a handled envelope is 204, anything
// else 400 (never a 5xx, which Pub/Sub would retry for ever), and the
// handler only ever sees a message with an id.
func FuzzPush(f *testing.F) {
	f.Add(`{"message":{"data":"eyJhIjoxfQ==","attributes":{"event_id":"e1","type":"t.x"},"messageId":"m1","publishTime":"2026-01-02T03:04:05Z"},"deliveryAttempt":2}`)
	f.Add(`{"message":{"data":"not base64","messageId":"m1"}}`)
	f.Add(`{"message":{"attributes":{"event_id":""},"publishTime":"0000-01-01T00:00:00Z"}}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, body string) {
		h := events.Push(func(_ context.Context, m events.Message) error {
			if m.ID == "" {
				t.Fatal("handler got a message without an id")
			}
			var v map[string]any
			if err := m.Decode(&v); err != nil {
				return errs.E(errs.Invalid, "payload: %v", err)
			}
			return nil
		})
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("POST", "/push/x", strings.NewReader(body)))
		if w.Code != 204 && w.Code != 400 && w.Code != 413 {
			t.Fatalf("status %d for %q: %s", w.Code, body, w.Body)
		}
	})
}
