package content

import (
	"context"
	"encoding/json"
	"time"

	"cloud.google.com/go/spanner"
	"github.com/google/uuid"

	"github.com/kwipper/kwipper/functions/content/stream"
	"github.com/kwipper/kwipper/functions/contract/coursemsg"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/spanx"
)

// Storage of the streaming ladders (Streams) and the items' streaming state.

var streamColumns = []string{"UploadId", "CourseId", "ItemId", "OutputPrefix", "JobName", "Status", "Reason", "Outputs"}

// ErrStreamNotFound is a job or upload without a ladder.
var ErrStreamNotFound = errs.E(errs.NotFound, "no streaming ladder for this upload")

func streamInsert(st Stream) *spanner.Mutation {
	return spanner.Insert("Streams", []string{"UploadId", "CourseId", "ItemId", "OutputPrefix", "Status", "CreatedAt"},
		[]any{st.UploadID, st.CourseID, st.ItemID, st.OutputPrefix, st.Status, spanner.CommitTimestamp})
}

func scanStream(r *spanner.Row) (Stream, error) {
	var (
		st                   Stream
		job, reason, outputs spanner.NullString
	)
	if err := r.Columns(&st.UploadID, &st.CourseID, &st.ItemID, &st.OutputPrefix, &job, &st.Status, &reason, &outputs); err != nil {
		return Stream{}, err
	}
	st.JobName, st.Reason = job.StringVal, reason.StringVal
	if outputs.Valid {
		var o stream.Outputs
		if err := json.Unmarshal([]byte(outputs.StringVal), &o); err != nil {
			return Stream{}, err
		}
		st.Outputs = &o
	}
	return st, nil
}

// getStream returns the ladder of upload id (ErrStreamNotFound when none).
func (s *store) getStream(ctx context.Context, uploadID string) (Stream, error) {
	row, err := s.db.Single().ReadRow(ctx, "Streams", spanner.Key{uploadID}, streamColumns)
	if spanx.IsNotFound(err) {
		return Stream{}, ErrStreamNotFound
	}
	if err != nil {
		return Stream{}, spanx.Translate(err, "contentdb.getStream")
	}
	st, err := scanStream(row)
	return st, spanx.Translate(err, "contentdb.getStream")
}

// streamByJob returns the ladder job name makes (ErrStreamNotFound when no
// ladder records that job).
func (s *store) streamByJob(ctx context.Context, name string) (Stream, error) {
	stmt := spanner.Statement{SQL: `SELECT UploadId, CourseId, ItemId, OutputPrefix, JobName, Status, Reason, Outputs
		FROM Streams@{FORCE_INDEX=StreamsByJob} WHERE JobName = @job`, Params: map[string]any{"job": name}}
	var out *Stream
	err := spanx.Each(s.db.Single().Query(ctx, stmt), func(r *spanner.Row) error {
		st, err := scanStream(r)
		out = &st
		return err
	})
	if err != nil {
		return Stream{}, spanx.Translate(err, "contentdb.streamByJob")
	}
	if out == nil {
		return Stream{}, ErrStreamNotFound
	}
	return *out, nil
}

// recordJob records that job name makes upload id's ladder, unless a job
// was recorded for it already (the first stays) or it is no longer
// processing. It reports whether name was recorded.
func (s *store) recordJob(ctx context.Context, uploadID, name string) (bool, error) {
	recorded := false
	err := spanx.ReadWrite(ctx, s.db, func(ctx context.Context, tx *spanx.Tx) error {
		recorded = false
		row, err := tx.ReadRow(ctx, "Streams", spanner.Key{uploadID}, streamColumns)
		if spanx.IsNotFound(err) {
			return ErrStreamNotFound
		}
		if err != nil {
			return err
		}
		st, err := scanStream(row)
		if err != nil || st.JobName != "" || st.Status != StreamProcessing {
			return err
		}
		recorded = true
		return tx.BufferWrite([]*spanner.Mutation{spanner.Update("Streams", []string{"UploadId", "JobName"}, []any{uploadID, name})})
	})
	return recorded, spanx.Translate(err, "contentdb.recordJob")
}

