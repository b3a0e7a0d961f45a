package fnreg

import (
	"net/http"

	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/httpx"
)

// Guard enforces s.Access before h runs, so no function can forget to check
// its caller: User, Tutor and Learner need a valid token (401) with the role
// (403); Public verifies a token when one is sent (an invalid one is still
// 401) so handlers can tell owners from the public. The verified principal is
// in the request context (auth.From). Push functions are guarded by Cloud
// Run's IAM (only the Pub/Sub push identity may invoke them).
func Guard(s Spec, v *auth.Verifier, h http.Handler) http.Handler {
	var roles []auth.Role
	switch s.Access {
	case Push:
		return h
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
			p, ok, err = v.Authenticate(r)
		} else {
			p, err = v.Require(r, roles...)
		}
		if err != nil {
			httpx.WriteError(w, r, err)
			return
		}
		if ok {
			r = r.WithContext(auth.WithPrincipal(r.Context(), p))
		}
		h.ServeHTTP(w, r)
	})
}
