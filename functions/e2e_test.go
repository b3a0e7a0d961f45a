package functions_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kwipper/kwipper/functions"
	"github.com/kwipper/kwipper/functions/devstack/apitest"
	"github.com/kwipper/kwipper/shared/devstack/testenv"
	"github.com/kwipper/kwipper/shared/fnreg"
)

func TestMain(m *testing.M) { testenv.Main(m) }

type courseView struct {
	ID, Status string
	TutorName  string `json:"tutor_name"`
	ItemCount  int    `json:"item_count"`
}

// The first slice end to end through the local stack on the real emulators:
// register -> log in -> create a course -> add items -> publish -> the catalog
// shows it; the tutor's name reaches the Course service through the outbox,
// Pub/Sub push and the idempotent projection.
func TestFlow_registerCreatePublishCatalog(t *testing.T) {
	e := apitest.Start(t)
	tutorID, tutor := e.User("tutor@flow.test", "tutor")
	_, learner := e.User("learner@flow.test", "learner")

	var c courseView
	e.Must(201, "POST", "/v1/courses", tutor, map[string]any{"title": "Nihongo N5", "description": "Kana and greetings",
		"price": map[string]any{"amount": 1500, "currency": "JPY"}, "billing_interval": "month"}).JSON(t, &c)
	if c.Status != "draft" {
		t.Fatalf("new course %+v", c)
	}
	e.Must(403, "POST", "/v1/courses", learner, map[string]any{"title": "x", "description": "",
		"price": map[string]any{"amount": 1500, "currency": "JPY"}, "billing_interval": "month"})
	e.Must(201, "POST", "/v1/courses/"+c.ID+"/items", tutor, map[string]any{"kind": "text", "title": "Hiragana", "body": "あいうえお"})
	var video struct{ ID string }
	e.Must(201, "POST", "/v1/courses/"+c.ID+"/items", tutor, map[string]any{"kind": "video", "title": "Greetings"}).JSON(t, &video)

	// A draft is invisible to others and absent from the catalog.
	e.Must(404, "GET", "/v1/courses/"+c.ID, learner, nil)
	var page struct {
		Courses []courseView
	}
	e.Must(200, "GET", "/v1/courses", "", nil).JSON(t, &page)
	if len(page.Courses) != 0 {
		t.Fatalf("draft listed: %+v", page)
	}

	e.Must(403, "POST", "/v1/courses/"+c.ID+"/publish", learner, nil)
	// Not while the video has no content (the answer names it); the tutor
	// removes it instead of uploading here.
	if r := e.Must(409, "POST", "/v1/courses/"+c.ID+"/publish", tutor, nil); !strings.Contains(string(r.Body), video.ID) {
		t.Fatalf("publish with a video awaiting upload: %s", r.Body)
	}
	e.Must(204, "DELETE", "/v1/courses/"+c.ID+"/items/"+video.ID, tutor, nil)
	e.Must(200, "POST", "/v1/courses/"+c.ID+"/publish", tutor, nil)
	e.Must(200, "GET", "/v1/courses", "", nil).JSON(t, &page)
	if len(page.Courses) != 1 || page.Courses[0].ID != c.ID || page.Courses[0].ItemCount != 1 {
		t.Fatalf("catalog %+v", page)
	}

	// user.registered went through the outbox and Pub/Sub push to the
	// Course service's projection.
	e.Eventually("tutor name on the course", 20*time.Second, func() bool {
		var got courseView
		e.Must(200, "GET", "/v1/courses/"+c.ID, "", nil).JSON(t, &got)
		return got.TutorName == "Test tutor@flow.test"
	})
	_ = tutorID

	// A profile change follows the same path.
	e.Must(200, "PATCH", "/v1/users/me", tutor, map[string]string{"display_name": "Sensei Aiko"})
	e.Eventually("renamed tutor on the course", 20*time.Second, func() bool {
		var got courseView
		e.Must(200, "GET", "/v1/courses/"+c.ID, "", nil).JSON(t, &got)
		return got.TutorName == "Sensei Aiko"
	})

	// The relay has nothing left to publish once events are out.
	e.Eventually("empty outboxes", 20*time.Second, func() bool {
		return e.Do("POST", e.PushPath("user-outbox-relay"), "", apitest.Tick("tick-1")).Status == http.StatusNoContent
	})
	e.Must(200, "GET", "/healthz", "", nil)
}

// Every function in the table is served, and every table row has a handler
// (functions.Open fails on drift either way).
func TestOpen_servesEveryFunctionInTheTable(t *testing.T) {
	e := apitest.Start(t)
	if got, want := len(e.App.Functions), len(functions.Table()); got != want {
		t.Fatalf("%d functions served, table has %d", got, want)
	}
	_ = context.Background()
}

// Only Pub/Sub may deliver to a push endpoint: a forged delivery, even from a
// logged-in user, is refused before any handler runs (the stack's push
// subscriptions carry its push token, as the cloud's carry OIDC tokens).
func TestPushEndpoints_refuseEveryoneButPubSub(t *testing.T) {
	e := apitest.Start(t)
	_, learner := e.User("forger@push.test", "learner")
	n := 0
	for _, f := range e.App.Functions {
		if f.Spec.Trigger != fnreg.PubSub {
			continue
		}
		n++
		for _, tc := range []struct{ path, token string }{
			{fnreg.PushPath(f.Spec.Name), ""},
			{fnreg.PushPath(f.Spec.Name), learner},
			{fnreg.PushPath(f.Spec.Name) + "?token=guess", ""},
		} {
			if r := e.Do("POST", tc.path, tc.token, apitest.Tick("forged-"+f.Spec.Name)); r.Status != http.StatusUnauthorized {
				t.Errorf("%s with token %t: %d %s, want 401", tc.path, tc.token != "", r.Status, r.Body)
			}
		}
	}
	if n == 0 {
		t.Fatal("no Pub/Sub functions served")
	}
	// The stack's own token is accepted.
	e.Must(204, "POST", e.PushPath("user-outbox-relay"), "", apitest.Tick("tick-2"))
}
