package user_test

import (
	"net/http"
	"testing"

	"github.com/kwipper/kwipper/functions/devstack/apitest"
	"github.com/kwipper/kwipper/shared/auth"
)

type session struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	SessionID    string `json:"session_id"`
}

func loginSession(e *apitest.Env, email, password string) session {
	e.T.Helper()
	var s session
	e.Must(http.StatusOK, "POST", "/v1/sessions", "", map[string]string{"email": email, "password": password}).JSON(e.T, &s)
	if s.AccessToken == "" || s.RefreshToken == "" || s.SessionID == "" {
		e.T.Fatalf("session without tokens: %+v", s)
	}
	return s
}

func refresh(e *apitest.Env, want int, tok string) session {
	e.T.Helper()
	var s session
	r := e.Must(want, "POST", "/v1/sessions/refresh", "", map[string]string{"refresh_token": tok})
	if want == http.StatusOK {
		r.JSON(e.T, &s)
	}
	return s
}

// TestSessions covers refresh-token rotation, reuse detection, log out and
// password change through the whole stack. Verifiers refetch the
// revocation list on every request here (KW_TOKEN_REVOCATIONS_REFRESH=0s),
// so a revoked access token is refused at once.
func TestSessions(t *testing.T) {
	e := apitest.Start(t, apitest.Setenv("KW_TOKEN_REVOCATIONS_REFRESH", "0s"))
	const email = "sessions@example.com"
	userID, _ := e.User(email, "learner")

	t.Run("refresh_200_rotates", func(t *testing.T) {
		s := loginSession(e, email, apitest.Password)
		n := refresh(e, 200, s.RefreshToken)
		if n.RefreshToken == s.RefreshToken || n.SessionID != s.SessionID || n.AccessToken == "" {
			t.Fatalf("refresh did not rotate: %+v -> %+v", s, n)
		}
		e.Must(200, "GET", "/v1/users/me", n.AccessToken, nil)
		refresh(e, 200, n.RefreshToken)
	})
	t.Run("refresh_400_missing_or_garbage_token_changes_nothing", func(t *testing.T) {
		s := loginSession(e, email, apitest.Password)
		if r := e.Must(400, "POST", "/v1/sessions/refresh", "", map[string]string{}); r.Error(t).Error.Fields["refresh_token"] == "" {
			t.Fatalf("no field: %s", r.Body)
		}
		refresh(e, 400, "not-a-token")
		// A well-formed token of the right session with a wrong secret is
		// not a reuse: the session lives on.
		refresh(e, 400, "kwr1."+userID+"."+s.SessionID+".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
		refresh(e, 200, s.RefreshToken)
	})
	t.Run("refresh_400_reuse_revokes_session", func(t *testing.T) {
		other := loginSession(e, email, apitest.Password)
		s := loginSession(e, email, apitest.Password)
		n := refresh(e, 200, s.RefreshToken)
		r := e.Must(400, "POST", "/v1/sessions/refresh", "", map[string]string{"refresh_token": s.RefreshToken})
		if msg := r.Error(t).Error.Message; msg == "" {
			t.Fatalf("no message: %s", r.Body)
		}
		// The current token of the session and its access token stop too.
		refresh(e, 400, n.RefreshToken)
		e.Must(401, "GET", "/v1/users/me", n.AccessToken, nil)
		// Another device's session is untouched.
		e.Must(200, "GET", "/v1/users/me", other.AccessToken, nil)
		refresh(e, 200, other.RefreshToken)
	})
	t.Run("logout_204_ends_this_session_only", func(t *testing.T) {
		other := loginSession(e, email, apitest.Password)
		s := loginSession(e, email, apitest.Password)
		e.Must(401, "DELETE", "/v1/sessions/current", "", nil)
		refresh(e, 200, other.RefreshToken) // the refused log out changed nothing
		other = loginSession(e, email, apitest.Password)
		e.Must(204, "DELETE", "/v1/sessions/current", s.AccessToken, nil)
		refresh(e, 400, s.RefreshToken)
		refresh(e, 200, other.RefreshToken)
		e.Must(204, "DELETE", "/v1/sessions/current", s.AccessToken, nil) // again: nothing more to end
	})
	t.Run("logout_all_204_ends_every_session_and_access_token", func(t *testing.T) {
		a := loginSession(e, email, apitest.Password)
		b := loginSession(e, email, apitest.Password)
		e.Must(401, "DELETE", "/v1/sessions", "", nil)
		e.Must(200, "GET", "/v1/users/me", a.AccessToken, nil) // the refused one changed nothing
		e.Must(204, "DELETE", "/v1/sessions", b.AccessToken, nil)
		for _, s := range []session{a, b} {
			refresh(e, 400, s.RefreshToken)
			e.Must(401, "GET", "/v1/users/me", s.AccessToken, nil)
		}
		var list auth.RevocationList
		e.Must(200, "GET", "/v1/token-revocations", "", nil).JSON(t, &list)
		found := 0
		for _, r := range list.Revocations {
			if r.UserID == userID && (r.SessionID == a.SessionID || r.SessionID == b.SessionID) {
				found++
			}
		}
		if found != 2 {
			t.Fatalf("revocation list %+v lacks the two sessions", list)
		}
		loginSession(e, email, apitest.Password) // logging in again works
	})
	t.Run("change_password", func(t *testing.T) {
		const email = "password@example.com"
		e.User(email, "tutor")
		a := loginSession(e, email, apitest.Password)
		b := loginSession(e, email, apitest.Password)
		const newPassword = "new-correct-horse-43"
		for _, tc := range []struct {
			name, token string
			status      int
			body        map[string]string
			field       string
		}{
			{"401_no_token", "", 401, map[string]string{"current_password": apitest.Password, "new_password": newPassword}, ""},
			{"403_wrong_current", a.AccessToken, 403, map[string]string{"current_password": "wrong-horse-99", "new_password": newPassword}, "current_password"},
			{"400_missing_current", a.AccessToken, 400, map[string]string{"new_password": newPassword}, "current_password"},
			{"400_weak_new", a.AccessToken, 400, map[string]string{"current_password": apitest.Password, "new_password": "short"}, "new_password"},
			{"400_same_as_current", a.AccessToken, 400, map[string]string{"current_password": apitest.Password, "new_password": apitest.Password}, "new_password"},
		} {
			t.Run("change_password_"+tc.name+"_changes_nothing", func(t *testing.T) {
				r := e.Must(tc.status, "POST", "/v1/users/me/password", tc.token, tc.body)
				if tc.field != "" && r.Error(t).Error.Fields[tc.field] == "" {
					t.Fatalf("error does not name %s: %s", tc.field, r.Body)
				}
				a = refresh(e, 200, a.RefreshToken)
				e.Must(200, "GET", "/v1/users/me", b.AccessToken, nil)
			})
		}
		loginSession(e, email, apitest.Password) // still the old password
		// A reset link asked for before the change must not undo it.
		e.Must(http.StatusAccepted, "POST", "/v1/password-resets", "", map[string]string{"email": email})
		resetToken := e.MailToken(e.Mail(email, "reset_password", 1))
		var n session
		e.Must(200, "POST", "/v1/users/me/password", a.AccessToken,
			map[string]string{"current_password": apitest.Password, "new_password": newPassword}).JSON(t, &n)
		for _, s := range []session{a, b} {
			refresh(e, 400, s.RefreshToken)
			e.Must(401, "GET", "/v1/users/me", s.AccessToken, nil)
		}
		e.Must(200, "GET", "/v1/users/me", n.AccessToken, nil)
		refresh(e, 200, n.RefreshToken)
		e.Must(401, "POST", "/v1/sessions", "", map[string]string{"email": email, "password": apitest.Password})
		loginSession(e, email, newPassword)
		e.Must(400, "POST", "/v1/password-resets/confirm", "", map[string]string{"token": resetToken, "new_password": "attacker-chosen-horse-7"})
		loginSession(e, email, newPassword)
	})
}
