package user

import (
	"net/http"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/httpx"
)

// TokenRevocationsPath is the route of the token revocation list, which the
// composition root also reads in process (shared/auth RemoteRevocations).
const TokenRevocationsPath = "/v1/token-revocations"

// refreshTTL reads KW_REFRESH_TOKEN_TTL (c.RefreshTTL wins when set).
func refreshTTL(d fnreg.Deps, c Config) (Config, error) {
	r := d.Env()
	ttl := r.Duration("KW_REFRESH_TOKEN_TTL", DefaultRefreshTTL.String(), 0, 366*24*time.Hour)
	if err := r.Err(); err != nil {
		return c, err
	}
	if c.RefreshTTL == 0 {
		c.RefreshTTL = ttl
	}
	return c, nil
}

// issue makes a new refresh token of session sessionID of userID.
func (s *Service) issue(userID, sessionID string) (string, issued) {
	tok, hash := newRefreshToken(userID, sessionID)
	return tok, issued{SessionID: sessionID, Hash: hash, ExpiresAt: s.now().Add(s.refreshTTL)}
}

// answerSession writes the session answer: an access token of session t for
// u and the refresh token tok.
func (s *Service) answerSession(w http.ResponseWriter, u User, tok string, t issued) error {
	access, exp, err := s.signer.IssueSession(u.ID, u.Roles, t.SessionID, s.now())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, Session{AccessToken: access, TokenType: "Bearer", ExpiresAt: exp,
		RefreshToken: tok, RefreshExpiresAt: t.ExpiresAt, SessionID: t.SessionID, User: u.view()})
	return nil
}

// startSession starts a session for u, who has just proved who they are,
// and answers its tokens.
func (s *Service) startSession(w http.ResponseWriter, r *http.Request, u User) error {
	tok, t := s.issue(u.ID, uuid.NewString())
	u, err := s.store.startSession(r.Context(), u.ID, t)
	if errs.Is(err, errs.NotFound) {
		return errBadLogin
	}
	if err != nil {
		return err
	}
	return s.answerSession(w, u, tok, t)
}

func (s *Service) refresh(w http.ResponseWriter, r *http.Request) error {
	var req RefreshRequest
	if err := httpx.Decode(w, r, &req); err != nil {
		return err
	}
	if strings.TrimSpace(req.RefreshToken) == "" {
		return &errs.Error{Kind: errs.Invalid, Message: "some fields are not valid", Fields: map[string]string{"refresh_token": "is required"}}
	}
	userID, sessionID, hash, ok := parseRefreshToken(req.RefreshToken)
	if !ok {
		return errBadRefresh
	}
	tok, next := s.issue(userID, sessionID)
	u, outcome, err := s.store.rotate(r.Context(), userID, sessionID, hash, next, s.now())
	switch {
	case err != nil:
		return err
	case outcome == refreshReused:
		return errReused
	case outcome == refreshInvalid:
		return errBadRefresh
	}
	return s.answerSession(w, u, tok, next)
}

// logout revokes the session of the caller's access token; its refresh
// token stops working.
func (s *Service) logout(w http.ResponseWriter, r *http.Request) error {
	p := auth.Caller(r)
	if p.SessionID != "" {
		if err := s.store.revokeSession(r.Context(), p.UserID, p.SessionID); err != nil {
			return err
		}
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// logoutAll revokes every session of the caller: every refresh token and,
// within the verifiers' refresh of the revocation list, every access token.
func (s *Service) logoutAll(w http.ResponseWriter, r *http.Request) error {
	if err := s.store.revokeAllSessions(r.Context(), auth.Caller(r).UserID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Service) changePassword(w http.ResponseWriter, r *http.Request) error {
	p := auth.Caller(r)
	var req ChangePasswordRequest
	if err := httpx.Decode(w, r, &req); err != nil {
		return err
	}
	var f errs.Fields
	f.Check(req.CurrentPassword != "", "current_password", "is required")
	f.Check(len(req.CurrentPassword) <= 4*MaxPasswordLen, "current_password", "is too long")
	if err := f.Err(); err != nil {
		return err
	}
	u, err := s.store.get(r.Context(), p.UserID)
	if err != nil {
		return err
	}
	var pw errs.Fields
	checkPassword(&pw, req.NewPassword, u.Email)
	for _, msg := range pw {
		f.Add("new_password", msg)
	}
	f.Check(req.NewPassword != req.CurrentPassword, "new_password", "must differ from the current password")
	if err := f.Err(); err != nil {
		return err
	}
	var (
		ok              bool
		hash            string
		verErr, hashErr error
	)
	// Hashing is bounded per instance (throttle.go), as for log in.
	if err := s.gate.do(r.Context(), func() { ok, verErr = s.hasher.Verify(u.PasswordHash, req.CurrentPassword) }); err != nil {
		return err
	}
	if verErr != nil {
		return verErr
	}
	if !ok {
		return &errs.Error{Kind: errs.PermissionDenied, Message: "the current password is not correct",
			Fields: map[string]string{"current_password": "is not correct"}}
	}
	if err := s.gate.do(r.Context(), func() { hash, hashErr = s.hasher.Hash(req.NewPassword) }); err != nil {
		return err
	}
	if hashErr != nil {
		return hashErr
	}
	tok, t := s.issue(u.ID, uuid.NewString())
	if u, err = s.store.changePassword(r.Context(), u.ID, u.PasswordHash, hash, t); err != nil {
		return err
	}
	return s.answerSession(w, u, tok, t)
}

// tokenRevocations serves the revocation list: what was revoked within the
// access-token lifetime (and a minute of clock leeway).
func (s *Service) tokenRevocations(w http.ResponseWriter, r *http.Request) error {
	since := s.now().Add(-s.tokenTTL - time.Minute)
	list, err := s.store.revocations(r.Context(), since)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	httpx.WriteJSON(w, http.StatusOK, auth.RevocationList{Revocations: list, Since: since})
	return nil
}

// RefreshRequest is the body of POST /v1/sessions/refresh.
type RefreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

// ChangePasswordRequest is the body of POST /v1/users/me/password.
type ChangePasswordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}
