package stream

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// deliveryFixture is a bucket holding one transcoded upload (and a second
// item's), served by a Delivery.
type deliveryFixture struct {
	bucket *memObjects
	d      *Delivery
	signer CookieSigner
	now    time.Time
}

const (
	fixtureBase   = "http://127.0.0.1:8080"
	fixtureUpload = "media/c1/i1/u1" // the source object
)

func newDeliveryFixture(t *testing.T) *deliveryFixture {
	tc := sharedTranscode(t)
	bucket := newMemObjects()
	prefix := OutputPrefix(fixtureUpload)
	bucket.loadDir(t, tc.dir, prefix, tc.res.Files)
	master, err := MasterPlaylist(tc.res.Renditions, []Caption{{Language: "id", Playlist: CaptionPlaylistName("id")}})
	if err != nil {
		t.Fatal(err)
	}
	bucket.put(prefix+MasterName, ContentType(MasterName), master)
	cp, err := CaptionPlaylist("id.vtt", tc.res.Duration)
	if err != nil {
		t.Fatal(err)
	}
	bucket.put(prefix+CaptionPlaylistName("id"), ContentType(".m3u8"), cp)
	bucket.put(prefix+CaptionVTTName("id"), ContentType(".vtt"), []byte("WEBVTT\n\n00:00.500 --> 00:02.000\nHalo\n"))
	bucket.put("media/c1/i2/u2.hls/"+MasterName, ContentType(MasterName), master)
	bucket.put(fixtureUpload, "video/mp4", []byte("the source"))

	now := time.Unix(1_800_000_000, 0)
	signer := CookieSigner{KeyName: "kw-media-1", Key: googleTestKey}
	d := &Delivery{Objects: bucket, Mount: "/media/", ObjectPrefix: "media/", BaseURL: fixtureBase,
		Verifier: CookieVerifier{Keys: map[string][]byte{"kw-media-1": googleTestKey}, Now: func() time.Time { return now }},
		Log:      slog.New(slog.DiscardHandler)}
	return &deliveryFixture{bucket: bucket, d: d, signer: signer, now: now}
}

// cookie grants the prefix of object prefix p until exp.
func (f *deliveryFixture) cookie(t *testing.T, p string, exp time.Time) *http.Cookie {
	c, err := f.signer.Cookie(PrefixURL(fixtureBase+"/media/", strings.TrimPrefix(p, "media/")), exp)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *deliveryFixture) get(path string, h http.Header, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, fixtureBase+path, nil)
	for k, v := range h {
		r.Header[k] = v
	}
	for _, c := range cookies {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	f.d.ServeHTTP(w, r)
	return w
}

func TestDelivery_servesWithTheRightHeaders(t *testing.T) {
	f := newDeliveryFixture(t)
	c := f.cookie(t, OutputPrefix(fixtureUpload), f.now.Add(time.Hour))
	base := "/media/c1/i1/u1.hls/"
	for _, tc := range []struct{ name, ctype, cache string }{
		{MasterName, "application/vnd.apple.mpegurl", "public, max-age=60"},
		{"360p.m3u8", "application/vnd.apple.mpegurl", "public, max-age=60"},
		{SegmentName("360p", 0), "video/mp2t", "public, max-age=31536000, immutable"},
		{PosterName, "image/jpeg", "public, max-age=31536000, immutable"},
		{CaptionVTTName("id"), "text/vtt; charset=utf-8", "public, max-age=60"},
	} {
		w := f.get(base+tc.name, nil, c)
		want, _ := f.bucket.get("media/c1/i1/u1.hls/" + tc.name)
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != tc.ctype || w.Header().Get("Cache-Control") != tc.cache ||
			!bytes.Equal(w.Body.Bytes(), want.data) {
			t.Errorf("%s: %d %q %q, %d bytes (want %d)", tc.name, w.Code, w.Header().Get("Content-Type"),
				w.Header().Get("Cache-Control"), w.Body.Len(), len(want.data))
		}
	}
}

