// Package billingmsg is the Billing service's published language: payments
// refunded outside a saga, the outcome of each renewal charge, the payment
// method types Kwipper accepts, and the instructions of a payment the
// learner makes later (a voucher, bank transfer or QR code).
package billingmsg

import "time"

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
	// EventPaymentInstructions carries PaymentInstructions: a payment
	// made with a single-use method (a konbini or OXXO voucher, a SPEI
	// transfer, a QRIS or GoPay code) waits for the learner to pay it.
	EventPaymentInstructions = "payment.instructions"
)

// Payment method types (Stripe's payment_method_types) Kwipper accepts.
// The ones other than card are paid by the learner after the payment is
// created (a voucher, a bank transfer, a QR code) and confirmed by Stripe
// later, by webhook.
const (
	MethodCard    = "card"
	MethodKonbini = "konbini"
	MethodOXXO    = "oxxo"
	// MethodSPEI is a SPEI bank transfer: Stripe's customer_balance
	// method funded by an mx_bank_transfer.
	MethodSPEI  = "customer_balance"
	MethodQRIS  = "qris"
	MethodGoPay = "gopay"
)

// PayLaterMethods are the methods whose payment the learner completes
// after it is created (see EventPaymentInstructions).
var PayLaterMethods = []string{MethodKonbini, MethodOXXO, MethodSPEI, MethodQRIS, MethodGoPay}

// PayLater reports whether method is one of PayLaterMethods.
func PayLater(method string) bool {
	for _, m := range PayLaterMethods {
		if m == method {
			return true
		}
	}
	return false
}

// Kinds of payment instructions.
const (
	KindVoucher      = "voucher"       // konbini, OXXO: a number to pay at a store
	KindBankTransfer = "bank_transfer" // SPEI: an account (CLABE) and a reference
	KindQR           = "qr"            // QRIS, GoPay: a QR payload (GoPay also a redirect to the app)
)

// PaymentInstructions is the payload of payment.instructions: what the
// learner needs to pay PaymentID before ExpiresAt. SagaID is set for a
// first subscription's payment, SubscriptionID for a renewal's.
type PaymentInstructions struct {
	PaymentID       string `json:"payment_id"`
	PaymentIntentID string `json:"payment_intent_id"`
	SagaID          string `json:"saga_id,omitempty"`
	SubscriptionID  string `json:"subscription_id,omitempty"`
	UserID          string `json:"user_id"`
	Method          string `json:"method"`
	Kind            string `json:"kind"`
	Amount          int64  `json:"amount"`
	Currency        string `json:"currency"`
	// Number is the voucher's number (OXXO) or payment code (konbini).
	Number string `json:"number,omitempty"`
	// ConfirmationNumber is the konbini confirmation number.
	ConfirmationNumber string `json:"confirmation_number,omitempty"`
	// Reference is the bank transfer's reference; BankAccount its CLABE,
	// BankName the receiving bank.
	Reference   string `json:"reference,omitempty"`
	BankAccount string `json:"bank_account,omitempty"`
	BankName    string `json:"bank_name,omitempty"`
	// QRData is the QR code's payload; RedirectURL opens the wallet app.
	QRData      string `json:"qr_data,omitempty"`
	RedirectURL string `json:"redirect_url,omitempty"`
	// HostedInstructionsURL is Stripe's page with the voucher or transfer
	// instructions.
	HostedInstructionsURL string `json:"hosted_instructions_url,omitempty"`
	// ExpiresAt is when Stripe stops accepting the payment; Deadline when
	// Kwipper gives up on it (ExpiresAt plus the time Stripe may take to
	// confirm a payment made just before it).
	ExpiresAt time.Time `json:"expires_at,omitzero"`
	Deadline  time.Time `json:"deadline"`
}

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
	// ChargeAwaitingPayment: a pay-later renewal (subscribemsg
	// RenewalCharge.MethodType) waits for the learner to pay until
	// Deadline (payment.instructions says what to pay); its final outcome
	// follows (succeeded or expired), or the same charge asked again after
	// Deadline settles it.
	ChargeAwaitingPayment = "awaiting_payment"
	// ChargeExpired: a pay-later renewal was not paid in time (nothing was
	// charged; it cannot be paid any more).
	ChargeExpired = "expired"
)

// RenewalCharged is the outcome of a renewal charge.
type RenewalCharged struct {
	Key             string `json:"key"`
	SubscriptionID  string `json:"subscription_id"`
	Result          string `json:"result"` // a Charge* constant
	Code            string `json:"code,omitempty"`
	PaymentIntentID string `json:"payment_intent_id,omitempty"`
	// Deadline is, for ChargeAwaitingPayment, when the payment is given up
	// on.
	Deadline time.Time `json:"deadline,omitzero"`
}
