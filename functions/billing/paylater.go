package billing

import (
	"context"
	"time"

	"github.com/kwipper/kwipper/functions/contract/billingmsg"
	"github.com/kwipper/kwipper/functions/contract/sagamsg"
	"github.com/kwipper/kwipper/functions/contract/subscribemsg"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/events"
)

// Pay-later payments: konbini and OXXO vouchers, SPEI bank transfers, QRIS
// and GoPay codes. Stripe creates the payment and answers requires_action
// with what the learner needs (next_action: konbini_display_details,
// oxxo_display_details, display_bank_transfer_instructions, a QR code or a
// redirect); the learner pays later, at a store, from their bank or in
// their wallet app, and Stripe confirms it by webhook
// (payment_intent.succeeded), or reports the voucher expired
// (payment_intent.payment_failed, payment_intent_payment_attempt_expired).
//
// They reuse the 3-D Secure path: the payment is StatusActionRequired until
// its ActionDeadline, the saga's step answers a pending reply, the webhook
// finishes the step, and the deadline (or the expiry webhook) fails it like
// a decline, after cancelling the PaymentIntent so that it can no longer be
// paid.
//
// Access starts on payment, for every one of these methods: a first
// subscription stays pending until Stripe confirms the money arrived. OXXO
// is "instant provisional" at Stripe only in the sense that the voucher is
// issued at once; most vouchers are never paid, and granting access before
// would give a course away for the price of printing a voucher.

// MethodWait is how long a pay-later payment waits: Wait for the learner
// to pay (a voucher's validity: konbini and OXXO vouchers are issued for
// ceil(Wait/24h) days), then Settle for Stripe to confirm a payment made
// at the last moment (OXXO confirms the next business day).
type MethodWait struct {
	Wait   time.Duration
	Settle time.Duration
}

// DefaultPayLater are the waits Stripe's documentation suggests: konbini
// and OXXO vouchers last 3 days by default (OXXO payments are confirmed up
// to a business day later); a SPEI transfer usually arrives within minutes
// but may take days; QRIS and GoPay codes are paid at once or never.
var DefaultPayLater = map[string]MethodWait{
	billingmsg.MethodKonbini: {Wait: 72 * time.Hour, Settle: time.Hour},
	billingmsg.MethodOXXO:    {Wait: 72 * time.Hour, Settle: 48 * time.Hour},
	billingmsg.MethodSPEI:    {Wait: 72 * time.Hour, Settle: time.Hour},
	billingmsg.MethodQRIS:    {Wait: 15 * time.Minute, Settle: 5 * time.Minute},
	billingmsg.MethodGoPay:   {Wait: 15 * time.Minute, Settle: 5 * time.Minute},
}

// VoucherDays is the validity Stripe is asked to give a konbini or OXXO
// voucher: Wait rounded up to whole days, from 1 to 60 (Stripe's bounds).
func (w MethodWait) VoucherDays() int64 {
	d := int64((w.Wait + 24*time.Hour - 1) / (24 * time.Hour))
	return min(max(d, 1), 60)
}

// Deadline is when a pay-later payment created at created gives up: the
// earlier of Stripe's expiry of what the learner pays (zero when Stripe
// gives none; ignored when not after created, as for a renewal the billing
// cycle runs as of another time than Stripe's clock) and created+Wait,
// plus Settle.
func (w MethodWait) Deadline(created, expires time.Time) time.Time {
	end := created.Add(w.Wait)
	if expires.After(created) && expires.Before(end) {
		end = expires
	}
	return end.Add(w.Settle).UTC()
}

// methodCurrency is the one currency each pay-later method pays in.
var methodCurrency = map[string]string{
	billingmsg.MethodKonbini: "JPY",
	billingmsg.MethodOXXO:    "MXN",
	billingmsg.MethodSPEI:    "MXN",
	billingmsg.MethodQRIS:    "IDR",
	billingmsg.MethodGoPay:   "IDR",
}

// CodeMethodNotOffered is the failure of a payment asked with a method
// that cannot pay the course's price (another currency).
const CodeMethodNotOffered = "method_not_offered"

// Instructions are what a learner needs to pay a pay-later payment, from
// the PaymentIntent's next_action. Kind is a billingmsg.Kind* constant.
type Instructions struct {
	Method             string     `json:"method" example:"oxxo"`
	Kind               string     `json:"kind" enum:"voucher,bank_transfer,qr" example:"voucher"`
	Number             string     `json:"number,omitempty" example:"12345678901234657890123456789012"`
	ConfirmationNumber string     `json:"confirmation_number,omitempty"`
	Reference          string     `json:"reference,omitempty"`
	BankAccount        string     `json:"bank_account,omitempty"`
	BankName           string     `json:"bank_name,omitempty"`
	AmountRemaining    int64      `json:"amount_remaining,omitempty"`
	QRData             string     `json:"qr_data,omitempty"`
	QRImageURL         string     `json:"qr_image_url,omitempty"`
	RedirectURL        string     `json:"redirect_url,omitempty"`
	HostedURL          string     `json:"hosted_instructions_url,omitempty"`
	ExpiresAt          *time.Time `json:"expires_at,omitempty"`
}

// payLaterWait is method's wait (the defaults when the service was built
// without one).
func (s *Service) payLaterWait(method string) MethodWait {
	if w, ok := s.payLater[method]; ok && w.Wait > 0 {
		return w
	}
	return DefaultPayLater[method]
}

