package subscribe

import (
	"context"
	"time"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/contract/billingmsg"
	"github.com/kwipper/kwipper/functions/contract/subscribemsg"
	"github.com/kwipper/kwipper/shared/billingcal"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/spanx"
)

// Renewal attempt statuses (Renewals.Status).
const (
	RenewalCharging = "charging"
	RenewalSettled  = "settled"
)

var recurringColumns = []string{"SubscriptionId", "UserId", "CourseId", "Status", "PriceAmount", "Currency", "Anchor",
	"BillingInterval", "Period", "Failures", "CancelAtPeriodEnd", "DueAt", "ReasonCode", "PaymentMethodType"}

// recurring reads subscription id's recurring state in tx (ok false when it
// has none: not found, or never activated with a period).
func (s *store) recurring(ctx context.Context, tx *spanx.Tx, id string) (Recurring, bool, error) {
	row, err := tx.ReadRow(ctx, "Subscriptions", spanner.Key{id}, recurringColumns)
	if spanx.IsNotFound(err) {
		return Recurring{}, false, nil
	}
	if err != nil {
		return Recurring{}, false, err
	}
	var (
		r                  Recurring
		amount, period, nf spanner.NullInt64
		currency, interval spanner.NullString
		code, method       spanner.NullString
		anchor, due        spanner.NullTime
		cancel             spanner.NullBool
	)
	if err := row.Columns(&r.SubscriptionID, &r.UserID, &r.CourseID, &r.Status, &amount, &currency, &anchor, &interval,
		&period, &nf, &cancel, &due, &code, &method); err != nil {
		return Recurring{}, false, err
	}
	if !anchor.Valid || !amount.Valid {
		return Recurring{}, false, nil
	}
	r.Price.Amount, r.Price.Currency = amount.Int64, currency.StringVal
	r.Anchor, r.Interval, r.Period, r.Failures = anchor.Time, interval.StringVal, int(period.Int64), int(nf.Int64)
	r.CancelAtPeriodEnd, r.DueAt, r.Code = cancel.Bool, due.Time, code.StringVal
	if r.MethodType = method.StringVal; r.MethodType != "" {
		r.Lead = s.cfg.PayLaterLead
	}
	return r, true, nil
}

// saveRecurring writes r and announces ch in tx; an ended subscription
// leaves the due index and frees the learner to subscribe again.
func (s *store) saveRecurring(ctx context.Context, tx *spanx.Tx, r Recurring, ch RecurringChange) error {
	due := spanner.NullTime{Time: r.DueAt, Valid: r.Status != StatusEnded}
	cols := []string{"SubscriptionId", "Status", "Period", "Failures", "CancelAtPeriodEnd", "DueAt", "PeriodStart", "PeriodEnd",
		"ReasonCode", "Reason", "UpdatedAt"}
	start := billingcal.PeriodEnd(r.Anchor, r.Interval, r.Period)
	reason := spanner.NullString{}
	code := spanner.NullString{StringVal: r.Code, Valid: r.Code != ""}
	if r.Code != "" {
		reason = spanner.NullString{StringVal: ReasonText(r.Code, ""), Valid: true}
	}
	vals := []any{r.SubscriptionID, r.Status, int64(r.Period), int64(r.Failures), r.CancelAtPeriodEnd, due, start, r.PeriodEnd(),
		code, reason, spanner.CommitTimestamp}
	ms := []*spanner.Mutation{}
	if ch.Ended {
		cols = append(cols, "EndedAt")
		vals = append(vals, spanner.CommitTimestamp)
		ms = append(ms, spanner.Delete("LiveSubscriptions", spanner.Key{r.UserID, r.CourseID}))
	}
	ms = append(ms, spanner.Update("Subscriptions", cols, vals))
	if err := tx.BufferWrite(ms); err != nil {
		return err
	}
	if ch.Event == "" {
		return nil
	}
	ev, err := events.New(subscribemsg.Topic, ch.Event, subscribemsg.EventData{SubscriptionID: r.SubscriptionID, UserID: r.UserID, CourseID: r.CourseID})
	if err != nil {
		return err
	}
	return s.outbox.Add(ctx, tx, ev)
}

