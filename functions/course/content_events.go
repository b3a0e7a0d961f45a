package course

import (
	"context"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/spanx"
)

// ContentTopic is where the Content service announces content changes (its
// content.Topic; this package cannot import content, which imports it).
const ContentTopic = "content-events"

// ContentConsumer is the name course-on-content-event records processed
// events under.
const ContentConsumer = "course-on-content-event"

// ContentRejected is the content status of a media item whose last upload
// was rejected while nothing served (ContentReady, ContentAwaitingUpload are
// the others).
const ContentRejected = "rejected"

// contentEvent is the part of a content event (content.EventData) the Course
// service reads. Status is the item's content status after the event;
// Version increases with each content event of the item.
type contentEvent struct {
	CourseID string `json:"course_id"`
	ItemID   string `json:"item_id"`
	Status   string `json:"status"`
	Version  int64  `json:"version"`
}

// onContentEvent sets a media item's ContentStatus from the Content
// service's events (content.upload_started, content.ready,
// content.rejected), once per event; an event older than the one applied
// (by Version) and events about removed or text items change nothing. A
// malformed payload is Invalid and goes to the dead-letter topic.
func (s *Service) onContentEvent(ctx context.Context, m events.Message) error {
	switch m.Type {
	case "content.upload_started", "content.ready", "content.rejected":
	default:
		return nil
	}
	var d contentEvent
	if err := m.Decode(&d); err != nil {
		return err
	}
	if d.CourseID == "" || d.ItemID == "" || len(d.CourseID) > 36 || len(d.ItemID) > 36 || d.Version < 1 ||
		(d.Status != ContentReady && d.Status != ContentAwaitingUpload && d.Status != ContentRejected) {
		return errs.E(errs.Invalid, "event %s %s needs course_id, item_id, a version and a known status", m.Type, m.ID)
	}
	_, err := events.Once(ctx, s.store.db, ContentConsumer, m.ID, func(ctx context.Context, tx *spanx.Tx) error {
		return setContentStatus(ctx, tx, d)
	})
	return spanx.Translate(err, "coursedb.setContentStatus")
}

// setContentStatus applies d to its item in tx unless the item is gone, is
// a text item, or has seen a newer content event.
func setContentStatus(ctx context.Context, tx *spanx.Tx, d contentEvent) error {
	row, err := tx.ReadRow(ctx, "CourseItems", spanner.Key{d.CourseID, d.ItemID}, []string{"Kind", "ContentVersion"})
	if spanx.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	var (
		kind    string
		version spanner.NullInt64
	)
	if err := row.Columns(&kind, &version); err != nil {
		return err
	}
	if kind == KindText || version.Int64 >= d.Version {
		return nil
	}
	return tx.BufferWrite([]*spanner.Mutation{spanner.Update("CourseItems",
		[]string{"CourseId", "ItemId", "ContentStatus", "ContentVersion", "UpdatedAt"},
		[]any{d.CourseID, d.ItemID, d.Status, d.Version, spanner.CommitTimestamp})})
}
