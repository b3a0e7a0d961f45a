package progress

import (
	"context"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/contract/coursemsg"
	"github.com/kwipper/kwipper/functions/contract/subscribemsg"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/spanx"
)

// applyCourse keeps the course and item projections in step with one course
// event, once per event: every event upserts the course (owner, title,
// status, item count) unless the course's row applied a newer event; an item
// event adds the item, renames it, or removes it (a tombstone, which nothing
// later brings back). An older event than the item's row applied renames
// nothing. Pub/Sub may deliver an older event after a newer one.
func (s *store) applyCourse(ctx context.Context, eventID, typ string, version int64, c Course, it *Item) error {
	ver := spanner.NullInt64{Int64: version, Valid: version > 0}
	err := s.once(ctx, fnCourseEvent, eventID, func(ctx context.Context, tx *spanx.Tx) error {
		stale, err := events.Stale(ctx, tx, "Courses", spanner.Key{c.ID}, "EventVersion", version)
		if err != nil {
			return err
		}
		if !stale {
			cols := []string{"CourseId", "TutorId", "Title", "Status", "ItemCount", "UpdatedAt"}
			vals := []any{c.ID, c.TutorID, c.Title, c.Status, c.ItemCount, spanner.CommitTimestamp}
			if ver.Valid {
				cols, vals = append(cols, "EventVersion"), append(vals, ver)
			}
			if err := tx.BufferWrite([]*spanner.Mutation{spanner.InsertOrUpdate("Courses", cols, vals)}); err != nil {
				return err
			}
		}
		if it == nil {
			return nil
		}
		row, err := tx.ReadRow(ctx, "Items", spanner.Key{it.CourseID, it.ItemID}, itemColumns)
		if rowMissing(err) {
			return tx.BufferWrite([]*spanner.Mutation{spanner.Insert("Items",
				[]string{"CourseId", "ItemId", "TutorId", "Kind", "Title", "Removed", "Seq", "EventVersion", "UpdatedAt"},
				[]any{it.CourseID, it.ItemID, c.TutorID, it.Kind, it.Title, it.Removed, version, ver, spanner.CommitTimestamp})})
		}
		if err != nil {
			return err
		}
		old, err := scanItem(row)
		if err != nil {
			return err
		}
		cols, vals := []string{"CourseId", "ItemId", "UpdatedAt"}, []any{it.CourseID, it.ItemID, spanner.CommitTimestamp}
		switch {
		case old.Removed:
			return nil // a late event about a removed item
		case it.Removed:
			cols, vals = append(cols, "Removed"), append(vals, true)
		case events.Newer(version, old.EventVersion):
			cols, vals = append(cols, "Title"), append(vals, it.Title)
		}
		if events.Newer(version, old.EventVersion) && ver.Valid {
			cols, vals = append(cols, "EventVersion"), append(vals, ver)
		}
		if typ == coursemsg.EventItemAdded && version > 0 && version < old.Seq {
			cols, vals = append(cols, "Seq"), append(vals, version) // the item_added, after a later event
		}
		if len(cols) == 3 {
			return nil
		}
		return tx.BufferWrite([]*spanner.Mutation{spanner.Update("Items", cols, vals)})
	})
	return spanx.Translate(err, "progressdb.applyCourse")
}

// applySubscription keeps the entitlement projection in step with one
// subscription event, once per event. An ended subscription stays ended
// whatever arrives after. In the same transaction it sets whether the
// learner now holds any active subscription to the course on their course
// row and on each of their progress rows of the course (what a report
// reads).
func (s *store) applySubscription(ctx context.Context, eventID string, d subscribemsg.EventData, ended bool) error {
	err := s.once(ctx, fnSubscriptionEvent, eventID, func(ctx context.Context, tx *spanx.Tx) error {
		if deleted, err := learnerDeleted(ctx, tx, d.UserID); err != nil || deleted {
			return err // a deleted account keeps nothing here
		}
		subs := map[string]bool{}
		err := spanx.Each(tx.Read(ctx, "Entitlements", spanner.Key{d.UserID, d.CourseID}.AsPrefix(), []string{"SubscriptionId", "Active"}),
			func(r *spanner.Row) error {
				var (
					id     string
					active bool
				)
				if err := r.Columns(&id, &active); err != nil {
					return err
				}
				subs[id] = active
				return nil
			})
		if err != nil {
			return err
		}
		_, known := subs[d.SubscriptionID]
		muts := []*spanner.Mutation{spanner.InsertOrUpdate("LearnerCourses", []string{"UserId", "CourseId"}, []any{d.UserID, d.CourseID})}
		switch {
		case ended:
			subs[d.SubscriptionID] = false
			muts = append(muts, spanner.InsertOrUpdate("Entitlements", []string{"UserId", "CourseId", "SubscriptionId", "Active", "UpdatedAt"},
				[]any{d.UserID, d.CourseID, d.SubscriptionID, false, spanner.CommitTimestamp}))
		case known:
			return nil // active already, or ended (which wins)
		default:
			subs[d.SubscriptionID] = true
			muts = append(muts, spanner.Insert("Entitlements", []string{"UserId", "CourseId", "SubscriptionId", "Active", "ActivatedAt", "UpdatedAt"},
				[]any{d.UserID, d.CourseID, d.SubscriptionID, true, spanner.CommitTimestamp, spanner.CommitTimestamp}))
		}
		entitled := false
		for _, active := range subs {
			entitled = entitled || active
		}
		muts = append(muts, spanner.Update("LearnerCourses", []string{"UserId", "CourseId", "Entitled"}, []any{d.UserID, d.CourseID, entitled}))
		items, err := spanx.Column[string](tx.Read(ctx, "Progress", spanner.Key{d.UserID, d.CourseID}.AsPrefix(), []string{"ItemId"}))
		if err != nil {
			return err
		}
		for _, item := range items {
			muts = append(muts, spanner.Update("Progress", []string{"UserId", "CourseId", "ItemId", "Entitled"}, []any{d.UserID, d.CourseID, item, entitled}))
		}
		return tx.BufferWrite(muts)
	})
	return spanx.Translate(err, "progressdb.applySubscription")
}

// once runs fn under events.Once for consumer's event eventID, through the
// gate.
func (s *store) once(ctx context.Context, consumer, eventID string, fn func(context.Context, *spanx.Tx) error) error {
	return s.gated(ctx, func() error {
		_, err := events.Once(ctx, s.db, consumer, eventID, fn)
		return err
	})
}

// forgetLearner is the Progress service's step of deleting an account
// (user.deleted, event eventID): every row of the learner goes (their
// courses, with their entitlements and progress interleaved under them), and
// the learner is remembered as deleted so a late subscription event brings
// nothing back.
func (s *store) forgetLearner(ctx context.Context, eventID, userID string) error {
	err := s.once(ctx, fnUserEvent, eventID, func(ctx context.Context, tx *spanx.Tx) error {
		return tx.BufferWrite([]*spanner.Mutation{
			spanner.Delete("LearnerCourses", spanner.Key{userID}.AsPrefix()),
			spanner.InsertOrUpdate("DeletedLearners", []string{"UserId", "DeletedAt"}, []any{userID, spanner.CommitTimestamp}),
		})
	})
	return spanx.Translate(err, "progressdb.forgetLearner")
}

// learnerDeleted reports whether userID's account was deleted.
func learnerDeleted(ctx context.Context, tx *spanx.Tx, userID string) (bool, error) {
	_, err := tx.ReadRow(ctx, "DeletedLearners", spanner.Key{userID}, []string{"UserId"})
	if spanx.IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}