// dueIDs lists up to limit subscriptions of shard due as of asOf.
func (s *store) dueIDs(ctx context.Context, shard int, asOf time.Time, limit int) ([]string, error) {
	stmt := spanner.Statement{
		SQL: `SELECT SubscriptionId FROM Subscriptions@{FORCE_INDEX=SubscriptionsDue, spanner_emulator.disable_query_null_filtered_index_check=true}
		      WHERE Shard = @shard AND DueAt <= @asOf ORDER BY DueAt LIMIT @limit`,
		Params: map[string]any{"shard": int64(shard), "asOf": asOf, "limit": int64(limit)},
	}
	ids, err := spanx.Column[string](s.db.Single().Query(ctx, stmt))
	return ids, spanx.Translate(err, "subscriptiondb.dueIDs")
}

// renewOne acts on subscription id if it is due as of asOf: ends it when it
// was cancelled at period end, or records the renewal attempt (charging)
// and sends Billing its charge command. An attempt recorded before (the
// shard ran twice, or died after recording) is sent again with the same
// idempotency key: Billing charges it at most once. It reports what it did:
// "", "ended" or "charging".
func (s *store) renewOne(ctx context.Context, id string, asOf time.Time) (string, error) {
	var did string
	err := spanx.ReadWrite(ctx, s.db, func(ctx context.Context, tx *spanx.Tx) error {
		did = ""
		r, ok, err := s.recurring(ctx, tx, id)
		if err != nil || !ok || !r.Due(asOf) {
			return err
		}
		step := r.Next()
		if step.End {
			did = "ended"
			return s.saveRecurring(ctx, tx, r, r.EndAtPeriodEnd())
		}
		n := *step.Charge
		_, err = tx.ReadRow(ctx, "Renewals", spanner.Key{id, n.Key()}, []string{"Status"})
		switch {
		case spanx.IsNotFound(err):
			if err := tx.BufferWrite([]*spanner.Mutation{spanner.Insert("Renewals",
				[]string{"SubscriptionId", "RenewalKey", "Period", "Attempt", "PeriodStart", "Status", "CycleAsOf", "CreatedAt", "UpdatedAt"},
				[]any{id, n.Key(), int64(n.Period), int64(n.Attempt), n.PeriodStart, RenewalCharging, asOf.UTC().Truncate(time.Second), spanner.CommitTimestamp, spanner.CommitTimestamp})}); err != nil {
				return err
			}
		case err != nil:
			return err
		}
		did = "charging"
		ev, err := events.New(subscribemsg.RenewalChargeTopic, subscribemsg.EventRenewalCharge, subscribemsg.RenewalCharge{Key: n.Key(), SubscriptionID: id, UserID: r.UserID,
			CourseID: r.CourseID, Period: n.Period, Attempt: n.Attempt, PeriodStart: n.PeriodStart, Amount: r.Price, EarlierKeys: n.EarlierKeys(),
			MethodType: r.MethodType, AsOf: asOf})
		if err != nil {
			return err
		}
		return s.outbox.Add(ctx, tx, ev)
	})
	return did, spanx.Translate(err, "subscriptiondb.renewOne")
}

