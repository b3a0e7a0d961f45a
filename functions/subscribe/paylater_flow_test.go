package subscribe_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/contract/billingmsg"
	"github.com/kwipper/kwipper/functions/devstack/apitest"
	"github.com/kwipper/kwipper/functions/subscribe"
	"github.com/kwipper/kwipper/shared/billingcal"
	"github.com/kwipper/kwipper/shared/spanx"
)

type payLaterAction struct {
	PaymentIntentID string    `json:"payment_intent_id"`
	Status          string    `json:"status"`
	MethodType      string    `json:"method_type"`
	Kind            string    `json:"kind"`
	ExpiresAt       time.Time `json:"expires_at"`
	Instructions    *struct {
		Method      string     `json:"method"`
		Kind        string     `json:"kind"`
		Number      string     `json:"number"`
		Reference   string     `json:"reference"`
		BankAccount string     `json:"bank_account"`
		QRData      string     `json:"qr_data"`
		HostedURL   string     `json:"hosted_instructions_url"`
		ExpiresAt   *time.Time `json:"expires_at"`
	} `json:"instructions"`
}

// instructions are the payment.instructions events Billing's outbox holds,
// by payment id.
func (s *stack) instructions() map[string]billingmsg.PaymentInstructions {
	s.T.Helper()
	out := map[string]billingmsg.PaymentInstructions{}
	err := spanx.Each(s.billingDB.Single().Query(context.Background(), spanner.Statement{
		SQL:    "SELECT Data FROM Outbox WHERE Type = @t",
		Params: map[string]any{"t": billingmsg.EventPaymentInstructions}}), func(r *spanner.Row) error {
		var b []byte
		if err := r.Columns(&b); err != nil {
			return err
		}
		var in billingmsg.PaymentInstructions
		if err := json.Unmarshal(b, &in); err != nil {
			return err
		}
		if _, dup := out[in.PaymentID]; dup {
			s.T.Errorf("payment %s announced twice", in.PaymentID)
		}
		out[in.PaymentID] = in
		return nil
	})
	if err != nil {
		s.T.Fatal(err)
	}
	return out
}

// subscribeWith starts a subscription paid with method.
func (s *stack) subscribeWith(token, courseID, method string) subView {
	s.T.Helper()
	var v subView
	body := map[string]string{"course_id": courseID, "payment_method_type": method}
	r := s.Do("POST", "/v1/subscriptions", token, body)
	for try := 0; r.Status >= 500 && try < 5; try++ {
		r = s.Do("POST", "/v1/subscriptions", token, body)
	}
	if r.Status != http.StatusAccepted {
		s.T.Fatalf("subscribe with %s: %d %s", method, r.Status, r.Body)
	}
	r.JSON(s.T, &v)
	return v
}

// awaitingPayment waits until subscription id waits for its payment and
// answers the payment's instructions.
func (s *stack) awaitingPayment(token, id string) (actionSub, payLaterAction) {
	s.T.Helper()
	var v actionSub
	s.Eventually("the saga waits for the payment", wait, func() bool {
		s.Must(200, "GET", "/v1/subscriptions/"+id, token, nil).JSON(s.T, &v)
		return v.Action != nil || v.Status != subscribe.StatusPending
	})
	if v.Status != subscribe.StatusPending || v.ReasonCode != "awaiting_payment" || v.Action == nil || v.Action.ExpiresAt.IsZero() {
		s.T.Fatalf("waiting subscription %+v", v)
	}
	var act payLaterAction
	s.Must(200, "GET", "/v1/billing/payments/"+v.Action.PaymentID+"/action", token, nil).JSON(s.T, &act)
	if act.Status != "requires_action" || act.Instructions == nil || act.Kind != act.Instructions.Kind || !act.ExpiresAt.Equal(v.Action.ExpiresAt) {
		s.T.Fatalf("payment action %+v", act)
	}
	return v, act
}

