package billing

import (
	"context"
	"time"

	"github.com/kwipper/kwipper/functions/contract/billingmsg"
	"github.com/kwipper/kwipper/functions/contract/sagamsg"
	"github.com/kwipper/kwipper/functions/contract/subscribemsg"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/saga"
)

// Money moves here: the subscribe saga's payment step and its compensation
// (the Stripe calls, made before the step's transaction with idempotency
// keys derived from the saga; store_saga.go records their outcome), and
// renewal charges.

// preparePayment charges the learner's saved card for a saga, outside any
// transaction: our payment record first (attempting), then the
// PaymentIntent with the saga's idempotency key. A payment already settled
// here is not charged again, nor is one whose key Stripe may have forgotten.
// It returns the settled Payment, or a saga.Outcome for failures known
// before Stripe is asked.
func (s *Service) preparePayment(ctx context.Context, cmd saga.Command) (any, error) {
	var args sagamsg.PaymentArgs
	if err := cmd.Decode(&args); err != nil {
		return nil, err
	}
	if _, err := StripeCurrency(args.Amount); err != nil {
		return saga.Failure("price_unknown", "the course has no price in a supported currency"), nil
	}
	if s.gw == nil {
		return nil, errNoStripe
	}
	// A card is the customer's saved default; a pay-later method (a
	// voucher, transfer or QR code) pays only in its currency and needs no
	// saved method: Stripe answers requires_action with the instructions,
	// and the step waits (a pending reply) until the payment's deadline.
	payLater := billingmsg.PayLater(args.MethodType)
	var c Customer
	if payLater {
		if cur := methodCurrency[args.MethodType]; cur != args.Amount.Currency {
			return saga.Failure(CodeMethodNotOffered, args.MethodType+" pays only in "+cur+"; pay with a card"), nil
		}
		var err error
		if c, err = s.ensureCustomer(ctx, cmd.UserID); err != nil {
			return nil, err
		}
	} else {
		var (
			ok  bool
			err error
		)
		if c, ok, err = s.store.getCustomer(ctx, cmd.UserID); err != nil {
			return nil, err
		}
		if !ok || c.PaymentMethod == "" {
			return saga.Failure("no_payment_method", "save a card first (POST /v1/billing/payment-methods)"), nil
		}
	}
	if err := s.noteSagaTerms(ctx, cmd, args); err != nil { // receipts.go: what it is for, its tax
		return nil, err
	}
	rec := Payment{ID: PaymentID(cmd.SagaID), SagaID: cmd.SagaID, UserID: cmd.UserID, Amount: args.Amount, PaymentMethodID: c.PaymentMethod}
	if payLater {
		rec.PaymentMethodID, rec.MethodType = "", args.MethodType
	}
	p, err := s.store.begin(ctx, rec)
	if err != nil {
		return nil, err
	}
	if p.Status == StatusActionRequired {
		return s.awaitAction(ctx, p)
	}
	if p.Status != StatusAttempting {
		return p, nil // settled before: never charge twice
	}
	if p.PaymentIntentID == "" && !p.CreatedAt.IsZero() && s.now().Sub(p.CreatedAt) > ReplayWindow {
		s.log.ErrorContext(ctx, "payment attempt older than Stripe's idempotency window: not retrying; reconcile by hand",
			"payment_id", p.ID, "saga_id", cmd.SagaID)
		return saga.Failure(sagamsg.CodeUnreconciled, "the payment could not be confirmed; nothing more will be charged"), nil
	}
	res, err := s.chargeSaga(ctx, cmd, args, c)
	if errs.Is(err, errs.Invalid) {
		with := "the saved card"
		if payLater {
			with = args.MethodType
		}
		p.Status, p.FailureCode, p.FailureMessage = StatusFailed, sagamsg.CodePaymentRejected, "the payment could not be made with "+with
		s.log.WarnContext(ctx, "Stripe rejected a payment request", "payment_id", p.ID, "err", err.Error())
		return p, nil
	}
	if err != nil {
		return nil, err
	}
	if payLater {
		created := p.CreatedAt
		if created.IsZero() {
			created = s.now()
		}
		return s.payLaterOutcome(p, res, created), nil
	}
	p.PaymentIntentID = res.PaymentIntentID
	switch {
	case res.Succeeded:
		p.Status = StatusSucceeded
	case res.ActionRequired:
		// The learner is there (they just subscribed): their bank wants
		// them to authenticate. The step waits for the webhook until the
		// deadline.
		p.Status, p.FailureCode, p.FailureMessage = StatusActionRequired, res.Decline.Code, res.Decline.Message
		p.ActionDeadline = s.now().Add(s.actionTimeout).UTC()
	default:
		p.Status, p.FailureCode, p.FailureMessage, p.DeclineCode = StatusFailed, res.Decline.Code, res.Decline.Message, res.Decline.Stripe
	}
	return p, nil
}

