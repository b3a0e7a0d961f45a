// Package logging builds the structured logger every function uses: JSON lines
// in Cloud Logging's format (severity, message, time, trace) through log/slog,
// with secrets redacted by attribute name, and the W3C trace context carried
// through contexts, HTTP requests and Pub/Sub messages.
package logging

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"log/slog"
	"strings"
)

// sensitive lists attribute-name fragments whose values are never logged.
var sensitive = []string{"password", "token", "secret", "authorization", "cookie", "signing_key", "card"}

// New returns a JSON logger writing to w at level, in Cloud Logging's format.
// project, when set, turns trace ids into the full trace resource name Cloud
// Logging links to traces.
func New(w io.Writer, level slog.Level, project string) *slog.Logger {
	h := slog.NewJSONHandler(w, &slog.HandlerOptions{
		Level:       level,
		AddSource:   false,
		ReplaceAttr: replaceAttr,
	})
	return slog.New(&traceHandler{Handler: h, project: project})
}

// ParseLevel turns "debug", "info", "warn" or "error" into a slog.Level; it
// reports false for anything else.
func ParseLevel(s string) (slog.Level, bool) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, false
	}
	return l, true
}

func replaceAttr(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 {
		switch a.Key {
		case slog.MessageKey:
			a.Key = "message"
			return a
		case slog.LevelKey:
			a.Key = "severity"
			lvl, _ := a.Value.Any().(slog.Level)
			a.Value = slog.StringValue(severity(lvl))
			return a
		}
	}
	if IsSensitive(a.Key) {
		return slog.String(a.Key, "[REDACTED]")
	}
	return a
}

// IsSensitive reports whether a field or attribute named key may hold a secret.
func IsSensitive(key string) bool {
	k := strings.ToLower(key)
	for _, s := range sensitive {
		if strings.Contains(k, s) {
			return true
		}
	}
	return false
}

func severity(l slog.Level) string {
	switch {
	case l >= slog.LevelError:
		return "ERROR"
	case l >= slog.LevelWarn:
		return "WARNING"
	case l >= slog.LevelInfo:
		return "INFO"
	default:
		return "DEBUG"
	}
}

type traceHandler struct {
	slog.Handler
	project string
}

func (h *traceHandler) Handle(ctx context.Context, r slog.Record) error {
	if tc, ok := TraceFrom(ctx); ok {
		trace := tc.TraceID
		if h.project != "" {
			trace = "projects/" + h.project + "/traces/" + tc.TraceID
		}
		r.AddAttrs(slog.String("logging.googleapis.com/trace", trace),
			slog.String("logging.googleapis.com/spanId", tc.SpanID))
	}
	return h.Handler.Handle(ctx, r)
}

func (h *traceHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &traceHandler{Handler: h.Handler.WithAttrs(as), project: h.project}
}

func (h *traceHandler) WithGroup(name string) slog.Handler {
	return &traceHandler{Handler: h.Handler.WithGroup(name), project: h.project}
}

// TraceContext is a W3C trace context: a 32-hex trace id and a 16-hex span id.
type TraceContext struct {
	TraceID string
	SpanID  string
}

// Traceparent renders tc as a W3C traceparent header value.
func (tc TraceContext) Traceparent() string {
	return "00-" + tc.TraceID + "-" + tc.SpanID + "-01"
}

type traceKey struct{}

// WithTrace returns ctx carrying tc.
func WithTrace(ctx context.Context, tc TraceContext) context.Context {
	return context.WithValue(ctx, traceKey{}, tc)
}

// TraceFrom returns the trace context ctx carries.
func TraceFrom(ctx context.Context) (TraceContext, bool) {
	tc, ok := ctx.Value(traceKey{}).(TraceContext)
	return tc, ok
}

// ParseTraceparent parses a W3C traceparent value (or Cloud's
// X-Cloud-Trace-Context "TRACE/SPAN;o=1") and returns a child context with a
// new span id; it starts a new trace when v is empty or malformed.
func ParseTraceparent(v string) TraceContext {
	parts := strings.Split(v, "-")
	if len(parts) == 4 && len(parts[1]) == 32 && isHex(parts[1]) {
		return TraceContext{TraceID: parts[1], SpanID: newID(8)}
	}
	if i := strings.IndexByte(v, '/'); i == 32 && isHex(v[:32]) {
		return TraceContext{TraceID: v[:32], SpanID: newID(8)}
	}
	return TraceContext{TraceID: newID(16), SpanID: newID(8)}
}

func isHex(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil && strings.Trim(s, "0") != ""
}

func newID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
