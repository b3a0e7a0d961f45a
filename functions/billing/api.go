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
	"github.com/kwipper/kwipper/shared/tax"
)

// Service is the Billing service.
type Service struct {
	store         store
	gw            *Gateway
	webhookSecret string
	log           *slog.Logger
	now           func() time.Time
	actionTimeout time.Duration
	taxRates      tax.Table
	payLater      map[string]MethodWait
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
	if c.ActionTimeout <= 0 {
		c.ActionTimeout = DefaultActionTimeout
	}
	if c.TaxRates == nil {
		r := tax.Default()
		c.TaxRates = &r
	}
	st := newStore(d)
	st.rates = c.TaxRates
	return &Service{store: st, gw: gw, webhookSecret: c.WebhookSecret.Reveal(), log: log, now: c.Now, actionTimeout: c.ActionTimeout,
		taxRates: *c.TaxRates, payLater: c.PayLater}
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

// saveCard sets up a card for the caller's later off-session charges (a
// SetupIntent with usage off_session, confirmed with the card) and saves it
// beside the others, the default unless the request says otherwise. When the
// bank asks the learner to authenticate the setup, it answers 202 with the
// SetupIntent's client secret; the setup_intent.succeeded webhook saves the
// card once they did. A refused card changes nothing.
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
	pmID := strings.TrimSpace(req.PaymentMethodID)
	makeDefault := req.Default == nil || *req.Default
	before, err := s.store.getWallet(r.Context(), p.UserID)
	if err != nil {
		return err
	}
	if !hasMethod(before.Methods, pmID) && len(before.Methods) >= MaxSavedMethods {
		return ErrTooManyMethods
	}
	c, err := s.ensureCustomer(r.Context(), p.UserID)
	if err != nil {
		return err
	}
	res, err := s.gw.SetUpCard(r.Context(), setupKey(p.UserID, pmID, makeDefault), c.StripeCustomerID, pmID, makeDefault)
	if errs.Is(err, errs.Invalid) {
		return &errs.Error{Kind: errs.Invalid, Message: "the payment method could not be saved", Err: err,
			Fields: map[string]string{"payment_method_id": "Stripe does not know this payment method, or it cannot be attached to you"}}
	}
	if err != nil {
		return err
	}
	if res.Status != "succeeded" {
		httpx.WriteJSON(w, http.StatusAccepted, MethodView{ID: pmID, Type: "card", Status: res.Status,
			SetupIntentID: res.SetupIntentID, ClientSecret: res.ClientSecret, NextAction: res.NextAction})
		return nil
	}
	wal, err := s.store.addMethod(r.Context(), p.UserID, res.Method, makeDefault)
	if err != nil {
		return err
	}
	m, _ := methodOf(wal.Methods, res.Method.ID)
	v := methodView(m, wal.Customer.PaymentMethod)
	v.SetupIntentID = res.SetupIntentID
	httpx.WriteJSON(w, http.StatusCreated, v)
	return nil
}

// listMethods answers the caller's saved payment methods (newest first, the
// default marked) and the methods their country offers.
func (s *Service) listMethods(w http.ResponseWriter, r *http.Request) error {
	wal, err := s.store.getWallet(r.Context(), auth.Caller(r).UserID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, walletView(wal))
	return nil
}

// setDefaultMethod makes one of the caller's saved methods the one payments
// are made with (404 for one that is not theirs, 409 for one a bank refused
// for good; nothing changes then).
func (s *Service) setDefaultMethod(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("paymentMethodId")
	wal, err := s.store.changeMethods(r.Context(), auth.Caller(r).UserID, id, func(_ Customer, m PaymentMethod, _ []PaymentMethod) (string, bool, error) {
		if m.Unusable != "" {
			return "", false, &errs.Error{Kind: errs.FailedPrecondition, Message: "the bank refused this payment method for good; save another",
				Details: map[string]string{"unusable": m.Unusable}}
		}
		return m.ID, false, nil
	})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, walletView(wal))
	return nil
}