// chargeSaga charges a saga's payment step with the saga's idempotency key.
// The payment step and its compensation (replaying an interrupted charge)
// both call it, so the two send Stripe the same request under that key.
func (s *Service) chargeSaga(ctx context.Context, cmd saga.Command, args sagamsg.PaymentArgs, c Customer) (ChargeResult, error) {
	if billingmsg.PayLater(args.MethodType) {
		return s.chargeLater(ctx, paymentKey(cmd.SagaID), c.StripeCustomerID, args.MethodType, args,
			map[string]string{"saga_id": cmd.SagaID, "user_id": cmd.UserID, "course_id": cmd.CourseID})
	}
	return s.gw.Charge(ctx, paymentKey(cmd.SagaID), c.StripeCustomerID, c.PaymentMethod, args.Amount, args.Description,
		map[string]string{"saga_id": cmd.SagaID, "user_id": cmd.UserID, "course_id": cmd.CourseID}, true)
}

// awaitAction answers a redelivered payment command whose payment waits for
// the learner: still waiting before its deadline; after it, the
// PaymentIntent is cancelled so it can no longer be paid, and the step
// answers what Stripe says (the webhook may have been lost): paid (the
// learner authenticated before the cancel), or failed
// (authentication_timed_out, compensated like a decline).
func (s *Service) awaitAction(ctx context.Context, p Payment) (any, error) {
	return s.awaitActionAt(ctx, p, s.now())
}

// awaitActionAt is awaitAction as of now (a renewal's billing cycle time).
func (s *Service) awaitActionAt(ctx context.Context, p Payment, now time.Time) (Payment, error) {
	if now.Before(p.ActionDeadline) {
		return p, nil
	}
	res, err := s.gw.CancelIntent(ctx, p.ID+"-cancel", p.PaymentIntentID)
	if err != nil {
		return Payment{}, err
	}
	if res.Succeeded {
		p.Status = StatusSucceeded
		return p, nil
	}
	p.Status, p.FailureCode, p.FailureMessage = StatusFailed, CodeActionTimedOut, "the payment was not authenticated in time; nothing was charged"
	if p.MethodType != "" {
		p.FailureCode, p.FailureMessage = sagamsg.CodePaymentExpired, expiredMessage
	}
	return p, nil
}