// payLaterOutcome is payment p after Stripe answered res for it.
func (s *Service) payLaterOutcome(p Payment, res ChargeResult, created time.Time) Payment {
	p.PaymentIntentID = res.PaymentIntentID
	switch {
	case res.Succeeded:
		p.Status = StatusSucceeded
	case res.ActionRequired:
		var expires time.Time
		if res.Instructions != nil && res.Instructions.ExpiresAt != nil {
			expires = *res.Instructions.ExpiresAt
		}
		p.Status, p.FailureCode, p.FailureMessage = StatusActionRequired, sagamsg.CodeAwaitingPayment, "pay with the instructions of GET /v1/billing/payments/{payment_id}/action"
		p.ActionDeadline = s.payLaterWait(p.MethodType).Deadline(created, expires)
		p.Instructions = res.Instructions
	default:
		p.Status, p.FailureCode, p.FailureMessage, p.DeclineCode = StatusFailed, res.Decline.Code, res.Decline.Message, res.Decline.Stripe
	}
	return p
}

// chargeLater creates and confirms a PaymentIntent for method, for a saga
// (key: the saga's payment key) or a renewal; the same request under the
// same key whenever it is replayed (the voucher's days come from the
// configuration, not the clock).
//
// The voucher or transfer is made out to the learner's name and email (from
// user events): Stripe requires them for OXXO and konbini.
func (s *Service) chargeLater(ctx context.Context, key, customer, method string, args sagamsg.PaymentArgs, metadata map[string]string) (ChargeResult, error) {
	buyer, err := s.store.buyer(ctx, metadata["user_id"])
	if err != nil {
		return ChargeResult{}, err
	}
	if (method == billingmsg.MethodOXXO || method == billingmsg.MethodKonbini) && (buyer.Name == "" || buyer.Email == "") {
		// The user event is still on its way (a learner who subscribes
		// right after signing up): the command is delivered again.
		return ChargeResult{}, errs.E(errs.Unavailable, "billing has not yet heard the learner's name and email, which a %s voucher needs", method)
	}
	return s.gw.ChargeLater(ctx, key, customer, method, buyer, args.Amount, args.Description, metadata, s.payLaterWait(method).VoucherDays())
}

// instructionsEvent is payment.instructions for pay-later payment p that
// now waits for the learner (nil when Stripe gave no instructions).
func instructionsEvent(p Payment, subscriptionID string) (*events.Event, error) {
	in := p.Instructions
	if in == nil {
		return nil, nil
	}
	d := billingmsg.PaymentInstructions{PaymentID: p.ID, PaymentIntentID: p.PaymentIntentID, SagaID: p.SagaID,
		SubscriptionID: subscriptionID, UserID: p.UserID, Method: p.MethodType, Kind: in.Kind,
		Amount: p.Amount.Amount, Currency: p.Amount.Currency, Number: in.Number, ConfirmationNumber: in.ConfirmationNumber,
		Reference: in.Reference, BankAccount: in.BankAccount, BankName: in.BankName, QRData: in.QRData,
		RedirectURL: in.RedirectURL, HostedInstructionsURL: in.HostedURL, Deadline: p.ActionDeadline}
	if in.ExpiresAt != nil {
		d.ExpiresAt = *in.ExpiresAt
	}
	ev, err := events.New(billingmsg.Topic, billingmsg.EventPaymentInstructions, d)
	if err != nil {
		return nil, err
	}
	return &ev, nil
}

// expiredMessage is what a learner hears of a pay-later payment not made
// in time.
const expiredMessage = "the payment was not made before its instructions expired; nothing was charged"

// renewalPayLater is a pay-later renewal: the period's payment is created
// once (attempting, then the PaymentIntent under the renewal's key) and
// waits for the learner until its deadline, counted from the billing
// cycle's time; asked again after the deadline, it is cancelled at Stripe
// and settles as paid (the learner paid before the cancel) or expired.
// settled is the outcome to record (nil when the record already holds it).
func (s *Service) renewalPayLater(ctx context.Context, c subscribemsg.RenewalCharge) (Payment, *Payment, error) {
	now := c.AsOf
	if now.IsZero() {
		now = s.now()
	}
	if cur := methodCurrency[c.MethodType]; cur != c.Amount.Currency {
		return Payment{Status: StatusFailed, FailureCode: CodeMethodNotOffered}, nil, nil
	}
	cu, err := s.ensureCustomer(ctx, c.UserID)
	if err != nil {
		return Payment{}, nil, err
	}
	p, err := s.store.begin(ctx, Payment{ID: c.Key, UserID: c.UserID, Amount: c.Amount, MethodType: c.MethodType})
	if err != nil {
		return Payment{}, nil, err
	}
	switch p.Status {
	case StatusActionRequired:
		got, err := s.awaitActionAt(ctx, p, now)
		if err != nil || got.Status == StatusActionRequired {
			return got, nil, err
		}
		return got, &got, nil
	case StatusAttempting:
	default:
		return p, nil, nil // settled before: never charge twice
	}
	res, err := s.chargeLater(ctx, c.Key, cu.StripeCustomerID, c.MethodType,
		sagamsg.PaymentArgs{Amount: c.Amount, Description: "Kwipper renewal"},
		map[string]string{"subscription_id": c.SubscriptionID, "user_id": c.UserID, "course_id": c.CourseID, "renewal": c.Key})
	if errs.Is(err, errs.Invalid) {
		p.Status, p.FailureCode, p.FailureMessage = StatusFailed, sagamsg.CodePaymentRejected, "the payment could not be made with "+c.MethodType
		return p, &p, nil
	}
	if err != nil {
		return Payment{}, nil, err
	}
	p = s.payLaterOutcome(p, res, now)
	return p, &p, nil
}
