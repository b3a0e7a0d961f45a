package course

import (
	"context"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/subscribe"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/spanx"
)

// EntitlementConsumer is the name course-on-subscription-event records
// processed events under.
const EntitlementConsumer = "course-on-subscription-event"

// onSubscriptionEvent keeps the Entitlements projection in step with the
// Subscribe service: subscription.activated grants the learner the course's
// content, subscription.ended takes it away, once per event however often it
// is delivered and in whatever order the two arrive (an ended subscription is
// never re-activated).
func (s *Service) onSubscriptionEvent(ctx context.Context, m events.Message) error {
	if m.Type != subscribe.EventActivated && m.Type != subscribe.EventEnded {
		return nil
	}
	var d subscribe.EventData
	if err := m.Decode(&d); err != nil {
		return err
	}
	if d.SubscriptionID == "" || d.UserID == "" || d.CourseID == "" || len(d.SubscriptionID) > 36 || len(d.UserID) > 36 || len(d.CourseID) > 36 {
		return errs.E(errs.Invalid, "event %s %s needs subscription_id, user_id and course_id", m.Type, m.ID)
	}
	_, err := events.Once(ctx, s.store.db, EntitlementConsumer, m.ID, func(ctx context.Context, tx *spanx.Tx) error {
		key := spanner.Key{d.CourseID, d.UserID, d.SubscriptionID}
		cols := []string{"CourseId", "UserId", "SubscriptionId", "Active", "UpdatedAt"}
		if m.Type == subscribe.EventEnded {
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
	return spanx.Translate(err, "coursedb.entitlement")
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

// Entitled reports whether user may read course's content as a subscriber
// (the Entitlements projection); the course's tutor always may.
func (s *Service) Entitled(ctx context.Context, courseID, userID string) (bool, error) {
	return s.store.entitled(ctx, courseID, userID)
}
