package subscribe

import (
	"context"
	"embed"
	"encoding/json"
	"log/slog"
	"time"

	"cloud.google.com/go/spanner"
	"github.com/google/uuid"

	"github.com/kwipper/kwipper/functions/contract/sagamsg"
	"github.com/kwipper/kwipper/functions/contract/subscribemsg"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/saga"
	"github.com/kwipper/kwipper/shared/spanx"
)

// migrationFiles is the subscriptions database's own schema
// (Registration.Schema).
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

var subColumns = []string{"SubscriptionId", "UserId", "CourseId", "Status", "ReasonCode", "Reason", "PriceAmount",
	"Currency", "CreatedAt", "UpdatedAt", "ActivatedAt", "EndedAt", "PeriodEnd", "CancelAtPeriodEnd", "ActionPaymentId", "ActionDeadline"}

// store keeps subscriptions and the sagas that make them in Spanner.
type store struct {
	db     *spanner.Client
	outbox *events.Outbox
	log    *slog.Logger
	cfg    Config
}

func newStore(d fnreg.Deps, c Config) store {
	log := d.Log
	if log == nil {
		log = slog.Default()
	}
	return store{db: d.DB, outbox: d.Outbox, log: log, cfg: c}
}

// now is the service's clock.
func (s *store) now() time.Time { return s.cfg.Now() }

// create inserts a pending subscription, its saga and the saga's first
// command, or returns ErrAlreadySubscribed when the learner has a live one.
// It returns the subscription as committed.
func (s *store) create(ctx context.Context, sub Subscription, st State, tr Transition) (Subscription, error) {
	ts, err := spanx.Commit(ctx, s.db, func(ctx context.Context, tx *spanx.Tx) error {
		_, err := tx.ReadRow(ctx, "LiveSubscriptions", spanner.Key{sub.UserID, sub.CourseID}, []string{"SubscriptionId"})
		if err == nil {
			return ErrAlreadySubscribed
		}
		if !spanx.IsNotFound(err) {
			return err
		}
		if err := tx.BufferWrite([]*spanner.Mutation{
			spanner.Insert("Subscriptions", []string{"SubscriptionId", "UserId", "CourseId", "Status", "CreatedAt", "UpdatedAt"},
				[]any{sub.ID, sub.UserID, sub.CourseID, StatusPending, spanner.CommitTimestamp, spanner.CommitTimestamp}),
			spanner.Insert("LiveSubscriptions", []string{"UserId", "CourseId", "SubscriptionId", "CreatedAt"},
				[]any{sub.UserID, sub.CourseID, sub.ID, spanner.CommitTimestamp}),
		}); err != nil {
			return err
		}
		return s.writeSaga(ctx, tx, sub.ID, st, tr, true)
	})
	if err != nil {
		return Subscription{}, spanx.Translate(err, "subscriptiondb.create")
	}
	sub.Status, sub.CreatedAt, sub.UpdatedAt = StatusPending, ts, ts
	return sub, nil
}

// writeSaga persists st and sends tr's commands (through the outbox).
func (s *store) writeSaga(ctx context.Context, tx *spanx.Tx, id string, st State, tr Transition, insert bool) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	open := spanner.NullBool{Bool: true, Valid: st.Phase != PhaseDone}
	backoff := time.Duration(min(st.Attempt, 5)) * s.cfg.StepTimeout
	cols := []string{"SagaId", "State", "Phase", "Open", "DeadlineAt", "UpdatedAt"}
	deadline := s.now().Add(backoff)
	if tr.Wait != nil {
		deadline = tr.Wait.Until // the step waits for the learner until then
	}
	vals := []any{id, b, st.Phase, open, deadline, spanner.CommitTimestamp}
	m := spanner.Update("Sagas", cols, vals)
	if insert {
		m = spanner.Insert("Sagas", append(cols, "CreatedAt"), append(vals, spanner.CommitTimestamp))
	}
	if err := tx.BufferWrite([]*spanner.Mutation{m}); err != nil {
		return err
	}
	for _, cmd := range tr.Commands {
		data, err := json.Marshal(cmd)
		if err != nil {
			return err
		}
		if err := s.outbox.Add(ctx, tx, events.Event{ID: uuid.NewString(), Topic: sagamsg.Lookup(cmd.Step).Topic(cmd.Kind == saga.Undo),
			Type: saga.EventCommand, Data: data}); err != nil {
			return err
		}
	}
	return nil
}

