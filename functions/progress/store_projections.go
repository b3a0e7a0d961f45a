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
		if spanx.IsNotFound(err) {
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
// whatever arrives after.
func (s *store) applySubscription(ctx context.Context, eventID string, d subscribemsg.EventData, ended bool) error {
	key := spanner.Key{d.UserID, d.CourseID, d.SubscriptionID}
	err := s.once(ctx, fnSubscriptionEvent, eventID, func(ctx context.Context, tx *spanx.Tx) error {
		if ended {
			return tx.BufferWrite([]*spanner.Mutation{spanner.InsertOrUpdate("Entitlements",
				[]string{"UserId", "CourseId", "SubscriptionId", "Active", "UpdatedAt"},
				[]any{d.UserID, d.CourseID, d.SubscriptionID, false, spanner.CommitTimestamp})})
		}
		_, err := tx.ReadRow(ctx, "Entitlements", key, []string{"Active"})
		if err == nil {
			return nil // known: active already, or ended (which wins)
		}
		if !spanx.IsNotFound(err) {
			return err
		}
		return tx.BufferWrite([]*spanner.Mutation{spanner.Insert("Entitlements",
			[]string{"UserId", "CourseId", "SubscriptionId", "Active", "ActivatedAt", "UpdatedAt"},
			[]any{d.UserID, d.CourseID, d.SubscriptionID, true, spanner.CommitTimestamp, spanner.CommitTimestamp})})
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
