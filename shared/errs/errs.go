// Package errs is Kwipper's one error vocabulary. Every layer returns errors of
// a Kind; the HTTP layer maps a Kind to a status in one place (httpx.WriteError)
// and masks Internal errors from the client.
package errs

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

// Kind classifies an error by what the caller can do about it.
type Kind int

// The kinds of error. The zero value is Internal so that an unclassified error
// is never shown to a client.
const (
	Internal           Kind = iota // a bug or an unavailable dependency; masked to clients
	Invalid                        // the request is malformed or a field is wrong
	Unauthenticated                // no credentials, or credentials that do not verify
	PermissionDenied               // the caller may not do this
	NotFound                       // the thing does not exist (or the caller may not know it exists)
	Conflict                       // the request conflicts with the current state (duplicate, concurrent change)
	FailedPrecondition             // the thing is not in a state that allows this
	TooLarge                       // the request body is over the limit
	Unavailable                    // a dependency is down; a retry may help
	PaymentRequired                // the payment was declined
	MethodNotAllowed               // the route exists, not with this method
	TooManyRequests                // the caller must slow down (Retry-After says when to try again)
)

var kindNames = map[Kind]string{
	Internal: "internal", Invalid: "invalid", Unauthenticated: "unauthenticated",
	PermissionDenied: "permission_denied", NotFound: "not_found", Conflict: "conflict",
	FailedPrecondition: "failed_precondition", TooLarge: "too_large", Unavailable: "unavailable",
	PaymentRequired: "payment_required", MethodNotAllowed: "method_not_allowed", TooManyRequests: "too_many_requests",
}

// String returns the kind's stable machine-readable name, used as the "code"
// of an error response.
func (k Kind) String() string { return kindNames[k] }

// HTTPStatus is the one mapping from Kind to HTTP status.
func (k Kind) HTTPStatus() int {
	switch k {
	case Invalid:
		return http.StatusBadRequest
	case Unauthenticated:
		return http.StatusUnauthorized
	case PermissionDenied:
		return http.StatusForbidden
	case NotFound:
		return http.StatusNotFound
	case Conflict:
		return http.StatusConflict
	case FailedPrecondition:
		return http.StatusConflict
	case TooLarge:
		return http.StatusRequestEntityTooLarge
	case Unavailable:
		return http.StatusServiceUnavailable
	case PaymentRequired:
		return http.StatusPaymentRequired
	case MethodNotAllowed:
		return http.StatusMethodNotAllowed
	case TooManyRequests:
		return http.StatusTooManyRequests
	default:
		return http.StatusInternalServerError
	}
}

// Error is an error with a Kind, a message safe to show to the caller, optional
// per-field messages and an optional wrapped cause (never shown to clients).
type Error struct {
	Kind    Kind
	Message string
	Fields  map[string]string
	// Details are further facts for the caller, e.g. the "state" a
	// resource is in when a request conflicts with it.
	Details map[string]string
	// RetryAfter, when set, says how long the caller should wait before
	// trying again (the Retry-After header).
	RetryAfter time.Duration
	Err        error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Kind.String())
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	if len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "; %s: %s", k, e.Fields[k])
		}
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// E returns an *Error of kind k with a formatted message.
func E(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an *Error of kind k that carries err as its hidden cause.
func Wrap(k Kind, err error, message string) *Error {
	return &Error{Kind: k, Message: message, Err: err}
}

// KindOf reports the Kind of err: the kind of the outermost *Error in its
// chain, or Internal.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// Is reports whether err is an *Error of kind k.
func Is(err error, k Kind) bool { return err != nil && KindOf(err) == k }

// Fields collects per-field validation messages. Its zero value is ready to use.
type Fields map[string]string

// Add records msg for field unless a message is already recorded for it.
func (f *Fields) Add(field, msg string) {
	if *f == nil {
		*f = Fields{}
	}
	if _, ok := (*f)[field]; !ok {
		(*f)[field] = msg
	}
}

// Check records msg for field when ok is false.
func (f *Fields) Check(ok bool, field, msg string) {
	if !ok {
		f.Add(field, msg)
	}
}

// Err returns nil when no field failed, or an Invalid *Error naming each field.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Kind: Invalid, Message: "some fields are not valid", Fields: f}
}
