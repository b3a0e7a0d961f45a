// Package user is Kwipper's User service: registration, log in (issuing
// access tokens), the caller's profile, and the JWKS every other function
// verifies tokens with. It owns the "users" database and announces changes on
// user-events (functions/contract/usermsg).
//
// user.go is the domain (the rules; no cloud SDK), api.go the thin HTTP
// handlers, routes.go the service's functions, store*.go the Spanner storage.
package user

import (
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kwipper/kwipper/functions/contract/sagamsg"
	"github.com/kwipper/kwipper/functions/contract/usermsg"
	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/errs"
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
	// EmailVerifiedAt is when the user proved they read Email's mailbox
	// (zero: not yet).
	EmailVerifiedAt time.Time
	// eventVersion is the version of the user's latest event (EventData).
	eventVersion int64
	// FailedLogins counts failed logins since the last success or lockout;
	// LockedUntil is when a lockout ends (zero: none). See LoginPolicy.
	FailedLogins int64
	LockedUntil  time.Time
}

func (u User) view() View {
	return View{ID: u.ID, Email: u.Email, DisplayName: u.DisplayName, Roles: roleNames(u.Roles),
		Country: u.Country, EmailVerified: !u.EmailVerifiedAt.IsZero(), CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
}

// eventData is what a user event says of u (its version set by the store).
func (u User) eventData() usermsg.EventData {
	return usermsg.EventData{UserID: u.ID, DisplayName: u.DisplayName, Roles: roleNames(u.Roles), Country: u.Country, Email: u.Email}
}

// sagaInfo is what the subscribe saga learns of u (GetUserInfo), or the code
// and reason why u cannot subscribe.
func (u User) sagaInfo() (sagamsg.UserInfo, string, string) {
	if !slices.Contains(u.Roles, auth.Learner) {
		return sagamsg.UserInfo{}, sagamsg.CodeNotALearner, "only learners can subscribe to courses"
	}
	return sagamsg.UserInfo{DisplayName: u.DisplayName, Country: u.Country, Roles: roleNames(u.Roles)}, "", ""
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
