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
	StatusAttempting = "attempting" // recorded; Stripe is being called
	StatusFailed     = "failed"     // declined, or needs authentication
	StatusSucceeded  = "succeeded"
	StatusRefunded   = "refunded"
)

// rank orders payment statuses: a webhook moves a payment only forward, so
// Stripe's events may arrive in any order.
func rank(status string) int {
	switch status {
	case StatusAttempting:
		return 0
	case StatusFailed:
		return 1
	case StatusSucceeded:
		return 2
	case StatusRefunded:
		return 3
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

// Decline is a card failure as the learner should hear it: a stable code
// and a message.
type Decline struct {
	Code    string
	Message string
}

// declineOf maps Stripe's error code and decline code to ours.
func declineOf(code, declineCode string) Decline {
	c := declineCode
	if c == "" {
		c = code
	}
	switch c {
	case "insufficient_funds":
		return Decline{"insufficient_funds", "your card has insufficient funds"}
	case "authentication_required":
		return Decline{"authentication_required", "your bank asks you to authenticate this payment; save a card that does not need it"}
	case "expired_card":
		return Decline{"expired_card", "your card has expired"}
	}
	return Decline{"card_declined", "your card was declined; try another card"}
}
