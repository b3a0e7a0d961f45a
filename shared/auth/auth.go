// Package auth issues and verifies Kwipper's access tokens: JWTs signed with
// Ed25519 (EdDSA) keys identified by a key id, short-lived, verified by every
// function with the public keys the User service serves as a JWKS.
package auth

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/kwipper/kwipper/shared/errs"
)

// Role is what a user may act as.
type Role string

// The roles.
const (
	Tutor   Role = "tutor"
	Learner Role = "learner"
)

// ValidRole reports whether r is a known role.
func ValidRole(r Role) bool { return r == Tutor || r == Learner }

// Audience is the aud of every Kwipper access token.
const Audience = "kwipper-api"

// Principal is the verified caller of a request.
type Principal struct {
	UserID string
	Roles  []Role
	// SessionID is the log-in session (refresh-token family) the access
	// token was issued for; empty for a token issued outside one.
	SessionID string
}

// Has reports whether p holds role r.
func (p Principal) Has(r Role) bool { return slices.Contains(p.Roles, r) }

// Claims are the JWT claims of an access token.
type Claims struct {
	Roles []Role `json:"roles"`
	// SID is the session (refresh-token family) the token belongs to.
	SID string `json:"sid,omitempty"`
	jwt.RegisteredClaims
}

// SigningKey is an Ed25519 private key with its key id (the RFC 7638
// thumbprint of its public key).
type SigningKey struct {
	KID     string
	Private ed25519.PrivateKey
}

// GenerateKey makes a new signing key (for local runs and tests).
func GenerateKey() (SigningKey, error) {
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return SigningKey{}, err
	}
	return newSigningKey(priv), nil
}

// ParseKeyPEM reads a PKCS#8 PEM Ed25519 private key.
func ParseKeyPEM(pemText string) (SigningKey, error) {
	block, _ := pem.Decode([]byte(pemText))
	if block == nil {
		return SigningKey{}, errors.New("auth: signing key is not PEM")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return SigningKey{}, fmt.Errorf("auth: signing key: %w", err)
	}
	priv, ok := k.(ed25519.PrivateKey)
	if !ok {
		return SigningKey{}, errors.New("auth: signing key is not Ed25519")
	}
	return newSigningKey(priv), nil
}

// PEM renders the private key as PKCS#8 PEM.
func (k SigningKey) PEM() (string, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k.Private)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), nil
}

func newSigningKey(priv ed25519.PrivateKey) SigningKey {
	pub := priv.Public().(ed25519.PublicKey)
	// RFC 7638 thumbprint: members in lexicographic order, no spaces.
	thumb := sha256.Sum256([]byte(`{"crv":"Ed25519","kty":"OKP","x":"` + b64(pub) + `"}`))
	return SigningKey{KID: b64(thumb[:]), Private: priv}
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// JWK is one public key of a JWKS: an RFC 8037 OKP (Ed25519) key, as Kwipper
// serves, or an RSA key, as Google serves for its OIDC tokens.
type JWK struct {
	KTY string `json:"kty"`
	CRV string `json:"crv,omitempty"`
	X   string `json:"x,omitempty"`
	N   string `json:"n,omitempty"`
	E   string `json:"e,omitempty"`
	KID string `json:"kid"`
	Use string `json:"use"`
	Alg string `json:"alg"`
}

// JWKS is a JSON Web Key Set.
type JWKS struct {
	Keys []JWK `json:"keys"`
}

// PublicJWK returns the public half of k as a JWK.
func (k SigningKey) PublicJWK() JWK {
	return JWK{KTY: "OKP", CRV: "Ed25519", X: b64(k.Private.Public().(ed25519.PublicKey)), KID: k.KID, Use: "sig", Alg: "EdDSA"}
}

// Signer issues access tokens.
type Signer struct {
	Key    SigningKey
	Issuer string
	TTL    time.Duration
}

// Issue returns a signed access token for userID with roles, valid from now
// for the signer's TTL, and its expiry.
func (s Signer) Issue(userID string, roles []Role, now time.Time) (string, time.Time, error) {
	return s.IssueSession(userID, roles, "", now)
}

// IssueSession is Issue for a token of log-in session sessionID (its sid
// claim), which a revocation of that session also revokes.
func (s Signer) IssueSession(userID string, roles []Role, sessionID string, now time.Time) (string, time.Time, error) {
	exp := now.Add(s.TTL)
	tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, Claims{
		Roles: roles,
		SID:   sessionID,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    s.Issuer,
			Subject:   userID,
			Audience:  jwt.ClaimStrings{Audience},
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now.Add(-30 * time.Second)),
			ExpiresAt: jwt.NewNumericDate(exp),
		},
	})
	tok.Header["kid"] = s.Key.KID
	signed, err := tok.SignedString(s.Key.Private)
	return signed, exp, err
}

