package course_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/contract/sagamsg"
	"github.com/kwipper/kwipper/functions/contract/subscribemsg"
	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/saga"
)

// command delivers a saga command to a course step function.
func (e *env) command(function, sagaID, step, kind, courseID string) {
	e.t.Helper()
	b, _ := json.Marshal(saga.Command{SagaID: sagaID, Step: step, Kind: kind, Attempt: 1, UserID: learner, CourseID: courseID})
	expect(e.t, e.push(function, sagaID+"/"+kind+"/"+function, saga.EventCommand, b), http.StatusNoContent)
}

// replies returns the saga replies published so far.
func (e *env) replies() []saga.Reply {
	e.t.Helper()
	out, err := events.Decoded[saga.Reply](e.pub, saga.EventReply)
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

func (e *env) subscribers(courseID string) int64 {
	e.t.Helper()
	row, err := e.db.Single().ReadRow(context.Background(), "Courses", spanner.Key{courseID}, []string{"SubscriberCount"})
	if err != nil {
		e.t.Fatal(err)
	}
	var n int64
	_ = row.Columns(&n)
	return n
}

// The course's saga steps: get-info tells the course's price and status;
// update-info makes the subscription pending on the course (not counted yet)
// and replies the same way however often it is delivered; the activation
// counts it once; revert-info uncounts it once, and the ended event after it
// changes nothing; an undo that arrives before its do makes the late do
// change nothing.
func TestSagaSteps_countSubscriberOnce_andRevert(t *testing.T) {
	e := newEnv(t)
	c := e.createCourse(e.tutor(tutorA), "Saga")
	const s1, s2 = "00000000-0000-4000-8000-0000000000s1", "00000000-0000-4000-8000-0000000000s2"

	e.command("course-saga-get-info", s1, sagamsg.StepCourseGetInfo, saga.Do, c.ID)
	r := e.replies()
	var info sagamsg.CourseInfo
	if len(r) != 1 || !r[0].OK || json.Unmarshal(r[0].Data, &info) != nil || info.TutorID != tutorA || info.Price != c.Price || info.Status != "draft" {
		t.Fatalf("get-info replied %+v (%+v)", r, info)
	}
	e.command("course-saga-get-info", s2, sagamsg.StepCourseGetInfo, saga.Do, "no-such-course")
	if r := e.replies(); r[len(r)-1].OK || r[len(r)-1].Code != "course_not_found" {
		t.Fatalf("get-info of a missing course replied %+v", r[len(r)-1])
	}

	for range 2 {
		e.command("course-saga-update-info", s1, sagamsg.StepCourseUpdate, saga.Do, c.ID)
	}
	if n := e.subscribers(c.ID); n != 0 {
		t.Fatalf("subscribers %d while the subscription is pending, want 0", n)
	}
	r = e.replies()
	if a, b := r[len(r)-2], r[len(r)-1]; !a.OK || a.Step != b.Step || a.Kind != b.Kind || a.OK != b.OK {
		t.Fatalf("redelivery replied differently: %+v %+v", a, b)
	}
	event := func(id, typ string) {
		b, _ := json.Marshal(subscribemsg.EventData{SubscriptionID: s1, UserID: learner, CourseID: c.ID})
		expect(t, e.push("course-on-subscription-event", id, typ, b), http.StatusNoContent)
	}
	event("act-1", subscribemsg.EventActivated)
	event("act-1", subscribemsg.EventActivated)
	event("act-2", subscribemsg.EventActivated) // published twice
	if n := e.subscribers(c.ID); n != 1 {
		t.Fatalf("subscribers %d once active, want 1", n)
	}
	for range 2 {
		e.command("course-saga-revert-info", s1, sagamsg.StepCourseUpdate, saga.Undo, c.ID)
	}
	if n := e.subscribers(c.ID); n != 0 {
		t.Fatalf("subscribers %d after revert, want 0", n)
	}
	event("end-1", subscribemsg.EventEnded)
	if n := e.subscribers(c.ID); n != 0 {
		t.Fatalf("subscribers %d after the ended event that follows a refund's revert, want 0", n)
	}

	// Undo first (the orchestrator gave up on the do), then the late do.
	e.command("course-saga-revert-info", s2, sagamsg.StepCourseUpdate, saga.Undo, c.ID)
	e.command("course-saga-update-info", s2, sagamsg.StepCourseUpdate, saga.Do, c.ID)
	if n := e.subscribers(c.ID); n != 0 {
		t.Fatalf("subscribers %d: a do after its undo applied", n)
	}
	if r := e.replies(); r[len(r)-1].OK || r[len(r)-1].Code != saga.CodeCancelled {
		t.Fatalf("late do replied %+v", r[len(r)-1])
	}
}

// Learners read a course's text bodies while their subscription is active:
// the projection follows subscription-events once per event, in any order.
func TestEntitlement_followsSubscriptionEvents(t *testing.T) {
	e := newEnv(t)
	tok := e.tutor(tutorA)
	c := e.createCourse(tok, "Entitled")
	e.addText(tok, c.ID, "Lesson")
	expect(t, e.do("POST", "/v1/courses/"+c.ID+"/publish", tok, nil), http.StatusOK)
	learnerTok := e.token(learner, auth.Learner)
	bodies := func() bool { return e.items(learnerTok, c.ID)[0].Body != "" }
	event := func(id, typ, sub string) {
		b, _ := json.Marshal(subscribemsg.EventData{SubscriptionID: sub, UserID: learner, CourseID: c.ID})
		expect(t, e.push("course-on-subscription-event", id, typ, b), http.StatusNoContent)
	}
	if bodies() {
		t.Fatal("bodies before any subscription")
	}
	event("ev-1", subscribemsg.EventActivated, "sub-1")
	event("ev-1", subscribemsg.EventActivated, "sub-1")
	if !bodies() {
		t.Fatal("no bodies for an active subscriber")
	}
	if e.items("", c.ID)[0].Body != "" || e.items(e.token(tutorB, auth.Learner), c.ID)[0].Body != "" {
		t.Fatal("bodies leak to others")
	}
	event("ev-2", subscribemsg.EventEnded, "sub-1")
	if bodies() {
		t.Fatal("bodies after the subscription ended")
	}
	// Out of order: sub-2 ends before its activation arrives.
	event("ev-3", subscribemsg.EventEnded, "sub-2")
	event("ev-4", subscribemsg.EventActivated, "sub-2")
	if bodies() {
		t.Fatal("a late activation re-granted an ended subscription")
	}
	expect(t, e.push("course-on-subscription-event", "ev-5", subscribemsg.EventActivated, []byte(`{"user_id":1}`)), http.StatusBadRequest)
}