// finishStream records the outcome of job jobName (st with Status ready and
// Outputs, or failed and Reason), once per job however often its
// notification arrives: the ladder's row, and the item when the ladder is
// of the upload it serves (Item.finishStream). The ladder a ready one
// replaces is marked replaced and its outputs recorded for deletion after
// deleteAfter (deleted once that passes: after commit when it has, else by
// the relay). A ladder that is no longer processing changes nothing. It
// reports the ladder as recorded.
func (s *store) finishStream(ctx context.Context, jobName string, st Stream, deleteAfter time.Time) (Stream, error) {
	var out Stream
	// Processed event ids are 36 characters: a UUID of the job's name.
	key := uuid.NewSHA1(uuid.NameSpaceURL, []byte("transcoder-job:"+jobName)).String()
	_, err := events.Once(ctx, s.db, fnTranscoded, key, func(ctx context.Context, tx *spanx.Tx) error {
		row, err := tx.ReadRow(ctx, "Streams", spanner.Key{st.UploadID}, streamColumns)
		if spanx.IsNotFound(err) {
			return ErrStreamNotFound
		}
		if err != nil {
			return err
		}
		cur, err := scanStream(row)
		if err != nil {
			return err
		}
		out = cur
		if cur.Status != StreamProcessing {
			return nil
		}
		cur.Status, cur.Reason, cur.Outputs = st.Status, st.Reason, st.Outputs
		out = cur
		it, err := readItem(ctx, tx, cur.CourseID, cur.ItemID)
		if err != nil && !errs.Is(err, errs.NotFound) {
			return err
		}
		var muts []*spanner.Mutation
		if err == nil {
			if changed, replaced := it.finishStream(cur); changed {
				muts = append(muts, itemContentMutation(it))
				if replaced != "" {
					muts = append(muts, spanner.Update("Streams", []string{"UploadId", "Status"}, []any{replaced, StreamReplaced}))
					m, err := s.deleteLadder(ctx, tx, replaced, deleteAfter)
					if err != nil {
						return err
					}
					muts = append(muts, m...)
				}
			}
		}
		var outputs spanner.NullString
		if cur.Outputs != nil {
			b, err := json.Marshal(cur.Outputs)
			if err != nil {
				return err
			}
			outputs = spanner.NullString{StringVal: string(b), Valid: true}
		}
		muts = append(muts, spanner.Update("Streams", []string{"UploadId", "Status", "Reason", "Outputs", "FinishedAt"},
			[]any{cur.UploadID, cur.Status, nullString(cur.Reason), outputs, spanner.CommitTimestamp}))
		return tx.BufferWrite(muts)
	})
	return out, spanx.Translate(err, "contentdb.finishStream")
}

// unsubmittedStreams returns up to limit ladders still processing without
// a job, started more than age ago: their submission after commit did not
// happen (the relay submits them).
func (s *store) unsubmittedStreams(ctx context.Context, age time.Duration, limit int) ([]Stream, error) {
	stmt := spanner.Statement{
		SQL: `SELECT s.UploadId, s.CourseId, s.ItemId, s.OutputPrefix, s.JobName, s.Status, s.Reason, s.Outputs, u.ObjectName
		      FROM Streams AS s JOIN Uploads AS u ON u.UploadId = s.UploadId
		      WHERE s.Status = @processing AND s.JobName IS NULL AND s.CreatedAt < @before
		      ORDER BY s.CreatedAt LIMIT @limit`,
		Params: map[string]any{"processing": StreamProcessing, "before": time.Now().Add(-age), "limit": int64(limit)},
	}
	var out []Stream
	err := spanx.Each(s.db.Single().Query(ctx, stmt), func(r *spanner.Row) error {
		var st Stream
		var job, reason, outputs spanner.NullString
		if err := r.Columns(&st.UploadID, &st.CourseID, &st.ItemID, &st.OutputPrefix, &job, &st.Status, &reason, &outputs, &st.ObjectName); err != nil {
			return err
		}
		out = append(out, st)
		return nil
	})
	return out, spanx.Translate(err, "contentdb.unsubmittedStreams")
}

