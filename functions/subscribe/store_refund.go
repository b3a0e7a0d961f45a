package subscribe

import (
	"context"
	"encoding/json"
	"time"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/contract/billingmsg"
	"github.com/kwipper/kwipper/functions/contract/subscribemsg"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/spanx"
)

// Refunds within a window (subscribe.go's startRefund decides): the
// subscription's saga becomes a refund saga whose steps are the subscribe
// saga's compensations in sagamsg.RefundSteps' order, sent as undo commands
// under the subscription's saga id, so each runs once per subscription
// however often it is delivered. When the last step answers, the
// subscription ends with reason "refunded" and subscription.ended revokes
// access.

// startRefund reads what user's refund of subscription id is decided on
// and, when startRefund allows it, makes the subscription refunding (out of
// the billing cycle) and its saga a refund saga with the first command sent,
// in one transaction. It returns the subscription as committed.
func (s *store) startRefund(ctx context.Context, id, userID string, window time.Duration) (Subscription, error) {
	var sub Subscription
	ts, err := spanx.Commit(ctx, s.db, func(ctx context.Context, tx *spanx.Tx) error {
		var err error
		if sub, err = readSub(ctx, tx, id); err != nil {
			return err
		}
		f, err := s.refundFacts(ctx, tx, id)
		if err != nil {
			return err
		}
		st, tr, err := startRefund(id, userID, f, s.now(), window)
		if err != nil {
			return inState(err, sub.Status, sub.ReasonCode)
		}
		sub.Status = StatusRefunding
		if err := tx.BufferWrite([]*spanner.Mutation{spanner.Update("Subscriptions",
			[]string{"SubscriptionId", "Status", "DueAt", "UpdatedAt"},
			[]any{id, StatusRefunding, nil, spanner.CommitTimestamp})}); err != nil {
			return err
		}
		return s.writeSaga(ctx, tx, id, st, tr, false)
	})
	if err != nil {
		return Subscription{}, spanx.Translate(err, "subscriptiondb.startRefund")
	}
	sub.UpdatedAt = ts
	return sub, nil
}

// refundFacts reads subscription id's refund facts in tx (ErrNotFound when
// there is no subscription).
func (s *store) refundFacts(ctx context.Context, tx *spanx.Tx, id string) (refundFacts, error) {
	var f refundFacts
	row, err := tx.ReadRow(ctx, "Subscriptions", spanner.Key{id}, []string{"UserId", "Status", "ReasonCode", "PaymentId", "Period", "Anchor"})
	if spanx.IsNotFound(err) {
		return f, ErrNotFound
	}
	if err != nil {
		return f, err
	}
	var (
		code, payment spanner.NullString
		period        spanner.NullInt64
		anchor        spanner.NullTime
	)
	if err := row.Columns(&f.Owner, &f.Status, &code, &payment, &period, &anchor); err != nil {
		return f, err
	}
	f.Code = code.StringVal
	stmt := spanner.Statement{
		SQL:    `SELECT COUNT(*) FROM Renewals WHERE SubscriptionId = @id AND Status = @charging`,
		Params: map[string]any{"id": id, "charging": RenewalCharging},
	}
	var charging int64
	if err := spanx.Each(tx.Query(ctx, stmt), func(r *spanner.Row) error { return r.Columns(&charging) }); err != nil {
		return f, err
	}
	f.RenewalCharging = charging > 0
	if f.PaymentID, f.PaidAt, err = latestCharge(ctx, tx, id, payment, period, anchor); err != nil {
		return f, err
	}
	row, err = tx.ReadRow(ctx, "Sagas", spanner.Key{id}, []string{"State"})
	if spanx.IsNotFound(err) {
		return f, nil
	}
	if err != nil {
		return f, err
	}
	var b []byte
	if err := row.Columns(&b); err != nil {
		return f, err
	}
	f.Saga = &State{}
	return f, json.Unmarshal(b, f.Saga)
}

// latestCharge is the payment of the subscription's latest paid period and
// when it was charged: the subscribe saga's payment for the first period
// (charged when the period was anchored), else the renewal attempt that
// succeeded for the period (charged when it was settled); "" when there is
// none.
func latestCharge(ctx context.Context, tx *spanx.Tx, id string, payment spanner.NullString,
	period spanner.NullInt64, anchor spanner.NullTime) (string, time.Time, error) {
	if !anchor.Valid {
		return "", time.Time{}, nil
	}
	if period.Int64 == 0 {
		return payment.StringVal, anchor.Time, nil
	}
	stmt := spanner.Statement{
		SQL: `SELECT RenewalKey, UpdatedAt FROM Renewals WHERE SubscriptionId = @id AND Period = @period
		      AND Status = @settled AND STARTS_WITH(Code, @ok) ORDER BY Attempt DESC LIMIT 1`,
		Params: map[string]any{"id": id, "period": period.Int64, "settled": RenewalSettled, "ok": billingmsg.ChargeSucceeded + ":"},
	}
	var (
		key string
		at  time.Time
	)
	err := spanx.Each(tx.Query(ctx, stmt), func(r *spanner.Row) error { return r.Columns(&key, &at) })
	return key, at, err
}

// finishRefund ends the refunded subscription in tx: reason "refunded", out
// of the live subscriptions (the learner may subscribe again), and
// subscription.ended announced so access stops.
func (s *store) finishRefund(ctx context.Context, tx *spanx.Tx, id string, st State) error {
	ev, err := events.New(subscribemsg.Topic, subscribemsg.EventEnded, subscribemsg.EventData{SubscriptionID: id, UserID: st.UserID, CourseID: st.Course})
	if err != nil {
		return err
	}
	if err := tx.BufferWrite([]*spanner.Mutation{
		spanner.Update("Subscriptions", []string{"SubscriptionId", "Status", "ReasonCode", "Reason", "DueAt", "UpdatedAt", "EndedAt"},
			[]any{id, StatusEnded, "refunded", ReasonText("refunded", ""), nil, spanner.CommitTimestamp, spanner.CommitTimestamp}),
		spanner.Delete("LiveSubscriptions", spanner.Key{st.UserID, st.Course}),
	}); err != nil {
		return err
	}
	return s.outbox.Add(ctx, tx, ev)
}