func TestDelivery_answersRangeRequestsForSegments(t *testing.T) {
	f := newDeliveryFixture(t)
	c := f.cookie(t, OutputPrefix(fixtureUpload), f.now.Add(time.Hour))
	seg := SegmentName("720p", 0)
	if _, ok := f.bucket.get("media/c1/i1/u1.hls/" + seg); ok {
		t.Fatal("the 640x360 clip has a 720p rung?")
	}
	seg = SegmentName("240p", 0)
	obj, _ := f.bucket.get("media/c1/i1/u1.hls/" + seg)
	w := f.get("/media/c1/i1/u1.hls/"+seg, http.Header{"Range": {"bytes=188-375"}}, c)
	if w.Code != http.StatusPartialContent || w.Header().Get("Content-Range") != "bytes 188-375/"+strconv.Itoa(len(obj.data)) ||
		!bytes.Equal(w.Body.Bytes(), obj.data[188:376]) || w.Header().Get("Accept-Ranges") != "bytes" {
		t.Errorf("range: %d %q %q, %d bytes", w.Code, w.Header().Get("Content-Range"), w.Header().Get("Accept-Ranges"), w.Body.Len())
	}
	w = f.get("/media/c1/i1/u1.hls/"+seg, http.Header{"Range": {"bytes=999999999-"}}, c)
	if w.Code != http.StatusRequestedRangeNotSatisfiable {
		t.Errorf("range past the end: %d", w.Code)
	}
	r := httptest.NewRequest(http.MethodHead, fixtureBase+"/media/c1/i1/u1.hls/"+seg, nil)
	r.AddCookie(c)
	hw := httptest.NewRecorder()
	f.d.ServeHTTP(hw, r)
	if hw.Code != http.StatusOK || hw.Body.Len() != 0 || hw.Header().Get("Content-Length") != strconv.Itoa(len(obj.data)) {
		t.Errorf("HEAD: %d, %d bytes, length %q", hw.Code, hw.Body.Len(), hw.Header().Get("Content-Length"))
	}
}

func TestDelivery_refusesWithoutAValidCookieForTheURL(t *testing.T) {
	f := newDeliveryFixture(t)
	mine := f.cookie(t, OutputPrefix(fixtureUpload), f.now.Add(time.Hour))
	expired := f.cookie(t, OutputPrefix(fixtureUpload), f.now.Add(-time.Minute))
	otherItem := f.cookie(t, "media/c1/i2/u2.hls/", f.now.Add(time.Hour))
	altered := *mine
	altered.Value = strings.Replace(mine.Value, ":Expires=1800003600", ":Expires=1900003600", 1)
	master := "/media/c1/i1/u1.hls/" + MasterName
	for _, tc := range []struct {
		name    string
		path    string
		cookies []*http.Cookie
		want    int
	}{
		{"no_cookie", master, nil, http.StatusForbidden},
		{"expired", master, []*http.Cookie{expired}, http.StatusForbidden},
		{"altered", master, []*http.Cookie{&altered}, http.StatusForbidden},
		{"another_items_cookie", master, []*http.Cookie{otherItem}, http.StatusForbidden},
		{"my_cookie_on_another_item", "/media/c1/i2/u2.hls/" + MasterName, []*http.Cookie{mine}, http.StatusForbidden},
		{"my_cookie_on_the_source_object", "/media/" + strings.TrimPrefix(fixtureUpload, "media/"), []*http.Cookie{mine}, http.StatusForbidden},
		{"dot_dot_out_of_my_prefix", "/media/c1/i1/u1.hls/../../i2/u2.hls/" + MasterName, []*http.Cookie{mine}, http.StatusBadRequest},
		{"encoded_slash", "/media/c1/i1/u1.hls/..%2F..%2Fi2%2Fu2.hls%2F" + MasterName, []*http.Cookie{mine}, http.StatusBadRequest},
		{"empty_segment", "/media/c1/i1/u1.hls//" + MasterName, []*http.Cookie{mine}, http.StatusBadRequest},
		{"missing_object", "/media/c1/i1/u1.hls/1080p.m3u8", []*http.Cookie{mine}, http.StatusNotFound},
		{"outside_the_mount", "/other/c1/i1/u1.hls/" + MasterName, []*http.Cookie{mine}, http.StatusNotFound},
		{"valid", master, []*http.Cookie{mine}, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := f.get(tc.path, nil, tc.cookies...)
			if w.Code != tc.want {
				t.Fatalf("status %d, want %d: %s", w.Code, tc.want, w.Body)
			}
			if tc.want != http.StatusOK && w.Header().Get("Cache-Control") != "private, no-store" {
				t.Errorf("a refusal is cacheable: %q", w.Header().Get("Cache-Control"))
			}
		})
	}
	r := httptest.NewRequest(http.MethodPost, fixtureBase+master, nil)
	r.AddCookie(mine)
	w := httptest.NewRecorder()
	f.d.ServeHTTP(w, r)
	if w.Code != http.StatusMethodNotAllowed || w.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: %d %q", w.Code, w.Header().Get("Allow"))
	}
}