// Pay-later methods through the whole stack: the saga's payment step waits
// for the learner (pending, the subscription naming the payment and its
// deadline), Billing hands out the voucher, transfer or QR instructions,
// and the webhook decides. A paid konbini voucher and SPEI transfer
// activate their subscriptions with one charge each; an OXXO voucher that
// expires unpaid fails its subscription at once (payment_expired,
// compensated, its PaymentIntent cancelled), and a QRIS code nobody scans
// fails at its deadline the same way; a method that does not pay the
// course's currency fails before anything is asked of Stripe. Stripe
// redelivering every event, in order and backwards, changes nothing.
func TestSubscribe_payLater_voucherTransferAndQR(t *testing.T) {
	s := newStack(t, apitest.Setenv("KW_PAYMENT_WAIT_QRIS", "4s"), apitest.Setenv("KW_PAYMENT_SETTLE_QRIS", "0s"))
	jpy, mxn, idr := s.course(1500, "JPY"), s.course(15000, "MXN"), s.course(9900000, "IDR")
	konbiniID, konbiniTok := s.learner("")
	_, oxxoTok := s.learner("")
	speiID, speiTok := s.learner("")
	_, qrisTok := s.learner("")
	_, wrongTok := s.learner("")
	konbini := s.subscribeWith(konbiniTok, jpy, "konbini")
	oxxo := s.subscribeWith(oxxoTok, mxn, "oxxo")
	spei := s.subscribeWith(speiTok, mxn, "customer_balance")
	qris := s.subscribeWith(qrisTok, idr, "qris")
	wrong := s.subscribeWith(wrongTok, mxn, "konbini")
	s.Must(400, "POST", "/v1/subscriptions", wrongTok, map[string]string{"course_id": jpy, "payment_method_type": "paypay"})
	var mine struct {
		Subscriptions []subView `json:"subscriptions"`
	}
	s.Must(200, "GET", "/v1/subscriptions", wrongTok, nil).JSON(t, &mine)
	if len(mine.Subscriptions) != 1 || mine.Subscriptions[0].ID != wrong.ID {
		t.Fatalf("a refused method started a subscription: %+v", mine.Subscriptions)
	}

	kv, kact := s.awaitingPayment(konbiniTok, konbini.ID)
	if kact.MethodType != "konbini" || kact.Kind != "voucher" || kact.Instructions.Number == "" || kact.Instructions.HostedURL == "" ||
		kact.Instructions.ExpiresAt == nil || kv.Action.ExpiresAt.Before(*kact.Instructions.ExpiresAt) {
		t.Fatalf("konbini instructions %+v %+v", kact, kact.Instructions)
	}
	s.Must(404, "GET", "/v1/billing/payments/"+kv.Action.PaymentID+"/action", oxxoTok, nil)
	_, oact := s.awaitingPayment(oxxoTok, oxxo.ID)
	if oact.Kind != "voucher" || oact.Instructions.Number == "" {
		t.Fatalf("oxxo instructions %+v", oact.Instructions)
	}
	_, sact := s.awaitingPayment(speiTok, spei.ID)
	if sact.Kind != "bank_transfer" || sact.Instructions.Reference == "" || sact.Instructions.BankAccount == "" {
		t.Fatalf("spei instructions %+v", sact.Instructions)
	}
	_, qact := s.awaitingPayment(qrisTok, qris.ID)
	if qact.Kind != "qr" || qact.Instructions.QRData == "" {
		t.Fatalf("qris instructions %+v", qact.Instructions)
	}
	if got := s.settled(wrongTok, wrong.ID, false); got.Status != subscribe.StatusFailed || got.ReasonCode != "method_not_offered" {
		t.Fatalf("konbini for an MXN course: %+v", got)
	}

	// The konbini voucher is paid at the store, the SPEI transfer arrives.
	if !s.Stripe.PayVoucher(kact.PaymentIntentID) || !s.Stripe.PayVoucher(sact.PaymentIntentID) {
		t.Fatal("nothing waited at the fake")
	}
	for _, c := range []struct{ tok, id string }{{konbiniTok, konbini.ID}, {speiTok, spei.ID}} {
		var v actionSub
		if got := s.settled(c.tok, c.id, false); got.Status != subscribe.StatusActive {
			t.Fatalf("paid: %+v", got)
		}
		s.Must(200, "GET", "/v1/subscriptions/"+c.id, c.tok, nil).JSON(t, &v)
		if v.Action != nil || v.ReasonCode != "" {
			t.Fatalf("an active subscription still waits for a payment: %+v", v)
		}
	}
	// A paid voucher is a payment like a card's: its receipt itemises the
	// tax its price includes and the period it pays for (the payment's
	// terms are recorded before Stripe is asked, as for a card).
	var paid struct {
		Payments []struct {
			Kind        string `json:"kind"`
			Status      string `json:"status"`
			Tax         struct{ Amount int64 }
			Method      struct{ Type string }
			PeriodStart *time.Time `json:"period_start"`
		} `json:"payments"`
	}
	s.Eventually("the konbini payment's receipt", wait, func() bool {
		s.Must(200, "GET", "/v1/billing/payments", konbiniTok, nil).JSON(t, &paid)
		return len(paid.Payments) == 1
	})
	if r := paid.Payments[0]; r.Kind != "payment" || r.Tax.Amount <= 0 || r.PeriodStart == nil || r.Method.Type != "konbini" {
		t.Fatalf("konbini receipt %+v (learner %s)", r, konbiniID)
	}
	// The OXXO voucher expires unpaid: failed at once, nothing charged.
	if !s.Stripe.ExpireVoucher(oact.PaymentIntentID) {
		t.Fatal("the OXXO voucher did not wait")
	}
	if got := s.settled(oxxoTok, oxxo.ID, false); got.Status != subscribe.StatusFailed || got.ReasonCode != "payment_expired" {
		t.Fatalf("expired OXXO voucher: %+v", got)
	}
	// Nobody scans the QRIS code: failed at the deadline.
	if got := s.settled(qrisTok, qris.ID, true); got.Status != subscribe.StatusFailed || got.ReasonCode != "payment_expired" {
		t.Fatalf("unpaid QRIS code: %+v", got)
	}
	if s.Stripe.PayVoucher(qact.PaymentIntentID) || s.Stripe.PayVoucher(oact.PaymentIntentID) {
		t.Fatal("a payment given up on could still be paid")
	}

	// Stripe redelivers everything, then everything again backwards.
	evs := s.Stripe.Events()
	for _, ev := range evs {
		if err := s.Stripe.Deliver(s.Cfg.BaseURL+"/v1/billing/webhook", ev.Body); err != nil {
			t.Fatal(err)
		}
	}
	slices.Reverse(evs)
	for _, ev := range evs {
		if err := s.Stripe.Deliver(s.Cfg.BaseURL+"/v1/billing/webhook", ev.Body); err != nil {
			t.Fatal(err)
		}
	}
	if tot := s.Stripe.Totals(); tot.Succeeded != 2 || tot.Refunded != 0 {
		t.Fatalf("stripe totals %+v, want two charges", tot)
	}
	for _, c := range []struct {
		tok, id, status string
	}{{konbiniTok, konbini.ID, subscribe.StatusActive}, {speiTok, spei.ID, subscribe.StatusActive},
		{oxxoTok, oxxo.ID, subscribe.StatusFailed}, {qrisTok, qris.ID, subscribe.StatusFailed}} {
		var v subView
		s.Must(200, "GET", "/v1/subscriptions/"+c.id, c.tok, nil).JSON(t, &v)
		if v.Status != c.status {
			t.Fatalf("after redelivery %s: %+v, want %s", c.id, v, c.status)
		}
	}
	if n := s.userCourses(konbiniID) + s.userCourses(speiID); n != 2 {
		t.Fatalf("payers' courses %d, want 2", n)
	}
	if n := s.subscriberCount(jpy) + s.subscriberCount(mxn) + s.subscriberCount(idr); n != 2 {
		t.Fatalf("subscriber counts %d, want 2", n)
	}
	if !s.bodies(konbiniTok, jpy) || s.bodies(oxxoTok, mxn) {
		t.Fatal("access does not follow payment")
	}
	// Billing told each learner once, on billing-events, what to pay.
	ins := s.instructions()
	k := ins[kv.Action.PaymentID]
	if len(ins) != 4 || k.UserID != konbiniID || k.Method != "konbini" || k.Kind != "voucher" || k.Number != kact.Instructions.Number ||
		k.SagaID != konbini.ID || k.Amount != 1500 || k.Currency != "JPY" || k.Deadline.Sub(kv.Action.ExpiresAt).Abs() > time.Millisecond {
		t.Fatalf("payment.instructions %d events, konbini's %+v", len(ins), k)
	}
}

