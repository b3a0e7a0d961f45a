package billing

import (
	"context"
	"embed"
	"strings"
	"time"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/saga"
	"github.com/kwipper/kwipper/shared/spanx"
	"github.com/kwipper/kwipper/shared/tax"
)

// migrationFiles is the billing database's own schema (Registration.Schema).
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

var (
	customerColumns = []string{"UserId", "StripeCustomerId", "DefaultPaymentMethod", "CardBrand", "CardLast4"}
	paymentColumns  = []string{"PaymentId", "SagaId", "UserId", "Amount", "Currency", "Status", "PaymentIntentId",
		"RefundId", "FailureCode", "FailureMessage", "CreatedAt", "PaymentMethodId", "DeclineCode", "ActionDeadline", "MethodType"}
)

// store keeps customers and payments in Spanner.
type store struct {
	db     *spanner.Client
	outbox *events.Outbox
	rates  *tax.Table // tax rates of receipts (store_receipts.go); nil: tax.Default()
}

func newStore(d fnreg.Deps) store { return store{db: d.DB, outbox: d.Outbox} }

// participant is the saga participant that completes a waiting payment step
// from the webhook, in the webhook's transaction.
func (s *store) participant() *saga.Participant {
	return &saga.Participant{DB: s.db, Outbox: s.outbox}
}

// getCustomer returns user's customer, if there is one (a strong read).
func (s *store) getCustomer(ctx context.Context, userID string) (Customer, bool, error) {
	return s.customer(ctx, s.db.Single(), userID)
}

// getPayment returns payment id, if recorded (a strong read).
func (s *store) getPayment(ctx context.Context, id string) (Payment, bool, error) {
	return s.payment(ctx, s.db.Single(), id)
}

// customer returns user's customer, if there is one.
func (s *store) customer(ctx context.Context, rd spanx.Reader, userID string) (Customer, bool, error) {
	row, err := rd.ReadRow(ctx, "Customers", spanner.Key{userID}, customerColumns)
	if spanx.IsNotFound(err) {
		return Customer{}, false, nil
	}
	if err != nil {
		return Customer{}, false, spanx.Translate(err, "billingdb.customer")
	}
	c, err := scanCustomer(row)
	return c, err == nil, err
}

// customerByStripeID returns the customer with Stripe id id, if known.
func (s *store) customerByStripeID(ctx context.Context, rd spanx.Reader, id string) (Customer, bool, error) {
	row, err := rd.ReadRowUsingIndex(ctx, "Customers", "CustomersByStripeId", spanner.Key{id}, []string{"UserId"})
	if spanx.IsNotFound(err) {
		return Customer{}, false, nil
	}
	if err != nil {
		return Customer{}, false, spanx.Translate(err, "billingdb.customerByStripeID")
	}
	var userID string
	if err := row.Columns(&userID); err != nil {
		return Customer{}, false, err
	}
	return s.customer(ctx, rd, userID)
}

func scanCustomer(row *spanner.Row) (Customer, error) {
	var c Customer
	var pm, brand, last4 spanner.NullString
	if err := row.Columns(&c.UserID, &c.StripeCustomerID, &pm, &brand, &last4); err != nil {
		return Customer{}, err
	}
	c.PaymentMethod, c.CardBrand, c.CardLast4 = pm.StringVal, brand.StringVal, last4.StringVal
	return c, nil
}

// saveCustomer records c (the Stripe customer is created first, with an
// idempotency key per user, so concurrent first calls agree on it).
func (s *store) saveCustomer(ctx context.Context, c Customer) error {
	err := spanx.ReadWrite(ctx, s.db, func(ctx context.Context, tx *spanx.Tx) error {
		return tx.BufferWrite([]*spanner.Mutation{customerMutation(c)})
	})
	return spanx.Translate(err, "billingdb.saveCustomer")
}

func customerMutation(c Customer) *spanner.Mutation {
	null := func(s string) spanner.NullString { return spanner.NullString{StringVal: s, Valid: s != ""} }
	return spanner.InsertOrUpdate("Customers", append(customerColumns, "CreatedAt", "UpdatedAt"),
		[]any{c.UserID, c.StripeCustomerID, null(c.PaymentMethod), null(c.CardBrand), null(c.CardLast4),
			spanner.CommitTimestamp, spanner.CommitTimestamp})
}

