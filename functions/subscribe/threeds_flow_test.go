package subscribe_test

import (
	"github.com/kwipper/kwipper/shared/billingcal"
	"testing"
	"time"

	"github.com/kwipper/kwipper/functions/devstack/apitest"
	"github.com/kwipper/kwipper/functions/subscribe"
)

type actionSub struct {
	Status     string `json:"status"`
	ReasonCode string `json:"reason_code"`
	Action     *struct {
		PaymentID string    `json:"payment_id"`
		ExpiresAt time.Time `json:"expires_at"`
	} `json:"action"`
}

type paymentAction struct {
	PaymentIntentID string `json:"payment_intent_id"`
	Status          string `json:"status"`
	ClientSecret    string `json:"client_secret"`
	NextAction      string `json:"next_action"`
}

// 3-D Secure on the first payment, through the whole stack: the saga waits
// (pending, with the payment to authenticate and its deadline); the learner
// gets the PaymentIntent's client secret from Billing; once they
// authenticated, the webhook finishes the payment step and the subscription
// activates, charged once however often Stripe redelivers. A learner who
// never authenticates fails at the deadline like a decline (compensated;
// the PaymentIntent cancelled, so nothing can be charged later).
func TestSubscribe_threeDSecure_waitsForTheLearner(t *testing.T) {
	s := newStack(t, apitest.Setenv("KW_PAYMENT_ACTION_TIMEOUT", "10s"))
	courseID := s.course(1500, "JPY")
	payerID, payer := s.learner("pm_card_authenticationRequired")
	_, idle := s.learner("pm_card_authenticationRequired")
	paying, idling := s.subscribe(payer, courseID), s.subscribe(idle, courseID)

	waiting := func(tok, id string) actionSub {
		var v actionSub
		s.Eventually("the saga waits for the learner", wait, func() bool {
			s.Must(200, "GET", "/v1/subscriptions/"+id, tok, nil).JSON(t, &v)
			return v.Action != nil
		})
		if v.Status != subscribe.StatusPending || v.ReasonCode != "authentication_required" || v.Action.ExpiresAt.IsZero() {
			t.Fatalf("waiting subscription %+v", v)
		}
		return v
	}
	pv := waiting(payer, paying.ID)
	var act paymentAction
	s.Must(200, "GET", "/v1/billing/payments/"+pv.Action.PaymentID+"/action", payer, nil).JSON(t, &act)
	if act.ClientSecret == "" || act.Status != "requires_action" || act.NextAction != "use_stripe_sdk" {
		t.Fatalf("payment action %+v", act)
	}
	s.Must(404, "GET", "/v1/billing/payments/"+pv.Action.PaymentID+"/action", idle, nil)
	if !s.Stripe.Authenticate(act.PaymentIntentID, true) {
		t.Fatal("nothing waited at the fake")
	}
	if got := s.settled(payer, paying.ID, false); got.Status != subscribe.StatusActive {
		t.Fatalf("after authenticating: %+v", got)
	}
	var active actionSub
	s.Must(200, "GET", "/v1/subscriptions/"+paying.ID, payer, nil).JSON(t, &active)
	if active.Action != nil || active.ReasonCode != "" {
		t.Fatalf("an active subscription still asks for action: %+v", active)
	}

	iv := waiting(idle, idling.ID)
	var idleAct paymentAction
	s.Must(200, "GET", "/v1/billing/payments/"+iv.Action.PaymentID+"/action", idle, nil).JSON(t, &idleAct)
	if got := s.settled(idle, idling.ID, true); got.Status != subscribe.StatusFailed || got.ReasonCode != "authentication_timed_out" {
		t.Fatalf("never authenticated: %+v", got)
	}
	if s.Stripe.Authenticate(idleAct.PaymentIntentID, true) {
		t.Fatal("the learner could still pay after the deadline")
	}

	// Stripe redelivers everything: nothing more is charged or activated.
	for _, ev := range s.Stripe.Events() {
		if err := s.Stripe.Deliver(s.Cfg.BaseURL+"/v1/billing/webhook", ev.Body); err != nil {
			t.Fatal(err)
		}
	}
	if tot := s.Stripe.Totals(); tot.Succeeded != 1 || tot.Refunded != 0 {
		t.Fatalf("stripe totals %+v, want one charge", tot)
	}
	if n := s.userCourses(payerID); n != 1 {
		t.Fatalf("payer's courses %d", n)
	}
	if n := s.subscriberCount(courseID); n != 1 {
		t.Fatalf("subscriber count %d, want 1", n)
	}
}

