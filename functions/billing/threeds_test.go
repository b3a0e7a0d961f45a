package billing

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/kwipper/kwipper/functions/contract/sagamsg"
	"github.com/kwipper/kwipper/shared/httpx"
	"github.com/kwipper/kwipper/shared/saga"
)

func (e *env) replies() []saga.Reply {
	var out []saga.Reply
	for _, ev := range e.pub.Events(saga.EventReply) {
		var r saga.Reply
		if err := json.Unmarshal(ev.Data, &r); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

func (e *env) recorded(sagaID string) (saga.Reply, bool) {
	e.t.Helper()
	r, ok, err := e.participant.Recorded(context.Background(), e.db.Single(), sagaID, sagamsg.StepPayment, saga.Do)
	if err != nil {
		e.t.Fatal(err)
	}
	return r, ok
}

// A first payment whose bank asks for 3-D Secure waits for the learner: the
// step answers a progress reply (pending until the deadline) and records
// nothing; the learner gets the PaymentIntent's client secret; once they
// authenticated, the webhook finishes the step (once, however often it is
// delivered) and the card is charged once. One never authenticated fails at
// the deadline like a decline, and the compensation cancels its
// PaymentIntent so it can no longer be paid.
func TestPayment_threeDSecure_waitsForTheLearner(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	srv := httptest.NewServer(httpx.Handler(e.svc.webhook))
	defer srv.Close()
	e.fake.SetWebhookURL(srv.URL)
	e.customer("u7", "pm_card_authenticationRequired")

	paid := "00000000-0000-4000-8000-000000000071"
	for range 2 { // a redelivered command before the deadline waits as well
		if err := e.participant.Handle(ctx, payCommand(paid, "u7"), e.step()); err != nil {
			t.Fatal(err)
		}
	}
	p := e.payment(PaymentID(paid))
	if p.Status != StatusActionRequired || p.PaymentIntentID == "" || !p.ActionDeadline.After(e.clock()) {
		t.Fatalf("payment %+v, want requires_action with a deadline", p)
	}
	if _, ok := e.recorded(paid); ok {
		t.Fatal("a waiting step was recorded")
	}
	rs := e.replies()
	if len(rs) != 2 || !rs[0].Pending || rs[0].Code != "authentication_required" || !rs[0].Until.Equal(p.ActionDeadline) {
		t.Fatalf("replies %+v, want two progress replies", rs)
	}
	act := e.action("u7", p.ID)
	if act.ClientSecret == "" || act.Status != "requires_action" || act.NextAction != "use_stripe_sdk" || act.ExpiresAt == nil {
		t.Fatalf("action %+v", act)
	}
	t.Run("action_404_not_mine", func(t *testing.T) {
		if code := e.actionStatus("u8", p.ID); code != http.StatusNotFound {
			t.Fatalf("another learner's payment: %d", code)
		}
	})

	if !e.fake.Authenticate(p.PaymentIntentID, true) {
		t.Fatal("nothing waited at the fake")
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, ok := e.recorded(paid); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the webhook did not finish the step")
		}
		time.Sleep(20 * time.Millisecond)
	}
	r, _ := e.recorded(paid)
	if !r.OK || e.payment(p.ID).Status != StatusSucceeded {
		t.Fatalf("step %+v payment %+v", r, e.payment(p.ID))
	}
	// Every event again (Stripe redelivers): nothing changes.
	for _, ev := range e.fake.Events() {
		if err := e.fake.Deliver(srv.URL, ev.Body); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.participant.Handle(ctx, payCommand(paid, "u7"), e.step()); err != nil {
		t.Fatal(err)
	}
	if got := e.replies(); len(got) != 4 || got[2].Pending || !got[2].OK || !got[3].OK {
		t.Fatalf("replies %+v, want the final reply once and again for the redelivered command", got)
	}
	if code := e.actionStatus("u7", p.ID); code != http.StatusConflict {
		t.Fatalf("action of a paid payment: %d", code)
	}

	late := "00000000-0000-4000-8000-000000000072"
	if err := e.participant.Handle(ctx, payCommand(late, "u7"), e.step()); err != nil {
		t.Fatal(err)
	}
	lp := e.payment(PaymentID(late))
	e.advance(DefaultActionTimeout + time.Second)
	if err := e.participant.Handle(ctx, payCommand(late, "u7"), e.step()); err != nil {
		t.Fatal(err)
	}
	if r, ok := e.recorded(late); !ok || r.OK || r.Code != CodeActionTimedOut {
		t.Fatalf("step after the deadline %+v %v", r, ok)
	}
	undo := payCommand(late, "u7")
	undo.Kind = saga.Undo
	if err := e.participant.Handle(ctx, undo, saga.Step{Prepare: e.svc.prepareRefund, Apply: e.svc.store.applyRefund, AlwaysUndo: true}); err != nil {
		t.Fatal(err)
	}
	if e.fake.Authenticate(lp.PaymentIntentID, true) {
		t.Fatal("the learner could still pay a payment given up on")
	}
	if got := e.payment(lp.ID); got.Status != StatusFailed || got.FailureCode != CodeActionTimedOut {
		t.Fatalf("payment given up on %+v", got)
	}
	if tot := e.fake.Totals(); tot.Succeeded != 1 || tot.Refunded != 0 {
		t.Fatalf("stripe totals %+v, want one charge", tot)
	}
}

func (e *env) actionStatus(user, id string) int {
	e.t.Helper()
	code, _ := e.callPath(e.svc.paymentAction, user, "paymentId", id)
	return code
}

func (e *env) action(user, id string) ActionView {
	e.t.Helper()
	code, body := e.callPath(e.svc.paymentAction, user, "paymentId", id)
	if code != http.StatusOK {
		e.t.Fatalf("action: %d %s", code, body)
	}
	var v ActionView
	if err := json.Unmarshal(body, &v); err != nil {
		e.t.Fatal(err)
	}
	return v
}
