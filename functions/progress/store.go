package progress

import (
	"context"
	"embed"
	"time"

	"cloud.google.com/go/spanner"
	"github.com/google/uuid"

	"github.com/kwipper/kwipper/functions/contract/progressmsg"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/spanx"
)

// migrationFiles is the progress database's own schema (Registration.Schema).
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

var (
	progressColumns = []string{"UserId", "CourseId", "ItemId", "Kind", "PositionSeconds", "DurationSeconds",
		"Watched", "WatchedSeconds", "ClientTime", "CreatedAt", "UpdatedAt", "CompletedAt"}
	courseColumns = []string{"CourseId", "TutorId", "Title", "Status", "ItemCount"}
	itemColumns   = []string{"CourseId", "ItemId", "Kind", "Title", "Removed", "Seq", "EventVersion"}
)

// store keeps the projections and learners' progress in Spanner.
type store struct {
	db     *spanner.Client
	outbox *events.Outbox
}

func newStore(d fnreg.Deps) store { return store{db: d.DB, outbox: d.Outbox} }

// itemAccess is an item with its course and whether the caller holds an
// active subscription to the course.
type itemAccess struct {
	Course   Course
	Item     Item
	Entitled bool
}

// accessQuery reads an item, its course and the caller's entitlement in one
// round trip.
const accessQuery = `SELECT c.TutorId, c.Title, c.Status, c.ItemCount, i.Kind, i.Title, i.Removed, i.Seq,
	  EXISTS(SELECT 1 FROM Entitlements AS e WHERE e.UserId = @user AND e.CourseId = @course AND e.Active) AS Entitled
	FROM Courses AS c LEFT JOIN Items AS i ON i.CourseId = c.CourseId AND i.ItemId = @item
	WHERE c.CourseId = @course`

// access returns item itemID of course courseID and whether userID is
// entitled to the course, read strongly: ErrCourseNotFound or
// ErrItemNotFound (also for a removed item) when the projection has none.
func (s *store) access(ctx context.Context, userID, courseID, itemID string) (itemAccess, error) {
	a, err := readAccess(ctx, s.db.Single(), userID, courseID, itemID)
	return a, spanx.Translate(err, "progressdb.access")
}

func readAccess(ctx context.Context, rd spanx.Reader, userID, courseID, itemID string) (itemAccess, error) {
	stmt := spanner.Statement{SQL: accessQuery, Params: map[string]any{"user": userID, "course": courseID, "item": itemID}}
	var (
		a        itemAccess
		found    bool
		hasItem  bool
		kind, tt spanner.NullString
		removed  spanner.NullBool
		seq      spanner.NullInt64
	)
	err := spanx.Each(rd.Query(ctx, stmt), func(r *spanner.Row) error {
		found = true
		if err := r.Columns(&a.Course.TutorID, &a.Course.Title, &a.Course.Status, &a.Course.ItemCount,
			&kind, &tt, &removed, &seq, &a.Entitled); err != nil {
			return err
		}
		hasItem = kind.Valid && !removed.Bool
		return nil
	})
	switch {
	case err != nil:
		return itemAccess{}, err
	case !found:
		return itemAccess{}, ErrCourseNotFound
	case !hasItem:
		return itemAccess{}, ErrItemNotFound
	}
	a.Course.ID = courseID
	a.Item = Item{CourseID: courseID, ItemID: itemID, Kind: kind.StringVal, Title: tt.StringVal, Seq: seq.Int64}
	return a, nil
}

// report applies rep (received at now) to userID's progress on item it in
// one read-write transaction and returns the progress as the transaction
// left it, and whether rep changed it (false: it was not newer than the
// report recorded). The report that completes the item announces
// progress.item_completed, and when that completes the course,
// progress.course_completed, each in the same transaction: concurrent
// reports serialize on the learner's rows, so each is announced once.
func (s *store) report(ctx context.Context, userID string, it Item, rep Report, now time.Time, rules Rules) (Progress, bool, error) {
	var (
		out     Progress
		applied bool
	)
	err := spanx.ReadWrite(ctx, s.db, func(ctx context.Context, tx *spanx.Tx) error {
		p, found, err := readProgress(ctx, tx, userID, it.CourseID, it.ItemID)
		if err != nil {
			return err
		}
		if !found {
			p = Progress{UserID: userID, CourseID: it.CourseID, ItemID: it.ItemID, Kind: it.Kind}
		}
		var completed bool
		applied, completed = rules.apply(&p, rep, now)
		out = p
		if !applied {
			return nil
		}
		if err := tx.BufferWrite([]*spanner.Mutation{
			spanner.InsertOrUpdate("LearnerCourses", []string{"UserId", "CourseId", "LastActivityAt"}, []any{userID, it.CourseID, now}),
			progressMutation(p),
		}); err != nil {
			return err
		}
		if !completed {
			return nil
		}
		if err := s.announce(ctx, tx, progressmsg.EventItemCompleted, progressmsg.EventData{UserID: userID, CourseID: it.CourseID,
			ItemID: it.ItemID, ItemKind: it.Kind, CompletedAt: now}); err != nil {
			return err
		}
		return s.completeCourse(ctx, tx, p, now)
	})
	if err != nil {
		return Progress{}, false, spanx.Translate(err, "progressdb.report")
	}
	return out, applied, nil
}

