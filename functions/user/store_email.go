package user

import (
	"context"
	"time"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/spanx"
)

// errEmailToken refuses a token that is unknown, used, expired or for
// another address: the user asks for a new email.
var errEmailToken = &errs.Error{Kind: errs.Invalid, Message: "this link has expired or was already used: ask for a new email",
	Fields: map[string]string{"token": "has expired, was used, or is not a Kwipper link"}}

// addEmailToken stores token hash of purpose for user u's current address,
// unless one of the same purpose was stored less than resendAfter before
// now (sent is false then, and nothing is written).
func (s *store) addEmailToken(ctx context.Context, u User, purpose string, hash []byte, expires time.Time, resendAfter time.Duration, now time.Time) (bool, error) {
	var sent bool
	err := spanx.ReadWrite(ctx, s.db, func(ctx context.Context, tx *spanx.Tx) error {
		sent = false
		it := tx.Query(ctx, spanner.Statement{
			SQL: `SELECT CreatedAt FROM EmailTokens@{FORCE_INDEX=EmailTokensByUser}
			      WHERE UserId = @user AND Purpose = @purpose ORDER BY CreatedAt DESC LIMIT 1`,
			Params: map[string]any{"user": u.ID, "purpose": purpose}})
		latest, err := spanx.Column[time.Time](it)
		if err != nil {
			return err
		}
		if len(latest) > 0 && now.Sub(latest[0]) < resendAfter {
			return nil
		}
		sent = true
		return tx.BufferWrite([]*spanner.Mutation{spanner.Insert("EmailTokens",
			[]string{"TokenHash", "UserId", "Purpose", "Email", "CreatedAt", "ExpiresAt"},
			[]any{hash, u.ID, purpose, u.Email, spanner.CommitTimestamp, expires})})
	})
	return sent, spanx.Translate(err, "userdb.addEmailToken")
}

// emailTokenUser reads the token stored as hash and its user: the token
// must be usable for purpose at now, else errEmailToken.
func (s *store) emailTokenUser(ctx context.Context, hash []byte, purpose string, now time.Time) (User, error) {
	var u User
	err := spanx.ReadOnly(ctx, s.db, 0, func(ctx context.Context, ro *spanner.ReadOnlyTransaction) error {
		t, err := readEmailToken(ctx, ro.ReadRow, hash)
		if err != nil {
			return err
		}
		row, err := ro.ReadRow(ctx, "Users", spanner.Key{t.UserID}, userColumns)
		if spanx.IsNotFound(err) {
			return errEmailToken
		}
		if err != nil {
			return err
		}
		if u, err = scanUser(row); err != nil {
			return err
		}
		if !t.usable(purpose, u.Email, now) {
			return errEmailToken
		}
		return nil
	})
	if err != nil {
		return User{}, spanx.Translate(err, "userdb.emailTokenUser")
	}
	return u, nil
}

type rowReader func(ctx context.Context, table string, key spanner.Key, columns []string) (*spanner.Row, error)

func readEmailToken(ctx context.Context, read rowReader, hash []byte) (emailToken, error) {
	row, err := read(ctx, "EmailTokens", spanner.Key{hash}, []string{"UserId", "Purpose", "Email", "ExpiresAt", "UsedAt"})
	if spanx.IsNotFound(err) {
		return emailToken{}, errEmailToken
	}
	if err != nil {
		return emailToken{}, err
	}
	var t emailToken
	var used spanner.NullTime
	if err := row.Columns(&t.UserID, &t.Purpose, &t.Email, &t.ExpiresAt, &used); err != nil {
		return emailToken{}, err
	}
	t.Used = used.Valid
	return t, nil
}

// verifyEmail uses verification token hash at now: the account's address
// is verified. A used token of an account verified since answers the
// account as it is (a second click on the link).
func (s *store) verifyEmail(ctx context.Context, hash []byte, now time.Time) (User, error) {
	var u User
	ts, err := spanx.Commit(ctx, s.db, func(ctx context.Context, tx *spanx.Tx) error {
		t, err := readEmailToken(ctx, tx.ReadRow, hash)
		if err != nil {
			return err
		}
		if u, err = readUser(ctx, tx, t.UserID); errs.Is(err, errs.NotFound) {
			return errEmailToken
		} else if err != nil {
			return err
		}
		if t.Used && t.Purpose == purposeVerify && t.Email == u.Email && !u.EmailVerifiedAt.IsZero() {
			return nil
		}
		if !t.usable(purposeVerify, u.Email, now) {
			return errEmailToken
		}
		ms := []*spanner.Mutation{spanner.Update("EmailTokens", []string{"TokenHash", "UsedAt"}, []any{hash, spanner.CommitTimestamp})}
		if u.EmailVerifiedAt.IsZero() {
			ms = append(ms, spanner.Update("Users", []string{"UserId", "EmailVerifiedAt", "UpdatedAt"}, []any{u.ID, spanner.CommitTimestamp, spanner.CommitTimestamp}))
		}
		return tx.BufferWrite(ms)
	})
	if err != nil {
		return User{}, spanx.Translate(err, "userdb.verifyEmail")
	}
	if u.EmailVerifiedAt.IsZero() {
		u.EmailVerifiedAt, u.UpdatedAt = ts, ts
	}
	return u, nil
}

