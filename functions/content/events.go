package content

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/kwipper/kwipper/functions/contract/coursemsg"
	"github.com/kwipper/kwipper/functions/contract/subscribemsg"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/events"
)

// The Content service's consumers: Cloud Storage's finalize notifications,
// the Course service's course events and the Subscribe service's
// subscription events, each applied once however often it is delivered; and
// the relay, which also retries object deletions.

// objectNotification is the JSON_API_V1 payload of a Cloud Storage
// notification (the object's resource; numbers are strings).
type objectNotification struct {
	Name        string `json:"name"`
	Bucket      string `json:"bucket"`
	Generation  int64  `json:"generation,string"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size,string"`
	CRC32C      string `json:"crc32c"`
}

// onObjectFinalized checks an object Cloud Storage finalized against its
// upload's declaration and records the outcome (ready, or rejected and
// deleted) with its event, once per object generation however often the
// notification is delivered. Objects that are not the service's are
// acknowledged and left alone.
func (s *Service) onObjectFinalized(ctx context.Context, m events.Message) error {
	// The bucket's notification configuration sends OBJECT_FINALIZE only.
	var n objectNotification
	if err := m.Decode(&n); err != nil {
		return err
	}
	if n.Bucket != s.cfg.Bucket {
		return nil
	}
	courseID, itemID, uploadID, ok := parseObjectName(s.cfg.ObjectPrefix, n.Name)
	if !ok && strings.Contains(n.Name, ".hls/") {
		return nil // a transcoder's output (stream.OutputPrefix)
	}
	if !ok {
		s.log.WarnContext(ctx, "finalized object is not one the service issued; left alone", "object", n.Name)
		return nil
	}
	up, err := s.store.getUpload(ctx, uploadID)
	if errs.Is(err, errs.NotFound) {
		s.log.WarnContext(ctx, "finalized object has no upload; left alone", "object", n.Name)
		return nil
	}
	if err != nil {
		return err
	}
	if up.CourseID != courseID || up.ItemID != itemID || up.ObjectName != n.Name {
		s.log.WarnContext(ctx, "finalized object does not match its upload; left alone", "object", n.Name)
		return nil
	}
	reason := ""
	// A new generation of an object that serves (written over it) is
	// checked too: what serves must still be what was declared.
	if up.Status == UploadPending || (up.Status == UploadReady && up.Generation != n.Generation) {
		// Reading the object happens before the transaction: no I/O but
		// Spanner's inside it.
		head, sum, err := s.objects.inspect(ctx, n.Name, n.Generation, up.SHA256 != "")
		if errs.Is(err, errs.NotFound) {
			return nil // this generation is gone: a later one brings its own notification
		}
		if err != nil {
			return err
		}
		reason = check(up, Observed{ContentType: n.ContentType, Size: n.Size, CRC32C: n.CRC32C, Head: head, SHA256: sum})
	}
	key := uuid.NewSHA1(uuid.NameSpaceURL, []byte("gs://"+n.Bucket+"/"+n.Name+"#"+strconv.FormatInt(n.Generation, 10))).String()
	got, err := s.store.finishUpload(ctx, key, uploadID, n.Generation, reason)
	if err != nil {
		return err
	}
	s.log.InfoContext(ctx, "upload finalized", "upload_id", uploadID, "status", got.Status, "reason", got.Reason)
	return nil
}

// onCourseEvent keeps the course and item projections in step with the
// Course service, once per event.
func (s *Service) onCourseEvent(ctx context.Context, m events.Message) error {
	var d coursemsg.EventData
	if err := m.Decode(&d); err != nil {
		return err
	}
	if !validID(d.CourseID) || !validID(d.TutorID) || (d.ItemID != "" && !validID(d.ItemID)) {
		return errs.E(errs.Invalid, "event %s %s needs a course_id, a tutor_id and a valid item_id", m.Type, m.ID)
	}
	c := Course{ID: d.CourseID, TutorID: d.TutorID, Status: d.Status}
	var it Item
	switch m.Type {
	case coursemsg.EventItemAdded, coursemsg.EventItemUpdated, coursemsg.EventItemRemoved:
		if d.ItemID == "" || (d.ItemKind != coursemsg.KindText && d.ItemKind != coursemsg.KindVideo && d.ItemKind != coursemsg.KindFile) {
			return errs.E(errs.Invalid, "item event %s %s needs an item_id and a known item_kind", m.Type, m.ID)
		}
		it = Item{CourseID: d.CourseID, ItemID: d.ItemID, Kind: d.ItemKind, Title: d.ItemTitle, Body: d.ItemBody}
	}
	return s.store.applyCourse(ctx, m.ID, m.Type, d.Version, c, it)
}

// onSubscriptionEvent keeps the entitlement projection in step with the
// Subscribe service, once per event.
func (s *Service) onSubscriptionEvent(ctx context.Context, m events.Message) error {
	if m.Type != subscribemsg.EventActivated && m.Type != subscribemsg.EventEnded {
		return nil
	}
	var d subscribemsg.EventData
	if err := m.Decode(&d); err != nil {
		return err
	}
	if !d.Valid() || !validID(d.UserID) || !validID(d.CourseID) {
		return errs.E(errs.Invalid, "event %s %s needs a subscription_id, a user_id and a course_id", m.Type, m.ID)
	}
	return s.store.applySubscription(ctx, m.ID, d, m.Type == subscribemsg.EventEnded)
}

// relay publishes what the outbox still holds and deletes the objects and
// replaced ladders whose deletion was recorded (and is due) but not done; a
// Cloud Scheduler tick triggers it.
func (s *Service) relay(ctx context.Context, _ events.Message) error {
	_, err := s.store.outbox.Sweep(ctx, 500)
	ds, derr := s.store.pendingDeletions(ctx, time.Minute, 500)
	if derr == nil {
		s.deleteObjects(ctx, ds)
	}
	ls, lerr := s.store.dueLadderDeletions(ctx, s.now(), 50)
	if lerr == nil {
		s.deleteLadders(ctx, ls)
	}
	return errors.Join(err, derr, lerr, s.resubmitStreams(ctx))
}

// deleteLadders deletes the outputs of replaced ladders and forgets each
// deletion done; what fails stays recorded for the relay.
func (s *Service) deleteLadders(ctx context.Context, ls []ladderDeletion) {
	for _, d := range ls {
		n, err := s.objects.deleteLadder(ctx, d.Prefix)
		if err != nil {
			s.log.WarnContext(ctx, "replaced ladder not (wholly) deleted; the relay will retry", "prefix", d.Prefix, "deleted", n, "err", err.Error())
			continue
		}
		if err := s.store.ladderDeleted(ctx, d); err != nil {
			s.log.WarnContext(ctx, "replaced ladder deleted but its record stays; the relay will retry", "prefix", d.Prefix, "err", err.Error())
			continue
		}
		s.log.InfoContext(ctx, "replaced ladder deleted", "upload_id", d.UploadID, "prefix", d.Prefix, "objects", n)
	}
}

// deleteObjects deletes ds from the bucket and forgets each deletion done;
// what fails stays recorded for the relay.
func (s *Service) deleteObjects(ctx context.Context, ds []deletion) {
	for _, d := range ds {
		if err := s.objects.delete(ctx, d.Object, d.Generation); err != nil {
			s.log.WarnContext(ctx, "object deletion failed; the relay will retry", "object", d.Object, "err", err.Error())
			continue
		}
		if err := s.store.deleted(ctx, d); err != nil {
			s.log.WarnContext(ctx, "object deleted but its record stays; the relay will retry", "object", d.Object, "err", err.Error())
		}
	}
}