// completeCourse announces that p's learner completed p's course, unless
// announced before, when p (just completed, written in tx) completes every
// current item of the course.
func (s *store) completeCourse(ctx context.Context, tx *spanx.Tx, p Progress, now time.Time) error {
	row, err := tx.ReadRow(ctx, "LearnerCourses", spanner.Key{p.UserID, p.CourseID}, []string{"CompletedAt"})
	switch {
	case spanx.IsNotFound(err):
	case err != nil:
		return err
	default:
		var done spanner.NullTime
		if err := row.Columns(&done); err != nil {
			return err
		}
		if done.Valid {
			return nil // announced once already
		}
	}
	c, found, err := readCourse(ctx, tx, p.CourseID)
	if err != nil || !found {
		return err
	}
	items, err := readItems(ctx, tx, p.CourseID)
	if err != nil {
		return err
	}
	rows, err := readCourseProgress(ctx, tx, p.UserID, p.CourseID)
	if err != nil {
		return err
	}
	rows[p.ItemID] = p // written in tx, which its reads do not see
	sum := summarize(c, items, rows)
	if !sum.Completed {
		return nil
	}
	if err := tx.BufferWrite([]*spanner.Mutation{spanner.Update("LearnerCourses",
		[]string{"UserId", "CourseId", "CompletedAt"}, []any{p.UserID, p.CourseID, now})}); err != nil {
		return err
	}
	return s.announce(ctx, tx, progressmsg.EventCourseCompleted, progressmsg.EventData{UserID: p.UserID, CourseID: p.CourseID,
		ItemCount: int64(sum.Total), CompletedAt: now})
}

// announce writes a progress event in tx. Its id is derived from what it
// announces, so consumers would see a repeat as the same event (and the
// outbox refuses to hold one twice).
func (s *store) announce(ctx context.Context, tx *spanx.Tx, typ string, d progressmsg.EventData) error {
	ev, err := events.New(progressmsg.Topic, typ, d)
	if err != nil {
		return err
	}
	ev.ID = uuid.NewSHA1(uuid.NameSpaceURL, []byte("kwipper:"+typ+":"+d.UserID+"/"+d.CourseID+"/"+d.ItemID)).String()
	return s.outbox.Add(ctx, tx, ev)
}

// itemProgress returns item itemID of course courseID with userID's
// entitlement and progress on it (the zero Progress, of the item's kind,
// when none), read strongly at one timestamp.
func (s *store) itemProgress(ctx context.Context, userID, courseID, itemID string) (itemAccess, Progress, error) {
	var (
		a itemAccess
		p Progress
	)
	err := spanx.ReadOnly(ctx, s.db, 0, func(ctx context.Context, ro *spanner.ReadOnlyTransaction) error {
		var err error
		if a, err = readAccess(ctx, ro, userID, courseID, itemID); err != nil {
			return err
		}
		var found bool
		if p, found, err = readProgress(ctx, ro, userID, courseID, itemID); err != nil {
			return err
		}
		if !found {
			p = Progress{UserID: userID, CourseID: courseID, ItemID: itemID, Kind: a.Item.Kind}
		}
		return nil
	})
	return a, p, spanx.Translate(err, "progressdb.itemProgress")
}

