package progress_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/contract/coursemsg"
	"github.com/kwipper/kwipper/functions/contract/progressmsg"
	"github.com/kwipper/kwipper/functions/contract/subscribemsg"
	"github.com/kwipper/kwipper/functions/progress"
	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/devstack/testenv"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/httpx"
	"github.com/kwipper/kwipper/shared/spanx"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// env is the Progress service on a fresh database behind the guarded routes
// of its routes.go, as the local server serves it; events are delivered by
// hand to its push endpoints.
type env struct {
	t      testing.TB
	db     *spanner.Client
	h      http.Handler
	pub    *events.Recorder
	signer auth.Signer
}

const (
	tutor    = "00000000-0000-4000-8000-00000000000a"
	learner  = "00000000-0000-4000-8000-00000000000b"
	stranger = "00000000-0000-4000-8000-00000000000c"
	course1  = "10000000-0000-4000-8000-000000000001"
	video    = "20000000-0000-4000-8000-000000000001"
	text     = "20000000-0000-4000-8000-000000000002"
	file     = "20000000-0000-4000-8000-000000000003"
)

const testPushToken = "push-token"

func newEnv(t testing.TB, vars map[string]string) *env {
	t.Helper()
	ms, err := progress.Registration.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	db, _ := testenv.Database(t, ms)
	pub := &events.Recorder{}
	key, err := auth.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	v := &auth.Verifier{Keys: auth.StaticKeys{key.KID: key.Private.Public().(ed25519.PublicKey)}, Issuer: "test"}
	hs, err := progress.Registration.Build(fnreg.Deps{DB: db, Outbox: &events.Outbox{DB: db, Publisher: pub}, Publisher: pub,
		Getenv: func(k string) string { return vars[k] }})
	if err != nil {
		t.Fatal(err)
	}
	var fns []fnreg.Function
	for _, spec := range progress.Registration.Functions {
		h, ok := hs[spec.Name]
		if !ok {
			t.Fatalf("Build made no handler for %s", spec.Name)
		}
		fns = append(fns, fnreg.Function{Spec: spec, Handler: fnreg.Guard(spec, fnreg.Auth{Tokens: v, Push: auth.PushToken(testPushToken)}, h)})
	}
	return &env{t: t, db: db, h: fnreg.Mux(fns), pub: pub, signer: auth.Signer{Key: key, Issuer: "test", TTL: 15 * time.Minute}}
}

