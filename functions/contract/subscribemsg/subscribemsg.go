// Package subscribemsg is the Subscribe service's published language: the
// subscription lifecycle it announces, the billing-cycle tick it accepts
// from Cloud Scheduler and operators, and the renewal charges it asks the
// Billing service for.
package subscribemsg

import (
	"time"

	"github.com/kwipper/kwipper/shared/money"
)

// Topic is where the Subscribe service announces the subscription lifecycle.
const Topic = "subscription-events"

// Event types on Topic; every one carries EventData. Activated grants the
// learner the course's content and Ended takes it away; the others follow a
// recurring subscription's renewals.
const (
	EventActivated         = "subscription.activated"
	EventEnded             = "subscription.ended"
	EventRenewed           = "subscription.renewed"
	EventPastDue           = "subscription.past_due"
	EventActionRequired    = "subscription.action_required"
	EventCancelScheduled   = "subscription.cancel_scheduled"
	EventCancelUnscheduled = "subscription.cancel_unscheduled"
)

// EventData is the payload of subscription events.
type EventData struct {
	SubscriptionID string `json:"subscription_id"`
	UserID         string `json:"user_id"`
	CourseID       string `json:"course_id"`
}

// Valid reports whether d names a subscription, a learner and a course with
// ids of at most 36 characters (a consumer refuses the rest as malformed).
func (d EventData) Valid() bool {
	for _, id := range []string{d.SubscriptionID, d.UserID, d.CourseID} {
		if id == "" || len(id) > 36 {
			return false
		}
	}
	return true
}

// TickTopic is where Cloud Scheduler (or an operator, `kwipper
// billing-cycle`) asks for a billing cycle.
const TickTopic = "billing-cycle-tick"

// EventTick is the type of a Tick.
const EventTick = "billing.tick"

// Tick is the body of a billing-cycle-tick message. Scheduler's ticks carry
// no time: the message's publish time stands for AsOf then.
type Tick struct {
	AsOf *time.Time `json:"as_of,omitempty"`
	Tick string     `json:"tick,omitempty"`
}

// RenewalChargeTopic carries RenewalCharge commands to the Billing service,
// which answers on billingmsg.Topic (billingmsg.RenewalCharged).
const RenewalChargeTopic = "billing-renewal-charge"

// EventRenewalCharge is the type of a RenewalCharge.
const EventRenewalCharge = "renewal.charge"

// RenewalCharge asks Billing to charge a renewal attempt; Key is its
// idempotency key (and Billing's payment id).
type RenewalCharge struct {
	Key            string      `json:"key"`
	SubscriptionID string      `json:"subscription_id"`
	UserID         string      `json:"user_id"`
	CourseID       string      `json:"course_id"`
	Period         int         `json:"period"`
	Attempt        int         `json:"attempt"`
	PeriodStart    time.Time   `json:"period_start"`
	Amount         money.Money `json:"amount"`
	// EarlierKeys are the keys of this period's earlier attempts: one the
	// learner may still authenticate (3-D Secure) is settled first (paid:
	// this attempt charges nothing; else cancelled), so a period is never
	// paid twice.
	EarlierKeys []string `json:"earlier_keys,omitempty"`
	// MethodType, for a subscription paid period by period with a
	// single-use method (billingmsg.PayLaterMethods), is that method: the
	// charge creates a payment the learner pays (billingmsg
	// ChargeAwaitingPayment) instead of charging the saved card.
	MethodType string `json:"payment_method_type,omitempty"`
	// AsOf is the billing cycle's time the charge was asked at (a
	// pay-later payment's deadline counts from it).
	AsOf time.Time `json:"as_of,omitzero"`
}
