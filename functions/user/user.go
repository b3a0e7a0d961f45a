// Package user is Kwipper's User service: registration, log in (issuing
// access tokens), the caller's profile, and the JWKS every other function
// verifies tokens with. It owns the "users" database and announces changes on
// the user-events topic.
package user

import (
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/errs"
)

// Database is the service's Spanner database id.
const Database = "users"

// Topic is where the service announces user events.
const Topic = "user-events"

// Event types on Topic.
const (
	EventRegistered = "user.registered"
	EventUpdated    = "user.updated"
)

// Countries are the service areas a user may live in.
var Countries = []string{"ID", "JP", "MX", "PH"}

// Password length bounds.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 128
)

// User is a registered user.
type User struct {
	ID           string
	Email        string
	PasswordHash string
	DisplayName  string
	Roles        []auth.Role
	Country      string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// eventVersion is the version of the user's latest event (EventData).
	eventVersion int64
}

// RegisterRequest is the body of POST /v1/users.
type RegisterRequest struct {
	Email       string   `json:"email"`
	Password    string   `json:"password"`
	DisplayName string   `json:"display_name"`
	Roles       []string `json:"roles"`
	Country     string   `json:"country"`
}

// LoginRequest is the body of POST /v1/sessions.
type LoginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// UpdateRequest is the body of PATCH /v1/users/me; absent fields stay.
type UpdateRequest struct {
	DisplayName *string `json:"display_name,omitempty"`
	Country     *string `json:"country,omitempty"`
}

// View is a user as the API shows it (never the password hash).
type View struct {
	ID          string    `json:"id"`
	Email       string    `json:"email"`
	DisplayName string    `json:"display_name"`
	Roles       []string  `json:"roles"`
	Country     string    `json:"country"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Session is the answer to a successful log in.
type Session struct {
	AccessToken string    `json:"access_token"`
	TokenType   string    `json:"token_type"`
	ExpiresAt   time.Time `json:"expires_at"`
	User        View      `json:"user"`
}

// EventData is the payload of user events: what other services may keep a
// projection of (no email or credentials).
type EventData struct {
	UserID      string   `json:"user_id"`
	DisplayName string   `json:"display_name"`
	Roles       []string `json:"roles"`
	Country     string   `json:"country"`
	// Version numbers the user's events: 1 for user.registered, one more
	// for each update. A consumer applies an event only when it is newer
	// than what it has.
	Version int64 `json:"version"`
}

func (u User) view() View {
	return View{ID: u.ID, Email: u.Email, DisplayName: u.DisplayName, Roles: roleNames(u.Roles),
		Country: u.Country, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
}

func (u User) eventData() EventData {
	return EventData{UserID: u.ID, DisplayName: u.DisplayName, Roles: roleNames(u.Roles), Country: u.Country}
}

func roleNames(rs []auth.Role) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return out
}

// NormalizeEmail trims and lower-cases an email address.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// validateRegistration checks a registration and returns the normalised user
// fields (without id, hash or times), or an Invalid error naming each bad field.
func validateRegistration(req RegisterRequest) (User, error) {
	var f errs.Fields
	u := User{Email: NormalizeEmail(req.Email), DisplayName: strings.TrimSpace(req.DisplayName),
		Country: strings.ToUpper(strings.TrimSpace(req.Country))}
	checkEmail(&f, u.Email)
	checkPassword(&f, req.Password, u.Email)
	checkDisplayName(&f, u.DisplayName)
	checkCountry(&f, u.Country)
	if len(req.Roles) == 0 {
		f.Add("roles", `must list at least one of "tutor", "learner"`)
	}
	for _, r := range req.Roles {
		role := auth.Role(strings.ToLower(strings.TrimSpace(r)))
		if !auth.ValidRole(role) {
			f.Add("roles", `may only hold "tutor" and "learner", not `+quote(r))
			continue
		}
		if !slices.Contains(u.Roles, role) {
			u.Roles = append(u.Roles, role)
		}
	}
	slices.Sort(u.Roles)
	return u, f.Err()
}

func checkEmail(f *errs.Fields, email string) {
	if len(email) > 254 {
		f.Add("email", "must be at most 254 characters")
		return
	}
	addr, err := mail.ParseAddress(email)
	if email == "" || err != nil || addr.Address != email || !strings.Contains(email[strings.LastIndexByte(email, '@')+1:], ".") {
		f.Add("email", "must be an email address like name@example.com")
	}
}

// checkPassword enforces length bounds and a little variety; the hash does
// the rest.
func checkPassword(f *errs.Fields, pw, email string) {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLen:
		f.Add("password", "must be at least 10 characters")
	case n > MaxPasswordLen:
		f.Add("password", "must be at most 128 characters")
	case classes(pw) < 2:
		f.Add("password", "must mix at least two of: letters, digits, symbols")
	case email != "" && strings.Contains(strings.ToLower(pw), strings.SplitN(email, "@", 2)[0]) && len(strings.SplitN(email, "@", 2)[0]) >= 4:
		f.Add("password", "must not contain your email address")
	}
}

func classes(pw string) int {
	var letter, digit, other bool
	for _, r := range pw {
		switch {
		case unicode.IsLetter(r):
			letter = true
		case unicode.IsDigit(r):
			digit = true
		default:
			other = true
		}
	}
	n := 0
	for _, b := range []bool{letter, digit, other} {
		if b {
			n++
		}
	}
	return n
}

func checkDisplayName(f *errs.Fields, name string) {
	n := utf8.RuneCountInString(name)
	if n == 0 || n > 100 {
		f.Add("display_name", "must be 1 to 100 characters")
	}
	if strings.ContainsFunc(name, unicode.IsControl) {
		f.Add("display_name", "must not contain control characters")
	}
}

func checkCountry(f *errs.Fields, c string) {
	if !slices.Contains(Countries, c) {
		f.Add("country", "must be one of ID, JP, PH, MX")
	}
}

func quote(s string) string { return `"` + s + `"` }
