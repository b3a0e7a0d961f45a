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

// applyPayment records the payment's outcome with the step.
func (s *store) applyPayment(ctx context.Context, tx *spanx.Tx, _ saga.Command, in saga.Input) (saga.Outcome, error) {
	switch v := in.Prepared.(type) {
	case saga.Outcome:
		return v, nil
	case Payment:
		cur, ok, err := s.payment(ctx, tx, v.ID)
		if err != nil {
			return saga.Outcome{}, err
		}
		if ok && Forward(cur.Status, v.Status) {
			if err := s.settle(ctx, tx, v); err != nil {
				return saga.Outcome{}, err
			}
		}
		if v.Status == StatusSucceeded {
			return saga.Success(sagamsg.PaymentData{PaymentID: v.ID, PaymentIntentID: v.PaymentIntentID}), nil
		}
		if v.FailureCode == "" {
			return saga.Failure("card_declined", "your card was declined; try another card"), nil
		}
		return saga.Failure(v.FailureCode, v.FailureMessage), nil
	}
	return saga.Outcome{}, errors.New("billing: payment step prepared nothing")
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
