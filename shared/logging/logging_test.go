package logging

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"go.opentelemetry.io/otel/trace"
)

func TestCloudLoggingFormatAndRedaction(t *testing.T) {
	var buf bytes.Buffer
	log := New(&buf, slog.LevelInfo, "proj")
	tid, _ := trace.TraceIDFromHex("4bf92f3577b34da6a3ce929d0e0e4736")
	sid, _ := trace.SpanIDFromHex("00f067aa0ba902b7")
	ctx := trace.ContextWithSpanContext(context.Background(), trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid}))
	log.WarnContext(ctx, "hello", "password", "hunter2", "access_token", "eyJ...", "user_id", "u1")
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got["severity"] != "WARNING" || got["message"] != "hello" || got["user_id"] != "u1" {
		t.Fatalf("format: %v", got)
	}
	if got["logging.googleapis.com/trace"] != "projects/proj/traces/4bf92f3577b34da6a3ce929d0e0e4736" ||
		got["logging.googleapis.com/spanId"] != "00f067aa0ba902b7" {
		t.Fatalf("trace: %v", got)
	}
	if strings.Contains(buf.String(), "hunter2") || strings.Contains(buf.String(), "eyJ") {
		t.Fatalf("secret logged: %s", buf.String())
	}
}
