package gcsfake

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
)

// A browser's resumable upload: the preflight allows the signed headers,
// a status query after a chunk says how much the session holds (without
// completing it), the Range header is readable cross-origin, and once the
// last chunk is in, a status query says it is complete.
func TestBrowserUploads_resumableSessionAsCloudStorage(t *testing.T) {
	s, err := Start(context.Background(), Options{Bucket: "b"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	base := "http://" + s.Host
	do := func(method, url string, body []byte, h map[string]string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(method, url, bytes.NewReader(body))
		if body == nil {
			req.Body, req.ContentLength = http.NoBody, 0
		}
		req.Header.Set("Origin", "http://127.0.0.1:1")
		for k, v := range h {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}

	pre := do(http.MethodOptions, base+"/b/o", nil, map[string]string{"Access-Control-Request-Method": "PUT",
		"Access-Control-Request-Headers": "content-disposition,content-type,x-goog-content-length-range,x-goog-if-generation-match,x-goog-hash"})
	if pre.StatusCode != http.StatusOK || pre.Header.Get("Access-Control-Allow-Origin") == "" {
		t.Fatalf("preflight: %d %v", pre.StatusCode, pre.Header)
	}

	start := do(http.MethodPost, base+"/upload/storage/v1/b/b/o?uploadType=resumable&name=v.mp4", []byte(`{"name":"v.mp4"}`),
		map[string]string{"Content-Type": "application/json"})
	session := start.Header.Get("Location")
	if session == "" {
		t.Fatalf("no session: %d", start.StatusCode)
	}
	const chunk, total = 256 << 10, 512 << 10
	data := bytes.Repeat([]byte("k"), total)
	if r := do(http.MethodPut, session, nil, map[string]string{"Content-Range": "bytes */524288"}); r.StatusCode != http.StatusPermanentRedirect || r.Header.Get("Range") != "" {
		t.Fatalf("status of an empty session: %d %q", r.StatusCode, r.Header.Get("Range"))
	}
	r := do(http.MethodPut, session, data[:chunk], map[string]string{"Content-Range": "bytes 0-262143/524288"})
	if r.StatusCode != http.StatusPermanentRedirect || !strings.Contains(r.Header.Get("Access-Control-Expose-Headers"), "Range") {
		t.Fatalf("first chunk: %d %v", r.StatusCode, r.Header)
	}
	for range 2 { // asking twice changes nothing
		if r := do(http.MethodPut, session, nil, map[string]string{"Content-Range": "bytes */524288"}); r.StatusCode != http.StatusPermanentRedirect ||
			r.Header.Get("Range") != "bytes=0-262143" || !strings.Contains(r.Header.Get("Access-Control-Expose-Headers"), "Range") {
			t.Fatalf("status after a chunk: %d %v", r.StatusCode, r.Header)
		}
	}
	if r := do(http.MethodPut, session, data[chunk:], map[string]string{"Content-Range": "bytes 262144-524287/524288"}); r.StatusCode != http.StatusOK {
		t.Fatalf("last chunk: %d", r.StatusCode)
	}
	if r := do(http.MethodPut, session, nil, map[string]string{"Content-Range": "bytes */524288"}); r.StatusCode != http.StatusOK {
		t.Fatalf("status of a complete upload: %d", r.StatusCode)
	}
	c, err := Client(context.Background(), s.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	attrs, err := c.Bucket("b").Object("v.mp4").Attrs(context.Background())
	if err != nil || attrs.Size != total {
		t.Fatalf("object: %+v %v", attrs, err)
	}
}
