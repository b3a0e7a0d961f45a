package billing

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/stripe/stripe-go/v85"

	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/money"
)

// Gateway is the subset of Stripe the service uses, through stripe-go's
// client API. APIBase, when set, sends every call there (the local fake,
// stripe-mock) instead of Stripe.
type Gateway struct {
	sc *stripe.Client
}

// NewGateway returns a Gateway with secret key key.
func NewGateway(key, apiBase string) *Gateway {
	cfg := &stripe.BackendConfig{
		HTTPClient:        &http.Client{Timeout: 30 * time.Second},
		LeveledLogger:     &stripe.LeveledLogger{Level: stripe.LevelNull},
		MaxNetworkRetries: stripe.Int64(2),
	}
	if apiBase != "" {
		cfg.URL = stripe.String(apiBase)
	}
	return &Gateway{sc: stripe.NewClient(key, stripe.WithBackends(stripe.NewBackendsWithConfig(cfg)))}
}

// CreateCustomer creates the Stripe customer of user (idempotent per user).
func (g *Gateway) CreateCustomer(ctx context.Context, userID string) (string, error) {
	p := &stripe.CustomerCreateParams{Metadata: map[string]string{"user_id": userID}}
	p.SetIdempotencyKey("customer-" + userID)
	c, err := g.sc.V1Customers.Create(ctx, p)
	if err != nil {
		return "", stripeErr(err, "create customer")
	}
	return c.ID, nil
}

// DeleteCustomer deletes customer at Stripe, which detaches every payment
// method saved on it for good; a customer Stripe no longer has counts as
// deleted (a retried deletion).
func (g *Gateway) DeleteCustomer(ctx context.Context, customer string) error {
	_, err := g.sc.V1Customers.Delete(ctx, customer, nil)
	var se *stripe.Error
	if errors.As(err, &se) && (se.HTTPStatusCode == http.StatusNotFound || se.Code == stripe.ErrorCodeResourceMissing) {
		return nil
	}
	if err != nil {
		return stripeErr(err, "delete customer")
	}
	return nil
}

// Card is a saved card.
type Card struct {
	PaymentMethodID, Brand, Last4 string
}

// AttachCard attaches payment method pm to customer and makes it the
// customer's default.
func (g *Gateway) AttachCard(ctx context.Context, customer, pm string) (Card, error) {
	got, err := g.sc.V1PaymentMethods.Attach(ctx, pm, &stripe.PaymentMethodAttachParams{Customer: stripe.String(customer)})
	if err != nil {
		return Card{}, stripeErr(err, "attach payment method")
	}
	if _, err := g.sc.V1Customers.Update(ctx, customer, &stripe.CustomerUpdateParams{
		InvoiceSettings: &stripe.CustomerUpdateInvoiceSettingsParams{DefaultPaymentMethod: stripe.String(got.ID)},
	}); err != nil {
		return Card{}, stripeErr(err, "set default payment method")
	}
	c := Card{PaymentMethodID: got.ID}
	if got.Card != nil {
		c.Brand, c.Last4 = string(got.Card.Brand), got.Card.Last4
	}
	return c, nil
}

// RetrieveCard returns payment method pm.
func (g *Gateway) RetrieveCard(ctx context.Context, pm string) (Card, error) {
	got, err := g.sc.V1PaymentMethods.Retrieve(ctx, pm, nil)
	if err != nil {
		return Card{}, stripeErr(err, "retrieve payment method")
	}
	c := Card{PaymentMethodID: got.ID}
	if got.Card != nil {
		c.Brand, c.Last4 = string(got.Card.Brand), got.Card.Last4
	}
	return c, nil
}

