package subscribe_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/billing"
	"github.com/kwipper/kwipper/functions/contract/sagamsg"
	"github.com/kwipper/kwipper/functions/course"
	"github.com/kwipper/kwipper/functions/devstack"
	"github.com/kwipper/kwipper/functions/devstack/apitest"
	"github.com/kwipper/kwipper/functions/subscribe"
	"github.com/kwipper/kwipper/functions/user"
	"github.com/kwipper/kwipper/shared/devstack/testenv"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/spanx"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// wait is how long a saga may take through the local stack.
const wait = 60 * time.Second

type subView struct {
	ID         string `json:"id"`
	Status     string `json:"status"`
	ReasonCode string `json:"reason_code"`
	Reason     string `json:"reason"`
	CourseID   string `json:"course_id"`
}

// stack is a running local stack with a tutor and direct database clients
// for checks no API shows.
type stack struct {
	*apitest.Env
	tutor, tutorID  string
	users, courses  *spanner.Client
	subs, billingDB *spanner.Client
	n               int
}

func newStack(t *testing.T, opts ...apitest.Option) *stack {
	t.Helper()
	opts = append([]apitest.Option{apitest.Setenv("KW_SAGA_STEP_TIMEOUT", "2s"), apitest.Setenv("KW_SAGA_MAX_ATTEMPTS", "3")}, opts...)
	e := apitest.Start(t, opts...)
	s := &stack{Env: e}
	s.tutorID, s.tutor = e.User("tutor@saga.test", "tutor")
	open := func(db string) *spanner.Client {
		c, err := spanx.Open(context.Background(), spanx.DatabasePath(e.Cfg.Project, e.Cfg.SpannerInstance, db))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(c.Close)
		return c
	}
	s.users, s.courses, s.subs, s.billingDB = open(user.Database), open(course.Database), open(subscribe.Database), open(billing.Database)
	return s
}

// course publishes a course priced amount currency with one text item.
func (s *stack) course(amount int64, currency string) string {
	s.T.Helper()
	var c struct{ ID string }
	s.Must(201, "POST", "/v1/courses", s.tutor, map[string]any{"title": "Course", "description": "d",
		"price": map[string]any{"amount": amount, "currency": currency}, "billing_interval": "month"}).JSON(s.T, &c)
	s.Must(201, "POST", "/v1/courses/"+c.ID+"/items", s.tutor, map[string]any{"kind": "text", "title": "Lesson 1", "body": "secret body"})
	s.Must(200, "POST", "/v1/courses/"+c.ID+"/publish", s.tutor, nil)
	return c.ID
}

// learner registers a learner who saved card pm (none when empty).
func (s *stack) learner(pm string) (id, token string) {
	s.T.Helper()
	s.n++
	id, token = s.User(fmt.Sprintf("learner%d@saga.test", s.n), "learner")
	if pm != "" {
		s.Must(201, "POST", "/v1/billing/payment-methods", token, map[string]string{"payment_method_id": pm})
	}
	return id, token
}

func (s *stack) subscribe(token, courseID string) subView {
	s.T.Helper()
	var v subView
	r := s.Do("POST", "/v1/subscriptions", token, map[string]string{"course_id": courseID})
	// The emulator may lose a transaction when others run at once (5xx,
	// nothing committed); a client retries.
	for try := 0; r.Status >= 500 && try < 5; try++ {
		r = s.Do("POST", "/v1/subscriptions", token, map[string]string{"course_id": courseID})
	}
	if r.Status != http.StatusAccepted {
		s.T.Fatalf("subscribe: %d %s", r.Status, r.Body)
	}
	r.JSON(s.T, &v)
	if v.Status != subscribe.StatusPending || r.Header.Get("Location") != "/v1/subscriptions/"+v.ID {
		s.T.Fatalf("subscribe answered %s %+v", r.Body, r.Header)
	}
	return v
}

// settled waits until the subscription leaves pending; sweep also runs the
// sweeper while waiting (as Cloud Scheduler would).
func (s *stack) settled(token, id string, sweep bool) subView {
	s.T.Helper()
	var v subView
	s.Eventually("subscription "+id+" settles", wait, func() bool {
		if sweep {
			s.Do("POST", s.PushPath("subscribe-sweep"), "", tick())
		}
		s.Must(200, "GET", "/v1/subscriptions/"+id, token, nil).JSON(s.T, &v)
		return v.Status != subscribe.StatusPending
	})
	return v
}

var ticks int

func tick() map[string]any {
	ticks++
	id := fmt.Sprintf("tick-%d-%d", time.Now().UnixNano(), ticks)
	return map[string]any{"message": map[string]any{"data": "e30=", "messageId": id,
		"attributes": map[string]string{events.AttrEventID: id, events.AttrType: "scheduler.tick"}}, "subscription": "s"}
}