// courseProgress returns userID's progress in course courseID and whether
// they hold an active subscription to it, read strongly at one timestamp
// (ErrCourseNotFound when the projection has no such course).
func (s *store) courseProgress(ctx context.Context, userID, courseID string) (CourseSummary, bool, error) {
	var (
		sum      CourseSummary
		entitled bool
	)
	err := spanx.ReadOnly(ctx, s.db, 0, func(ctx context.Context, ro *spanner.ReadOnlyTransaction) error {
		c, found, err := readCourse(ctx, ro, courseID)
		if err != nil {
			return err
		}
		if !found {
			return ErrCourseNotFound
		}
		items, err := readItems(ctx, ro, courseID)
		if err != nil {
			return err
		}
		rows, err := readCourseProgress(ctx, ro, userID, courseID)
		if err != nil {
			return err
		}
		ents, err := readEntitlements(ctx, ro, spanner.Key{userID, courseID}.AsPrefix())
		if err != nil {
			return err
		}
		sum, entitled = summarize(c, items, rows), ents[courseID].active
		return nil
	})
	return sum, entitled, spanx.Translate(err, "progressdb.courseProgress")
}

// myCourses returns the page of userID's courses (those with progress or an
// active subscription) after cursor after (nil: the first), newest activity
// first, at most limit, and whether more follow; read strongly at one
// timestamp. A learner's list is small (their courses), so it is ordered in
// memory; only the page's courses have their progress computed.
func (s *store) myCourses(ctx context.Context, userID string, after *listCursor, limit int) ([]MyCourseProgress, bool, error) {
	var (
		out  []MyCourseProgress
		more bool
	)
	err := spanx.ReadOnly(ctx, s.db, 0, func(ctx context.Context, ro *spanner.ReadOnlyTransaction) error {
		out, more = nil, false
		byCourse := map[string]*MyCourse{}
		err := spanx.Each(ro.Read(ctx, "LearnerCourses", spanner.Key{userID}.AsPrefix(), []string{"CourseId", "LastActivityAt"}), func(r *spanner.Row) error {
			var m MyCourse
			if err := r.Columns(&m.CourseID, &m.Activity); err != nil {
				return err
			}
			m.HasProgress = true
			byCourse[m.CourseID] = &m
			return nil
		})
		if err != nil {
			return err
		}
		ents, err := readEntitlements(ctx, ro, spanner.Key{userID}.AsPrefix())
		if err != nil {
			return err
		}
		for courseID, e := range ents {
			if !e.active {
				continue
			}
			m := byCourse[courseID]
			if m == nil {
				m = &MyCourse{CourseID: courseID}
				byCourse[courseID] = m
			}
			m.Entitled = true
			if e.activatedAt.After(m.Activity) {
				m.Activity = e.activatedAt
			}
		}
		all := make([]MyCourse, 0, len(byCourse))
		for _, m := range byCourse {
			all = append(all, *m)
		}
		sortMyCourses(all)
		var pg []MyCourse
		pg, more = page(all, after, limit)
		if len(pg) == 0 {
			return nil
		}
		courseKeys, itemKeys, rowKeys := make([]spanner.KeySet, len(pg)), make([]spanner.KeySet, len(pg)), make([]spanner.KeySet, len(pg))
		for i, m := range pg {
			courseKeys[i] = spanner.Key{m.CourseID}
			itemKeys[i] = spanner.Key{m.CourseID}.AsPrefix()
			rowKeys[i] = spanner.Key{userID, m.CourseID}.AsPrefix()
		}
		courses := map[string]Course{}
		err = spanx.Each(ro.Read(ctx, "Courses", spanner.KeySets(courseKeys...), courseColumns), func(r *spanner.Row) error {
			c, err := scanCourse(r)
			courses[c.ID] = c
			return err
		})
		if err != nil {
			return err
		}
		items := map[string][]Item{}
		err = spanx.Each(ro.Read(ctx, "Items", spanner.KeySets(itemKeys...), itemColumns), func(r *spanner.Row) error {
			it, err := scanItem(r)
			items[it.CourseID] = append(items[it.CourseID], it)
			return err
		})
		if err != nil {
			return err
		}
		rows := map[string]map[string]Progress{}
		err = spanx.Each(ro.Read(ctx, "Progress", spanner.KeySets(rowKeys...), progressColumns), func(r *spanner.Row) error {
			p, err := scanProgress(r)
			if rows[p.CourseID] == nil {
				rows[p.CourseID] = map[string]Progress{}
			}
			rows[p.CourseID][p.ItemID] = p
			return err
		})
		if err != nil {
			return err
		}
		for _, m := range pg {
			c, ok := courses[m.CourseID]
			if !ok {
				c = Course{ID: m.CourseID} // subscribed before its course events arrived
			}
			out = append(out, MyCourseProgress{MyCourse: m, Summary: summarize(c, items[m.CourseID], rows[m.CourseID])})
		}
		return nil
	})
	return out, more, spanx.Translate(err, "progressdb.myCourses")
}

// --- Rows.