// CreateSetupIntent starts saving a card in a browser for customer.
func (g *Gateway) CreateSetupIntent(ctx context.Context, customer string) (SetupIntentView, error) {
	si, err := g.sc.V1SetupIntents.Create(ctx, &stripe.SetupIntentCreateParams{
		Customer: stripe.String(customer), Usage: stripe.String("off_session"),
		PaymentMethodTypes: []*string{stripe.String("card")},
		Metadata:           map[string]string{"make_default": "true"},
	})
	if err != nil {
		return SetupIntentView{}, stripeErr(err, "create setup intent")
	}
	return SetupIntentView{ID: si.ID, ClientSecret: si.ClientSecret}, nil
}

// SetupResult is a card set up for later off-session charges: Status is
// Stripe's SetupIntent status ("succeeded", or "requires_action" when the
// bank asks the learner to authenticate: ClientSecret and NextAction are
// then what Stripe.js needs, and the setup_intent.succeeded webhook saves
// the card once they did).
type SetupResult struct {
	SetupIntentID string
	Status        string
	ClientSecret  string
	NextAction    string
	Method        PaymentMethod
}

// SetUpCard saves card pm for customer the way Stripe documents for later
// off-session charges: a SetupIntent with usage off_session, confirmed now
// with the card (key: the Stripe idempotency key). makeDefault travels in
// the SetupIntent's metadata for the webhook that finishes an
// authenticated setup. A declined card is errs.PaymentRequired; a payment
// method Stripe does not know, or another customer's, errs.Invalid.
func (g *Gateway) SetUpCard(ctx context.Context, key, customer, pm string, makeDefault bool) (SetupResult, error) {
	p := &stripe.SetupIntentCreateParams{
		Customer: stripe.String(customer), PaymentMethod: stripe.String(pm), Confirm: stripe.Bool(true),
		Usage: stripe.String("off_session"), PaymentMethodTypes: []*string{stripe.String("card")},
		Metadata: map[string]string{"make_default": strconv.FormatBool(makeDefault)},
	}
	p.AddExpand("payment_method")
	p.SetIdempotencyKey(key)
	si, err := g.sc.V1SetupIntents.Create(ctx, p)
	if err != nil {
		return SetupResult{}, stripeErr(err, "set up the card")
	}
	r := SetupResult{SetupIntentID: si.ID, Status: string(si.Status), ClientSecret: si.ClientSecret}
	if si.NextAction != nil {
		r.NextAction = string(si.NextAction.Type)
	}
	if si.PaymentMethod != nil {
		r.Method = methodFromStripe(si.PaymentMethod)
	}
	if r.Method.ID == "" {
		r.Method.ID = pm
	}
	return r, nil
}

// methodFromStripe is our view of a Stripe payment method.
func methodFromStripe(pm *stripe.PaymentMethod) PaymentMethod {
	m := PaymentMethod{ID: pm.ID, Type: string(pm.Type)}
	if m.Type == "" {
		m.Type = "card"
	}
	if c := pm.Card; c != nil {
		m.Brand, m.Last4, m.ExpMonth, m.ExpYear = string(c.Brand), c.Last4, c.ExpMonth, c.ExpYear
	}
	return m
}

// RetrieveMethod returns payment method pm.
func (g *Gateway) RetrieveMethod(ctx context.Context, pm string) (PaymentMethod, error) {
	got, err := g.sc.V1PaymentMethods.Retrieve(ctx, pm, nil)
	if err != nil {
		return PaymentMethod{}, stripeErr(err, "retrieve payment method")
	}
	return methodFromStripe(got), nil
}

// Detach detaches payment method pm from its customer; one Stripe no longer
// knows or that is attached to no customer counts as detached.
func (g *Gateway) Detach(ctx context.Context, pm string) error {
	_, err := g.sc.V1PaymentMethods.Detach(ctx, pm, &stripe.PaymentMethodDetachParams{})
	if err == nil {
		return nil
	}
	var se *stripe.Error
	if errors.As(err, &se) && se.Type == stripe.ErrorTypeInvalidRequest {
		return nil // not attached (detached before), or unknown
	}
	return stripeErr(err, "detach payment method")
}

