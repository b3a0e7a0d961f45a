package logging

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
)

func TestCloudLoggingFormatAndRedaction(t *testing.T) {
	var buf bytes.Buffer
	log := New(&buf, slog.LevelInfo, "proj")
	ctx := WithTrace(context.Background(), ParseTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
	log.WarnContext(ctx, "hello", "password", "hunter2", "access_token", "eyJ...", "user_id", "u1")
	var got map[string]any
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got["severity"] != "WARNING" || got["message"] != "hello" || got["user_id"] != "u1" {
		t.Fatalf("format: %v", got)
	}
	if got["logging.googleapis.com/trace"] != "projects/proj/traces/4bf92f3577b34da6a3ce929d0e0e4736" {
		t.Fatalf("trace: %v", got)
	}
	if strings.Contains(buf.String(), "hunter2") || strings.Contains(buf.String(), "eyJ") {
		t.Fatalf("secret logged: %s", buf.String())
	}
}

func TestParseTraceparent(t *testing.T) {
	tc := ParseTraceparent("105445aa7843bc8bf206b12000100000/1;o=1")
	if tc.TraceID != "105445aa7843bc8bf206b12000100000" || len(tc.SpanID) != 16 {
		t.Fatalf("cloud header: %+v", tc)
	}
	if tc := ParseTraceparent("garbage"); len(tc.TraceID) != 32 {
		t.Fatalf("new trace: %+v", tc)
	}
}
