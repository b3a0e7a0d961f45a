package billing

import (
	"context"
	"encoding/json"

	"github.com/stripe/stripe-go/v85"

	"github.com/kwipper/kwipper/functions/contract/billingmsg"
	"github.com/kwipper/kwipper/functions/contract/sagamsg"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/spanx"
)

// applyWebhook applies Stripe event evt once (key: its id, fitted to
// ProcessedEvents), reporting whether it was new.
//
// details are payment methods the handler retrieved from Stripe before the
// transaction (a webhook carries a SetupIntent's payment method as an id).
func (s *store) applyWebhook(ctx context.Context, key string, evt stripe.Event, details map[string]PaymentMethod) (bool, error) {
	ran, err := events.Once(ctx, s.db, fnWebhook, key, func(ctx context.Context, tx *spanx.Tx) error {
		return s.applyEvent(ctx, tx, evt, details)
	})
	return ran, spanx.Translate(err, "billing webhook "+string(evt.Type))
}

// applyEvent updates our state from one Stripe event in tx.
func (s *store) applyEvent(ctx context.Context, tx *spanx.Tx, evt stripe.Event, details map[string]PaymentMethod) error {
	if evt.Data == nil {
		return nil
	}
	switch evt.Type {
	case "payment_intent.succeeded", "payment_intent.payment_failed":
		var pi stripe.PaymentIntent
		if err := json.Unmarshal(evt.Data.Raw, &pi); err != nil {
			return errs.Wrap(errs.Invalid, err, "event "+evt.ID+" has a malformed payment intent")
		}
		to, d, pm := StatusSucceeded, Decline{}, ""
		if evt.Type == "payment_intent.payment_failed" {
			to = StatusFailed
			d = declineOf("card_declined", "")
			if e := pi.LastPaymentError; e != nil {
				d = declineOf(string(e.Code), string(e.DeclineCode))
				if e.Code == stripe.ErrorCodePaymentIntentPaymentAttemptExpired {
					// A voucher, transfer or QR code not paid in time.
					d = Decline{Code: sagamsg.CodePaymentExpired, Message: expiredMessage, Class: Soft, Stripe: string(e.Code)}
				}
				if e.PaymentMethod != nil {
					pm = e.PaymentMethod.ID
				}
			}
		}
		return s.move(ctx, tx, pi.ID, to, pi.Metadata, func(p *Payment) {
			p.FailureCode, p.FailureMessage, p.DeclineCode = d.Code, d.Message, d.Stripe
			if pm != "" {
				p.PaymentMethodID = pm
			}
		})
	case "charge.refunded":
		var ch stripe.Charge
		if err := json.Unmarshal(evt.Data.Raw, &ch); err != nil {
			return errs.Wrap(errs.Invalid, err, "event "+evt.ID+" has a malformed charge")
		}
		if ch.PaymentIntent == nil || !ch.Refunded {
			return nil // partly refunded: the subscription stands
		}
		return s.move(ctx, tx, ch.PaymentIntent.ID, StatusRefunded, nil, nil)
	case "setup_intent.succeeded":
		var si stripe.SetupIntent
		if err := json.Unmarshal(evt.Data.Raw, &si); err != nil {
			return errs.Wrap(errs.Invalid, err, "event "+evt.ID+" has a malformed setup intent")
		}
		if si.Customer == nil || si.PaymentMethod == nil {
			return nil
		}
		c, ok, err := s.customerByStripeID(ctx, tx, si.Customer.ID)
		if err != nil || !ok {
			return err
		}
		m := methodFromStripe(si.PaymentMethod)
		if d, ok := details[m.ID]; ok && m.Last4 == "" {
			m = d
		}
		// A setup the API call saved already (no authentication needed):
		// the webhook, which may arrive after the learner chose another
		// default, changes nothing.
		ms, err := s.methods(ctx, tx, c)
		if err != nil {
			return err
		}
		if _, saved := methodOf(ms, m.ID); saved {
			return nil
		}
		_, err = s.addMethodTx(ctx, tx, c.UserID, m, si.Metadata["make_default"] != "false")
		if errs.Is(err, errs.FailedPrecondition) {
			return nil // ten saved already: the learner removes one and saves it again
		}
		return err
	}
	return nil
}

// move moves the payment of PaymentIntent pi to status to when that is
// forward; a payment refunded after it succeeded outside a compensation is
// announced (payment.refunded) so its subscription ends.
//
// A renewal attempt that failed because the bank wanted the learner and then
// succeeded (they authenticated it) is announced as paid (renewal.charged)
// so Subscribe extends the period; md is the PaymentIntent's metadata.
func (s *store) move(ctx context.Context, tx *spanx.Tx, pi, to string, md map[string]string, edit func(*Payment)) error {
	p, ok, err := s.paymentByIntent(ctx, tx, pi)
	if err != nil || !ok || !Forward(p.Status, to) {
		return err
	}
	if p.Status == StatusActionRequired && to == StatusFailed {
		q := p
		if edit != nil {
			edit(&q)
		}
		if q.FailureCode != sagamsg.CodePaymentExpired {
			return nil // authentication failed: the learner may try again until the deadline decides
		}
		// What the learner had to pay expired at Stripe: the payment fails
		// now, before its deadline.
	}
	from := p.Status
	p.Status = to
	if edit != nil {
		edit(&p)
	}
	if err := s.settle(ctx, tx, p); err != nil {
		return err
	}
	if p.SagaID != "" && p.ID == PaymentID(p.SagaID) && (from == StatusActionRequired || from == StatusAttempting) &&
		(to == StatusSucceeded || to == StatusFailed) {
		// The saga's payment step waited for this (3-D Secure), or is
		// being answered right now: whichever records the step first wins,
		// the other answers as recorded.
		if err := s.completeStep(ctx, tx, p); err != nil {
			return err
		}
	}
	if md["renewal"] == p.ID && md["subscription_id"] != "" {
		// A renewal paid late (3-D Secure after a decline), or a pay-later
		// renewal paid or expired: Subscribe hears the outcome.
		out := billingmsg.RenewalCharged{Key: p.ID, SubscriptionID: md["subscription_id"], PaymentIntentID: p.PaymentIntentID}
		switch {
		case to == StatusSucceeded && (from == StatusFailed || (from == StatusActionRequired && p.MethodType != "")):
			out.Result = billingmsg.ChargeSucceeded
		case to == StatusFailed && from == StatusActionRequired && p.MethodType != "":
			out.Result, out.Code = billingmsg.ChargeExpired, p.FailureCode
		}
		if out.Result != "" {
			ev, err := events.New(billingmsg.Topic, billingmsg.EventRenewalCharged, out)
			if err != nil {
				return err
			}
			return s.outbox.Add(ctx, tx, ev)
		}
	}
	if to == StatusRefunded && from == StatusSucceeded {
		ev, err := events.New(billingmsg.Topic, billingmsg.EventPaymentRefunded,
			billingmsg.PaymentRefunded{PaymentID: p.ID, SagaID: p.SagaID, UserID: p.UserID})
		if err != nil {
			return err
		}
		return s.outbox.Add(ctx, tx, ev)
	}
	return nil
}
