package subscribe_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/billing"
	"github.com/kwipper/kwipper/functions/devstack"
	"github.com/kwipper/kwipper/functions/subscribe"
	"github.com/kwipper/kwipper/shared/billingcal"
	"github.com/kwipper/kwipper/shared/events"
)

// The course's subscriber count equals its active subscriptions after every
// way a subscription starts or ends: subscribe, cancel, cancel at period end,
// dunning that runs out, a refund within the window, a refund made in
// Stripe's dashboard; and every subscription event delivered again changes
// nothing.
func TestSubscriberCount_followsEveryStartAndEnd(t *testing.T) {
	s := newStack(t)
	courseID := s.course(19900, "MXN")
	ctx := context.Background()
	activeSubs := func() int64 {
		return s.count(s.subs, "SELECT COUNT(*) FROM Subscriptions WHERE CourseId = @c AND Status IN ('active', 'past_due')",
			map[string]any{"c": courseID})
	}
	settles := func(what string, want int64) {
		t.Helper()
		s.Eventually(what, wait, func() bool { return activeSubs() == want && s.subscriberCount(courseID) == want })
	}
	_, cancelTok, cancelSub := s.active(courseID)
	_, atEndTok, atEndSub := s.active(courseID)
	_, dunTok, dunSub := s.active(courseID)
	_, refundTok, refundSub := s.active(courseID)
	_, _, dashSub := s.active(courseID)
	_, _, _ = s.active(courseID) // stays
	settles("six subscribers counted", 6)

	s.Must(http.StatusOK, "POST", "/v1/subscriptions/"+cancelSub+"/cancel", cancelTok, nil)
	settles("cancel uncounts", 5)

	s.Must(http.StatusAccepted, "POST", "/v1/subscriptions/"+refundSub+"/refund", refundTok, nil)
	s.settled(refundTok, refundSub, true)
	s.Eventually("refund ends it", wait, func() bool { return s.rec(refundSub).Status == subscribe.StatusEnded })
	settles("refund uncounts once", 4)

	// A refund made in Stripe's dashboard: billing hears it by webhook,
	// subscribe ends the subscription.
	row, err := s.billingDB.Single().ReadRow(ctx, "Payments", spanner.Key{billing.PaymentID(dashSub)}, []string{"PaymentIntentId"})
	if err != nil {
		t.Fatal(err)
	}
	var pi string
	if err := row.Columns(&pi); err != nil {
		t.Fatal(err)
	}
	if _, err := billing.NewGateway(devstack.StripeKey, s.Stripe.URL).Refund(ctx, "dashboard-"+dashSub, pi); err != nil {
		t.Fatal(err)
	}
	settles("dashboard refund uncounts", 3)

	// Cancel at period end, and a card that keeps declining, both end at
	// the cycle.
	s.Must(http.StatusOK, "POST", "/v1/subscriptions/"+atEndSub+"/cancel-at-period-end", atEndTok, nil)
	s.Must(http.StatusCreated, "POST", "/v1/billing/payment-methods", dunTok, map[string]string{"payment_method_id": "pm_card_chargeDeclined"})
	end := billingcal.PeriodEnd(s.rec(dunSub).Anchor, billingcal.Month, 1)
	if e := billingcal.PeriodEnd(s.rec(atEndSub).Anchor, billingcal.Month, 1); e.After(end) {
		end = e
	}
	s.cycle(end.Add(time.Hour))
	s.waitRec("cancelled at period end", atEndSub, func(r recRow) bool { return r.Status == subscribe.StatusEnded })
	settles("period end uncounts", 2) // dunning keeps access while past due
	for i, d := range []int{1, 3, 5, 7} {
		s.cycle(end.AddDate(0, 0, d).Add(time.Hour))
		s.waitRec("dunning retry", dunSub, func(r recRow) bool { return r.Failures == int64(i+2) || r.Status == subscribe.StatusEnded })
	}
	s.waitRec("dunning ends it", dunSub, func(r recRow) bool { return r.Status == subscribe.StatusEnded })
	settles("dunning end uncounts", 1)

	// Every subscription event published again: counted once per
	// transition, still.
	n, err := events.Replay(ctx, s.subs, time.Time{})
	if err != nil || n == 0 {
		t.Fatalf("replay: %d events, %v", n, err)
	}
	s.Must(http.StatusNoContent, "POST", s.PushPath("subscribe-outbox-relay"), "", tick())
	s.Eventually("replayed events delivered", wait, func() bool {
		return s.count(s.subs, "SELECT COUNT(*) FROM Outbox WHERE Pending = TRUE", nil) == 0
	})
	time.Sleep(2 * time.Second) // let the pushes land
	if got := s.subscriberCount(courseID); got != 1 || activeSubs() != 1 {
		t.Fatalf("after every event again: count %d, active %d, want 1 and 1", got, activeSubs())
	}
}