func readProgress(ctx context.Context, rd spanx.Reader, userID, courseID, itemID string) (Progress, bool, error) {
	row, err := rd.ReadRow(ctx, "Progress", spanner.Key{userID, courseID, itemID}, progressColumns)
	if spanx.IsNotFound(err) {
		return Progress{}, false, nil
	}
	if err != nil {
		return Progress{}, false, err
	}
	p, err := scanProgress(row)
	return p, err == nil, err
}

// readCourseProgress returns userID's rows in course courseID by item id.
func readCourseProgress(ctx context.Context, rd spanx.Reader, userID, courseID string) (map[string]Progress, error) {
	rows := map[string]Progress{}
	err := spanx.Each(rd.Read(ctx, "Progress", spanner.Key{userID, courseID}.AsPrefix(), progressColumns), func(r *spanner.Row) error {
		p, err := scanProgress(r)
		rows[p.ItemID] = p
		return err
	})
	return rows, err
}

func scanProgress(r *spanner.Row) (Progress, error) {
	var (
		p       Progress
		watched []float64
		done    spanner.NullTime
	)
	if err := r.Columns(&p.UserID, &p.CourseID, &p.ItemID, &p.Kind, &p.Position, &p.Duration, &watched,
		&p.WatchedSeconds, &p.ClientTime, &p.CreatedAt, &p.UpdatedAt, &done); err != nil {
		return Progress{}, err
	}
	for i := 0; i+1 < len(watched); i += 2 {
		p.Watched = append(p.Watched, Span{watched[i], watched[i+1]})
	}
	if done.Valid {
		p.CompletedAt = done.Time
	}
	return p, nil
}

func progressMutation(p Progress) *spanner.Mutation {
	watched := make([]float64, 0, 2*len(p.Watched))
	for _, s := range p.Watched {
		watched = append(watched, s.From, s.To)
	}
	return spanner.InsertOrUpdate("Progress", progressColumns, []any{p.UserID, p.CourseID, p.ItemID, p.Kind,
		p.Position, p.Duration, watched, p.WatchedSeconds, p.ClientTime, p.CreatedAt, p.UpdatedAt,
		spanner.NullTime{Time: p.CompletedAt, Valid: !p.CompletedAt.IsZero()}})
}

func readCourse(ctx context.Context, rd spanx.Reader, courseID string) (Course, bool, error) {
	row, err := rd.ReadRow(ctx, "Courses", spanner.Key{courseID}, courseColumns)
	if spanx.IsNotFound(err) {
		return Course{}, false, nil
	}
	if err != nil {
		return Course{}, false, err
	}
	c, err := scanCourse(row)
	return c, err == nil, err
}

func scanCourse(r *spanner.Row) (Course, error) {
	var c Course
	err := r.Columns(&c.ID, &c.TutorID, &c.Title, &c.Status, &c.ItemCount)
	return c, err
}

// readItems returns every item of the course, removed ones included.
func readItems(ctx context.Context, rd spanx.Reader, courseID string) ([]Item, error) {
	var out []Item
	err := spanx.Each(rd.Read(ctx, "Items", spanner.Key{courseID}.AsPrefix(), itemColumns), func(r *spanner.Row) error {
		it, err := scanItem(r)
		out = append(out, it)
		return err
	})
	return out, err
}

func scanItem(r *spanner.Row) (Item, error) {
	var (
		it  Item
		ver spanner.NullInt64
	)
	err := r.Columns(&it.CourseID, &it.ItemID, &it.Kind, &it.Title, &it.Removed, &it.Seq, &ver)
	it.EventVersion = ver.Int64
	return it, err
}

// entitlement is what a learner's subscriptions to a course add up to.
type entitlement struct {
	active      bool
	activatedAt time.Time // the latest activation of an active subscription
}

// readEntitlements returns the entitlements in keys by course id.
func readEntitlements(ctx context.Context, rd spanx.Reader, keys spanner.KeySet) (map[string]entitlement, error) {
	out := map[string]entitlement{}
	err := spanx.Each(rd.Read(ctx, "Entitlements", keys, []string{"CourseId", "Active", "ActivatedAt"}), func(r *spanner.Row) error {
		var (
			courseID string
			active   bool
			at       spanner.NullTime
		)
		if err := r.Columns(&courseID, &active, &at); err != nil {
			return err
		}
		e := out[courseID]
		if active {
			e.active = true
			if at.Time.After(e.activatedAt) {
				e.activatedAt = at.Time
			}
		}
		out[courseID] = e
		return nil
	})
	return out, err
}
