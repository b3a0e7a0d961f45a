package tracing

import (
	"context"
	"encoding/hex"
	"net"
	"net/http/httptest"
	"testing"

	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/grpc"
)

func record(t *testing.T) *tracetest.SpanRecorder {
	t.Helper()
	installed.Do(func() {})
	rec := tracetest.NewSpanRecorder()
	otel.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec)))
	otel.SetTextMapPropagator(propagator)
	return rec
}

// A request's server span continues the caller's trace; an event written
// under it carries its traceparent, and the span that handles the event
// continues that trace (linked to the push request's own span).
func TestTraceCarriedAcrossHTTPAndEvents(t *testing.T) {
	rec := record(t)
	r := httptest.NewRequest("POST", "/v1/subscriptions", nil)
	r.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	ctx, span := StartServer(r)
	tp := Traceparent(ctx)
	span.End()
	sc := trace.SpanContextFromContext(ctx)
	if sc.TraceID().String() != "4bf92f3577b34da6a3ce929d0e0e4736" || sc.SpanID().String() == "00f067aa0ba902b7" {
		t.Fatalf("server span %v", sc)
	}
	if tp != "00-4bf92f3577b34da6a3ce929d0e0e4736-"+sc.SpanID().String()+"-01" {
		t.Fatalf("traceparent %q", tp)
	}

	push, pushSpan := StartServer(httptest.NewRequest("POST", "/push/course-on-user-event", nil))
	cctx, consumer := StartConsumer(push, tp, "user.registered", "e1")
	consumer.End()
	pushSpan.End()
	got := rec.Ended()
	if len(got) != 3 {
		t.Fatalf("%d spans", len(got))
	}
	c := got[1]
	if c.SpanKind() != trace.SpanKindConsumer || c.Parent().SpanID() != sc.SpanID() ||
		trace.SpanContextFromContext(cctx).TraceID() != sc.TraceID() {
		t.Fatalf("consumer span parent %v trace %v, want parent %v", c.Parent(), trace.SpanContextFromContext(cctx).TraceID(), sc)
	}
	if len(c.Links()) != 1 || c.Links()[0].SpanContext.SpanID() != trace.SpanContextFromContext(push).SpanID() {
		t.Fatalf("consumer links %v", c.Links())
	}
	if got[0].Parent().SpanID().String() != "00f067aa0ba902b7" || got[0].SpanKind() != trace.SpanKindServer {
		t.Fatalf("server span parent %v", got[0].Parent())
	}
}

func TestCloudTraceContext(t *testing.T) {
	rec := record(t)
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("X-Cloud-Trace-Context", "105445aa7843bc8bf206b12000100000/258;o=1")
	_, span := StartServer(r)
	span.End()
	s := rec.Ended()[0]
	if s.SpanContext().TraceID().String() != "105445aa7843bc8bf206b12000100000" ||
		s.Parent().SpanID().String() != "0000000000000102" || !s.Parent().IsSampled() {
		t.Fatalf("span %v parent %v", s.SpanContext(), s.Parent())
	}
	for _, bad := range []string{"", "garbage", "105445aa7843bc8bf206b12000100000/x;o=1", "short/1"} {
		if _, ok := cloudTraceContext(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
	// A new trace when nothing continues one; no traceparent, no parent.
	_, span = StartServer(httptest.NewRequest("GET", "/", nil))
	span.End()
	if s := rec.Ended()[1]; !s.SpanContext().IsValid() || s.Parent().IsValid() {
		t.Fatalf("new trace %v parent %v", s.SpanContext(), s.Parent())
	}
	if _, c := StartConsumer(context.Background(), "not-a-traceparent", "t", "e"); !c.SpanContext().IsValid() {
		t.Fatal("consumer span without a parent")
	}
}

// traceReceiver is an OTLP/gRPC trace receiver that keeps what it is sent.
type traceReceiver struct {
	coltracepb.UnimplementedTraceServiceServer
	got chan *coltracepb.ExportTraceServiceRequest
}

func (r *traceReceiver) Export(_ context.Context, req *coltracepb.ExportTraceServiceRequest) (*coltracepb.ExportTraceServiceResponse, error) {
	r.got <- req
	return &coltracepb.ExportTraceServiceResponse{}, nil
}

// With an OTLP endpoint, spans are exported to it (flushed at shutdown),
// named by the service; nothing is sampled at rate 0 unless the caller's
// trace was.
func TestSetup_exportsOverOTLP(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	recv := &traceReceiver{got: make(chan *coltracepb.ExportTraceServiceRequest, 10)}
	coltracepb.RegisterTraceServiceServer(srv, recv)
	go func() { _ = srv.Serve(ln) }()
	defer srv.Stop()

	ctx := context.Background()
	shutdown, err := Setup(ctx, Config{OTLPEndpoint: ln.Addr().String(), Insecure: true, SampleRate: 0, Service: "course-get", Project: "p"})
	if err != nil {
		t.Fatal(err)
	}
	_, unsampled := StartServer(httptest.NewRequest("GET", "/v1/courses", nil))
	unsampled.End()
	r := httptest.NewRequest("GET", "/v1/courses/1", nil)
	r.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	_, sampled := StartServer(r)
	sampled.End()
	if err := shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	var spans, services []string
	for len(recv.got) > 0 {
		req := <-recv.got
		for _, rs := range req.ResourceSpans {
			for _, a := range rs.Resource.Attributes {
				if a.Key == "service.name" {
					services = append(services, a.Value.GetStringValue())
				}
			}
			for _, ss := range rs.ScopeSpans {
				for _, s := range ss.Spans {
					spans = append(spans, hex.EncodeToString(s.TraceId))
				}
			}
		}
	}
	if len(spans) != 1 || spans[0] != "4bf92f3577b34da6a3ce929d0e0e4736" || len(services) != 1 || services[0] != "course-get" {
		t.Fatalf("exported spans %v of services %v", spans, services)
	}
}
