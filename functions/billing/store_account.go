package billing

import (
	"context"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/contract/usermsg"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/spanx"
)

// customerNow reads user userID's customer, if any (a strong read).
func (s *store) customerNow(ctx context.Context, userID string) (Customer, bool, error) {
	return s.customer(ctx, s.db.Single(), userID)
}

// forgetUser pseudonymises deleted user d.UserID's payment records (their
// payments, terms and receipts now name pseudo, and no card digits), and
// deletes their customer row with its payment methods, leaving a tombstone
// of their country's version so a late user event brings nothing back; once
// per event. It fails with errPaymentInFlight, changing nothing, while a
// payment of theirs is attempting or waits for them.
func (s *store) forgetUser(ctx context.Context, eventID string, d usermsg.EventData, pseudo string) error {
	_, err := events.Once(ctx, s.db, fnUserEvent, eventID, func(ctx context.Context, tx *spanx.Tx) error {
		var payments []spanner.Key
		var ms []*spanner.Mutation
		err := spanx.Each(tx.Query(ctx, spanner.Statement{
			SQL:    `SELECT PaymentId, Status FROM Payments@{FORCE_INDEX=PaymentsByUser} WHERE UserId = @user`,
			Params: map[string]any{"user": d.UserID}}), func(r *spanner.Row) error {
			var id, status string
			if err := r.Columns(&id, &status); err != nil {
				return err
			}
			if status == StatusAttempting || status == StatusActionRequired {
				return errPaymentInFlight
			}
			payments = append(payments, spanner.Key{id})
			ms = append(ms, spanner.Update("Payments", []string{"PaymentId", "UserId"}, []any{id, pseudo}))
			return nil
		})
		if err != nil {
			return err
		}
		if len(payments) > 0 {
			err = spanx.Each(tx.Read(ctx, "PaymentTerms", spanner.KeySetFromKeys(payments...), []string{"PaymentId"}), func(r *spanner.Row) error {
				var id string
				if err := r.Columns(&id); err != nil {
					return err
				}
				ms = append(ms, spanner.Update("PaymentTerms", []string{"PaymentId", "UserId"}, []any{id, pseudo}))
				return nil
			})
			if err != nil {
				return err
			}
		}
		err = spanx.Each(tx.Query(ctx, spanner.Statement{
			SQL:    `SELECT ReceiptId FROM Receipts@{FORCE_INDEX=ReceiptsByUser} WHERE UserId = @user`,
			Params: map[string]any{"user": d.UserID}}), func(r *spanner.Row) error {
			var id string
			if err := r.Columns(&id); err != nil {
				return err
			}
			ms = append(ms, spanner.Update("Receipts", []string{"ReceiptId", "UserId", "CardLast4"}, []any{id, pseudo, nil}))
			return nil
		})
		if err != nil {
			return err
		}
		ms = append(ms, spanner.Delete("Customers", spanner.Key{d.UserID}),
			spanner.InsertOrUpdate("UserCountries", []string{"UserId", "Country", "DisplayName", "Email", "EventVersion", "UpdatedAt"},
				[]any{d.UserID, "", nil, nil, spanner.NullInt64{Int64: d.Version, Valid: d.Version > 0}, spanner.CommitTimestamp}))
		return tx.BufferWrite(ms)
	})
	return spanx.Translate(err, "billingdb.forgetUser")
}
