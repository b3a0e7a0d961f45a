package subscribe_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kwipper/kwipper/functions/billing"
	"github.com/kwipper/kwipper/functions/devstack/apitest"
	"github.com/kwipper/kwipper/functions/subscribe"
	"github.com/kwipper/kwipper/shared/billingcal"
)

// active subscribes a learner with a good card to courseID and waits until
// the subscription is active and its bodies are readable.
func (s *stack) active(courseID string) (learnerID, tok, subID string) {
	s.T.Helper()
	learnerID, tok = s.learner("pm_card_visa")
	sub := s.subscribe(tok, courseID)
	if got := s.settled(tok, sub.ID, false); got.Status != subscribe.StatusActive {
		s.T.Fatalf("subscription %+v, want active", got)
	}
	s.Eventually("entitled learner reads bodies", wait, func() bool { return s.bodies(tok, courseID) })
	return learnerID, tok, sub.ID
}

// A refund within the window runs the refund saga: 202 (refunding) at once;
// the payment is refunded at Stripe, the subscription ends (refunded), the
// course no longer counts the learner, the learner's courses no longer list
// it and the bodies are no longer readable. Another learner's request is
// answered as for an unknown subscription (404: ids do not leak), and asking
// twice refunds once (409 naming the state, while refunding and once
// refunded).
func TestRefund_withinWindow(t *testing.T) {
	s := newStack(t)
	courseID := s.course(15_000_000, "IDR")
	learnerID, tok, subID := s.active(courseID)

	t.Run("refund_404_not_the_owner", func(t *testing.T) {
		_, other := s.learner("")
		s.Must(404, "POST", "/v1/subscriptions/"+subID+"/refund", other, nil)
	})
	t.Run("refund_404_unknown", func(t *testing.T) {
		s.Must(404, "POST", "/v1/subscriptions/00000000-0000-4000-8000-000000000404/refund", tok, nil)
	})

	var v subView
	s.Must(http.StatusAccepted, "POST", "/v1/subscriptions/"+subID+"/refund", tok, nil).JSON(t, &v)
	if v.ID != subID || v.Status != subscribe.StatusRefunding {
		t.Fatalf("refund answered %+v, want refunding", v)
	}
	if r := s.Do("POST", "/v1/subscriptions/"+subID+"/refund", tok, nil); r.Status != http.StatusConflict {
		t.Fatalf("second refund: %d %s, want 409", r.Status, r.Body)
	}
	var got subView
	s.Eventually("the refund completes", wait, func() bool {
		s.Must(200, "GET", "/v1/subscriptions/"+subID, tok, nil).JSON(t, &got)
		return got.Status != subscribe.StatusRefunding
	})
	if got.Status != subscribe.StatusEnded || got.ReasonCode != "refunded" || got.Reason == "" {
		t.Fatalf("subscription %+v, want ended (refunded)", got)
	}
	if tot := s.Stripe.Totals(); tot.Succeeded != 1 || tot.Refunded != 1 {
		t.Fatalf("stripe totals %+v, want one charge, refunded", tot)
	}
	if st := s.paymentStatus(subID); st != billing.StatusRefunded {
		t.Fatalf("payment %q, want refunded", st)
	}
	if n := s.subscriberCount(courseID); n != 0 {
		t.Fatalf("subscriber count %d, want 0", n)
	}
	if n := s.userCourses(learnerID); n != 0 {
		t.Fatalf("user courses %d, want 0", n)
	}
	s.Eventually("access stops after the refund", wait, func() bool { return !s.bodies(tok, courseID) })

	t.Run("refund_409_already_refunded", func(t *testing.T) {
		s.Must(409, "POST", "/v1/subscriptions/"+subID+"/refund", tok, nil)
		if tot := s.Stripe.Totals(); tot.Refunded != 1 {
			t.Fatalf("stripe totals %+v, want one refund", tot)
		}
	})
	// "Already ended" has one answer: the subscription is the owner's to
	// read (200), and every change its state does not allow is 409 naming
	// the state, never a 404 or a 200 that did nothing.
	t.Run("ended_409_with_state_for_every_change", func(t *testing.T) {
		s.Must(200, "GET", "/v1/subscriptions/"+subID, tok, nil)
		for _, action := range []string{"cancel", "cancel-at-period-end", "resume", "refund"} {
			r := s.Must(409, "POST", "/v1/subscriptions/"+subID+"/"+action, tok, nil)
			var e struct {
				Error struct {
					Details map[string]string `json:"details"`
				} `json:"error"`
			}
			r.JSON(t, &e)
			if e.Error.Details["state"] != "ended" || e.Error.Details["reason_code"] != "refunded" {
				t.Errorf("%s on a refunded subscription: %s", action, r.Body)
			}
		}
		_, other := s.learner("")
		s.Must(404, "POST", "/v1/subscriptions/"+subID+"/cancel", other, nil)
	})
	t.Run("subscribe_again_after_refund", func(t *testing.T) {
		s.subscribe(tok, courseID)
	})
}

