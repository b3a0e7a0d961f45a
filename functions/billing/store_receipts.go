package billing

import (
	"context"
	"time"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/shared/spanx"
	"github.com/kwipper/kwipper/shared/tax"
)

// Storage of payment terms (PaymentTerms) and receipts (Receipts).

var (
	termsColumns = []string{"PaymentId", "UserId", "SubscriptionId", "CourseId", "TutorId", "BillingInterval", "PeriodStart", "PeriodEnd",
		"Country", "TaxName", "TaxNominalBp", "TaxBaseNum", "TaxBaseDen", "TaxAmount"}
	receiptColumns = []string{"ReceiptId", "PaymentId", "Kind", "UserId", "TutorId", "CourseId", "SubscriptionId", "Amount", "Currency",
		"TaxAmount", "Country", "TaxName", "TaxNominalBp", "TaxBaseNum", "TaxBaseDen", "PeriodStart", "PeriodEnd",
		"MethodType", "CardBrand", "CardLast4", "IssuedAt"}
)

func nullStr(s string) spanner.NullString { return spanner.NullString{StringVal: s, Valid: s != ""} }
func nullTime(t time.Time) spanner.NullTime {
	return spanner.NullTime{Time: t, Valid: !t.IsZero()}
}

// noteTerms records t unless the payment has terms already, and returns the
// terms as recorded (the first writer's: a redelivered command keeps the
// rate of the first attempt).
func (s *store) noteTerms(ctx context.Context, t Terms) (Terms, error) {
	var got Terms
	err := spanx.ReadWrite(ctx, s.db, func(ctx context.Context, tx *spanx.Tx) error {
		old, ok, err := s.terms(ctx, tx, t.PaymentID)
		if err != nil {
			return err
		}
		if ok {
			got = old
			return nil
		}
		got = t
		return tx.BufferWrite([]*spanner.Mutation{spanner.Insert("PaymentTerms", append(termsColumns, "CreatedAt"),
			[]any{t.PaymentID, t.UserID, nullStr(t.SubscriptionID), nullStr(t.CourseID), nullStr(t.TutorID), nullStr(t.Interval),
				nullTime(t.PeriodStart), nullTime(t.PeriodEnd), nullStr(t.Country), nullStr(t.Rate.Name),
				t.Rate.NominalBP, max(t.Rate.BaseNum, 1), max(t.Rate.BaseDen, 1), t.Tax, spanner.CommitTimestamp})})
	})
	return got, spanx.Translate(err, "billingdb.noteTerms")
}

// getTerms returns payment id's terms, if recorded (a strong read).
func (s *store) getTerms(ctx context.Context, id string) (Terms, bool, error) {
	return s.terms(ctx, s.db.Single(), id)
}

// terms returns payment id's terms, if recorded.
func (s *store) terms(ctx context.Context, rd spanx.Reader, id string) (Terms, bool, error) {
	row, err := rd.ReadRow(ctx, "PaymentTerms", spanner.Key{id}, termsColumns)
	if spanx.IsNotFound(err) {
		return Terms{}, false, nil
	}
	if err != nil {
		return Terms{}, false, spanx.Translate(err, "billingdb.terms")
	}
	var t Terms
	var sub, course, tutor, interval, country, name spanner.NullString
	var start, end spanner.NullTime
	if err := row.Columns(&t.PaymentID, &t.UserID, &sub, &course, &tutor, &interval, &start, &end, &country, &name,
		&t.Rate.NominalBP, &t.Rate.BaseNum, &t.Rate.BaseDen, &t.Tax); err != nil {
		return Terms{}, false, err
	}
	t.SubscriptionID, t.CourseID, t.TutorID, t.Interval = sub.StringVal, course.StringVal, tutor.StringVal, interval.StringVal
	t.PeriodStart, t.PeriodEnd, t.Country, t.Rate.Name = start.Time, end.Time, country.StringVal, name.StringVal
	t.Rate.Country = t.Country
	return t, true, nil
}