// 3-D Secure at renewal: the off-session charge is declined for
// authentication; the subscription is past due asking the learner to
// confirm (the payment to authenticate, until the last retry), and no retry
// is charged meanwhile. The learner who authenticates pays the period (the
// webhook's late success renews it); the one who never does gets the last
// attempt, which first cancels the earlier PaymentIntent (never two charges
// for a period), is asked again and ends the subscription.
func TestRecurring_threeDSecure_learnerConfirmsRenewal(t *testing.T) {
	s := newStack(t)
	courseID := s.course(1500, "JPY")
	type learner struct{ tok, sub string }
	mk := func() learner {
		_, tok := s.learner("pm_card_visa")
		sub := s.subscribe(tok, courseID)
		if got := s.settled(tok, sub.ID, false); got.Status != subscribe.StatusActive {
			t.Fatalf("subscription %+v", got)
		}
		s.Must(201, "POST", "/v1/billing/payment-methods", tok, map[string]string{"payment_method_id": "pm_card_authenticationRequired"})
		return learner{tok, sub.ID}
	}
	confirms, ignores := mk(), mk()
	day := func(l learner, days int) time.Time {
		return billingcal.PeriodEnd(s.rec(l.sub).Anchor, billingcal.Month, 1).AddDate(0, 0, days).Add(time.Hour)
	}
	s.cycle(day(confirms, 0))
	s.cycle(day(ignores, 0))
	acts := map[string]paymentAction{}
	for _, l := range []learner{confirms, ignores} {
		r := s.waitRec("asked to authenticate", l.sub, func(r recRow) bool { return r.Failures == 4 })
		if r.Status != subscribe.StatusPastDue || r.Code != subscribe.CodeAuthRequired {
			t.Fatalf("after the renewal asked for authentication: %+v", r)
		}
		var v actionSub
		s.Must(200, "GET", "/v1/subscriptions/"+l.sub, l.tok, nil).JSON(t, &v)
		if v.Action == nil || v.Action.PaymentID == "" || !v.Action.ExpiresAt.Equal(day(l, 7).Add(-time.Hour)) {
			t.Fatalf("past-due subscription's action %+v", v.Action)
		}
		var act paymentAction
		s.Must(200, "GET", "/v1/billing/payments/"+v.Action.PaymentID+"/action", l.tok, nil).JSON(t, &act)
		if act.ClientSecret == "" || act.Status != "requires_payment_method" {
			t.Fatalf("renewal payment action %+v", act)
		}
		acts[l.sub] = act
	}
	if !s.Stripe.Authenticate(acts[confirms.sub].PaymentIntentID, true) {
		t.Fatal("the fake had nothing to confirm")
	}
	c := s.waitRec("the confirmed renewal pays the period", confirms.sub, func(r recRow) bool { return r.Period == 1 })
	if c.Status != subscribe.StatusActive || c.Failures != 0 || c.Code != "" {
		t.Fatalf("after confirming: %+v", c)
	}
	var v actionSub
	s.Must(200, "GET", "/v1/subscriptions/"+confirms.sub, confirms.tok, nil).JSON(t, &v)
	if v.Action != nil {
		t.Fatalf("a renewed subscription still asks for action: %+v", v.Action)
	}
	for _, d := range []int{1, 3, 5, 7} {
		s.cycle(day(ignores, d))
	}
	n := s.waitRec("never confirmed: ended", ignores.sub, func(r recRow) bool { return r.Status == subscribe.StatusEnded })
	if n.Code != subscribe.CodePaymentFailed {
		t.Fatalf("never confirmed: %+v", n)
	}
	if s.Stripe.Authenticate(acts[ignores.sub].PaymentIntentID, true) {
		t.Fatal("the learner could still pay the cancelled renewal")
	}
	// 2 first payments + the confirmed renewal; nothing else charged.
	if tot := s.Stripe.Totals(); tot.Succeeded != 3 || tot.Refunded != 0 {
		t.Fatalf("stripe totals %+v", tot)
	}
}