// KeySource finds a verification key by key id.
type KeySource interface {
	// PublicKey returns the key with id kid (ed25519.PublicKey or
	// *rsa.PublicKey), or an error when none is known. The verifier's
	// accepted algorithms decide which key types can verify a token.
	PublicKey(ctx context.Context, kid string) (crypto.PublicKey, error)
}

// StaticKeys is a KeySource over keys held in process.
type StaticKeys map[string]crypto.PublicKey

// PublicKey implements KeySource.
func (s StaticKeys) PublicKey(_ context.Context, kid string) (crypto.PublicKey, error) {
	if k, ok := s[kid]; ok {
		return k, nil
	}
	return nil, fmt.Errorf("unknown key id %q", kid)
}

// KeysFromJWKS turns a JWKS into StaticKeys, skipping keys it cannot use.
func KeysFromJWKS(set JWKS) StaticKeys {
	keys := StaticKeys{}
	for _, k := range set.Keys {
		if pub := k.publicKey(); pub != nil {
			keys[k.KID] = pub
		}
	}
	return keys
}

// publicKey decodes k, or returns nil for a key type it does not know or a
// malformed key.
func (k JWK) publicKey() crypto.PublicKey {
	switch {
	case k.KTY == "OKP" && k.CRV == "Ed25519":
		x, err := base64.RawURLEncoding.DecodeString(k.X)
		if err != nil || len(x) != ed25519.PublicKeySize {
			return nil
		}
		return ed25519.PublicKey(x)
	case k.KTY == "RSA":
		n, err1 := base64.RawURLEncoding.DecodeString(k.N)
		e, err2 := base64.RawURLEncoding.DecodeString(k.E)
		if err1 != nil || err2 != nil || len(n) < 256 || len(e) == 0 || len(e) > 4 {
			return nil
		}
		return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	}
	return nil
}

// RemoteJWKS is a KeySource that fetches a JWKS over HTTP, caches it, and
// refetches (at most once per MinRefresh) when it meets an unknown key id, so
// that key rotation needs no redeploy.
type RemoteJWKS struct {
	URL        string
	Client     *http.Client
	MinRefresh time.Duration

	mu      sync.Mutex
	keys    StaticKeys
	fetched time.Time
}

// PublicKey implements KeySource.
func (r *RemoteJWKS) PublicKey(ctx context.Context, kid string) (crypto.PublicKey, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if k, ok := r.keys[kid]; ok {
		return k, nil
	}
	if !r.fetched.IsZero() && time.Since(r.fetched) < r.MinRefresh {
		return nil, fmt.Errorf("unknown key id %q", kid)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.URL, nil)
	if err != nil {
		return nil, err
	}
	client := r.Client
	if client == nil {
		client = &http.Client{Timeout: 5 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch JWKS: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch JWKS: status %d", resp.StatusCode)
	}
	var set JWKS
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
		return nil, fmt.Errorf("fetch JWKS: %w", err)
	}
	r.keys, r.fetched = KeysFromJWKS(set), time.Now()
	if k, ok := r.keys[kid]; ok {
		return k, nil
	}
	return nil, fmt.Errorf("unknown key id %q", kid)
}

