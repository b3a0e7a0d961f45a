package user

import (
	"context"
	"time"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/shared/spanx"
)

// loginState reads user id's failed-login count and lockout into u.
func (s *store) loginState(ctx context.Context, u *User) error {
	row, err := s.db.Single().ReadRow(ctx, "Users", spanner.Key{u.ID}, []string{"FailedLogins", "LockedUntil"})
	if err != nil {
		return spanx.Translate(err, "userdb.loginState")
	}
	var (
		n      spanner.NullInt64
		locked spanner.NullTime
	)
	if err := row.Columns(&n, &locked); err != nil {
		return err
	}
	u.FailedLogins, u.LockedUntil = n.Int64, locked.Time
	return nil
}

// recordLogin applies a login's outcome to user id: a failure counts (and
// may lock, by p), a success clears the count. It announces nothing: login
// outcomes are no profile change.
func (s *store) recordLogin(ctx context.Context, id string, ok bool, now time.Time, p LoginPolicy) error {
	err := spanx.ReadWrite(ctx, s.db, func(ctx context.Context, tx *spanx.Tx) error {
		row, err := tx.ReadRow(ctx, "Users", spanner.Key{id}, []string{"FailedLogins", "LockedUntil"})
		if err != nil {
			return err
		}
		var (
			n      spanner.NullInt64
			locked spanner.NullTime
		)
		if err := row.Columns(&n, &locked); err != nil {
			return err
		}
		u := User{FailedLogins: n.Int64, LockedUntil: locked.Time}
		if ok {
			u.FailedLogins, u.LockedUntil = 0, time.Time{}
		} else {
			u.loginFailed(now, p)
		}
		if u.FailedLogins == n.Int64 && u.LockedUntil.Equal(locked.Time) {
			return nil
		}
		return tx.BufferWrite([]*spanner.Mutation{spanner.Update("Users", []string{"UserId", "FailedLogins", "LockedUntil"},
			[]any{id, u.FailedLogins, spanner.NullTime{Time: u.LockedUntil, Valid: !u.LockedUntil.IsZero()}})})
	})
	return spanx.Translate(err, "userdb.recordLogin")
}