// subscriberCount is the course's subscriber count once it has settled:
// the count follows subscription events, which arrive asynchronously, so it
// is read until it equals the subscriptions the course's learners hold
// active (or the wait is over), and the course's page must say the same.
func (s *stack) subscriberCount(courseID string) int64 {
	s.T.Helper()
	read := func() int64 {
		row, err := s.courses.Single().ReadRow(context.Background(), "Courses", spanner.Key{courseID}, []string{"SubscriberCount"})
		if err != nil {
			s.T.Fatal(err)
		}
		var n int64
		if err := row.Columns(&n); err != nil {
			s.T.Fatal(err)
		}
		return n
	}
	active := func() int64 {
		return s.count(s.subs, "SELECT COUNT(*) FROM Subscriptions WHERE CourseId = @c AND Status IN ('active', 'past_due', 'refunding')",
			map[string]any{"c": courseID})
	}
	deadline := time.Now().Add(wait)
	n := read()
	for n != active() && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		n = read()
	}
	var v struct {
		SubscriberCount int64 `json:"subscriber_count"`
	}
	s.Must(200, "GET", "/v1/courses/"+courseID, "", nil).JSON(s.T, &v)
	if v.SubscriberCount != n {
		s.T.Fatalf("GET /v1/courses/%s shows subscriber_count %d, the database %d", courseID, v.SubscriberCount, n)
	}
	return n
}

func (s *stack) count(db *spanner.Client, sql string, params map[string]any) int64 {
	s.T.Helper()
	var n int64
	err := spanx.Each(db.Single().Query(context.Background(), spanner.Statement{SQL: sql, Params: params}), func(r *spanner.Row) error {
		return r.Columns(&n)
	})
	if err != nil {
		s.T.Fatal(err)
	}
	return n
}

func (s *stack) userCourses(userID string) int64 {
	return s.count(s.users, "SELECT COUNT(*) FROM UserCourses WHERE UserId = @u", map[string]any{"u": userID})
}

func (s *stack) paymentStatus(sagaID string) string {
	s.T.Helper()
	row, err := s.billingDB.Single().ReadRow(context.Background(), "Payments", spanner.Key{billing.PaymentID(sagaID)}, []string{"Status"})
	if spanx.IsNotFound(err) {
		return ""
	}
	if err != nil {
		s.T.Fatal(err)
	}
	var st string
	_ = row.Columns(&st)
	return st
}

// bodies reports whether token sees the course's item bodies.
func (s *stack) bodies(token, courseID string) bool {
	s.T.Helper()
	var l struct {
		Items []struct{ Body string }
	}
	s.Must(200, "GET", "/v1/courses/"+courseID+"/items", token, nil).JSON(s.T, &l)
	return len(l.Items) > 0 && l.Items[0].Body != ""
}

// The happy path: 202 at once, then active; one charge; the course counts
// the subscriber; the learner's courses list it; the learner reads the text
// bodies; cancelling ends it and access stops.
func TestSubscribe_active_whenEveryStepSucceeds(t *testing.T) {
	s := newStack(t)
	courseID := s.course(15_000_000, "IDR")
	learnerID, tok := s.learner("pm_card_visa")
	if s.bodies(tok, courseID) {
		t.Fatal("a learner without a subscription reads bodies")
	}
	sub := s.subscribe(tok, courseID)
	got := s.settled(tok, sub.ID, false)
	if got.Status != subscribe.StatusActive {
		t.Fatalf("subscription %+v, want active", got)
	}
	if tot := s.Stripe.Totals(); tot.Succeeded != 1 || tot.Refunded != 0 {
		t.Fatalf("stripe totals %+v, want one charge", tot)
	}
	if n := s.subscriberCount(courseID); n != 1 {
		t.Fatalf("subscriber count %d, want 1", n)
	}
	if n := s.userCourses(learnerID); n != 1 {
		t.Fatalf("user courses %d, want 1", n)
	}
	if st := s.paymentStatus(sub.ID); st != billing.StatusSucceeded {
		t.Fatalf("payment %q", st)
	}
	s.Eventually("entitled learner reads bodies", wait, func() bool { return s.bodies(tok, courseID) })

	var list struct{ Subscriptions []subView }
	s.Must(200, "GET", "/v1/subscriptions", tok, nil).JSON(t, &list)
	if len(list.Subscriptions) != 1 || list.Subscriptions[0].ID != sub.ID {
		t.Fatalf("my subscriptions %+v", list)
	}
	t.Run("subscribe_409_already_subscribed", func(t *testing.T) {
		s.Must(409, "POST", "/v1/subscriptions", tok, map[string]string{"course_id": courseID})
	})
	t.Run("get_404_someone_elses", func(t *testing.T) {
		_, other := s.learner("")
		s.Must(404, "GET", "/v1/subscriptions/"+sub.ID, other, nil)
	})
	t.Run("subscribe_403_tutor_without_learner_role", func(t *testing.T) {
		s.Must(403, "POST", "/v1/subscriptions", s.tutor, map[string]string{"course_id": courseID})
	})
	t.Run("subscribe_400_no_course", func(t *testing.T) {
		s.Must(400, "POST", "/v1/subscriptions", tok, map[string]string{})
	})

	var ended subView
	s.Must(200, "POST", "/v1/subscriptions/"+sub.ID+"/cancel", tok, nil).JSON(t, &ended)
	if ended.Status != subscribe.StatusEnded {
		t.Fatalf("cancelled %+v", ended)
	}
	s.Eventually("access stops after the subscription ends", wait, func() bool { return !s.bodies(tok, courseID) })
}

