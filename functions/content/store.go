package content

import (
	"context"
	"embed"
	"time"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/contract/contentmsg"
	"github.com/kwipper/kwipper/functions/contract/coursemsg"
	"github.com/kwipper/kwipper/functions/contract/subscribemsg"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/spanx"
)

// migrationFiles is the contents database's own schema (Registration.Schema).
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

var (
	itemColumns = []string{"CourseId", "ItemId", "Kind", "Title", "Body", "Removed", "ContentStatus",
		"ReadyUploadId", "ActiveUploadId", "ContentVersion", "UpdatedAt", "CourseEventVersion"}
	// itemStreamColumns follow itemColumns when an item is read.
	itemStreamColumns = []string{"StreamUploadId", "StreamStatus", "StreamReason"}
	uploadColumns     = []string{"UploadId", "CourseId", "ItemId", "TutorId", "ObjectName", "ContentType", "Size",
		"Sha256", "Crc32c", "FileName", "Resumable", "Status", "Reason", "Generation", "CreatedAt", "ExpiresAt"}
)

// deletion is an object to delete (Generation 0: the live one).
type deletion struct {
	Object     string
	Generation int64
	Reason     string
}

// store keeps the projections, uploads and pending deletions in Spanner.
type store struct {
	db     *spanner.Client
	outbox *events.Outbox
	// afterDelete runs after a transaction that recorded deletions commits.
	afterDelete func(context.Context, []deletion)
	// afterLadder runs after a transaction that recorded ladder deletions
	// already due commits.
	afterLadder func(context.Context, []ladderDeletion)
	// afterStream runs after a transaction that started a ladder commits:
	// it submits the job.
	afterStream func(context.Context, Stream)
}

// itemContent is an item with its course and, when ready, the upload that
// serves.
type itemContent struct {
	Course Course
	Item   Item
	Ready  *Upload
	// StreamPrefix is the output prefix of the ladder that serves ("" for
	// none).
	StreamPrefix string
}

func newStore(d fnreg.Deps) store { return store{db: d.DB, outbox: d.Outbox} }

// get returns item itemID of course courseID with what serves it, read at
// most stale old (0: strong): ErrCourseNotFound or ErrItemNotFound (also for
// a removed item) when absent.
func (s *store) get(ctx context.Context, courseID, itemID string, stale time.Duration) (itemContent, error) {
	stmt := spanner.Statement{
		SQL: `SELECT c.TutorId, c.Status, i.ItemId, i.Kind, i.Title, i.Body, i.Removed, i.ContentStatus,
		        i.ReadyUploadId, i.ActiveUploadId, i.ContentVersion,
		        u.ObjectName, u.ContentType, u.Size, u.FileName, u.Generation,
		        i.StreamUploadId, i.StreamStatus, i.StreamReason, s.OutputPrefix
		      FROM Courses AS c
		      LEFT JOIN Items AS i ON i.CourseId = c.CourseId AND i.ItemId = @item
		      LEFT JOIN Uploads AS u ON u.UploadId = i.ReadyUploadId
		      LEFT JOIN Streams AS s ON s.UploadId = i.StreamUploadId
		      WHERE c.CourseId = @course`,
		Params: map[string]any{"course": courseID, "item": itemID},
	}
	var out itemContent
	found, hasItem := false, false
	err := spanx.Each(spanx.Single(s.db, stale).Query(ctx, stmt), func(r *spanner.Row) error {
		found = true
		var (
			id, kind, title, body, status, ready, active, obj, ct, name spanner.NullString
			removed                                                     spanner.NullBool
			version, size, gen                                          spanner.NullInt64
			streamUp, streamStatus, streamReason, streamPrefix          spanner.NullString
		)
		if err := r.Columns(&out.Course.TutorID, &out.Course.Status, &id, &kind, &title, &body, &removed, &status,
			&ready, &active, &version, &obj, &ct, &size, &name, &gen,
			&streamUp, &streamStatus, &streamReason, &streamPrefix); err != nil {
			return err
		}
		out.Course.ID = courseID
		if !id.Valid {
			return nil
		}
		hasItem = !removed.Bool
		out.Item = Item{CourseID: courseID, ItemID: id.StringVal, Kind: kind.StringVal, Title: title.StringVal,
			Body: body.StringVal, Removed: removed.Bool, ContentStatus: status.StringVal, ReadyUploadID: ready.StringVal,
			ActiveUploadID: active.StringVal, ContentVersion: version.Int64,
			StreamUploadID: streamUp.StringVal, StreamStatus: streamStatus.StringVal, StreamReason: streamReason.StringVal}
		out.StreamPrefix = streamPrefix.StringVal
		if obj.Valid {
			out.Ready = &Upload{ID: ready.StringVal, CourseID: courseID, ItemID: itemID, ObjectName: obj.StringVal,
				ContentType: ct.StringVal, Size: size.Int64, FileName: name.StringVal, Generation: gen.Int64, Status: UploadReady}
		}
		return nil
	})
	switch {
	case err != nil:
		return itemContent{}, spanx.Translate(err, "contentdb.get")
	case !found:
		return itemContent{}, ErrCourseNotFound
	case !hasItem:
		return itemContent{}, ErrItemNotFound
	}
	return out, nil
}