func (e *env) token(userID string, roles ...auth.Role) string {
	e.t.Helper()
	tok, _, err := e.signer.Issue(userID, roles, time.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

func (e *env) do(method, path, token string, body any) *httptest.ResponseRecorder {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}

func decode[T any](t testing.TB, rec *httptest.ResponseRecorder, want int) T {
	t.Helper()
	if rec.Code != want {
		t.Fatalf("status %d, want %d; body %s", rec.Code, want, rec.Body)
	}
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("decode %T: %v; body %s", v, err, rec.Body)
	}
	return v
}

// rejected checks an error response: its status and the fields it names.
func rejected(t testing.TB, rec *httptest.ResponseRecorder, status int, fields ...string) {
	t.Helper()
	b := decode[httpx.ErrorBody](t, rec, status)
	var got []string
	for f := range b.Error.Fields {
		got = append(got, f)
	}
	slices.Sort(got)
	slices.Sort(fields)
	if !slices.Equal(got, fields) {
		t.Fatalf("fields %v, want %v; body %s", got, fields, rec.Body)
	}
}

// push delivers event eventID of type typ with data to push function fn.
func (e *env) push(fn, eventID, typ string, data any) *httptest.ResponseRecorder {
	e.t.Helper()
	b, _ := json.Marshal(data)
	env := map[string]any{"message": map[string]any{"data": b, "messageId": "m-" + eventID,
		"attributes": map[string]string{events.AttrEventID: eventID, events.AttrType: typ}}, "subscription": "s"}
	return e.do("POST", fnreg.PushPath(fn)+"?token="+testPushToken, "", env)
}

func (e *env) mustPush(fn, eventID, typ string, data any) {
	e.t.Helper()
	if rec := e.push(fn, eventID, typ, data); rec.Code != http.StatusNoContent {
		e.t.Fatalf("push %s %s: %d %s", fn, typ, rec.Code, rec.Body)
	}
}

// courseEvent delivers a course event at version about course1 with
// itemCount items (and item it of kind, when it is set).
func (e *env) courseEvent(id, typ string, version, itemCount int64, item, kind, title string) {
	e.t.Helper()
	e.mustPush("progress-on-course-event", id, typ, coursemsg.EventData{CourseID: course1, TutorID: tutor, Status: coursemsg.StatusPublished,
		Title: "Bahasa for Beginners", ItemCount: itemCount, ItemID: item, ItemKind: kind, ItemTitle: title, Version: version})
}

// seed makes course1 with a video, a text and a file item known to the
// service, and learner subscribed to it.
func (e *env) seed() {
	e.t.Helper()
	e.courseEvent("ce-1", coursemsg.EventCreated, 1, 0, "", "", "")
	e.courseEvent("ce-2", coursemsg.EventItemAdded, 2, 1, video, coursemsg.KindVideo, "Pronunciation")
	e.courseEvent("ce-3", coursemsg.EventItemAdded, 3, 2, text, coursemsg.KindText, "Greetings")
	e.courseEvent("ce-4", coursemsg.EventItemAdded, 4, 3, file, coursemsg.KindFile, "Vocabulary")
	e.courseEvent("ce-5", coursemsg.EventPublished, 5, 3, "", "", "")
	e.subscription("se-1", subscribemsg.EventActivated, "sub-1", learner)
}

func (e *env) subscription(id, typ, sub, user string) {
	e.t.Helper()
	e.mustPush("progress-on-subscription-event", id, typ, subscribemsg.EventData{SubscriptionID: sub, UserID: user, CourseID: course1})
}

func itemPath(item string) string { return "/v1/courses/" + course1 + "/items/" + item + "/progress" }

func now(offset time.Duration) string { return time.Now().Add(offset).UTC().Format(time.RFC3339Nano) }

func videoAt(pos float64, at time.Time) map[string]any {
	return map[string]any{"position_seconds": pos, "duration_seconds": 600, "client_time": at.UTC().Format(time.RFC3339Nano)}
}

// rowCount counts the rows of table.
func (e *env) rowCount(table string) int64 {
	e.t.Helper()
	var n int64
	err := spanx.Each(e.db.Single().Query(context.Background(), spanner.Statement{SQL: "SELECT COUNT(*) FROM " + table}), func(r *spanner.Row) error {
		return r.Column(0, &n)
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func sameJSON(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

func (e *env) completions(t testing.TB, typ string) []progressmsg.EventData {
	t.Helper()
	for _, ev := range e.pub.Events(typ) {
		if ev.Topic != progressmsg.Topic {
			t.Fatalf("%s went to %s", typ, ev.Topic)
		}
	}
	out, err := events.Decoded[progressmsg.EventData](e.pub, typ)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestReport_resumeAndLastWriterWins(t *testing.T) {
	e := newEnv(t, nil)
	e.seed()
	phone, tablet := e.token(learner, auth.Learner), e.token(learner, auth.Learner)
	start := time.Now().Add(-time.Hour)

	t.Run("get_before_any_report_is_position_zero", func(t *testing.T) {
		v := decode[progress.ItemProgressView](t, e.do("GET", itemPath(video), phone, nil), 200)
		if v.PositionSeconds != 0 || v.Completed || v.ClientTime != nil || v.Kind != "video" || v.Title != "Pronunciation" {
			t.Fatalf("%+v", v)
		}
	})
	t.Run("report_200_and_resume_on_another_device", func(t *testing.T) {
		for i := range 5 {
			v := decode[progress.ItemProgressView](t, e.do("PUT", itemPath(video), phone, videoAt(float64(i*15), start.Add(time.Duration(i*15)*time.Second))), 200)
			if v.Applied == nil || !*v.Applied {
				t.Fatalf("report %d not applied: %+v", i, v)
			}
		}
		v := decode[progress.ItemProgressView](t, e.do("GET", itemPath(video), tablet, nil), 200)
		if v.PositionSeconds != 60 || v.WatchedSeconds != 60 || v.DurationSeconds != 600 || v.WatchedFraction != 0.1 || v.Completed {
			t.Fatalf("resume: %+v", v)
		}
	})
	t.Run("older_report_200_answers_stored_state_and_changes_nothing", func(t *testing.T) {
		v := decode[progress.ItemProgressView](t, e.do("PUT", itemPath(video), tablet, videoAt(500, start.Add(30*time.Second))), 200)
		if v.Applied == nil || *v.Applied || v.PositionSeconds != 60 || v.WatchedSeconds != 60 {
			t.Fatalf("%+v", v)
		}
		again := decode[progress.ItemProgressView](t, e.do("PUT", itemPath(video), phone, videoAt(60, start.Add(60*time.Second))), 200)
		if *again.Applied || !again.UpdatedAt.Equal(*v.UpdatedAt) {
			t.Fatalf("a retried report changed the row: %+v then %+v", v, again)
		}
	})
	t.Run("seek_to_end_moves_position_credits_nothing", func(t *testing.T) {
		v := decode[progress.ItemProgressView](t, e.do("PUT", itemPath(video), phone, videoAt(600, start.Add(75*time.Second))), 200)
		v = decode[progress.ItemProgressView](t, e.do("PUT", itemPath(video), phone, videoAt(600, start.Add(90*time.Second))), 200)
		if v.PositionSeconds != 600 || v.WatchedSeconds != 60 || v.Completed {
			t.Fatalf("%+v", v)
		}
		if n := len(e.completions(t, progressmsg.EventItemCompleted)); n != 0 {
			t.Fatalf("%d completions", n)
		}
	})
}

func TestReport_refusalsChangeNothing(t *testing.T) {
	e := newEnv(t, nil)
	e.seed()
	tok := e.token(learner, auth.Learner)
	ok := videoAt(10, time.Now())
	e.do("PUT", itemPath(video), tok, videoAt(0, time.Now().Add(-time.Minute)))
	before := decode[progress.ItemProgressView](t, e.do("GET", itemPath(video), tok, nil), 200)
	rows := e.rowCount("Progress")

	for name, tc := range map[string]struct {
		token, path string
		body        any
		status      int
		fields      []string
	}{
		"403_learner_without_subscription": {e.token(stranger, auth.Learner), itemPath(video), ok, 403, nil},
		"401_no_token":                     {"", itemPath(video), ok, 401, nil},
		"404_unknown_item":                 {tok, itemPath("20000000-0000-4000-8000-0000000000ff"), ok, 404, nil},
		"404_unknown_course":               {tok, "/v1/courses/10000000-0000-4000-8000-0000000000ff/items/" + video + "/progress", ok, 404, nil},
		"400_malformed_item_id":            {tok, itemPath("not_an;id"), ok, 400, []string{"itemId"}},
		"400_negative_position":            {tok, itemPath(video), map[string]any{"position_seconds": -1, "duration_seconds": 600, "client_time": now(0)}, 400, []string{"position_seconds"}},
		"400_position_past_duration":       {tok, itemPath(video), map[string]any{"position_seconds": 601, "duration_seconds": 600, "client_time": now(0)}, 400, []string{"position_seconds"}},
		"400_duration_over_bound":          {tok, itemPath(video), map[string]any{"position_seconds": 1, "duration_seconds": 86401, "client_time": now(0)}, 400, []string{"duration_seconds"}},
		"400_non_finite_position":          {tok, itemPath(video), `{"position_seconds": 1e999, "duration_seconds": 600, "client_time": "` + now(0) + `"}`, 400, []string{"position_seconds"}},
		"400_client_time_future":           {tok, itemPath(video), map[string]any{"position_seconds": 1, "duration_seconds": 600, "client_time": now(time.Hour)}, 400, []string{"client_time"}},
		"400_client_time_missing_and_bad_position": {tok, itemPath(video), map[string]any{"position_seconds": -5, "duration_seconds": 600},
			400, []string{"client_time", "position_seconds"}},
		"400_unknown_field":         {tok, itemPath(video), map[string]any{"position_seconds": 1, "duration_seconds": 600, "client_time": now(0), "speed": 2}, 400, []string{"speed"}},
		"400_wrong_type":            {tok, itemPath(video), map[string]any{"position_seconds": "10", "duration_seconds": 600, "client_time": now(0)}, 400, []string{"position_seconds"}},
		"400_not_json":              {tok, itemPath(video), "position=10", 400, nil},
		"400_video_claims_complete": {tok, itemPath(video), map[string]any{"completed": true, "position_seconds": 1, "duration_seconds": 600, "client_time": now(0)}, 400, []string{"completed"}},
		"400_text_without_completed": {tok, itemPath(text), map[string]any{"position_seconds": 1, "client_time": now(0)}, 400,
			[]string{"completed", "position_seconds"}},
	} {
		t.Run(name, func(t *testing.T) {
			rec := e.do("PUT", tc.path, tc.token, tc.body)
			if tc.status == 400 {
				rejected(t, rec, 400, tc.fields...)
			} else if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
		})
	}
	after := decode[progress.ItemProgressView](t, e.do("GET", itemPath(video), tok, nil), 200)
	if !after.UpdatedAt.Equal(*before.UpdatedAt) || after.PositionSeconds != before.PositionSeconds || e.rowCount("Progress") != rows ||
		e.rowCount("Outbox") != 0 {
		t.Fatalf("a refusal changed something: %+v -> %+v, rows %d -> %d", before, after, rows, e.rowCount("Progress"))
	}
	t.Run("get_403_stranger_without_progress", func(t *testing.T) {
		rejected(t, e.do("GET", itemPath(video), e.token(stranger, auth.Learner), nil), 403)
		rejected(t, e.do("GET", "/v1/courses/"+course1+"/progress", e.token(stranger, auth.Learner), nil), 403)
	})
}

func TestCompletion_eventsOnceAndCourseProgress(t *testing.T) {
	e := newEnv(t, map[string]string{"KW_PROGRESS_COMPLETE_FRACTION": "0.5"})
	e.seed()
	tok := e.token(learner, auth.Learner)
	start := time.Now().Add(-time.Hour)
	courseProgress := func() progress.CourseProgressView {
		return decode[progress.CourseProgressView](t, e.do("GET", "/v1/courses/"+course1+"/progress", tok, nil), 200)
	}

	// Watch the video to half (the configured fraction) in 15 s steps.
	var v progress.ItemProgressView
	for i := 0; i <= 20; i++ {
		v = decode[progress.ItemProgressView](t, e.do("PUT", itemPath(video), tok, videoAt(float64(i*15), start.Add(time.Duration(i*15)*time.Second))), 200)
		if done := i*15 >= 300; v.Completed != done {
			t.Fatalf("at %d s completed=%v", i*15, v.Completed)
		}
	}
	if c := courseProgress(); c.ItemsCompleted != 1 || c.ItemsTotal != 3 || c.Percent != 33 || c.Completed || !c.CanReport ||
		len(c.Items) != 3 || c.Items[0].ItemID != video || !c.Items[0].Completed || c.Items[1].Completed {
		t.Fatalf("%+v", c)
	}
	// Text on open, file on download; the same file report retried.
	decode[progress.ItemProgressView](t, e.do("PUT", itemPath(text), tok, map[string]any{"completed": true, "client_time": now(0)}), 200)
	body := map[string]any{"completed": true, "client_time": now(0)}
	decode[progress.ItemProgressView](t, e.do("PUT", itemPath(file), tok, body), 200)
	if r := decode[progress.ItemProgressView](t, e.do("PUT", itemPath(file), tok, body), 200); *r.Applied || !r.Completed {
		t.Fatalf("retried file report: %+v", r)
	}
	c := courseProgress()
	if !c.Completed || c.Percent != 100 || c.CompletedAt == nil || c.LastActivityAt == nil {
		t.Fatalf("%+v", c)
	}
	// Keep watching after completion: no more events.
	e.do("PUT", itemPath(video), tok, videoAt(330, start.Add(330*time.Second)))
	items, courses := e.completions(t, progressmsg.EventItemCompleted), e.completions(t, progressmsg.EventCourseCompleted)
	if len(items) != 3 || len(courses) != 1 {
		t.Fatalf("%d item and %d course completions, want 3 and 1", len(items), len(courses))
	}
	if d := courses[0]; d.UserID != learner || d.CourseID != course1 || d.ItemCount != 3 || d.CompletedAt.IsZero() {
		t.Fatalf("%+v", d)
	}
	kinds := []string{}
	for _, d := range items {
		kinds = append(kinds, d.ItemKind)
	}
	slices.Sort(kinds)
	if !slices.Equal(kinds, []string{"file", "text", "video"}) {
		t.Fatalf("%v", kinds)
	}

	t.Run("item_added_after_completion_reopens_the_course_but_announces_once", func(t *testing.T) {
		extra := "20000000-0000-4000-8000-000000000004"
		e.courseEvent("ce-6", coursemsg.EventItemAdded, 6, 4, extra, coursemsg.KindText, "Bonus")
		if c := courseProgress(); c.Completed || c.ItemsTotal != 4 || c.Percent != 75 {
			t.Fatalf("%+v", c)
		}
		decode[progress.ItemProgressView](t, e.do("PUT", itemPath(extra), tok, map[string]any{"completed": true, "client_time": now(0)}), 200)
		if c := courseProgress(); !c.Completed {
			t.Fatalf("%+v", c)
		}
		if n := len(e.completions(t, progressmsg.EventCourseCompleted)); n != 1 {
			t.Fatalf("%d course completions", n)
		}
	})
}

// Concurrent reports completing the last items of a course (two devices,
// retries) serialize on the learner's rows: each item and the course are
// announced exactly once.
func TestCompletion_concurrentReportsAnnounceOnce(t *testing.T) {
	e := newEnv(t, nil)
	e.seed()
	start := time.Now().Add(-time.Hour)
	tok := e.token(learner, auth.Learner)
	for i := 0; i < 36; i++ { // the video to 525 s of 600: not yet 90 %
		decode[progress.ItemProgressView](t, e.do("PUT", itemPath(video), tok, videoAt(float64(i*15), start.Add(time.Duration(i*15)*time.Second))), 200)
	}
	var wg sync.WaitGroup
	for n := range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var rec *httptest.ResponseRecorder
			switch n % 3 {
			case 0:
				rec = e.do("PUT", itemPath(video), tok, videoAt(540+float64(n), start.Add(time.Duration(540+n)*time.Second)))
			case 1:
				rec = e.do("PUT", itemPath(text), tok, map[string]any{"completed": true, "client_time": now(time.Duration(n) * time.Millisecond)})
			default:
				rec = e.do("PUT", itemPath(file), tok, map[string]any{"completed": true, "client_time": now(time.Duration(n) * time.Millisecond)})
			}
			if rec.Code != 200 {
				t.Errorf("report %d: %d %s", n, rec.Code, rec.Body)
			}
		}()
	}
	wg.Wait()
	if i, c := len(e.completions(t, progressmsg.EventItemCompleted)), len(e.completions(t, progressmsg.EventCourseCompleted)); i != 3 || c != 1 {
		t.Fatalf("%d item and %d course completions, want 3 and 1", i, c)
	}
	if n := e.rowCount("Outbox"); n != 4 {
		t.Fatalf("%d outbox rows, want 4", n)
	}
}

func TestAccess_endedSubscriptionKeepsProgressReadable(t *testing.T) {
	e := newEnv(t, nil)
	e.seed()
	tok := e.token(learner, auth.Learner)
	decode[progress.ItemProgressView](t, e.do("PUT", itemPath(text), tok, map[string]any{"completed": true, "client_time": now(-time.Minute)}), 200)
	decode[progress.ItemProgressView](t, e.do("PUT", itemPath(video), tok, videoAt(20, time.Now().Add(-time.Minute))), 200)

	e.subscription("se-2", subscribemsg.EventEnded, "sub-1", learner)
	rejected(t, e.do("PUT", itemPath(video), tok, videoAt(30, time.Now())), 403)
	if v := decode[progress.ItemProgressView](t, e.do("GET", itemPath(video), tok, nil), 200); v.PositionSeconds != 20 {
		t.Fatalf("%+v", v)
	}
	c := decode[progress.CourseProgressView](t, e.do("GET", "/v1/courses/"+course1+"/progress", tok, nil), 200)
	if c.CanReport || c.ItemsCompleted != 1 {
		t.Fatalf("%+v", c)
	}
	p := decode[progress.MyCoursesPage](t, e.do("GET", "/v1/me/courses", tok, nil), 200)
	if len(p.Courses) != 1 || p.Courses[0].CanReport || p.Courses[0].ItemsCompleted != 1 || p.Courses[0].Title != "Bahasa for Beginners" {
		t.Fatalf("%+v", p)
	}

	t.Run("redelivered_and_late_activation_changes_nothing", func(t *testing.T) {
		e.subscription("se-1", subscribemsg.EventActivated, "sub-1", learner) // redelivery
		e.subscription("se-late", subscribemsg.EventActivated, "sub-1", learner)
		rejected(t, e.do("PUT", itemPath(video), tok, videoAt(30, time.Now())), 403)
	})
	t.Run("a_new_subscription_grants_reporting_again", func(t *testing.T) {
		e.subscription("se-3", subscribemsg.EventActivated, "sub-2", learner)
		decode[progress.ItemProgressView](t, e.do("PUT", itemPath(video), tok, videoAt(30, time.Now())), 200)
	})
	t.Run("the_tutor_may_report_without_subscribing", func(t *testing.T) {
		decode[progress.ItemProgressView](t, e.do("PUT", itemPath(text), e.token(tutor, auth.Tutor), map[string]any{"completed": true, "client_time": now(0)}), 200)
	})
	t.Run("ended_before_activated_stays_ended", func(t *testing.T) {
		e.subscription("se-4", subscribemsg.EventEnded, "sub-3", stranger)
		e.subscription("se-5", subscribemsg.EventActivated, "sub-3", stranger)
		rejected(t, e.do("PUT", itemPath(video), e.token(stranger, auth.Learner), videoAt(1, time.Now())), 403)
	})
}

func TestProjections_redeliveredAndLateEventsChangeNothing(t *testing.T) {
	e := newEnv(t, nil)
	e.seed()
	tok := e.token(learner, auth.Learner)
	get := func() progress.CourseProgressView {
		return decode[progress.CourseProgressView](t, e.do("GET", "/v1/courses/"+course1+"/progress", tok, nil), 200)
	}
	before := get()
	// Redeliveries of every seed event.
	e.courseEvent("ce-2", coursemsg.EventItemAdded, 2, 1, video, coursemsg.KindVideo, "Pronunciation")
	e.courseEvent("ce-5", coursemsg.EventPublished, 5, 3, "", "", "")
	e.subscription("se-1", subscribemsg.EventActivated, "sub-1", learner)
	if after := get(); !sameJSON(after, before) {
		t.Fatalf("%+v -> %+v", before, after)
	}
	// An item renamed at version 7, then a late rename at version 6.
	e.courseEvent("ce-7", coursemsg.EventItemUpdated, 7, 3, text, coursemsg.KindText, "Greetings, new")
	e.courseEvent("ce-6", coursemsg.EventItemUpdated, 6, 3, text, coursemsg.KindText, "Greetings, old")
	if c := get(); c.Items[1].Title != "Greetings, new" {
		t.Fatalf("late rename applied: %+v", c.Items[1])
	}
	// The file removed at 8; a late item_updated about it at 5 does not
	// bring it back; reports on it are 404.
	e.courseEvent("ce-8", coursemsg.EventItemRemoved, 8, 2, file, coursemsg.KindFile, "Vocabulary")
	e.courseEvent("ce-late", coursemsg.EventItemUpdated, 5, 3, file, coursemsg.KindFile, "Vocabulary")
	if c := get(); c.ItemsTotal != 2 || len(c.Items) != 2 {
		t.Fatalf("%+v", c)
	}
	rejected(t, e.do("PUT", itemPath(file), tok, map[string]any{"completed": true, "client_time": now(0)}), 404)
	// A malformed event is refused (400: Pub/Sub retries it into the
	// dead-letter topic) and changes nothing.
	if rec := e.push("progress-on-course-event", "bad", coursemsg.EventItemAdded, map[string]any{"course_id": course1, "tutor_id": tutor, "item_id": "x", "item_kind": "slides"}); rec.Code != 400 {
		t.Fatalf("malformed event: %d", rec.Code)
	}
	if rec := e.push("progress-on-subscription-event", "bad", subscribemsg.EventActivated, map[string]any{"user_id": learner}); rec.Code != 400 {
		t.Fatalf("malformed event: %d", rec.Code)
	}
}

func TestMyCourses_newestActivityFirstWithCursor(t *testing.T) {
	e := newEnv(t, nil)
	tok := e.token(learner, auth.Learner)
	var ids []string
	for i := range 5 {
		c := fmt.Sprintf("10000000-0000-4000-8000-00000000010%d", i)
		it := fmt.Sprintf("20000000-0000-4000-8000-00000000010%d", i)
		ids = append(ids, c)
		e.mustPush("progress-on-course-event", fmt.Sprint("ce-", i), coursemsg.EventItemAdded, coursemsg.EventData{CourseID: c, TutorID: tutor, Title: "Course " + c[len(c)-1:],
			ItemCount: 1, ItemID: it, ItemKind: coursemsg.KindText, ItemTitle: "Only", Version: 2})
		e.mustPush("progress-on-subscription-event", fmt.Sprint("se-", i), subscribemsg.EventActivated, subscribemsg.EventData{SubscriptionID: "sub-" + c[len(c)-4:], UserID: learner, CourseID: c})
	}
	// Progress in courses 1 and 3 (3 last): they lead, then the rest by
	// subscription, newest first.
	for _, i := range []int{1, 3} {
		decode[progress.ItemProgressView](t, e.do("PUT", fmt.Sprintf("/v1/courses/%s/items/20000000-0000-4000-8000-00000000010%d/progress", ids[i], i), tok,
			map[string]any{"completed": true, "client_time": now(0)}), 200)
	}
	var got []progress.MyCourseView
	cursor := ""
	for pages := 0; ; pages++ {
		p := decode[progress.MyCoursesPage](t, e.do("GET", "/v1/me/courses?limit=2&cursor="+cursor, tok, nil), 200)
		got = append(got, p.Courses...)
		if p.NextCursor == "" {
			break
		}
		if pages > 5 {
			t.Fatal("no end")
		}
		cursor = p.NextCursor
	}
	var order []string
	for _, c := range got {
		order = append(order, c.CourseID)
	}
	if want := []string{ids[3], ids[1], ids[4], ids[2], ids[0]}; !slices.Equal(order, want) {
		t.Fatalf("order %v, want %v", order, want)
	}
	if !got[0].Completed || got[0].Percent != 100 || got[2].Percent != 0 || !got[2].CanReport || got[2].LastActivityAt != nil {
		t.Fatalf("%+v", got)
	}
	rejected(t, e.do("GET", "/v1/me/courses?cursor=bm90IGpzb24", tok, nil), 400, "cursor")
	rejected(t, e.do("GET", "/v1/me/courses?limit=0", tok, nil), 400, "limit")
	if p := decode[progress.MyCoursesPage](t, e.do("GET", "/v1/me/courses", e.token(stranger, auth.Learner), nil), 200); len(p.Courses) != 0 || p.Courses == nil {
		t.Fatalf("%+v", p)
	}
}
