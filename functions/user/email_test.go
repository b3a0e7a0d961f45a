package user

import (
	"strings"
	"testing"
	"time"

	"github.com/kwipper/kwipper/shared/config"
)

func TestEmailToken_usable(t *testing.T) {
	now := time.Date(2027, 1, 1, 12, 0, 0, 0, time.UTC)
	ok := emailToken{UserID: "u", Purpose: purposeReset, Email: "a@b.c", ExpiresAt: now.Add(time.Minute)}
	cases := []struct {
		name string
		tok  emailToken
		want bool
	}{
		{"fresh", ok, true},
		{"used", emailToken{UserID: "u", Purpose: purposeReset, Email: "a@b.c", ExpiresAt: now.Add(time.Minute), Used: true}, false},
		{"expired_at_the_instant", emailToken{UserID: "u", Purpose: purposeReset, Email: "a@b.c", ExpiresAt: now}, false},
		{"other_purpose", emailToken{UserID: "u", Purpose: purposeVerify, Email: "a@b.c", ExpiresAt: now.Add(time.Minute)}, false},
		{"address_changed_since", emailToken{UserID: "u", Purpose: purposeReset, Email: "old@b.c", ExpiresAt: now.Add(time.Minute)}, false},
	}
	for _, c := range cases {
		if got := c.tok.usable(purposeReset, "a@b.c", now); got != c.want {
			t.Errorf("%s: usable = %v", c.name, got)
		}
	}
}

func TestEmailTokenHash_onlyOwnTokens(t *testing.T) {
	tok, hash := newEmailToken()
	if h, ok := emailTokenHash(" " + tok + " "); !ok || string(h) != string(hash) {
		t.Fatalf("own token %q not recognised", tok)
	}
	for _, bad := range []string{"", "kwe1.", "kwe2." + strings.TrimPrefix(tok, "kwe1."), tok + "A", "kwr1.a.b.c"} {
		if _, ok := emailTokenHash(bad); ok {
			t.Errorf("%q recognised", bad)
		}
	}
}

// Every market gets both emails in its language, with the link and how
// long it works; other countries get English.
func TestEmailFor_everyMarketsLanguage(t *testing.T) {
	for _, country := range []string{"ID", "JP", "PH", "MX", "US"} {
		for _, purpose := range []string{purposeVerify, purposeReset} {
			m := emailFor(User{Email: "a@b.c", DisplayName: "Ana", Country: country}, purpose, "https://app.kwipper.test", "kwe1.tok", 30*time.Minute)
			if m.To != "a@b.c" || m.Category != purpose || m.Subject == "" || !strings.Contains(m.Text, "Ana") ||
				!strings.Contains(m.Text, "https://app.kwipper.test"+linkPaths[purpose]+"?token=kwe1.tok") || !strings.Contains(m.Text, "30 min") ||
				strings.Contains(m.Text, "%!") {
				t.Errorf("%s %s: %+v", country, purpose, m)
			}
		}
	}
}

func TestLoadMail_cloudNeedsAKey(t *testing.T) {
	env := map[string]string{}
	r := config.NewReader(func(k string) string { return env[k] })
	loadMail(r, true, "https://api.kwipper.test")
	if err := r.Err(); err == nil || !strings.Contains(err.Error(), "KW_MAIL_API_KEY") {
		t.Fatalf("cloud without a key: %v", err)
	}
	env["KW_MAIL_API_KEY"], env["KW_MAIL_FROM"] = "SG.x", "Kwipper <no-reply@kwipper.com>"
	r = config.NewReader(func(k string) string { return env[k] })
	m := loadMail(r, true, "https://api.kwipper.test/")
	if err := r.Err(); err != nil || m.LinkBase != "https://api.kwipper.test" || m.ResetTTL != 30*time.Minute || m.VerifyTTL != 48*time.Hour {
		t.Fatalf("%+v %v", m, err)
	}
	env["KW_MAIL_API_BASE"] = "ftp://nope"
	r = config.NewReader(func(k string) string { return env[k] })
	loadMail(r, false, "")
	if err := r.Err(); err == nil {
		t.Fatal("an ftp API base was accepted")
	}
}
