package stream

import (
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kwipper/kwipper/shared/errs"
)

// googleTestKey and the values below are the known answers of Google's
// own signed-cookie sample (GoogleCloudPlatform/golang-samples,
// cdn/signedcookies): a cookie Cloud CDN accepts.
var googleTestKey = []byte{0x9d, 0x9b, 0x51, 0xa2, 0x17, 0x4d, 0x17, 0xd9, 0xb7, 0x70, 0xa3, 0x36, 0xe0, 0x87, 0x0a, 0xe3}

func TestCookieSigner_matchesGooglesKnownAnswers(t *testing.T) {
	if base64.URLEncoding.EncodeToString(googleTestKey) != "nZtRohdNF9m3cKM24IcK4w==" {
		t.Fatal("test key mistyped")
	}
	s := CookieSigner{KeyName: "my-key", Key: googleTestKey}
	for prefix, want := range map[string]string{
		"https://media.example.com/segments/":      "URLPrefix=aHR0cHM6Ly9tZWRpYS5leGFtcGxlLmNvbS9zZWdtZW50cy8=:Expires=1558131350:KeyName=my-key:Signature=_qwhz38bxCKdiDqENLIx4ujrw-U=",
		"https://video.example.com/manifests/123/": "URLPrefix=aHR0cHM6Ly92aWRlby5leGFtcGxlLmNvbS9tYW5pZmVzdHMvMTIzLw==:Expires=1558131350:KeyName=my-key:Signature=0ZSSGg0VdRH29siXG8wiPTV5LOE=",
	} {
		got, err := s.Value(prefix, time.Unix(1558131350, 0))
		if err != nil || got != want {
			t.Errorf("Value(%s)\n got %s, %v\nwant %s", prefix, got, err, want)
		}
		v := CookieVerifier{Keys: map[string][]byte{"my-key": googleTestKey}, Now: func() time.Time { return time.Unix(1558131000, 0) }}
		if err := v.Verify(want, prefix+"seg_1.ts"); err != nil {
			t.Errorf("Google's cookie for %s does not verify: %v", prefix, err)
		}
	}
}

func TestCookieSigner_cookieAttributes(t *testing.T) {
	s := CookieSigner{KeyName: "kw-media-1", Key: googleTestKey}
	exp := time.Date(2026, 12, 7, 10, 0, 0, 0, time.FixedZone("WIB", 7*3600))
	c, err := s.Cookie("https://kwipper.example/media/asia-southeast2/c1/i1/u1.hls/", exp)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "Cloud-CDN-Cookie" || c.Path != "/media/asia-southeast2/c1/i1/u1.hls/" || !c.Secure || !c.HttpOnly ||
		c.SameSite != http.SameSiteLaxMode || c.Domain != "" || !c.Expires.Equal(exp) {
		t.Errorf("cookie %+v", c)
	}
	if line := c.String(); !strings.Contains(line, "Expires=Mon, 07 Dec 2026 03:00:00 GMT") || strings.Contains(line, `"`) {
		t.Errorf("Set-Cookie %s", line)
	}
	for prefix, secure := range map[string]bool{
		"http://127.0.0.1:8080/media/x/": false, "http://localhost:8080/media/x/": false, "http://[::1]:8080/x/": false,
		"http://192.168.1.10:8080/media/x/": true, "https://127.0.0.1/x/": true,
	} {
		c, err := s.Cookie(prefix, exp)
		if err != nil || c.Secure != secure {
			t.Errorf("%s: secure %v, %v; want %v", prefix, c.Secure, err, secure)
		}
	}
	s.Domain, s.SameSite = "kwipper.example", http.SameSiteNoneMode
	if c, _ := s.Cookie("https://media.kwipper.example/c1/", exp); c.Domain != "kwipper.example" || c.SameSite != http.SameSiteNoneMode {
		t.Errorf("cookie %+v", c)
	}
}

