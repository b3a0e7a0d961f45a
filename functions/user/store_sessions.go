package user

import (
	"context"
	"time"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/spanx"
)

// issued is a new refresh token to store: its session, hash and expiry.
type issued struct {
	SessionID string
	Hash      []byte
	ExpiresAt time.Time
}

// sessionMutations start session t.SessionID of userID with t as its first
// refresh token (generation 1).
func sessionMutations(userID string, t issued) []*spanner.Mutation {
	return []*spanner.Mutation{
		spanner.Insert("Sessions", []string{"UserId", "SessionId", "Generation", "CreatedAt", "RefreshedAt", "ExpiresAt"},
			[]any{userID, t.SessionID, int64(1), spanner.CommitTimestamp, spanner.CommitTimestamp, t.ExpiresAt}),
		spanner.Insert("RefreshTokens", []string{"UserId", "SessionId", "TokenHash", "Generation", "ExpiresAt"},
			[]any{userID, t.SessionID, t.Hash, int64(1), t.ExpiresAt}),
	}
}

// startSession stores a new session of user u (just authenticated) and
// returns u as it is now, or ErrNotFound when the account is gone.
func (s *store) startSession(ctx context.Context, userID string, t issued) (User, error) {
	var u User
	_, err := spanx.Commit(ctx, s.db, func(ctx context.Context, tx *spanx.Tx) error {
		var err error
		if u, err = readUser(ctx, tx, userID); err != nil {
			return err
		}
		return tx.BufferWrite(sessionMutations(userID, t))
	})
	if err != nil {
		return User{}, spanx.Translate(err, "userdb.startSession")
	}
	return u, nil
}

