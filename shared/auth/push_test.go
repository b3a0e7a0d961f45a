package auth

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/kwipper/kwipper/shared/errs"
)

// TestPushOIDC signs tokens as Google does (RS256, a kid from a JWKS of RSA
// keys served over HTTP) and checks what a push endpoint accepts.
func TestPushOIDC(t *testing.T) {
	google, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	jwks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(JWKS{Keys: []JWK{{KTY: "RSA", KID: "g1", Alg: "RS256", Use: "sig",
			N: base64.RawURLEncoding.EncodeToString(google.N.Bytes()),
			E: base64.RawURLEncoding.EncodeToString(big.NewInt(int64(google.E)).Bytes())}}})
	}))
	defer jwks.Close()
	now := time.Date(2027, 1, 1, 12, 0, 0, 0, time.UTC)
	p := &PushOIDC{Keys: &RemoteJWKS{URL: jwks.URL}, AudienceBase: "https://api.kwipper.example",
		Invoker: "kw-push-invoker@p.iam.gserviceaccount.com", Now: func() time.Time { return now }}
	const path = "/push/billing-do-payment"
	claims := func(mod func(*googleClaims)) googleClaims {
		c := googleClaims{Email: p.Invoker, EmailVerified: true, RegisteredClaims: jwt.RegisteredClaims{
			Issuer: "https://accounts.google.com", Audience: jwt.ClaimStrings{p.AudienceBase + path},
			Subject: "1234", IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour))}}
		if mod != nil {
			mod(&c)
		}
		return c
	}
	sign := func(c googleClaims, key *rsa.PrivateKey, method jwt.SigningMethod) string {
		tok := jwt.NewWithClaims(method, c)
		tok.Header["kid"] = "g1"
		s, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for name, tc := range map[string]struct {
		header string
		want   errs.Kind
		ok     bool
	}{
		"valid":                {header: "Bearer " + sign(claims(nil), google, jwt.SigningMethodRS256), ok: true},
		"no token":             {want: errs.Unauthenticated},
		"not bearer":           {header: "Basic abc", want: errs.Unauthenticated},
		"other key":            {header: "Bearer " + sign(claims(nil), other, jwt.SigningMethodRS256), want: errs.Unauthenticated},
		"other algorithm":      {header: "Bearer " + sign(claims(nil), google, jwt.SigningMethodRS512), want: errs.Unauthenticated},
		"other function":       {header: "Bearer " + sign(claims(func(c *googleClaims) { c.Audience = jwt.ClaimStrings{p.AudienceBase + "/push/x"} }), google, jwt.SigningMethodRS256), want: errs.Unauthenticated},
		"expired":              {header: "Bearer " + sign(claims(func(c *googleClaims) { c.ExpiresAt = jwt.NewNumericDate(now.Add(-time.Hour)) }), google, jwt.SigningMethodRS256), want: errs.Unauthenticated},
		"not Google's":         {header: "Bearer " + sign(claims(func(c *googleClaims) { c.Issuer = "https://evil.example" }), google, jwt.SigningMethodRS256), want: errs.Unauthenticated},
		"other account":        {header: "Bearer " + sign(claims(func(c *googleClaims) { c.Email = "someone@p.iam.gserviceaccount.com" }), google, jwt.SigningMethodRS256), want: errs.PermissionDenied},
		"email not verified":   {header: "Bearer " + sign(claims(func(c *googleClaims) { c.EmailVerified = false }), google, jwt.SigningMethodRS256), want: errs.PermissionDenied},
		"short issuer is fine": {header: "Bearer " + sign(claims(func(c *googleClaims) { c.Issuer = "accounts.google.com" }), google, jwt.SigningMethodRS256), ok: true},
	} {
		t.Run(name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", nil)
			if tc.header != "" {
				r.Header.Set("Authorization", tc.header)
			}
			err := p.CheckPush(r, path)
			if tc.ok {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if errs.KindOf(err) != tc.want {
				t.Fatalf("got %v, want kind %v", err, tc.want)
			}
		})
	}
}

func TestPushToken(t *testing.T) {
	for target, ok := range map[string]bool{"/?token=s3cret": true, "/": false, "/?token=s3cre": false, "/?token=": false} {
		err := PushToken("s3cret").CheckPush(httptest.NewRequest("POST", target, nil), "/push/x")
		if (err == nil) != ok || (err != nil && errs.KindOf(err) != errs.Unauthenticated) {
			t.Errorf("%s: %v", target, err)
		}
	}
	if PushToken("").CheckPush(httptest.NewRequest("POST", "/?token=", nil), "/push/x") == nil {
		t.Error("an empty push token accepts everything")
	}
}