func TestCookieSigner_refusesWhatCloudCDNWouldNot(t *testing.T) {
	good := CookieSigner{KeyName: "kw-media-1", Key: googleTestKey}
	for name, tc := range map[string]struct {
		s      CookieSigner
		prefix string
	}{
		"prefix_without_trailing_slash": {good, "https://m.example/c1/i1"},
		"prefix_with_query":             {good, "https://m.example/c1/?a=b"},
		"prefix_with_fragment":          {good, "https://m.example/c1/#x"},
		"prefix_without_host":           {good, "https:///c1/"},
		"ftp":                           {good, "ftp://m.example/c1/"},
		"relative":                      {good, "/c1/"},
		"short_key":                     {CookieSigner{KeyName: "k", Key: googleTestKey[:15]}, "https://m.example/c1/"},
		"key_name_upper_case":           {CookieSigner{KeyName: "Key", Key: googleTestKey}, "https://m.example/c1/"},
		"key_name_with_colon":           {CookieSigner{KeyName: "a:b", Key: googleTestKey}, "https://m.example/c1/"},
	} {
		if _, err := tc.s.Value(tc.prefix, time.Now().Add(time.Hour)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestCookieVerifier(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	s := CookieSigner{KeyName: "kw-media-1", Key: googleTestKey}
	other := CookieSigner{KeyName: "kw-media-2", Key: []byte("0123456789abcdef")}
	v := CookieVerifier{Keys: map[string][]byte{"kw-media-1": googleTestKey, "kw-media-2": other.Key},
		Now: func() time.Time { return now }}
	prefix := "https://kwipper.example/media/c1/i1/u1.hls/"
	url := prefix + "360p0000000003.ts"
	valid, _ := s.Value(prefix, now.Add(time.Hour))
	atExpiry, _ := s.Value(prefix, now)
	expired, _ := s.Value(prefix, now.Add(-time.Second))
	otherItem, _ := s.Value("https://kwipper.example/media/c1/i2/u9.hls/", now.Add(time.Hour))
	rotated, _ := other.Value(prefix, now.Add(time.Hour))
	unknown, _ := CookieSigner{KeyName: "kw-media-9", Key: googleTestKey}.Value(prefix, now.Add(time.Hour))

	// Altered: a longer expiry, or another prefix, under the old signature.
	sig := valid[strings.Index(valid, ":Signature="):]
	longer := strings.Replace(valid, ":Expires=1800003600", ":Expires=1900003600", 1)
	widened := "URLPrefix=" + base64.URLEncoding.EncodeToString([]byte("https://kwipper.example/media/")) +
		":Expires=1800003600:KeyName=kw-media-1" + sig
	flipped := valid[:len(valid)-3] + "AA="
	unpadded := strings.TrimRight(valid, "=")

	for name, tc := range map[string]struct {
		value, url string
		want       error
	}{
		"valid":                     {valid, url, nil},
		"valid_at_its_expiry":       {atExpiry, url, nil},
		"valid_unpadded_signature":  {unpadded, url, nil},
		"second_key_while_rotating": {rotated, url, nil},
		"the_prefix_itself":         {valid, prefix, nil},
		"expired":                   {expired, url, ErrCookieExpired},
		"another_items_prefix":      {otherItem, url, ErrCookiePrefix},
		"sibling_prefix":            {valid, "https://kwipper.example/media/c1/i1/u1.hls0/x.ts", ErrCookiePrefix},
		"another_host":              {valid, "https://evil.example/media/c1/i1/u1.hls/x.ts", ErrCookiePrefix},
		"http_instead_of_https":     {valid, "http://kwipper.example/media/c1/i1/u1.hls/x.ts", ErrCookiePrefix},
		"unknown_key":               {unknown, url, ErrCookieUnknownKey},
		"expiry_extended":           {longer, url, ErrCookieSignature},
		"prefix_widened":            {widened, url, ErrCookieSignature},
		"signature_flipped":         {flipped, url, ErrCookieSignature},
		"empty":                     {"", url, ErrCookieMalformed},
		"fields_reordered":          {"Expires=1:URLPrefix=aA==:KeyName=kw-media-1" + sig, url, ErrCookieMalformed},
		"extra_field":               {strings.Replace(valid, ":KeyName", ":Foo=1:KeyName", 1), url, ErrCookieMalformed},
		"signature_not_base64":      {strings.Replace(valid, sig, ":Signature=***", 1), url, ErrCookieMalformed},
	} {
		t.Run(name, func(t *testing.T) {
			err := v.Verify(tc.value, tc.url)
			if tc.want == nil {
				if err != nil {
					t.Errorf("refused: %v", err)
				}
				return
			}
			if !errors.Is(err, tc.want) || errs.KindOf(err) != errs.PermissionDenied {
				t.Errorf("error %v, want %v and PermissionDenied", err, tc.want)
			}
		})
	}
}

func TestCookieVerifier_verifyRequestTakesAnyCookieThatGrants(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	s := CookieSigner{KeyName: "kw-media-1", Key: googleTestKey}
	v := CookieVerifier{Keys: map[string][]byte{"kw-media-1": googleTestKey}, Now: func() time.Time { return now }}
	url := "https://kwipper.example/media/c1/i1/u1.hls/360p.m3u8"
	course, _ := s.Value("https://kwipper.example/media/c2/", now.Add(time.Hour))
	item, _ := s.Value("https://kwipper.example/media/c1/i1/u1.hls/", now.Add(time.Hour))

	r := httptest.NewRequest(http.MethodGet, url, nil)
	if err := v.VerifyRequest(r, url); !errors.Is(err, ErrNoCookie) {
		t.Errorf("no cookie: %v", err)
	}
	r.AddCookie(&http.Cookie{Name: CookieName, Value: course})
	if err := v.VerifyRequest(r, url); !errors.Is(err, ErrCookiePrefix) {
		t.Errorf("only another course's cookie: %v", err)
	}
	r.AddCookie(&http.Cookie{Name: CookieName, Value: item})
	if err := v.VerifyRequest(r, url); err != nil {
		t.Errorf("with the item's cookie too: %v", err)
	}
}
