package user

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/httpx"
	"github.com/kwipper/kwipper/shared/idempotency"
	"github.com/kwipper/kwipper/shared/mail"
)

// Service is the User service: its handlers and what they need.
type Service struct {
	store  store
	signer auth.Signer
	hasher Hasher
	now    func() time.Time
	// dummyHash is verified against when an email is unknown, so log in takes
	// as long for unknown emails as for wrong passwords.
	dummyHash string
	limits    Limits
	gate      *hashGate
	addresses *addressLimiter
	// resets bounds password-reset requests per client address.
	resets *addressLimiter
	// mailer sends email as mailCfg says.
	mailer  mail.Sender
	mailCfg MailSettings
	log     *slog.Logger
	// refreshTTL is how long a session lives after its latest refresh;
	// tokenTTL how long its access tokens live.
	refreshTTL, tokenTTL time.Duration
}

// Config tunes the service; the zero Config is production's.
type Config struct {
	// Hasher hashes passwords (default DefaultHasher).
	Hasher Hasher
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Limits bound hashing and password guessing (zero: loaded from the
	// service's environment, with their defaults).
	Limits Limits
	// RefreshTTL is how long a session lives after its latest refresh
	// (default KW_REFRESH_TOKEN_TTL, 30 days).
	RefreshTTL time.Duration
	// Mailer, when set, sends the service's email instead of the provider
	// the environment configures.
	Mailer mail.Sender
}

// New returns the User service on d's database, outbox and token signer.
func New(d fnreg.Deps, c Config) (*Service, error) {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Hasher == (Hasher{}) {
		c.Hasher = DefaultHasher
	}
	// Hashing at start-up would add tens of milliseconds to every cold
	// start; the default parameters have a precomputed hash.
	dummy := defaultDummyHash
	if c.Hasher != DefaultHasher {
		var err error
		if dummy, err = c.Hasher.Hash("not a real password"); err != nil {
			return nil, err
		}
	}
	if c.Limits == (Limits{}) {
		r := d.Env()
		c.Limits = loadLimits(r, d.Config.Env == "cloud")
		if err := r.Err(); err != nil {
			return nil, err
		}
	}
	c, err := refreshTTL(d, c)
	if err != nil {
		return nil, err
	}
	r := d.Env()
	mc := loadMail(r, d.Config.Env == "cloud", d.Config.BaseURL)
	if err := r.Err(); err != nil {
		return nil, err
	}
	log := d.Log
	if log == nil {
		log = slog.Default()
	}
	s := &Service{store: newStore(d), signer: d.Signer, hasher: c.Hasher, now: c.Now, dummyHash: dummy, limits: c.Limits,
		gate: newHashGate(c.Limits.HashConcurrency, c.Limits.HashWait), addresses: newAddressLimiter(c.Limits.AddressFailures, c.Limits.AddressWindow),
		resets: newAddressLimiter(c.Limits.AddressFailures, c.Limits.AddressWindow),
		mailer: c.Mailer, mailCfg: mc, log: log,
		refreshTTL: c.RefreshTTL, tokenTTL: d.Config.TokenTTL}
	switch {
	case s.mailer != nil:
	case mc.Key != "":
		s.mailer = mail.SendGrid{Base: mc.APIBase, Key: mc.Key, From: mc.From}
	default:
		s.mailer = logMailer{s}
	}
	return s, nil
}

func (s *Service) register(w http.ResponseWriter, r *http.Request) error {
	var req RegisterRequest
	if err := httpx.Decode(w, r, &req); err != nil {
		return err
	}
	u, err := validateRegistration(req)
	if err != nil {
		return err
	}
	u.ID = idempotency.ID(r.Context(), 0)
	var hashErr error
	if err := s.gate.do(r.Context(), func() { u.PasswordHash, hashErr = s.hasher.Hash(req.Password) }); err != nil {
		return err
	}
	if hashErr != nil {
		return hashErr
	}
	if err := s.store.create(r.Context(), &u); err != nil {
		return err
	}
	// The welcome email asks to verify the address; if it cannot go out
	// now, the account still exists and the user asks for another.
	_, _ = s.sendEmail(r.Context(), u, purposeVerify)
	w.Header().Set("Location", "/v1/users/me")
	httpx.WriteJSON(w, http.StatusCreated, u.view())
	return nil
}

// defaultDummyHash is DefaultHasher's hash of a random password nobody knows.
const defaultDummyHash = "$argon2id$v=19$m=19456,t=2,p=1$7RMYRupLDq9bQxRal0uCXg$tHOh9j0fwXcltv62ePoKOEPerHEBGJc+iDOaoUZwj04"

var errBadLogin = errs.E(errs.Unauthenticated, "email or password is not correct")

func (s *Service) login(w http.ResponseWriter, r *http.Request) error {
	var req LoginRequest
	if err := httpx.Decode(w, r, &req); err != nil {
		return err
	}
	var f errs.Fields
	f.Check(strings.TrimSpace(req.Email) != "", "email", "is required")
	f.Check(req.Password != "", "password", "is required")
	f.Check(len(req.Password) <= 4*MaxPasswordLen, "password", "is too long")
	if err := f.Err(); err != nil {
		return err
	}
	now, addr := s.now(), clientAddr(r, s.limits.ClientAddrHops)
	if err := s.addresses.allow(addr, now); err != nil {
		return err
	}
	u, err := s.store.byEmail(r.Context(), NormalizeEmail(req.Email))
	if errs.Is(err, errs.NotFound) {
		if err := s.gate.do(r.Context(), func() { _, _ = s.hasher.Verify(s.dummyHash, req.Password) }); err != nil {
			return err
		}
		s.addresses.fail(addr, now)
		return errBadLogin
	}
	if err == nil {
		err = s.store.loginState(r.Context(), &u)
	}
	if err != nil {
		return err
	}
	if err := u.loginLocked(now); err != nil {
		return err
	}
	var ok bool
	var verifyErr error
	if err := s.gate.do(r.Context(), func() { ok, verifyErr = s.hasher.Verify(u.PasswordHash, req.Password) }); err != nil {
		return err
	}
	if verifyErr != nil {
		return verifyErr
	}
	if !ok || u.FailedLogins > 0 {
		if err := s.store.recordLogin(r.Context(), u.ID, ok, now, s.limits.Account); err != nil {
			return err
		}
	}
	if !ok {
		s.addresses.fail(addr, now)
		return errBadLogin
	}
	return s.startSession(w, r, u)
}

func (s *Service) getMe(w http.ResponseWriter, r *http.Request) error {
	p := auth.Caller(r)
	u, err := s.store.get(r.Context(), p.UserID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, u.view())
	return nil
}

func (s *Service) updateMe(w http.ResponseWriter, r *http.Request) error {
	p := auth.Caller(r)
	var req UpdateRequest
	if err := httpx.Decode(w, r, &req); err != nil {
		return err
	}
	var f errs.Fields
	if req.DisplayName != nil {
		*req.DisplayName = strings.TrimSpace(*req.DisplayName)
		checkDisplayName(&f, *req.DisplayName)
	}
	if req.Country != nil {
		*req.Country = strings.ToUpper(strings.TrimSpace(*req.Country))
		checkCountry(&f, *req.Country)
	}
	if req.DisplayName == nil && req.Country == nil {
		f.Add("display_name", "send display_name and/or country to change")
	}
	if err := f.Err(); err != nil {
		return err
	}
	u, err := s.store.update(r.Context(), p.UserID, func(u *User) error {
		if req.DisplayName != nil {
			u.DisplayName = *req.DisplayName
		}
		if req.Country != nil {
			u.Country = *req.Country
		}
		return nil
	})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, u.view())
	return nil
}

