package billing

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/contract/billingmsg"
	"github.com/kwipper/kwipper/functions/contract/sagamsg"
	"github.com/kwipper/kwipper/shared/devstack/stripefake"
	"github.com/kwipper/kwipper/shared/devstack/testenv"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/httpx"
	"github.com/kwipper/kwipper/shared/money"
	"github.com/kwipper/kwipper/shared/saga"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func TestForward_movesPaymentsOnlyForward(t *testing.T) {
	for _, tt := range []struct {
		from, to string
		ok       bool
	}{
		{StatusAttempting, StatusSucceeded, true},
		{StatusAttempting, StatusFailed, true},
		{StatusFailed, StatusSucceeded, true},
		{StatusSucceeded, StatusRefunded, true},
		{StatusRefunded, StatusSucceeded, false},
		{StatusSucceeded, StatusFailed, false},
		{StatusSucceeded, StatusSucceeded, false},
	} {
		if got := Forward(tt.from, tt.to); got != tt.ok {
			t.Errorf("Forward(%s, %s) = %v", tt.from, tt.to, got)
		}
	}
}

// Stripe's decline codes classed by what dunning does next: hard declines
// (Stripe: use another card) stop retrying, soft ones follow the schedule,
// authentication asks the learner.
func TestDeclineOf_classifiesByStripeDeclineCode(t *testing.T) {
	for _, tt := range []struct {
		code, decline, want string
		class               DeclineClass
	}{
		{"card_declined", "stolen_card", "card_refused", Hard},
		{"card_declined", "lost_card", "card_refused", Hard},
		{"card_declined", "pickup_card", "card_refused", Hard},
		{"card_declined", "fraudulent", "card_refused", Hard},
		{"card_declined", "do_not_try_again", "card_refused", Hard},
		{"card_declined", "invalid_account", "card_refused", Hard},
		{"card_declined", "restricted_card", "card_refused", Hard},
		{"invalid_number", "", "card_invalid", Hard},
		{"incorrect_number", "", "card_invalid", Hard},
		{"incorrect_cvc", "incorrect_cvc", "card_invalid", Hard},
		{"expired_card", "", "expired_card", Hard},
		{"card_declined", "expired_card", "expired_card", Hard},
		{"card_declined", "generic_decline", "card_declined", Soft},
		{"card_declined", "do_not_honor", "card_declined", Soft},
		{"card_declined", "call_issuer", "card_declined", Soft},
		{"card_declined", "try_again_later", "card_declined", Soft},
		{"card_declined", "insufficient_funds", "insufficient_funds", Soft},
		{"card_declined", "card_velocity_exceeded", "card_declined", Soft},
		{"processing_error", "", "card_declined", Soft},
		{"card_declined", "", "card_declined", Soft},
		{"authentication_required", "authentication_required", "authentication_required", Action},
	} {
		d := declineOf(tt.code, tt.decline)
		if d.Code != tt.want || d.Class != tt.class || d.Message == "" || d.Stripe == "" {
			t.Errorf("declineOf(%s, %s) = %+v, want %s %s", tt.code, tt.decline, d, tt.want, tt.class)
		}
		if strings.Contains(d.Message, "stolen") || strings.Contains(d.Message, "lost") || strings.Contains(d.Message, "fraud") {
			t.Errorf("declineOf(%s, %s) tells the learner %q (Stripe: do not reveal)", tt.code, tt.decline, d.Message)
		}
	}
}

func TestStripeCurrency_minorUnits(t *testing.T) {
	for _, tt := range []struct {
		m       money.Money
		want    string
		invalid bool
	}{
		{money.Money{Amount: 1500, Currency: "JPY"}, "jpy", false},
		{money.Money{Amount: 9900000, Currency: "IDR"}, "idr", false},
		{money.Money{Amount: 100, Currency: "PHP"}, "php", false},
		{money.Money{Amount: 100, Currency: "MXN"}, "mxn", false},
		{money.Money{Amount: 100, Currency: "USD"}, "usd", false},
		{money.Money{Amount: 100, Currency: "EUR"}, "", true},
		{money.Money{Amount: 0, Currency: "USD"}, "", true},
	} {
		got, err := StripeCurrency(tt.m)
		if (err != nil) != tt.invalid || got != tt.want {
			t.Errorf("StripeCurrency(%v) = %q, %v", tt.m, got, err)
		}
	}
}