// prepareRefund refunds the payment the command names (args.payment_id: a
// refund saga's latest-period payment), or else the saga's own payment, when
// it succeeded, with that payment's refund idempotency key. A payment still
// attempting (its charge was interrupted) is settled first by replaying the
// charge with the same key.
func (s *Service) prepareRefund(ctx context.Context, cmd saga.Command) (any, error) {
	id := PaymentID(cmd.SagaID)
	var args sagamsg.PaymentArgs
	if len(cmd.Args) > 0 {
		if err := cmd.Decode(&args); err != nil {
			return nil, err
		}
		if args.PaymentID != "" {
			id = args.PaymentID
		}
	}
	p, ok, err := s.store.getPayment(ctx, id)
	if err != nil {
		return nil, err
	}
	if !ok && id == PaymentID(cmd.SagaID) && args.Amount.Currency != "" {
		// The saga gave up on its payment step before the step ran (a
		// command delayed under load): the do may still arrive. Record
		// that it must not charge; should it have got there first, its
		// payment is refunded below.
		if p, err = s.store.forestall(ctx, Payment{ID: id, SagaID: cmd.SagaID, UserID: cmd.UserID, Amount: args.Amount}); err != nil {
			return nil, err
		}
		ok = true
	}
	if !ok || p.UserID != cmd.UserID {
		return nil, nil // none of this learner's: nothing to refund
	}
	if s.gw == nil {
		return nil, errNoStripe
	}
	if p.PaymentIntentID != "" && (p.Status == StatusActionRequired || p.Status == StatusFailed) {
		// A payment given up on may still be paid by the learner: cancel its
		// PaymentIntent; one they paid first is refunded below.
		res, err := s.gw.CancelIntent(ctx, refundKeyOf(cmd.SagaID, id)+"-cancel", p.PaymentIntentID)
		if err != nil {
			return nil, err
		}
		if res.Succeeded {
			p.Status = StatusSucceeded
		} else if p.Status == StatusActionRequired {
			p.Status, p.FailureCode, p.FailureMessage = StatusFailed, CodeActionTimedOut, "the payment was not authenticated in time; nothing was charged"
			if p.MethodType != "" {
				p.FailureCode, p.FailureMessage = sagamsg.CodePaymentExpired, expiredMessage
			}
		}
	}
	if p.Status == StatusAttempting {
		c, _, err := s.store.getCustomer(ctx, p.UserID)
		if err != nil {
			return nil, err
		}
		var res ChargeResult
		if id == PaymentID(cmd.SagaID) {
			// The saga's own charge, interrupted: replayed exactly as the
			// payment step sent it (Stripe refuses a key reused with other
			// parameters), so Stripe answers the PaymentIntent it made.
			res, err = s.chargeSaga(ctx, cmd, args, c)
		} else {
			res, err = s.gw.Charge(ctx, chargeKeyOf(cmd.SagaID, id), c.StripeCustomerID, c.PaymentMethod, p.Amount, "", nil, false)
		}
		if err != nil && !errs.Is(err, errs.Invalid) {
			return nil, err
		}
		p.PaymentIntentID = res.PaymentIntentID
		if res.ActionRequired && res.PaymentIntentID != "" {
			// The replayed charge waits for the learner (a voucher, or
			// 3-D Secure): cancel it so it can no longer be paid.
			if res, err = s.gw.CancelIntent(ctx, refundKeyOf(cmd.SagaID, id)+"-cancel", res.PaymentIntentID); err != nil {
				return nil, err
			}
		}
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

// chargeRenewal charges one renewal attempt Subscribe asked for and answers
// renewal.charged on billing-events. The Payments row (id = the attempt's
// idempotency key) is written before Stripe is called; an attempt settled
// before is answered again from it without calling Stripe, and one still
// attempting is replayed with the same key, so a command delivered or sent
// any number of times charges at most once.
func (s *Service) chargeRenewal(ctx context.Context, m events.Message) error {
	var c subscribemsg.RenewalCharge
	if err := m.Decode(&c); err != nil {
		return err
	}
	if c.Key == "" || c.SubscriptionID == "" || c.UserID == "" {
		return errs.E(errs.Invalid, "renewal charge %s needs a key, a subscription_id and a user_id", m.ID)
	}
	out := billingmsg.RenewalCharged{Key: c.Key, SubscriptionID: c.SubscriptionID}
	p, settled, err := s.renewalPayment(ctx, c)
	if err != nil {
		return err
	}
	out.PaymentIntentID = p.PaymentIntentID
	switch {
	case p.Status == StatusSucceeded || p.Status == StatusRefunded:
		out.Result = billingmsg.ChargeSucceeded
	case p.MethodType != "" && p.Status == StatusActionRequired:
		out.Result, out.Deadline = billingmsg.ChargeAwaitingPayment, p.ActionDeadline
	case p.MethodType != "" && p.Status == StatusFailed && p.FailureCode == sagamsg.CodePaymentExpired:
		out.Result, out.Code = billingmsg.ChargeExpired, p.FailureCode
	case p.Class() == Action:
		out.Result, out.Code = billingmsg.ChargeAuthRequired, p.FailureCode
	case p.Class() == Hard || p.FailureCode == "no_payment_method":
		out.Result, out.Code = billingmsg.ChargeHardDeclined, p.FailureCode
	default:
		out.Result, out.Code = billingmsg.ChargeDeclined, p.FailureCode
	}
	ev, err := events.New(billingmsg.Topic, billingmsg.EventRenewalCharged, out)
	if err != nil {
		return err
	}
	var extra []events.Event
	if settled != nil && settled.Status == StatusActionRequired && settled.MethodType != "" {
		// The learner is told what to pay for the next period.
		in, err := instructionsEvent(*settled, c.SubscriptionID)
		if err != nil {
			return err
		}
		if in != nil {
			extra = append(extra, *in)
		}
	}
	return s.store.recordRenewal(ctx, settled, ev, extra...)
}

// renewalPayment returns the attempt's payment as it stands after charging
// it when needed; settled is the outcome to record (nil when the record
// already holds it).
func (s *Service) renewalPayment(ctx context.Context, c subscribemsg.RenewalCharge) (Payment, *Payment, error) {
	if s.gw == nil {
		return Payment{}, nil, errNoStripe
	}
	if billingmsg.PayLater(c.MethodType) {
		if err := s.noteRenewalTerms(ctx, c); err != nil { // receipts.go: what it is for, its tax
			return Payment{}, nil, err
		}
		return s.renewalPayLater(ctx, c)
	}
	cu, ok, err := s.store.getCustomer(ctx, c.UserID)
	if err != nil {
		return Payment{}, nil, err
	}
	if paid, ok, err := s.settleEarlier(ctx, c); err != nil || ok {
		return paid, nil, err
	}
	if !ok || cu.PaymentMethod == "" {
		return Payment{Status: StatusFailed, FailureCode: "no_payment_method"}, nil, nil
	}
	if err := s.noteRenewalTerms(ctx, c); err != nil { // receipts.go: what it is for, its tax
		return Payment{}, nil, err
	}
	p, err := s.store.begin(ctx, Payment{ID: c.Key, UserID: c.UserID, Amount: c.Amount, PaymentMethodID: cu.PaymentMethod})
	if err != nil {
		return Payment{}, nil, err
	}
	if p.Status != StatusAttempting {
		return p, nil, nil // settled before: never charge twice
	}
	res, err := s.gw.Charge(ctx, c.Key, cu.StripeCustomerID, cu.PaymentMethod, c.Amount, "Kwipper renewal",
		map[string]string{"subscription_id": c.SubscriptionID, "user_id": c.UserID, "course_id": c.CourseID, "renewal": c.Key}, false)
	if errs.Is(err, errs.Invalid) {
		p.Status, p.FailureCode, p.FailureMessage = StatusFailed, "payment_rejected", "the payment could not be made with the saved card"
		return p, &p, nil
	}
	if err != nil {
		return Payment{}, nil, err
	}
	p.PaymentIntentID = res.PaymentIntentID
	if res.Succeeded {
		p.Status = StatusSucceeded
	} else {
		p.Status, p.FailureCode, p.FailureMessage, p.DeclineCode = StatusFailed, res.Decline.Code, res.Decline.Message, res.Decline.Stripe
	}
	return p, &p, nil
}

// settleEarlier settles, before a renewal attempt is charged, the period's
// earlier attempts the learner was asked to authenticate (3-D Secure): each
// one's PaymentIntent is cancelled so it can no longer be paid, unless the
// learner paid it first: then the period is paid, and ok reports that
// earlier payment (this attempt charges nothing).
func (s *Service) settleEarlier(ctx context.Context, c subscribemsg.RenewalCharge) (Payment, bool, error) {
	for _, key := range c.EarlierKeys {
		p, ok, err := s.store.getPayment(ctx, key)
		if err != nil {
			return Payment{}, false, err
		}
		if !ok || p.UserID != c.UserID || p.PaymentIntentID == "" {
			continue
		}
		if p.Status == StatusSucceeded {
			return p, true, nil
		}
		if p.Class() != Action && p.Status != StatusActionRequired {
			continue
		}
		res, err := s.gw.CancelIntent(ctx, key+"-cancel", p.PaymentIntentID)
		if err != nil {
			return Payment{}, false, err
		}
		if res.Succeeded {
			p.Status = StatusSucceeded
			return p, true, nil
		}
	}
	return Payment{}, false, nil
}
