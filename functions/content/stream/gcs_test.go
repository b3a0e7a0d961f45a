package stream

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kwipper/kwipper/functions/devstack/sample"
	"github.com/kwipper/kwipper/shared/devstack/gcsfake"
)

// startGCS runs fake-gcs-server in process with an empty bucket.
func startGCS(t *testing.T) GCS {
	t.Helper()
	srv, err := gcsfake.Start(ctx(t), gcsfake.Options{Bucket: "kw-media"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	c, err := gcsfake.Client(ctx(t), srv.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return GCS{Bucket: c.Bucket("kw-media")}
}

func TestGCS_readsAndWritesObjects(t *testing.T) {
	g := startGCS(t)
	if err := g.WriteObject(ctx(t), "media/x.hls/360p0000000000.ts", "video/mp2t", strings.NewReader("0123456789")); err != nil {
		t.Fatal(err)
	}
	attrs, err := g.Bucket.Object("media/x.hls/360p0000000000.ts").Attrs(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	if attrs.ContentType != "video/mp2t" || attrs.CacheControl != "public, max-age=31536000, immutable" {
		t.Errorf("metadata %q %q", attrs.ContentType, attrs.CacheControl)
	}
	o, err := g.OpenObject(ctx(t), "media/x.hls/360p0000000000.ts")
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	buf := make([]byte, 4)
	if n, err := o.ReadAt(buf, 3); n != 4 || err != nil || string(buf) != "3456" || o.Size() != 10 {
		t.Errorf("ReadAt(3) = %d %v %q, size %d", n, err, buf, o.Size())
	}
	if n, err := o.ReadAt(buf, 8); n != 2 || err != io.EOF || string(buf[:2]) != "89" {
		t.Errorf("ReadAt(8) = %d %v %q", n, err, buf[:n])
	}
	if _, err := g.OpenObject(ctx(t), "media/missing"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing object: %v, want fs.ErrNotExist", err)
	}
}

// TestGCS_localStackEndToEnd is the dev stack's path on a real storage
// client: probe the upload by ranges, transcode it in the background,
// then play it through Delivery with a signed cookie.
func TestGCS_localStackEndToEnd(t *testing.T) {
	g := startGCS(t)
	in := "media/c1/i1/u1"
	lesson := sample.LessonMP4
	if err := g.WriteObject(ctx(t), in, "video/mp4", bytes.NewReader(lesson)); err != nil {
		t.Fatal(err)
	}
	obj, err := g.OpenObject(ctx(t), in)
	if err != nil {
		t.Fatal(err)
	}
	probe, err := ProbeMP4(obj, obj.Size())
	obj.Close()
	if err != nil || probe.Height != 360 {
		t.Fatalf("ProbeMP4 over GCS: %+v %v", probe, err)
	}

	n := &memNotifier{}
	l := NewLocal(LocalConfig{Objects: g, Outputs: g, Notifier: n, FFmpeg: testFFmpeg, TempDir: t.TempDir(),
		Log: slog.New(slog.DiscardHandler)})
	defer l.Close()
	name, err := l.Submit(ctx(t), Job{Input: in, OutputPrefix: OutputPrefix(in), Source: probe})
	if err != nil {
		t.Fatal(err)
	}
	l.Wait()
	if rs := n.results(t); len(rs) != 1 || rs[0].Name != name || !rs[0].Succeeded() {
		t.Fatalf("notifications %+v", rs)
	}

	now := time.Now()
	d := &Delivery{Objects: g, Mount: "/media/", ObjectPrefix: "media/", BaseURL: fixtureBase,
		Verifier: CookieVerifier{Keys: map[string][]byte{"k1": googleTestKey}}, Log: slog.New(slog.DiscardHandler)}
	c, err := CookieSigner{KeyName: "k1", Key: googleTestKey}.Cookie(PrefixURL(fixtureBase+"/media/", "c1/i1/u1.hls/"), now.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"360p.m3u8", SegmentName("360p", 2), PosterName} {
		r := httptest.NewRequest(http.MethodGet, fixtureBase+"/media/c1/i1/u1.hls/"+f, nil)
		r.AddCookie(c)
		w := httptest.NewRecorder()
		d.ServeHTTP(w, r)
		if w.Code != http.StatusOK || w.Body.Len() == 0 {
			t.Errorf("%s: %d, %d bytes", f, w.Code, w.Body.Len())
		}
	}
}