// entitled reports whether userID holds an active subscription to courseID.
func (s *store) entitled(ctx context.Context, userID, courseID string, stale time.Duration) (bool, error) {
	stmt := spanner.Statement{
		SQL: `SELECT 1 FROM Entitlements@{FORCE_INDEX=EntitlementsByUserCourse}
		      WHERE UserId = @user AND CourseId = @course AND Active LIMIT 1`,
		Params: map[string]any{"user": userID, "course": courseID},
	}
	ok := false
	err := spanx.Each(spanx.Single(s.db, stale).Query(ctx, stmt), func(*spanner.Row) error { ok = true; return nil })
	if err != nil {
		return false, spanx.Translate(err, "contentdb.entitled")
	}
	return ok, nil
}

// ownedItem reads item itemID of course courseID for tutorID, in tx: the
// course must exist (ErrCourseNotFound) and be theirs (ErrNotOwner), and
// the item must exist and not be removed (ErrItemNotFound).
func ownedItem(ctx context.Context, tx *spanx.Tx, courseID, itemID, tutorID string) (Item, error) {
	row, err := tx.ReadRow(ctx, "Courses", spanner.Key{courseID}, []string{"TutorId"})
	if spanx.IsNotFound(err) {
		return Item{}, ErrCourseNotFound
	}
	if err != nil {
		return Item{}, err
	}
	var c Course
	if err := row.Columns(&c.TutorID); err != nil {
		return Item{}, err
	}
	if !c.isOwner(tutorID) {
		return Item{}, ErrNotOwner
	}
	it, err := readItem(ctx, tx, courseID, itemID)
	if err != nil {
		return Item{}, err
	}
	if it.Removed {
		return Item{}, ErrItemNotFound
	}
	return it, nil
}

// getUpload returns upload id (ErrUploadNotFound when absent).
func (s *store) getUpload(ctx context.Context, id string) (Upload, error) {
	row, err := s.db.Single().ReadRow(ctx, "Uploads", spanner.Key{id}, uploadColumns)
	if spanx.IsNotFound(err) {
		return Upload{}, ErrUploadNotFound
	}
	if err != nil {
		return Upload{}, spanx.Translate(err, "contentdb.getUpload")
	}
	up, err := scanUpload(row)
	return up, spanx.Translate(err, "contentdb.getUpload")
}

// startUpload records up (ids, object, declaration and expiry set) as item's
// active upload: the tutor must own the course, the item must exist, and no
// other upload of the item may be in progress at now (errs.Conflict). An
// earlier upload whose URL expired unused is marked expired and its object,
// should one have been written, deleted.
func (s *store) startUpload(ctx context.Context, up Upload, now time.Time) error {
	err := spanx.ReadWrite(ctx, s.db, func(ctx context.Context, tx *spanx.Tx) error {
		it, err := ownedItem(ctx, tx, up.CourseID, up.ItemID, up.TutorID)
		if err != nil {
			return err
		}
		var ds []deletion
		if it.ActiveUploadID != "" {
			active, err := readUpload(ctx, tx, it.ActiveUploadID)
			if err != nil && !errs.Is(err, errs.NotFound) {
				return err
			}
			if err == nil && activeUpload(it, &active, now) {
				return errs.E(errs.Conflict, "upload %s of this item is in progress until %s: finish it, or start again after then",
					active.ID, active.ExpiresAt.UTC().Format(time.RFC3339))
			}
			if err == nil && active.Status == UploadPending {
				if err := setUploadStatus(tx, active.ID, UploadExpired, "its URL expired before an object arrived", 0); err != nil {
					return err
				}
				ds = append(ds, deletion{active.ObjectName, 0, "upload " + active.ID + " expired"})
			}
		}
		it.ActiveUploadID = up.ID
		changed := it.ContentStatus == contentmsg.StatusRejected
		if changed {
			it.ContentStatus = contentmsg.StatusAwaitingUpload
			it.ContentVersion++
		}
		if err := tx.BufferWrite([]*spanner.Mutation{
			spanner.Insert("Uploads", uploadColumns, []any{up.ID, up.CourseID, up.ItemID, up.TutorID, up.ObjectName,
				up.ContentType, up.Size, nullString(up.SHA256), nullString(up.CRC32C), up.FileName, up.Resumable,
				UploadPending, spanner.NullString{}, spanner.NullInt64{}, spanner.CommitTimestamp, up.ExpiresAt}),
			itemContentMutation(it),
		}); err != nil {
			return err
		}
		if changed {
			if err := s.announce(ctx, tx, contentmsg.EventUploadStarted, it, up, ""); err != nil {
				return err
			}
		}
		return s.addDeletions(tx, ds)
	})
	return spanx.Translate(err, "contentdb.startUpload")
}

