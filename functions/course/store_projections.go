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

// applyEntitlement applies subscription event eventID (activated, or ended
// when ended) to who may read the course's content and its subscriber count
// (nextSubscriptionState), once per event.
func (s *store) applyEntitlement(ctx context.Context, eventID string, d subscribemsg.EventData, ended bool) error {
	heard := heardActivated
	if ended {
		heard = heardEnded
	}
	_, err := events.Once(ctx, s.db, fnSubscriptionEvent, eventID, func(ctx context.Context, tx *spanx.Tx) error {
		_, err := moveSubscription(ctx, tx, d.CourseID, d.UserID, d.SubscriptionID, heard)
		return err
	})
	return spanx.Translate(err, "coursedb.applyEntitlement")
}

// moveSubscription moves a subscription to the course's side of what it
// heard, in tx, changing the course's subscriber count with it. It reports
// false when the course does not exist (nothing is written then).
func moveSubscription(ctx context.Context, tx *spanx.Tx, courseID, userID, subID, heard string) (bool, error) {
	key := spanner.Key{courseID, userID, subID}
	state := ""
	row, err := tx.ReadRow(ctx, "Entitlements", key, []string{"Active", "State"})
	switch {
	case spanx.IsNotFound(err):
	case err != nil:
		return false, err
	default:
		var (
			active bool
			st     spanner.NullString
		)
		if err := row.Columns(&active, &st); err != nil {
			return false, err
		}
		state = st.StringVal
		if !st.Valid { // written before State: Active says
			state = SubscriptionEnded
			if active {
				state = SubscriptionActive
			}
		}
	}
	next, delta := nextSubscriptionState(state, heard)
	if next == state {
		return true, nil
	}
	c, err := readCourse(ctx, tx, courseID)
	if err == ErrNotFound {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	muts := []*spanner.Mutation{spanner.InsertOrUpdate("Entitlements",
		[]string{"CourseId", "UserId", "SubscriptionId", "Active", "State", "UpdatedAt"},
		[]any{courseID, userID, subID, next == SubscriptionActive, next, spanner.CommitTimestamp})}
	if delta != 0 {
		muts = append(muts, spanner.Update("Courses", []string{"CourseId", "SubscriberCount"},
			[]any{courseID, max(c.SubscriberCount+delta, 0)}))
	}
	return true, tx.BufferWrite(muts)
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
