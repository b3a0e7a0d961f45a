package content_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/spanner"
	"cloud.google.com/go/storage"

	"github.com/kwipper/kwipper/functions/content"
	"github.com/kwipper/kwipper/functions/contract/coursemsg"
	"github.com/kwipper/kwipper/functions/contract/subscribemsg"
	"github.com/kwipper/kwipper/functions/devstack/apitest"
	"github.com/kwipper/kwipper/shared/devstack/gcsfake"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/spanx"
)

// stack is the whole platform with a V4 signing key the test knows, so it
// can check the signatures fake-gcs-server does not.
type stack struct {
	*apitest.Env
	t   *testing.T
	pub *rsa.PublicKey
	gcs *storage.Client
}

func start(t *testing.T) *stack {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("KW_GCS_SIGNING_KEY", string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})))
	t.Setenv("KW_GCS_SIGNER_EMAIL", "content@kw-test.iam.gserviceaccount.com")
	e := apitest.Start(t)
	c, err := gcsfake.Client(context.Background(), e.Storage.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &stack{Env: e, t: t, pub: &key.PublicKey, gcs: c}
}

type uploadView struct {
	ID        string            `json:"id"`
	Status    string            `json:"status"`
	Reason    string            `json:"reason"`
	Resumable bool              `json:"resumable"`
	Method    string            `json:"method"`
	URL       string            `json:"url"`
	Headers   map[string]string `json:"headers"`
}

