package billing

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/kwipper/kwipper/functions/contract/billingmsg"
	"github.com/kwipper/kwipper/functions/contract/subscribemsg"
	"github.com/kwipper/kwipper/functions/contract/usermsg"
	"github.com/kwipper/kwipper/shared/devstack/stripefake"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/money"
)

// A pay-later payment gives up at the earlier of Stripe's expiry and its
// configured wait, plus the time Stripe may take to confirm; vouchers are
// asked for whole days within Stripe's bounds.
func TestMethodWait_deadlineAndVoucherDays(t *testing.T) {
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name    string
		w       MethodWait
		expires time.Time
		want    time.Time
		days    int64
	}{
		{"voucher_expiry_first", MethodWait{Wait: 72 * time.Hour, Settle: 48 * time.Hour}, at.Add(60 * time.Hour), at.Add(108 * time.Hour), 3},
		{"configured_wait_first", MethodWait{Wait: 2 * time.Hour, Settle: time.Hour}, at.Add(72 * time.Hour), at.Add(3 * time.Hour), 1},
		{"stripe_expiry_before_creation_ignored", MethodWait{Wait: 72 * time.Hour}, at.Add(-time.Hour), at.Add(72 * time.Hour), 3},
		{"no_expiry_from_stripe", MethodWait{Wait: 15 * time.Minute}, time.Time{}, at.Add(15 * time.Minute), 1},
		{"days_rounded_up", MethodWait{Wait: 49 * time.Hour}, time.Time{}, at.Add(49 * time.Hour), 3},
		{"days_capped_at_60", MethodWait{Wait: 90 * 24 * time.Hour}, time.Time{}, at.Add(90 * 24 * time.Hour), 60},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.w.Deadline(at, c.expires); !got.Equal(c.want) {
				t.Errorf("deadline %v, want %v", got, c.want)
			}
			if got := c.w.VoucherDays(); got != c.days {
				t.Errorf("voucher days %d, want %d", got, c.days)
			}
		})
	}
}

// Every pay-later method has a default wait and one currency.
func TestPayLater_everyMethodConfigured(t *testing.T) {
	for _, m := range methodCatalog {
		if m.Confirmation != "async" {
			continue
		}
		if DefaultPayLater[m.Type].Wait <= 0 || methodCurrency[m.Type] == "" {
			t.Errorf("%s: wait %v, currency %q", m.Type, DefaultPayLater[m.Type], methodCurrency[m.Type])
		}
	}
}

// A pay-later renewal whose reply was lost after Stripe issued the voucher
// is reconciled as waiting for the learner until its own deadline (not as
// a decline, which would make Subscribe issue a second voucher for the
// period); paid later, the webhook announces it paid; one voucher, one
// charge.
func TestReconcile_payLaterRenewalWaitsForTheLearner(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.customer("u8", "pm_card_visa")
	// An OXXO voucher is made out to the learner's name and email, which
	// Billing hears from user events.
	if err := e.svc.onUserEvent(ctx, events.Message{Event: events.Event{ID: "ev-u8", Type: usermsg.EventRegistered,
		Data: mustJSON(t, usermsg.EventData{UserID: "u8", Country: "MX", DisplayName: "Ana Torres", Email: "ana@example.com", Version: 1})}}); err != nil {
		t.Fatal(err)
	}
	renewal := subscribemsg.RenewalCharge{Key: "renew-sub-8-20270301T000000Z-1", SubscriptionID: "sub-8", UserID: "u8", CourseID: "c1",
		Period: 1, Attempt: 1, Amount: money.Money{Amount: 29900, Currency: "MXN"}, MethodType: billingmsg.MethodOXXO}
	data, _ := json.Marshal(renewal)
	e.fake.InjectFaults(stripefake.Faults{Method: http.MethodPost, Path: "/v1/payment_intents", Drop: 50})
	if err := e.svc.chargeRenewal(ctx, events.Message{Event: events.Event{ID: "rc-8", Type: subscribemsg.EventRenewalCharge, Data: data}}); err == nil {
		t.Fatal("the lost renewal reply was not an error")
	}
	e.fake.InjectFaults(stripefake.Faults{})
	if p := e.payment(renewal.Key); p.Status != StatusAttempting || p.MethodType != billingmsg.MethodOXXO {
		t.Fatalf("before reconciliation %+v", p)
	}
	e.advance(time.Hour)
	res, err := e.svc.Reconcile(ctx, e.clock())
	if err != nil || res.Settled != 1 {
		t.Fatalf("reconcile %+v %v", res, err)
	}
	p := e.payment(renewal.Key)
	if p.Status != StatusActionRequired || p.FailureCode != "awaiting_payment" || !p.ActionDeadline.After(e.clock()) {
		t.Fatalf("after reconciliation %+v (now %v)", p, e.clock())
	}
	var announced []billingmsg.RenewalCharged
	for _, ev := range e.pub.Events(billingmsg.EventRenewalCharged) {
		var c billingmsg.RenewalCharged
		_ = json.Unmarshal(ev.Data, &c)
		announced = append(announced, c)
	}
	if len(announced) != 1 || announced[0].Result != billingmsg.ChargeAwaitingPayment || !announced[0].Deadline.Equal(p.ActionDeadline) {
		t.Fatalf("renewal outcomes announced %+v", announced)
	}
	if tot := e.fake.Totals(); tot.Succeeded != 0 {
		t.Fatalf("stripe totals %+v before the learner paid", tot)
	}
}