// buyer is the name and email the User service last gave for userID
// (empty when not heard yet, or the account was deleted).
func (s *store) buyer(ctx context.Context, userID string) (Buyer, error) {
	row, err := s.db.Single().ReadRow(ctx, "UserCountries", spanner.Key{userID}, []string{"DisplayName", "Email"})
	if spanx.IsNotFound(err) {
		return Buyer{}, nil
	}
	if err != nil {
		return Buyer{}, spanx.Translate(err, "billingdb.buyer")
	}
	var name, email spanner.NullString
	if err := row.Columns(&name, &email); err != nil {
		return Buyer{}, err
	}
	return Buyer{Name: name.StringVal, Email: email.StringVal}, nil
}

// userCountry is the learner's country as the User service last said
// ("" when not heard yet).
func (s *store) userCountry(ctx context.Context, userID string) (string, error) {
	row, err := s.db.Single().ReadRow(ctx, "UserCountries", spanner.Key{userID}, []string{"Country"})
	if spanx.IsNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", spanx.Translate(err, "billingdb.userCountry")
	}
	var c string
	return c, row.Columns(&c)
}

// recordReceipts writes in tx the receipts payment p owes now it is
// settled to p.Status (settle calls it with every outcome): at most once
// each. The payment's amount, user and creation come from its row; what it
// is for and its tax from its terms (a payment recorded before terms
// existed gets the rate of its currency's home country at its creation).
func (s *store) recordReceipts(ctx context.Context, tx *spanx.Tx, p Payment) error {
	if p.Status != StatusSucceeded && p.Status != StatusRefunded {
		return nil
	}
	cur, ok, err := s.payment(ctx, tx, p.ID)
	if err != nil || !ok {
		return err
	}
	cur.Status = p.Status
	if p.PaymentMethodID != "" {
		cur.PaymentMethodID = p.PaymentMethodID
	}
	t, ok, err := s.terms(ctx, tx, p.ID)
	if err != nil {
		return err
	}
	if !ok {
		t = fixTerms(s.taxRates(), Terms{PaymentID: cur.ID, UserID: cur.UserID, SubscriptionID: cur.SagaID}, cur.Amount, "", cur.CreatedAt)
	}
	var m PaymentMethod
	if cur.PaymentMethodID != "" {
		row, err := tx.ReadRow(ctx, "PaymentMethods", spanner.Key{cur.UserID, cur.PaymentMethodID}, []string{"Type", "Brand", "Last4"})
		switch {
		case spanx.IsNotFound(err):
		case err != nil:
			return spanx.Translate(err, "billingdb.recordReceipts")
		default:
			var brand, last4 spanner.NullString
			if err := row.Columns(&m.Type, &brand, &last4); err != nil {
				return err
			}
			m.Brand, m.Last4 = brand.StringVal, last4.StringVal
		}
	}
	var muts []*spanner.Mutation
	for _, r := range receiptsFor(cur, t, m) {
		_, err := tx.ReadRow(ctx, "Receipts", spanner.Key{r.ID}, []string{"ReceiptId"})
		if err == nil {
			continue // written before
		}
		if !spanx.IsNotFound(err) {
			return spanx.Translate(err, "billingdb.recordReceipts")
		}
		muts = append(muts, spanner.Insert("Receipts", receiptColumns,
			[]any{r.ID, r.PaymentID, r.Kind, r.UserID, nullStr(r.TutorID), nullStr(r.CourseID), nullStr(r.SubscriptionID),
				r.Amount.Amount, r.Amount.Currency, r.Tax, nullStr(r.Country), nullStr(r.Rate.Name),
				r.Rate.NominalBP, max(r.Rate.BaseNum, 1), max(r.Rate.BaseDen, 1), nullTime(r.PeriodStart), nullTime(r.PeriodEnd),
				nullStr(r.MethodType), nullStr(r.CardBrand), nullStr(r.CardLast4), spanner.CommitTimestamp}))
	}
	if len(muts) == 0 {
		return nil
	}
	return tx.BufferWrite(muts)
}

// taxRates is the rate table the store was given (the embedded one by
// default).
func (s *store) taxRates() tax.Table {
	if s.rates == nil {
		return tax.Default()
	}
	return *s.rates
}

const receiptSelect = `SELECT r.ReceiptId, r.PaymentId, r.Kind, r.UserId, r.TutorId, r.CourseId, r.SubscriptionId, r.Amount, r.Currency,
	r.TaxAmount, r.Country, r.TaxName, r.TaxNominalBp, r.TaxBaseNum, r.TaxBaseDen, r.PeriodStart, r.PeriodEnd,
	r.MethodType, r.CardBrand, r.CardLast4, r.IssuedAt, p.Status
	FROM Receipts r JOIN Payments p ON p.PaymentId = r.PaymentId `