// A declined card fails the saga with a reason a person understands: no
// subscription, no charge, no counter change; the learner may try again.
func TestSubscribe_failed_cardDeclined(t *testing.T) {
	s := newStack(t)
	courseID := s.course(1500, "JPY")
	for _, tc := range []struct{ pm, code string }{
		{"pm_card_chargeDeclined", "card_declined"},
		{"pm_card_chargeDeclinedInsufficientFunds", "insufficient_funds"},
		{"pm_card_chargeDeclinedStolenCard", "card_refused"},
		{"", "no_payment_method"},
	} {
		t.Run("subscribe_failed_"+tc.code, func(t *testing.T) {
			learnerID, tok := s.learner(tc.pm)
			sub := s.subscribe(tok, courseID)
			got := s.settled(tok, sub.ID, false)
			if got.Status != subscribe.StatusFailed || got.ReasonCode != tc.code || got.Reason == "" {
				t.Fatalf("subscription %+v, want failed with %s", got, tc.code)
			}
			if n := s.userCourses(learnerID); n != 0 {
				t.Fatalf("user courses %d", n)
			}
			// No live subscription is left behind: a new attempt is accepted.
			s.subscribe(tok, courseID)
		})
	}
	if tot := s.Stripe.Totals(); tot.Succeeded != 0 {
		t.Fatalf("stripe totals %+v, want no charge", tot)
	}
	if n := s.subscriberCount(courseID); n != 0 {
		t.Fatalf("subscriber count %d, want 0", n)
	}
}

// Failures known from the course fail the saga before any money moves.
func TestSubscribe_failed_courseRules(t *testing.T) {
	s := newStack(t)
	var draft struct{ ID string }
	s.Must(201, "POST", "/v1/courses", s.tutor, map[string]any{"title": "Draft", "description": "d",
		"price": map[string]any{"amount": 100, "currency": "USD"}, "billing_interval": "month"}).JSON(t, &draft)
	_, tok := s.learner("pm_card_visa")
	for _, tc := range []struct{ course, code string }{
		{draft.ID, "course_not_published"},
		{"00000000-0000-4000-8000-000000000404", "course_not_found"},
	} {
		sub := s.subscribe(tok, tc.course)
		if got := s.settled(tok, sub.ID, false); got.Status != subscribe.StatusFailed || got.ReasonCode != tc.code {
			t.Fatalf("subscription %+v, want failed with %s", got, tc.code)
		}
	}
	if tot := s.Stripe.Totals(); tot.Succeeded != 0 {
		t.Fatalf("stripe totals %+v", tot)
	}
}