// payment returns payment id, if recorded.
func (s *store) payment(ctx context.Context, rd spanx.Reader, id string) (Payment, bool, error) {
	row, err := rd.ReadRow(ctx, "Payments", spanner.Key{id}, paymentColumns)
	if spanx.IsNotFound(err) {
		return Payment{}, false, nil
	}
	if err != nil {
		return Payment{}, false, spanx.Translate(err, "billingdb.payment")
	}
	p, err := scanPayment(row)
	return p, err == nil, err
}

// paymentByIntent returns the payment of Stripe PaymentIntent pi, if ours.
func (s *store) paymentByIntent(ctx context.Context, rd spanx.Reader, pi string) (Payment, bool, error) {
	row, err := rd.ReadRowUsingIndex(ctx, "Payments", "PaymentsByIntent", spanner.Key{pi}, []string{"PaymentId"})
	if spanx.IsNotFound(err) {
		return Payment{}, false, nil
	}
	if err != nil {
		return Payment{}, false, spanx.Translate(err, "billingdb.paymentByIntent")
	}
	var id string
	if err := row.Columns(&id); err != nil {
		return Payment{}, false, err
	}
	return s.payment(ctx, rd, id)
}

func scanPayment(row *spanner.Row) (Payment, error) {
	var p Payment
	var saga, pi, re, code, msg, pm, decline, method spanner.NullString
	var deadline spanner.NullTime
	if err := row.Columns(&p.ID, &saga, &p.UserID, &p.Amount.Amount, &p.Amount.Currency, &p.Status, &pi, &re, &code, &msg, &p.CreatedAt, &pm, &decline, &deadline, &method); err != nil {
		return Payment{}, err
	}
	p.SagaID, p.PaymentIntentID, p.RefundID, p.FailureCode, p.FailureMessage = saga.StringVal, pi.StringVal, re.StringVal, code.StringVal, msg.StringVal
	p.PaymentMethodID, p.DeclineCode, p.ActionDeadline = pm.StringVal, decline.StringVal, deadline.Time
	p.MethodType = method.StringVal
	return p, nil
}