// failingObjects fails every read.
type failingObjects struct{}

func (failingObjects) OpenObject(context.Context, string) (Object, error) {
	return nil, errors.New("storage down")
}

func TestDelivery_storageFailureIs503(t *testing.T) {
	f := newDeliveryFixture(t)
	f.d.Objects = failingObjects{}
	w := f.get("/media/c1/i1/u1.hls/"+MasterName, nil, f.cookie(t, OutputPrefix(fixtureUpload), f.now.Add(time.Hour)))
	if w.Code != http.StatusServiceUnavailable {
		t.Errorf("status %d", w.Code)
	}
}

// TestDelivery_aPlayerWithTheCookieFetchesEverything plays the upload as a
// browser would: the cookie sits in a cookie jar (so its Path and Secure
// attributes decide where it goes), and every URI is resolved relative to
// the playlist that names it.
func TestDelivery_aPlayerWithTheCookieFetchesEverything(t *testing.T) {
	f := newDeliveryFixture(t)
	f.d.BaseURL = "" // from the request, as on the dev stack
	srv := httptest.NewServer(f.d)
	defer srv.Close()
	base, _ := url.Parse(srv.URL + "/media/")
	c, err := f.signer.Cookie(PrefixURL(base.String(), "c1/i1/u1.hls/"), f.now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	jar.SetCookies(base, []*http.Cookie{c})
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second}

	fetch := func(u *url.URL) []byte {
		t.Helper()
		resp, err := client.Get(u.String())
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s", u, resp.StatusCode, b)
		}
		return b
	}
	uris := func(playlist []byte) []string {
		var us []string
		sc := bufio.NewScanner(bytes.NewReader(playlist))
		for sc.Scan() {
			l := sc.Text()
			if i := strings.Index(l, `URI="`); i >= 0 {
				us = append(us, strings.SplitN(l[i+5:], `"`, 2)[0])
			} else if l != "" && !strings.HasPrefix(l, "#") {
				us = append(us, l)
			}
		}
		return us
	}
	masterURL := base.ResolveReference(&url.URL{Path: "c1/i1/u1.hls/" + MasterName})
	fetched := 0
	for _, media := range uris(fetch(masterURL)) {
		mu := masterURL.ResolveReference(&url.URL{Path: media})
		for _, seg := range uris(fetch(mu)) {
			fetch(mu.ResolveReference(&url.URL{Path: seg}))
			fetched++
		}
	}
	if fetched < 4 { // 240p, 360p, audio: a segment each at least, and the caption
		t.Errorf("fetched %d segments", fetched)
	}
	// The jar does not send the cookie outside its path.
	resp, err := client.Get(base.ResolveReference(&url.URL{Path: "c1/i2/u2.hls/" + MasterName}).String())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("another item's master: %d", resp.StatusCode)
	}
}
