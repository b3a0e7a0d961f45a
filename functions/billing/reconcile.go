package billing

import (
	"context"
	"errors"
	"time"

	"github.com/kwipper/kwipper/functions/contract/billingmsg"
	"github.com/kwipper/kwipper/shared/events"
)

// Reconciliation: payments left attempting (the process died, or Stripe's
// reply was lost, after Stripe may have charged) are settled from what
// Stripe says, found by the PaymentIntent's metadata (saga_id, or renewal:
// the renewal's key).

// ReconcileAfter is how old an attempting payment must be before it is
// reconciled: a live call has long finished, and Stripe's search (which
// may lag about a minute behind writes) has caught up.
const ReconcileAfter = 10 * time.Minute

// ReconcileResult counts what a reconciliation run did.
type ReconcileResult struct {
	Checked, Settled, Unknown int
	// UnknownIDs are payments Stripe could not settle (several
	// PaymentIntents, one still processing): an operator looks at them.
	UnknownIDs []string
}

// reconcile is the scheduled function (ticked every minute).
func (s *Service) reconcile(ctx context.Context, _ events.Message) error {
	res, err := s.Reconcile(ctx, s.now())
	if res.Unknown > 0 {
		s.log.WarnContext(ctx, "payments Stripe cannot settle: for an operator", "payment_ids", res.UnknownIDs)
	}
	return err
}

// Reconcile settles payments attempting since before asOf-ReconcileAfter.
func (s *Service) Reconcile(ctx context.Context, asOf time.Time) (ReconcileResult, error) {
	var res ReconcileResult
	if s.gw == nil {
		return res, errNoStripe
	}
	ps, err := s.store.attempting(ctx, asOf.Add(-ReconcileAfter), 200)
	if err != nil {
		return res, err
	}
	var firstErr error
	for _, p := range ps {
		res.Checked++
		settled, ev, known, err := s.stripeSays(ctx, p, asOf)
		if err != nil {
			firstErr = errors.Join(firstErr, err)
			continue
		}
		if !known {
			res.Unknown++
			res.UnknownIDs = append(res.UnknownIDs, p.ID)
			continue
		}
		if err := s.store.recordReconciled(ctx, settled, ev); err != nil {
			firstErr = errors.Join(firstErr, err)
			continue
		}
		res.Settled++
	}
	return res, firstErr
}

// stripeSays is what Stripe says of attempting payment p: its settled form,
// the renewal outcome to announce (nil for a saga's payment: the saga's
// command, sent again by its sweeper, answers from the settled record), and
// whether Stripe could say.
func (s *Service) stripeSays(ctx context.Context, p Payment, asOf time.Time) (Payment, *events.Event, bool, error) {
	key, value := "renewal", p.ID
	if p.SagaID != "" && p.ID == PaymentID(p.SagaID) {
		key, value = "saga_id", p.SagaID
	}
	found, err := s.gw.FindIntents(ctx, key, value)
	if err != nil {
		return p, nil, false, err
	}
	switch {
	case len(found) == 0:
		// Stripe never created it: nothing was charged.
		p.Status, p.FailureCode, p.FailureMessage = StatusFailed, "not_charged", "the payment could not be made; nothing was charged"
		return p, nil, true, nil
	case len(found) > 1:
		return p, nil, false, nil
	}
	f := found[0]
	p.PaymentIntentID = f.Result.PaymentIntentID
	switch {
	case f.Status == "processing":
		return p, nil, false, nil
	case f.Result.Succeeded:
		p.Status = StatusSucceeded
	case f.Result.ActionRequired:
		// The learner was asked (a first payment): the saga's next command
		// decides at the deadline, which has passed.
		p.Status, p.FailureCode, p.FailureMessage, p.ActionDeadline = StatusActionRequired, f.Result.Decline.Code, f.Result.Decline.Message, asOf
		if p.MethodType != "" {
			// A voucher, transfer or QR code was issued: the learner may pay
			// it until its own deadline (a renewal must not be charged
			// again meanwhile).
			p = s.payLaterOutcome(p, f.Result, p.CreatedAt)
		}
	default:
		p.Status, p.FailureCode, p.FailureMessage, p.DeclineCode = StatusFailed, f.Result.Decline.Code, f.Result.Decline.Message, f.Result.Decline.Stripe
	}
	sub := f.Metadata["subscription_id"]
	if key != "renewal" || sub == "" {
		return p, nil, true, nil
	}
	out := billingmsg.RenewalCharged{Key: p.ID, SubscriptionID: sub, PaymentIntentID: p.PaymentIntentID, Result: billingmsg.ChargeDeclined, Code: p.FailureCode}
	switch {
	case p.Status == StatusSucceeded:
		out.Result, out.Code = billingmsg.ChargeSucceeded, ""
	case p.MethodType != "" && p.Status == StatusActionRequired:
		out.Result, out.Code, out.Deadline = billingmsg.ChargeAwaitingPayment, "", p.ActionDeadline
	case p.Class() == Action:
		out.Result = billingmsg.ChargeAuthRequired
	case p.Class() == Hard:
		out.Result = billingmsg.ChargeHardDeclined
	}
	ev, err := events.New(billingmsg.Topic, billingmsg.EventRenewalCharged, out)
	return p, &ev, true, err
}
