package subscribe_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/subscribe"
	"github.com/kwipper/kwipper/shared/billingcal"
	"github.com/kwipper/kwipper/shared/events"
)

// cycle posts an operator billing-cycle tick as of asOf, as Pub/Sub would
// push it, and fails unless it is accepted.
func (s *stack) cycle(asOf time.Time) {
	s.T.Helper()
	b, _ := json.Marshal(map[string]any{"as_of": asOf.UTC().Format(time.RFC3339)})
	ticks++
	id := fmt.Sprintf("cycle-%d-%d", time.Now().UnixNano(), ticks)
	s.Must(204, "POST", s.PushPath("subscribe-billing-cycle"), "", map[string]any{"message": map[string]any{
		"data": base64.StdEncoding.EncodeToString(b), "messageId": id,
		"attributes": map[string]string{events.AttrEventID: id, events.AttrType: "billing.tick"}}, "subscription": "s"})
}

// cycleReport waits until the billing cycle as of asOf is done (every
// shard ran, Billing answered every renewal) and returns its report.
func (s *stack) cycleReport(asOf time.Time) subscribe.CycleReport {
	s.T.Helper()
	var rep subscribe.CycleReport
	s.Eventually("billing cycle report done", wait, func() bool {
		var err error
		if rep, err = subscribe.ReadCycle(context.Background(), s.subs, asOf); err != nil {
			s.T.Fatal(err)
		}
		return rep.Done()
	})
	return rep
}

type recRow struct {
	Status    string
	Period    int64
	Failures  int64
	PeriodEnd time.Time
	Anchor    time.Time
	Code      string
}

func (s *stack) rec(id string) recRow {
	s.T.Helper()
	row, err := s.subs.Single().ReadRow(context.Background(), "Subscriptions", spanner.Key{id},
		[]string{"Status", "Period", "Failures", "PeriodEnd", "Anchor", "ReasonCode"})
	if err != nil {
		s.T.Fatal(err)
	}
	var r recRow
	var p, f spanner.NullInt64
	var end, anchor spanner.NullTime
	var code spanner.NullString
	if err := row.Columns(&r.Status, &p, &f, &end, &anchor, &code); err != nil {
		s.T.Fatal(err)
	}
	r.Period, r.Failures, r.PeriodEnd, r.Anchor, r.Code = p.Int64, f.Int64, end.Time, anchor.Time, code.StringVal
	return r
}

// waitRec waits until subscription id's recurring row satisfies cond.
func (s *stack) waitRec(what, id string, cond func(recRow) bool) recRow {
	s.T.Helper()
	var r recRow
	s.Eventually(what, wait, func() bool { r = s.rec(id); return cond(r) })
	return r
}