// finishUpload records the outcome of generation gen of upload id's object,
// once per finalize notification (eventKey): when reason is "" the object
// becomes what the item serves (the object it replaces is deleted), else it
// is rejected with reason and deleted. An object of an upload that is no
// longer in progress (expired, replaced, its item removed) is deleted. A new
// generation of the object that serves is never deleted (it is the live
// object now): when it passes the checks it serves in place of the old
// one; when it fails them the item stops serving it. It reports the upload
// as it ends up.
func (s *store) finishUpload(ctx context.Context, eventKey, id string, gen int64, reason string) (Upload, error) {
	var out Upload
	_, err := events.Once(ctx, s.db, fnObjectFinalized, eventKey, func(ctx context.Context, tx *spanx.Tx) error {
		up, err := readUpload(ctx, tx, id)
		if err != nil {
			return err
		}
		out = up
		if up.Status == UploadReady && up.Generation != gen {
			return s.overwritten(ctx, tx, up, gen, reason, &out)
		}
		if up.Status != UploadPending {
			if up.Generation == gen {
				return nil // decided already
			}
			return s.addDeletions(tx, []deletion{{up.ObjectName, gen, "an object arrived for upload " + id + ", which is " + up.Status}})
		}
		it, err := readItem(ctx, tx, up.CourseID, up.ItemID)
		if err != nil && !errs.Is(err, errs.NotFound) {
			return err
		}
		if err != nil || it.Removed || it.ActiveUploadID != up.ID {
			out.Status, out.Reason = UploadRemoved, "the item was removed"
			if err := setUploadStatus(tx, id, out.Status, out.Reason, gen); err != nil {
				return err
			}
			return s.addDeletions(tx, []deletion{{up.ObjectName, gen, out.Reason}})
		}
		var ds []deletion
		typ := contentmsg.EventReady
		if reason == "" && it.Kind == coursemsg.KindVideo && s.afterStream != nil {
			st := newStream(up)
			it.startStream()
			if err := tx.BufferWrite([]*spanner.Mutation{streamInsert(st)}); err != nil {
				return err
			}
			tx.AfterCommit(func(ctx context.Context) { s.afterStream(ctx, st) })
		}
		if reason == "" {
			if replaced := it.accept(up); replaced != "" {
				old, err := readUpload(ctx, tx, replaced)
				if err != nil {
					return err
				}
				if err := setUploadStatus(tx, old.ID, UploadReplaced, "replaced by upload "+id, old.Generation); err != nil {
					return err
				}
				ds = append(ds, deletion{old.ObjectName, old.Generation, "replaced by upload " + id})
			}
			out.Status = UploadReady
		} else {
			it.reject(up)
			out.Status, out.Reason, typ = UploadRejected, reason, contentmsg.EventRejected
			ds = append(ds, deletion{up.ObjectName, gen, reason})
		}
		out.Generation = gen
		if err := setUploadStatus(tx, id, out.Status, out.Reason, gen); err != nil {
			return err
		}
		if err := tx.BufferWrite([]*spanner.Mutation{itemContentMutation(it)}); err != nil {
			return err
		}
		if err := s.announce(ctx, tx, typ, it, up, reason); err != nil {
			return err
		}
		return s.addDeletions(tx, ds)
	})
	return out, spanx.Translate(err, "contentdb.finishUpload")
}

