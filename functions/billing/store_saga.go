package billing

import (
	"context"
	"errors"

	"github.com/kwipper/kwipper/functions/contract/sagamsg"
	"github.com/kwipper/kwipper/shared/saga"
	"github.com/kwipper/kwipper/shared/spanx"
)

// The Billing service's step of the subscribe saga records what
// payments.go's Prepare functions did at Stripe, in the transaction
// saga.Participant records the step in.

// applyPayment records the payment's outcome with the step. A payment
// waiting for the learner to authenticate it is a Waiting outcome (nothing
// recorded; the webhook completes the step, see stepOutcome); one the
// webhook settled meanwhile answers as settled.
func (s *store) applyPayment(ctx context.Context, tx *spanx.Tx, _ saga.Command, in saga.Input) (saga.Outcome, error) {
	switch v := in.Prepared.(type) {
	case saga.Outcome:
		return v, nil
	case Payment:
		cur, ok, err := s.payment(ctx, tx, v.ID)
		if err != nil {
			return saga.Outcome{}, err
		}
		switch {
		case ok && Forward(cur.Status, v.Status):
			if err := s.settle(ctx, tx, v); err != nil {
				return saga.Outcome{}, err
			}
			if v.Status == StatusActionRequired && v.MethodType != "" {
				// The learner is told what to pay (payment.instructions).
				ev, err := instructionsEvent(v, "")
				if err != nil {
					return saga.Outcome{}, err
				}
				if ev != nil {
					if err := s.outbox.Add(ctx, tx, *ev); err != nil {
						return saga.Outcome{}, err
					}
				}
			}
		case ok && cur.Status != v.Status:
			v = cur // the webhook got there first
		}
		return stepOutcome(v), nil
	}
	return saga.Outcome{}, errors.New("billing: payment step prepared nothing")
}

// stepOutcome is the payment step's outcome for payment p.
func stepOutcome(p Payment) saga.Outcome {
	switch {
	case p.Status == StatusSucceeded:
		return saga.Success(sagamsg.PaymentData{PaymentID: p.ID, PaymentIntentID: p.PaymentIntentID})
	case p.Status == StatusActionRequired:
		code := "authentication_required"
		if p.MethodType != "" {
			code = sagamsg.CodeAwaitingPayment
		}
		return saga.Waiting(code, p.ActionDeadline, sagamsg.PaymentData{PaymentID: p.ID, PaymentIntentID: p.PaymentIntentID})
	case p.FailureCode == "":
		return saga.Failure("card_declined", "your card was declined; try another card")
	}
	return saga.Failure(p.FailureCode, p.FailureMessage)
}

// completeStep finishes in tx the payment step of p's saga that waited
// for the webhook (a payment that needed authentication), with p's outcome.
func (s *store) completeStep(ctx context.Context, tx *spanx.Tx, p Payment) error {
	out := stepOutcome(p)
	if out.Pending {
		return nil
	}
	_, err := s.participant().Complete(ctx, tx, saga.Command{SagaID: p.SagaID, Step: sagamsg.StepPayment, Kind: saga.Do, UserID: p.UserID}, out)
	return err
}

// applyRefund records the refund with the step.
func (s *store) applyRefund(ctx context.Context, tx *spanx.Tx, _ saga.Command, in saga.Input) (saga.Outcome, error) {
	v, ok := in.Prepared.(Payment)
	if !ok {
		return saga.Success(nil), nil // no payment: nothing to refund
	}
	cur, found, err := s.payment(ctx, tx, v.ID)
	if err != nil {
		return saga.Outcome{}, err
	}
	if found && (Forward(cur.Status, v.Status) || (cur.PaymentIntentID == "" && v.PaymentIntentID != "")) {
		if err := s.settle(ctx, tx, v); err != nil {
			return saga.Outcome{}, err
		}
	}
	return saga.Success(nil), nil
}
