package course_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/kwipper/kwipper/functions/course"
	"github.com/kwipper/kwipper/functions/devstack/apitest"
)

// TestTutorFlow runs a tutor's view through the whole stack: my courses with
// counts, a learner subscribing (the saga), the subscriber list and the
// catalog's filters, and the currencies a client prices in.
func TestTutorFlow(t *testing.T) {
	e := apitest.Start(t)
	tutorID, tutor := e.User("tutor@flow.test", "tutor")
	_, other := e.User("other@flow.test", "tutor")
	learnerID, learner := e.User("learner@flow.test", "learner")

	var pub, draft course.View
	e.Must(201, "POST", "/v1/courses", tutor, map[string]any{"title": "Kanji step by step", "description": "d",
		"price": map[string]any{"amount": 1500, "currency": "JPY"}, "billing_interval": "month"}).JSON(t, &pub)
	e.Must(201, "POST", "/v1/courses/"+pub.ID+"/items", tutor, map[string]any{"kind": "text", "title": "One", "body": "b"})
	e.Must(200, "POST", "/v1/courses/"+pub.ID+"/publish", tutor, nil)
	e.Must(201, "POST", "/v1/courses", tutor, map[string]any{"title": "Kanji drafts", "description": "d",
		"price": map[string]any{"amount": 1500, "currency": "JPY"}, "billing_interval": "month"}).JSON(t, &draft)

	t.Run("currencies_200_public", func(t *testing.T) {
		var l course.CurrencyList
		e.Must(200, "GET", "/v1/currencies", "", nil).JSON(t, &l)
		if len(l.Currencies) < 4 || l.Currencies[0].Code == "" {
			t.Fatalf("currencies %+v", l)
		}
	})

	// The learner subscribes and the subscription becomes active.
	e.Must(201, "POST", "/v1/billing/payment-methods", learner, map[string]string{"payment_method_id": "pm_card_visa"})
	var sub struct{ ID, Status string }
	e.Must(http.StatusAccepted, "POST", "/v1/subscriptions", learner, map[string]string{"course_id": pub.ID}).JSON(t, &sub)
	e.Eventually("the subscriber is counted", time.Minute, func() bool {
		var p course.SubscriberPage
		e.Must(200, "GET", "/v1/courses/"+pub.ID+"/subscribers", tutor, nil).JSON(t, &p)
		return len(p.Subscribers) == 1 && p.Subscribers[0].UserID == learnerID && p.SubscriberCount == 1
	})

	t.Run("list_mine_200_with_counts", func(t *testing.T) {
		var p course.TutorCoursePage
		e.Must(200, "GET", "/v1/tutors/me/courses", tutor, nil).JSON(t, &p)
		if len(p.Courses) != 2 || p.Courses[0].ID != draft.ID || p.Courses[0].Status != "draft" ||
			p.Courses[1].ID != pub.ID || p.Courses[1].ItemCount != 1 || p.Courses[1].SubscriberCount != 1 {
			t.Fatalf("my courses %+v", p)
		}
	})
	t.Run("refusals_change_nothing", func(t *testing.T) {
		e.Must(401, "GET", "/v1/tutors/me/courses", "", nil)
		e.Must(403, "GET", "/v1/tutors/me/courses", learner, nil)
		e.Must(403, "GET", "/v1/courses/"+pub.ID+"/subscribers", other, nil)
		e.Must(403, "GET", "/v1/courses/"+pub.ID+"/subscribers", learner, nil)
		e.Must(404, "GET", "/v1/courses/"+draft.ID+"/subscribers", other, nil)
		e.Must(400, "GET", "/v1/courses?currency=EUR", "", nil)
		var p course.SubscriberPage
		e.Must(200, "GET", "/v1/courses/"+pub.ID+"/subscribers", tutor, nil).JSON(t, &p)
		if len(p.Subscribers) != 1 {
			t.Fatalf("subscribers %+v", p)
		}
	})
	t.Run("catalog_200_filters_applied", func(t *testing.T) {
		var p course.Page
		e.Must(200, "GET", "/v1/courses?q=KANJI&currency=jpy&tutor_id="+tutorID, "", nil).JSON(t, &p)
		if len(p.Courses) != 1 || p.Courses[0].ID != pub.ID || p.Filters.Currency != "JPY" || p.Filters.TutorID != tutorID ||
			len(p.Filters.Words) != 1 || p.Filters.Words[0] != "kanji" {
			t.Fatalf("catalog %+v", p)
		}
		e.Must(200, "GET", "/v1/courses?currency=MXN", "", nil).JSON(t, &p)
		if len(p.Courses) != 0 {
			t.Fatalf("MXN catalog %+v", p)
		}
	})
}