// resetPassword uses reset token hash at now: the account's password hash
// becomes newHash (it was checked against verified, the hash the handler
// read: Conflict when it changed meanwhile), every session ends, every
// other reset link of the account stops working, a lockout is lifted, the
// address counts as verified, and session t starts.
func (s *store) resetPassword(ctx context.Context, hash []byte, verified, newHash string, t issued, now time.Time) (User, error) {
	var u User
	ts, err := spanx.Commit(ctx, s.db, func(ctx context.Context, tx *spanx.Tx) error {
		tok, err := readEmailToken(ctx, tx.ReadRow, hash)
		if err != nil {
			return err
		}
		if u, err = readUser(ctx, tx, tok.UserID); errs.Is(err, errs.NotFound) {
			return errEmailToken
		} else if err != nil {
			return err
		}
		if !tok.usable(purposeReset, u.Email, now) {
			return errEmailToken
		}
		if u.PasswordHash != verified {
			return errs.E(errs.Conflict, "the password changed meanwhile: open the link again")
		}
		if err := revokeAll(ctx, tx, u.ID, revokedPasswordReset); err != nil {
			return err
		}
		retire, err := retireResetLinks(ctx, tx, u.ID)
		if err != nil {
			return err
		}
		ms := append(sessionMutations(u.ID, t), retire...)
		verifiedAt := any(u.EmailVerifiedAt)
		if u.EmailVerifiedAt.IsZero() {
			verifiedAt = spanner.CommitTimestamp
		}
		u.PasswordHash = newHash
		return tx.BufferWrite(append(ms, spanner.Update("Users",
			[]string{"UserId", "PasswordHash", "FailedLogins", "LockedUntil", "EmailVerifiedAt", "UpdatedAt"},
			[]any{u.ID, newHash, int64(0), spanner.NullTime{}, verifiedAt, spanner.CommitTimestamp})))
	})
	if err != nil {
		return User{}, spanx.Translate(err, "userdb.resetPassword")
	}
	if u.EmailVerifiedAt.IsZero() {
		u.EmailVerifiedAt = ts
	}
	u.UpdatedAt = ts
	return u, nil
}

// retireResetLinks are the mutations that mark every unused password-reset
// link of userID used: a new password, however it was chosen, ends them.
func retireResetLinks(ctx context.Context, tx *spanx.Tx, userID string) ([]*spanner.Mutation, error) {
	open, err := spanx.Column[[]byte](tx.Query(ctx, spanner.Statement{
		SQL:    `SELECT TokenHash FROM EmailTokens@{FORCE_INDEX=EmailTokensByUser} WHERE UserId = @user AND Purpose = @purpose AND UsedAt IS NULL`,
		Params: map[string]any{"user": userID, "purpose": purposeReset}}))
	if err != nil {
		return nil, err
	}
	ms := make([]*spanner.Mutation, len(open))
	for i, h := range open {
		ms[i] = spanner.Update("EmailTokens", []string{"TokenHash", "UsedAt"}, []any{h, spanner.CommitTimestamp})
	}
	return ms, nil
}

// deleteEmailTokens buffers the deletion of every emailed token of userID
// (they hold the address; a deleted account keeps none).
func deleteEmailTokens(ctx context.Context, tx *spanx.Tx, userID string) error {
	hashes, err := spanx.Column[[]byte](tx.Query(ctx, spanner.Statement{
		SQL:    `SELECT TokenHash FROM EmailTokens@{FORCE_INDEX=EmailTokensByUser} WHERE UserId = @user`,
		Params: map[string]any{"user": userID}}))
	if err != nil {
		return err
	}
	ms := make([]*spanner.Mutation, len(hashes))
	for i, h := range hashes {
		ms[i] = spanner.Delete("EmailTokens", spanner.Key{h})
	}
	return tx.BufferWrite(ms)
}