// removeMethod detaches one of the caller's saved methods at Stripe and
// forgets it; when it was the default, the newest usable one left becomes
// the default (none: renewals fail with no_payment_method until another is
// saved). Not theirs: 404, nothing changes.
func (s *Service) removeMethod(w http.ResponseWriter, r *http.Request) error {
	if s.gw == nil {
		return errNoStripe
	}
	id := r.PathValue("paymentMethodId")
	userID := auth.Caller(r).UserID
	before, err := s.store.getWallet(r.Context(), userID)
	if err != nil {
		return err
	}
	if !hasMethod(before.Methods, id) {
		return ErrMethodNotFound
	}
	if err := s.gw.Detach(r.Context(), id); err != nil {
		return err
	}
	_, err = s.store.changeMethods(r.Context(), userID, id, func(c Customer, m PaymentMethod, ms []PaymentMethod) (string, bool, error) {
		return pickDefault(c.PaymentMethod, m.ID, ms), true, nil
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// MethodView is a saved payment method (or one whose setup waits for the
// learner: Status requires_action with ClientSecret and NextAction).
type MethodView struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	Brand    string `json:"brand,omitempty"`
	Last4    string `json:"last4,omitempty"`
	ExpMonth int64  `json:"exp_month,omitempty"`
	ExpYear  int64  `json:"exp_year,omitempty"`
	Default  bool   `json:"default"`
	// Status is "saved", or Stripe's SetupIntent status while the setup
	// waits for the learner ("requires_action"), or "unusable" after a
	// hard decline (UnusableCode says which).
	Status        string `json:"status"`
	UnusableCode  string `json:"unusable_code,omitempty"`
	SetupIntentID string `json:"setup_intent_id,omitempty"`
	ClientSecret  string `json:"client_secret,omitempty"`
	NextAction    string `json:"next_action,omitempty"`
}

// WalletView is GET /v1/billing/payment-methods: the caller's saved methods
// (newest first), the default one, their country and what it offers.
type WalletView struct {
	Country                string       `json:"country"`
	DefaultPaymentMethodID string       `json:"default_payment_method_id"`
	PaymentMethods         []MethodView `json:"payment_methods"`
	Available              []MethodType `json:"available"`
}

func methodView(m PaymentMethod, def string) MethodView {
	v := MethodView{ID: m.ID, Type: m.Type, Brand: m.Brand, Last4: m.Last4, ExpMonth: m.ExpMonth, ExpYear: m.ExpYear,
		Default: m.ID == def, Status: "saved", UnusableCode: m.Unusable}
	if m.Unusable != "" {
		v.Status = "unusable"
	}
	return v
}

func walletView(w wallet) WalletView {
	v := WalletView{Country: w.Country, DefaultPaymentMethodID: w.Customer.PaymentMethod, PaymentMethods: []MethodView{},
		Available: OfferedMethods(w.Country)}
	for _, m := range w.Methods {
		v.PaymentMethods = append(v.PaymentMethods, methodView(m, w.Customer.PaymentMethod))
	}
	return v
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

// paymentAction answers what the caller needs to authenticate one of their
// payments their bank asked about (3-D Secure): the PaymentIntent's client
// secret and next action for Stripe.js, and until when; or, for a payment
// made with a voucher, bank transfer or QR code, what to pay it with
// (Instructions). A payment that is
// not theirs is 404; one that waits for nothing is 409 with its status.
func (s *Service) paymentAction(w http.ResponseWriter, r *http.Request) error {
	if s.gw == nil {
		return errNoStripe
	}
	p, ok, err := s.store.getPayment(r.Context(), r.PathValue("paymentId"))
	if err != nil {
		return err
	}
	if !ok || p.UserID != auth.Caller(r).UserID {
		return errs.E(errs.NotFound, "no payment of yours has this id")
	}
	waits := p.Status == StatusActionRequired || (p.Status == StatusFailed && p.Class() == Action)
	if !waits || p.PaymentIntentID == "" {
		return &errs.Error{Kind: errs.FailedPrecondition, Message: "this payment does not wait for you to authenticate it",
			Details: map[string]string{"status": p.Status}}
	}
	res, act, err := s.gw.Intent(r.Context(), p.PaymentIntentID)
	if err != nil {
		return err
	}
	v := ActionView{PaymentID: p.ID, PaymentIntentID: p.PaymentIntentID, Status: act.Status, ClientSecret: act.ClientSecret,
		NextAction: act.NextAction, PaymentMethodID: p.PaymentMethodID, MethodType: p.MethodType}
	if act.Instructions != nil && p.Status == StatusActionRequired {
		v.Kind, v.Instructions = act.Instructions.Kind, act.Instructions
	}
	if !p.ActionDeadline.IsZero() {
		v.ExpiresAt = &p.ActionDeadline
	}
	if res.Succeeded || act.Status == "canceled" {
		v.ClientSecret = "" // nothing left to confirm
	}
	httpx.WriteJSON(w, http.StatusOK, v)
	return nil
}

// ActionView is what a learner needs to authenticate a payment with
// Stripe.js (stripe.confirmCardPayment(client_secret, {payment_method})):
// Status is the PaymentIntent's (requires_action; requires_payment_method
// for an off-session renewal the bank wants confirmed on-session). For a
// pay-later payment (MethodType konbini, oxxo, customer_balance for SPEI,
// qris, gopay) Kind and Instructions say what to pay it with, and ExpiresAt
// is when Kwipper gives up on it (the instructions' own expiry, plus the
// time Stripe may take to confirm a payment made at the last moment).
type ActionView struct {
	PaymentID       string     `json:"payment_id"`
	PaymentIntentID string     `json:"payment_intent_id"`
	Status          string     `json:"status"`
	ClientSecret    string     `json:"client_secret,omitempty"`
	NextAction      string     `json:"next_action,omitempty"`
	PaymentMethodID string     `json:"payment_method_id,omitempty"`
	ExpiresAt       *time.Time `json:"expires_at,omitempty"`
	// MethodType is the pay-later method ("" for a card).
	MethodType string `json:"method_type,omitempty"`
	// Kind is voucher, bank_transfer or qr for a pay-later payment that
	// waits to be paid.
	Kind         string        `json:"kind,omitempty" enum:"voucher,bank_transfer,qr"`
	Instructions *Instructions `json:"instructions,omitempty"`
}

// setupKey is the Stripe idempotency key of saving card pm for user: a
// retry of the same request reuses it (one SetupIntent), and saving the same
// card again as default or not is another request with its own key (Stripe
// refuses a key reused with other parameters).
func setupKey(userID, pm string, makeDefault bool) string {
	if makeDefault {
		return "setup-" + userID + "-" + pm + "-default"
	}
	return "setup-" + userID + "-" + pm
}
