package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"
)

// Access tokens are verified without calling the User service, so one stays
// valid until it expires (15 minutes) unless verifiers learn otherwise. The
// User service therefore serves a revocation list: the tokens revoked within
// the last access-token lifetime, which every verifier fetches and caches
// like the JWKS (RemoteRevocations). An entry names a user and a session
// (refresh-token family): every token of that session is refused; an entry
// with no session refuses every token of the user (a deleted account). Only
// revocations that must reach live access tokens are listed (a deleted
// account, a password change, log out on every device); log out on one
// device stops its refresh token, and its access token, which the client
// drops, lives out its minutes. The list stays small: entries leave it once
// no token they cover can still be unexpired.

// Revocation is one entry of a revocation list.
type Revocation struct {
	// UserID is the token subject (sub).
	UserID string `json:"sub"`
	// SessionID is the revoked session (sid); empty: every session.
	SessionID string `json:"sid,omitempty"`
}

// RevocationList is what the User service serves: the entries revoked since
// Since.
type RevocationList struct {
	Revocations []Revocation `json:"revocations"`
	// Since is the oldest revocation the list still holds: older ones
	// cover only expired tokens.
	Since time.Time `json:"since"`
}

// RevocationSource says whether a token of user userID and session
// sessionID (empty for a token outside a session) has been revoked.
type RevocationSource interface {
	Revoked(ctx context.Context, userID, sessionID string) bool
}

// revocationSet is a list indexed for lookups.
type revocationSet map[string]map[string]bool

func (s revocationSet) revoked(userID, sessionID string) bool {
	sessions, ok := s[userID]
	return ok && (sessions[""] || sessions[sessionID])
}

// RemoteRevocations is a RevocationSource that fetches the list over HTTP
// and keeps it for Refresh: a revoked token is refused by every verifier
// within Refresh of its revocation. It fails open: when a fetch fails it
// keeps the list it has and tries again after Refresh (the User service
// being down must not take the API down; tokens still expire).
type RemoteRevocations struct {
	URL     string
	Client  *http.Client
	Refresh time.Duration
	Log     *slog.Logger

	mu      sync.Mutex
	set     revocationSet
	fetched time.Time
}

// Revoked implements RevocationSource.
func (r *RemoteRevocations) Revoked(ctx context.Context, userID, sessionID string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fetched.IsZero() || time.Since(r.fetched) >= r.Refresh {
		if set, err := r.fetch(ctx); err != nil {
			if r.Log != nil {
				r.Log.WarnContext(ctx, "token revocation list unavailable: using the last one", "err", err.Error())
			}
		} else {
			r.set = set
		}
		r.fetched = time.Now()
	}
	return r.set.revoked(userID, sessionID)
}

func (r *RemoteRevocations) fetch(ctx context.Context) (revocationSet, error) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.URL, nil)
	if err != nil {
		return nil, err
	}
	client := r.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch revocations: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch revocations: status %d", resp.StatusCode)
	}
	var list RevocationList
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		return nil, fmt.Errorf("fetch revocations: %w", err)
	}
	set := revocationSet{}
	for _, e := range list.Revocations {
		if set[e.UserID] == nil {
			set[e.UserID] = map[string]bool{}
		}
		set[e.UserID][e.SessionID] = true
	}
	return set, nil
}

// HandlerTransport is an http.RoundTripper that serves requests with h in
// process (a verifier in the User service's own process reads the list
// without a network hop).
type HandlerTransport struct{ Handler http.Handler }

// RoundTrip implements http.RoundTripper.
func (t HandlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	t.Handler.ServeHTTP(rec, req)
	return rec.Result(), nil
}
