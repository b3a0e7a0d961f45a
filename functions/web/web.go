// Package web serves Kwipper's web app, the one learners and tutors use:
// one HTML page (web-app, short-cached, with a strict Content-Security-Policy)
// and its scripts and styles (web-assets, content-hashed names cached for
// good behind Cloud CDN). The app itself is plain modern JavaScript on
// Preact + htm (src/), bundled by esbuild into dist/ (`go generate
// ./functions/web`, committed so the local stack needs no network); it talks
// to the same REST API everyone else does, from the same origin. It is a
// service without a database: it reads and writes nothing itself.
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/fnreg"
)

//go:generate go run ./webbuild

// dist is the built app: manifest.json and assets/ (webbuild writes them).
//
//go:embed dist/manifest.json dist/assets
var dist embed.FS

//go:embed index.html
var indexTemplate string

// Manifest is what webbuild says about the built assets: the entry script,
// the styles and the scripts the entry imports statically (preloaded), all
// by their content-hashed names under /assets/.
type Manifest struct {
	Entry   string   `json:"entry"`
	CSS     []string `json:"css"`
	Preload []string `json:"preload"`
}

// Cache lifetimes: the page briefly (a deploy shows within a minute), the
// assets for good (a new build has new names).
const (
	pageCacheControl  = "public, max-age=60"
	assetCacheControl = "public, max-age=31536000, immutable"
)

// Service serves the page and the assets, both prepared once when the
// service is built.
type Service struct {
	html   []byte
	etag   string
	csp    string
	assets map[string]asset
}

// asset is one built file, with its gzip encoding prepared.
type asset struct {
	body, gz    []byte
	contentType string
	etag        string
}

// clientConfig is what the page tells the app (a <meta> tag, since the
// policy forbids inline scripts).
type clientConfig struct {
	Payments             string `json:"payments"`
	StripePublishableKey string `json:"stripe_publishable_key,omitempty"`
	StripeJSURL          string `json:"stripe_js_url,omitempty"`
}

func build(d fnreg.Deps) (*Service, error) {
	r := d.Env()
	cfg := loadConfig(r, d.Config.Env)
	if err := r.Err(); err != nil {
		return nil, err
	}
	return newService(cfg, dist)
}

// newService prepares the page and assets of the build in files.
func newService(cfg Config, files fs.FS) (*Service, error) {
	b, err := fs.ReadFile(files, "dist/manifest.json")
	if err != nil {
		return nil, fmt.Errorf("web: %w (run go generate ./functions/web)", err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("web: manifest: %w", err)
	}
	s := &Service{assets: map[string]asset{}, csp: ContentSecurityPolicy(cfg)}
	entries, err := fs.ReadDir(files, "dist/assets")
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	for _, e := range entries {
		body, err := fs.ReadFile(files, "dist/assets/"+e.Name())
		if err != nil {
			return nil, err
		}
		gz, err := gzipBytes(body)
		if err != nil {
			return nil, err
		}
		ct := mime.TypeByExtension(path.Ext(e.Name()))
		if strings.HasSuffix(e.Name(), ".js") {
			ct = "text/javascript; charset=utf-8"
		}
		s.assets[e.Name()] = asset{body: body, gz: gz, contentType: ct, etag: etagOf(body)}
	}
	for _, name := range append(append([]string{m.Entry}, m.CSS...), m.Preload...) {
		if _, ok := s.assets[name]; !ok {
			return nil, fmt.Errorf("web: the manifest names %q, which is not in dist/assets (run go generate ./functions/web)", name)
		}
	}
	cc := clientConfig{Payments: cfg.Payments}
	if cfg.Payments == PaymentsStripe {
		cc.StripePublishableKey, cc.StripeJSURL = cfg.StripePublishableKey, cfg.StripeJSURL
	}
	conf, err := json.Marshal(cc)
	if err != nil {
		return nil, err
	}
	t, err := template.New("index.html").Parse(indexTemplate)
	if err != nil {
		return nil, err
	}
	var page bytes.Buffer
	if err := t.Execute(&page, map[string]any{"Manifest": m, "Config": string(conf)}); err != nil {
		return nil, err
	}
	s.html, s.etag = page.Bytes(), etagOf(page.Bytes())
	return s, nil
}

// ContentSecurityPolicy is the page's policy: scripts and styles only from
// the app's origin (no inline script, no eval), the API on the same origin,
// media (uploads, downloads, video) only from cfg.MediaOrigins, no frames,
// no plugins, and Trusted Types enforced, so no script can write HTML
// strings into the page (innerHTML and friends throw). With Stripe.js
// (payments "stripe") its origin may add scripts and frames (the card
// fields and the bank's authentication are Stripe's frames), Stripe's API
// may be called, and one Trusted Types policy, kw-stripe, may exist: the
// app's loader, which turns exactly cfg.StripeJSURL into a script URL.
func ContentSecurityPolicy(cfg Config) string {
	media := strings.Join(cfg.MediaOrigins, " ")
	script, connect, frame, policies := "'self'", "'self' "+media, "'none'", "'none'"
	if cfg.Payments == PaymentsStripe {
		js := "https://js.stripe.com"
		if u, err := url.Parse(cfg.StripeJSURL); err == nil && u.Host != "" {
			js = u.Scheme + "://" + u.Host
		}
		script += " " + js
		frame, policies = js, "kw-stripe"
		if js == "https://js.stripe.com" {
			// Stripe's security guide: its API, and the 3-D Secure pages
			// hooks.stripe.com serves.
			connect += " https://api.stripe.com"
			frame += " https://hooks.stripe.com"
		} else {
			connect += " " + js
		}
	}
	return strings.Join([]string{
		"default-src 'none'",
		"script-src " + script,
		"style-src 'self'",
		"img-src 'self' data: " + media,
		"media-src 'self' blob: data: " + media, // data: for hls.js's empty caption tracks (data:,WEBVTT)
		"connect-src " + connect,
		"font-src 'self'",
		"manifest-src 'self'",
		"worker-src 'self'",
		"frame-src " + frame,
		"object-src 'none'",
		"base-uri 'none'",
		"form-action 'self'",
		"frame-ancestors 'none'",
		"require-trusted-types-for 'script'",
		"trusted-types " + policies,
	}, "; ")
}

// page serves the app's one HTML page.
func (s *Service) page(w http.ResponseWriter, r *http.Request) error {
	h := w.Header()
	h.Set("Content-Security-Policy", s.csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	h.Set("Cache-Control", pageCacheControl)
	h.Set("ETag", s.etag)
	if match(r, s.etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(s.html)))
	_, _ = w.Write(s.html)
	return nil
}

// errNoAsset answers a name that is not in this build.
var errNoAsset = errs.E(errs.NotFound, "no such asset in this build of the web app")

// asset serves one built file, gzipped when the client takes gzip.
func (s *Service) asset(w http.ResponseWriter, r *http.Request) error {
	a, ok := s.assets[r.PathValue("file")]
	if !ok {
		return errNoAsset
	}
	h := w.Header()
	h.Set("Cache-Control", assetCacheControl)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Vary", "Accept-Encoding")
	h.Set("ETag", a.etag)
	if match(r, a.etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	h.Set("Content-Type", a.contentType)
	body := a.body
	if acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = a.gz
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
	return nil
}

func etagOf(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}

func match(r *http.Request, etag string) bool {
	for _, t := range strings.Split(r.Header.Get("If-None-Match"), ",") {
		if t = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(t), "W/")); t == etag || t == "*" {
			return true
		}
	}
	return false
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") {
			q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}
