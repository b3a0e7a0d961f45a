package user

import (
	"context"
	"embed"

	"cloud.google.com/go/spanner"
	"google.golang.org/grpc/codes"

	"github.com/kwipper/kwipper/functions/contract/usermsg"
	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/spanx"
)

// migrationFiles is the users database's own schema (Registration.Schema).
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// ErrNotFound is returned when no user matches.
var ErrNotFound = errs.E(errs.NotFound, "user not found")

var userColumns = []string{"UserId", "Email", "PasswordHash", "DisplayName", "Roles", "Country", "CreatedAt", "UpdatedAt", "EventVersion", "EmailVerifiedAt"}

// store keeps users in Spanner.
type store struct {
	db     *spanner.Client
	outbox *events.Outbox
}

func newStore(d fnreg.Deps) store { return store{db: d.DB, outbox: d.Outbox} }

// relay publishes what the outbox still holds.
func (s *store) relay(ctx context.Context) error {
	_, err := s.outbox.Sweep(ctx, 500)
	return err
}

func (s *store) create(ctx context.Context, u *User) error {
	d := u.eventData()
	d.Version = 1
	ev, err := events.New(usermsg.Topic, usermsg.EventRegistered, d)
	if err != nil {
		return err
	}
	ts, err := spanx.Commit(ctx, s.db, func(ctx context.Context, tx *spanx.Tx) error {
		if err := tx.BufferWrite([]*spanner.Mutation{spanner.Insert("Users", userColumns, []any{
			u.ID, u.Email, u.PasswordHash, u.DisplayName, roleNames(u.Roles), u.Country,
			spanner.CommitTimestamp, spanner.CommitTimestamp, d.Version, spanner.NullTime{}})}); err != nil {
			return err
		}
		return s.outbox.Add(ctx, tx, ev)
	})
	if spanner.ErrCode(err) == codes.AlreadyExists || errs.Is(err, errs.Conflict) {
		return &errs.Error{Kind: errs.Conflict, Message: "an account with this email already exists",
			Fields: map[string]string{"email": "is already registered: log in instead"}}
	}
	if err != nil {
		return spanx.Translate(err, "userdb.create")
	}
	u.CreatedAt, u.UpdatedAt, u.eventVersion = ts, ts, d.Version
	return nil
}

func (s *store) get(ctx context.Context, id string) (User, error) {
	row, err := s.db.Single().ReadRow(ctx, "Users", spanner.Key{id}, userColumns)
	if spanx.IsNotFound(err) {
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, spanx.Translate(err, "userdb.get")
	}
	return scanUser(row)
}

func (s *store) byEmail(ctx context.Context, email string) (User, error) {
	row, err := s.db.Single().ReadRowUsingIndex(ctx, "Users", "UsersByEmail", spanner.Key{email}, []string{"UserId"})
	if spanx.IsNotFound(err) {
		return User{}, ErrNotFound
	}
	if err != nil {
		return User{}, spanx.Translate(err, "userdb.byEmail")
	}
	var id string
	if err := row.Columns(&id); err != nil {
		return User{}, err
	}
	return s.get(ctx, id)
}

// update applies fn to the user in a transaction and announces the change.
// It returns the user as committed.
func (s *store) update(ctx context.Context, id string, fn func(*User) error) (User, error) {
	var u User
	ts, err := spanx.Commit(ctx, s.db, func(ctx context.Context, tx *spanx.Tx) error {
		row, err := tx.ReadRow(ctx, "Users", spanner.Key{id}, userColumns)
		if spanx.IsNotFound(err) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if u, err = scanUser(row); err != nil {
			return err
		}
		if err := fn(&u); err != nil {
			return err
		}
		u.eventVersion++
		d := u.eventData()
		d.Version = u.eventVersion
		ev, err := events.New(usermsg.Topic, usermsg.EventUpdated, d)
		if err != nil {
			return err
		}
		if err := tx.BufferWrite([]*spanner.Mutation{spanner.Update("Users",
			[]string{"UserId", "DisplayName", "Country", "UpdatedAt", "EventVersion"},
			[]any{u.ID, u.DisplayName, u.Country, spanner.CommitTimestamp, d.Version})}); err != nil {
			return err
		}
		return s.outbox.Add(ctx, tx, ev)
	})
	if err != nil {
		return User{}, spanx.Translate(err, "userdb.update")
	}
	u.UpdatedAt = ts
	return u, nil
}

func scanUser(row *spanner.Row) (User, error) {
	var u User
	var roles []string
	var verified spanner.NullTime
	if err := row.Columns(&u.ID, &u.Email, &u.PasswordHash, &u.DisplayName, &roles, &u.Country, &u.CreatedAt, &u.UpdatedAt, &u.eventVersion, &verified); err != nil {
		return User{}, err
	}
	u.EmailVerifiedAt = verified.Time
	for _, r := range roles {
		u.Roles = append(u.Roles, auth.Role(r))
	}
	return u, nil
}
