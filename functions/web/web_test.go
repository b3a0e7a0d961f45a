package web

import (
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/kwipper/kwipper/shared/config"
	"github.com/kwipper/kwipper/shared/httpx"
)

func testService(t *testing.T) (*Service, http.Handler) {
	t.Helper()
	s, err := newService(Config{MediaOrigins: []string{"http://127.0.0.1:9999"}, Payments: PaymentsTestCards}, dist)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /{$}", httpx.Handler(s.page))
	mux.Handle("GET /assets/{file}", httpx.Handler(s.asset))
	return s, mux
}

func get(h http.Handler, path string, hdr ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// The page: a strict policy (no inline script, no eval, Trusted Types,
// media only from the media origins), short-cached, naming the hashed
// assets, with no inline script at all.
func TestPage_strictPolicyAndShortCache(t *testing.T) {
	_, h := testService(t)
	w := get(h, "/")
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/html") {
		t.Fatalf("page: %d %v", w.Code, w.Header())
	}
	csp := w.Header().Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self';", "connect-src 'self' http://127.0.0.1:9999",
		"media-src 'self' blob: data: http://127.0.0.1:9999", "frame-ancestors 'none'", "require-trusted-types-for 'script'", "base-uri 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("policy lacks %q: %s", want, csp)
		}
	}
	if strings.Contains(csp, "unsafe") {
		t.Errorf("policy allows something unsafe: %s", csp)
	}
	if got := w.Header().Get("Cache-Control"); got != pageCacheControl {
		t.Errorf("page Cache-Control %q", got)
	}
	body := w.Body.String()
	if regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]`).MatchString(body) || strings.Contains(body, " on") && regexp.MustCompile(`\son[a-z]+=`).MatchString(body) {
		t.Errorf("the page has inline script:\n%s", body)
	}
	var m Manifest
	b, _ := dist.ReadFile("dist/manifest.json")
	_ = json.Unmarshal(b, &m)
	if !strings.Contains(body, `src="/assets/`+m.Entry+`"`) || !strings.Contains(body, `href="/assets/`+m.CSS[0]+`"`) {
		t.Errorf("the page does not load the built assets:\n%s", body)
	}
	if !strings.Contains(body, `content="{&#34;payments&#34;:&#34;test-cards&#34;}"`) {
		t.Errorf("the page does not carry the app's settings:\n%s", body)
	}
	if w := get(h, "/", "If-None-Match", w.Header().Get("ETag")); w.Code != http.StatusNotModified {
		t.Errorf("revalidation: %d", w.Code)
	}
}

// Assets: immutable for a year, gzipped for clients that take it, 304 on
// revalidation, and a JSON 404 for names not in the build.
func TestAssets_immutableAndCompressed(t *testing.T) {
	s, h := testService(t)
	var js string
	for name := range s.assets {
		if strings.HasSuffix(name, ".js") {
			js = name
		}
	}
	w := get(h, "/assets/"+js, "Accept-Encoding", "gzip, br")
	if w.Code != 200 || w.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" ||
		w.Header().Get("Content-Encoding") != "gzip" || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/javascript") {
		t.Fatalf("asset: %d %v", w.Code, w.Header())
	}
	zr, err := gzip.NewReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := io.ReadAll(zr)
	if string(plain) != string(s.assets[js].body) {
		t.Fatal("gzip body differs from the asset")
	}
	if w := get(h, "/assets/"+js); w.Header().Get("Content-Encoding") != "" || w.Body.Len() != len(s.assets[js].body) {
		t.Errorf("identity encoding: %v", w.Header())
	}
	if w := get(h, "/assets/"+js, "Accept-Encoding", "gzip;q=0"); w.Header().Get("Content-Encoding") != "" {
		t.Errorf("gzip;q=0 got gzip")
	}
	if w := get(h, "/assets/"+js, "If-None-Match", s.assets[js].etag); w.Code != http.StatusNotModified {
		t.Errorf("revalidation: %d", w.Code)
	}
	if w := get(h, "/assets/nope.js"); w.Code != 404 || !strings.Contains(w.Body.String(), `"not_found"`) || w.Header().Get("Cache-Control") == assetCacheControl {
		t.Errorf("unknown asset: %d %v %s", w.Code, w.Header(), w.Body)
	}
}

func TestConfig(t *testing.T) {
	load := func(env string, vars map[string]string) (Config, error) {
		r := config.NewReader(func(k string) string { return vars[k] })
		c := loadConfig(r, env)
		return c, r.Err()
	}
	c, err := load("local", map[string]string{"STORAGE_EMULATOR_HOST": "127.0.0.1:4443"})
	if err != nil || strings.Join(c.MediaOrigins, " ") != "http://127.0.0.1:4443" || c.Payments != PaymentsTestCards {
		t.Fatalf("local: %+v %v", c, err)
	}
	c, err = load("cloud", map[string]string{"KW_MEDIA_CDN_BASE_URL": "https://media.kwipper.example/x", "KW_STRIPE_PUBLISHABLE_KEY": "pk_live_1"})
	if err != nil || strings.Join(c.MediaOrigins, " ") != "https://storage.googleapis.com https://media.kwipper.example" || c.Payments != PaymentsStripe {
		t.Fatalf("cloud: %+v %v", c, err)
	}
	if c.StripeJSURL != StripeJSDefault {
		t.Errorf("Stripe.js = %s, want %s", c.StripeJSURL, StripeJSDefault)
	}
	csp := ContentSecurityPolicy(c)
	for _, want := range []string{"script-src 'self' https://js.stripe.com;", "frame-src https://js.stripe.com https://hooks.stripe.com;",
		"https://api.stripe.com;", "trusted-types kw-stripe"} {
		if !strings.Contains(csp, want) {
			t.Errorf("stripe policy lacks %q: %s", want, csp)
		}
	}
	// Locally the fake's stand-in: its origin, and nothing of Stripe's.
	c, err = load("local", map[string]string{"KW_WEB_PAYMENTS": "stripe", "KW_STRIPE_PUBLISHABLE_KEY": "pk_test_1", "KW_STRIPE_JS_URL": "http://127.0.0.1:5555/v3/stripe.js"})
	if err != nil {
		t.Fatal(err)
	}
	if csp := ContentSecurityPolicy(c); !strings.Contains(csp, "script-src 'self' http://127.0.0.1:5555;") || !strings.Contains(csp, "frame-src http://127.0.0.1:5555;") || strings.Contains(csp, "stripe.com") {
		t.Errorf("local stripe policy: %s", csp)
	}
	if csp := ContentSecurityPolicy(Config{Payments: PaymentsTestCards}); !strings.Contains(csp, "trusted-types 'none'") || !strings.Contains(csp, "frame-src 'none'") {
		t.Errorf("test-cards policy: %s", csp)
	}
	for name, vars := range map[string]map[string]string{
		"stripe_without_key":  {},
		"stripe_js_over_http": {"KW_STRIPE_PUBLISHABLE_KEY": "pk_1", "KW_STRIPE_JS_URL": "http://js.stripe.com/dahlia/stripe.js"},
		"test_cards":          {"KW_WEB_PAYMENTS": "test-cards"},
		"bad_origin":          {"KW_WEB_MEDIA_ORIGINS": "ftp://x", "KW_STRIPE_PUBLISHABLE_KEY": "pk_1"},
	} {
		if _, err := load("cloud", vars); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
