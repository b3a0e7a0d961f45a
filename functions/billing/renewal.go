package billing

import (
	"context"

	"github.com/kwipper/kwipper/functions/subscribe"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/spanx"
)

// chargeRenewal charges one renewal attempt Subscribe asked for and answers
// renewal.charged on billing-events. The Payments row (id = the attempt's
// idempotency key) is written before Stripe is called; an attempt settled
// before is answered again from it without calling Stripe, and one still
// attempting is replayed with the same key, so a command delivered or sent
// any number of times charges at most once.
func (s *Service) chargeRenewal(ctx context.Context, m events.Message) error {
	var c subscribe.RenewalCharge
	if err := m.Decode(&c); err != nil {
		return err
	}
	if c.Key == "" || c.SubscriptionID == "" || c.UserID == "" {
		return errs.E(errs.Invalid, "renewal charge %s needs a key, a subscription_id and a user_id", m.ID)
	}
	out := subscribe.RenewalCharged{Key: c.Key, SubscriptionID: c.SubscriptionID}
	p, settled, err := s.renewalPayment(ctx, c)
	if err != nil {
		return err
	}
	out.PaymentIntentID = p.PaymentIntentID
	switch {
	case p.Status == StatusSucceeded || p.Status == StatusRefunded:
		out.Result = subscribe.ChargeSucceeded
	case p.FailureCode == "authentication_required":
		out.Result, out.Code = subscribe.ChargeAuthRequired, p.FailureCode
	default:
		out.Result, out.Code = subscribe.ChargeDeclined, p.FailureCode
	}
	ev, err := events.New(subscribe.BillingTopic, subscribe.EventRenewalCharged, out)
	if err != nil {
		return err
	}
	err = spanx.ReadWrite(ctx, s.store.db, func(ctx context.Context, tx *spanx.Tx) error {
		if settled != nil {
			cur, ok, err := s.store.payment(ctx, tx, settled.ID)
			if err != nil {
				return err
			}
			if ok && Forward(cur.Status, settled.Status) {
				if err := s.store.settle(tx, *settled); err != nil {
					return err
				}
			}
		}
		return s.store.outbox.Add(ctx, tx, ev)
	})
	return spanx.Translate(err, "billingdb.chargeRenewal")
}

// renewalPayment returns the attempt's payment as it stands after charging
// it when needed; settled is the outcome to record (nil when the record
// already holds it).
func (s *Service) renewalPayment(ctx context.Context, c subscribe.RenewalCharge) (Payment, *Payment, error) {
	if s.gw == nil {
		return Payment{}, nil, errNoStripe
	}
	cu, ok, err := s.store.customer(ctx, s.store.db.Single(), c.UserID)
	if err != nil {
		return Payment{}, nil, err
	}
	if !ok || cu.PaymentMethod == "" {
		return Payment{Status: StatusFailed, FailureCode: "no_payment_method"}, nil, nil
	}
	p, err := s.store.begin(ctx, Payment{ID: c.Key, UserID: c.UserID, Amount: c.Amount})
	if err != nil {
		return Payment{}, nil, err
	}
	if p.Status != StatusAttempting {
		return p, nil, nil // settled before: never charge twice
	}
	res, err := s.gw.Charge(ctx, c.Key, cu.StripeCustomerID, cu.PaymentMethod, c.Amount, "Kwipper renewal",
		map[string]string{"subscription_id": c.SubscriptionID, "user_id": c.UserID, "course_id": c.CourseID, "renewal": c.Key})
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
		p.Status, p.FailureCode, p.FailureMessage = StatusFailed, res.Decline.Code, res.Decline.Message
	}
	return p, &p, nil
}