// Verifier checks access tokens.
type Verifier struct {
	Keys   KeySource
	Issuer string
	// Revocations, when set, says which tokens were revoked before they
	// expire (a deleted account, a password change, log out everywhere).
	Revocations RevocationSource
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// Verify checks the token's signature, algorithm, issuer, audience and times
// and returns its principal; every failure is errs.Unauthenticated.
func (v *Verifier) Verify(ctx context.Context, token string) (Principal, error) {
	var keyErr error
	opts := []jwt.ParserOption{
		jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}),
		jwt.WithIssuer(v.Issuer),
		jwt.WithAudience(Audience),
		jwt.WithExpirationRequired(),
		jwt.WithLeeway(30 * time.Second),
	}
	if v.Now != nil {
		opts = append(opts, jwt.WithTimeFunc(v.Now))
	}
	var c Claims
	_, err := jwt.ParseWithClaims(token, &c, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		k, err := v.Keys.PublicKey(ctx, kid)
		keyErr = err
		return k, err
	}, opts...)
	switch {
	case err == nil:
	case errors.Is(err, jwt.ErrTokenExpired):
		return Principal{}, errs.E(errs.Unauthenticated, "access token has expired: log in again")
	case keyErr != nil && !strings.Contains(keyErr.Error(), "unknown key id"):
		return Principal{}, errs.Wrap(errs.Unavailable, keyErr, "token keys unavailable")
	default:
		return Principal{}, errs.Wrap(errs.Unauthenticated, err, "access token is not valid")
	}
	if c.Subject == "" {
		return Principal{}, errs.E(errs.Unauthenticated, "access token has no subject")
	}
	if v.Revocations != nil && v.Revocations.Revoked(ctx, c.Subject, c.SID) {
		return Principal{}, errs.E(errs.Unauthenticated, "access token has been revoked: log in again")
	}
	return Principal{UserID: c.Subject, Roles: c.Roles, SessionID: c.SID}, nil
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// Caller returns the principal fnreg.Guard verified for r: the zero
// Principal (no user id) for an anonymous caller of a public function.
func Caller(r *http.Request) Principal {
	p, _ := From(r.Context())
	return p
}

// From returns the principal of the request ctx belongs to, if any.
func From(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// Authenticate reads the bearer token of r, if any. It returns ok=false and no
// error when r carries no Authorization header, and an Unauthenticated error
// when the header is there but does not verify.
func (v *Verifier) Authenticate(r *http.Request) (Principal, bool, error) {
	tok, ok, err := bearer(r)
	if !ok || err != nil {
		return Principal{}, false, err
	}
	p, err := v.Verify(r.Context(), tok)
	if err != nil {
		return Principal{}, false, err
	}
	return p, true, nil
}

// Require returns the principal of r, verifying its token, and checks it holds
// at least one of roles (any authenticated user when roles is empty): 401
// without a valid token, 403 without the role.
func (v *Verifier) Require(r *http.Request, roles ...Role) (Principal, error) {
	p, ok, err := v.Authenticate(r)
	if err != nil {
		return Principal{}, err
	}
	if !ok {
		return Principal{}, errs.E(errs.Unauthenticated, "this operation needs an access token: log in and send it as \"Authorization: Bearer <token>\"")
	}
	if len(roles) == 0 || slices.ContainsFunc(roles, p.Has) {
		return p, nil
	}
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return Principal{}, errs.E(errs.PermissionDenied, "this operation is for the %s role", strings.Join(names, " or "))
}

// bearer returns the bearer token of r: ok=false without an Authorization
// header, an Unauthenticated error when the header is not "Bearer <token>".
func bearer(r *http.Request) (string, bool, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", false, nil
	}
	scheme, tok, found := strings.Cut(h, " ")
	tok = strings.TrimSpace(tok)
	if !found || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return "", false, errs.E(errs.Unauthenticated, "Authorization header must be \"Bearer <token>\"")
	}
	return tok, true, nil
}