// Every refund command delivered twice: each compensation runs once; one
// refund, the subscriber count back to 0 (not below).
func TestRefund_once_whenEveryCommandIsDeliveredTwice(t *testing.T) {
	s := newStack(t, apitest.DuplicateCommands())
	courseID := s.course(29900, "PHP")
	learnerID, tok, subID := s.active(courseID)
	s.Must(http.StatusAccepted, "POST", "/v1/subscriptions/"+subID+"/refund", tok, nil)
	var got subView
	s.Eventually("the refund completes", wait, func() bool {
		s.Must(200, "GET", "/v1/subscriptions/"+subID, tok, nil).JSON(t, &got)
		return got.Status == subscribe.StatusEnded
	})
	if tot := s.Stripe.Totals(); tot.Succeeded != 1 || tot.Refunded != 1 {
		t.Fatalf("stripe totals %+v, want one charge, one refund", tot)
	}
	if n := s.subscriberCount(courseID); n != 0 {
		t.Fatalf("subscriber count %d, want 0", n)
	}
	if n := s.userCourses(learnerID); n != 0 {
		t.Fatalf("user courses %d, want 0", n)
	}
}

// Outside the refund window the request is 409 with the reason, and nothing
// changes: still active, no refund, still counted, still readable.
func TestRefund_409_outsideWindow(t *testing.T) {
	s := newStack(t, apitest.Setenv("KW_REFUND_WINDOW", "1ms"))
	courseID := s.course(1500, "JPY")
	learnerID, tok, subID := s.active(courseID)
	time.Sleep(5 * time.Millisecond)
	r := s.Do("POST", "/v1/subscriptions/"+subID+"/refund", tok, nil)
	if r.Status != http.StatusConflict || !contains(r.Body, "refund window") {
		t.Fatalf("refund outside the window: %d %s, want 409 naming the window", r.Status, r.Body)
	}
	var got subView
	s.Must(200, "GET", "/v1/subscriptions/"+subID, tok, nil).JSON(t, &got)
	if got.Status != subscribe.StatusActive {
		t.Fatalf("subscription %+v, want active", got)
	}
	if tot := s.Stripe.Totals(); tot.Refunded != 0 {
		t.Fatalf("stripe totals %+v, want no refund", tot)
	}
	if n := s.subscriberCount(courseID); n != 1 {
		t.Fatalf("subscriber count %d, want 1", n)
	}
	if n := s.userCourses(learnerID); n != 1 {
		t.Fatalf("user courses %d, want 1", n)
	}
	if !s.bodies(tok, courseID) {
		t.Fatal("access lost after a refused refund")
	}
	t.Run("refund_409_nothing_to_refund", func(t *testing.T) {
		s.Must(200, "POST", "/v1/subscriptions/"+subID+"/cancel", tok, nil)
		r := s.Do("POST", "/v1/subscriptions/"+subID+"/refund", tok, nil)
		if r.Status != http.StatusConflict || !contains(r.Body, "nothing to refund") {
			t.Fatalf("refund of an ended subscription: %d %s", r.Status, r.Body)
		}
	})
}

func contains(b []byte, sub string) bool {
	return len(sub) == 0 || (len(b) >= len(sub) && strings.Contains(string(b), sub))
}

// After a renewal the latest successful charge is the renewal's: the refund
// refunds that payment (not the first period's) and ends the subscription.
func TestRefund_refundsTheLatestPeriodsPayment(t *testing.T) {
	s := newStack(t)
	courseID := s.course(15_000_000, "IDR")
	learnerID, tok, subID := s.active(courseID)
	end1 := billingcal.PeriodEnd(s.rec(subID).Anchor, billingcal.Month, 1)
	s.cycle(end1.Add(time.Hour))
	s.waitRec("the subscription renews", subID, func(r recRow) bool { return r.Period == 1 })
	s.Must(http.StatusAccepted, "POST", "/v1/subscriptions/"+subID+"/refund", tok, nil)
	s.waitRec("the refund completes", subID, func(r recRow) bool { return r.Status == subscribe.StatusEnded && r.Code == "refunded" })
	if tot := s.Stripe.Totals(); tot.Succeeded != 2 || tot.Refunded != 1 {
		t.Fatalf("stripe totals %+v, want two charges, one refunded", tot)
	}
	if st := s.paymentStatus(subID); st != billing.StatusSucceeded {
		t.Fatalf("first period's payment %q, want succeeded (not the latest)", st)
	}
	if n := s.count(s.billingDB, "SELECT COUNT(*) FROM Payments WHERE UserId = @u AND Status = 'refunded' AND PaymentId LIKE 'renew-%'",
		map[string]any{"u": learnerID}); n != 1 {
		t.Fatalf("%d renewal payments refunded, want 1", n)
	}
	if n := s.subscriberCount(courseID); n != 0 {
		t.Fatalf("subscriber count %d, want 0", n)
	}
	s.Eventually("access stops after the refund", wait, func() bool { return !s.bodies(tok, courseID) })
}
