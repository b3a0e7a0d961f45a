package subscribe

import (
	"context"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/contract/sagamsg"
	"github.com/kwipper/kwipper/shared/billingcal"
	"github.com/kwipper/kwipper/shared/saga"
	"github.com/kwipper/kwipper/shared/spanx"
)

// Subscribe's own steps of the subscribe saga (sagamsg): ValidateSubscription,
// Subscribe and its compensation Unsubscribe. Each runs in the transaction
// saga.Participant records it in.

// sagaValidate is ValidateSubscription: the course's rules (validate), and
// that this saga's subscription is the learner's one live subscription to
// the course.
func (s *store) sagaValidate(ctx context.Context, tx *spanx.Tx, cmd saga.Command, _ saga.Input) (saga.Outcome, error) {
	var info sagamsg.CourseInfo
	if err := cmd.Decode(&info); err != nil {
		return saga.Outcome{}, err
	}
	if code := validate(cmd.UserID, info); code != "" {
		return saga.Failure(code, ReasonText(code, "")), nil
	}
	row, err := tx.ReadRow(ctx, "LiveSubscriptions", spanner.Key{cmd.UserID, cmd.CourseID}, []string{"SubscriptionId"})
	if err != nil && !spanx.IsNotFound(err) {
		return saga.Outcome{}, err
	}
	var live string
	if err == nil {
		if err := row.Columns(&live); err != nil {
			return saga.Outcome{}, err
		}
	}
	if live != cmd.SagaID {
		return saga.Failure(sagamsg.CodeAlreadySubscribed, ReasonText(sagamsg.CodeAlreadySubscribed, "")), nil
	}
	return saga.Success(nil), nil
}

// sagaSubscribe is Subscribe: the subscription gets its price, payment and
// first period (it becomes active only when the whole saga succeeds).
func (s *store) sagaSubscribe(_ context.Context, tx *spanx.Tx, cmd saga.Command, _ saga.Input) (saga.Outcome, error) {
	var args sagamsg.SubscribeArgs
	if err := cmd.Decode(&args); err != nil {
		return saga.Outcome{}, err
	}
	start := s.cfg.Now().UTC()
	interval := args.BillingInterval
	if !billingcal.Valid(interval) {
		interval = billingcal.Month
	}
	end := billingcal.PeriodEnd(start, interval, 1)
	// The recurring columns: anchored at the start, due when the first
	// period ends, or Lead before for a pay-later subscription (the cycle
	// acts only once the subscription is active).
	r := Recurring{Anchor: start, Interval: interval, MethodType: args.MethodType}
	if r.MethodType != "" {
		r.Lead = s.cfg.PayLaterLead
	}
	return saga.Success(sagamsg.SubscribeData{PeriodStart: start, PeriodEnd: end}), tx.BufferWrite([]*spanner.Mutation{spanner.Update("Subscriptions",
		[]string{"SubscriptionId", "PriceAmount", "Currency", "PaymentId", "PeriodStart", "PeriodEnd", "Anchor", "BillingInterval",
			"Period", "Failures", "CancelAtPeriodEnd", "DueAt", "Shard", "PaymentMethodType", "UpdatedAt"},
		[]any{cmd.SagaID, args.Price.Amount, args.Price.Currency, args.PaymentID, start, end, start, interval,
			int64(0), int64(0), false, r.RenewAt(), int64(ShardOf(cmd.SagaID, s.cfg.Shards)),
			spanner.NullString{StringVal: args.MethodType, Valid: args.MethodType != ""}, spanner.CommitTimestamp})})
}

// sagaUnsubscribe is Unsubscribe, the compensation of Subscribe.
func (s *store) sagaUnsubscribe(_ context.Context, tx *spanx.Tx, cmd saga.Command, _ saga.Input) (saga.Outcome, error) {
	return saga.Success(nil), tx.BufferWrite([]*spanner.Mutation{spanner.Update("Subscriptions",
		[]string{"SubscriptionId", "PaymentId", "PeriodStart", "PeriodEnd", "Anchor", "DueAt", "UpdatedAt"},
		[]any{cmd.SagaID, nil, nil, nil, nil, nil, spanner.CommitTimestamp})})
}