// Recurring billing through the whole local stack and the Stripe fake: a
// good card renews; a card that declines goes past due (access kept) and
// recovers on a dunning retry once a good card is saved; a card that never
// recovers ends the subscription after the last retry (access revoked); a
// subscription cancelled at period end ends without a charge; every tick is
// processed twice and charges once.
func TestRecurring_renewDunningAndCancelAtPeriodEnd(t *testing.T) {
	s := newStack(t)
	courseID := s.course(15_000_000, "IDR")
	type learner struct {
		id, tok, sub string
	}
	mk := func() learner {
		id, tok := s.learner("pm_card_visa")
		sub := s.subscribe(tok, courseID)
		if got := s.settled(tok, sub.ID, false); got.Status != subscribe.StatusActive {
			t.Fatalf("subscription %+v, want active", got)
		}
		return learner{id, tok, sub.ID}
	}
	good, recovers, never, cancels := mk(), mk(), mk(), mk()
	if tot := s.Stripe.Totals(); tot.Succeeded != 4 {
		t.Fatalf("stripe totals after subscribing %+v", tot)
	}
	s.Must(201, "POST", "/v1/billing/payment-methods", recovers.tok, map[string]string{"payment_method_id": "pm_card_chargeDeclinedInsufficientFunds"})
	s.Must(201, "POST", "/v1/billing/payment-methods", never.tok, map[string]string{"payment_method_id": "pm_card_chargeDeclined"})
	// Cancelling and resuming twice is fine; the last word is cancel. The
	// subscription shows which way it will go.
	for _, step := range []struct {
		action string
		cancel bool
	}{{"cancel-at-period-end", true}, {"resume", false}, {"cancel-at-period-end", true}} {
		var v subscribe.View
		s.Must(200, "POST", "/v1/subscriptions/"+cancels.sub+"/"+step.action, cancels.tok, nil).JSON(t, &v)
		if v.CancelAtPeriodEnd != step.cancel || v.Status != subscribe.StatusActive {
			t.Fatalf("after %s: %+v", step.action, v)
		}
		s.Must(200, "GET", "/v1/subscriptions/"+cancels.sub, cancels.tok, nil).JSON(t, &v)
		if v.CancelAtPeriodEnd != step.cancel {
			t.Fatalf("GET after %s: cancel_at_period_end %v", step.action, v.CancelAtPeriodEnd)
		}
	}

	anchor := s.rec(good.sub).Anchor
	var latest time.Time
	for _, l := range []learner{good, recovers, never, cancels} {
		if a := s.rec(l.sub).Anchor; a.After(latest) {
			latest = a
		}
	}
	// Cycle 1, one hour after the last first period ended, ticked twice.
	end1 := billingcal.PeriodEnd(latest, billingcal.Month, 1)
	s.cycle(end1.Add(time.Hour))
	s.cycle(end1.Add(time.Hour))
	g := s.waitRec("good renews", good.sub, func(r recRow) bool { return r.Period == 1 })
	if !g.PeriodEnd.Equal(billingcal.PeriodEnd(anchor, billingcal.Month, 2)) || g.Status != subscribe.StatusActive {
		t.Fatalf("good after cycle 1: %+v", g)
	}
	r := s.waitRec("recovers goes past due", recovers.sub, func(r recRow) bool { return r.Failures == 1 })
	if r.Status != subscribe.StatusPastDue || r.Code != "insufficient_funds" || r.Period != 0 {
		t.Fatalf("recovers after cycle 1: %+v", r)
	}
	s.waitRec("never goes past due", never.sub, func(r recRow) bool { return r.Failures == 1 && r.Status == subscribe.StatusPastDue })
	c := s.waitRec("cancels ends", cancels.sub, func(r recRow) bool { return r.Status == subscribe.StatusEnded })
	if c.Code != subscribe.CodeCancelledAtEnd || c.Period != 0 {
		t.Fatalf("cancels: %+v", c)
	}
	if !s.bodies(never.tok, courseID) {
		t.Fatal("a past-due learner lost access during the grace period")
	}
	// The operator's report of cycle 1: every shard ran once (the tick came
	// twice); 4 due, 1 renewed, 2 past due, 1 ended at period end.
	c1 := s.cycleReport(end1.Add(time.Hour))
	if c1.Shards < 1 || c1.ShardsDone != c1.Shards || c1.Due != 4 || c1.Charging != 3 || c1.EndedAtPeriodEnd != 1 ||
		c1.Renewed != 1 || c1.PastDue != 2 || c1.ActionRequired != 0 || c1.EndedUnpaid != 0 || c1.Waiting != 0 {
		t.Fatalf("cycle 1 report %+v", c1)
	}
	if s.bodies(cancels.tok, courseID) {
		// entitlement projections follow subscription.ended asynchronously
		s.Eventually("cancelled learner loses access", wait, func() bool { return !s.bodies(cancels.tok, courseID) })
	}

	// The recovering learner saves a good card; the day-1 retry succeeds.
	s.Must(201, "POST", "/v1/billing/payment-methods", recovers.tok, map[string]string{"payment_method_id": "pm_card_visa"})
	retryAt := func(l learner, days int) time.Time {
		return billingcal.PeriodEnd(s.rec(l.sub).Anchor, billingcal.Month, 1).AddDate(0, 0, days).Add(time.Hour)
	}
	s.cycle(retryAt(recovers, 1))
	r = s.waitRec("recovers renews on retry 1", recovers.sub, func(r recRow) bool { return r.Period == 1 })
	if r.Status != subscribe.StatusActive || r.Failures != 0 || r.Code != "" ||
		!r.PeriodEnd.Equal(billingcal.PeriodEnd(r.Anchor, billingcal.Month, 2)) {
		t.Fatalf("recovers after retry: %+v", r)
	}
	// The never-recovering card: retries on days 1, 3, 5 fail (past due), day 7 ends it.
	for i, d := range []int{1, 3, 5} {
		s.cycle(retryAt(never, d))
		s.waitRec(fmt.Sprintf("never fails retry %d", i+1), never.sub, func(r recRow) bool { return r.Failures == int64(i+2) })
	}
	s.cycle(retryAt(never, 7))
	s.cycle(retryAt(never, 7))
	n := s.waitRec("never ends", never.sub, func(r recRow) bool { return r.Status == subscribe.StatusEnded })
	if n.Code != subscribe.CodePaymentFailed || n.Period != 0 {
		t.Fatalf("never: %+v", n)
	}
	if c := s.cycleReport(retryAt(never, 7)); c.Due != 1 || c.Charging != 1 || c.EndedUnpaid != 1 || c.Renewed != 0 || c.Failed() != 1 {
		t.Fatalf("last retry's cycle report %+v", c)
	}
	s.Eventually("ended learner loses access", wait, func() bool { return !s.bodies(never.tok, courseID) })

	// Cycle 2: good and recovers renew again, the ended ones are not charged.
	end2 := billingcal.PeriodEnd(latest, billingcal.Month, 2)
	s.cycle(end2.Add(time.Hour))
	s.waitRec("good renews again", good.sub, func(r recRow) bool { return r.Period == 2 })
	s.waitRec("recovers renews again", recovers.sub, func(r recRow) bool { return r.Period == 2 })
	// 4 first payments + good x2 + recovers x2 succeeded; recovers 1 and
	// never 5 declines; nothing charged twice though every tick ran twice.
	s.Eventually("stripe totals settle", wait, func() bool {
		tot := s.Stripe.Totals()
		return tot.Succeeded == 8 && tot.Declined == 6
	})
	if tot := s.Stripe.Totals(); tot.Succeeded != 8 || tot.Declined != 6 || tot.Refunded != 0 {
		t.Fatalf("stripe totals %+v", tot)
	}
	if got := s.count(s.subs, "SELECT COUNT(*) FROM Renewals WHERE Status = 'charging'", nil); got != 0 {
		t.Fatalf("%d renewals still charging", got)
	}
}
