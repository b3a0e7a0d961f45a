package billing

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/kwipper/kwipper/functions/contract/billingmsg"
	"github.com/kwipper/kwipper/functions/contract/subscribemsg"
	"github.com/kwipper/kwipper/shared/devstack/stripefake"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/money"
)

// Payments whose Stripe reply was lost after Stripe charged (and, a day
// later, Stripe forgot the idempotency key) are settled from the
// PaymentIntent found by its metadata: the saga's payment answers paid
// without a second charge; a renewal is announced paid; a payment Stripe
// never saw fails as not charged. Nothing is left for a person.
func TestReconcile_settlesPaymentsWhoseReplyWasLost(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.customer("u9", "pm_card_visa")

	sagaID := "00000000-0000-4000-8000-000000000091"
	e.fake.InjectFaults(stripefake.Faults{Method: http.MethodPost, Path: "/v1/payment_intents", Drop: 50}) // the call and every retry (stripe-go's, net/http's)
	if _, err := e.svc.preparePayment(ctx, payCommand(sagaID, "u9")); err == nil {
		t.Fatal("the lost reply was not an error")
	}
	renewal := subscribemsg.RenewalCharge{Key: "renew-sub-9-20270301T000000Z-1", SubscriptionID: "sub-9", UserID: "u9", CourseID: "c1",
		Period: 1, Attempt: 1, Amount: money.Money{Amount: 1500, Currency: "JPY"}}
	data, _ := json.Marshal(renewal)
	e.fake.InjectFaults(stripefake.Faults{Method: http.MethodPost, Path: "/v1/payment_intents", Drop: 50})
	if err := e.svc.chargeRenewal(ctx, events.Message{Event: events.Event{ID: "rc-9", Type: subscribemsg.EventRenewalCharge, Data: data}}); err == nil {
		t.Fatal("the lost renewal reply was not an error")
	}
	e.fake.InjectFaults(stripefake.Faults{})
	// A payment recorded by a process that died before calling Stripe.
	if _, err := e.svc.store.begin(ctx, Payment{ID: PaymentID("00000000-0000-4000-8000-000000000092"), SagaID: "00000000-0000-4000-8000-000000000092",
		UserID: "u9", Amount: money.Money{Amount: 1500, Currency: "JPY"}}); err != nil {
		t.Fatal(err)
	}
	if tot := e.fake.Totals(); tot.Succeeded != 2 {
		t.Fatalf("stripe charged %d, want 2 (the replies were lost after)", tot.Succeeded)
	}
	for _, id := range []string{PaymentID(sagaID), renewal.Key} {
		if p := e.payment(id); p.Status != StatusAttempting || p.PaymentIntentID != "" {
			t.Fatalf("before reconciliation %+v", p)
		}
	}

	e.fake.ForgetIdempotencyKeys()
	e.advance(ReplayWindow + time.Hour)
	res, err := e.svc.Reconcile(ctx, e.clock())
	if err != nil || res.Checked != 3 || res.Settled != 3 || res.Unknown != 0 {
		t.Fatalf("reconcile %+v %v", res, err)
	}
	if p := e.payment(PaymentID(sagaID)); p.Status != StatusSucceeded || p.PaymentIntentID == "" {
		t.Fatalf("saga payment after reconciliation %+v", p)
	}
	if p := e.payment(renewal.Key); p.Status != StatusSucceeded {
		t.Fatalf("renewal after reconciliation %+v", p)
	}
	if p := e.payment(PaymentID("00000000-0000-4000-8000-000000000092")); p.Status != StatusFailed || p.FailureCode != "not_charged" {
		t.Fatalf("never sent %+v", p)
	}
	var announced []billingmsg.RenewalCharged
	for _, ev := range e.pub.Events(billingmsg.EventRenewalCharged) {
		var c billingmsg.RenewalCharged
		_ = json.Unmarshal(ev.Data, &c)
		announced = append(announced, c)
	}
	if len(announced) != 1 || announced[0].Key != renewal.Key || announced[0].Result != billingmsg.ChargeSucceeded || announced[0].SubscriptionID != "sub-9" {
		t.Fatalf("renewal outcomes announced %+v", announced)
	}
	// The saga's command again (its sweeper): paid, from the record.
	if err := e.participant.Handle(ctx, payCommand(sagaID, "u9"), e.step()); err != nil {
		t.Fatal(err)
	}
	if r, ok := e.recorded(sagaID); !ok || !r.OK {
		t.Fatalf("saga step after reconciliation %+v %v", r, ok)
	}
	// A second run finds nothing; nothing was charged twice.
	if res, err := e.svc.Reconcile(ctx, e.clock()); err != nil || res.Checked != 0 {
		t.Fatalf("second run %+v %v", res, err)
	}
	if tot := e.fake.Totals(); tot.Succeeded != 2 {
		t.Fatalf("stripe totals %+v, want 2 charges", tot)
	}

	// Stripe holds two PaymentIntents for one payment: it cannot say which
	// is the payment; it is left for an operator (kwipper payments-unreconciled).
	odd := "00000000-0000-4000-8000-000000000093"
	if _, err := e.svc.store.begin(ctx, Payment{ID: PaymentID(odd), SagaID: odd, UserID: "u9", Amount: money.Money{Amount: 1500, Currency: "JPY"}}); err != nil {
		t.Fatal(err)
	}
	c, _, _ := e.svc.store.getCustomer(ctx, "u9")
	for _, key := range []string{"odd-1", "odd-2"} {
		if _, err := e.svc.gw.Charge(ctx, key, c.StripeCustomerID, c.PaymentMethod, money.Money{Amount: 1500, Currency: "JPY"}, "", map[string]string{"saga_id": odd}, true); err != nil {
			t.Fatal(err)
		}
	}
	e.advance(time.Hour)
	if res, err := e.svc.Reconcile(ctx, e.clock()); err != nil || res.Checked != 1 || res.Unknown != 1 || res.UnknownIDs[0] != PaymentID(odd) {
		t.Fatalf("two PaymentIntents for one payment: %+v %v", res, err)
	}
	left, err := Unreconciled(ctx, e.db, e.clock(), 10)
	if err != nil || len(left) != 1 || left[0].ID != PaymentID(odd) {
		t.Fatalf("operator list %+v %v", left, err)
	}
}