// advance applies fn to saga id's state in a transaction, persists the
// result, sends its commands and, when the saga finished, settles the
// subscription: active (announced on Topic) or failed with its reason, or,
// for a refund saga, ended (refunded; announced on Topic). A saga
// that does not exist (or, with overdueOnly, is not overdue) is reported as
// Ignored.
func (s *store) advance(ctx context.Context, id string, overdueOnly bool, fn func(*State) (Transition, error)) (Transition, error) {
	var tr Transition
	err := spanx.ReadWrite(ctx, s.db, func(ctx context.Context, tx *spanx.Tx) error {
		tr = Transition{}
		row, err := tx.ReadRow(ctx, "Sagas", spanner.Key{id}, []string{"State", "Open", "DeadlineAt"})
		if spanx.IsNotFound(err) {
			tr.Ignored = true
			return nil
		}
		if err != nil {
			return err
		}
		var (
			b        []byte
			open     spanner.NullBool
			deadline time.Time
		)
		if err := row.Columns(&b, &open, &deadline); err != nil {
			return err
		}
		if overdueOnly && (!open.Valid || deadline.After(s.now())) {
			tr.Ignored = true
			return nil
		}
		var st State
		if err := json.Unmarshal(b, &st); err != nil {
			return err
		}
		if tr, err = fn(&st); err != nil || tr.Ignored {
			return err
		}
		if err := s.writeSaga(ctx, tx, id, st, tr, false); err != nil {
			return err
		}
		if w := tr.Wait; w != nil {
			if err := tx.BufferWrite([]*spanner.Mutation{spanner.Update("Subscriptions",
				[]string{"SubscriptionId", "ReasonCode", "Reason", "ActionPaymentId", "ActionDeadline", "UpdatedAt"},
				[]any{id, w.Code, ReasonText(w.Code, ""), w.PaymentID, w.Until, spanner.CommitTimestamp})}); err != nil {
				return err
			}
		}
		switch tr.Finished {
		case StatusActive:
			return s.activate(ctx, tx, id, st)
		case StatusFailed:
			return s.fail(tx, id, st)
		case StatusEnded:
			return s.finishRefund(ctx, tx, id, st)
		}
		return nil
	})
	return tr, spanx.Translate(err, "subscriptiondb.advance")
}

func (s *store) activate(ctx context.Context, tx *spanx.Tx, id string, st State) error {
	ev, err := events.New(subscribemsg.Topic, subscribemsg.EventActivated, subscribemsg.EventData{SubscriptionID: id, UserID: st.UserID, CourseID: st.Course})
	if err != nil {
		return err
	}
	if err := tx.BufferWrite([]*spanner.Mutation{spanner.Update("Subscriptions",
		[]string{"SubscriptionId", "Status", "UpdatedAt", "ActivatedAt", "ReasonCode", "Reason", "ActionPaymentId", "ActionDeadline"},
		[]any{id, StatusActive, spanner.CommitTimestamp, spanner.CommitTimestamp, nil, nil, nil, nil})}); err != nil {
		return err
	}
	return s.outbox.Add(ctx, tx, ev)
}

func (s *store) fail(tx *spanx.Tx, id string, st State) error {
	return tx.BufferWrite([]*spanner.Mutation{
		spanner.Update("Subscriptions", []string{"SubscriptionId", "Status", "ReasonCode", "Reason", "DueAt", "ActionPaymentId", "ActionDeadline", "UpdatedAt"},
			[]any{id, StatusFailed, st.Code, st.Reason, nil, nil, nil, spanner.CommitTimestamp}),
		spanner.Delete("LiveSubscriptions", spanner.Key{st.UserID, st.Course}),
	})
}

// overdue lists up to limit open sagas whose deadline passed.
func (s *store) overdue(ctx context.Context, limit int) ([]string, error) {
	stmt := spanner.Statement{
		SQL: `SELECT SagaId FROM Sagas@{FORCE_INDEX=SagasOpen, spanner_emulator.disable_query_null_filtered_index_check=true}
		      WHERE Open = TRUE AND DeadlineAt < @now ORDER BY DeadlineAt LIMIT @limit`,
		Params: map[string]any{"now": s.now(), "limit": int64(limit)},
	}
	ids, err := spanx.Column[string](s.db.Single().Query(ctx, stmt))
	return ids, spanx.Translate(err, "subscriptiondb.overdue")
}