// ChargeResult is what a charge did: succeeded, waiting for the learner to
// authenticate (ActionRequired: the PaymentIntent's next action), or
// declined (Decline set). PaymentIntentID is set whenever Stripe created one.
type ChargeResult struct {
	PaymentIntentID string
	Succeeded       bool
	ActionRequired  bool
	NextAction      string
	Decline         Decline
	// Instructions are what the learner needs to pay a pay-later
	// payment (nil for cards).
	Instructions *Instructions
}

// Charge charges amount to customer's card pm with idempotency key key:
// off-session (renewals: a card that needs authentication declines with
// authentication_required), or on-session (the learner is there, e.g. their
// first payment: such a card leaves the PaymentIntent in requires_action for
// them to authenticate). A decline is a result, not an error; an error means
// a retry may help.
func (g *Gateway) Charge(ctx context.Context, key, customer, pm string, amount money.Money, description string, metadata map[string]string, onSession bool) (ChargeResult, error) {
	cur, err := StripeCurrency(amount)
	if err != nil {
		return ChargeResult{}, err
	}
	p := &stripe.PaymentIntentCreateParams{
		Amount: stripe.Int64(amount.Amount), Currency: stripe.String(cur),
		Customer: stripe.String(customer), PaymentMethod: stripe.String(pm),
		PaymentMethodTypes: []*string{stripe.String("card")},
		Confirm:            stripe.Bool(true),
		Description:        stripe.String(description), Metadata: metadata,
	}
	if !onSession {
		p.OffSession = stripe.Bool(true)
	}
	p.SetIdempotencyKey(key)
	return g.createIntent(ctx, p)
}

// createIntent creates (and confirms) PaymentIntent p: a card error is a
// decline, not an error; any other refusal is one.
func (g *Gateway) createIntent(ctx context.Context, p *stripe.PaymentIntentCreateParams) (ChargeResult, error) {
	pi, err := g.sc.V1PaymentIntents.Create(ctx, p)
	var se *stripe.Error
	if errors.As(err, &se) && se.Type == stripe.ErrorTypeCard {
		r := ChargeResult{Decline: declineOf(string(se.Code), string(se.DeclineCode))}
		if se.PaymentIntent != nil {
			r.PaymentIntentID = se.PaymentIntent.ID
		}
		return r, nil
	}
	if err != nil {
		return ChargeResult{}, stripeErr(err, "create payment intent")
	}
	return resultOf(pi), nil
}

// resultOf is what PaymentIntent pi says of its charge.
func resultOf(pi *stripe.PaymentIntent) ChargeResult {
	r := ChargeResult{PaymentIntentID: pi.ID, Instructions: instructionsOf(pi)}
	switch pi.Status {
	case stripe.PaymentIntentStatusSucceeded, stripe.PaymentIntentStatusProcessing:
		r.Succeeded = true
	case stripe.PaymentIntentStatusRequiresAction:
		r.ActionRequired, r.Decline = true, declineOf("authentication_required", "")
		if pi.NextAction != nil {
			r.NextAction = string(pi.NextAction.Type)
		}
	default:
		r.Decline = declineOf("card_declined", "")
		if e := pi.LastPaymentError; e != nil {
			r.Decline = declineOf(string(e.Code), string(e.DeclineCode))
		}
	}
	return r
}

// IntentAction is what a learner needs to authenticate a payment with
// Stripe.js: the PaymentIntent's client secret and next action.
type IntentAction struct {
	Status       string
	ClientSecret string
	NextAction   string
	Instructions *Instructions
}

// Intent returns PaymentIntent pi's outcome and, while it waits for the
// learner, what they need.
func (g *Gateway) Intent(ctx context.Context, pi string) (ChargeResult, IntentAction, error) {
	got, err := g.sc.V1PaymentIntents.Retrieve(ctx, pi, nil)
	if err != nil {
		return ChargeResult{}, IntentAction{}, stripeErr(err, "retrieve payment intent")
	}
	r := resultOf(got)
	return r, IntentAction{Status: string(got.Status), ClientSecret: got.ClientSecret, NextAction: r.NextAction, Instructions: r.Instructions}, nil
}

