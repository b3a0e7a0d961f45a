package billing

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/httpx"
)

// Service is the Billing service.
type Service struct {
	store         store
	gw            *Gateway
	webhookSecret string
	log           *slog.Logger
	now           func() time.Time
}

// build makes the service from its settings.
func build(d fnreg.Deps) (*Service, error) {
	r := d.Env()
	c := loadConfig(r, d.Config.Env == "cloud")
	if err := r.Err(); err != nil {
		return nil, err
	}
	return New(d, c), nil
}

// New returns the Billing service on d's database and outbox with settings
// c. Without a Stripe key every Stripe-backed function answers 503 (a local
// process started without Stripe configured).
func New(d fnreg.Deps, c Config) *Service {
	log := d.Log
	if log == nil {
		log = slog.Default()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	var gw *Gateway
	if c.SecretKey != "" {
		gw = NewGateway(c.SecretKey.Reveal(), c.APIBase)
	}
	return &Service{store: newStore(d), gw: gw, webhookSecret: c.WebhookSecret.Reveal(), log: log, now: c.Now}
}

var errNoStripe = errs.E(errs.Unavailable, "Stripe is not configured (KW_STRIPE_SECRET_KEY); scripts/dev starts a local Stripe fake")

// ensureCustomer returns the caller's customer, creating it at Stripe (with
// an idempotency key per user) and here when it is new.
func (s *Service) ensureCustomer(ctx context.Context, userID string) (Customer, error) {
	c, ok, err := s.store.getCustomer(ctx, userID)
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

// SaveCardRequest is the body of POST /v1/billing/payment-methods: a Stripe
// payment method id (from Stripe.js, or a test id such as pm_card_visa).
type SaveCardRequest struct {
	PaymentMethodID string `json:"payment_method_id" example:"pm_card_visa"`
}

// CardView is the caller's saved card.
type CardView struct {
	PaymentMethodID string `json:"payment_method_id" example:"pm_1QxYz2AbCdEf"`
	Brand           string `json:"brand" example:"visa"`
	Last4           string `json:"last4" example:"4242"`
}

// SetupIntentView is a SetupIntent a browser confirms with Stripe.js.
type SetupIntentView struct {
	ID           string `json:"id" example:"seti_1QxYz2AbCdEf"`
	ClientSecret string `json:"client_secret" example:"seti_1QxYz2AbCdEf_secret_abc"`
}

// WebhookAck is the answer to a Stripe webhook.
type WebhookAck struct {
	Received bool `json:"received"`
}

// relay publishes what the outbox still holds; a Cloud Scheduler tick
// triggers it every minute.
func (s *Service) relay(ctx context.Context, _ events.Message) error {
	_, err := s.store.outbox.Sweep(ctx, 500)
	return err
}
