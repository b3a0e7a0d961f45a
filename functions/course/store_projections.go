package course

import (
	"context"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/contract/contentmsg"
	"github.com/kwipper/kwipper/functions/contract/subscribemsg"
	"github.com/kwipper/kwipper/functions/contract/usermsg"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/spanx"
)

// The projections the Course service keeps of other services' events, each
// applied once per event (events.Once, under the consumer's function name).

// applyTutor records a tutor's display name from user event eventID, unless
// the profile already applied a newer user event (by version; 0 applies as
// it comes).
func (s *store) applyTutor(ctx context.Context, eventID string, d usermsg.EventData) error {
	_, err := events.Once(ctx, s.db, fnUserEvent, eventID, func(ctx context.Context, tx *spanx.Tx) error {
		stale, err := events.Stale(ctx, tx, "TutorProfiles", spanner.Key{d.UserID}, "EventVersion", d.Version)
		if err != nil || stale {
			return err // a stale event: the profile has a newer name
		}
		return tx.BufferWrite([]*spanner.Mutation{spanner.InsertOrUpdate("TutorProfiles",
			[]string{"TutorId", "DisplayName", "UpdatedAt", "EventVersion"},
			[]any{d.UserID, d.DisplayName, spanner.CommitTimestamp, spanner.NullInt64{Int64: d.Version, Valid: d.Version > 0}})})
	})
	return spanx.Translate(err, "coursedb.applyTutor")
}

// applyEntitlement grants (or, when ended, revokes) the learner of
// subscription event eventID the course's content. An ended subscription
// stays ended whatever arrives after.
func (s *store) applyEntitlement(ctx context.Context, eventID string, d subscribemsg.EventData, ended bool) error {
	_, err := events.Once(ctx, s.db, fnSubscriptionEvent, eventID, func(ctx context.Context, tx *spanx.Tx) error {
		key := spanner.Key{d.CourseID, d.UserID, d.SubscriptionID}
		cols := []string{"CourseId", "UserId", "SubscriptionId", "Active", "UpdatedAt"}
		if ended {
			return tx.BufferWrite([]*spanner.Mutation{spanner.InsertOrUpdate("Entitlements", cols,
				[]any{d.CourseID, d.UserID, d.SubscriptionID, false, spanner.CommitTimestamp})})
		}
		_, err := tx.ReadRow(ctx, "Entitlements", key, []string{"Active"})
		if err == nil {
			return nil // already granted, or already ended
		}
		if !spanx.IsNotFound(err) {
			return err
		}
		return tx.BufferWrite([]*spanner.Mutation{spanner.Insert("Entitlements", cols,
			[]any{d.CourseID, d.UserID, d.SubscriptionID, true, spanner.CommitTimestamp})})
	})
	return spanx.Translate(err, "coursedb.applyEntitlement")
}

// entitled reports whether user has an active subscription to course (a
// strong read: access follows a subscription as soon as the event is in).
func (s *store) entitled(ctx context.Context, courseID, userID string) (bool, error) {
	found := false
	err := spanx.Each(s.db.Single().Read(ctx, "Entitlements", spanner.Key{courseID, userID}.AsPrefix(), []string{"Active"}), func(r *spanner.Row) error {
		var active bool
		if err := r.Columns(&active); err != nil {
			return err
		}
		found = found || active
		return nil
	})
	if err != nil {
		return false, spanx.Translate(err, "coursedb.entitled")
	}
	return found, nil
}

// applyContentStatus sets the content status of content event eventID's
// item, unless the item is gone, is a text item, or has seen a newer content
// event.
func (s *store) applyContentStatus(ctx context.Context, eventID string, d contentmsg.EventData) error {
	_, err := events.Once(ctx, s.db, fnContentEvent, eventID, func(ctx context.Context, tx *spanx.Tx) error {
		row, err := tx.ReadRow(ctx, "CourseItems", spanner.Key{d.CourseID, d.ItemID}, []string{"Kind", "ContentVersion"})
		if spanx.IsNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		var (
			kind    string
			applied spanner.NullInt64
		)
		if err := row.Columns(&kind, &applied); err != nil {
			return err
		}
		if !contentStatusApplies(kind, applied.Int64, d) {
			return nil
		}
		return tx.BufferWrite([]*spanner.Mutation{spanner.Update("CourseItems",
			[]string{"CourseId", "ItemId", "ContentStatus", "ContentVersion", "UpdatedAt"},
			[]any{d.CourseID, d.ItemID, d.Status, d.Version, spanner.CommitTimestamp})})
	})
	return spanx.Translate(err, "coursedb.applyContentStatus")
}
