package config

import (
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoad_defaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Env != "local" || c.Port != "8080" || c.SpannerInstance != "kwipper" || c.TokenTTL.Minutes() != 15 {
		t.Fatalf("%+v", c)
	}
}

func TestLoad_namesEveryBadVariable(t *testing.T) {
	_, err := Load(env(map[string]string{"KW_ENV": "cloud", "PORT": "http", "KW_TOKEN_TTL": "forever", "KW_LOG_LEVEL": "loud", "KW_TRACE_SAMPLE_RATE": "2"}))
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"PORT", "KW_TOKEN_TTL", "KW_LOG_LEVEL", "KW_PROJECT", "KW_JWKS_URL", "KW_PUSH_INVOKER", "KW_BASE_URL", "KW_TRACE_SAMPLE_RATE"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s: %v", want, err)
		}
	}
}

func TestSecretNeverPrints(t *testing.T) {
	c, _ := Load(env(map[string]string{"KW_TOKEN_SIGNING_KEY": "-----BEGIN PRIVATE KEY-----xyz"}))
	if s := c.TokenSigningKey.String(); strings.Contains(s, "xyz") {
		t.Fatal(s)
	}
	if c.TokenSigningKey.Reveal() == "" {
		t.Fatal("secret lost")
	}
}

func TestLoad_push(t *testing.T) {
	a, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Load(env(nil))
	if len(a.Push.Token.Reveal()) < 20 || a.Push.Token == b.Push.Token {
		t.Fatalf("local push tokens %q and %q: want a fresh random one per process", a.Push.Token.Reveal(), b.Push.Token.Reveal())
	}
	c, _ := Load(env(map[string]string{"KW_PUSH_TOKEN": "shared"}))
	if c.Push.Token.Reveal() != "shared" {
		t.Fatalf("KW_PUSH_TOKEN ignored: %q", c.Push.Token.Reveal())
	}
	cloud := map[string]string{"KW_ENV": "cloud", "KW_PROJECT": "p", "KW_JWKS_URL": "https://api/jwks",
		"KW_BASE_URL": "https://api.example/", "KW_PUSH_INVOKER": "push@p.iam.gserviceaccount.com"}
	c, err = Load(env(cloud))
	if err != nil {
		t.Fatal(err)
	}
	if c.Push.Token != "" || c.BaseURL != "https://api.example" || !strings.HasPrefix(c.Push.JWKSURL, "https://www.googleapis.com/") {
		t.Fatalf("cloud push config %+v base %q", c.Push, c.BaseURL)
	}
	cloud["KW_PUSH_TOKEN"] = "weak"
	if _, err := Load(env(cloud)); err == nil || !strings.Contains(err.Error(), "KW_PUSH_TOKEN") {
		t.Fatalf("a push token in the cloud: %v", err)
	}
}

func TestReader(t *testing.T) {
	r := NewReader(env(map[string]string{"D": "90s", "N": "7", "B": "maybe", "L": " a, ,b "}))
	if d := r.Duration("D", "1s", time.Second, time.Minute); d != 90*time.Second {
		t.Fatalf("duration %v", d)
	}
	if n := r.Int("N", "1", 1, 10); n != 7 {
		t.Fatalf("int %d", n)
	}
	r.Bool("B", false)
	if got := r.List("L", ""); strings.Join(got, "|") != "a|b" {
		t.Fatalf("list %q", got)
	}
	if d := r.Duration("UNSET", "2m", time.Second, time.Hour); d != 2*time.Minute {
		t.Fatalf("default %v", d)
	}
	err := r.Err()
	for _, want := range []string{"D must be a duration between 1s and 1m, e.g. 1s", "B must be true or false"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%v does not say %q", err, want)
		}
	}
}