// settleRenewal applies Billing's outcome of a renewal attempt once: the
// attempt's row moves from charging to settled with the subscription's new
// period or dunning state in the same transaction.
func (s *store) settleRenewal(ctx context.Context, c billingmsg.RenewalCharged, retryDays []int) (RecurringChange, error) {
	var ch RecurringChange
	err := spanx.ReadWrite(ctx, s.db, func(ctx context.Context, tx *spanx.Tx) error {
		ch = RecurringChange{}
		row, err := tx.ReadRow(ctx, "Renewals", spanner.Key{c.SubscriptionID, c.Key}, []string{"Status", "Period", "Attempt", "PeriodStart"})
		if spanx.IsNotFound(err) {
			return nil // not ours
		}
		if err != nil {
			return err
		}
		var (
			status          string
			period, attempt int64
			start           time.Time
		)
		if err := row.Columns(&status, &period, &attempt, &start); err != nil {
			return err
		}
		late := status != RenewalCharging
		if late && c.Result != billingmsg.ChargeSucceeded {
			return nil // settled before (a redelivered outcome)
		}
		r, ok, err := s.recurring(ctx, tx, c.SubscriptionID)
		if err != nil || !ok {
			return err
		}
		n := Renewal{SubscriptionID: r.SubscriptionID, Period: int(period), Attempt: int(attempt), PeriodStart: start, Amount: r.Price}
		if late {
			// The learner authenticated an attempt their bank asked about.
			ch = r.OnLatePayment(n)
			if ch.Event == "" {
				return nil // that period is paid already (or the subscription ended)
			}
		} else {
			ch = r.OnCharge(n, ChargeOutcome{Result: c.Result, Code: c.Code, Deadline: c.Deadline}, retryDays)
		}
		// A pay-later renewal that waits for the learner stays charging:
		// its final outcome (paid, expired) settles it. Meanwhile the
		// cycle's report counts it as waiting for the learner.
		status, code := RenewalSettled, spanner.NullString{StringVal: c.Result + ":" + c.Code, Valid: true}
		outcome := spanner.NullString{StringVal: outcomeOf(ch.Event), Valid: ch.Event != ""}
		if c.Result == billingmsg.ChargeAwaitingPayment {
			status, code, outcome = RenewalCharging, spanner.NullString{}, spanner.NullString{StringVal: outcomeAwaitingPayment, Valid: true}
		}
		if err := tx.BufferWrite([]*spanner.Mutation{spanner.Update("Renewals", []string{"SubscriptionId", "RenewalKey", "Status", "Code", "Outcome", "UpdatedAt"},
			[]any{c.SubscriptionID, c.Key, status, code, outcome, spanner.CommitTimestamp})}); err != nil {
			return err
		}
		if err := s.saveRecurring(ctx, tx, r, ch); err != nil {
			return err
		}
		// The payment the learner may authenticate until the last retry,
		// or none any more.
		action := []any{c.SubscriptionID, nil, nil}
		if !late && ((c.Result == billingmsg.ChargeAuthRequired && r.Status == StatusPastDue) ||
			(c.Result == billingmsg.ChargeAwaitingPayment && r.Status == StatusActive)) {
			action = []any{c.SubscriptionID, c.Key, r.DueAt}
		}
		return tx.BufferWrite([]*spanner.Mutation{spanner.Update("Subscriptions", []string{"SubscriptionId", "ActionPaymentId", "ActionDeadline"}, action)})
	})
	return ch, spanx.Translate(err, "subscriptiondb.settleRenewal")
}

// changeRecurring applies fn to user's subscription id in a transaction
// (cancel at period end, resume).
// A subscription that is not the user's is ErrNotFound; one without
// recurring billing (pending, failed) or whose state fn refuses is a
// conflict that names its state. It returns the subscription as committed.
func (s *store) changeRecurring(ctx context.Context, id, userID string, fn func(*Recurring) (RecurringChange, error)) (Subscription, error) {
	var (
		sub     Subscription
		changed bool
	)
	ts, err := spanx.Commit(ctx, s.db, func(ctx context.Context, tx *spanx.Tx) error {
		var err error
		changed = false
		if sub, err = readSub(ctx, tx, id); err != nil {
			return err
		}
		if sub.UserID != userID {
			return ErrNotFound
		}
		r, ok, err := s.recurring(ctx, tx, id)
		if err != nil {
			return err
		}
		if !ok {
			return inState(ErrNotRenewing, sub.Status, sub.ReasonCode)
		}
		ch, err := fn(&r)
		if err != nil {
			return inState(err, sub.Status, sub.ReasonCode)
		}
		if ch.Event == "" {
			return nil
		}
		sub.CancelAtPeriodEnd, changed = r.CancelAtPeriodEnd, true
		return s.saveRecurring(ctx, tx, r, ch)
	})
	if err != nil {
		return Subscription{}, spanx.Translate(err, "subscriptiondb.changeRecurring")
	}
	if changed {
		sub.UpdatedAt = ts
	}
	return sub, nil
}

// splitCycle publishes the billing cycle as of asOf as jobs, once per asOf
// however often it is ticked (the jobs' ids are deterministic too).
func (s *store) splitCycle(ctx context.Context, asOf time.Time, jobs []ShardJob) error {
	_, err := events.Once(ctx, s.db, fnBillingCycle, "cycle-"+asOf.Format(time.RFC3339), func(ctx context.Context, tx *spanx.Tx) error {
		if err := tx.BufferWrite([]*spanner.Mutation{spanner.InsertOrUpdate("BillingCycles", []string{"AsOf", "Shards", "SplitAt"},
			[]any{asOf, int64(len(jobs)), spanner.CommitTimestamp})}); err != nil {
			return err
		}
		for _, j := range jobs {
			ev, err := events.New(ShardTopic, "billing.shard", j)
			if err != nil {
				return err
			}
			ev.ID = j.EventID()
			if err := s.outbox.Add(ctx, tx, ev); err != nil {
				return err
			}
		}
		return nil
	})
	return spanx.Translate(err, "subscriptiondb.splitCycle")
}
