package user

import (
	"strings"
	"testing"
	"time"
)

func TestSessionRefresh(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	live := session{Generation: 3, ExpiresAt: now.Add(time.Hour)}
	for _, tc := range []struct {
		name     string
		sess     session
		gen      int64
		tokenExp time.Time
		want     refreshOutcome
	}{
		{"rotates_current_token", live, 3, now.Add(time.Hour), refreshRotate},
		{"reused_old_token", live, 2, now.Add(time.Hour), refreshReused},
		{"reused_even_when_old_token_expired", live, 1, now.Add(-time.Hour), refreshReused},
		{"invalid_revoked_session", session{Generation: 3, ExpiresAt: now.Add(time.Hour), Revoked: true}, 3, now.Add(time.Hour), refreshInvalid},
		{"invalid_revoked_session_old_token", session{Generation: 3, ExpiresAt: now.Add(time.Hour), Revoked: true}, 1, now.Add(time.Hour), refreshInvalid},
		{"invalid_expired_session", session{Generation: 3, ExpiresAt: now}, 3, now.Add(time.Hour), refreshInvalid},
		{"invalid_expired_token", live, 3, now, refreshInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.sess.refresh(tc.gen, tc.tokenExp, now); got != tc.want {
				t.Fatalf("refresh = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestRefreshTokenFormat(t *testing.T) {
	tok, hash := newRefreshToken("user-1", "session-1")
	u, s, h, ok := parseRefreshToken(tok)
	if !ok || u != "user-1" || s != "session-1" || string(h) != string(hash) {
		t.Fatalf("parse(%q) = %q %q %x %v", tok, u, s, h, ok)
	}
	if strings.Contains(tok, string(hash)) {
		t.Fatal("token contains its stored hash")
	}
	for _, bad := range []string{"", "kwr1", "kwr2.u.s.x", "kwr1.u.s", "kwr1.u.s.short", "kwr1.u/x.s." + strings.Repeat("A", 43),
		"kwr1." + strings.Repeat("u", 37) + ".s." + strings.Repeat("A", 43), tok + "x"} {
		if _, _, _, ok := parseRefreshToken(bad); ok {
			t.Errorf("parse(%q) accepted", bad)
		}
	}
}