// overwritten handles generation gen written over up's object, which serves
// (a write the upload URL's if-generation-match precondition refuses at
// Cloud Storage, but an operator or a test double may still make): the
// object's live bytes are gen's now, so gen is never deleted. Bytes that
// pass up's checks (reason "") serve in up's place; bytes that fail them
// take the item out of service (rejected, with why).
func (s *store) overwritten(ctx context.Context, tx *spanx.Tx, up Upload, gen int64, reason string, out *Upload) error {
	if reason == "" {
		out.Generation = gen
		return tx.BufferWrite([]*spanner.Mutation{spanner.Update("Uploads", []string{"UploadId", "Generation"}, []any{up.ID, gen})})
	}
	it, err := readItem(ctx, tx, up.CourseID, up.ItemID)
	if err != nil || it.ReadyUploadID != up.ID {
		return err // no longer what the item serves: nothing to take back
	}
	reason = "the object that served was written over with bytes that fail its checks: " + reason
	it.ReadyUploadID, it.ContentStatus = "", contentmsg.StatusRejected
	it.ContentVersion++
	out.Status, out.Reason, out.Generation = UploadRejected, reason, gen
	if err := setUploadStatus(tx, up.ID, UploadRejected, reason, gen); err != nil {
		return err
	}
	if err := tx.BufferWrite([]*spanner.Mutation{itemContentMutation(it)}); err != nil {
		return err
	}
	return s.announce(ctx, tx, contentmsg.EventRejected, it, up, reason)
}

// applyCourse keeps the course and item projections in step with one course
// event, once per event: every event upserts the course's owner and status;
// item events add, update or remove (tombstone) the item. Removing an item
// deletes its objects. An event older (by version, the course's event
// number) than what the course's or the item's row applied changes that row
// nothing: Pub/Sub may deliver an older event after a newer one.
func (s *store) applyCourse(ctx context.Context, eventID, typ string, version int64, c Course, it Item) error {
	ver := spanner.NullInt64{Int64: version, Valid: version > 0}
	_, err := events.Once(ctx, s.db, fnCourseEvent, eventID, func(ctx context.Context, tx *spanx.Tx) error {
		stale, err := events.Stale(ctx, tx, "Courses", spanner.Key{c.ID}, "EventVersion", version)
		if err != nil {
			return err
		}
		if !stale {
			cols, vals := []string{"CourseId", "TutorId", "Status", "UpdatedAt"}, []any{c.ID, c.TutorID, c.Status, spanner.CommitTimestamp}
			if ver.Valid {
				cols, vals = append(cols, "EventVersion"), append(vals, ver)
			}
			if err := tx.BufferWrite([]*spanner.Mutation{spanner.InsertOrUpdate("Courses", cols, vals)}); err != nil {
				return err
			}
		}
		if it.ItemID == "" {
			return nil
		}
		old, err := readItem(ctx, tx, it.CourseID, it.ItemID)
		exists := err == nil
		if err != nil && !errs.Is(err, errs.NotFound) {
			return err
		}
		switch {
		case exists && old.Removed:
			return nil // a late event about a removed item
		case typ == coursemsg.EventItemRemoved:
			return s.removeItem(ctx, tx, it, old, exists)
		case !exists:
			it.ContentStatus = contentmsg.StatusAwaitingUpload
			if it.Kind == coursemsg.KindText {
				it.ContentStatus = contentmsg.StatusReady
			}
			return tx.BufferWrite([]*spanner.Mutation{spanner.Insert("Items", itemColumns, []any{it.CourseID, it.ItemID,
				it.Kind, it.Title, textBody(it), false, it.ContentStatus, nil, nil, int64(0), spanner.CommitTimestamp, ver})})
		}
		if !events.Newer(version, old.CourseEventVersion) {
			return nil // a late event about an item changed since
		}
		cols, vals := []string{"CourseId", "ItemId", "Title", "Body", "UpdatedAt"}, []any{it.CourseID, it.ItemID, it.Title, textBody(it), spanner.CommitTimestamp}
		if ver.Valid {
			cols, vals = append(cols, "CourseEventVersion"), append(vals, ver)
		}
		return tx.BufferWrite([]*spanner.Mutation{spanner.Update("Items", cols, vals)})
	})
	return spanx.Translate(err, "contentdb.applyCourse")
}

