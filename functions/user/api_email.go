package user

import (
	"context"
	"net/http"
	"strings"

	"github.com/google/uuid"

	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/httpx"
	"github.com/kwipper/kwipper/shared/mail"
)

// The email handlers (see email.go).

// logMailer is the mail port outside the cloud when no provider is
// configured: it logs who would get what (never the text: it holds the
// link) and sends nothing.
type logMailer struct{ s *Service }

func (m logMailer) Send(ctx context.Context, msg mail.Message) error {
	m.s.log.InfoContext(ctx, "email not sent: no mail provider configured (KW_MAIL_API_KEY)", "category", msg.Category, "subject", msg.Subject)
	return nil
}

// sendEmail emails u a new token of purpose, unless one went out less than
// ResendAfter ago; it reports whether it sent one.
func (s *Service) sendEmail(ctx context.Context, u User, purpose string) (bool, error) {
	ttl := s.mailCfg.VerifyTTL
	if purpose == purposeReset {
		ttl = s.mailCfg.ResetTTL
	}
	tok, hash := newEmailToken()
	now := s.now()
	sent, err := s.store.addEmailToken(ctx, u, purpose, hash, now.Add(ttl), s.mailCfg.ResendAfter, now)
	if err != nil || !sent {
		return false, err
	}
	if err := s.mailer.Send(ctx, emailFor(u, purpose, s.mailCfg.LinkBase, tok, ttl)); err != nil {
		s.log.ErrorContext(ctx, "email not sent", "category", purpose, "err", err.Error())
		return false, errs.E(errs.Unavailable, "the email could not be sent: try again in a minute")
	}
	return true, nil
}

// EmailSent answers a request that emails a link.
type EmailSent struct {
	// Message says what was sent (or, for a password reset, what was sent
	// if the address has an account).
	Message string `json:"message" example:"we emailed a link to ana@example.com; it works for 48 h"`
}

var errAlreadyVerified = errs.E(errs.FailedPrecondition, "your email address is already verified")

var errSentRecently = &errs.Error{Kind: errs.TooManyRequests, Message: "we emailed you a link moments ago: check your inbox (and spam) before asking for another"}

// sendVerification emails the caller a new verification link.
func (s *Service) sendVerification(w http.ResponseWriter, r *http.Request) error {
	u, err := s.store.get(r.Context(), auth.Caller(r).UserID)
	if err != nil {
		return err
	}
	if !u.EmailVerifiedAt.IsZero() {
		return errAlreadyVerified
	}
	sent, err := s.sendEmail(r.Context(), u, purposeVerify)
	if err != nil {
		return err
	}
	if !sent {
		e := *errSentRecently
		e.RetryAfter = s.mailCfg.ResendAfter
		return &e
	}
	httpx.WriteJSON(w, http.StatusAccepted, EmailSent{Message: "we emailed a link to " + u.Email + "; it works for " + humanTTL(s.mailCfg.VerifyTTL)})
	return nil
}

// TokenRequest carries a token from an emailed link.
type TokenRequest struct {
	Token string `json:"token" example:"kwe1.q5mM0k4dJ6vBv6l9r2YxgS1n0c3Wb8Zt7QeR4uH2aLk"`
}

// tokenHash validates an emailed token field.
func tokenHash(token string) ([]byte, error) {
	var f errs.Fields
	f.Check(strings.TrimSpace(token) != "", "token", "is required: it is the token of the emailed link")
	if err := f.Err(); err != nil {
		return nil, err
	}
	h, ok := emailTokenHash(token)
	if !ok {
		return nil, errEmailToken
	}
	return h, nil
}

// verifyEmail uses a verification link's token.
func (s *Service) verifyEmail(w http.ResponseWriter, r *http.Request) error {
	var req TokenRequest
	if err := httpx.Decode(w, r, &req); err != nil {
		return err
	}
	h, err := tokenHash(req.Token)
	if err != nil {
		return err
	}
	u, err := s.store.verifyEmail(r.Context(), h, s.now())
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, u.view())
	return nil
}

// PasswordResetRequest asks for a password-reset link.
type PasswordResetRequest struct {
	Email string `json:"email" example:"ana@example.com"`
}

// requestPasswordReset emails a reset link to the account with the address,
// if there is one; the answer is the same either way, so it does not tell
// who has an account.
func (s *Service) requestPasswordReset(w http.ResponseWriter, r *http.Request) error {
	var req PasswordResetRequest
	if err := httpx.Decode(w, r, &req); err != nil {
		return err
	}
	email := NormalizeEmail(req.Email)
	var f errs.Fields
	f.Check(email != "" && len(email) <= 254 && strings.Contains(email, "@"), "email", "must be the account's email address")
	if err := f.Err(); err != nil {
		return err
	}
	now, addr := s.now(), clientAddr(r, s.limits.ClientAddrHops)
	if err := s.resets.allow(addr, now); err != nil {
		e := *errs.E(errs.TooManyRequests, "too many password reset requests from your network: try again later")
		e.RetryAfter = err.(*errs.Error).RetryAfter
		return &e
	}
	s.resets.fail(addr, now) // every request counts against the address
	u, err := s.store.byEmail(r.Context(), email)
	switch {
	case errs.Is(err, errs.NotFound):
	case err != nil:
		return err
	default:
		if _, err := s.sendEmail(r.Context(), u, purposeReset); err != nil {
			return err
		}
	}
	httpx.WriteJSON(w, http.StatusAccepted, EmailSent{Message: "if an account has the address " + email +
		", we emailed it a link to choose a new password; it works once, for " + humanTTL(s.mailCfg.ResetTTL)})
	return nil
}

// PasswordResetConfirm chooses a new password with a reset link's token.
type PasswordResetConfirm struct {
	Token       string `json:"token" example:"kwe1.q5mM0k4dJ6vBv6l9r2YxgS1n0c3Wb8Zt7QeR4uH2aLk"`
	NewPassword string `json:"new_password" example:"a long new passphrase"`
}

// resetPassword sets a new password with a reset link's token: every
// session ends and a new one starts.
func (s *Service) resetPassword(w http.ResponseWriter, r *http.Request) error {
	var req PasswordResetConfirm
	if err := httpx.Decode(w, r, &req); err != nil {
		return err
	}
	h, err := tokenHash(req.Token)
	if err != nil {
		return err
	}
	u, err := s.store.emailTokenUser(r.Context(), h, purposeReset, s.now())
	if err != nil {
		return err
	}
	var pw, f errs.Fields
	checkPassword(&pw, req.NewPassword, u.Email)
	for _, msg := range pw {
		f.Add("new_password", msg)
	}
	if err := f.Err(); err != nil {
		return err
	}
	var (
		hash    string
		hashErr error
	)
	if err := s.gate.do(r.Context(), func() { hash, hashErr = s.hasher.Hash(req.NewPassword) }); err != nil {
		return err
	}
	if hashErr != nil {
		return hashErr
	}
	tok, t := s.issue(u.ID, uuid.NewString())
	if u, err = s.store.resetPassword(r.Context(), h, u.PasswordHash, hash, t, s.now()); err != nil {
		return err
	}
	return s.answerSession(w, u, tok, t)
}