// begin records p as attempting unless a record exists, and returns the
// record as it stands.
func (s *store) begin(ctx context.Context, p Payment) (Payment, error) {
	var got Payment
	err := spanx.ReadWrite(ctx, s.db, func(ctx context.Context, tx *spanx.Tx) error {
		old, ok, err := s.payment(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		if ok {
			got = old
			return nil
		}
		got = p
		got.Status = StatusAttempting
		return tx.BufferWrite([]*spanner.Mutation{spanner.Insert("Payments",
			[]string{"PaymentId", "SagaId", "UserId", "Amount", "Currency", "Status", "PaymentMethodId", "MethodType", "CreatedAt", "UpdatedAt"},
			[]any{p.ID, spanner.NullString{StringVal: p.SagaID, Valid: p.SagaID != ""}, p.UserID, p.Amount.Amount, p.Amount.Currency, StatusAttempting,
				spanner.NullString{StringVal: p.PaymentMethodID, Valid: p.PaymentMethodID != ""},
				spanner.NullString{StringVal: p.MethodType, Valid: p.MethodType != ""}, spanner.CommitTimestamp, spanner.CommitTimestamp})})
	})
	return got, spanx.Translate(err, "billingdb.begin")
}

// forestall records, for a saga whose payment step was compensated before
// its do ran, that the payment must never be made: a failed Payments row
// under the saga's payment id (nothing charged), unless the do got there
// first, whose row it returns instead. preparePayment's begin then finds a
// settled payment and charges nothing, whichever of the two runs first.
func (s *store) forestall(ctx context.Context, p Payment) (Payment, error) {
	var got Payment
	err := spanx.ReadWrite(ctx, s.db, func(ctx context.Context, tx *spanx.Tx) error {
		old, ok, err := s.payment(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		if ok {
			got = old
			return nil
		}
		got = p
		got.Status, got.FailureCode, got.FailureMessage = StatusFailed, CodeCompensatedFirst, "the subscription was given up before the payment was made: nothing was charged"
		return tx.BufferWrite([]*spanner.Mutation{spanner.Insert("Payments",
			[]string{"PaymentId", "SagaId", "UserId", "Amount", "Currency", "Status", "FailureCode", "FailureMessage", "CreatedAt", "UpdatedAt"},
			[]any{p.ID, spanner.NullString{StringVal: p.SagaID, Valid: p.SagaID != ""}, p.UserID, p.Amount.Amount, p.Amount.Currency, got.Status,
				got.FailureCode, got.FailureMessage, spanner.CommitTimestamp, spanner.CommitTimestamp})})
	})
	return got, spanx.Translate(err, "billingdb.forestall")
}

// settle writes p's outcome in tx. A hard decline marks the method it was
// charged to unusable (never charged again; the default moves to another
// usable method, if any).
func (s *store) settle(ctx context.Context, tx *spanx.Tx, p Payment) error {
	null := func(s string) spanner.NullString { return spanner.NullString{StringVal: s, Valid: s != ""} }
	if err := tx.BufferWrite([]*spanner.Mutation{spanner.Update("Payments",
		[]string{"PaymentId", "Status", "PaymentIntentId", "RefundId", "FailureCode", "FailureMessage", "PaymentMethodId", "DeclineCode", "ActionDeadline", "UpdatedAt"},
		[]any{p.ID, p.Status, null(p.PaymentIntentID), null(p.RefundID), null(p.FailureCode), null(p.FailureMessage),
			null(p.PaymentMethodID), null(p.DeclineCode), spanner.NullTime{Time: p.ActionDeadline, Valid: !p.ActionDeadline.IsZero()}, spanner.CommitTimestamp})}); err != nil {
		return err
	}
	if err := s.recordReceipts(ctx, tx, p); err != nil { // money that moved gets its receipt (store_receipts.go)
		return err
	}
	if p.Status == StatusFailed && p.PaymentMethodID != "" && declineOf("", p.DeclineCode).Class == Hard && p.DeclineCode != "" {
		return s.markUnusable(ctx, tx, p.UserID, p.PaymentMethodID, p.DeclineCode)
	}
	return nil
}

// recordRenewal records a renewal charge's outcome (settled; nil when the
// record holds it already) and sends ev, Billing's answer, in one
// transaction.
func (s *store) recordRenewal(ctx context.Context, settled *Payment, ev events.Event, extra ...events.Event) error {
	err := spanx.ReadWrite(ctx, s.db, func(ctx context.Context, tx *spanx.Tx) error {
		if settled != nil {
			cur, ok, err := s.payment(ctx, tx, settled.ID)
			if err != nil {
				return err
			}
			if ok && Forward(cur.Status, settled.Status) {
				if err := s.settle(ctx, tx, *settled); err != nil {
					return err
				}
			}
		}
		for _, e := range extra {
			if err := s.outbox.Add(ctx, tx, e); err != nil {
				return err
			}
		}
		return s.outbox.Add(ctx, tx, ev)
	})
	return spanx.Translate(err, "billingdb.recordRenewal")
}

// attempting lists up to limit payments attempting since before before.
func (s *store) attempting(ctx context.Context, before time.Time, limit int) ([]Payment, error) {
	stmt := spanner.Statement{SQL: `SELECT ` + strings.Join(paymentColumns, ", ") + ` FROM Payments@{FORCE_INDEX=PaymentsByStatus}
		WHERE Status = @status AND CreatedAt < @before ORDER BY CreatedAt LIMIT @limit`,
		Params: map[string]any{"status": StatusAttempting, "before": before, "limit": int64(limit)}}
	var out []Payment
	err := spanx.Each(s.db.Single().Query(ctx, stmt), func(row *spanner.Row) error {
		p, err := scanPayment(row)
		out = append(out, p)
		return err
	})
	return out, spanx.Translate(err, "billingdb.attempting")
}

// recordReconciled writes reconciled payment p (when still attempting: a
// live call may have settled it meanwhile) and announces ev, if any, in one
// transaction.
func (s *store) recordReconciled(ctx context.Context, p Payment, ev *events.Event) error {
	err := spanx.ReadWrite(ctx, s.db, func(ctx context.Context, tx *spanx.Tx) error {
		cur, ok, err := s.payment(ctx, tx, p.ID)
		if err != nil || !ok || cur.Status != StatusAttempting {
			return err
		}
		if err := s.settle(ctx, tx, p); err != nil {
			return err
		}
		if ev == nil {
			return nil
		}
		return s.outbox.Add(ctx, tx, *ev)
	})
	return spanx.Translate(err, "billingdb.recordReconciled")
}

// Unreconciled lists up to limit payments of the billing database db still
// attempting since before before: what reconciliation could not settle
// (Stripe holds several PaymentIntents for it, or one still processing),
// for an operator (kwipper payments-unreconciled).
func Unreconciled(ctx context.Context, db *spanner.Client, before time.Time, limit int) ([]Payment, error) {
	s := store{db: db}
	return s.attempting(ctx, before, limit)
}
