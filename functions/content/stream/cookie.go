package stream

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/kwipper/kwipper/shared/errs"
)

// CookieName is the cookie Cloud CDN reads signed-cookie grants from.
const CookieName = "Cloud-CDN-Cookie"

// CookieSigner issues Cloud CDN signed cookies
// (https://cloud.google.com/cdn/docs/using-signed-cookies): one signature
// grants every URL under a prefix until it expires, so a player fetching
// hundreds of segments needs no per-URL signing.
//
// The key is the one added to the backend bucket, as for CDNSigner in the
// Content service: 16 bytes (ParseCDNKey in functions/content decodes its
// base64url form).
type CookieSigner struct {
	KeyName string
	Key     []byte
	// Domain is the cookie's Domain attribute; empty for a host-only
	// cookie (the API that sets it is on the CDN's host). Set it to the
	// parent domain when they differ (api.example.com and
	// media.example.com: example.com).
	Domain string
	// SameSite defaults to Lax: the cookie goes with the app's own media
	// requests, not with requests other sites make. A CDN on another site
	// than the app needs http.SameSiteNoneMode (and CORS with credentials).
	SameSite http.SameSite
}

// keyNamePattern is what Cloud CDN accepts as a key name (RFC 1035 label).
var keyNamePattern = regexp.MustCompile(`^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$`)

// cdnKeyLen is the length of a Cloud CDN signing key.
const cdnKeyLen = 16

// Value is the cookie value granting urlPrefix until expires:
// URLPrefix=<base64url(prefix)>:Expires=<unix seconds>:KeyName=<name>:
// Signature=<base64url(HMAC-SHA1 of everything before ":Signature")>.
//
// urlPrefix is a scheme, a host and a path ending in "/" (without one,
// .../item1 would grant .../item10/ too), with no query or fragment.
func (s CookieSigner) Value(urlPrefix string, expires time.Time) (string, error) {
	if err := s.check(); err != nil {
		return "", err
	}
	if _, err := parsePrefix(urlPrefix); err != nil {
		return "", err
	}
	v := "URLPrefix=" + base64.URLEncoding.EncodeToString([]byte(urlPrefix)) +
		":Expires=" + strconv.FormatInt(expires.Unix(), 10) + ":KeyName=" + s.KeyName
	return v + ":Signature=" + base64.URLEncoding.EncodeToString(cookieMAC(s.Key, v)), nil
}

// Cookie is the Set-Cookie for urlPrefix until expires: Path is the
// prefix's path, so the browser sends it with that prefix's requests only;
// HttpOnly; Secure unless the prefix is http on a loopback host (the local
// stack); SameSite as configured.
func (s CookieSigner) Cookie(urlPrefix string, expires time.Time) (*http.Cookie, error) {
	v, err := s.Value(urlPrefix, expires)
	if err != nil {
		return nil, err
	}
	u, _ := parsePrefix(urlPrefix)
	same := s.SameSite
	if same == 0 {
		same = http.SameSiteLaxMode
	}
	return &http.Cookie{Name: CookieName, Value: v, Path: u.EscapedPath(), Domain: s.Domain, Expires: expires.UTC(),
		Secure: !(u.Scheme == "http" && isLoopback(u.Hostname())), HttpOnly: true, SameSite: same}, nil
}

func (s CookieSigner) check() error {
	if !keyNamePattern.MatchString(s.KeyName) {
		return fmt.Errorf("stream.CookieSigner: key name %q is not a Cloud CDN key name", s.KeyName)
	}
	if len(s.Key) != cdnKeyLen {
		return fmt.Errorf("stream.CookieSigner: the key is %d bytes; Cloud CDN keys are %d", len(s.Key), cdnKeyLen)
	}
	return nil
}

