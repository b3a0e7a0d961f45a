package auth

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kwipper/kwipper/shared/errs"
)

func setup(t *testing.T) (Signer, *Verifier) {
	t.Helper()
	k, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return Signer{Key: k, Issuer: "iss", TTL: 15 * time.Minute},
		&Verifier{Keys: StaticKeys{k.KID: k.Private.Public().(ed25519.PublicKey)}, Issuer: "iss"}
}

func TestVerify(t *testing.T) {
	s, v := setup(t)
	now := time.Now()
	good, _, err := s.Issue("u1", []Role{Tutor}, now)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := GenerateKey()
	otherKID := Signer{Key: SigningKey{KID: s.Key.KID, Private: other.Private}, Issuer: "iss", TTL: time.Minute}
	forged, _, _ := otherKID.Issue("u1", []Role{Tutor}, now)
	expired, _, _ := s.Issue("u1", []Role{Tutor}, now.Add(-time.Hour))
	wrongIss, _, _ := Signer{Key: s.Key, Issuer: "evil", TTL: time.Minute}.Issue("u1", nil, now)
	unknownKey, _, _ := Signer{Key: other, Issuer: "iss", TTL: time.Minute}.Issue("u1", nil, now)
	parts := strings.Split(good, ".")
	noneAlg := `eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.` + parts[1] + `.`

	p, err := v.Verify(context.Background(), good)
	if err != nil || p.UserID != "u1" || !p.Has(Tutor) || p.Has(Learner) {
		t.Fatalf("good token: %+v %v", p, err)
	}
	for name, tok := range map[string]string{
		"bad_signature": forged, "expired": expired, "wrong_issuer": wrongIss,
		"unknown_key": unknownKey, "alg_none": noneAlg, "garbage": "abc", "tampered": parts[0] + "." + parts[1] + "x." + parts[2],
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := v.Verify(context.Background(), tok); errs.KindOf(err) != errs.Unauthenticated {
				t.Fatalf("kind %v (%v), want unauthenticated", errs.KindOf(err), err)
			}
		})
	}
}

func TestRequire(t *testing.T) {
	s, v := setup(t)
	learner, _, _ := s.Issue("u2", []Role{Learner}, time.Now())
	req := func(h string) *http.Request {
		r := httptest.NewRequest("GET", "/", nil)
		if h != "" {
			r.Header.Set("Authorization", h)
		}
		return r
	}
	if _, err := v.Require(req("")); errs.KindOf(err) != errs.Unauthenticated {
		t.Fatalf("no token: %v", err)
	}
	if _, err := v.Require(req("Basic abc")); errs.KindOf(err) != errs.Unauthenticated {
		t.Fatalf("wrong scheme: %v", err)
	}
	if _, err := v.Require(req("Bearer "+learner), Tutor); errs.KindOf(err) != errs.PermissionDenied {
		t.Fatalf("wrong role: %v", err)
	}
	if p, err := v.Require(req("Bearer "+learner), Learner); err != nil || p.UserID != "u2" {
		t.Fatalf("right role: %v", err)
	}
}

func TestRemoteJWKS_refetchesOnUnknownKey(t *testing.T) {
	k1, _ := GenerateKey()
	k2, _ := GenerateKey()
	current := []JWK{k1.PublicJWK()}
	fetches := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fetches++
		_ = json.NewEncoder(w).Encode(JWKS{Keys: current})
	}))
	defer srv.Close()
	r := &RemoteJWKS{URL: srv.URL}
	ctx := context.Background()
	if _, err := r.PublicKey(ctx, k1.KID); err != nil {
		t.Fatal(err)
	}
	if _, err := r.PublicKey(ctx, k1.KID); err != nil || fetches != 1 {
		t.Fatalf("cached lookup fetched again: %d %v", fetches, err)
	}
	current = append(current, k2.PublicJWK()) // key rotation
	if _, err := r.PublicKey(ctx, k2.KID); err != nil || fetches != 2 {
		t.Fatalf("rotated key: %d %v", fetches, err)
	}
}

func TestKeyPEMRoundTrip(t *testing.T) {
	k, _ := GenerateKey()
	pem, err := k.PEM()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseKeyPEM(pem)
	if err != nil || back.KID != k.KID {
		t.Fatalf("round trip: %v", err)
	}
	if _, err := ParseKeyPEM("not a key"); err == nil {
		t.Fatal("garbage parsed")
	}
}