// FoundIntent is a PaymentIntent found by its metadata.
type FoundIntent struct {
	Result   ChargeResult
	Status   string
	Metadata map[string]string
}

// FindIntents returns the PaymentIntents whose metadata key is value
// (Stripe's search API: metadata['key']:'value').
func (g *Gateway) FindIntents(ctx context.Context, key, value string) ([]FoundIntent, error) {
	p := &stripe.PaymentIntentSearchParams{}
	p.Query = "metadata['" + key + "']:'" + value + "'"
	var out []FoundIntent
	for pi, err := range g.sc.V1PaymentIntents.Search(ctx, p).All(ctx) {
		if err != nil {
			return nil, stripeErr(err, "search payment intents")
		}
		out = append(out, FoundIntent{Result: resultOf(pi), Status: string(pi.Status), Metadata: pi.Metadata})
	}
	return out, nil
}

// CancelIntent cancels PaymentIntent pi so it can no longer be paid (a
// payment given up on: authentication timed out, its saga compensated). It
// reports the PaymentIntent's outcome: Succeeded when the learner paid
// before the cancel (then it must be refunded).
func (g *Gateway) CancelIntent(ctx context.Context, key, pi string) (ChargeResult, error) {
	p := &stripe.PaymentIntentCancelParams{CancellationReason: stripe.String("abandoned")}
	p.SetIdempotencyKey(key)
	got, err := g.sc.V1PaymentIntents.Cancel(ctx, pi, p)
	var se *stripe.Error
	if errors.As(err, &se) && se.Type == stripe.ErrorTypeInvalidRequest && se.HTTPStatusCode != http.StatusNotFound {
		r, _, ierr := g.Intent(ctx, pi) // not cancelable: succeeded or canceled already
		return r, ierr
	}
	if err != nil {
		return ChargeResult{}, stripeErr(err, "cancel payment intent")
	}
	return resultOf(got), nil
}

// Refund refunds payment intent pi in full with idempotency key key.
func (g *Gateway) Refund(ctx context.Context, key, pi string) (string, error) {
	p := &stripe.RefundCreateParams{PaymentIntent: stripe.String(pi)}
	p.SetIdempotencyKey(key)
	re, err := g.sc.V1Refunds.Create(ctx, p)
	var se *stripe.Error
	if errors.As(err, &se) && se.Code == stripe.ErrorCodeChargeAlreadyRefunded {
		return "", nil // refunded before (e.g. from the dashboard)
	}
	if err != nil {
		return "", stripeErr(err, "create refund")
	}
	return re.ID, nil
}

// stripeErr turns a Stripe failure into the error vocabulary: invalid
// requests are Invalid (the message says what Stripe objected to), the rest
// Unavailable (a retry may help).
func stripeErr(err error, what string) error {
	var se *stripe.Error
	if errors.As(err, &se) {
		switch se.Type {
		case stripe.ErrorTypeInvalidRequest:
			if se.HTTPStatusCode == http.StatusNotFound || se.Code == stripe.ErrorCodeResourceMissing {
				return errs.Wrap(errs.Invalid, err, "Stripe does not know this "+paramOr(se.Param, "object"))
			}
			return errs.Wrap(errs.Invalid, err, "Stripe refused to "+what+": "+se.Msg)
		case stripe.ErrorTypeCard:
			return errs.Wrap(errs.PaymentRequired, err, declineOf(string(se.Code), string(se.DeclineCode)).Message)
		}
	}
	return errs.Wrap(errs.Unavailable, err, "stripe: "+what)
}

func paramOr(p, def string) string {
	if p != "" {
		return p
	}
	return def
}