type env struct {
	t           *testing.T
	svc         *Service
	participant *saga.Participant
	db          *spanner.Client
	fake        *stripefake.Server
	pub         *events.Recorder
	now         time.Time
	mu          sync.Mutex
}

const (
	testKey    = "sk_test_billing"
	testSecret = "whsec_billing"
)

func newEnv(t *testing.T) *env {
	t.Helper()
	ms, err := Registration.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	db, _ := testenv.Database(t, ms)
	e := &env{t: t, db: db, pub: &events.Recorder{}, now: time.Now()}
	e.fake, err = stripefake.Start(stripefake.Options{SecretKey: testKey, WebhookSecret: testSecret})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.fake.Close)
	d := fnreg.Deps{DB: db, Outbox: &events.Outbox{DB: db, Publisher: e.pub}, Publisher: e.pub}
	e.svc = New(d, Config{SecretKey: testKey, APIBase: e.fake.URL, WebhookSecret: testSecret, Now: e.clock})
	e.participant = &saga.Participant{DB: db, Outbox: d.Outbox, Publisher: e.pub}
	return e
}

func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func (e *env) advance(d time.Duration) {
	e.mu.Lock()
	e.now = e.now.Add(d)
	e.mu.Unlock()
}

// customer gives user a Stripe customer with card pm.
func (e *env) customer(userID, pm string) {
	e.t.Helper()
	ctx := context.Background()
	c, err := e.svc.ensureCustomer(ctx, userID)
	if err != nil {
		e.t.Fatal(err)
	}
	card, err := e.svc.gw.AttachCard(ctx, c.StripeCustomerID, pm)
	if err != nil {
		e.t.Fatal(err)
	}
	c.PaymentMethod = card.PaymentMethodID
	if err := e.svc.store.saveCustomer(ctx, c); err != nil {
		e.t.Fatal(err)
	}
}

func payCommand(sagaID, userID string) saga.Command {
	args, _ := json.Marshal(sagamsg.PaymentArgs{Amount: money.Money{Amount: 1500, Currency: "JPY"}, Description: "test"})
	return saga.Command{SagaID: sagaID, Step: sagamsg.StepPayment, Kind: saga.Do, Attempt: 1, UserID: userID, CourseID: "c1", Args: args}
}

func (e *env) payment(id string) Payment {
	e.t.Helper()
	p, ok, err := e.svc.store.payment(context.Background(), e.db.Single(), id)
	if err != nil || !ok {
		e.t.Fatalf("payment %s: %v %v", id, ok, err)
	}
	return p
}

func (e *env) step() saga.Step {
	return saga.Step{Prepare: e.svc.preparePayment, Apply: e.svc.store.applyPayment}
}

// A redelivered payment command, even after Stripe has forgotten the
// idempotency key, replies as before and charges once; a charge whose record
// was never settled is replayed with the same key inside Stripe's window and
// not at all after it.
func TestPayment_chargedOnce_whenReplayed(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.customer("u1", "pm_card_visa")
	sagaID := "00000000-0000-4000-8000-000000000001"
	for range 2 {
		if err := e.participant.Handle(ctx, payCommand(sagaID, "u1"), e.step()); err != nil {
			t.Fatal(err)
		}
		e.fake.ForgetIdempotencyKeys()
	}
	if got := e.fake.Totals().Succeeded; got != 1 {
		t.Fatalf("%d charges, want 1", got)
	}
	if p := e.payment(PaymentID(sagaID)); p.Status != StatusSucceeded || p.PaymentIntentID == "" {
		t.Fatalf("payment %+v", p)
	}
	if n := len(e.pub.Events(saga.EventReply)); n != 2 {
		t.Fatalf("%d replies, want the same reply twice", n)
	}

	// The process dies after Stripe charged and before the step committed.
	other := "00000000-0000-4000-8000-000000000002"
	first, err := e.svc.preparePayment(ctx, payCommand(other, "u1"))
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.svc.preparePayment(ctx, payCommand(other, "u1"))
	if err != nil {
		t.Fatal(err)
	}
	if first.(Payment).PaymentIntentID != again.(Payment).PaymentIntentID || e.fake.Totals().Succeeded != 2 {
		t.Fatalf("replay inside Stripe's window charged again: %+v %+v", first, again)
	}
	e.fake.ForgetIdempotencyKeys()
	e.advance(ReplayWindow + time.Hour)
	late, err := e.svc.preparePayment(ctx, payCommand(other, "u1"))
	if err != nil {
		t.Fatal(err)
	}
	if out, ok := late.(saga.Outcome); !ok || out.OK || out.Code != "payment_unreconciled" || e.fake.Totals().Succeeded != 2 {
		t.Fatalf("replay after Stripe forgot the key: %+v, totals %+v", late, e.fake.Totals())
	}
}

