package billing

import (
	"context"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/contract/usermsg"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/spanx"
)

// Saved payment methods (PaymentMethods, interleaved in Customers) and the
// learners' countries (UserCountries, a projection of user events).

var methodColumns = []string{"PaymentMethodId", "Type", "Brand", "Last4", "ExpMonth", "ExpYear", "Unusable"}

// methods lists user's saved payment methods, newest first. A customer
// saved before PaymentMethods existed has its one card only on the
// Customers row: it is listed from there.
func (s *store) methods(ctx context.Context, rd spanx.Reader, c Customer) ([]PaymentMethod, error) {
	stmt := spanner.Statement{SQL: `SELECT PaymentMethodId, Type, Brand, Last4, ExpMonth, ExpYear, Unusable FROM PaymentMethods
		WHERE UserId = @user ORDER BY CreatedAt DESC, PaymentMethodId`, Params: map[string]any{"user": c.UserID}}
	var out []PaymentMethod
	it := rd.Query(ctx, stmt)
	defer it.Stop()
	err := it.Do(func(row *spanner.Row) error {
		var m PaymentMethod
		var brand, last4, unusable spanner.NullString
		var month, year spanner.NullInt64
		if err := row.Columns(&m.ID, &m.Type, &brand, &last4, &month, &year, &unusable); err != nil {
			return err
		}
		m.Brand, m.Last4, m.ExpMonth, m.ExpYear, m.Unusable = brand.StringVal, last4.StringVal, month.Int64, year.Int64, unusable.StringVal
		m.stored = true
		out = append(out, m)
		return nil
	})
	if err != nil {
		return nil, spanx.Translate(err, "billingdb.methods")
	}
	if c.PaymentMethod != "" && !hasMethod(out, c.PaymentMethod) {
		out = append(out, PaymentMethod{ID: c.PaymentMethod, Type: "card", Brand: c.CardBrand, Last4: c.CardLast4})
	}
	return out, nil
}

func hasMethod(ms []PaymentMethod, id string) bool {
	for _, m := range ms {
		if m.ID == id {
			return true
		}
	}
	return false
}

func methodOf(ms []PaymentMethod, id string) (PaymentMethod, bool) {
	for _, m := range ms {
		if m.ID == id {
			return m, true
		}
	}
	return PaymentMethod{}, false
}

// wallet is a learner's customer, saved methods and country.
type wallet struct {
	Customer Customer
	Methods  []PaymentMethod
	Country  string
}

// getWallet reads user's wallet with strong reads (a customer that does not
// exist yet is an empty wallet).
func (s *store) getWallet(ctx context.Context, userID string) (wallet, error) {
	w := wallet{Customer: Customer{UserID: userID}}
	c, ok, err := s.customer(ctx, s.db.Single(), userID)
	if err != nil {
		return w, err
	}
	if ok {
		w.Customer = c
		if w.Methods, err = s.methods(ctx, s.db.Single(), c); err != nil {
			return w, err
		}
	}
	row, err := s.db.Single().ReadRow(ctx, "UserCountries", spanner.Key{userID}, []string{"Country"})
	switch {
	case spanx.IsNotFound(err):
	case err != nil:
		return w, spanx.Translate(err, "billingdb.getWallet")
	default:
		if err := row.Columns(&w.Country); err != nil {
			return w, err
		}
	}
	return w, nil
}

func methodMutation(userID string, m PaymentMethod) *spanner.Mutation {
	null := func(s string) spanner.NullString { return spanner.NullString{StringVal: s, Valid: s != ""} }
	nullInt := func(n int64) spanner.NullInt64 { return spanner.NullInt64{Int64: n, Valid: n != 0} }
	return spanner.InsertOrUpdate("PaymentMethods",
		[]string{"UserId", "PaymentMethodId", "Type", "Brand", "Last4", "ExpMonth", "ExpYear", "Unusable", "CreatedAt", "UpdatedAt"},
		[]any{userID, m.ID, m.Type, null(m.Brand), null(m.Last4), nullInt(m.ExpMonth), nullInt(m.ExpYear), null(m.Unusable),
			spanner.CommitTimestamp, spanner.CommitTimestamp})
}

// addMethod records m as one of user's saved methods, the default when
// makeDefault or when the customer has none; saving one already saved
// changes only which is the default. It refuses an eleventh method
// (ErrTooManyMethods) and returns the customer and methods as committed.
func (s *store) addMethod(ctx context.Context, userID string, m PaymentMethod, makeDefault bool) (wallet, error) {
	var w wallet
	err := spanx.ReadWrite(ctx, s.db, func(ctx context.Context, tx *spanx.Tx) error {
		var err error
		if w, err = s.addMethodTx(ctx, tx, userID, m, makeDefault); err != nil {
			return err
		}
		return nil
	})
	return w, spanx.Translate(err, "billingdb.addMethod")
}