// Pay-per-period renewals with an OXXO voucher, through the whole stack on
// the billing clock: the cycle issues the next period's voucher three days
// (KW_PAYLATER_RENEWAL_LEAD) before the period ends; the subscription stays
// active, its action naming the voucher Billing hands out. The learner who
// pays gets the next period from the anchor; the one who never pays keeps
// access after the period ended (grace) until the voucher's deadline, when
// the cycle settles it: ended, payment_expired, and the voucher cancelled.
// Every tick is processed twice; nothing is charged twice.
func TestRecurring_payLater_voucherPerPeriod(t *testing.T) {
	s := newStack(t)
	mxn := s.course(15000, "MXN")
	type learner struct{ tok, sub string }
	mk := func() learner {
		_, tok := s.learner("")
		sub := s.subscribeWith(tok, mxn, "oxxo")
		_, act := s.awaitingPayment(tok, sub.ID)
		if !s.Stripe.PayVoucher(act.PaymentIntentID) {
			t.Fatal("the first voucher did not wait")
		}
		if got := s.settled(tok, sub.ID, false); got.Status != subscribe.StatusActive {
			t.Fatalf("first period: %+v", got)
		}
		return learner{tok, sub.ID}
	}
	pays, lapses := mk(), mk()
	periodEnd := func(l learner, n int) time.Time {
		return billingcal.PeriodEnd(s.rec(l.sub).Anchor, billingcal.Month, n)
	}
	acts := map[string]payLaterAction{}
	// One cycle an hour after both are due (the cycle's time: whole seconds).
	renewAt := periodEnd(lapses, 1).Add(-72 * time.Hour).Add(time.Hour).UTC().Truncate(time.Second)
	if pe := periodEnd(pays, 1).Add(-72 * time.Hour).Add(time.Hour).UTC().Truncate(time.Second); pe.After(renewAt) {
		renewAt = pe
	}
	s.cycle(renewAt)
	s.cycle(renewAt)
	for _, l := range []learner{pays, lapses} {
		r := s.waitRec("the next period's voucher is issued", l.sub, func(r recRow) bool { return r.Code == "awaiting_payment" })
		if r.Status != subscribe.StatusActive || r.Period != 0 || r.Failures != 0 {
			t.Fatalf("awaiting the renewal voucher: %+v", r)
		}
		var v actionSub
		s.Must(200, "GET", "/v1/subscriptions/"+l.sub, l.tok, nil).JSON(t, &v)
		// OXXO waits 72h from the cycle's time, then 48h for Stripe to confirm.
		if v.Action == nil || !v.Action.ExpiresAt.Equal(renewAt.Add(120*time.Hour)) {
			t.Fatalf("renewal action %+v", v.Action)
		}
		var act payLaterAction
		s.Must(200, "GET", "/v1/billing/payments/"+v.Action.PaymentID+"/action", l.tok, nil).JSON(t, &act)
		if act.Kind != "voucher" || act.Instructions == nil || act.Instructions.Number == "" {
			t.Fatalf("renewal voucher %+v", act)
		}
		acts[l.sub] = act
	}
	if !s.Stripe.PayVoucher(acts[pays.sub].PaymentIntentID) {
		t.Fatal("the renewal voucher did not wait")
	}
	p := s.waitRec("the paid voucher renews", pays.sub, func(r recRow) bool { return r.Period == 1 })
	if p.Status != subscribe.StatusActive || p.Code != "" || !p.PeriodEnd.Equal(periodEnd(pays, 2)) {
		t.Fatalf("after paying: %+v", p)
	}
	// The unpaid one's period ends: access continues until the deadline.
	s.cycle(periodEnd(lapses, 1).Add(time.Hour))
	if r := s.rec(lapses.sub); r.Status != subscribe.StatusActive || r.Code != "awaiting_payment" {
		t.Fatalf("in the grace period: %+v", r)
	}
	deadline := renewAt.Add(120 * time.Hour)
	s.cycle(deadline.Add(time.Minute))
	s.cycle(deadline.Add(time.Minute))
	n := s.waitRec("the unpaid voucher ends it", lapses.sub, func(r recRow) bool { return r.Status == subscribe.StatusEnded })
	if n.Code != "payment_expired" || n.Period != 0 {
		t.Fatalf("never paid: %+v", n)
	}
	if s.Stripe.PayVoucher(acts[lapses.sub].PaymentIntentID) {
		t.Fatal("the expired renewal voucher could still be paid")
	}
	var v actionSub
	s.Must(200, "GET", "/v1/subscriptions/"+lapses.sub, lapses.tok, nil).JSON(t, &v)
	if v.Action != nil || v.Status != subscribe.StatusEnded {
		t.Fatalf("ended subscription %+v", v)
	}
	// Each renewal's instructions were announced once, naming the subscription.
	for _, l := range []learner{pays, lapses} {
		var found bool
		for _, in := range s.instructions() {
			found = found || (in.SubscriptionID == l.sub && in.PaymentIntentID == acts[l.sub].PaymentIntentID && in.Kind == "voucher")
		}
		if !found {
			t.Fatalf("no payment.instructions for %s's renewal", l.sub)
		}
	}
	// Two first periods and one renewal paid; nothing else charged.
	if tot := s.Stripe.Totals(); tot.Succeeded != 3 || tot.Refunded != 0 {
		t.Fatalf("stripe totals %+v", tot)
	}
}
