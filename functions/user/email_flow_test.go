package user_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/devstack/apitest"
	"github.com/kwipper/kwipper/functions/user"
	"github.com/kwipper/kwipper/shared/spanx"
)

// Email verification through the whole stack and its mailbox: signing up
// emails a link in the account's language; a wrong or garbled token is
// refused and verifies nothing; the link verifies once (a second click
// answers the same); another email is refused while one was just sent and
// once verified.
func TestEmailVerification(t *testing.T) {
	e := apitest.Start(t)
	const email = "kenji@verify.test"
	e.Must(http.StatusCreated, "POST", "/v1/users", "", map[string]any{"email": email, "password": apitest.Password,
		"display_name": "Kenji", "roles": []string{"learner"}, "country": "JP"})
	s := loginSession(e, email, apitest.Password)
	m := e.Mail(email, "verify_email", 1)
	if m.Subject != "Kwipper のメールアドレスを確認してください" || !strings.Contains(m.Text, "Kenji 様") ||
		!strings.Contains(m.Text, e.URL+"/#/verify-email?token=kwe1.") || !strings.Contains(m.Text, "48 h") {
		t.Fatalf("verification email %q:\n%s", m.Subject, m.Text)
	}
	verified := func() bool {
		var v user.View
		e.Must(200, "GET", "/v1/users/me", s.AccessToken, nil).JSON(t, &v)
		return v.EmailVerified
	}
	if verified() {
		t.Fatal("verified before the link was opened")
	}
	tok := e.MailToken(m)

	// Refusals change nothing.
	for _, bad := range []string{"", "kwe1.not-a-token", "kwe1." + strings.Repeat("A", 43), tok[:len(tok)-2] + "xx"} {
		r := e.Must(http.StatusBadRequest, "POST", "/v1/email-verifications", "", map[string]string{"token": bad})
		if !strings.Contains(string(r.Body), "token") {
			t.Errorf("token %q refused with %s", bad, string(r.Body))
		}
	}
	r := e.Must(http.StatusTooManyRequests, "POST", "/v1/users/me/email-verification", s.AccessToken, nil)
	if r.Header.Get("Retry-After") == "" || len(e.Mails(email, "verify_email")) != 1 {
		t.Fatalf("a second email right away: %s (Retry-After %q), %d emails", string(r.Body), r.Header.Get("Retry-After"), len(e.Mails(email, "verify_email")))
	}
	if verified() {
		t.Fatal("a refused token verified the address")
	}

	var v user.View
	e.Must(200, "POST", "/v1/email-verifications", "", map[string]string{"token": tok}).JSON(t, &v)
	if !v.EmailVerified || v.Email != email || !verified() {
		t.Fatalf("after the link: %+v", v)
	}
	e.Must(200, "POST", "/v1/email-verifications", "", map[string]string{"token": tok}).JSON(t, &v)
	if !v.EmailVerified {
		t.Fatalf("second click: %+v", v)
	}
	e.Must(http.StatusConflict, "POST", "/v1/users/me/email-verification", s.AccessToken, nil)
}

// Password reset through the whole stack: the answer does not tell whether
// an address has an account; the link's token sets a new password only if
// it is strong enough (a refused one keeps the link working), ends every
// session, verifies the address, works once, and retires the account's
// other reset links; deleting the account removes its tokens.
func TestPasswordReset(t *testing.T) {
	e := apitest.Start(t)
	const email = "ana@reset.test"
	e.Must(http.StatusCreated, "POST", "/v1/users", "", map[string]any{"email": email, "password": apitest.Password,
		"display_name": "Ana", "roles": []string{"learner"}, "country": "MX"})
	before := loginSession(e, email, apitest.Password)

	var unknown, known user.EmailSent
	e.Must(http.StatusAccepted, "POST", "/v1/password-resets", "", map[string]string{"email": "nobody@reset.test"}).JSON(t, &unknown)
	e.Must(http.StatusAccepted, "POST", "/v1/password-resets", "", map[string]string{"email": " ANA@reset.test "}).JSON(t, &known)
	if strings.Replace(unknown.Message, "nobody@reset.test", email, 1) != known.Message {
		t.Fatalf("the answers tell the addresses apart:\n%s\n%s", unknown.Message, known.Message)
	}
	if n := len(e.Mailbox.Messages("nobody@reset.test")); n != 0 {
		t.Fatalf("%d emails to an address without an account", n)
	}
	e.Must(http.StatusBadRequest, "POST", "/v1/password-resets", "", map[string]string{"email": "not an address"})
	m := e.Mail(email, "reset_password", 1)
	if m.Subject != "Restablece tu contraseña de Kwipper" || !strings.Contains(m.Text, "/#/reset-password?token=kwe1.") || !strings.Contains(m.Text, "30 min") {
		t.Fatalf("reset email %q:\n%s", m.Subject, m.Text)
	}
	tok := e.MailToken(m)
	// Asked again at once: the same answer, no second email.
	e.Must(http.StatusAccepted, "POST", "/v1/password-resets", "", map[string]string{"email": email})
	if n := len(e.Mails(email, "reset_password")); n != 1 {
		t.Fatalf("%d reset emails after asking twice within a minute", n)
	}

	// Refusals: a weak password keeps everything as it was, the link too.
	r := e.Must(http.StatusBadRequest, "POST", "/v1/password-resets/confirm", "", map[string]string{"token": tok, "new_password": "short"})
	if !strings.Contains(string(r.Body), "new_password") {
		t.Fatalf("weak password refused with %s", string(r.Body))
	}
	e.Must(http.StatusBadRequest, "POST", "/v1/password-resets/confirm", "", map[string]string{"token": "kwe1.forged", "new_password": "a brand new passphrase 7"})
	loginSession(e, email, apitest.Password)

	const newPassword = "a brand new passphrase 7"
	var s struct {
		AccessToken string    `json:"access_token"`
		User        user.View `json:"user"`
	}
	e.Must(200, "POST", "/v1/password-resets/confirm", "", map[string]string{"token": tok, "new_password": newPassword}).JSON(t, &s)
	if s.AccessToken == "" || !s.User.EmailVerified {
		t.Fatalf("reset answered %+v", s)
	}
	refresh(e, http.StatusBadRequest, before.RefreshToken)
	e.Must(http.StatusUnauthorized, "POST", "/v1/sessions", "", map[string]string{"email": email, "password": apitest.Password})
	after := loginSession(e, email, newPassword)
	e.Must(http.StatusBadRequest, "POST", "/v1/password-resets/confirm", "", map[string]string{"token": tok, "new_password": "yet another passphrase 8"})
	loginSession(e, email, newPassword)

	// Deleting the account removes its emailed tokens (they hold the address).
	users, err := spanx.Open(context.Background(), spanx.DatabasePath(e.Cfg.Project, e.Cfg.SpannerInstance, user.Database))
	if err != nil {
		t.Fatal(err)
	}
	defer users.Close()
	count := func() int64 {
		n, err := spanx.Column[int64](users.Single().Query(context.Background(), spanner.Statement{
			SQL: "SELECT COUNT(*) FROM EmailTokens WHERE Email = @e", Params: map[string]any{"e": email}}))
		if err != nil {
			t.Fatal(err)
		}
		return n[0]
	}
	if n := count(); n != 2 {
		t.Fatalf("%d emailed tokens before deletion, want 2 (verification and reset)", n)
	}
	e.Must(http.StatusNoContent, "DELETE", "/v1/users/me", after.AccessToken, map[string]string{"password": newPassword})
	if n := count(); n != 0 {
		t.Fatalf("%d emailed tokens left after deletion", n)
	}
}
