package subscribe_test

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kwipper/kwipper/functions"
	"github.com/kwipper/kwipper/functions/devstack/apitest"
	"github.com/kwipper/kwipper/functions/subscribe"
	"github.com/kwipper/kwipper/shared/billingcal"
	"github.com/kwipper/kwipper/shared/devstack/stripefake"
	"github.com/kwipper/kwipper/shared/events"
)

// relayAll ticks every service's outbox relay, as Cloud Scheduler's
// outbox-relay-tick does every minute.
func (s *stack) relayAll() {
	s.T.Helper()
	for _, f := range functions.Table() {
		if f.Topic == events.OutboxTick {
			s.Do("POST", s.PushPath(f.Name), "", tick())
		}
	}
}

// Pub/Sub is unreachable while a learner subscribes and cancels another
// subscription: every request still answers from Spanner, the events wait in
// the outboxes, and once Pub/Sub is back the relays publish them: the saga
// finishes with one charge, the cancellation reaches the course's count.
// Nothing is lost and nothing happens twice.
func TestFaults_pubsubDownMidFlow_outboxCatchesUp(t *testing.T) {
	var down atomic.Bool
	s := newStack(t, apitest.PubSubDown(down.Load))
	courseID := s.course(15_000_000, "IDR")
	_, tokA, subA := s.active(courseID)
	_, tokB := s.learner("pm_card_visa")

	down.Store(true)
	sub := s.subscribe(tokB, courseID)
	s.Must(http.StatusOK, "POST", "/v1/subscriptions/"+subA+"/cancel", tokA, nil)
	// While Pub/Sub is down nothing moves: the saga waits for its first
	// command to be delivered.
	time.Sleep(2 * time.Second)
	var v subView
	s.Must(200, "GET", "/v1/subscriptions/"+sub.ID, tokB, nil).JSON(t, &v)
	if v.Status != subscribe.StatusPending {
		t.Fatalf("subscription %+v moved while Pub/Sub was down", v)
	}

	down.Store(false)
	s.Eventually("the saga finishes once the relays run", wait, func() bool {
		s.relayAll()
		s.Do("POST", s.PushPath("subscribe-sweep"), "", tick())
		s.Must(200, "GET", "/v1/subscriptions/"+sub.ID, tokB, nil).JSON(t, &v)
		return v.Status != subscribe.StatusPending
	})
	if v.Status != subscribe.StatusActive {
		t.Fatalf("subscription %+v, want active", v)
	}
	if tot := s.Stripe.Totals(); tot.Succeeded != 2 {
		t.Fatalf("stripe totals %+v, want two charges (A's and B's)", tot)
	}
	if n := s.subscriberCount(courseID); n != 1 {
		t.Fatalf("subscriber count %d, want 1 (B active, A cancelled)", n)
	}
}

// The whole stack stops right after a refund is asked for and comes back:
// the refund saga finishes from Spanner (redelivery and the sweeper), one
// refund at Stripe, the count back to 0.
func TestFaults_stackKilledMidRefund_sweeperFinishesIt(t *testing.T) {
	s := newStack(t)
	courseID := s.course(15_000_000, "IDR")
	_, tok, subID := s.active(courseID)
	s.Must(http.StatusAccepted, "POST", "/v1/subscriptions/"+subID+"/refund", tok, nil)
	s.Restart(func() { time.Sleep(1500 * time.Millisecond) })
	var got subView
	s.Eventually("the refund completes after the restart", wait, func() bool {
		s.Do("POST", s.PushPath("subscribe-sweep"), "", tick())
		s.Must(200, "GET", "/v1/subscriptions/"+subID, tok, nil).JSON(t, &got)
		return got.Status != subscribe.StatusRefunding
	})
	if got.Status != subscribe.StatusEnded || got.ReasonCode != "refunded" {
		t.Fatalf("subscription %+v, want ended (refunded)", got)
	}
	if tot := s.Stripe.Totals(); tot.Succeeded != 1 || tot.Refunded != 1 {
		t.Fatalf("stripe totals %+v, want one charge, one refund", tot)
	}
	if n := s.subscriberCount(courseID); n != 0 {
		t.Fatalf("subscriber count %d, want 0", n)
	}
}

// The whole stack stops right after a billing cycle starts and comes back;
// Pub/Sub delivers the cycle's tick again (it was never acknowledged): the
// renewal is charged once and the period moves once.
func TestFaults_stackKilledMidRenewal_chargedOnce(t *testing.T) {
	s := newStack(t)
	courseID := s.course(15_000_000, "IDR")
	_, _, subID := s.active(courseID)
	end1 := billingcal.PeriodEnd(s.rec(subID).Anchor, billingcal.Month, 1)
	s.cycle(end1.Add(time.Hour))
	s.Restart(func() { time.Sleep(1500 * time.Millisecond) })
	s.cycle(end1.Add(time.Hour))
	// What the stopped processes had not published waits in the outboxes
	// for their relays, which Cloud Scheduler ticks in the cloud.
	var r recRow
	s.Eventually("the renewal lands after the restart", wait, func() bool {
		s.Do("POST", s.PushPath("subscribe-sweep"), "", tick())
		s.Do("POST", s.PushPath("billing-outbox-relay"), "", tick())
		r = s.rec(subID)
		return r.Period == 1
	})
	if r.Status != subscribe.StatusActive || r.Failures != 0 {
		t.Fatalf("after the renewal: %+v", r)
	}
	// Let any redelivered work settle, then count the charges.
	s.cycle(end1.Add(2 * time.Hour))
	time.Sleep(time.Second)
	if tot := s.Stripe.Totals(); tot.Succeeded != 2 {
		t.Fatalf("stripe totals %+v, want two charges (the first period and one renewal)", tot)
	}
	if r := s.rec(subID); r.Period != 1 {
		t.Fatalf("period %d after a second cycle in the same period, want 1", r.Period)
	}
}

// Stripe answers 500 for a while, then loses its replies after charging
// (a timeout after the charge): the payment step is retried with the same
// idempotency key until Stripe recovers, the saga finishes active, and the
// card is charged once.
func TestFaults_stripeErrorsAndLostReplies_chargedOnce(t *testing.T) {
	for name, f := range map[string]stripefake.Faults{
		"stripe_down":    {Path: "/v1/payment_intents", Before: 8},
		"reply_lost":     {Path: "/v1/payment_intents", After: 4},
		"down_then_lost": {Path: "/v1/payment_intents", Before: 4, After: 4},
	} {
		t.Run(name, func(t *testing.T) {
			s := newStack(t)
			courseID := s.course(15_000_000, "IDR")
			_, tok := s.learner("pm_card_visa")
			s.Stripe.InjectFaults(f)
			sub := s.subscribe(tok, courseID)
			if got := s.settled(tok, sub.ID, true); got.Status != subscribe.StatusActive {
				t.Fatalf("subscription %+v, want active once Stripe recovers", got)
			}
			if tot := s.Stripe.Totals(); tot.Succeeded != 1 {
				t.Fatalf("stripe totals %+v, want one charge", tot)
			}
			if left := s.Stripe.FaultsLeft(); left.Before != 0 || left.After != 0 {
				t.Fatalf("faults not met: %+v", left)
			}
			if n := s.subscriberCount(courseID); n != 1 {
				t.Fatalf("subscriber count %d", n)
			}
		})
	}
}
