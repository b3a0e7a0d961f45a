package user

import (
	"net/http"

	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/httpx"
)

// Account lifecycle: delete my account, export my data.
//
// Deleting an account is a choreographed saga over user-events: the User
// service commits the step that cannot be undone and must not wait, in one
// transaction (the account row and everything under it deleted, every token
// of the user listed as revoked, user.deleted in the outbox), and each
// service then does its own step on user.deleted, idempotently: Subscribe
// ends every live subscription at once (subscription.ended stops access and
// the course's count), Course forgets a tutor's name. Nothing compensates:
// a deletion is never rolled back, so each step retries until it succeeds
// (a step that keeps failing lands in the dead-letter topic for an
// operator).

var errWrongPassword = &errs.Error{Kind: errs.PermissionDenied, Message: "the password is not correct",
	Fields: map[string]string{"password": "is not correct"}}

// deleteMe deletes the caller's account after checking their password.
func (s *Service) deleteMe(w http.ResponseWriter, r *http.Request) error {
	p := auth.Caller(r)
	var req DeleteAccountRequest
	if err := httpx.Decode(w, r, &req); err != nil {
		return err
	}
	var f errs.Fields
	f.Check(req.Password != "", "password", "is required: deleting an account asks for its password")
	f.Check(len(req.Password) <= 4*MaxPasswordLen, "password", "is too long")
	if err := f.Err(); err != nil {
		return err
	}
	u, err := s.store.get(r.Context(), p.UserID)
	if err != nil {
		return err
	}
	var ok bool
	var verErr error
	if err := s.gate.do(r.Context(), func() { ok, verErr = s.hasher.Verify(u.PasswordHash, req.Password) }); err != nil {
		return err
	}
	if verErr != nil {
		return verErr
	}
	if !ok {
		return errWrongPassword
	}
	if err := s.store.deleteAccount(r.Context(), u.ID, u.PasswordHash); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// exportMe answers the caller's personal data as a JSON file.
func (s *Service) exportMe(w http.ResponseWriter, r *http.Request) error {
	p := auth.Caller(r)
	x, err := s.store.exportData(r.Context(), p.UserID)
	if err != nil {
		return err
	}
	x.ExportedAt = s.now().UTC()
	w.Header().Set("Content-Disposition", `attachment; filename="kwipper-account-`+p.UserID+`.json"`)
	w.Header().Set("Cache-Control", "no-store")
	httpx.WriteJSON(w, http.StatusOK, x)
	return nil
}

// DeleteAccountRequest is the body of DELETE /v1/users/me.
type DeleteAccountRequest struct {
	Password string `json:"password"`
}