// removeItem tombstones an item and deletes what serves it and what is being
// uploaded for it.
func (s *store) removeItem(ctx context.Context, tx *spanx.Tx, it, old Item, exists bool) error {
	if !exists {
		return tx.BufferWrite([]*spanner.Mutation{spanner.Insert("Items", itemColumns, []any{it.CourseID, it.ItemID,
			it.Kind, it.Title, nil, true, contentmsg.StatusAwaitingUpload, nil, nil, int64(0), spanner.CommitTimestamp, nil})})
	}
	var ds []deletion
	for _, id := range []string{old.ReadyUploadID, old.ActiveUploadID} {
		if id == "" {
			continue
		}
		up, err := readUpload(ctx, tx, id)
		if errs.Is(err, errs.NotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if err := setUploadStatus(tx, id, UploadRemoved, "the item was removed", up.Generation); err != nil {
			return err
		}
		ds = append(ds, deletion{up.ObjectName, up.Generation, "item " + old.ItemID + " was removed"})
	}
	old.Removed, old.ReadyUploadID, old.ActiveUploadID, old.Body = true, "", "", ""
	if err := tx.BufferWrite([]*spanner.Mutation{itemContentMutation(old), spanner.Update("Items",
		[]string{"CourseId", "ItemId", "Removed", "Body"}, []any{old.CourseID, old.ItemID, true, nil})}); err != nil {
		return err
	}
	return s.addDeletions(tx, ds)
}

// applySubscription keeps the entitlement projection in step with one
// subscription event, once per event. An ended subscription stays ended
// whatever arrives after.
func (s *store) applySubscription(ctx context.Context, eventID string, d subscribemsg.EventData, ended bool) error {
	_, err := events.Once(ctx, s.db, fnSubscriptionEvent, eventID, func(ctx context.Context, tx *spanx.Tx) error {
		cols := []string{"SubscriptionId", "UserId", "CourseId", "Active", "UpdatedAt"}
		if ended {
			return tx.BufferWrite([]*spanner.Mutation{spanner.InsertOrUpdate("Entitlements", cols,
				[]any{d.SubscriptionID, d.UserID, d.CourseID, false, spanner.CommitTimestamp})})
		}
		_, err := tx.ReadRow(ctx, "Entitlements", spanner.Key{d.SubscriptionID}, []string{"Active"})
		if err == nil {
			return nil // known: active already, or ended (which wins)
		}
		if !spanx.IsNotFound(err) {
			return err
		}
		return tx.BufferWrite([]*spanner.Mutation{spanner.Insert("Entitlements", cols,
			[]any{d.SubscriptionID, d.UserID, d.CourseID, true, spanner.CommitTimestamp})})
	})
	return spanx.Translate(err, "contentdb.applySubscription")
}

// announce writes a content event about it's content in tx.
func (s *store) announce(ctx context.Context, tx *spanx.Tx, typ string, it Item, up Upload, reason string) error {
	ev, err := events.New(contentmsg.Topic, typ, contentmsg.EventData{CourseID: it.CourseID, ItemID: it.ItemID, UploadID: up.ID,
		Status: it.ContentStatus, ContentType: up.ContentType, Size: up.Size, Reason: reason, Version: it.ContentVersion})
	if err != nil {
		return err
	}
	return s.outbox.Add(ctx, tx, ev)
}

// addDeletions records the intent to delete ds in tx, and deletes them once
// tx commits (the relay retries what that misses).
func (s *store) addDeletions(tx *spanx.Tx, ds []deletion) error {
	if len(ds) == 0 {
		return nil
	}
	muts := make([]*spanner.Mutation, len(ds))
	for i, d := range ds {
		muts[i] = spanner.InsertOrUpdate("ObjectDeletions", []string{"ObjectName", "Generation", "Reason", "CreatedAt"},
			[]any{d.Object, d.Generation, d.Reason, spanner.CommitTimestamp})
	}
	if err := tx.BufferWrite(muts); err != nil {
		return err
	}
	if s.afterDelete != nil {
		tx.AfterCommit(func(ctx context.Context) { s.afterDelete(ctx, ds) })
	}
	return nil
}

// pendingDeletions returns up to limit recorded deletions older than age.
func (s *store) pendingDeletions(ctx context.Context, age time.Duration, limit int) ([]deletion, error) {
	stmt := spanner.Statement{
		SQL:    `SELECT ObjectName, Generation, Reason FROM ObjectDeletions WHERE CreatedAt < @before ORDER BY CreatedAt LIMIT @limit`,
		Params: map[string]any{"before": time.Now().Add(-age), "limit": int64(limit)},
	}
	var out []deletion
	err := spanx.Each(s.db.Single().Query(ctx, stmt), func(r *spanner.Row) error {
		var d deletion
		if err := r.Columns(&d.Object, &d.Generation, &d.Reason); err != nil {
			return err
		}
		out = append(out, d)
		return nil
	})
	return out, spanx.Translate(err, "contentdb.pendingDeletions")
}

// deleted forgets a deletion that is done.
func (s *store) deleted(ctx context.Context, d deletion) error {
	err := spanx.Apply(ctx, s.db, spanner.Delete("ObjectDeletions", spanner.Key{d.Object, d.Generation}))
	return spanx.Translate(err, "contentdb.deleted")
}

// --- Rows.

func readItem(ctx context.Context, rd spanx.Reader, courseID, itemID string) (Item, error) {
	row, err := rd.ReadRow(ctx, "Items", spanner.Key{courseID, itemID}, append(itemColumns[:len(itemColumns):len(itemColumns)], itemStreamColumns...))
	if spanx.IsNotFound(err) {
		return Item{}, ErrItemNotFound
	}
	if err != nil {
		return Item{}, err
	}
	var (
		it                  Item
		body, ready, active spanner.NullString
		updated             time.Time
		courseVersion       spanner.NullInt64
		streamUp, streamSt  spanner.NullString
		streamReason        spanner.NullString
	)
	if err := row.Columns(&it.CourseID, &it.ItemID, &it.Kind, &it.Title, &body, &it.Removed, &it.ContentStatus,
		&ready, &active, &it.ContentVersion, &updated, &courseVersion, &streamUp, &streamSt, &streamReason); err != nil {
		return Item{}, err
	}
	it.StreamUploadID, it.StreamStatus, it.StreamReason = streamUp.StringVal, streamSt.StringVal, streamReason.StringVal
	it.CourseEventVersion = courseVersion.Int64
	it.Body, it.ReadyUploadID, it.ActiveUploadID = body.StringVal, ready.StringVal, active.StringVal
	return it, nil
}

func readUpload(ctx context.Context, rd spanx.Reader, id string) (Upload, error) {
	row, err := rd.ReadRow(ctx, "Uploads", spanner.Key{id}, uploadColumns)
	if spanx.IsNotFound(err) {
		return Upload{}, ErrUploadNotFound
	}
	if err != nil {
		return Upload{}, err
	}
	return scanUpload(row)
}

func scanUpload(row *spanner.Row) (Upload, error) {
	var (
		up               Upload
		sha, crc, reason spanner.NullString
		gen              spanner.NullInt64
	)
	if err := row.Columns(&up.ID, &up.CourseID, &up.ItemID, &up.TutorID, &up.ObjectName, &up.ContentType, &up.Size,
		&sha, &crc, &up.FileName, &up.Resumable, &up.Status, &reason, &gen, &up.CreatedAt, &up.ExpiresAt); err != nil {
		return Upload{}, err
	}
	up.SHA256, up.CRC32C, up.Reason, up.Generation = sha.StringVal, crc.StringVal, reason.StringVal, gen.Int64
	return up, nil
}

// itemContentMutation writes it's content state.
func itemContentMutation(it Item) *spanner.Mutation {
	return spanner.Update("Items", []string{"CourseId", "ItemId", "ContentStatus", "ReadyUploadId", "ActiveUploadId",
		"ContentVersion", "UpdatedAt", "StreamUploadId", "StreamStatus", "StreamReason"}, []any{it.CourseID, it.ItemID,
		it.ContentStatus, nullString(it.ReadyUploadID), nullString(it.ActiveUploadID), it.ContentVersion,
		spanner.CommitTimestamp, nullString(it.StreamUploadID), nullString(it.StreamStatus), nullString(it.StreamReason)})
}

func setUploadStatus(tx *spanx.Tx, id, status, reason string, gen int64) error {
	return tx.BufferWrite([]*spanner.Mutation{spanner.Update("Uploads",
		[]string{"UploadId", "Status", "Reason", "Generation", "FinishedAt"},
		[]any{id, status, nullString(reason), spanner.NullInt64{Int64: gen, Valid: gen != 0}, spanner.CommitTimestamp})})
}

func nullString(s string) spanner.NullString { return spanner.NullString{StringVal: s, Valid: s != ""} }

// textBody is NULL for media items, which have no body.
func textBody(it Item) spanner.NullString {
	return spanner.NullString{StringVal: it.Body, Valid: it.Kind == coursemsg.KindText}
}
