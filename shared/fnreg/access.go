package fnreg

import (
	"net/http"

	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/httpx"
)

// Auth is how Guard knows callers.
type Auth struct {
	// Tokens verifies users' access tokens.
	Tokens *auth.Verifier
	// Push verifies that a push delivery comes from Pub/Sub.
	Push auth.PushChecker
}

// Guard enforces s.Access before h runs, so no function can forget to check
// its caller: User, Tutor and Learner need a valid token (401) with the role
// (403); Public verifies a token when one is sent (an invalid one is still
// 401) so handlers can tell owners from the public. The verified principal is
// in the request context (auth.From). Push functions accept only Pub/Sub's
// deliveries (a.Push, for the audience of the function's push path), on top
// of Cloud Run's IAM in the cloud. Path ids that no id this API issues could
// match are refused (400) before the handler runs.
func Guard(s Spec, a Auth, h http.Handler) http.Handler {
	var roles []auth.Role
	switch s.Access {
	case Push:
		path := PushPath(s.Name)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if err := a.Push.CheckPush(r, path); err != nil {
				httpx.WriteError(w, r, err)
				return
			}
			h.ServeHTTP(w, r)
		})
	case Tutor:
		roles = []auth.Role{auth.Tutor}
	case Learner:
		roles = []auth.Role{auth.Learner}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var (
			p   auth.Principal
			ok  = true
			err error
		)
		if s.Access == Public {
			p, ok, err = a.Tokens.Authenticate(r)
		} else {
			p, err = a.Tokens.Require(r, roles...)
		}
		if err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		if ok {
			r = r.WithContext(auth.WithPrincipal(r.Context(), p))
		}
		if err := checkPathIDs(s, r); err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		h.ServeHTTP(w, r)
	})
}
