// Package httpx holds the HTTP plumbing every function shares: strict JSON
// decoding, JSON responses, the one place errors become HTTP statuses, and the
// middleware that gives each request a trace and a logger.
package httpx

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"

	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/tracing"
)

// MaxBody is the largest request body Decode accepts.
const MaxBody = 64 << 10

// Decode reads one JSON object from r's body into dst. It rejects a body that
// is not JSON, has unknown fields, has a value of the wrong type, holds more
// than one value or is larger than MaxBody, with an errs.Invalid (or
// errs.TooLarge) error whose message says what to fix.
func Decode(w http.ResponseWriter, r *http.Request, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			return errs.E(errs.Invalid, "Content-Type must be application/json, not %q", ct)
		}
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return decodeError(err)
		}
		return errs.E(errs.Invalid, "request body must hold a single JSON object")
	}
	return nil
}

func decodeError(err error) error {
	var (
		syntax  *json.SyntaxError
		typeErr *json.UnmarshalTypeError
		tooBig  *http.MaxBytesError
	)
	switch {
	case errors.As(err, &tooBig):
		return errs.E(errs.TooLarge, "request body is larger than %d bytes", tooBig.Limit)
	case errors.Is(err, io.EOF):
		return errs.E(errs.Invalid, "request body is empty: send a JSON object")
	case errors.As(err, &syntax):
		return errs.E(errs.Invalid, "request body is not valid JSON (at byte %d)", syntax.Offset)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errs.E(errs.Invalid, "request body is not valid JSON (it ends too early)")
	case errors.As(err, &typeErr):
		field := typeErr.Field
		if field == "" {
			return errs.E(errs.Invalid, "request body must be a JSON object, not %s", typeErr.Value)
		}
		return &errs.Error{Kind: errs.Invalid, Message: "a field has the wrong type",
			Fields: map[string]string{field: fmt.Sprintf("must be %s, not %s", jsonType(typeErr.Type.String()), typeErr.Value)}}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return &errs.Error{Kind: errs.Invalid, Message: "unknown field",
			Fields: map[string]string{name: "is not a field of this request"}}
	default:
		return errs.Wrap(errs.Invalid, err, "request body could not be read")
	}
}

func jsonType(goType string) string {
	switch {
	case strings.Contains(goType, "int"), strings.Contains(goType, "float"):
		return "a number"
	case goType == "string", goType == "*string":
		return "a string"
	case strings.Contains(goType, "bool"):
		return "true or false"
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	default:
		return "an object"
	}
}

// WriteJSON writes v as JSON with status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if v != nil {
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(v)
	}
}

// ErrorBody is the JSON body of every error response.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail says what went wrong: a stable code (the errs.Kind name), a
// message for people and, for validation errors, one message per bad field.
type ErrorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
	// Details are further facts, e.g. {"state": "ended"} when a request
	// conflicts with the state a resource is in.
	Details map[string]string `json:"details,omitempty"`
}

// WriteError is the one place an error becomes an HTTP response. Internal and
// Unavailable errors are logged in full and masked to the client.
func WriteError(w http.ResponseWriter, r *http.Request, err error) {
	var e *errs.Error
	if !errors.As(err, &e) {
		e = &errs.Error{Kind: errs.Internal, Err: err}
	}
	status := e.Kind.HTTPStatus()
	detail := ErrorDetail{Code: e.Kind.String(), Message: e.Message, Fields: e.Fields, Details: e.Details}
	log := Logger(r.Context())
	switch e.Kind {
	case errs.Internal, errs.Unavailable:
		log.ErrorContext(r.Context(), "request failed", "err", err.Error(), "method", r.Method, "path", r.URL.Path)
		detail.Message = "internal error; it has been logged"
		if e.Kind == errs.Unavailable {
			detail.Message = "a dependency is unavailable; try again shortly"
		}
		detail.Fields, detail.Details = nil, nil
	default:
		log.InfoContext(r.Context(), "request rejected", "status", status, "err", err.Error(), "path", r.URL.Path)
	}
	if e.Kind == errs.Unauthenticated {
		w.Header().Set("WWW-Authenticate", `Bearer realm="kwipper"`)
	}
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(max(e.RetryAfter.Round(time.Second), time.Second)/time.Second)))
	}
	WriteJSON(w, status, ErrorBody{Error: detail})
}

// Handler is an http handler that returns an error instead of writing it.
type Handler func(w http.ResponseWriter, r *http.Request) error

// ServeHTTP runs h and writes any error it returns through WriteError.
func (h Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := h(w, r); err != nil {
		WriteError(w, r, err)
	}
}

type loggerKey struct{}

// WithLogger returns ctx carrying log.
func WithLogger(ctx context.Context, log *slog.Logger) context.Context {
	return context.WithValue(ctx, loggerKey{}, log)
}

// Logger returns the logger ctx carries, or slog.Default().
func Logger(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}

// Request deadlines every request gets (Middleware): a client that sends its
// body slower than ReadTimeout, or cannot take the answer within
// WriteTimeout, loses the connection instead of holding it. The server's own
// timeouts (see NewServer) also bound the headers and idle connections.
var (
	ReadTimeout  = 30 * time.Second
	WriteTimeout = 10 * time.Minute
)

// NewServer returns an http.Server for h with every timeout set, so slow
// clients cannot hold connections forever.
func NewServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: ReadTimeout,
		WriteTimeout: WriteTimeout, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
}

// Middleware wraps next with what every request gets: per-request read and
// write deadlines (ReadTimeout, WriteTimeout; they hold even behind a server
// without timeouts, such as the functions framework's), a server span that
// continues the caller's trace (traceparent or X-Cloud-Trace-Context), a
// logger, recovery from panics (a 500, logged) and a completion log line at
// debug level.
func Middleware(log *slog.Logger, next http.Handler) http.Handler {
	if log == nil {
		log = slog.Default()
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rc := http.NewResponseController(w)
		_ = rc.SetReadDeadline(start.Add(ReadTimeout))
		_ = rc.SetWriteDeadline(start.Add(WriteTimeout))
		ctx, span := tracing.StartServer(r)
		ctx = WithLogger(ctx, log)
		r = r.WithContext(ctx)
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			if p := recover(); p != nil {
				log.ErrorContext(ctx, "panic", "panic", fmt.Sprint(p), "path", r.URL.Path)
				WriteError(sw, r, errs.E(errs.Internal, "panic"))
			}
			if r.Pattern != "" {
				span.SetName(r.Pattern)
			}
			span.SetAttributes(attribute.Int("http.response.status_code", sw.status))
			if sw.status >= 500 {
				span.SetStatus(codes.Error, http.StatusText(sw.status))
			}
			span.End()
			log.DebugContext(ctx, "request", "method", r.Method, "path", r.URL.Path,
				"status", sw.status, "latency_ms", time.Since(start).Milliseconds())
		}()
		next.ServeHTTP(sw, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