// parsePrefix checks a URL prefix as CookieSigner wants it.
func parsePrefix(p string) (*url.URL, error) {
	u, err := url.Parse(p)
	switch {
	case err != nil:
		return nil, fmt.Errorf("stream: URL prefix %q does not parse: %w", p, err)
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "", u.User != nil:
		return nil, fmt.Errorf("stream: URL prefix %q must be http(s)://host/path/", p)
	case u.RawQuery != "" || u.Fragment != "" || strings.ContainsAny(p, "?#"):
		return nil, fmt.Errorf("stream: URL prefix %q must not have a query or fragment", p)
	case !strings.HasSuffix(u.Path, "/"):
		return nil, fmt.Errorf(`stream: URL prefix %q must end in "/"`, p)
	}
	return u, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func cookieMAC(key []byte, v string) []byte {
	m := hmac.New(sha1.New, key)
	m.Write([]byte(v))
	return m.Sum(nil)
}

// Reasons a CookieVerifier refuses a request. Each error it returns
// wraps one of them and an errs.PermissionDenied error.
var (
	ErrNoCookie         = errors.New("no " + CookieName + " cookie")
	ErrCookieMalformed  = errors.New("malformed signed cookie")
	ErrCookieUnknownKey = errors.New("signed cookie names an unknown key")
	ErrCookieSignature  = errors.New("signed cookie's signature does not match")
	ErrCookieExpired    = errors.New("signed cookie expired")
	ErrCookiePrefix     = errors.New("signed cookie does not grant this URL")
)

// CookieError is why a cookie was refused.
type CookieError struct {
	Reason error // one of the Err* reasons
	Detail string
}

func (e *CookieError) Error() string {
	if e.Detail == "" {
		return e.Reason.Error()
	}
	return e.Reason.Error() + ": " + e.Detail
}

// Unwrap gives the reason and the PermissionDenied kind.
func (e *CookieError) Unwrap() []error {
	return []error{e.Reason, errs.E(errs.PermissionDenied, "%s", e.Reason.Error())}
}

func refuse(reason error, format string, args ...any) error {
	return &CookieError{Reason: reason, Detail: fmt.Sprintf(format, args...)}
}

// CookieVerifier checks signed cookies as Cloud CDN does: the key name is
// one of the backend's keys, the signature is the HMAC-SHA1 of the value
// before ":Signature" under that key (compared in constant time), the time
// is not past Expires, and the requested URL starts with the URL prefix.
type CookieVerifier struct {
	// Keys are the backend's keys by name (Cloud CDN allows three).
	Keys map[string][]byte
	// Now defaults to time.Now.
	Now func() time.Time
}

// Verify checks the cookie value for a request of requestURL (scheme, host
// and path as the client sent it, e.g. https://media.example.com/a/b.ts).
func (v CookieVerifier) Verify(value, requestURL string) error {
	signed, sig, ok := strings.Cut(value, ":Signature=")
	if !ok {
		return refuse(ErrCookieMalformed, "no Signature")
	}
	fields := strings.Split(signed, ":")
	if len(fields) != 3 {
		return refuse(ErrCookieMalformed, "want URLPrefix, Expires, KeyName and Signature")
	}
	prefixB64, ok1 := strings.CutPrefix(fields[0], "URLPrefix=")
	expiresS, ok2 := strings.CutPrefix(fields[1], "Expires=")
	keyName, ok3 := strings.CutPrefix(fields[2], "KeyName=")
	if !ok1 || !ok2 || !ok3 {
		return refuse(ErrCookieMalformed, "want URLPrefix, Expires, KeyName and Signature in that order")
	}
	key, ok := v.Keys[keyName]
	if !ok || len(key) == 0 {
		return refuse(ErrCookieUnknownKey, "%q", keyName)
	}
	got, err := decodeB64URL(sig)
	if err != nil {
		return refuse(ErrCookieMalformed, "signature is not base64url")
	}
	if !hmac.Equal(got, cookieMAC(key, signed)) {
		return refuse(ErrCookieSignature, "")
	}
	expires, err := strconv.ParseInt(expiresS, 10, 64)
	if err != nil {
		return refuse(ErrCookieMalformed, "Expires is not a number")
	}
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	if now().Unix() > expires {
		return refuse(ErrCookieExpired, "at %s", time.Unix(expires, 0).UTC().Format(time.RFC3339))
	}
	prefix, err := decodeB64URL(prefixB64)
	if err != nil {
		return refuse(ErrCookieMalformed, "URLPrefix is not base64url")
	}
	if !strings.HasPrefix(requestURL, string(prefix)) {
		return refuse(ErrCookiePrefix, "granted %s", prefix)
	}
	return nil
}

// VerifyRequest checks r's Cloud-CDN-Cookie cookies for requestURL: one
// that verifies is enough. It returns ErrNoCookie's error when r has none,
// else the first cookie's refusal.
func (v CookieVerifier) VerifyRequest(r *http.Request, requestURL string) error {
	var first error
	for _, c := range r.CookiesNamed(CookieName) {
		err := v.Verify(c.Value, requestURL)
		if err == nil {
			return nil
		}
		if first == nil {
			first = err
		}
	}
	if first == nil {
		return refuse(ErrNoCookie, "")
	}
	return first
}

// decodeB64URL decodes base64url with or without padding.
func decodeB64URL(s string) ([]byte, error) {
	if strings.HasSuffix(s, "=") || len(s)%4 == 0 {
		return base64.URLEncoding.DecodeString(s)
	}
	return base64.RawURLEncoding.DecodeString(s)
}
