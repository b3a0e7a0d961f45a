package subscribe

// Refunds within a window: the learner who subscribed asks for a refund of
// the latest successful charge while it is within the refund window
// (Refundable). The refund runs as a saga through the same orchestrator: the
// subscription's saga becomes a refund saga (State.Kind KindRefund) whose
// steps are the subscribe saga's compensations in saga.RefundSteps' order,
// sent as undo commands under the subscription's saga id, so each runs once
// per subscription however often it is delivered. When the last step
// answers, the subscription ends with reason "refunded" and
// subscription.ended revokes access.

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/httpx"
	"github.com/kwipper/kwipper/shared/spanx"
)

// refund starts the refund saga of the caller's subscription and answers 202
// with it (refunding); the refund completes asynchronously.
func (s *Service) refund(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("subscriptionId")
	if err := s.store.startRefund(r.Context(), id, auth.Caller(r).UserID, s.refundWindow); err != nil {
		return err
	}
	sub, err := s.store.get(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusAccepted, sub.view())
	return nil
}

// startRefund checks that user's subscription id may be refunded now (its
// latest successful charge is within window) and, in one transaction, makes
// it refunding (out of the billing cycle) and its saga a refund saga with
// the first command sent. A subscription refunding or refunded already is
// ErrRefunding or ErrRefunded, so a request sent twice starts one saga.
func (s *store) startRefund(ctx context.Context, id, userID string, window time.Duration) error {
	err := spanx.ReadWrite(ctx, s.db, func(ctx context.Context, tx *spanx.Tx) error {
		row, err := tx.ReadRow(ctx, "Subscriptions", spanner.Key{id},
			[]string{"UserId", "Status", "ReasonCode", "PaymentId", "Period", "Anchor"})
		if spanx.IsNotFound(err) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		var (
			owner, status string
			code, payment spanner.NullString
			period        spanner.NullInt64
			anchor        spanner.NullTime
		)
		if err := row.Columns(&owner, &status, &code, &payment, &period, &anchor); err != nil {
			return err
		}
		if owner != userID {
			return ErrNotOwner
		}
		switch {
		case status == StatusRefunding:
			return ErrRefunding
		case status == StatusEnded && code.StringVal == "refunded":
			return ErrRefunded
		case status != StatusActive && status != StatusPastDue:
			return ErrNothingToRefund
		}
		if charging, err := s.renewalCharging(ctx, tx, id); err != nil {
			return err
		} else if charging {
			return ErrRenewalCharging
		}
		paymentID, paidAt, err := s.latestCharge(ctx, tx, id, payment, period, anchor)
		if err != nil {
			return err
		}
		if err := Refundable(paidAt, s.now(), window); err != nil {
			return err
		}
		row, err = tx.ReadRow(ctx, "Sagas", spanner.Key{id}, []string{"State"})
		if spanx.IsNotFound(err) {
			return ErrNothingToRefund
		}
		if err != nil {
			return err
		}
		var b []byte
		if err := row.Columns(&b); err != nil {
			return err
		}
		var st State
		if err := json.Unmarshal(b, &st); err != nil {
			return err
		}
		if st.Phase != PhaseDone || st.Kind == KindRefund {
			return ErrRefunding
		}
		tr, err := st.StartRefund(id, paymentID)
		if err != nil {
			return err
		}
		if err := tx.BufferWrite([]*spanner.Mutation{spanner.Update("Subscriptions",
			[]string{"SubscriptionId", "Status", "DueAt", "UpdatedAt"},
			[]any{id, StatusRefunding, nil, spanner.CommitTimestamp})}); err != nil {
			return err
		}
		return s.writeSaga(ctx, tx, id, st, tr, false)
	})
	return spanx.Translate(err, "subscriptiondb.startRefund")
}

// ErrRenewalCharging refuses a refund while a renewal charge is under way
// (its outcome decides which payment is the latest).
var ErrRenewalCharging = errs.E(errs.FailedPrecondition, "a renewal payment of this subscription is under way; try again in a moment")

// renewalCharging reports whether a renewal attempt of subscription id
// awaits Billing's outcome.
func (s *store) renewalCharging(ctx context.Context, tx *spanx.Tx, id string) (bool, error) {
	stmt := spanner.Statement{
		SQL:    `SELECT COUNT(*) FROM Renewals WHERE SubscriptionId = @id AND Status = @charging`,
		Params: map[string]any{"id": id, "charging": RenewalCharging},
	}
	var n int64
	err := spanx.Each(tx.Query(ctx, stmt), func(r *spanner.Row) error { return r.Columns(&n) })
	return n > 0, err
}

// latestCharge is the payment of the subscription's latest paid period and
// when it was charged: the subscribe saga's payment for the first period
// (charged when the period was anchored), else the renewal attempt that
// succeeded for the period (charged when it was settled).
func (s *store) latestCharge(ctx context.Context, tx *spanx.Tx, id string, payment spanner.NullString,
	period spanner.NullInt64, anchor spanner.NullTime) (string, time.Time, error) {
	if !anchor.Valid {
		return "", time.Time{}, ErrNothingToRefund
	}
	if period.Int64 == 0 {
		if payment.StringVal == "" {
			return "", time.Time{}, ErrNothingToRefund
		}
		return payment.StringVal, anchor.Time, nil
	}
	stmt := spanner.Statement{
		SQL: `SELECT RenewalKey, UpdatedAt FROM Renewals WHERE SubscriptionId = @id AND Period = @period
		      AND Status = @settled AND STARTS_WITH(Code, @ok) ORDER BY Attempt DESC LIMIT 1`,
		Params: map[string]any{"id": id, "period": period.Int64, "settled": RenewalSettled, "ok": ChargeSucceeded + ":"},
	}
	var (
		key   string
		at    time.Time
		found bool
	)
	err := spanx.Each(tx.Query(ctx, stmt), func(r *spanner.Row) error {
		found = true
		return r.Columns(&key, &at)
	})
	if err != nil {
		return "", time.Time{}, err
	}
	if !found {
		return "", time.Time{}, ErrNothingToRefund
	}
	return key, at, nil
}

// finishRefund ends the refunded subscription in tx: reason "refunded", out
// of the live subscriptions (the learner may subscribe again), and
// subscription.ended announced so access stops.
func (s *store) finishRefund(ctx context.Context, tx *spanx.Tx, id string, st State) error {
	ev, err := events.New(Topic, EventEnded, EventData{SubscriptionID: id, UserID: st.UserID, CourseID: st.Course})
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
