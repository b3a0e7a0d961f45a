package progress_test

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	"cloud.google.com/go/pubsub/v2"
	"cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"

	"github.com/kwipper/kwipper/functions/contract/coursemsg"
	"github.com/kwipper/kwipper/functions/contract/progressmsg"
	"github.com/kwipper/kwipper/functions/contract/subscribemsg"
	"github.com/kwipper/kwipper/functions/devstack/apitest"
	"github.com/kwipper/kwipper/functions/progress"
	"github.com/kwipper/kwipper/shared/devstack/testenv"
	"github.com/kwipper/kwipper/shared/events"
)

// watcher records every message published to a topic of the stack, through
// a pull subscription of its own.
type watcher struct {
	mu   sync.Mutex
	msgs []events.Event
}

func watch(t *testing.T, e *apitest.Env, topic string) *watcher {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	name := "projects/" + e.Cfg.Project + "/subscriptions/" + testenv.Unique("watch")
	if _, err := e.PubSub.SubscriptionAdminClient.CreateSubscription(ctx, &pubsubpb.Subscription{Name: name,
		Topic: events.TopicName(e.Cfg.Project, topic), AckDeadlineSeconds: 60}); err != nil {
		t.Fatal(err)
	}
	w := &watcher{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = e.PubSub.Subscriber(name).Receive(ctx, func(_ context.Context, m *pubsub.Message) {
			w.mu.Lock()
			w.msgs = append(w.msgs, events.Event{ID: m.Attributes[events.AttrEventID], Type: m.Attributes[events.AttrType], Data: m.Data})
			w.mu.Unlock()
			m.Ack()
		})
	}()
	t.Cleanup(func() { cancel(); <-done })
	return w
}

// of returns the payloads of the messages of type typ and how many distinct
// event ids they carry.
func (w *watcher) of(t *testing.T, typ string) ([]progressmsg.EventData, int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []progressmsg.EventData
	ids := map[string]bool{}
	for _, m := range w.msgs {
		if m.Type != typ {
			continue
		}
		var d progressmsg.EventData
		if err := json.Unmarshal(m.Data, &d); err != nil {
			t.Fatal(err)
		}
		out = append(out, d)
		ids[m.ID] = true
	}
	return out, len(ids)
}

