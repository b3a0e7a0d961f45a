package content_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
	"testing"
	"time"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/client"
	"github.com/kwipper/kwipper/functions/content"
	"github.com/kwipper/kwipper/functions/content/stream"
	"github.com/kwipper/kwipper/functions/contract/subscribemsg"
	"github.com/kwipper/kwipper/functions/devstack/apitest"
	"github.com/kwipper/kwipper/functions/devstack/sample"
	"github.com/kwipper/kwipper/shared/spanx"
)

var debugStream = false

type streamContent struct {
	URL    string `json:"url"`
	Stream *struct {
		Status    string    `json:"status"`
		Reason    string    `json:"reason"`
		MasterURL string    `json:"master_url"`
		PosterURL string    `json:"poster_url"`
		ExpiresAt time.Time `json:"expires_at"`
	} `json:"stream"`
}

// streamCourse makes a course with n video items and the tutor's client.
func (s *stack) streamCourse(tutor string, n int) (course string, items []string) {
	s.t.Helper()
	var c struct{ ID string }
	s.Must(201, "POST", "/v1/courses", tutor, map[string]any{"title": "Bahasa", "description": "",
		"price": map[string]any{"amount": 9900000, "currency": "IDR"}, "billing_interval": "month"}).JSON(s.t, &c)
	for i := range n {
		var it struct{ ID string }
		s.Must(201, "POST", "/v1/courses/"+c.ID+"/items", tutor, map[string]any{"kind": "video", "title": "Lesson " + string(rune('A'+i))}).JSON(s.t, &it)
		items = append(items, it.ID)
	}
	return c.ID, items
}

// uploadLesson uploads the sample lesson to item as its tutor.
func (s *stack) uploadLesson(tutor, course, item string) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := (&client.Client{Base: s.URL, Token: tutor}).UploadMedia(ctx, course, item, "video/mp4", "lesson.mp4", sample.LessonMP4); err != nil {
		s.t.Fatal(err)
	}
}

// streamReady waits until the item's ladder is ready and returns content-get's
// answer with the cookie it set.
func (s *stack) streamReady(token, course, item string) (streamContent, *http.Cookie) {
	s.t.Helper()
	var cv streamContent
	var r apitest.Response
	s.Eventually("ladder of item "+item+" ready", 2*time.Minute, func() bool {
		r = s.Must(200, "GET", s.contentPath(course, item), token, nil)
		r.JSON(s.t, &cv)
		if debugStream {
			s.t.Logf("%s", r.Body)
		}
		if cv.Stream != nil && cv.Stream.Status == content.StreamFailed {
			s.t.Fatalf("transcoding failed: %s", cv.Stream.Reason)
		}
		return cv.Stream != nil && cv.Stream.Status == content.StreamReady
	})
	return cv, streamCookie(s.t, r)
}

func streamCookie(t *testing.T, r apitest.Response) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == stream.CookieName {
			return c
		}
	}
	return nil
}

// fetch GETs u with cookie (nil: none) and returns the status and body.
func fetch(t *testing.T, u string, cookie *http.Cookie) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	if cookie != nil {
		req.AddCookie(&http.Cookie{Name: cookie.Name, Value: cookie.Value})
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

// playlistURIs are the URIs a playlist names (lines and URI="..." attributes),
// resolved against base.
func playlistURIs(t *testing.T, base string, pl []byte) []string {
	t.Helper()
	b, _ := url.Parse(base)
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(pl))
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		var ref string
		switch {
		case l == "":
			continue
		case strings.HasPrefix(l, "#"):
			_, after, ok := strings.Cut(l, `URI="`)
			if !ok {
				continue
			}
			ref, _, _ = strings.Cut(after, `"`)
		default:
			ref = l
		}
		u, err := b.Parse(ref)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, u.String())
	}
	return out
}

// ladderURLs walks the master playlist and returns every playlist, segment
// and caption URL under it, with the master and the poster.
func ladderURLs(t *testing.T, cv streamContent, cookie *http.Cookie) []string {
	t.Helper()
	all := []string{cv.Stream.MasterURL, cv.Stream.PosterURL}
	queue := []string{cv.Stream.MasterURL}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		status, body := fetch(t, u, cookie)
		if status != http.StatusOK {
			t.Fatalf("GET %s with the cookie: %d %s", u, status, body)
		}
		if path.Ext(u) != ".m3u8" {
			continue
		}
		for _, ref := range playlistURIs(t, u, body) {
			all = append(all, ref)
			queue = append(queue, ref)
		}
	}
	return all
}