// captionFiles returns the item's captions, by language.
func (s *store) captionFiles(ctx context.Context, courseID, itemID string) ([]stream.CaptionFile, error) {
	stmt := spanner.Statement{SQL: `SELECT Language, Vtt FROM Captions WHERE CourseId = @course AND ItemId = @item ORDER BY Language`,
		Params: map[string]any{"course": courseID, "item": itemID}}
	var out []stream.CaptionFile
	err := spanx.Each(s.db.Single().Query(ctx, stmt), func(r *spanner.Row) error {
		var c stream.CaptionFile
		var vtt string
		if err := r.Columns(&c.Language, &vtt); err != nil {
			return err
		}
		c.VTT = []byte(vtt)
		out = append(out, c)
		return nil
	})
	return out, spanx.Translate(err, "contentdb.captionFiles")
}

// putCaption stores (or replaces) the caption of video item itemID in
// language lang: the tutor must own the course (ErrNotOwner) and the item
// must be a video (errs.Invalid). It returns the item as it stands.
func (s *store) putCaption(ctx context.Context, courseID, itemID, tutorID, lang string, vtt []byte) (Item, error) {
	var it Item
	err := spanx.ReadWrite(ctx, s.db, func(ctx context.Context, tx *spanx.Tx) error {
		var err error
		if it, err = ownedItem(ctx, tx, courseID, itemID, tutorID); err != nil {
			return err
		}
		if it.Kind != coursemsg.KindVideo {
			return ErrCaptionsVideoOnly
		}
		return tx.BufferWrite([]*spanner.Mutation{spanner.InsertOrUpdate("Captions",
			[]string{"CourseId", "ItemId", "Language", "Vtt", "UpdatedAt"},
			[]any{courseID, itemID, lang, string(vtt), spanner.CommitTimestamp})})
	})
	return it, spanx.Translate(err, "contentdb.putCaption")
}

// ErrCaptionNotFound is a language the item has no caption in.
var ErrCaptionNotFound = errs.E(errs.NotFound, "this item has no caption in that language")

// captionList returns the item's captions without their text, by language,
// read at most stale old.
func (s *store) captionList(ctx context.Context, courseID, itemID string, stale time.Duration) ([]CaptionView, error) {
	stmt := spanner.Statement{SQL: `SELECT Language, LENGTH(CAST(Vtt AS BYTES)), UpdatedAt FROM Captions
		WHERE CourseId = @course AND ItemId = @item ORDER BY Language`,
		Params: map[string]any{"course": courseID, "item": itemID}}
	out := []CaptionView{}
	err := spanx.Each(spanx.Single(s.db, stale).Query(ctx, stmt), func(r *spanner.Row) error {
		v := CaptionView{CourseID: courseID, ItemID: itemID}
		var size int64
		if err := r.Columns(&v.Language, &size, &v.UpdatedAt); err != nil {
			return err
		}
		v.Size, v.Name = int(size), stream.LanguageName(v.Language)
		out = append(out, v)
		return nil
	})
	return out, spanx.Translate(err, "contentdb.captionList")
}

