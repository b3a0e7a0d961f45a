// Package tracing carries OpenTelemetry traces across HTTP and Pub/Sub: a
// server span per request (continuing the caller's W3C traceparent, or Cloud
// Run's X-Cloud-Trace-Context), the span's traceparent stored with every
// event, and a consumer span per delivered event that continues the trace of
// the request that caused it. Logs carry the current span's trace and span
// ids (shared/logging), so Cloud Logging groups them by trace. Spans are
// exported over OTLP when an endpoint is configured (Google Cloud's
// telemetry.googleapis.com in the cloud); otherwise they only identify.
package tracing

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"
	"golang.org/x/oauth2/google"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/oauth"
)

// Config says where spans go.
type Config struct {
	// OTLPEndpoint is host:port of an OTLP/gRPC trace receiver; empty
	// exports nothing. A *.googleapis.com endpoint is called with the
	// process's Google credentials.
	OTLPEndpoint string
	// Insecure dials OTLPEndpoint without TLS (a local collector).
	Insecure bool
	// SampleRate is the share of new traces recorded (0..1); a request that
	// arrives sampled stays sampled.
	SampleRate float64
	// Service names the process in traces (the function, or "kwipper").
	Service string
	// Project is the Google Cloud project spans are billed to.
	Project string
}

var propagator = propagation.TraceContext{}

const tracerName = "github.com/kwipper/kwipper"

// Setup installs the process's tracer provider and returns its shutdown,
// which flushes what is left to export.
func Setup(ctx context.Context, c Config) (func(context.Context) error, error) {
	opts := []sdktrace.TracerProviderOption{
		sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(c.SampleRate))),
		sdktrace.WithResource(resource.NewSchemaless(attribute.String("service.name", c.Service),
			attribute.String("gcp.project_id", c.Project))),
	}
	if c.OTLPEndpoint != "" {
		exp, err := exporter(ctx, c)
		if err != nil {
			return nil, err
		}
		opts = append(opts, sdktrace.WithBatcher(exp))
	}
	tp := sdktrace.NewTracerProvider(opts...)
	installed.Do(func() {}) // a default is no longer needed
	otel.SetTracerProvider(tp)
	otel.SetTextMapPropagator(propagator)
	return tp.Shutdown, nil
}

// installed makes sure spans carry ids even when Setup was not called (tests
// of one package): the first span installs a provider that records every
// trace and exports nothing.
var installed sync.Once

func exporter(ctx context.Context, c Config) (sdktrace.SpanExporter, error) {
	opts := []otlptracegrpc.Option{otlptracegrpc.WithEndpoint(c.OTLPEndpoint)}
	switch {
	case c.Insecure:
		opts = append(opts, otlptracegrpc.WithInsecure())
	case strings.HasSuffix(strings.Split(c.OTLPEndpoint, ":")[0], ".googleapis.com"):
		creds, err := google.FindDefaultCredentials(ctx, "https://www.googleapis.com/auth/trace.append")
		if err != nil {
			return nil, fmt.Errorf("tracing: Google credentials for %s: %w", c.OTLPEndpoint, err)
		}
		opts = append(opts,
			otlptracegrpc.WithTLSCredentials(credentials.NewTLS(&tls.Config{MinVersion: tls.VersionTLS12})),
			otlptracegrpc.WithDialOption(grpc.WithPerRPCCredentials(oauth.TokenSource{TokenSource: creds.TokenSource})),
			otlptracegrpc.WithHeaders(map[string]string{"x-goog-user-project": c.Project}))
	}
	exp, err := otlptracegrpc.New(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("tracing: OTLP exporter: %w", err)
	}
	return exp, nil
}

func tracer() trace.Tracer {
	installed.Do(func() {
		otel.SetTracerProvider(sdktrace.NewTracerProvider())
		otel.SetTextMapPropagator(propagator)
	})
	return otel.Tracer(tracerName)
}

// StartServer starts the server span of request r, continuing the trace its
// traceparent (or X-Cloud-Trace-Context) header names, if any.
func StartServer(r *http.Request) (context.Context, trace.Span) {
	ctx := propagator.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
	if !trace.SpanContextFromContext(ctx).IsValid() {
		if sc, ok := cloudTraceContext(r.Header.Get("X-Cloud-Trace-Context")); ok {
			ctx = trace.ContextWithRemoteSpanContext(ctx, sc)
		}
	}
	return tracer().Start(ctx, r.Method+" "+r.URL.Path, trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(attribute.String("http.request.method", r.Method), attribute.String("url.path", r.URL.Path)))
}

// StartConsumer starts the span that handles an event, continuing the trace
// of traceparent (the span that wrote the event) when it is valid.
func StartConsumer(ctx context.Context, traceparent, eventType, eventID string) (context.Context, trace.Span) {
	opts := []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindConsumer),
		trace.WithAttributes(attribute.String("messaging.message.id", eventID), attribute.String("kwipper.event.type", eventType))}
	if traceparent != "" {
		parent := propagator.Extract(context.Background(), propagation.MapCarrier{"traceparent": traceparent})
		if sc := trace.SpanContextFromContext(parent); sc.IsValid() {
			// The push request's own span stays linked.
			if cur := trace.SpanContextFromContext(ctx); cur.IsValid() {
				opts = append(opts, trace.WithLinks(trace.Link{SpanContext: cur}))
			}
			ctx = trace.ContextWithRemoteSpanContext(ctx, sc)
		}
	}
	return tracer().Start(ctx, "process "+eventType, opts...)
}

// Traceparent returns the W3C traceparent of ctx's span, or "" without one.
func Traceparent(ctx context.Context) string {
	c := propagation.MapCarrier{}
	propagator.Inject(ctx, c)
	return c["traceparent"]
}

// cloudTraceContext parses Cloud's "TRACE_ID/SPAN_ID;o=1" header, whose span
// id is decimal.
func cloudTraceContext(v string) (trace.SpanContext, bool) {
	traceID, rest, ok := strings.Cut(v, "/")
	if !ok || len(traceID) != 32 {
		return trace.SpanContext{}, false
	}
	tid, err := trace.TraceIDFromHex(traceID)
	if err != nil {
		return trace.SpanContext{}, false
	}
	spanDec, opts, _ := strings.Cut(rest, ";")
	var n uint64
	if _, err := fmt.Sscan(spanDec, &n); err != nil || n == 0 {
		return trace.SpanContext{}, false
	}
	var sid trace.SpanID
	for i := 7; i >= 0; i-- {
		sid[i] = byte(n)
		n >>= 8
	}
	flags := trace.TraceFlags(0)
	if opts == "o=1" {
		flags = trace.FlagsSampled
	}
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: tid, SpanID: sid, TraceFlags: flags, Remote: true})
	return sc, sc.IsValid()
}
