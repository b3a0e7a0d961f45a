package auth

import (
	"crypto/subtle"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/kwipper/kwipper/shared/errs"
)

// PushChecker decides whether a request to a Pub/Sub-triggered function's
// push endpoint (path, e.g. /push/billing-do-payment) comes from Pub/Sub.
// Every failure is errs.Unauthenticated (401) or errs.PermissionDenied (403), so
// Pub/Sub retries and the message ends in the dead-letter topic rather than
// being handled.
type PushChecker interface {
	CheckPush(r *http.Request, path string) error
}

// PushOIDC checks the OIDC token Pub/Sub attaches to every push when the
// subscription has an oidc_token: signed by Google (RS256, Keys), issued by
// accounts.google.com, for audience AudienceBase+path (the push endpoint, as
// Terraform sets it), to the verified email Invoker (the push service
// account). Cloud Run checks the same token before the request gets here;
// this keeps the check when the service is reached any other way.
type PushOIDC struct {
	Keys         KeySource
	AudienceBase string
	Invoker      string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

type googleClaims struct {
	Email         string `json:"email"`
	EmailVerified bool   `json:"email_verified"`
	jwt.RegisteredClaims
}

// CheckPush implements PushChecker.
func (p *PushOIDC) CheckPush(r *http.Request, path string) error {
	tok, ok, err := bearer(r)
	if err != nil {
		return err
	}
	if !ok {
		return errs.E(errs.Unauthenticated, "push delivery carries no OIDC token")
	}
	var keyErr error
	opts := []jwt.ParserOption{
		jwt.WithValidMethods([]string{jwt.SigningMethodRS256.Alg()}),
		jwt.WithAudience(strings.TrimRight(p.AudienceBase, "/") + path),
		jwt.WithExpirationRequired(),
		jwt.WithLeeway(30 * time.Second),
	}
	if p.Now != nil {
		opts = append(opts, jwt.WithTimeFunc(p.Now))
	}
	var c googleClaims
	_, err = jwt.ParseWithClaims(tok, &c, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		k, err := p.Keys.PublicKey(r.Context(), kid)
		keyErr = err
		return k, err
	}, opts...)
	switch {
	case err == nil:
	case keyErr != nil && !strings.Contains(keyErr.Error(), "unknown key id"):
		return errs.Wrap(errs.Unavailable, keyErr, "Google's token keys are unavailable")
	default:
		return errs.Wrap(errs.Unauthenticated, err, "push OIDC token is not valid")
	}
	if c.Issuer != "https://accounts.google.com" && c.Issuer != "accounts.google.com" {
		return errs.E(errs.Unauthenticated, "push OIDC token is not issued by Google")
	}
	if !c.EmailVerified || !strings.EqualFold(c.Email, p.Invoker) {
		return errs.E(errs.PermissionDenied, "push OIDC token is not the push service account's")
	}
	return nil
}

// PushToken checks a shared token the push endpoint URL carries as ?token=,
// for the local stack: the Pub/Sub emulator attaches no OIDC tokens.
type PushToken string

// CheckPush implements PushChecker.
func (t PushToken) CheckPush(r *http.Request, _ string) error {
	got := r.URL.Query().Get("token")
	if t == "" || subtle.ConstantTimeCompare([]byte(got), []byte(t)) != 1 {
		return errs.E(errs.Unauthenticated, "push delivery carries no valid push token")
	}
	return nil
}