// A failure injected at steps 5, 6 and 7 compensates in reverse: the payment
// is refunded and nothing else changed.
func TestSubscribe_compensated_whenALaterStepFails(t *testing.T) {
	var mu sync.Mutex
	fail := map[string]string{} // course id -> step that fails for it
	s := newStack(t, apitest.FailStep(func(step, courseID string) bool {
		mu.Lock()
		defer mu.Unlock()
		return fail[courseID] == step
	}))
	for _, step := range []string{sagamsg.StepSubscribe, sagamsg.StepCourseUpdate, sagamsg.StepUserUpdateInfo} {
		t.Run("subscribe_failed_at_"+step, func(t *testing.T) {
			courseID := s.course(9900, "MXN")
			mu.Lock()
			fail[courseID] = step
			mu.Unlock()
			learnerID, tok := s.learner("pm_card_visa")
			sub := s.subscribe(tok, courseID)
			got := s.settled(tok, sub.ID, false)
			if got.Status != subscribe.StatusFailed || got.ReasonCode != devstack.CodeInjected {
				t.Fatalf("subscription %+v, want failed (injected)", got)
			}
			if st := s.paymentStatus(sub.ID); st != billing.StatusRefunded {
				t.Fatalf("payment %q, want refunded", st)
			}
			if n := s.subscriberCount(courseID); n != 0 {
				t.Fatalf("subscriber count %d, want 0", n)
			}
			if n := s.userCourses(learnerID); n != 0 {
				t.Fatalf("user courses %d, want 0", n)
			}
			if n := s.count(s.subs, "SELECT COUNT(*) FROM Subscriptions WHERE SubscriptionId = @id AND PaymentId IS NOT NULL",
				map[string]any{"id": sub.ID}); n != 0 {
				t.Fatal("the subscription still holds its payment")
			}
			if s.bodies(tok, courseID) {
				t.Fatal("a compensated subscription grants access")
			}
		})
	}
	if tot := s.Stripe.Totals(); tot.Succeeded != 3 || tot.Refunded != 3 {
		t.Fatalf("stripe totals %+v, want 3 charges all refunded", tot)
	}
}

// Every command delivered twice: each step runs once and replies the same
// way; one charge, one subscriber.
func TestSubscribe_active_whenEveryCommandIsDeliveredTwice(t *testing.T) {
	s := newStack(t, apitest.DuplicateCommands())
	courseID := s.course(29900, "PHP")
	learnerID, tok := s.learner("pm_card_visa")
	sub := s.subscribe(tok, courseID)
	if got := s.settled(tok, sub.ID, false); got.Status != subscribe.StatusActive {
		t.Fatalf("subscription %+v", got)
	}
	if tot := s.Stripe.Totals(); tot.Succeeded != 1 {
		t.Fatalf("stripe totals %+v, want one charge", tot)
	}
	if n := s.subscriberCount(courseID); n != 1 {
		t.Fatalf("subscriber count %d", n)
	}
	if n := s.userCourses(learnerID); n != 1 {
		t.Fatalf("user courses %d", n)
	}
}

// The whole stack stops right after the saga starts and comes back: the saga
// finishes from its state in Spanner (Pub/Sub redelivery and the sweeper).
func TestSubscribe_active_whenOrchestratorRestartsMidSaga(t *testing.T) {
	s := newStack(t)
	courseID := s.course(1500, "JPY")
	_, tok := s.learner("pm_card_visa")
	sub := s.subscribe(tok, courseID)
	s.Restart(func() { time.Sleep(1500 * time.Millisecond) })
	if got := s.settled(tok, sub.ID, true); got.Status != subscribe.StatusActive {
		t.Fatalf("subscription %+v", got)
	}
	if tot := s.Stripe.Totals(); tot.Succeeded != 1 {
		t.Fatalf("stripe totals %+v", tot)
	}
	if n := s.subscriberCount(courseID); n != 1 {
		t.Fatalf("subscriber count %d", n)
	}
}

// Two concurrent subscribe requests for the same course by the same learner:
// one subscription, one charge.
func TestSubscribe_oneSubscription_whenTwoRequestsRace(t *testing.T) {
	s := newStack(t)
	courseID := s.course(1500, "JPY")
	_, tok := s.learner("pm_card_visa")
	var wg sync.WaitGroup
	statuses := make([]int, 2)
	bodies := make([][]byte, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := s.Do("POST", "/v1/subscriptions", tok, map[string]string{"course_id": courseID})
			// The emulator may lose one of two racing transactions (5xx,
			// nothing committed); a client retries.
			for try := 0; r.Status >= 500 && try < 5; try++ {
				r = s.Do("POST", "/v1/subscriptions", tok, map[string]string{"course_id": courseID})
			}
			statuses[i], bodies[i] = r.Status, r.Body
		}()
	}
	wg.Wait()
	ok := -1
	for i, st := range statuses {
		if st == http.StatusAccepted {
			ok = i
		}
	}
	if ok < 0 || statuses[1-ok] != http.StatusConflict {
		t.Fatalf("statuses %v, want one 202 and one 409", statuses)
	}
	var v subView
	apitest.Response{Body: bodies[ok]}.JSON(t, &v)
	if got := s.settled(tok, v.ID, false); got.Status != subscribe.StatusActive {
		t.Fatalf("subscription %+v", got)
	}
	if tot := s.Stripe.Totals(); tot.Succeeded != 1 {
		t.Fatalf("stripe totals %+v", tot)
	}
	if n := s.subscriberCount(courseID); n != 1 {
		t.Fatalf("subscriber count %d", n)
	}
}