func scanReceipt(row *spanner.Row) (Receipt, error) {
	var r Receipt
	var tutor, course, sub, country, name, method, brand, last4 spanner.NullString
	var start, end spanner.NullTime
	if err := row.Columns(&r.ID, &r.PaymentID, &r.Kind, &r.UserID, &tutor, &course, &sub, &r.Amount.Amount, &r.Amount.Currency,
		&r.Tax, &country, &name, &r.Rate.NominalBP, &r.Rate.BaseNum, &r.Rate.BaseDen, &start, &end,
		&method, &brand, &last4, &r.IssuedAt, &r.PaymentStatus); err != nil {
		return Receipt{}, err
	}
	r.TutorID, r.CourseID, r.SubscriptionID, r.Country, r.Rate.Name = tutor.StringVal, course.StringVal, sub.StringVal, country.StringVal, name.StringVal
	r.Rate.Country = r.Country
	r.PeriodStart, r.PeriodEnd = start.Time, end.Time
	r.MethodType, r.CardBrand, r.CardLast4 = method.StringVal, brand.StringVal, last4.StringVal
	return r, nil
}

func (s *store) queryReceipts(ctx context.Context, stmt spanner.Statement, what string) ([]Receipt, error) {
	var out []Receipt
	err := spanx.Each(s.db.Single().Query(ctx, stmt), func(row *spanner.Row) error {
		r, err := scanReceipt(row)
		out = append(out, r)
		return err
	})
	return out, spanx.Translate(err, what)
}

// receiptCursor is where a page of a learner's payments ended.
type receiptCursor struct {
	At time.Time `json:"t"`
	ID string    `json:"id"`
}

// listReceipts lists up to limit of user's receipts, newest first, after
// cursor c (nil: from the newest).
func (s *store) listReceipts(ctx context.Context, userID string, c *receiptCursor, limit int) ([]Receipt, error) {
	sql := receiptSelect + `WHERE r.UserId = @user`
	params := map[string]any{"user": userID, "limit": int64(limit)}
	if c != nil {
		sql += ` AND (r.IssuedAt < @at OR (r.IssuedAt = @at AND r.ReceiptId < @id))`
		params["at"], params["id"] = c.At, c.ID
	}
	sql += ` ORDER BY r.IssuedAt DESC, r.ReceiptId DESC LIMIT @limit`
	return s.queryReceipts(ctx, spanner.Statement{SQL: sql, Params: params}, "billingdb.listReceipts")
}

// paymentReceipts lists payment id's receipts (its payment, and its refund
// when refunded), oldest first.
func (s *store) paymentReceipts(ctx context.Context, id string) ([]Receipt, error) {
	return s.queryReceipts(ctx, spanner.Statement{SQL: receiptSelect + `WHERE r.PaymentId = @id ORDER BY r.IssuedAt, r.Kind`,
		Params: map[string]any{"id": id}}, "billingdb.paymentReceipts")
}

// tutorReceipts lists the receipts of tutor's courses issued in [from, to).
func (s *store) tutorReceipts(ctx context.Context, tutorID string, from, to time.Time) ([]Receipt, error) {
	stmt := spanner.Statement{SQL: `SELECT CourseId, Kind, Amount, Currency, TaxAmount, IssuedAt
		FROM Receipts@{FORCE_INDEX=ReceiptsByTutor} WHERE TutorId = @tutor AND IssuedAt >= @from AND IssuedAt < @to`,
		Params: map[string]any{"tutor": tutorID, "from": from, "to": to}}
	var out []Receipt
	err := spanx.Each(s.db.Single().Query(ctx, stmt), func(row *spanner.Row) error {
		var r Receipt
		var course spanner.NullString
		if err := row.Columns(&course, &r.Kind, &r.Amount.Amount, &r.Amount.Currency, &r.Tax, &r.IssuedAt); err != nil {
			return err
		}
		r.CourseID = course.StringVal
		out = append(out, r)
		return nil
	})
	return out, spanx.Translate(err, "billingdb.tutorReceipts")
}