// rotate presents the refresh token hash of session sessionID at now: on
// refreshRotate it stores next as the session's new current token and
// returns the user; on refreshReused it revokes the session (committed); on
// refreshInvalid it changes nothing.
func (s *store) rotate(ctx context.Context, userID, sessionID string, hash []byte, next issued, now time.Time) (User, refreshOutcome, error) {
	var (
		u       User
		outcome refreshOutcome
	)
	_, err := spanx.Commit(ctx, s.db, func(ctx context.Context, tx *spanx.Tx) error {
		outcome = refreshInvalid
		sess, err := readSession(ctx, tx, userID, sessionID)
		if errs.Is(err, errs.NotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		row, err := tx.ReadRow(ctx, "RefreshTokens", spanner.Key{userID, sessionID, hash}, []string{"Generation", "ExpiresAt"})
		if spanx.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		var gen int64
		var exp time.Time
		if err := row.Columns(&gen, &exp); err != nil {
			return err
		}
		switch outcome = sess.refresh(gen, exp, now); outcome {
		case refreshInvalid:
			return nil
		case refreshReused:
			return tx.BufferWrite(revokeMutations(userID, sessionID, revokedReuse, true))
		}
		if u, err = readUser(ctx, tx, userID); err != nil {
			return err
		}
		gen = sess.Generation + 1
		return tx.BufferWrite([]*spanner.Mutation{
			spanner.Update("Sessions", []string{"UserId", "SessionId", "Generation", "RefreshedAt", "ExpiresAt"},
				[]any{userID, sessionID, gen, spanner.CommitTimestamp, next.ExpiresAt}),
			spanner.Insert("RefreshTokens", []string{"UserId", "SessionId", "TokenHash", "Generation", "ExpiresAt"},
				[]any{userID, sessionID, next.Hash, gen, next.ExpiresAt}),
		})
	})
	if errs.Is(err, errs.NotFound) {
		return User{}, refreshInvalid, nil
	}
	if err != nil {
		return User{}, 0, spanx.Translate(err, "userdb.rotate")
	}
	return u, outcome, nil
}

// revokeMutations revoke session sessionID; listed puts it on the
// revocation list, so its live access tokens stop too.
func revokeMutations(userID, sessionID, reason string, listed bool) []*spanner.Mutation {
	ms := []*spanner.Mutation{spanner.Update("Sessions", []string{"UserId", "SessionId", "RevokedAt", "RevokedReason"},
		[]any{userID, sessionID, spanner.CommitTimestamp, reason})}
	if listed {
		ms = append(ms, spanner.InsertOrUpdate("TokenRevocations", []string{"UserId", "SessionId", "RevokedAt", "Reason"},
			[]any{userID, sessionID, spanner.CommitTimestamp, reason}))
	}
	return ms
}

// revokeSession revokes one session of userID (log out on this device);
// revoking a revoked or unknown session changes nothing.
func (s *store) revokeSession(ctx context.Context, userID, sessionID string) error {
	err := spanx.ReadWrite(ctx, s.db, func(ctx context.Context, tx *spanx.Tx) error {
		sess, err := readSession(ctx, tx, userID, sessionID)
		if errs.Is(err, errs.NotFound) || err == nil && sess.Revoked {
			return nil
		}
		if err != nil {
			return err
		}
		return tx.BufferWrite(revokeMutations(userID, sessionID, revokedLogout, false))
	})
	return spanx.Translate(err, "userdb.revokeSession")
}

// revokeAll revokes every live session of userID in tx and lists them.
func revokeAll(ctx context.Context, tx *spanx.Tx, userID, reason string) error {
	it := tx.Query(ctx, spanner.Statement{
		SQL:    `SELECT SessionId FROM Sessions WHERE UserId = @user AND RevokedAt IS NULL`,
		Params: map[string]any{"user": userID}})
	ids, err := spanx.Column[string](it)
	if err != nil {
		return err
	}
	var ms []*spanner.Mutation
	for _, id := range ids {
		ms = append(ms, revokeMutations(userID, id, reason, true)...)
	}
	return tx.BufferWrite(ms)
}

// revokeAllSessions revokes every session of userID (log out everywhere).
func (s *store) revokeAllSessions(ctx context.Context, userID string) error {
	err := spanx.ReadWrite(ctx, s.db, func(ctx context.Context, tx *spanx.Tx) error {
		return revokeAll(ctx, tx, userID, revokedLogoutAll)
	})
	return spanx.Translate(err, "userdb.revokeAllSessions")
}

// changePassword replaces the password hash verified (the one the current
// password was checked against) with newHash, revokes every session, retires
// every unused password-reset link (one sent before the change must not undo
// it) and starts session t. It fails with Conflict when the password changed since
// it was verified, changing nothing.
func (s *store) changePassword(ctx context.Context, userID, verified, newHash string, t issued) (User, error) {
	var u User
	ts, err := spanx.Commit(ctx, s.db, func(ctx context.Context, tx *spanx.Tx) error {
		var err error
		if u, err = readUser(ctx, tx, userID); err != nil {
			return err
		}
		if u.PasswordHash != verified {
			return errs.E(errs.Conflict, "the password changed meanwhile: try again with the current one")
		}
		if err := revokeAll(ctx, tx, userID, revokedPasswordChange); err != nil {
			return err
		}
		retire, err := retireResetLinks(ctx, tx, userID)
		if err != nil {
			return err
		}
		u.PasswordHash = newHash
		return tx.BufferWrite(append(append(sessionMutations(userID, t), retire...), spanner.Update("Users",
			[]string{"UserId", "PasswordHash", "UpdatedAt"}, []any{userID, newHash, spanner.CommitTimestamp})))
	})
	if err != nil {
		return User{}, spanx.Translate(err, "userdb.changePassword")
	}
	u.UpdatedAt = ts
	return u, nil
}

// revocations lists the revocations made after since.
func (s *store) revocations(ctx context.Context, since time.Time) ([]auth.Revocation, error) {
	it := s.db.Single().Query(ctx, spanner.Statement{
		SQL:    `SELECT UserId, SessionId FROM TokenRevocations@{FORCE_INDEX=TokenRevocationsByTime} WHERE RevokedAt > @since`,
		Params: map[string]any{"since": since}})
	out := []auth.Revocation{}
	err := spanx.Each(it, func(r *spanner.Row) error {
		var e auth.Revocation
		if err := r.Columns(&e.UserID, &e.SessionID); err != nil {
			return err
		}
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, spanx.Translate(err, "userdb.revocations")
	}
	return out, nil
}

func readSession(ctx context.Context, tx *spanx.Tx, userID, sessionID string) (session, error) {
	row, err := tx.ReadRow(ctx, "Sessions", spanner.Key{userID, sessionID}, []string{"Generation", "ExpiresAt", "RevokedAt"})
	if spanx.IsNotFound(err) {
		return session{}, errs.E(errs.NotFound, "session not found")
	}
	if err != nil {
		return session{}, err
	}
	sess := session{UserID: userID, ID: sessionID}
	var revoked spanner.NullTime
	if err := row.Columns(&sess.Generation, &sess.ExpiresAt, &revoked); err != nil {
		return session{}, err
	}
	sess.Revoked = revoked.Valid
	return sess, nil
}

func readUser(ctx context.Context, tx *spanx.Tx, id string) (User, error) {
	row, err := tx.ReadRow(ctx, "Users", spanner.Key{id}, userColumns)
	if spanx.IsNotFound(err) {
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, err
	}
	return scanUser(row)
}