func (s *Service) jwks(w http.ResponseWriter, _ *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	httpx.WriteJSON(w, http.StatusOK, auth.JWKS{Keys: []auth.JWK{s.signer.Key.PublicJWK()}})
	return nil
}

// relay publishes what the outbox still holds; a Cloud Scheduler tick
// triggers it every minute.
func (s *Service) relay(ctx context.Context, _ events.Message) error {
	return s.store.relay(ctx)
}

// RegisterRequest is the body of POST /v1/users.
type RegisterRequest struct {
	Email       string   `json:"email" example:"ana@example.com"`
	Password    string   `json:"password" example:"correct-horse-42"`
	DisplayName string   `json:"display_name" example:"Ana Santos"`
	Roles       []string `json:"roles" example:"[\"learner\"]"`
	Country     string   `json:"country" example:"PH"`
}

// LoginRequest is the body of POST /v1/sessions.
type LoginRequest struct {
	Email    string `json:"email" example:"ana@example.com"`
	Password string `json:"password" example:"correct-horse-42"`
}

// UpdateRequest is the body of PATCH /v1/users/me; absent fields stay.
type UpdateRequest struct {
	DisplayName *string `json:"display_name,omitempty" example:"Ana S."`
	Country     *string `json:"country,omitempty" example:"MX"`
}

// View is a user as the API shows it (never the password hash).
type View struct {
	ID          string   `json:"id" example:"5a1f2d3c-8b9e-4f60-a7d1-3e2c4b5a6f70"`
	Email       string   `json:"email" example:"ana@example.com"`
	DisplayName string   `json:"display_name" example:"Ana Santos"`
	Roles       []string `json:"roles" example:"[\"learner\"]"`
	Country     string   `json:"country" enum:"ID,JP,PH,MX" example:"PH"`
	// EmailVerified says whether the user opened the link emailed to Email
	// (POST /v1/users/me/email-verification sends another).
	EmailVerified bool      `json:"email_verified" example:"true"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// Session is the answer to a successful log in (and to a refresh or a
// password change): a short-lived access token and the refresh token that
// gets the next one (it changes on every refresh).
type Session struct {
	AccessToken string    `json:"access_token" example:"eyJhbGciOiJFZERTQSIsImtpZCI6ImsxIn0.eyJzdWIiOiJ1XzAxIn0.c2lnbmF0dXJl"`
	TokenType   string    `json:"token_type" example:"Bearer"`
	ExpiresAt   time.Time `json:"expires_at"`
	// RefreshToken is sent once to POST /v1/sessions/refresh; it lives
	// until RefreshExpiresAt.
	RefreshToken     string    `json:"refresh_token"`
	RefreshExpiresAt time.Time `json:"refresh_token_expires_at"`
	// SessionID names the session (log out ends it).
	SessionID string `json:"session_id"`
	User      View   `json:"user"`
}
