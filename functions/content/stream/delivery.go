package stream

import (
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Delivery serves streaming outputs to players on the local stack, as Cloud
// CDN does in front of the bucket: every request needs a signed cookie
// granting its URL, checked as Cloud CDN checks it (CookieVerifier);
// segments answer Range requests.
//
// A request for <Mount><rest> serves object <ObjectPrefix><rest>.
type Delivery struct {
	Objects  ObjectReader
	Verifier CookieVerifier
	// Mount is the URL path served, ending in "/" (e.g. "/media/").
	Mount string
	// ObjectPrefix is prepended to the rest of the path to name the
	// object ("" serves the object named by the rest).
	ObjectPrefix string
	// BaseURL is the scheme and host clients use (e.g.
	// "http://127.0.0.1:8080"), which cookie prefixes name. Empty: taken
	// from each request (its Host, https when it came over TLS).
	BaseURL string
	Log     *slog.Logger
}

// ServeHTTP implements http.Handler: 405 for methods other than GET and
// HEAD, 400 for a path with dot segments or empty segments, 403 without a
// valid cookie, 404 for a missing object.
func (d *Delivery) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		refuseHTTP(w, http.StatusMethodNotAllowed, "GET or HEAD only")
		return
	}
	escaped := r.URL.EscapedPath()
	rest, ok := strings.CutPrefix(r.URL.Path, d.Mount)
	if !ok || d.Mount == "" || !strings.HasPrefix(escaped, d.Mount) {
		refuseHTTP(w, http.StatusNotFound, "not found")
		return
	}
	// A cookie grants a prefix of the URL as sent; the object is named by
	// the decoded path. Dot segments, empty segments and encoded slashes
	// would let one differ from the other.
	if rest == "" || !cleanObjectPath(rest) || strings.Contains(strings.ToLower(escaped), "%2f") {
		refuseHTTP(w, http.StatusBadRequest, "bad path")
		return
	}
	if err := d.Verifier.VerifyRequest(r, d.base(r)+escaped); err != nil {
		d.log().InfoContext(r.Context(), "media request refused", "path", r.URL.Path, "err", err.Error())
		refuseHTTP(w, http.StatusForbidden, "forbidden: a valid signed cookie for this URL is required")
		return
	}
	name := d.ObjectPrefix + rest
	obj, err := d.Objects.OpenObject(r.Context(), name)
	if errors.Is(err, fs.ErrNotExist) {
		refuseHTTP(w, http.StatusNotFound, "not found")
		return
	}
	if err != nil {
		d.log().ErrorContext(r.Context(), "media object unreadable", "object", name, "err", err.Error())
		refuseHTTP(w, http.StatusServiceUnavailable, "storage unavailable; try again")
		return
	}
	defer obj.Close()
	h := w.Header()
	h.Set("Content-Type", ContentType(name))
	h.Set("Cache-Control", CacheControl(name))
	h.Set("X-Content-Type-Options", "nosniff")
	http.ServeContent(w, r, "", time.Time{}, io.NewSectionReader(obj, 0, obj.Size()))
}

// base is the scheme and host of r as the client addressed it.
func (d *Delivery) base(r *http.Request) string {
	if d.BaseURL != "" {
		return strings.TrimSuffix(d.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func (d *Delivery) log() *slog.Logger {
	if d.Log != nil {
		return d.Log
	}
	return slog.Default()
}

// refuseHTTP answers an error that no cache keeps: a refusal now may be a
// success after the cookie is set or the object written.
func refuseHTTP(w http.ResponseWriter, status int, msg string) {
	h := w.Header()
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, msg+"\n")
}

// PrefixURL is the URL of object prefix objectPrefix under base (the
// scheme, host and path the bucket is served at: Cloud CDN's, or the
// Delivery's mount, e.g. "http://127.0.0.1:8080/media/"): the URLPrefix of
// its signed cookie.
func PrefixURL(base, objectPrefix string) string {
	return strings.TrimSuffix(base, "/") + "/" + pathEscapeObject(objectPrefix)
}

// pathEscapeObject percent-encodes each segment of an object name for a
// URL path.
func pathEscapeObject(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}
