package auth

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"
	"time"
)

func TestRemoteRevocations(t *testing.T) {
	var failing atomic.Bool
	list := RevocationList{Revocations: []Revocation{{UserID: "deleted"}, {UserID: "u1", SessionID: "s1"}}}
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if failing.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		_ = json.NewEncoder(w).Encode(list)
	})
	r := &RemoteRevocations{URL: "http://user.test/v1/token-revocations", Client: &http.Client{Transport: HandlerTransport{Handler: h}}}
	ctx := context.Background()
	for _, tc := range []struct {
		name, user, session string
		want                bool
	}{
		{"revoked_every_session_of_deleted_user", "deleted", "any", true},
		{"revoked_token_outside_a_session_of_deleted_user", "deleted", "", true},
		{"revoked_listed_session", "u1", "s1", true},
		{"kept_other_session_of_same_user", "u1", "s2", false},
		{"kept_token_outside_a_session", "u1", "", false},
		{"kept_unlisted_user", "u2", "s1", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := r.Revoked(ctx, tc.user, tc.session); got != tc.want {
				t.Fatalf("Revoked(%q, %q) = %v, want %v", tc.user, tc.session, got, tc.want)
			}
		})
	}
	t.Run("keeps_last_list_when_fetch_fails", func(t *testing.T) {
		failing.Store(true)
		if !r.Revoked(ctx, "u1", "s1") || r.Revoked(ctx, "u2", "s1") {
			t.Fatal("a failed fetch changed the answers")
		}
	})
}

func TestVerifier_refusesRevokedToken(t *testing.T) {
	key, _ := GenerateKey()
	s := Signer{Key: key, Issuer: "iss", TTL: 15 * time.Minute}
	tok, _, _ := s.IssueSession("u1", []Role{Learner}, "s1", time.Now())
	other, _, _ := s.IssueSession("u1", []Role{Learner}, "s2", time.Now())
	list := RevocationList{Revocations: []Revocation{{UserID: "u1", SessionID: "s1"}}}
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _ = json.NewEncoder(w).Encode(list) })
	v := &Verifier{Keys: StaticKeys{key.KID: key.Private.Public()}, Issuer: "iss",
		Revocations: &RemoteRevocations{URL: "http://user.test/", Client: &http.Client{Transport: HandlerTransport{Handler: h}}}}
	if _, err := v.Verify(context.Background(), tok); err == nil {
		t.Fatal("revoked session's token verified")
	}
	if p, err := v.Verify(context.Background(), other); err != nil || p.SessionID != "s2" {
		t.Fatalf("other session: %+v %v", p, err)
	}
}

// BenchmarkVerify reports what the revocation check adds to verifying a
// token: a map lookup in the cached list (here 10,000 entries).
func BenchmarkVerify(b *testing.B) {
	key, _ := GenerateKey()
	s := Signer{Key: key, Issuer: "iss", TTL: 15 * time.Minute}
	tok, _, _ := s.IssueSession("u1", []Role{Learner}, "s1", time.Now())
	var list RevocationList
	for i := range 10000 {
		list.Revocations = append(list.Revocations, Revocation{UserID: "user-" + strconv.Itoa(i), SessionID: "s"})
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _ = json.NewEncoder(w).Encode(list) })
	keys := StaticKeys{key.KID: key.Private.Public()}
	for _, tc := range []struct {
		name string
		rev  RevocationSource
	}{
		{"without_revocations", nil},
		{"with_revocations_cached", &RemoteRevocations{URL: "http://user.test/", Refresh: time.Hour,
			Client: &http.Client{Transport: HandlerTransport{Handler: h}}}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			v := &Verifier{Keys: keys, Issuer: "iss", Revocations: tc.rev}
			if _, err := v.Verify(context.Background(), tok); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				if _, err := v.Verify(context.Background(), tok); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