// The whole streaming loop on the local stack: the tutor uploads the sample
// MP4, ffmpeg makes its ladder (processing -> ready), a subscribed learner
// gets the master playlist and a signed cookie for the item's prefix, every
// playlist, segment and the poster fetch with it and are refused (403)
// without it, with an altered one, an expired one and one for another
// item's prefix; a learner without access gets 403 and no cookie; the
// original MP4 stays the download; a redelivered notification changes
// nothing.
func TestFlow_streamingLadderBehindSignedCookies(t *testing.T) {
	// A replaced ladder is deleted at once (no grace for players).
	t.Setenv("KW_STREAM_REPLACED_LADDER_GRACE", "0s")
	s := start(t)
	_, tutor := s.User("tutor@stream.test", "tutor")
	learnerID, learner := s.User("learner@stream.test", "learner")
	_, stranger := s.User("stranger@stream.test", "learner")
	course, items := s.streamCourse(tutor, 2)
	item, other := items[0], items[1]

	start := time.Now()
	s.uploadLesson(tutor, course, item)
	var first streamContent
	s.Must(200, "GET", s.contentPath(course, item), tutor, nil).JSON(t, &first)
	if first.Stream == nil || (first.Stream.Status != content.StreamProcessing && first.Stream.Status != content.StreamReady) {
		t.Fatalf("right after the upload: %+v", first.Stream)
	}
	s.streamReady(tutor, course, item)
	t.Logf("10 s sample: uploaded to ladder ready in %v", time.Since(start).Round(10*time.Millisecond))
	s.uploadLesson(tutor, course, other)
	s.streamReady(tutor, course, other)

	// Captions in four languages become subtitle renditions of the master.
	captions := s.contentPath(course, item)[:len(s.contentPath(course, item))-len("content")] + "captions/"
	vtt := map[string]string{"id": "Selamat pagi", "ja": "おはようございます", "en": "Good morning", "es": "Buenos días"}
	for lang, text := range vtt {
		var cv content.CaptionView
		s.putVTT(http.StatusOK, tutor, captions+lang, "WEBVTT\n\n00:00.500 --> 00:03.000\n"+text+"\n").JSON(t, &cv)
		if cv.Language != lang || !cv.Published {
			t.Fatalf("caption %s: %+v", lang, cv)
		}
	}
	tv, tutorCookie := s.streamReady(tutor, course, item)
	_, master := fetch(t, tv.Stream.MasterURL, tutorCookie)
	for lang := range vtt {
		if !strings.Contains(string(master), `LANGUAGE="`+lang+`"`) {
			t.Errorf("master lacks the %s captions:\n%s", lang, master)
		}
	}
	// Refused, changing nothing: a malformed file (400 naming the line), an
	// unsupported language, a caption for another's course, no body type.
	bad := s.putVTT(http.StatusBadRequest, tutor, captions+"id", "WEBVTT\n\n00:00.500 --> 00:03.000\nok\n\n00:04.0 --> 00:05.000\nbroken\n")
	if msg := bad.Error(t).Error.Message; !strings.Contains(msg, "line 6") {
		t.Errorf("malformed VTT: %q does not name line 6", msg)
	}
	s.putVTT(http.StatusBadRequest, tutor, captions+"xx", "WEBVTT\n")
	s.putVTT(http.StatusForbidden, stranger, captions+"id", "WEBVTT\n")
	s.putVTT(http.StatusForbidden, learner, captions+"id", "WEBVTT\n")
	if _, again := fetch(t, tv.Stream.MasterURL, tutorCookie); !bytes.Equal(again, master) {
		t.Errorf("a refused caption changed the master:\n%s", again)
	}
	_, idVTT := fetch(t, strings.TrimSuffix(tv.Stream.MasterURL, stream.MasterName)+stream.CaptionVTTName("id"), tutorCookie)
	if !strings.Contains(string(idVTT), "Selamat pagi") || strings.Contains(string(idVTT), "broken") {
		t.Errorf("id captions after a refused upload:\n%s", idVTT)
	}
	// Deleting a caption takes it out of the master and the ladder; it may
	// be uploaded again.
	s.Must(http.StatusNoContent, "DELETE", captions+"es", tutor, nil)
	if _, m := fetch(t, tv.Stream.MasterURL, tutorCookie); strings.Contains(string(m), `LANGUAGE="es"`) || !strings.Contains(string(m), `LANGUAGE="ja"`) {
		t.Errorf("master after deleting the es captions:\n%s", m)
	}
	for _, name := range []string{stream.CaptionVTTName("es"), stream.CaptionPlaylistName("es")} {
		if o := ladderPrefix(t, tv.Stream.MasterURL) + name; !s.objectGone(o) {
			t.Errorf("%s stays in the ladder after its caption was deleted", o)
		}
	}
	s.putVTT(http.StatusOK, tutor, captions+"es", "WEBVTT\n\n00:00.500 --> 00:03.000\n"+vtt["es"]+"\n")
	if _, m := fetch(t, tv.Stream.MasterURL, tutorCookie); !bytes.Equal(m, master) {
		t.Errorf("master after uploading es again differs from before its deletion:\n%s", m)
	}

	// Subscribed (as the Subscribe service announces it): playlist + cookie.
	s.publish(subscribemsg.Topic, subscribemsg.EventActivated,
		map[string]string{"subscription_id": "sub-stream", "user_id": learnerID, "course_id": course})
	s.Eventually("learner entitled", 30*time.Second, func() bool {
		return s.Do("GET", s.contentPath(course, item), learner, nil).Status == http.StatusOK
	})
	cv, cookie := s.streamReady(learner, course, item)
	prefix := strings.TrimSuffix(cv.Stream.MasterURL, stream.MasterName)
	if cookie == nil || !cookie.HttpOnly || !strings.HasSuffix(prefix, "/") ||
		!strings.HasPrefix(cv.Stream.MasterURL, s.URL+"/media/") || !strings.HasSuffix(prefix, item+"/"+strings.TrimSuffix(path.Base(strings.TrimSuffix(prefix, "/")), ".hls")+".hls/") {
		t.Fatalf("stream %+v, cookie %+v", cv.Stream, cookie)
	}
	if u, _ := url.Parse(prefix); cookie.Path != u.Path {
		t.Errorf("cookie path %q, want the item's prefix %q", cookie.Path, u.Path)
	}
	if cv.URL == "" {
		t.Error("the MP4 is no longer offered as the fallback")
	}
	if d := time.Until(cv.Stream.ExpiresAt); d <= 0 || d > 15*time.Minute+time.Second {
		t.Errorf("cookie expires in %v", d)
	}

	urls := ladderURLs(t, cv, cookie)
	var segments, playlists int
	for _, u := range urls {
		switch path.Ext(u) {
		case ".ts":
			segments++
		case ".m3u8":
			playlists++
		}
	}
	if playlists < 8 || segments < 6 { // master, 240p, 360p, audio, 4 captions; >= 2 segments each
		t.Fatalf("ladder of %d playlists and %d segments: %v", playlists, segments, urls)
	}

	// Refusals: no cookie, an altered one, an expired one, another item's.
	_, otherCookie := s.streamReady(learner, course, other)
	altered := *cookie
	altered.Value = strings.Replace(cookie.Value, "Expires=", "Expires=9", 1)
	signer := stream.CookieSigner{KeyName: s.CDNKeyName, Key: s.CDNKey}
	expiredValue, err := signer.Value(prefix, time.Now().Add(-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	expired := &http.Cookie{Name: stream.CookieName, Value: expiredValue}
	for _, u := range urls {
		for name, c := range map[string]*http.Cookie{"no cookie": nil, "altered": &altered, "expired": expired, "other item's": otherCookie} {
			if status, _ := fetch(t, u, c); status != http.StatusForbidden {
				t.Errorf("%s with %s cookie: %d, want 403", u, name, status)
			}
		}
	}

	// Renewable: asking again gives a fresh cookie that works.
	_, again := s.streamReady(learner, course, item)
	if status, _ := fetch(t, cv.Stream.MasterURL, again); status != http.StatusOK {
		t.Errorf("renewed cookie: %d", status)
	}

	// No access: 403 and no cookie.
	r := s.Do("GET", s.contentPath(course, item), stranger, nil)
	if r.Status != http.StatusForbidden || streamCookie(t, r) != nil || r.Header.Get("Set-Cookie") != "" {
		t.Fatalf("stranger: %d, Set-Cookie %q", r.Status, r.Header.Get("Set-Cookie"))
	}

	// A replacement upload keeps the old ladder serving until its own is
	// ready, then replaces it.
	s.uploadLesson(tutor, course, item)
	var during streamContent
	s.Must(200, "GET", s.contentPath(course, item), learner, nil).JSON(t, &during)
	if during.Stream == nil || (during.Stream.Status == content.StreamProcessing) != (during.Stream.MasterURL == cv.Stream.MasterURL) {
		t.Fatalf("while the replacement transcodes: %+v (old master %s)", during.Stream, cv.Stream.MasterURL)
	}
	replaced, _ := s.streamReady(learner, course, item)
	if replaced.Stream.MasterURL == cv.Stream.MasterURL {
		t.Fatal("the replacement's ladder does not serve once ready")
	}
	// The replaced ladder's outputs go (here at once: no grace); the new
	// ladder's and the other item's stay.
	oldLadder := ladderPrefix(t, cv.Stream.MasterURL)
	s.Eventually("the replaced ladder deleted", 30*time.Second, func() bool { return len(s.objectsUnder(oldLadder)) == 0 })
	for _, p := range []string{ladderPrefix(t, replaced.Stream.MasterURL), ladderPrefix(t, otherCv(t, s, learner, course, other))} {
		if len(s.objectsUnder(p)) < 8 {
			t.Errorf("ladder %s lost objects: %v", p, s.objectsUnder(p))
		}
	}

	// A video the transcoder cannot read: failed with a reason; the MP4
	// still serves.
	var third struct{ ID string }
	s.Must(201, "POST", "/v1/courses/"+course+"/items", tutor, map[string]any{"kind": "video", "title": "Broken"}).JSON(t, &third)
	s.UploadPlaceholder(tutor, course, third.ID, "video")
	var broken streamContent
	s.Eventually("the unreadable video's ladder fails", time.Minute, func() bool {
		s.Must(200, "GET", s.contentPath(course, third.ID), tutor, nil).JSON(t, &broken)
		return broken.Stream != nil && broken.Stream.Status == content.StreamFailed
	})
	if broken.Stream.Reason == "" || broken.Stream.MasterURL != "" || broken.URL == "" {
		t.Errorf("failed ladder: %+v, MP4 %q", broken.Stream, broken.URL)
	}

	// A redelivered notification (here a FAILED one for the same job)
	// changes nothing: the job's outcome is recorded once.
	job := s.streamJob(item)
	payload, _ := stream.EncodeNotification(stream.JobResult{Name: job, State: stream.StateFailed,
		Error: &stream.JobError{Code: 13, Message: "redelivered"}})
	s.Must(http.StatusNoContent, "POST", s.PushPath("content-on-transcoded"), "",
		apitest.PushEnvelope("redelivery-1", "transcoder.job", jsonRaw(payload)))
	var after streamContent
	s.Must(200, "GET", s.contentPath(course, item), learner, nil).JSON(t, &after)
	if after.Stream == nil || after.Stream.Status != content.StreamReady || after.Stream.MasterURL != replaced.Stream.MasterURL {
		t.Fatalf("after a redelivered notification: %+v", after.Stream)
	}
}

// putVTT uploads a caption file and checks the status.
func (s *stack) putVTT(want int, token, path, body string) apitest.Response {
	s.t.Helper()
	r := s.DoWith(http.MethodPut, path, token, body, http.Header{"Content-Type": {"text/vtt"}})
	if r.Status != want {
		s.t.Fatalf("PUT %s: %d, want %d: %s", path, r.Status, want, r.Body)
	}
	return r
}

// jsonRaw makes PushEnvelope send payload as the message data unchanged.
type jsonRaw []byte

func (j jsonRaw) MarshalJSON() ([]byte, error) { return j, nil }

// streamJob reads the job name the content database records for the ladder
// of the upload item serves.
func (s *stack) streamJob(item string) string {
	s.t.Helper()
	db, err := spanx.Open(context.Background(), spanx.DatabasePath(s.Cfg.Project, s.Cfg.SpannerInstance, content.Database))
	if err != nil {
		s.t.Fatal(err)
	}
	defer db.Close()
	var job string
	err = spanx.Each(db.Single().Query(context.Background(), spanner.Statement{
		SQL:    `SELECT s.JobName FROM Streams AS s JOIN Items AS i ON i.StreamUploadId = s.UploadId WHERE i.ItemId = @item`,
		Params: map[string]any{"item": item}}), func(r *spanner.Row) error { return r.Columns(&job) })
	if err != nil || job == "" {
		s.t.Fatalf("job of item %s: %q %v", item, job, err)
	}
	return job
}

// ladderPrefix is the object prefix of the ladder whose master is served at
// masterURL (the local stack serves object O at <base>/media/O).
func ladderPrefix(t *testing.T, masterURL string) string {
	t.Helper()
	u, err := url.Parse(masterURL)
	if err != nil {
		t.Fatal(err)
	}
	obj, ok := strings.CutPrefix(u.Path, "/media/")
	if !ok || !strings.HasSuffix(obj, "/"+stream.MasterName) {
		t.Fatalf("master URL %s is not /media/<object>/%s", masterURL, stream.MasterName)
	}
	return strings.TrimSuffix(obj, stream.MasterName)
}

// otherCv returns the master URL of item's ladder as token sees it.
func otherCv(t *testing.T, s *stack, token, course, item string) string {
	t.Helper()
	cv, _ := s.streamReady(token, course, item)
	return cv.Stream.MasterURL
}