func (s *store) addMethodTx(ctx context.Context, tx *spanx.Tx, userID string, m PaymentMethod, makeDefault bool) (wallet, error) {
	c, ok, err := s.customer(ctx, tx, userID)
	if err != nil {
		return wallet{}, err
	}
	if !ok {
		return wallet{}, ErrMethodNotFound
	}
	ms, err := s.methods(ctx, tx, c)
	if err != nil {
		return wallet{}, err
	}
	old, saved := methodOf(ms, m.ID)
	if !saved && len(ms) >= MaxSavedMethods {
		return wallet{}, ErrTooManyMethods
	}
	if saved {
		m.Unusable = old.Unusable
		ms = removeID(ms, m.ID)
	}
	ms = append([]PaymentMethod{m}, ms...)
	muts := []*spanner.Mutation{methodMutation(userID, m)}
	if (makeDefault || c.PaymentMethod == "") && m.Unusable == "" {
		c.PaymentMethod, c.CardBrand, c.CardLast4 = m.ID, m.Brand, m.Last4
		muts = append(muts, customerMutation(c))
	}
	return wallet{Customer: c, Methods: ms}, tx.BufferWrite(muts)
}

func removeID(ms []PaymentMethod, id string) []PaymentMethod {
	out := make([]PaymentMethod, 0, len(ms))
	for _, m := range ms {
		if m.ID != id {
			out = append(out, m)
		}
	}
	return out
}

// changeMethods applies fn to user's wallet in a transaction: a method of
// theirs named id must exist (ErrMethodNotFound otherwise, nothing
// changes); fn returns the new default and whether id is removed.
func (s *store) changeMethods(ctx context.Context, userID, id string, fn func(c Customer, m PaymentMethod, ms []PaymentMethod) (string, bool, error)) (wallet, error) {
	var w wallet
	err := spanx.ReadWrite(ctx, s.db, func(ctx context.Context, tx *spanx.Tx) error {
		c, ok, err := s.customer(ctx, tx, userID)
		if err != nil {
			return err
		}
		if !ok {
			return ErrMethodNotFound
		}
		ms, err := s.methods(ctx, tx, c)
		if err != nil {
			return err
		}
		m, ok := methodOf(ms, id)
		if !ok {
			return ErrMethodNotFound
		}
		def, remove, err := fn(c, m, ms)
		if err != nil {
			return err
		}
		var muts []*spanner.Mutation
		if remove {
			muts = append(muts, spanner.Delete("PaymentMethods", spanner.Key{userID, id}))
			ms = removeID(ms, id)
		}
		if def != c.PaymentMethod {
			c.PaymentMethod, c.CardBrand, c.CardLast4 = def, "", ""
			if d, ok := methodOf(ms, def); ok {
				c.CardBrand, c.CardLast4 = d.Brand, d.Last4
			}
			muts = append(muts, customerMutation(c))
		}
		w = wallet{Customer: c, Methods: ms}
		return tx.BufferWrite(muts)
	})
	return w, spanx.Translate(err, "billingdb.changeMethods")
}

// applyUserCountry records a user's country from user event eventID, once,
// unless a newer event was applied.
func (s *store) applyUserCountry(ctx context.Context, eventID string, d usermsg.EventData) error {
	_, err := events.Once(ctx, s.db, fnUserEvent, eventID, func(ctx context.Context, tx *spanx.Tx) error {
		stale, err := events.Stale(ctx, tx, "UserCountries", spanner.Key{d.UserID}, "EventVersion", d.Version)
		if err != nil || stale {
			return err
		}
		return tx.BufferWrite([]*spanner.Mutation{spanner.InsertOrUpdate("UserCountries",
			[]string{"UserId", "Country", "DisplayName", "Email", "EventVersion", "UpdatedAt"},
			[]any{d.UserID, d.Country, nullStr(d.DisplayName), nullStr(d.Email), spanner.NullInt64{Int64: d.Version, Valid: d.Version > 0}, spanner.CommitTimestamp})})
	})
	return spanx.Translate(err, "billingdb.applyUserCountry")
}

// markUnusable marks user's method pm unusable after hard decline code (a
// method not saved here, e.g. removed since, is left alone); when it was the
// default, the newest usable method becomes the default.
func (s *store) markUnusable(ctx context.Context, tx *spanx.Tx, userID, pm, code string) error {
	c, ok, err := s.customer(ctx, tx, userID)
	if err != nil || !ok {
		return err
	}
	ms, err := s.methods(ctx, tx, c)
	if err != nil {
		return err
	}
	m, ok := methodOf(ms, pm)
	if !ok || m.Unusable != "" {
		return nil
	}
	m.Unusable = code
	mut := methodMutation(userID, m) // a card saved before PaymentMethods existed gets its row
	if m.stored {
		mut = spanner.Update("PaymentMethods", []string{"UserId", "PaymentMethodId", "Unusable", "UpdatedAt"},
			[]any{userID, m.ID, code, spanner.CommitTimestamp})
	}
	muts := []*spanner.Mutation{mut}
	if c.PaymentMethod == pm {
		def := pickDefault("", "", markedIn(ms, pm, code))
		c.PaymentMethod, c.CardBrand, c.CardLast4 = def, "", ""
		if d, ok := methodOf(ms, def); ok {
			c.CardBrand, c.CardLast4 = d.Brand, d.Last4
		}
		muts = append(muts, customerMutation(c))
	}
	return tx.BufferWrite(muts)
}

func markedIn(ms []PaymentMethod, id, code string) []PaymentMethod {
	out := append([]PaymentMethod(nil), ms...)
	for i := range out {
		if out[i].ID == id {
			out[i].Unusable = code
		}
	}
	return out
}
