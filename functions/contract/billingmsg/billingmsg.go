// Package billingmsg is the Billing service's published language: payments
// refunded outside a saga, and the outcome of each renewal charge.
package billingmsg

// Topic is where the Billing service announces payment events.
const Topic = "billing-events"

// Event types on Topic.
const (
	// EventPaymentRefunded carries PaymentRefunded: a payment was refunded
	// outside a saga (e.g. from Stripe's dashboard).
	EventPaymentRefunded = "payment.refunded"
	// EventRenewalCharged carries RenewalCharged: the outcome of a
	// subscribemsg.RenewalCharge.
	EventRenewalCharged = "renewal.charged"
)

// PaymentRefunded is the payload of payment.refunded.
type PaymentRefunded struct {
	PaymentID string `json:"payment_id"`
	SagaID    string `json:"saga_id"`
	UserID    string `json:"user_id"`
}

// Renewal charge results.
const (
	ChargeSucceeded    = "succeeded"
	ChargeDeclined     = "declined" // soft: retried on the dunning schedule
	ChargeAuthRequired = "authentication_required"
	// ChargeHardDeclined: the bank will not accept the method again (lost,
	// stolen, expired, invalid...), or none is saved; not retried until the
	// learner saves another.
	ChargeHardDeclined = "hard_declined"
)

// RenewalCharged is the outcome of a renewal charge.
type RenewalCharged struct {
	Key             string `json:"key"`
	SubscriptionID  string `json:"subscription_id"`
	Result          string `json:"result"` // a Charge* constant
	Code            string `json:"code,omitempty"`
	PaymentIntentID string `json:"payment_intent_id,omitempty"`
}
