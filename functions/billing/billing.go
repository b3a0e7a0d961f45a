// Package billing is Kwipper's Billing service: a Stripe customer per user
// with a saved card (a SetupIntent for browsers, or a payment method id for
// API clients), the subscribe saga's payment step (a PaymentIntent on the
// saved card) and its compensation (a Refund), and the Stripe webhook that
// keeps payment state in step with Stripe. It owns the "billing" database.
//
// Every Stripe call that moves money carries an idempotency key derived from
// the saga ("saga-<id>-payment", "saga-<id>-refund"), and the Payments table
// is written before Stripe is called, so neither a redelivered command nor a
// replay after Stripe has forgotten the key charges twice.
//
// billing.go is the domain: payment statuses and their order, what Stripe's
// declines mean to a learner, currencies (no cloud SDK). api.go holds the
// thin HTTP handlers and their request and response types, payments.go the
// saga's payment step and renewal charges (the Stripe calls), webhook.go
// Stripe's webhook, stripe.go the Stripe gateway, routes.go the service's
// functions, config.go its settings, store*.go the Spanner storage.
package billing

import (
	"strings"
	"time"

	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/money"
)

// Payment statuses.
const (
	StatusAttempting     = "attempting"      // recorded; Stripe is being called
	StatusActionRequired = "requires_action" // waits for the learner to authenticate (3-D Secure) until ActionDeadline
	StatusFailed         = "failed"          // declined, or not authenticated in time
	StatusSucceeded      = "succeeded"
	StatusRefunded       = "refunded"
)

// CodeActionTimedOut is the failure of a payment the learner did not
// authenticate before its deadline.
const CodeActionTimedOut = "authentication_timed_out"

// DefaultActionTimeout is how long a payment waits for the learner to
// authenticate it (KW_PAYMENT_ACTION_TIMEOUT).
const DefaultActionTimeout = 30 * time.Minute

// rank orders payment statuses: a webhook moves a payment only forward, so
// Stripe's events may arrive in any order.
func rank(status string) int {
	switch status {
	case StatusAttempting:
		return 0
	case StatusActionRequired:
		return 1
	case StatusFailed:
		return 2
	case StatusSucceeded:
		return 3
	case StatusRefunded:
		return 4
	}
	return -1
}

// Forward reports whether a payment in status from may move to status to.
func Forward(from, to string) bool { return rank(to) > rank(from) }

// Payment is our record of one payment.
type Payment struct {
	ID              string
	SagaID          string
	UserID          string
	Amount          money.Money
	Status          string
	PaymentIntentID string
	RefundID        string
	FailureCode     string
	FailureMessage  string
	CreatedAt       time.Time
	// PaymentMethodID is the saved method charged; DeclineCode Stripe's
	// decline code when it failed.
	PaymentMethodID string
	DeclineCode     string
	// ActionDeadline is when a payment waiting for the learner fails.
	ActionDeadline time.Time
	// MethodType is the single-use method the payment is made with (a
	// billingmsg.PayLaterMethods type; "" for the saved card).
	MethodType string
	// Instructions are what the learner needs to pay a pay-later payment
	// (set when Stripe answered them; not stored: the action endpoint
	// asks Stripe again).
	Instructions *Instructions
}

// Class is the class of p's decline ("" when it did not fail).
func (p Payment) Class() DeclineClass {
	if p.Status != StatusFailed {
		return ""
	}
	if p.DeclineCode != "" {
		return declineOf("", p.DeclineCode).Class
	}
	return declineOf(p.FailureCode, "").Class
}

// Customer is a user's Stripe customer and saved card.
type Customer struct {
	UserID           string
	StripeCustomerID string
	PaymentMethod    string
	CardBrand        string
	CardLast4        string
}

// ReplayWindow is how long Stripe remembers an idempotency key (24 h) less a
// margin: a payment still "attempting" after it is not retried (see
// Payments), it waits for reconciliation.
const ReplayWindow = 23 * time.Hour

// PaymentID is the id of a saga's payment.
func PaymentID(sagaID string) string { return "saga-" + sagaID }

// Idempotency keys of the Stripe calls that move money.
// CodeCompensatedFirst is the failure of a saga payment whose compensation
// ran before its charge: it is never charged.
const CodeCompensatedFirst = "compensated_before_charge"

func paymentKey(sagaID string) string { return "saga-" + sagaID + "-payment" }
func refundKey(sagaID string) string  { return "saga-" + sagaID + "-refund" }

