package stripefake

import (
	"net/http"
	"strings"
)

// Faults makes requests to paths under Path fail, for tests of what the
// platform does when Stripe misbehaves: Stripe down (Before), Stripe acted
// but its reply was lost (After: a 500 after the fact; Drop: no reply at
// all). They are met in that order.
type Faults struct {
	// Path is the path prefix the faults apply to, e.g.
	// "/v1/payment_intents".
	Path string
	// Method, when set, is the only method the faults apply to.
	Method string
	// Before is how many matching requests are answered 500 without being
	// handled (Stripe down).
	Before int
	// After is how many matching requests are handled, remembered under
	// their idempotency key, and then answered 500: Stripe acted but its
	// reply was lost (a timeout after the charge). A retry with the same
	// key gets the real answer, as from Stripe.
	After int
	// Drop is how many matching requests are handled (replays of an
	// idempotency key included) and then get no reply: the connection
	// closes, as when a network or process fails mid-call.
	Drop int
}

// InjectFaults replaces the faults in effect.
func (s *Server) InjectFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
}

// FaultsLeft is what remains of the injected faults (zero once every one
// was met).
func (s *Server) FaultsLeft() Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults
}

// fault is the fault request r meets (using one up): failBefore, failAfter
// or drop, or none. Callers hold s.mu.
func (s *Server) fault(r *http.Request) fault {
	f := &s.faults
	if f.Path == "" || !strings.HasPrefix(r.URL.Path, f.Path) || (f.Method != "" && r.Method != f.Method) {
		return none
	}
	switch {
	case f.Before > 0:
		f.Before--
		return failBefore
	case f.After > 0:
		f.After--
		return failAfter
	case f.Drop > 0:
		f.Drop--
		return drop
	}
	return none
}

type fault int

const (
	none fault = iota
	failBefore
	failAfter
	drop
)

// answer writes status and b, or the fault f makes of them (s.mu held).
func answer(w http.ResponseWriter, f fault, status int, b []byte, replayed bool) {
	switch f {
	case failAfter:
		writeInjected(w)
		return
	case drop:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
	}
	if replayed {
		w.Header().Set("Idempotent-Replayed", "true")
	}
	write(w, status, b)
}

func writeInjected(w http.ResponseWriter) {
	writeErr(w, http.StatusInternalServerError, apiErr{Type: "api_error", Message: "An unexpected error occurred (injected by the test)."})
}
