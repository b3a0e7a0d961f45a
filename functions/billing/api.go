package billing

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/subscribe"
	"github.com/kwipper/kwipper/functions/subscribe/saga"
	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/httpx"
	"github.com/kwipper/kwipper/shared/spanx"
)

// WebhookConsumer is the name webhook events are deduplicated under.
const WebhookConsumer = "billing-webhook"

// Service is the Billing service.
type Service struct {
	store         store
	gw            *Gateway
	webhookSecret string
	participant   *saga.Participant
	log           *slog.Logger
	now           func() time.Time
}

// Config is what New needs.
type Config struct {
	// DB is a client of the billing database.
	DB *spanner.Client
	// Outbox sends replies and events with the changes that cause them.
	Outbox *events.Outbox
	// Gateway calls Stripe; nil makes every Stripe-backed function answer
	// 503 (a local process started without Stripe configured).
	Gateway *Gateway
	// WebhookSecret verifies Stripe-Signature.
	WebhookSecret string
	// Log is the logger (default slog.Default()).
	Log *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// New returns the Billing service; DB and Outbox are required.
func New(c Config) *Service {
	if c.DB == nil || c.Outbox == nil {
		panic("billing.New: Config.DB and Config.Outbox are required")
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return &Service{store: store{db: c.DB, outbox: c.Outbox}, gw: c.Gateway, webhookSecret: c.WebhookSecret, log: c.Log, now: c.Now,
		participant: &saga.Participant{DB: c.DB, Outbox: c.Outbox, Publisher: c.Outbox.Publisher, Log: c.Log}}
}

// Handlers returns the service's function handlers by function name.
func (s *Service) Handlers() map[string]http.Handler {
	return map[string]http.Handler{
		"billing-save-card":      httpx.Handler(s.saveCard),
		"billing-setup-intent":   httpx.Handler(s.setupIntent),
		"billing-webhook":        httpx.Handler(s.webhook),
		"billing-do-payment":     events.Push(s.participant.Handler(saga.Step{Prepare: s.preparePayment, Apply: s.applyPayment})),
		"billing-refund-payment": events.Push(s.participant.Handler(saga.Step{Prepare: s.prepareRefund, Apply: s.applyRefund, AlwaysUndo: true})),
		"billing-outbox-relay":   events.Push(s.relay),
		"billing-charge-renewal": events.Push(s.chargeRenewal),
	}
}

var errNoStripe = errs.E(errs.Unavailable, "Stripe is not configured (KW_STRIPE_SECRET_KEY); scripts/dev starts a local Stripe fake")

// ensureCustomer returns the caller's customer, creating it at Stripe (with
// an idempotency key per user) and here when it is new.
func (s *Service) ensureCustomer(ctx context.Context, userID string) (Customer, error) {
	c, ok, err := s.store.customer(ctx, s.store.db.Single(), userID)
	if err != nil || ok {
		return c, err
	}
	id, err := s.gw.CreateCustomer(ctx, userID)
	if err != nil {
		return Customer{}, err
	}
	c = Customer{UserID: userID, StripeCustomerID: id}
	return c, s.store.saveCustomer(ctx, c)
}

// saveCard attaches a payment method to the caller's customer and makes it
// the card their subscriptions are paid with.
func (s *Service) saveCard(w http.ResponseWriter, r *http.Request) error {
	if s.gw == nil {
		return errNoStripe
	}
	var req SaveCardRequest
	if err := httpx.Decode(w, r, &req); err != nil {
		return err
	}
	if err := validateSaveCard(req); err != nil {
		return err
	}
	p := auth.Caller(r)
	c, err := s.ensureCustomer(r.Context(), p.UserID)
	if err != nil {
		return err
	}
	card, err := s.gw.AttachCard(r.Context(), c.StripeCustomerID, strings.TrimSpace(req.PaymentMethodID))
	if errs.Is(err, errs.Invalid) {
		return &errs.Error{Kind: errs.Invalid, Message: "the payment method could not be saved", Err: err,
			Fields: map[string]string{"payment_method_id": "Stripe does not know this payment method, or it cannot be attached to you"}}
	}
	if err != nil {
		return err
	}
	c.PaymentMethod, c.CardBrand, c.CardLast4 = card.PaymentMethodID, card.Brand, card.Last4
	if err := s.store.saveCustomer(r.Context(), c); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, CardView{PaymentMethodID: card.PaymentMethodID, Brand: card.Brand, Last4: card.Last4})
	return nil
}

// setupIntent starts saving a card in a browser: Stripe.js confirms the
// returned client secret, and the setup_intent.succeeded webhook saves it.
func (s *Service) setupIntent(w http.ResponseWriter, r *http.Request) error {
	if s.gw == nil {
		return errNoStripe
	}
	p := auth.Caller(r)
	c, err := s.ensureCustomer(r.Context(), p.UserID)
	if err != nil {
		return err
	}
	si, err := s.gw.CreateSetupIntent(r.Context(), c.StripeCustomerID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, si)
	return nil
}

// preparePayment charges the learner's saved card for a saga, outside any
// transaction: our payment record first (attempting), then the
// PaymentIntent with the saga's idempotency key. A payment already settled
// here is not charged again, nor is one whose key Stripe may have forgotten.
// It returns the settled Payment, or a saga.Outcome for failures known
// before Stripe is asked.
func (s *Service) preparePayment(ctx context.Context, cmd saga.Command) (any, error) {
	var args saga.PaymentArgs
	if err := cmd.Decode(&args); err != nil {
		return nil, err
	}
	if _, err := StripeCurrency(args.Amount); err != nil {
		return saga.Failure("price_unknown", "the course has no price in a supported currency"), nil
	}
	if s.gw == nil {
		return nil, errNoStripe
	}
	c, ok, err := s.store.customer(ctx, s.store.db.Single(), cmd.UserID)
	if err != nil {
		return nil, err
	}
	if !ok || c.PaymentMethod == "" {
		return saga.Failure("no_payment_method", "save a card first (POST /v1/billing/payment-methods)"), nil
	}
	p, err := s.store.begin(ctx, Payment{ID: PaymentID(cmd.SagaID), SagaID: cmd.SagaID, UserID: cmd.UserID, Amount: args.Amount})
	if err != nil {
		return nil, err
	}
	if p.Status != StatusAttempting {
		return p, nil // settled before: never charge twice
	}
	if p.PaymentIntentID == "" && !p.CreatedAt.IsZero() && s.now().Sub(p.CreatedAt) > ReplayWindow {
		s.log.ErrorContext(ctx, "payment attempt older than Stripe's idempotency window: not retrying; reconcile by hand",
			"payment_id", p.ID, "saga_id", cmd.SagaID)
		return saga.Failure("payment_unreconciled", "the payment could not be confirmed; nothing more will be charged"), nil
	}
	res, err := s.gw.Charge(ctx, paymentKey(cmd.SagaID), c.StripeCustomerID, c.PaymentMethod, args.Amount, args.Description,
		map[string]string{"saga_id": cmd.SagaID, "user_id": cmd.UserID, "course_id": cmd.CourseID})
	if errs.Is(err, errs.Invalid) {
		p.Status, p.FailureCode, p.FailureMessage = StatusFailed, "payment_rejected", "the payment could not be made with the saved card"
		s.log.WarnContext(ctx, "Stripe rejected a payment request", "payment_id", p.ID, "err", err.Error())
		return p, nil
	}
	if err != nil {
		return nil, err
	}
	p.PaymentIntentID = res.PaymentIntentID
	if res.Succeeded {
		p.Status = StatusSucceeded
	} else {
		p.Status, p.FailureCode, p.FailureMessage = StatusFailed, res.Decline.Code, res.Decline.Message
	}
	return p, nil
}

// applyPayment records the payment's outcome with the step.
func (s *Service) applyPayment(ctx context.Context, tx *spanx.Tx, _ saga.Command, in saga.Input) (saga.Outcome, error) {
	switch v := in.Prepared.(type) {
	case saga.Outcome:
		return v, nil
	case Payment:
		cur, ok, err := s.store.payment(ctx, tx, v.ID)
		if err != nil {
			return saga.Outcome{}, err
		}
		if ok && Forward(cur.Status, v.Status) {
			if err := s.store.settle(tx, v); err != nil {
				return saga.Outcome{}, err
			}
		}
		if v.Status == StatusSucceeded {
			return saga.Success(saga.PaymentData{PaymentID: v.ID, PaymentIntentID: v.PaymentIntentID}), nil
		}
		if v.FailureCode == "" {
			return saga.Failure("card_declined", "your card was declined; try another card"), nil
		}
		return saga.Failure(v.FailureCode, v.FailureMessage), nil
	}
	return saga.Outcome{}, errors.New("billing: payment step prepared nothing")
}

// prepareRefund refunds the payment the command names (args.payment_id: a
// refund saga's latest-period payment), or else the saga's own payment, when
// it succeeded, with that payment's refund idempotency key. A payment still
// attempting (its charge was interrupted) is settled first by replaying the
// charge with the same key.
func (s *Service) prepareRefund(ctx context.Context, cmd saga.Command) (any, error) {
	id := PaymentID(cmd.SagaID)
	var args saga.PaymentArgs
	if len(cmd.Args) > 0 {
		if err := cmd.Decode(&args); err != nil {
			return nil, err
		}
		if args.PaymentID != "" {
			id = args.PaymentID
		}
	}
	p, ok, err := s.store.payment(ctx, s.store.db.Single(), id)
	if err != nil || !ok || p.UserID != cmd.UserID {
		return nil, err // none of this learner's: nothing to refund
	}
	if s.gw == nil {
		return nil, errNoStripe
	}
	if p.Status == StatusAttempting {
		c, _, err := s.store.customer(ctx, s.store.db.Single(), p.UserID)
		if err != nil {
			return nil, err
		}
		res, err := s.gw.Charge(ctx, chargeKeyOf(cmd.SagaID, id), c.StripeCustomerID, c.PaymentMethod, p.Amount, "", nil)
		if err != nil && !errs.Is(err, errs.Invalid) {
			return nil, err
		}
		p.PaymentIntentID = res.PaymentIntentID
		if res.Succeeded {
			p.Status = StatusSucceeded
		} else {
			p.Status = StatusFailed
		}
	}
	if p.Status != StatusSucceeded {
		return p, nil
	}
	reID, err := s.gw.Refund(ctx, refundKeyOf(cmd.SagaID, id), p.PaymentIntentID)
	if err != nil {
		return nil, err
	}
	p.Status, p.RefundID = StatusRefunded, reID
	return p, nil
}

// applyRefund records the refund with the step.
func (s *Service) applyRefund(ctx context.Context, tx *spanx.Tx, _ saga.Command, in saga.Input) (saga.Outcome, error) {
	v, ok := in.Prepared.(Payment)
	if !ok {
		return saga.Success(nil), nil // no payment: nothing to refund
	}
	cur, found, err := s.store.payment(ctx, tx, v.ID)
	if err != nil {
		return saga.Outcome{}, err
	}
	if found && (Forward(cur.Status, v.Status) || (cur.PaymentIntentID == "" && v.PaymentIntentID != "")) {
		if err := s.store.settle(tx, v); err != nil {
			return saga.Outcome{}, err
		}
	}
	return saga.Success(nil), nil
}

// relay publishes what the outbox still holds.
func (s *Service) relay(ctx context.Context, _ events.Message) error {
	_, err := s.store.outbox.Sweep(ctx, 500)
	return err
}

// Plugin plugs the Billing service into the platform. In the cloud it needs
// KW_STRIPE_SECRET_KEY and KW_STRIPE_WEBHOOK_SECRET; locally scripts/dev and
// apitest point it at the Stripe fake (functions/billing/stripefake).
var Plugin = fnreg.Service{
	Name: "billing", Database: Database, Publishes: []string{subscribe.BillingTopic, saga.RepliesTopic}, Migrations: Migrations,
	Build: func(d fnreg.Deps) (map[string]http.Handler, error) {
		st := d.Config.Stripe
		var gw *Gateway
		switch {
		case st.SecretKey != "":
			gw = NewGateway(st.SecretKey.Reveal(), st.APIBase)
		case d.Config.Env == "cloud":
			return nil, errors.New("billing: KW_STRIPE_SECRET_KEY is required")
		}
		if d.Config.Env == "cloud" && st.WebhookSecret == "" {
			return nil, errors.New("billing: KW_STRIPE_WEBHOOK_SECRET is required")
		}
		return New(Config{DB: d.DB, Outbox: d.Outbox, Gateway: gw, WebhookSecret: st.WebhookSecret.Reveal(), Log: d.Log}).Handlers(), nil
	},
}
