package subscribe_test

import (
	"testing"
	"time"

	"github.com/kwipper/kwipper/functions/subscribe"
	"github.com/kwipper/kwipper/shared/billingcal"
)

// wallet is GET /v1/billing/payment-methods as a client reads it.
type wallet struct {
	Default string `json:"default_payment_method_id"`
	Methods []struct {
		ID       string `json:"id"`
		Last4    string `json:"last4"`
		Status   string `json:"status"`
		Unusable string `json:"unusable_code"`
	} `json:"payment_methods"`
}

// A hard decline at renewal (a card reported stolen or lost after it was
// saved) stops retrying at once: the subscription is past due asking for
// another method, the dunning days in between charge nothing, and the last
// attempt charges the learner's other card (renewed) or, with none left,
// ends the subscription. Stripe sees one decline per refused card.
func TestRecurring_hardDeclineStopsRetrying(t *testing.T) {
	s := newStack(t)
	courseID := s.course(150_000, "MXN")
	type learner struct{ tok, sub, visa string }
	mk := func(refused string, keepVisa bool) learner {
		_, tok := s.learner("pm_card_visa")
		var w wallet
		s.Must(200, "GET", "/v1/billing/payment-methods", tok, nil).JSON(t, &w)
		l := learner{tok: tok, visa: w.Default}
		sub := s.subscribe(tok, courseID)
		if got := s.settled(tok, sub.ID, false); got.Status != subscribe.StatusActive {
			t.Fatalf("subscription %+v, want active", got)
		}
		l.sub = sub.ID
		s.Must(201, "POST", "/v1/billing/payment-methods", tok, map[string]string{"payment_method_id": refused})
		if !keepVisa {
			s.Must(204, "DELETE", "/v1/billing/payment-methods/"+l.visa, tok, nil)
		}
		return l
	}
	other := mk("pm_card_chargeDeclinedStolenCard", true)
	alone := mk("pm_card_chargeDeclinedLostCard", false)

	day := func(l learner, days int) time.Time {
		return billingcal.PeriodEnd(s.rec(l.sub).Anchor, billingcal.Month, 1).AddDate(0, 0, days).Add(time.Hour)
	}
	s.cycle(day(other, 0))
	s.cycle(day(alone, 0))
	for _, l := range []learner{other, alone} {
		r := s.waitRec("hard decline: past due asking for a method", l.sub, func(r recRow) bool { return r.Failures == 4 })
		if r.Status != subscribe.StatusPastDue || r.Code != subscribe.CodeMethodRequired || r.Period != 0 {
			t.Fatalf("after the hard decline: %+v", r)
		}
	}
	if !s.bodies(alone.tok, courseID) {
		t.Fatal("a past-due learner lost access before the last attempt")
	}
	var w wallet
	s.Must(200, "GET", "/v1/billing/payment-methods", other.tok, nil).JSON(t, &w)
	if w.Default != other.visa || len(w.Methods) != 2 || w.Methods[0].Status != "unusable" || w.Methods[0].Unusable != "stolen_card" {
		t.Fatalf("wallet after the stolen card's decline: %+v", w)
	}
	// The dunning days in between: nothing is charged, nothing changes.
	for _, d := range []int{1, 3, 5} {
		s.cycle(day(other, d))
		s.cycle(day(alone, d))
	}
	s.cycle(day(other, 7))
	s.cycle(day(alone, 7))
	r := s.waitRec("the other card pays the last attempt", other.sub, func(r recRow) bool { return r.Period == 1 })
	if r.Status != subscribe.StatusActive || r.Failures != 0 {
		t.Fatalf("other after the last attempt: %+v", r)
	}
	a := s.waitRec("no card left: ended", alone.sub, func(r recRow) bool { return r.Status == subscribe.StatusEnded })
	if a.Code != subscribe.CodePaymentFailed {
		t.Fatalf("alone after the last attempt: %+v", a)
	}
	s.Eventually("ended learner loses access", wait, func() bool { return !s.bodies(alone.tok, courseID) })
	// 2 first payments + the last attempt on the other card; one decline per refused card.
	if tot := s.Stripe.Totals(); tot.Succeeded != 3 || tot.Declined != 2 {
		t.Fatalf("stripe totals %+v", tot)
	}
	if got := s.count(s.subs, "SELECT COUNT(*) FROM Renewals", nil); got != 4 {
		t.Fatalf("%d renewal attempts, want 2 per learner (the first and the last)", got)
	}
}
