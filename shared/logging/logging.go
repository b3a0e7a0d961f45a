// Package logging builds the structured logger every function uses: JSON lines
// in Cloud Logging's format (severity, message, time, trace) through log/slog,
// with secrets redacted by attribute name, and the trace and span ids of the
// context's OpenTelemetry span (shared/tracing starts them).
package logging

import (
	"context"
	"io"
	"log/slog"
	"strings"

	"go.opentelemetry.io/otel/trace"
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
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		id := sc.TraceID().String()
		if h.project != "" {
			id = "projects/" + h.project + "/traces/" + id
		}
		r.AddAttrs(slog.String("logging.googleapis.com/trace", id),
			slog.String("logging.googleapis.com/spanId", sc.SpanID().String()),
			slog.Bool("logging.googleapis.com/trace_sampled", sc.IsSampled()))
	}
	return h.Handler.Handle(ctx, r)
}

func (h *traceHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &traceHandler{Handler: h.Handler.WithAttrs(as), project: h.project}
}

func (h *traceHandler) WithGroup(name string) slog.Handler {
	return &traceHandler{Handler: h.Handler.WithGroup(name), project: h.project}
}