type contentView struct {
	Kind        string    `json:"kind"`
	Body        string    `json:"body"`
	URL         string    `json:"url"`
	ExpiresAt   time.Time `json:"expires_at"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	FileName    string    `json:"file_name"`
}

// media returns n bytes that sniff as an MP4 video.
func media(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	copy(b, "\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom")
	return b
}

func sha(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

func crc(b []byte) string {
	var out [4]byte
	binary.BigEndian.PutUint32(out[:], crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli)))
	return base64.StdEncoding.EncodeToString(out[:])
}

func (s *stack) uploadsPath(course, item string) string {
	return "/v1/courses/" + course + "/items/" + item + "/uploads"
}

// startUpload asks for an upload URL and checks it is signed by the
// service's key for exactly the headers it says to send.
func (s *stack) startUpload(token, course, item string, req map[string]any) uploadView {
	s.t.Helper()
	var v uploadView
	s.Must(http.StatusCreated, "POST", s.uploadsPath(course, item), token, req).JSON(s.t, &v)
	hdr := map[string]string{}
	for k, val := range v.Headers {
		hdr[strings.ToLower(k)] = val
	}
	if err := content.VerifyV4(s.pub, v.Method, v.URL, hdr, time.Now()); err != nil {
		s.t.Fatalf("upload URL does not verify with the service's public key: %v", err)
	}
	return v
}

// send uploads body through v's signed URL (opening a session first when it
// is resumable, then sending two chunks), with headers changed by override.
func (s *stack) send(v uploadView, body []byte, override map[string]string) {
	s.t.Helper()
	req, _ := http.NewRequest(v.Method, v.URL, nil)
	if !v.Resumable {
		req, _ = http.NewRequest(v.Method, v.URL, bytes.NewReader(body))
	}
	for k, val := range v.Headers {
		req.Header.Set(k, val)
	}
	for k, val := range override {
		req.Header.Set(k, val)
	}
	resp := s.do(req)
	if !v.Resumable {
		return
	}
	session := resp.Header.Get("Location")
	if session == "" {
		s.t.Fatal("resumable start answered no session URI")
	}
	half := len(body) / 2
	for _, part := range []struct{ from, to int }{{0, half}, {half, len(body)}} {
		req, _ := http.NewRequest(http.MethodPut, session, bytes.NewReader(body[part.from:part.to]))
		req.Header.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", part.from, part.to-1, len(body)))
		s.do(req)
	}
}

func (s *stack) do(req *http.Request) *http.Response {
	s.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode >= 300 && resp.StatusCode != http.StatusPermanentRedirect {
		s.t.Fatalf("%s %s: %d %s", req.Method, req.URL.Path, resp.StatusCode, b)
	}
	return resp
}

// outcome waits until the upload is no longer pending and returns it.
func (s *stack) outcome(token, course, item, id string) uploadView {
	s.t.Helper()
	var v uploadView
	s.Eventually("upload "+id+" decided", 30*time.Second, func() bool {
		s.Must(http.StatusOK, "GET", s.uploadsPath(course, item)+"/"+id, token, nil).JSON(s.t, &v)
		return v.Status != content.UploadPending
	})
	return v
}

func (s *stack) contentPath(course, item string) string {
	return "/v1/courses/" + course + "/items/" + item + "/content"
}

// download fetches url with an optional Range and returns status and body.
func download(t *testing.T, url, rng string) (int, http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if rng != "" {
		req.Header.Set("Range", rng)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

func (s *stack) objectGone(name string) bool {
	_, err := s.gcs.Bucket("kwipper-media").Object(name).Attrs(context.Background())
	return errors.Is(err, storage.ErrObjectNotExist)
}

func (s *stack) objectName(course, item, upload string) string {
	return "media/local/" + course + "/" + item + "/" + upload
}

func (s *stack) publish(topic, typ string, data any) {
	s.t.Helper()
	ev, err := events.New(topic, typ, data)
	if err != nil {
		s.t.Fatal(err)
	}
	pub := &events.PubSub{Client: s.PubSub}
	defer pub.Stop()
	if err := pub.Publish(context.Background(), ev); err != nil {
		s.t.Fatal(err)
	}
}

type items struct {
	Items []struct {
		ID            string `json:"id"`
		ContentStatus string `json:"content_status"`
	} `json:"items"`
}

func (s *stack) courseContentStatus(token, course, item string) string {
	var l items
	s.Must(http.StatusOK, "GET", "/v1/courses/"+course+"/items", token, nil).JSON(s.t, &l)
	for _, it := range l.Items {
		if it.ID == item {
			return it.ContentStatus
		}
	}
	return ""
}

// The whole loop on the real emulators and fake-gcs-server: a tutor uploads
// through the signed URL, the finalize notification makes the item ready
// (and tells the Course service), the owner and then a subscribed learner
// download the same bytes and exact ranges; everyone else is refused; a
// replacement serves only once it is ready; a redelivered notification
// changes nothing.
func TestFlow_uploadFinalizeReadyDownload(t *testing.T) {
	s := start(t)
	tutorID, tutor := s.User("tutor@content.test", "tutor")
	_, otherTutor := s.User("other@content.test", "tutor")
	learnerID, learner := s.User("learner@content.test", "learner")
	_ = tutorID

	var c struct{ ID string }
	s.Must(201, "POST", "/v1/courses", tutor, map[string]any{"title": "Bahasa", "description": "",
		"price": map[string]any{"amount": 9900000, "currency": "IDR"}, "billing_interval": "month"}).JSON(t, &c)
	var video, text struct{ ID string }
	s.Must(201, "POST", "/v1/courses/"+c.ID+"/items", tutor, map[string]any{"kind": "video", "title": "Pronunciation"}).JSON(t, &video)
	s.Must(201, "POST", "/v1/courses/"+c.ID+"/items", tutor, map[string]any{"kind": "text", "title": "Greetings", "body": "Selamat pagi!"}).JSON(t, &text)

	// The projection learns the course from course-events.
	s.Eventually("text item in the content projection", 30*time.Second, func() bool {
		return s.Do("GET", s.contentPath(c.ID, text.ID), tutor, nil).Status == http.StatusOK
	})
	var tv contentView
	s.Must(200, "GET", s.contentPath(c.ID, text.ID), tutor, nil).JSON(t, &tv)
	if tv.Kind != "text" || tv.Body != "Selamat pagi!" {
		t.Fatalf("text content %+v", tv)
	}
	// Text goes through the same check.
	s.Must(http.StatusForbidden, "GET", s.contentPath(c.ID, text.ID), learner, nil)
	// No media yet: 409.
	s.Must(http.StatusConflict, "GET", s.contentPath(c.ID, video.ID), tutor, nil)

	// Who may start an upload.
	req := map[string]any{"content_type": "video/mp4", "size": 4096}
	s.Must(http.StatusUnauthorized, "POST", s.uploadsPath(c.ID, video.ID), "", req)
	s.Must(http.StatusForbidden, "POST", s.uploadsPath(c.ID, video.ID), learner, req)
	s.Must(http.StatusForbidden, "POST", s.uploadsPath(c.ID, video.ID), otherTutor, req)
	s.Must(http.StatusNotFound, "POST", s.uploadsPath("no-such-course", video.ID), tutor, req)
	s.Must(http.StatusNotFound, "POST", s.uploadsPath(c.ID, "no-such-item"), tutor, req)

	// Upload a real file with both checksums declared.
	body := media(300_000)
	v := s.startUpload(tutor, c.ID, video.ID, map[string]any{"content_type": "video/mp4", "size": len(body),
		"sha256": sha(body), "crc32c": crc(body), "file_name": "pronunciation.mp4"})
	if v.Method != http.MethodPut || v.Resumable || v.Headers["x-goog-hash"] != "crc32c="+crc(body) {
		t.Fatalf("small upload should be one signed PUT with its CRC32C: %+v", v)
	}
	// One upload per item at a time.
	s.Must(http.StatusConflict, "POST", s.uploadsPath(c.ID, video.ID), tutor, req)
	s.send(v, body, nil)
	if got := s.outcome(tutor, c.ID, video.ID, v.ID); got.Status != content.UploadReady {
		t.Fatalf("upload %+v", got)
	}
	// With its video ready (the Course service hears it), the course can
	// be published.
	s.Eventually("the course publishes once its video is ready", 30*time.Second, func() bool {
		return s.Do("POST", "/v1/courses/"+c.ID+"/publish", tutor, nil).Status == http.StatusOK
	})

	// The owner downloads the same bytes, and exact ranges.
	var cv contentView
	s.Must(200, "GET", s.contentPath(c.ID, video.ID), tutor, nil).JSON(t, &cv)
	if cv.ContentType != "video/mp4" || cv.Size != int64(len(body)) || cv.FileName != "pronunciation.mp4" ||
		time.Until(cv.ExpiresAt) <= 0 || time.Until(cv.ExpiresAt) > 10*time.Minute {
		t.Fatalf("content %+v", cv)
	}
	if err := content.VerifyV4(s.pub, http.MethodGet, cv.URL, nil, time.Now()); err != nil {
		t.Fatalf("download URL does not verify: %v", err)
	}
	status, hdr, got := download(t, cv.URL, "")
	if status != http.StatusOK || sha(got) != sha(body) {
		t.Fatalf("download: %d, %d bytes, sha256 %s want %s", status, len(got), sha(got), sha(body))
	}
	if cd := hdr.Get("Content-Disposition"); !strings.Contains(cd, "pronunciation.mp4") {
		t.Errorf("Content-Disposition %q does not name the file", cd)
	}
	status, hdr, got = download(t, cv.URL, "bytes=1000-1999")
	if status != http.StatusPartialContent || !bytes.Equal(got, body[1000:2000]) ||
		hdr.Get("Content-Range") != "bytes 1000-1999/"+strconv.Itoa(len(body)) {
		t.Fatalf("range: %d %q, %d bytes", status, hdr.Get("Content-Range"), len(got))
	}
	status, _, got = download(t, cv.URL, fmt.Sprintf("bytes=%d-", len(body)-10))
	if status != http.StatusPartialContent || !bytes.Equal(got, body[len(body)-10:]) {
		t.Fatalf("suffix range: %d, %d bytes", status, len(got))
	}

	// The Course service learns the item is ready.
	s.Eventually("course item content_status ready", 30*time.Second, func() bool {
		return s.courseContentStatus(tutor, c.ID, video.ID) == "ready"
	})

	// Refused: another tutor, an unsubscribed learner, anonymous; 404s.
	s.Must(http.StatusForbidden, "GET", s.contentPath(c.ID, video.ID), otherTutor, nil)
	s.Must(http.StatusForbidden, "GET", s.contentPath(c.ID, video.ID), learner, nil)
	s.Must(http.StatusUnauthorized, "GET", s.contentPath(c.ID, video.ID), "", nil)
	s.Must(http.StatusNotFound, "GET", s.contentPath("no-such-course", video.ID), tutor, nil)
	s.Must(http.StatusNotFound, "GET", s.contentPath(c.ID, "no-such-item"), tutor, nil)

	// A subscription (as the Subscribe service announces it) entitles the
	// learner; its end takes that back.
	sub := map[string]string{"subscription_id": "sub-1", "user_id": learnerID, "course_id": c.ID}
	s.publish(subscribemsg.Topic, subscribemsg.EventActivated, sub)
	s.Eventually("learner entitled", 30*time.Second, func() bool {
		return s.Do("GET", s.contentPath(c.ID, video.ID), learner, nil).Status == http.StatusOK
	})
	var lv contentView
	s.Must(200, "GET", s.contentPath(c.ID, video.ID), learner, nil).JSON(t, &lv)
	if _, _, got := download(t, lv.URL, ""); sha(got) != sha(body) {
		t.Fatal("the learner downloaded other bytes")
	}
	s.Must(200, "GET", s.contentPath(c.ID, text.ID), learner, nil)

	// A redelivered finalize notification changes nothing.
	attrs, err := s.gcs.Bucket("kwipper-media").Object(s.objectName(c.ID, video.ID, v.ID)).Attrs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	note, _ := json.Marshal(map[string]string{"kind": "storage#object", "name": attrs.Name, "bucket": attrs.Bucket,
		"generation": strconv.FormatInt(attrs.Generation, 10), "contentType": attrs.ContentType,
		"size": strconv.FormatInt(attrs.Size, 10), "crc32c": crc(body)})
	for i := range 2 {
		env := map[string]any{"message": map[string]any{"data": base64.StdEncoding.EncodeToString(note),
			"messageId": fmt.Sprintf("redelivery-%d", i), "attributes": map[string]string{"eventType": "OBJECT_FINALIZE"}}}
		s.Must(http.StatusNoContent, "POST", s.PushPath("content-on-object-finalized"), "", env)
	}
	if got := s.outcome(tutor, c.ID, video.ID, v.ID); got.Status != content.UploadReady || s.objectGone(attrs.Name) {
		t.Fatalf("after redelivery: %+v", got)
	}

	// A replacement that fails its checks leaves the old media serving.
	bad := media(5000)
	r1 := s.startUpload(tutor, c.ID, video.ID, map[string]any{"content_type": "video/mp4", "size": len(bad), "sha256": sha(body[:5000])})
	s.send(r1, bad, nil)
	if got := s.outcome(tutor, c.ID, video.ID, r1.ID); got.Status != content.UploadRejected || !strings.Contains(got.Reason, "SHA-256") {
		t.Fatalf("bad replacement %+v", got)
	}
	s.Eventually("rejected object deleted", 10*time.Second, func() bool { return s.objectGone(s.objectName(c.ID, video.ID, r1.ID)) })
	s.Must(200, "GET", s.contentPath(c.ID, video.ID), tutor, nil).JSON(t, &cv)
	if _, _, got := download(t, cv.URL, ""); sha(got) != sha(body) {
		t.Fatal("a rejected replacement changed what serves")
	}

	// A large replacement goes resumable; once ready it serves and the old
	// object is deleted.
	big := media(content.ResumableThreshold + 1000)
	r2 := s.startUpload(tutor, c.ID, video.ID, map[string]any{"content_type": "video/mp4", "size": len(big), "crc32c": crc(big)})
	if !r2.Resumable || r2.Method != http.MethodPost || r2.Headers["x-goog-resumable"] != "start" {
		t.Fatalf("large upload should be resumable: %+v", r2)
	}
	s.send(r2, big, nil)
	if got := s.outcome(tutor, c.ID, video.ID, r2.ID); got.Status != content.UploadReady {
		t.Fatalf("resumable upload %+v", got)
	}
	s.Eventually("replaced object deleted", 10*time.Second, func() bool { return s.objectGone(s.objectName(c.ID, video.ID, v.ID)) })
	s.Must(200, "GET", s.contentPath(c.ID, video.ID), learner, nil).JSON(t, &lv)
	if _, _, got := download(t, lv.URL, ""); sha(got) != sha(big) {
		t.Fatal("the replacement does not serve")
	}

	s.publish(subscribemsg.Topic, subscribemsg.EventEnded, sub)
	s.Eventually("learner no longer entitled", 30*time.Second, func() bool {
		return s.Do("GET", s.contentPath(c.ID, video.ID), learner, nil).Status == http.StatusForbidden
	})
	s.Must(200, "GET", s.contentPath(c.ID, video.ID), tutor, nil)
}

// Objects that do not match their declaration are rejected, deleted, and
// the tutor is told why; bad requests create nothing.
func TestUpload_mismatchedObjectsRejectedAndRemoved(t *testing.T) {
	s := start(t)
	_, tutor := s.User("tutor@reject.test", "tutor")
	var c struct{ ID string }
	s.Must(201, "POST", "/v1/courses", tutor, map[string]any{"title": "Nihongo", "description": "",
		"price": map[string]any{"amount": 1500, "currency": "JPY"}, "billing_interval": "month"}).JSON(t, &c)
	var video, file struct{ ID string }
	s.Must(201, "POST", "/v1/courses/"+c.ID+"/items", tutor, map[string]any{"kind": "video", "title": "Kana"}).JSON(t, &video)
	s.Must(201, "POST", "/v1/courses/"+c.ID+"/items", tutor, map[string]any{"kind": "file", "title": "Sheet"}).JSON(t, &file)
	// Both items reach the projection through course-events, in any order.
	s.Eventually("items in the content projection", 30*time.Second, func() bool {
		return s.Do("GET", s.contentPath(c.ID, file.ID), tutor, nil).Status == http.StatusConflict &&
			s.Do("GET", s.contentPath(c.ID, video.ID), tutor, nil).Status == http.StatusConflict
	})

	// Bad requests: 400, and nothing is created (no upload in progress after).
	for name, req := range map[string]map[string]any{
		"pdf_on_video": {"content_type": "application/pdf", "size": 10},
		"too_large":    {"content_type": "video/mp4", "size": int64(262144000) + 1},
		"bad_sha256":   {"content_type": "video/mp4", "size": 10, "sha256": "xyz"},
	} {
		r := s.Do("POST", s.uploadsPath(c.ID, video.ID), tutor, req)
		if r.Status != http.StatusBadRequest {
			t.Errorf("%s: %d %s", name, r.Status, r.Body)
		}
	}
	s.Must(http.StatusBadRequest, "POST", s.uploadsPath(c.ID, video.ID), tutor, `{"content_type":"video/mp4","size":10,"colour":"red"}`)

	body := media(20_000)
	for _, tc := range []struct {
		name     string
		item     string
		req      map[string]any
		send     []byte
		override map[string]string
		reason   string
	}{
		{"rejected_size", video.ID, map[string]any{"content_type": "video/mp4", "size": len(body) + 1}, body, nil, "size mismatch"},
		{"rejected_type", video.ID, map[string]any{"content_type": "video/mp4", "size": len(body)}, body, map[string]string{"Content-Type": "video/webm"}, "content type mismatch"},
		{"rejected_crc32c", video.ID, map[string]any{"content_type": "video/mp4", "size": len(body), "crc32c": crc(body[1:])}, body, nil, "CRC32C"},
		{"rejected_sha256", video.ID, map[string]any{"content_type": "video/mp4", "size": len(body), "sha256": sha(body[1:])}, body, nil, "SHA-256"},
		{"rejected_not_a_pdf", file.ID, map[string]any{"content_type": "application/pdf", "size": len(body)}, body, nil, "does not look like application/pdf"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s.t = t
			v := s.startUpload(tutor, c.ID, tc.item, tc.req)
			s.send(v, tc.send, tc.override)
			got := s.outcome(tutor, c.ID, tc.item, v.ID)
			if got.Status != content.UploadRejected || !strings.Contains(got.Reason, tc.reason) {
				t.Fatalf("got %+v, want rejected for %q", got, tc.reason)
			}
			s.Eventually("rejected object deleted", 10*time.Second, func() bool { return s.objectGone(s.objectName(c.ID, tc.item, v.ID)) })
			s.Must(http.StatusConflict, "GET", s.contentPath(c.ID, tc.item), tutor, nil)
		})
	}
	s.t = t
	s.Eventually("course item content_status rejected", 30*time.Second, func() bool {
		return s.courseContentStatus(tutor, c.ID, video.ID) == "rejected"
	})
	// After a rejection the tutor starts again; the Course service sees it.
	s.startUpload(tutor, c.ID, video.ID, map[string]any{"content_type": "video/mp4", "size": len(body)})
	s.Eventually("course item content_status awaiting_upload", 30*time.Second, func() bool {
		return s.courseContentStatus(tutor, c.ID, video.ID) == "awaiting_upload"
	})
}

// Pub/Sub does not keep order: a course event older than what the projection
// applied (by the course's event version) changes nothing, about the course
// or about an item; an event without a version applies as it comes.
func TestCourseEvents_olderVersionArrivingLateChangesNothing(t *testing.T) {
	s := start(t)
	tutorID, tutor := s.User("tutor@order.test", "tutor")
	courseID, itemID := "00000000-0000-4000-8000-00000000c0de", "00000000-0000-4000-8000-00000000a11e"
	deliver := func(id, typ string, version int64, status, body string) {
		d := coursemsg.EventData{CourseID: courseID, TutorID: tutorID, Status: status, Version: version}
		if body != "" {
			d.ItemID, d.ItemKind, d.ItemTitle, d.ItemBody = itemID, "text", "Greetings", body
		}
		data, _ := json.Marshal(d)
		s.Must(http.StatusNoContent, "POST", s.PushPath("content-on-course-event"), "", map[string]any{"message": map[string]any{
			"data": base64.StdEncoding.EncodeToString(data), "messageId": id,
			"attributes": map[string]string{events.AttrEventID: id, events.AttrType: typ}}})
	}
	body := func() string {
		var v contentView
		s.Must(http.StatusOK, "GET", s.contentPath(courseID, itemID), tutor, nil).JSON(t, &v)
		return v.Body
	}
	db, err := spanx.Open(context.Background(), spanx.DatabasePath(s.Cfg.Project, s.Cfg.SpannerInstance, content.Database))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	status := func() string {
		row, err := db.Single().ReadRow(context.Background(), "Courses", spanner.Key{courseID}, []string{"Status"})
		if err != nil {
			t.Fatal(err)
		}
		var st string
		_ = row.Columns(&st)
		return st
	}

	deliver("e2", coursemsg.EventItemAdded, 2, "draft", "v2")
	deliver("e4", coursemsg.EventItemUpdated, 4, "published", "v4")
	deliver("e3", coursemsg.EventItemUpdated, 3, "draft", "v3") // late
	deliver("e1", coursemsg.EventCreated, 1, "draft", "")       // late
	if got, st := body(), status(); got != "v4" || st != "published" {
		t.Fatalf("after late events: body %q, status %q; want v4, published", got, st)
	}
	deliver("e5", coursemsg.EventUnpublished, 5, "draft", "")
	deliver("e6", coursemsg.EventItemUpdated, 6, "draft", "v6")
	if got, st := body(), status(); got != "v6" || st != "draft" {
		t.Fatalf("after newer events: body %q, status %q; want v6, draft", got, st)
	}
	deliver("e0", coursemsg.EventItemUpdated, 0, "draft", "unversioned")
	if got := body(); got != "unversioned" {
		t.Fatalf("an event without a version: body %q", got)
	}
}

// Writing over the object that serves never deletes it: the same bytes
// written again keep serving (the finalize notification of the new
// generation adopts it); other bytes take the item out of service with the
// reason instead of leaving a ready item whose URLs answer 404.
func TestUpload_overwritingWhatServesNeverDeletesIt(t *testing.T) {
	s := start(t)
	_, tutor := s.User("tutor@overwrite.test", "tutor")
	var c, video struct{ ID string }
	s.Must(201, "POST", "/v1/courses", tutor, map[string]any{"title": "Overwrite", "description": "",
		"price": map[string]any{"amount": 1500, "currency": "JPY"}, "billing_interval": "month"}).JSON(t, &c)
	s.Must(201, "POST", "/v1/courses/"+c.ID+"/items", tutor, map[string]any{"kind": "video", "title": "Clip"}).JSON(t, &video)
	s.Eventually("item in the content projection", 30*time.Second, func() bool {
		return s.Do("POST", s.uploadsPath(c.ID, video.ID), tutor, map[string]any{"content_type": "video/mp4", "size": -1}).Status == http.StatusBadRequest
	})
	body := media(200_000)
	v := s.startUpload(tutor, c.ID, video.ID, map[string]any{"content_type": "video/mp4", "size": len(body), "sha256": sha(body)})
	s.send(v, body, nil)
	if got := s.outcome(tutor, c.ID, video.ID, v.ID); got.Status != content.UploadReady {
		t.Fatalf("upload %+v", got)
	}
	serves := func() (int, []byte) {
		var cv contentView
		r := s.Do("GET", s.contentPath(c.ID, video.ID), tutor, nil)
		if r.Status != http.StatusOK {
			return r.Status, nil
		}
		r.JSON(t, &cv)
		code, _, b := download(t, cv.URL, "")
		return code, b
	}
	write := func(b []byte) int64 {
		w := s.gcs.Bucket("kwipper-media").Object(s.objectName(c.ID, video.ID, v.ID)).NewWriter(context.Background())
		w.ContentType = "video/mp4"
		if _, err := w.Write(b); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		return w.Attrs().Generation
	}
	gen := write(body)
	s.Eventually("the same bytes written again keep serving", 30*time.Second, func() bool {
		code, got := serves()
		return code == http.StatusOK && bytes.Equal(got, body) && s.uploadGeneration(v.ID) == gen
	})
	if s.objectGone(s.objectName(c.ID, video.ID, v.ID)) {
		t.Fatal("the object that serves was deleted")
	}

	other := media(200_000)
	write(other)
	s.Eventually("other bytes take the item out of service", 30*time.Second, func() bool {
		return s.Do("GET", s.contentPath(c.ID, video.ID), tutor, nil).Status == http.StatusConflict
	})
	if got := s.outcome(tutor, c.ID, video.ID, v.ID); got.Status != content.UploadRejected || !strings.Contains(got.Reason, "written over") {
		t.Fatalf("upload after a bad overwrite %+v", got)
	}
	s.Eventually("the course shows the item rejected", 30*time.Second, func() bool {
		return s.courseContentStatus(tutor, c.ID, video.ID) == "rejected"
	})
}

// uploadGeneration reads the generation the content database records for
// upload id.
func (s *stack) uploadGeneration(id string) int64 {
	s.t.Helper()
	db, err := spanx.Open(context.Background(), spanx.DatabasePath(s.Cfg.Project, s.Cfg.SpannerInstance, content.Database))
	if err != nil {
		s.t.Fatal(err)
	}
	defer db.Close()
	row, err := db.Single().ReadRow(context.Background(), "Uploads", spanner.Key{id}, []string{"Generation"})
	if err != nil {
		s.t.Fatal(err)
	}
	var g spanner.NullInt64
	_ = row.Columns(&g)
	return g.Int64
}