// A declined card is a failed step with the decline's reason; the refund of
// a failed payment moves no money.
func TestPayment_failed_whenCardDeclined(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.customer("u2", "pm_card_chargeDeclinedInsufficientFunds")
	sagaID := "00000000-0000-4000-8000-000000000003"
	if err := e.participant.Handle(ctx, payCommand(sagaID, "u2"), e.step()); err != nil {
		t.Fatal(err)
	}
	p := e.payment(PaymentID(sagaID))
	if p.Status != StatusFailed || p.FailureCode != "insufficient_funds" {
		t.Fatalf("payment %+v", p)
	}
	undo := payCommand(sagaID, "u2")
	undo.Kind = saga.Undo
	if err := e.participant.Handle(ctx, undo, saga.Step{Prepare: e.svc.prepareRefund, Apply: e.svc.store.applyRefund, AlwaysUndo: true}); err != nil {
		t.Fatal(err)
	}
	if tot := e.fake.Totals(); tot.Succeeded != 0 || tot.Refunded != 0 || tot.Declined != 1 {
		t.Fatalf("totals %+v", tot)
	}
}

// Under load the orchestrator may give up on the payment step (no reply in
// time) and compensate it before its do command is delivered: the late do
// charges nothing, whichever of the undo and the do's preparation runs
// first. (Found by the 500-saga load test: 15 charges kept for sagas that
// had failed.)
func TestPayment_lateDoAfterItsUndo_chargesNothing(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.customer("u9", "pm_card_visa")
	undoStep := saga.Step{Prepare: e.svc.prepareRefund, Apply: e.svc.store.applyRefund, AlwaysUndo: true}

	// The undo first, then the late do.
	sagaID := "00000000-0000-4000-8000-000000000009"
	undo := payCommand(sagaID, "u9")
	undo.Kind = saga.Undo
	if err := e.participant.Handle(ctx, undo, undoStep); err != nil {
		t.Fatal(err)
	}
	if err := e.participant.Handle(ctx, payCommand(sagaID, "u9"), e.step()); err != nil {
		t.Fatal(err)
	}
	if p := e.payment(PaymentID(sagaID)); p.Status != StatusFailed || p.FailureCode != CodeCompensatedFirst {
		t.Fatalf("payment %+v, want failed (%s)", p, CodeCompensatedFirst)
	}
	// The do's preparation racing the undo (the do's own check passed
	// just before the undo committed): its begin meets the record the
	// undo left and charges nothing.
	if res, err := e.svc.preparePayment(ctx, payCommand(sagaID, "u9")); err != nil {
		t.Fatal(err)
	} else if p, ok := res.(Payment); !ok || p.Status != StatusFailed {
		t.Fatalf("a late preparation answered %+v", res)
	}
	if tot := e.fake.Totals(); tot.Succeeded != 0 {
		t.Fatalf("totals %+v: a compensated payment step charged", tot)
	}

	// The do's preparation first (it charged), its undo meanwhile: the
	// undo refunds the charge.
	sagaID2 := "00000000-0000-4000-8000-000000000010"
	if _, err := e.svc.preparePayment(ctx, payCommand(sagaID2, "u9")); err != nil {
		t.Fatal(err)
	}
	undo2 := payCommand(sagaID2, "u9")
	undo2.Kind = saga.Undo
	if err := e.participant.Handle(ctx, undo2, undoStep); err != nil {
		t.Fatal(err)
	}
	if tot := e.fake.Totals(); tot.Succeeded != 1 || tot.Refunded != 1 {
		t.Fatalf("totals %+v, want the one charge refunded", tot)
	}
}

