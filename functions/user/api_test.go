package user_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/contract/usermsg"
	"github.com/kwipper/kwipper/functions/devstack/apitest"
	"github.com/kwipper/kwipper/functions/user"
	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/devstack/testenv"
	"github.com/kwipper/kwipper/shared/spanx"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func register(email, password string) map[string]any {
	return map[string]any{"email": email, "password": password, "display_name": "Ana", "roles": []string{"learner"}, "country": "MX"}
}

func TestRegisterLoginProfile(t *testing.T) {
	e := apitest.Start(t)
	var u struct {
		ID, Email string
		Roles     []string
	}
	e.Must(201, "POST", "/v1/users", "", map[string]any{"email": "  Ana@Example.COM ", "password": apitest.Password,
		"display_name": "Ana", "roles": []string{"learner", "tutor", "learner"}, "country": "mx"}).JSON(t, &u)
	if u.Email != "ana@example.com" || len(u.Roles) != 2 {
		t.Fatalf("registered %+v", u)
	}
	t.Run("register_409_duplicate_email", func(t *testing.T) {
		r := e.Must(409, "POST", "/v1/users", "", register("ANA@example.com", apitest.Password))
		if r.Error(t).Error.Fields["email"] == "" {
			t.Fatalf("no email field: %s", r.Body)
		}
	})
	var s struct {
		AccessToken string    `json:"access_token"`
		ExpiresAt   time.Time `json:"expires_at"`
	}
	e.Must(200, "POST", "/v1/sessions", "", map[string]string{"email": "ana@example.com", "password": apitest.Password}).JSON(t, &s)
	if s.AccessToken == "" || time.Until(s.ExpiresAt) > 16*time.Minute {
		t.Fatalf("session %+v", s)
	}
	t.Run("login_401_wrong_password", func(t *testing.T) {
		e.Must(401, "POST", "/v1/sessions", "", map[string]string{"email": "ana@example.com", "password": "wrong-password-1"})
	})
	t.Run("login_401_unknown_email", func(t *testing.T) {
		e.Must(401, "POST", "/v1/sessions", "", map[string]string{"email": "nobody@example.com", "password": apitest.Password})
	})
	t.Run("me_200", func(t *testing.T) {
		var me struct{ ID, Email string }
		e.Must(200, "GET", "/v1/users/me", s.AccessToken, nil).JSON(t, &me)
		if me.ID != u.ID {
			t.Fatalf("me %+v", me)
		}
	})
	t.Run("me_401_no_token", func(t *testing.T) { e.Must(401, "GET", "/v1/users/me", "", nil) })
	t.Run("me_401_bad_signature", func(t *testing.T) {
		other, _ := auth.GenerateKey()
		forged, _, _ := auth.Signer{Key: auth.SigningKey{KID: e.App.Signer.Key.KID, Private: other.Private},
			Issuer: e.Cfg.TokenIssuer, TTL: time.Minute}.Issue(u.ID, []auth.Role{auth.Tutor}, time.Now())
		e.Must(401, "GET", "/v1/users/me", forged, nil)
	})
	t.Run("me_401_expired", func(t *testing.T) {
		old, _, _ := e.App.Signer.Issue(u.ID, nil, time.Now().Add(-time.Hour))
		r := e.Must(401, "GET", "/v1/users/me", old, nil)
		if !strings.Contains(r.Error(t).Error.Message, "expired") {
			t.Fatalf("%s", r.Body)
		}
	})
	t.Run("update_200_and_400_changes_nothing", func(t *testing.T) {
		e.Must(200, "PATCH", "/v1/users/me", s.AccessToken, map[string]string{"display_name": "Ana María"})
		e.Must(400, "PATCH", "/v1/users/me", s.AccessToken, map[string]string{"display_name": "Ana", "country": "FR"})
		var me struct {
			DisplayName string `json:"display_name"`
			Country     string
		}
		e.Must(200, "GET", "/v1/users/me", s.AccessToken, nil).JSON(t, &me)
		if me.DisplayName != "Ana María" || me.Country != "MX" {
			t.Fatalf("me %+v", me)
		}
	})
	t.Run("events_are_numbered", func(t *testing.T) {
		db, err := spanx.Open(t.Context(), spanx.DatabasePath(e.Cfg.Project, e.Cfg.SpannerInstance, user.Database))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		data, err := spanx.Column[[]byte](db.Single().Query(t.Context(), spanner.Statement{SQL: "SELECT Data FROM Outbox ORDER BY CreatedAt"}))
		if err != nil {
			t.Fatal(err)
		}
		var versions []int64
		for _, b := range data {
			var d usermsg.EventData
			if err := json.Unmarshal(b, &d); err != nil {
				t.Fatal(err)
			}
			versions = append(versions, d.Version)
		}
		// Registered, then renamed; the refused update announced nothing.
		if !slices.Equal(versions, []int64{1, 2}) {
			t.Fatalf("event versions %v, want [1 2]", versions)
		}
	})
	t.Run("jwks_verifies_issued_token", func(t *testing.T) {
		var set auth.JWKS
		e.Must(200, "GET", "/.well-known/jwks.json", "", nil).JSON(t, &set)
		v := auth.Verifier{Keys: auth.KeysFromJWKS(set), Issuer: e.Cfg.TokenIssuer}
		if p, err := v.Verify(t.Context(), s.AccessToken); err != nil || p.UserID != u.ID {
			t.Fatalf("verify with JWKS: %v", err)
		}
	})
}

func TestRegister_400(t *testing.T) {
	e := apitest.Start(t)
	for _, tc := range []struct {
		name  string
		body  any
		field string
	}{
		{"malformed_json", `{"email":`, ""},
		{"unknown_field", `{"email":"a@b.co","admin":true}`, "admin"},
		{"wrong_type", `{"email":"a@b.co","roles":"tutor"}`, "roles"},
		{"missing_fields", `{}`, "email"},
		{"bad_email", register("not-an-email", apitest.Password), "email"},
		{"weak_password_short", register("a@b.co", "short1"), "password"},
		{"weak_password_one_class", register("a@b.co", "aaaaaaaaaaaa"), "password"},
		{"overlong_password", register("a@b.co", strings.Repeat("ab1", 50)), "password"},
		{"unknown_country", map[string]any{"email": "a@b.co", "password": apitest.Password, "display_name": "A", "roles": []string{"tutor"}, "country": "FR"}, "country"},
		{"unknown_role", map[string]any{"email": "a@b.co", "password": apitest.Password, "display_name": "A", "roles": []string{"admin"}, "country": "JP"}, "roles"},
	} {
		t.Run("register_400_"+tc.name, func(t *testing.T) {
			r := e.Must(http.StatusBadRequest, "POST", "/v1/users", "", tc.body)
			eb := r.Error(t)
			if eb.Error.Message == "" || (tc.field != "" && eb.Error.Fields[tc.field] == "") {
				t.Fatalf("error does not name %q: %s", tc.field, r.Body)
			}
		})
	}
	t.Run("register_413_oversize", func(t *testing.T) {
		e.Must(http.StatusRequestEntityTooLarge, "POST", "/v1/users", "", `{"display_name":"`+strings.Repeat("x", 70<<10)+`"}`)
	})
	// None of the rejected requests created a user: the email is still free.
	e.Must(201, "POST", "/v1/users", "", register("a@b.co", apitest.Password))
}
