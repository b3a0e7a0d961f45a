package content

import (
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"cloud.google.com/go/storage"
)

// URLSigner signs short-lived URLs for objects of the media bucket. Every
// implementation signs locally with a key it holds: issuing a URL never calls
// a remote API (no IAM signBlob per URL).
type URLSigner interface {
	// SignURL returns a URL that lets its holder send r.Method for r.Object
	// until r.Expires, with r.ContentType and r.Headers sent exactly as
	// given. An error means the request cannot be signed by this signer
	// (a wiring or configuration bug, never the caller's fault).
	SignURL(r SignRequest) (string, error)
}

// SignRequest is what a signed URL allows.
type SignRequest struct {
	Method  string
	Object  string
	Expires time.Time
	// ContentType, when set, must be sent as Content-Type.
	ContentType string
	// Headers must be sent as they are (names in lower case).
	Headers map[string]string
}

// V4Signer makes Cloud Storage V4 signed URLs (GOOG4-RSA-SHA256) with the
// RSA key of a service account, as storage.SignedURL does with a private key:
// locally, for uploads and downloads.
type V4Signer struct {
	Bucket string
	// GoogleAccessID is the service account the key belongs to.
	GoogleAccessID string
	Key            *rsa.PrivateKey
	// Hostname overrides storage.googleapis.com (fake-gcs-server locally);
	// Insecure makes the URL http.
	Hostname string
	Insecure bool
}

// maxV4Expiry is the longest a V4 signature may live.
const maxV4Expiry = 7 * 24 * time.Hour

// SignURL implements URLSigner.
func (s V4Signer) SignURL(r SignRequest) (string, error) {
	if s.Key == nil || s.GoogleAccessID == "" || s.Bucket == "" {
		return "", errors.New("content.V4Signer: bucket, key and access id are required")
	}
	if time.Until(r.Expires) > maxV4Expiry {
		return "", errors.New("content.V4Signer: a V4 signature lives at most 7 days")
	}
	hdrs := make([]string, 0, len(r.Headers))
	for k, v := range r.Headers {
		hdrs = append(hdrs, strings.ToLower(k)+":"+v)
	}
	sort.Strings(hdrs)
	u, err := storage.SignedURL(s.Bucket, r.Object, &storage.SignedURLOptions{
		GoogleAccessID: s.GoogleAccessID, SignBytes: s.signBytes, Method: r.Method, Expires: r.Expires,
		ContentType: r.ContentType, Headers: hdrs, Scheme: storage.SigningSchemeV4, Style: storage.PathStyle(),
		Hostname: s.Hostname, Insecure: s.Insecure,
	})
	if err != nil {
		return "", fmt.Errorf("content.V4Signer: %w", err)
	}
	return u, nil
}

func (s V4Signer) signBytes(b []byte) ([]byte, error) {
	h := sha256.Sum256(b)
	return rsa.SignPKCS1v15(rand.Reader, s.Key, crypto.SHA256, h[:])
}

// CDNSigner makes Cloud CDN signed URLs (and cookies) for downloads through
// the load balancer's backend bucket: BaseURL/<object>?Expires=..&KeyName=..
// &Signature=<base64url HMAC-SHA1>. Cloud CDN takes no uploads.
type CDNSigner struct {
	// BaseURL is the scheme and host the backend bucket is served at
	// (objects under media/<region>/ route to that region's bucket).
	BaseURL string
	KeyName string
	// Key is the 16-byte key added to the backend bucket.
	Key []byte
}

// SignURL implements URLSigner for GET and HEAD.
func (s CDNSigner) SignURL(r SignRequest) (string, error) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return "", fmt.Errorf("content.CDNSigner: Cloud CDN signs downloads only, not %s", r.Method)
	}
	if len(s.Key) == 0 || s.KeyName == "" || s.BaseURL == "" {
		return "", errors.New("content.CDNSigner: base URL, key name and key are required")
	}
	var b strings.Builder
	b.Grow(len(s.BaseURL) + len(r.Object) + 100)
	b.WriteString(strings.TrimRight(s.BaseURL, "/"))
	b.WriteByte('/')
	b.WriteString(escapeObject(r.Object))
	b.WriteString("?Expires=")
	b.WriteString(strconv.FormatInt(r.Expires.Unix(), 10))
	b.WriteString("&KeyName=")
	b.WriteString(url.QueryEscape(s.KeyName))
	u := b.String()
	return u + "&Signature=" + s.sign(u), nil
}

// SignedCookie returns the value of a Cloud-CDN-Cookie granting every URL
// under urlPrefix (e.g. https://api.example.com/media/asia-southeast2/<course>/)
// until expires: one signature for a whole course's media, for players that
// fetch many segments.
func (s CDNSigner) SignedCookie(urlPrefix string, expires time.Time) string {
	v := "URLPrefix=" + base64.URLEncoding.EncodeToString([]byte(urlPrefix)) +
		":Expires=" + strconv.FormatInt(expires.Unix(), 10) + ":KeyName=" + s.KeyName
	return v + ":Signature=" + s.sign(v)
}

func (s CDNSigner) sign(v string) string {
	mac := hmac.New(sha1.New, s.Key)
	mac.Write([]byte(v))
	return base64.URLEncoding.EncodeToString(mac.Sum(nil))
}

// escapeObject percent-encodes each segment of an object name.
func escapeObject(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

// ParseCDNKey decodes a Cloud CDN signing key: base64url of 16 bytes.
func ParseCDNKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	k, err := base64.URLEncoding.DecodeString(s)
	if err != nil {
		k, err = base64.RawURLEncoding.DecodeString(s)
	}
	if err != nil || len(k) != 16 {
		return nil, errors.New("the Cloud CDN key must be base64url of 16 bytes")
	}
	return k, nil
}

// ParseSigningKey reads the V4 signing key: a PEM RSA private key (PKCS#1 or
// PKCS#8), or a service account JSON key file, whose client_email is then
// returned too.
func ParseSigningKey(s string) (*rsa.PrivateKey, string, error) {
	var email string
	if strings.HasPrefix(strings.TrimSpace(s), "{") {
		var f struct {
			PrivateKey  string `json:"private_key"`
			ClientEmail string `json:"client_email"`
		}
		if err := json.Unmarshal([]byte(s), &f); err != nil {
			return nil, "", fmt.Errorf("the signing key JSON does not parse: %w", err)
		}
		s, email = f.PrivateKey, f.ClientEmail
	}
	block, _ := pem.Decode([]byte(s))
	if block == nil {
		return nil, "", errors.New("the signing key is not PEM")
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, email, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, "", fmt.Errorf("the signing key does not parse: %w", err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, "", errors.New("the signing key is not an RSA key")
	}
	return rk, email, nil
}