// deleteCaption deletes the caption of video item itemID in language lang:
// the tutor must own the course (ErrNotOwner), the caption must exist
// (ErrCaptionNotFound). It returns the item as it stands and the output
// prefix of the ladder that serves it ("" for none), whose copy of the
// caption the caller removes once the master no longer lists it.
func (s *store) deleteCaption(ctx context.Context, courseID, itemID, tutorID, lang string) (Item, string, error) {
	var (
		it     Item
		prefix string
	)
	err := spanx.ReadWrite(ctx, s.db, func(ctx context.Context, tx *spanx.Tx) error {
		prefix = ""
		var err error
		if it, err = ownedItem(ctx, tx, courseID, itemID, tutorID); err != nil {
			return err
		}
		key := spanner.Key{courseID, itemID, lang}
		if _, err := tx.ReadRow(ctx, "Captions", key, []string{"Language"}); spanx.IsNotFound(err) {
			return ErrCaptionNotFound
		} else if err != nil {
			return err
		}
		if it.StreamUploadID != "" {
			row, err := tx.ReadRow(ctx, "Streams", spanner.Key{it.StreamUploadID}, []string{"OutputPrefix"})
			if err != nil && !spanx.IsNotFound(err) {
				return err
			}
			if err == nil {
				if err := row.Columns(&prefix); err != nil {
					return err
				}
			}
		}
		return tx.BufferWrite([]*spanner.Mutation{spanner.Delete("Captions", key)})
	})
	return it, prefix, spanx.Translate(err, "contentdb.deleteCaption")
}

// ladderDeletion is a replaced ladder's outputs to delete.
type ladderDeletion struct {
	Prefix, UploadID string
	DeleteAfter      time.Time
}

// deleteLadder returns the mutation recording the deletion of upload
// uploadID's ladder outputs after deleteAfter, and arranges the deletion
// after commit when that time has passed (none when the ladder has no row).
func (s *store) deleteLadder(ctx context.Context, tx *spanx.Tx, uploadID string, deleteAfter time.Time) ([]*spanner.Mutation, error) {
	row, err := tx.ReadRow(ctx, "Streams", spanner.Key{uploadID}, []string{"OutputPrefix"})
	if spanx.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	d := ladderDeletion{UploadID: uploadID, DeleteAfter: deleteAfter}
	if err := row.Columns(&d.Prefix); err != nil {
		return nil, err
	}
	if s.afterLadder != nil && !deleteAfter.After(time.Now()) {
		tx.AfterCommit(func(ctx context.Context) { s.afterLadder(ctx, []ladderDeletion{d}) })
	}
	return []*spanner.Mutation{spanner.InsertOrUpdate("LadderDeletions", []string{"Prefix", "UploadId", "DeleteAfter", "CreatedAt"},
		[]any{d.Prefix, d.UploadID, d.DeleteAfter, spanner.CommitTimestamp})}, nil
}

// dueLadderDeletions returns up to limit recorded ladder deletions whose
// time has come.
func (s *store) dueLadderDeletions(ctx context.Context, now time.Time, limit int) ([]ladderDeletion, error) {
	stmt := spanner.Statement{
		SQL: `SELECT Prefix, UploadId, DeleteAfter FROM LadderDeletions@{FORCE_INDEX=LadderDeletionsByDue}
		      WHERE DeleteAfter <= @now ORDER BY DeleteAfter LIMIT @limit`,
		Params: map[string]any{"now": now, "limit": int64(limit)},
	}
	var out []ladderDeletion
	err := spanx.Each(s.db.Single().Query(ctx, stmt), func(r *spanner.Row) error {
		var d ladderDeletion
		if err := r.Columns(&d.Prefix, &d.UploadID, &d.DeleteAfter); err != nil {
			return err
		}
		out = append(out, d)
		return nil
	})
	return out, spanx.Translate(err, "contentdb.dueLadderDeletions")
}

// ladderDeleted forgets a ladder deletion that is done.
func (s *store) ladderDeleted(ctx context.Context, d ladderDeletion) error {
	err := spanx.Apply(ctx, s.db, spanner.Delete("LadderDeletions", spanner.Key{d.Prefix}))
	return spanx.Translate(err, "contentdb.ladderDeleted")
}