// The whole loop through the local stack (API, the real Spanner and Pub/Sub
// emulators, push delivery, the subscribe saga): a learner without a
// subscription is refused; once subscribed they report a video through the
// completion fraction, resume on a second client, open the text and download
// the file; the course completes, shows first in "my courses", and each
// completion is published exactly once. Malformed reports and redelivered
// events change nothing. After the subscription ends, reporting is refused
// but the learner still reads their progress.
func TestFlow_reportResumeCompleteAndRefuse(t *testing.T) {
	e := apitest.Start(t)
	published := watch(t, e, progressmsg.Topic)
	_, tutor := e.User("tutor@progress.test", "tutor")
	learnerID, phone := e.User("learner@progress.test", "learner")
	_, stranger := e.User("stranger@progress.test", "learner")

	var c, vid, txt, fil struct{ ID string }
	e.Must(201, "POST", "/v1/courses", tutor, map[string]any{"title": "Tagalog sa Araw-araw", "description": "Everyday Tagalog",
		"price": map[string]any{"amount": 29900, "currency": "PHP"}, "billing_interval": "month"}).JSON(t, &c)
	e.Must(201, "POST", "/v1/courses/"+c.ID+"/items", tutor, map[string]any{"kind": "video", "title": "Pagbati"}).JSON(t, &vid)
	e.Must(201, "POST", "/v1/courses/"+c.ID+"/items", tutor, map[string]any{"kind": "text", "title": "Mga salita", "body": "Salamat po"}).JSON(t, &txt)
	e.Must(201, "POST", "/v1/courses/"+c.ID+"/items", tutor, map[string]any{"kind": "file", "title": "Worksheet"}).JSON(t, &fil)
	e.UploadPlaceholder(tutor, c.ID, vid.ID, "video")
	e.UploadPlaceholder(tutor, c.ID, fil.ID, "file")
	e.Eventually("the course publishes once its media is ready", 30*time.Second, func() bool {
		return e.Do("POST", "/v1/courses/"+c.ID+"/publish", tutor, nil).Status == 200
	})
	path := func(item string) string { return "/v1/courses/" + c.ID + "/items/" + item + "/progress" }
	coursePath := "/v1/courses/" + c.ID + "/progress"
	start := time.Now().Add(-time.Hour)
	at := func(sec float64) string {
		return start.Add(time.Duration(sec * float64(time.Second))).UTC().Format(time.RFC3339Nano)
	}
	watchAt := func(pos float64) map[string]any {
		return map[string]any{"position_seconds": pos, "duration_seconds": 600, "client_time": at(pos)}
	}

	// The course's items reach the projection through course-events.
	e.Eventually("items known to the Progress service", 30*time.Second, func() bool {
		var cp progress.CourseProgressView
		r := e.Do("GET", coursePath, tutor, nil)
		r.JSON(t, &cp)
		return r.Status == 200 && cp.ItemsTotal == 3 && len(cp.Items) == 3
	})
	e.Must(403, "PUT", path(vid.ID), stranger, watchAt(0))
	e.Must(403, "GET", path(vid.ID), stranger, nil)

	// Subscribe (the saga) and wait for subscription.activated to reach the
	// projection: until then a report is 403 and changes nothing.
	e.Must(201, "POST", "/v1/billing/payment-methods", phone, map[string]string{"payment_method_id": "pm_card_visa"})
	var sub struct{ ID, Status string }
	e.Must(202, "POST", "/v1/subscriptions", phone, map[string]string{"course_id": c.ID}).JSON(t, &sub)
	e.Eventually("active subscription", 60*time.Second, func() bool {
		e.Must(200, "GET", "/v1/subscriptions/"+sub.ID, phone, nil).JSON(t, &sub)
		return sub.Status == "active"
	})
	e.Eventually("reporting allowed", 30*time.Second, func() bool { return e.Do("PUT", path(vid.ID), phone, watchAt(0)).Status == 200 })

	// Watch to 90 % in 15 s reports: complete exactly at 540 s of 600.
	for pos := 15.0; pos <= 540; pos += 15 {
		var v progress.ItemProgressView
		e.Must(200, "PUT", path(vid.ID), phone, watchAt(pos)).JSON(t, &v)
		if v.Completed != (pos >= 540) || !*v.Applied {
			t.Fatalf("at %v s: %+v", pos, v)
		}
	}
	// Resume on a second device: another token of the same learner.
	var s2 struct {
		AccessToken string `json:"access_token"`
	}
	e.Must(200, "POST", "/v1/sessions", "", map[string]string{"email": "learner@progress.test", "password": apitest.Password}).JSON(t, &s2)
	tablet := s2.AccessToken
	var resume progress.ItemProgressView
	e.Must(200, "GET", path(vid.ID), tablet, nil).JSON(t, &resume)
	if resume.PositionSeconds != 540 || !resume.Completed || resume.WatchedFraction != 0.9 {
		t.Fatalf("resume: %+v", resume)
	}

	// Malformed reports change nothing.
	for _, bad := range []any{
		map[string]any{"position_seconds": -3, "duration_seconds": 600, "client_time": at(600)},
		map[string]any{"position_seconds": 700, "duration_seconds": 600, "client_time": at(600)},
		map[string]any{"position_seconds": 10, "duration_seconds": 600, "client_time": time.Now().Add(time.Hour).Format(time.RFC3339)},
		map[string]any{"position_seconds": 10, "duration_seconds": 600, "client_time": at(600), "volume": 1},
		`{"position_seconds": 1e999, "duration_seconds": 600, "client_time": "` + at(600) + `"}`,
	} {
		if r := e.Do("PUT", path(vid.ID), tablet, bad); r.Status != 400 {
			t.Fatalf("%v: %d %s", bad, r.Status, r.Body)
		}
	}
	var same progress.ItemProgressView
	e.Must(200, "GET", path(vid.ID), phone, nil).JSON(t, &same)
	if !sameJSON(same, resume) {
		t.Fatalf("a refused report changed %+v to %+v", resume, same)
	}

	// The text on open, the file on download: the course completes.
	e.Must(200, "PUT", path(txt.ID), tablet, map[string]any{"completed": true, "client_time": time.Now().UTC().Format(time.RFC3339)})
	e.Must(200, "PUT", path(fil.ID), phone, map[string]any{"completed": true, "client_time": time.Now().UTC().Format(time.RFC3339)})
	// The download reported again (a retry, a second tap) announces nothing more.
	e.Must(200, "PUT", path(fil.ID), phone, map[string]any{"completed": true, "client_time": time.Now().UTC().Format(time.RFC3339Nano)})
	var cp progress.CourseProgressView
	e.Must(200, "GET", coursePath, tablet, nil).JSON(t, &cp)
	if !cp.Completed || cp.Percent != 100 || cp.ItemsCompleted != 3 || !cp.CanReport || cp.Title != "Tagalog sa Araw-araw" {
		t.Fatalf("course progress: %+v", cp)
	}
	var mine progress.MyCoursesPage
	e.Must(200, "GET", "/v1/me/courses?limit=5", tablet, nil).JSON(t, &mine)
	if len(mine.Courses) != 1 || mine.Courses[0].CourseID != c.ID || !mine.Courses[0].Completed || mine.Courses[0].LastActivityAt == nil {
		t.Fatalf("my courses: %+v", mine)
	}
	e.Must(400, "GET", "/v1/me/courses?cursor=not-a-cursor", tablet, nil)

	// Each completion is published once: a relay sweep publishes nothing
	// more.
	e.Must(204, "POST", e.PushPath("progress-outbox-relay"), "", apitest.Tick("tick-progress-1"))
	e.Eventually("completions published", 30*time.Second, func() bool {
		items, _ := published.of(t, progressmsg.EventItemCompleted)
		courses, _ := published.of(t, progressmsg.EventCourseCompleted)
		return len(items) >= 3 && len(courses) >= 1
	})
	time.Sleep(2 * time.Second) // anything published twice would have arrived
	items, itemIDs := published.of(t, progressmsg.EventItemCompleted)
	courses, courseIDs := published.of(t, progressmsg.EventCourseCompleted)
	if len(items) != 3 || itemIDs != 3 || len(courses) != 1 || courseIDs != 1 {
		t.Fatalf("published %d item completions (%d ids) and %d course completions (%d ids), want 3 and 1", len(items), itemIDs, len(courses), courseIDs)
	}
	if d := courses[0]; d.UserID != learnerID || d.CourseID != c.ID || d.ItemCount != 3 {
		t.Fatalf("course completion %+v", d)
	}

	// A redelivered (and late) course event changes nothing.
	old := apitest.PushEnvelope("late-item-event", coursemsg.EventItemUpdated, coursemsg.EventData{CourseID: c.ID, TutorID: "00000000-0000-4000-8000-000000000000",
		Title: "Old title", ItemCount: 1, ItemID: vid.ID, ItemKind: coursemsg.KindVideo, ItemTitle: "Old item title", Version: 1})
	e.Must(204, "POST", e.PushPath("progress-on-course-event"), "", old)
	e.Must(204, "POST", e.PushPath("progress-on-course-event"), "", old)
	var after progress.CourseProgressView
	e.Must(200, "GET", coursePath, tablet, nil).JSON(t, &after)
	if !sameJSON(after, cp) {
		t.Fatalf("a late event changed the course: %+v -> %+v", cp, after)
	}

	// The subscription ends: reporting stops (a stale report, which would
	// change nothing even while allowed, probes it), reading goes on.
	e.Must(200, "POST", "/v1/subscriptions/"+sub.ID+"/cancel", phone, nil)
	e.Eventually("reporting refused after the subscription ended", 30*time.Second, func() bool {
		return e.Do("PUT", path(vid.ID), phone, watchAt(15)).Status == http.StatusForbidden
	})
	e.Must(403, "PUT", path(vid.ID), tablet, map[string]any{"position_seconds": 560, "duration_seconds": 600, "client_time": at(560)})
	// A redelivered activation of the ended subscription grants nothing.
	e.Must(204, "POST", e.PushPath("progress-on-subscription-event"), "", apitest.PushEnvelope("replayed-activation", subscribemsg.EventActivated,
		subscribemsg.EventData{SubscriptionID: sub.ID, UserID: learnerID, CourseID: c.ID}))
	e.Must(403, "PUT", path(vid.ID), tablet, map[string]any{"position_seconds": 560, "duration_seconds": 600, "client_time": at(560)})
	var still progress.ItemProgressView
	e.Must(200, "GET", path(vid.ID), tablet, nil).JSON(t, &still)
	if !sameJSON(still, resume) {
		t.Fatalf("after the end: %+v, want %+v", still, resume)
	}
	e.Must(200, "GET", coursePath, phone, nil).JSON(t, &after)
	if after.CanReport || !after.Completed {
		t.Fatalf("course after the end: %+v", after)
	}
	e.Must(200, "GET", "/v1/me/courses", phone, nil).JSON(t, &mine)
	if len(mine.Courses) != 1 || mine.Courses[0].CanReport {
		t.Fatalf("my courses after the end: %+v", mine)
	}
}