// chargeKeyOf and refundKeyOf are the keys of payment id: the saga's own
// payment keeps the saga's keys; another (a renewal, whose id is its charge
// key) is charged with its id and refunded with "<id>-refund".
func chargeKeyOf(sagaID, id string) string {
	if id == PaymentID(sagaID) {
		return paymentKey(sagaID)
	}
	return id
}

func refundKeyOf(sagaID, id string) string {
	if id == PaymentID(sagaID) {
		return refundKey(sagaID)
	}
	return id + "-refund"
}

// StripeCurrency is Stripe's spelling of a supported currency; amounts are
// already in Stripe's minor units (JPY has none).
func StripeCurrency(m money.Money) (string, error) {
	if !money.Supported(m.Currency) {
		return "", errs.E(errs.Invalid, "currency %q is not one Kwipper charges in (%s)", m.Currency, strings.Join(money.Currencies(), ", "))
	}
	if m.Amount <= 0 {
		return "", errs.E(errs.Invalid, "amount must be greater than 0")
	}
	return strings.ToLower(m.Currency), nil
}

// Decline is a card failure as the learner should hear it: a stable code, a
// message, and its class (what dunning does next). Stripe is Stripe's own
// decline code (or error code), kept for operators.
type Decline struct {
	Code    string
	Message string
	Class   DeclineClass
	Stripe  string
}

// DeclineClass says what a decline means for retrying.
type DeclineClass string

// Decline classes.
const (
	// Soft: the bank may accept later; dunning retries on its schedule.
	Soft DeclineClass = "soft"
	// Hard: the bank will not accept this payment method again; it is not
	// retried, and the learner is asked for another.
	Hard DeclineClass = "hard"
	// Action: the bank asks the learner to authenticate (3-D Secure).
	Action DeclineClass = "action"
)

// hardDeclines are Stripe's decline codes whose next step, in Stripe's
// decline code reference (docs.stripe.com/declines/codes), is that the
// customer use another card or payment method, or never to retry: retrying
// them cannot succeed (and card networks penalise retries of lost, stolen
// and "do not try again" declines). The rest (insufficient_funds,
// generic_decline, do_not_honor, call_issuer, try_again_later,
// processing_error, issuer_not_available, card_velocity_exceeded, ...) are
// "unknown reason" or temporary: soft. do_not_honor is soft: Stripe lists it
// with generic_decline ("declined for an unknown reason", contact the
// issuer), not among the declines to stop on.
var hardDeclines = map[string]string{
	"lost_card":                         "refused",
	"stolen_card":                       "refused",
	"pickup_card":                       "refused",
	"fraudulent":                        "refused",
	"merchant_blacklist":                "refused",
	"restricted_card":                   "refused",
	"security_violation":                "refused",
	"revocation_of_authorization":       "refused",
	"revocation_of_all_authorizations":  "refused",
	"stop_payment_order":                "refused",
	"do_not_try_again":                  "refused",
	"invalid_account":                   "refused",
	"card_not_supported":                "refused",
	"currency_not_supported":            "refused",
	"transaction_not_allowed":           "refused",
	"service_not_allowed":               "refused",
	"not_permitted":                     "refused",
	"new_account_information_available": "refused",
	"expired_card":                      "expired",
	"invalid_expiry_month":              "expired",
	"invalid_expiry_year":               "expired",
	"invalid_number":                    "invalid",
	"incorrect_number":                  "invalid",
	"invalid_cvc":                       "invalid",
	"incorrect_cvc":                     "invalid",
}

// declineOf maps Stripe's error code and decline code to ours. Lost,
// stolen and fraud declines are told as a plain refusal, as Stripe advises.
func declineOf(code, declineCode string) Decline {
	c := declineCode
	if c == "" {
		c = code
	}
	d := Decline{Stripe: c, Class: Soft}
	switch hardDeclines[c] {
	case "refused":
		d.Code, d.Message, d.Class = "card_refused", "your bank refused this card and will not accept it again; add another payment method", Hard
		return d
	case "expired":
		d.Code, d.Message, d.Class = "expired_card", "your card has expired; add another payment method", Hard
		return d
	case "invalid":
		d.Code, d.Message, d.Class = "card_invalid", "your card's details are not valid; add the card again or another payment method", Hard
		return d
	}
	switch c {
	case "insufficient_funds":
		d.Code, d.Message = "insufficient_funds", "your card has insufficient funds"
	case "authentication_required":
		d.Code, d.Message, d.Class = "authentication_required", "your bank asks you to authenticate this payment", Action
	default:
		d.Code, d.Message = "card_declined", "your card was declined; try again later or use another card"
	}
	return d
}