// get returns subscription id (ErrNotFound when there is none).
func (s *store) get(ctx context.Context, id string) (Subscription, error) {
	sub, err := readSub(ctx, s.db.Single(), id)
	return sub, spanx.Translate(err, "subscriptiondb.get")
}

// byUser lists user's subscriptions, newest first, up to limit.
func (s *store) byUser(ctx context.Context, userID string, limit int) ([]Subscription, error) {
	stmt := spanner.Statement{
		SQL: `SELECT ` + columnList(subColumns) + ` FROM Subscriptions@{FORCE_INDEX=SubscriptionsByUser}
		      WHERE UserId = @user ORDER BY CreatedAt DESC LIMIT @limit`,
		Params: map[string]any{"user": userID, "limit": int64(limit)},
	}
	var out []Subscription
	err := spanx.Each(s.db.Single().Query(ctx, stmt), func(r *spanner.Row) error {
		sub, err := scanSub(r)
		out = append(out, sub)
		return err
	})
	return out, spanx.Translate(err, "subscriptiondb.byUser")
}

// end ends subscription id of user (ErrNotFound when it is not theirs) with
// code, deleting its live marker and announcing subscription.ended, and
// returns it as committed. A subscription not active or past due is a
// conflict with its state; with no user (a refund made outside the saga),
// ending an ended subscription changes nothing.
func (s *store) end(ctx context.Context, id, userID, code string) (Subscription, error) {
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
		if userID != "" && sub.UserID != userID {
			return ErrNotFound
		}
		if userID == "" && sub.Status == StatusEnded {
			return nil
		}
		if err := sub.end(code); err != nil {
			return err
		}
		ev, err := events.New(subscribemsg.Topic, subscribemsg.EventEnded, subscribemsg.EventData{SubscriptionID: id, UserID: sub.UserID, CourseID: sub.CourseID})
		if err != nil {
			return err
		}
		if err := tx.BufferWrite([]*spanner.Mutation{
			spanner.Update("Subscriptions", []string{"SubscriptionId", "Status", "ReasonCode", "Reason", "DueAt", "CancelAtPeriodEnd", "UpdatedAt", "EndedAt"},
				[]any{id, sub.Status, sub.ReasonCode, sub.Reason, nil, false, spanner.CommitTimestamp, spanner.CommitTimestamp}),
			spanner.Delete("LiveSubscriptions", spanner.Key{sub.UserID, sub.CourseID}),
		}); err != nil {
			return err
		}
		changed = true
		return s.outbox.Add(ctx, tx, ev)
	})
	if err != nil {
		return Subscription{}, spanx.Translate(err, "subscriptiondb.end")
	}
	if changed {
		sub.UpdatedAt, sub.EndedAt = ts, ts
	}
	return sub, nil
}

// readSub reads subscription id in rd (ErrNotFound when there is none).
func readSub(ctx context.Context, rd spanx.Reader, id string) (Subscription, error) {
	row, err := rd.ReadRow(ctx, "Subscriptions", spanner.Key{id}, subColumns)
	if spanx.IsNotFound(err) {
		return Subscription{}, ErrNotFound
	}
	if err != nil {
		return Subscription{}, err
	}
	return scanSub(row)
}

func columnList(cols []string) string {
	out := ""
	for i, c := range cols {
		if i > 0 {
			out += ", "
		}
		out += c
	}
	return out
}

func scanSub(row *spanner.Row) (Subscription, error) {
	var (
		sub                     Subscription
		code, reason, currency  spanner.NullString
		amount                  spanner.NullInt64
		activated, ended, until spanner.NullTime
		cancel                  spanner.NullBool
		actionPay               spanner.NullString
		actionUntil             spanner.NullTime
	)
	if err := row.Columns(&sub.ID, &sub.UserID, &sub.CourseID, &sub.Status, &code, &reason, &amount, &currency,
		&sub.CreatedAt, &sub.UpdatedAt, &activated, &ended, &until, &cancel, &actionPay, &actionUntil); err != nil {
		return Subscription{}, err
	}
	sub.ReasonCode, sub.Reason = code.StringVal, reason.StringVal
	if amount.Valid && currency.Valid {
		sub.Price.Amount, sub.Price.Currency = amount.Int64, currency.StringVal
	}
	sub.ActivatedAt, sub.EndedAt, sub.PeriodEnd = activated.Time, ended.Time, until.Time
	sub.CancelAtPeriodEnd = cancel.Bool
	sub.ActionPaymentID, sub.ActionDeadline = actionPay.StringVal, actionUntil.Time
	return sub, nil
}
