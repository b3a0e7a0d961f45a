package user

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"time"

	"github.com/kwipper/kwipper/shared/errs"
)

// Sessions and refresh tokens.
//
// A log in starts a session (a refresh-token family) and answers a
// short-lived access token (its sid claim names the session) with a
// long-lived refresh token. Each refresh rotates the refresh token: the
// session's generation moves on and the presented token becomes old. An old
// token presented again means two holders (a stolen copy), so the session is
// revoked: the thief's and the owner's next refresh both fail and the owner
// logs in again. Only the SHA-256 of a token's secret is stored; the secret
// has 256 bits, so a fast hash is enough. Log out revokes this device's
// session or every session; a password change revokes every session and
// starts a new one. Revocations that must reach live access tokens (every
// session, reuse, a deleted account) are listed for verifiers (shared/auth,
// RemoteRevocations).

// DefaultRefreshTTL is how long a session lives after its latest refresh
// (KW_REFRESH_TOKEN_TTL).
const DefaultRefreshTTL = 30 * 24 * time.Hour

// refreshPrefix marks Kwipper refresh tokens (and their format's version).
const refreshPrefix = "kwr1"

// newRefreshToken returns a fresh refresh token of session sessionID of user
// userID, and the hash that is stored.
func newRefreshToken(userID, sessionID string) (string, []byte) {
	secret := make([]byte, 32)
	_, _ = rand.Read(secret) // never fails (crypto/rand)
	tok := refreshPrefix + "." + userID + "." + sessionID + "." + base64.RawURLEncoding.EncodeToString(secret)
	h := sha256.Sum256(secret)
	return tok, h[:]
}

// parseRefreshToken splits a refresh token into its user, session and
// secret's hash; ok is false for anything this service never issued.
func parseRefreshToken(tok string) (userID, sessionID string, hash []byte, ok bool) {
	parts := strings.Split(strings.TrimSpace(tok), ".")
	if len(parts) != 4 || parts[0] != refreshPrefix || !validID(parts[1]) || !validID(parts[2]) {
		return "", "", nil, false
	}
	secret, err := base64.RawURLEncoding.DecodeString(parts[3])
	if err != nil || len(secret) != 32 {
		return "", "", nil, false
	}
	h := sha256.Sum256(secret)
	return parts[1], parts[2], h[:], true
}

func validID(s string) bool {
	if s == "" || len(s) > 36 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// session is a log-in session as stored.
type session struct {
	UserID, ID string
	Generation int64
	ExpiresAt  time.Time
	Revoked    bool
}

// refreshOutcome is what presenting a refresh token leads to.
type refreshOutcome int

const (
	// refreshRotate: the token is the session's current one; issue the next.
	refreshRotate refreshOutcome = iota
	// refreshInvalid: revoked or expired session, or an expired token.
	refreshInvalid
	// refreshReused: an old token of a live session: revoke the session.
	refreshReused
)

// refresh decides what a presented token of generation gen (expiring at
// tokenExpires) does to sess at now.
func (sess session) refresh(gen int64, tokenExpires, now time.Time) refreshOutcome {
	switch {
	case sess.Revoked || !now.Before(sess.ExpiresAt):
		return refreshInvalid
	case gen != sess.Generation:
		return refreshReused
	case !now.Before(tokenExpires):
		return refreshInvalid
	}
	return refreshRotate
}

// Why sessions are revoked (Sessions.RevokedReason, TokenRevocations.Reason).
const (
	revokedLogout         = "logout"
	revokedLogoutAll      = "logout_all"
	revokedReuse          = "refresh_token_reused"
	revokedPasswordChange = "password_changed"
	revokedAccountDeleted = "account_deleted"
	revokedPasswordReset  = "password_reset"
)

// A refresh token that does not work is a bad request (400, as OAuth's
// invalid_grant), never 401: 401 means the bearer token sent is not valid.
var (
	errBadRefresh = &errs.Error{Kind: errs.Invalid, Message: "refresh token is not valid or has expired: log in again",
		Fields: map[string]string{"refresh_token": "is not valid or has expired: log in again"}}
	errReused = &errs.Error{Kind: errs.Invalid, Message: "refresh token was already used: the session is revoked for safety, log in again",
		Fields: map[string]string{"refresh_token": "was already used: log in again"}}
)
