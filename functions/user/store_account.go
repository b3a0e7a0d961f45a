package user

import (
	"context"
	"time"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/contract/usermsg"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/spanx"
)

// deleteAccount removes user userID and everything the users database
// holds of them (the row, and interleaved under it their courses, sessions
// and refresh tokens), lists every token of the user as revoked, and
// announces user.deleted, in one transaction. It fails with Conflict when
// the password changed since verified was checked, changing nothing.
func (s *store) deleteAccount(ctx context.Context, userID, verified string) error {
	_, err := spanx.Commit(ctx, s.db, func(ctx context.Context, tx *spanx.Tx) error {
		u, err := readUser(ctx, tx, userID)
		if err != nil {
			return err
		}
		if u.PasswordHash != verified {
			return errs.E(errs.Conflict, "the password changed meanwhile: try again with the current one")
		}
		ev, err := events.New(usermsg.Topic, usermsg.EventDeleted, usermsg.EventData{UserID: userID, Version: u.eventVersion + 1})
		if err != nil {
			return err
		}
		if err := deleteEmailTokens(ctx, tx, userID); err != nil {
			return err
		}
		if err := tx.BufferWrite([]*spanner.Mutation{
			spanner.Delete("Users", spanner.Key{userID}),
			spanner.InsertOrUpdate("TokenRevocations", []string{"UserId", "SessionId", "RevokedAt", "Reason"},
				[]any{userID, "", spanner.CommitTimestamp, revokedAccountDeleted}),
		}); err != nil {
			return err
		}
		return s.outbox.Add(ctx, tx, ev)
	})
	return spanx.Translate(err, "userdb.deleteAccount")
}

// exportData reads everything the users database holds of userID, at one
// timestamp.
func (s *store) exportData(ctx context.Context, userID string) (Export, error) {
	var x Export
	err := spanx.ReadOnly(ctx, s.db, 0, func(ctx context.Context, ro *spanner.ReadOnlyTransaction) error {
		row, err := ro.ReadRow(ctx, "Users", spanner.Key{userID}, userColumns)
		if spanx.IsNotFound(err) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		u, err := scanUser(row)
		if err != nil {
			return err
		}
		x.Profile = u.view()
		x.Elsewhere = exportElsewhere
		x.Courses = []ExportCourse{}
		err = spanx.Each(ro.Read(ctx, "UserCourses", spanner.Key{userID}.AsPrefix(),
			[]string{"SubscriptionId", "CourseId", "CourseTitle", "AddedAt"}), func(r *spanner.Row) error {
			var c ExportCourse
			if err := r.Columns(&c.SubscriptionID, &c.CourseID, &c.CourseTitle, &c.AddedAt); err != nil {
				return err
			}
			x.Courses = append(x.Courses, c)
			return nil
		})
		if err != nil {
			return err
		}
		x.Sessions = []ExportSession{}
		return spanx.Each(ro.Read(ctx, "Sessions", spanner.Key{userID}.AsPrefix(),
			[]string{"SessionId", "CreatedAt", "RefreshedAt", "ExpiresAt", "RevokedAt", "RevokedReason"}), func(r *spanner.Row) error {
			var e ExportSession
			var revoked spanner.NullTime
			var reason spanner.NullString
			if err := r.Columns(&e.ID, &e.CreatedAt, &e.RefreshedAt, &e.ExpiresAt, &revoked, &reason); err != nil {
				return err
			}
			if revoked.Valid {
				t := revoked.Time
				e.RevokedAt, e.RevokedReason = &t, reason.StringVal
			}
			x.Sessions = append(x.Sessions, e)
			return nil
		})
	})
	if err != nil {
		return Export{}, spanx.Translate(err, "userdb.exportData")
	}
	return x, nil
}

// Export is what the User service holds of a user (GET /v1/users/me/export).
type Export struct {
	ExportedAt time.Time `json:"exported_at"`
	// Profile is the account (the password is kept only as a hash and is
	// not exported).
	Profile View `json:"profile"`
	// Courses are the courses the account subscribed to.
	Courses []ExportCourse `json:"courses"`
	// Sessions are the account's log-in sessions (devices).
	Sessions []ExportSession `json:"sessions"`
	// Elsewhere are the routes that answer the rest of the account's data,
	// each from the service that holds it (GET with the same token; lists
	// are paginated).
	Elsewhere []ExportPart `json:"elsewhere"`
}

// ExportPart is where one service answers its part of an account's data.
type ExportPart struct {
	Service string `json:"service" example:"billing"`
	Path    string `json:"path" example:"/v1/billing/payments"`
	What    string `json:"what" example:"payments and refunds with their receipts"`
}

// exportElsewhere are the other services' parts of an account's data.
var exportElsewhere = []ExportPart{
	{"subscribe", "/v1/subscriptions", "subscriptions, their states and periods"},
	{"billing", "/v1/billing/payments", "payments and refunds, with receipts at /v1/billing/payments/{id}/receipt"},
	{"billing", "/v1/billing/payment-methods", "saved payment methods"},
	{"progress", "/v1/me/courses", "courses and progress, per item at /v1/courses/{id}/progress"},
	{"course", "/v1/tutors/me/courses", "a tutor's courses, drafts included"},
	{"billing", "/v1/tutors/me/revenue", "a tutor's revenue by course, currency and month"},
}

// ExportCourse is a subscribed course as the User service records it.
type ExportCourse struct {
	SubscriptionID string    `json:"subscription_id"`
	CourseID       string    `json:"course_id"`
	CourseTitle    string    `json:"course_title"`
	AddedAt        time.Time `json:"added_at"`
}

// ExportSession is a log-in session.
type ExportSession struct {
	ID            string     `json:"id"`
	CreatedAt     time.Time  `json:"created_at"`
	RefreshedAt   time.Time  `json:"refreshed_at"`
	ExpiresAt     time.Time  `json:"expires_at"`
	RevokedAt     *time.Time `json:"revoked_at,omitempty"`
	RevokedReason string     `json:"revoked_reason,omitempty"`
}
