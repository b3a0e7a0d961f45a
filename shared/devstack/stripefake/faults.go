package stripefake

import (
	"net/http"
	"strings"
)

// Faults makes requests to paths under Path fail, for tests of what the
// platform does when Stripe misbehaves.
type Faults struct {
	// Path is the path prefix the faults apply to, e.g.
	// "/v1/payment_intents".
	Path string
	// Before is how many matching requests are answered 500 without being
	// handled (Stripe down).
	Before int
	// After is how many matching requests are handled, remembered under
	// their idempotency key, and then answered 500: Stripe acted but its
	// reply was lost (a timeout after the charge). A retry with the same
	// key gets the real answer, as from Stripe.
	After int
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

// fault reports whether the request to path is to fail before or after it
// is handled, using one up. Callers hold s.mu.
func (s *Server) fault(path string) (before, after bool) {
	if s.faults.Path == "" || !strings.HasPrefix(path, s.faults.Path) {
		return false, false
	}
	switch {
	case s.faults.Before > 0:
		s.faults.Before--
		return true, false
	case s.faults.After > 0:
		s.faults.After--
		return false, true
	}
	return false, false
}

func writeInjected(w http.ResponseWriter) {
	writeErr(w, http.StatusInternalServerError, apiErr{Type: "api_error", Message: "An unexpected error occurred (injected by the test)."})
}