// The webhook verifies Stripe's signature (400 and no change otherwise),
// handles each event once and moves payments only forward, whatever the
// order events arrive in.
func TestWebhook_verifiedDedupedOrderInsensitive(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	h := httpx.Handler(e.svc.webhook)
	srv := httptest.NewServer(h)
	defer srv.Close()
	post := func(body []byte, sig string) int {
		req, _ := http.NewRequest(http.MethodPost, srv.URL, bytes.NewReader(body))
		req.Header.Set("Stripe-Signature", sig)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	e.customer("u3", "pm_card_visa")
	sagaID := "00000000-0000-4000-8000-000000000004"
	if err := e.participant.Handle(ctx, payCommand(sagaID, "u3"), e.step()); err != nil {
		t.Fatal(err)
	}
	p := e.payment(PaymentID(sagaID))
	// Refund outside the saga (the dashboard): Stripe then sends
	// charge.refunded; deliver it before payment_intent.succeeded.
	if _, err := e.svc.gw.Refund(ctx, "dashboard-refund", p.PaymentIntentID); err != nil {
		t.Fatal(err)
	}
	evs := map[string][]byte{}
	for _, ev := range e.fake.Events() {
		evs[ev.Type] = ev.Body
	}
	refunded, succeeded := evs["charge.refunded"], evs["payment_intent.succeeded"]
	if refunded == nil || succeeded == nil {
		t.Fatalf("fake sent %v", e.fake.Events())
	}

	t.Run("webhook_400_invalid_signature", func(t *testing.T) {
		if got := post(refunded, stripefake.Sign(refunded, "whsec_wrong", time.Now())); got != 400 {
			t.Fatalf("status %d", got)
		}
		if got := post(refunded, ""); got != 400 {
			t.Fatalf("status %d without a signature", got)
		}
		// Validly signed, but dated beyond the tolerance ahead: a payload
		// signed in advance to be replayed later.
		if got := post(refunded, stripefake.Sign(refunded, testSecret, time.Now().Add(10*time.Minute))); got != 400 {
			t.Fatalf("status %d for a signature dated 10 minutes ahead", got)
		}
		if got := post(refunded, stripefake.Sign(refunded, testSecret, time.Now().Add(-10*time.Minute))); got != 400 {
			t.Fatalf("status %d for a signature 10 minutes old", got)
		}
		if st := e.payment(p.ID).Status; st != StatusSucceeded {
			t.Fatalf("payment %s after a rejected webhook", st)
		}
	})
	for range 2 {
		if got := post(refunded, stripefake.Sign(refunded, testSecret, time.Now())); got != 200 {
			t.Fatalf("charge.refunded: %d", got)
		}
	}
	if got := post(succeeded, stripefake.Sign(succeeded, testSecret, time.Now())); got != 200 {
		t.Fatalf("payment_intent.succeeded: %d", got)
	}
	if st := e.payment(p.ID).Status; st != StatusRefunded {
		t.Fatalf("payment %s, want refunded whatever the order", st)
	}
	if n := len(e.pub.Events(billingmsg.EventPaymentRefunded)); n != 1 {
		t.Fatalf("payment.refunded published %d times, want 1", n)
	}
}

// Cards are saved through a SetupIntent confirmed in the browser: the
// setup_intent.succeeded webhook makes its payment method the default.
func TestSetupIntent_savesCard_onWebhook(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	srv := httptest.NewServer(httpx.Handler(e.svc.webhook))
	defer srv.Close()
	e.fake.SetWebhookURL(srv.URL)
	c, err := e.svc.ensureCustomer(ctx, "u4")
	if err != nil {
		t.Fatal(err)
	}
	si, err := e.svc.gw.CreateSetupIntent(ctx, c.StripeCustomerID)
	if err != nil || si.ClientSecret == "" {
		t.Fatalf("setup intent %+v %v", si, err)
	}
	// What Stripe.js does in the browser.
	req, _ := http.NewRequest(http.MethodPost, e.fake.URL+"/v1/setup_intents/"+si.ID+"/confirm",
		bytes.NewBufferString("payment_method=pm_card_visa"))
	req.Header.Set("Authorization", "Bearer "+testKey)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("confirm: %v %v", resp, err)
	}
	resp.Body.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got, _, err := e.svc.store.getCustomer(ctx, "u4")
		if err != nil {
			t.Fatal(err)
		}
		if got.PaymentMethod != "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the webhook did not save the card")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
