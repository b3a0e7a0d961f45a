package progress

import (
	"cmp"
	"context"
	"embed"
	"errors"
	"slices"
	"sync"
	"time"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/contract/progressmsg"
	"github.com/kwipper/kwipper/shared/errs"
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
	// rowColumns are progressColumns and the row's copy of the learner's
	// entitlement, which only a report reads and writes.
	rowColumns    = append(slices.Clone(progressColumns), "Entitled")
	courseColumns = []string{"CourseId", "TutorId", "Title", "Status", "ItemCount"}
	itemColumns   = []string{"CourseId", "ItemId", "Kind", "Title", "Removed", "Seq", "EventVersion"}
	accessColumns = []string{"CourseId", "ItemId", "Kind", "Title", "Removed", "Seq", "EventVersion", "TutorId"}
)

// store keeps the projections and learners' progress in Spanner.
type store struct {
	db     *spanner.Client
	outbox *events.Outbox
	// gate, when set, admits one read-write transaction at a time (see
	// newStore).
	gate chan struct{}
	// items caches what reports need of items (itemCacheTTL).
	items *itemCache
}

// newStore returns the store on d's database. Against the Spanner emulator
// it admits one read-write transaction at a time: the emulator runs one at a
// time and, on the client's multiplexed session, a transaction begun while
// another is open invalidates it, so fifty players reporting at once would
// abort each other over and over instead of queueing. Spanner itself locks
// rows: there every learner's report runs in parallel.
func newStore(d fnreg.Deps) store {
	s := store{db: d.DB, outbox: d.Outbox, items: &itemCache{ttl: itemCacheTTL}}
	if d.Config.SpannerEmulatorHost != "" {
		s.gate = make(chan struct{}, 1)
	}
	return s
}

// readWrite runs fn in a read-write transaction (spanx.ReadWrite), through
// the gate when there is one.
func (s *store) readWrite(ctx context.Context, fn func(context.Context, *spanx.Tx) error) error {
	return s.gated(ctx, func() error { return spanx.ReadWrite(ctx, s.db, fn) })
}

// gated runs fn once the gate (if any) admits it.
func (s *store) gated(ctx context.Context, fn func() error) error {
	if s.gate != nil {
		select {
		case s.gate <- struct{}{}:
			defer func() { <-s.gate }()
		case <-ctx.Done():
			return errs.Wrap(errs.Unavailable, ctx.Err(), "waiting for a read-write transaction")
		}
	}
	return fn()
}

// itemCacheTTL is how long an item's kind, title and tutor are reused
// without reading them again. Kind and tutor never change; a removal reaches
// reports within this (a report accepted meanwhile counts for nothing: a
// removed item is not part of the course). Every report of a popular course
// would otherwise read the same rows.
const itemCacheTTL = 30 * time.Second

// item returns live item itemID of course courseID and its course's tutor,
// from the cache or read strongly: ErrCourseNotFound or ErrItemNotFound
// (also for a removed item) when the projection has none.
func (s *store) item(ctx context.Context, courseID, itemID string) (Item, string, error) {
	if it, tutor, ok := s.items.get(courseID, itemID, time.Now()); ok {
		return it, tutor, nil
	}
	it, tutor, err := readItem(ctx, s.db.Single(), courseID, itemID)
	if errs.Is(err, errs.NotFound) {
		if _, found, cerr := readCourse(ctx, s.db.Single(), courseID); cerr == nil && !found {
			err = ErrCourseNotFound
		}
	}
	if err != nil {
		return Item{}, "", spanx.Translate(err, "progressdb.item")
	}
	s.items.put(it, tutor, time.Now())
	return it, tutor, nil
}

// itemCache holds items (live ones only) for a while.
type itemCache struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[[2]string]cachedItem
}

type cachedItem struct {
	item   Item
	tutor  string
	expiry time.Time
}

// maxCachedItems bounds the cache (the design's catalog is 1K courses of
// about 10 items); past it the cache starts over.
const maxCachedItems = 100_000

func (c *itemCache) get(courseID, itemID string, now time.Time) (Item, string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[[2]string{courseID, itemID}]
	if !ok || now.After(e.expiry) {
		return Item{}, "", false
	}
	return e.item, e.tutor, true
}

func (c *itemCache) put(it Item, tutor string, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCachedItems {
		c.m = map[[2]string]cachedItem{}
	}
	c.m[[2]string{it.CourseID, it.ItemID}] = cachedItem{item: it, tutor: tutor, expiry: now.Add(c.ttl)}
}

// report applies rep (received at now) to userID's progress on item it of
// tutor's course in one read-write transaction and returns the progress as
// the transaction left it, and whether rep changed it (false: it was not
// newer than the report recorded). The transaction reads only the learner's
// own key range: their subscriptions to the course (ErrNoAccess, changing
// nothing, unless they are the tutor or one is active) and their row. The
// report that completes the item announces progress.item_completed, and when
// that completes the course, progress.course_completed, each in the same
// transaction: concurrent reports serialize on the learner's rows, so each is
// announced once.
func (s *store) report(ctx context.Context, userID string, it Item, tutorID string, rep Report, now time.Time, rules Rules) (Progress, bool, error) {
	var (
		out     Progress
		applied bool
	)
	c := Course{ID: it.CourseID, TutorID: tutorID}
	err := s.readWrite(ctx, func(ctx context.Context, tx *spanx.Tx) error {
		// The row carries whether the learner is entitled; a first report
		// on the item reads it from their course row.
		row, err := tx.ReadRow(ctx, "Progress", spanner.Key{userID, it.CourseID, it.ItemID}, rowColumns)
		var (
			p        Progress
			entitled bool
			found    = err == nil
		)
		switch {
		case found:
			if p, err = scanProgress(row, &entitled); err != nil {
				return err
			}
		case rowMissing(err):
			p = Progress{UserID: userID, CourseID: it.CourseID, ItemID: it.ItemID, Kind: it.Kind}
			if entitled, err = readEntitled(ctx, tx, userID, it.CourseID); err != nil {
				return err
			}
		default:
			return err
		}
		if !c.mayReport(userID, entitled) {
			return ErrNoAccess
		}
		var completed bool
		applied, completed = rules.apply(&p, rep, now)
		out = p
		if !applied {
			return nil
		}
		if err := tx.BufferWrite([]*spanner.Mutation{
			spanner.InsertOrUpdate("LearnerCourses", []string{"UserId", "CourseId", "LastActivityAt"}, []any{userID, it.CourseID, now}),
			progressMutation(p, entitled),
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
// current item of the course. It is the one time a report reads beyond the
// learner's own rows (the course and its items): once per completed item.
func (s *store) completeCourse(ctx context.Context, tx *spanx.Tx, p Progress, now time.Time) error {
	row, err := tx.ReadRow(ctx, "LearnerCourses", spanner.Key{p.UserID, p.CourseID}, []string{"CompletedAt"})
	switch {
	case rowMissing(err):
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

// announce writes a progress event in tx. It is announced once because the
// transaction that writes it also sets the completion it announces
// (Progress.CompletedAt, LearnerCourses.CompletedAt), which every later
// report reads first.
func (s *store) announce(ctx context.Context, tx *spanx.Tx, typ string, d progressmsg.EventData) error {
	ev, err := events.New(progressmsg.Topic, typ, d)
	if err != nil {
		return err
	}
	return s.outbox.Add(ctx, tx, ev)
}

// itemProgress returns item itemID of course courseID with its course's
// tutor, whether userID holds an active subscription to the course, and their
// progress on it (the zero Progress, of the item's kind, when none), read
// strongly.
func (s *store) itemProgress(ctx context.Context, userID, courseID, itemID string) (Item, string, bool, Progress, error) {
	var (
		p              Progress
		found          bool
		ents           map[string]entitlement
		rowErr, entErr error
		wg             sync.WaitGroup
	)
	wg.Add(2)
	go func() {
		defer wg.Done()
		p, found, rowErr = readProgress(ctx, s.db.Single(), userID, courseID, itemID)
	}()
	go func() {
		defer wg.Done()
		ents, entErr = readEntitlements(ctx, s.db.Single(), spanner.Key{userID, courseID}.AsPrefix())
	}()
	it, tutor, err := s.item(ctx, courseID, itemID)
	wg.Wait()
	if err != nil {
		return Item{}, "", false, Progress{}, err
	}
	if err := cmp.Or(rowErr, entErr); err != nil {
		return Item{}, "", false, Progress{}, spanx.Translate(err, "progressdb.itemProgress")
	}
	if !found {
		p = Progress{UserID: userID, CourseID: courseID, ItemID: itemID, Kind: it.Kind}
	}
	return it, tutor, ents[courseID].active, p, nil
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
			var (
				m    MyCourse
				last spanner.NullTime
			)
			if err := r.Columns(&m.CourseID, &last); err != nil {
				return err
			}
			if last.Valid {
				m.Activity, m.HasProgress = last.Time, true
				byCourse[m.CourseID] = &m
			}
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

// rowMissing reports whether err says ReadRow found no row. Not
// spanx.IsNotFound: the emulator reports a transaction it lost as NotFound
// too ("Transaction not found"), and taking that for a missing row would
// answer a report with 403, or treat an existing row as new, instead of
// running the transaction again.
func rowMissing(err error) bool { return errors.Is(err, spanner.ErrRowNotFound) }

func readProgress(ctx context.Context, rd spanx.Reader, userID, courseID, itemID string) (Progress, bool, error) {
	row, err := rd.ReadRow(ctx, "Progress", spanner.Key{userID, courseID, itemID}, progressColumns)
	if rowMissing(err) {
		return Progress{}, false, nil
	}
	if err != nil {
		return Progress{}, false, err
	}
	p, err := scanProgress(row)
	return p, err == nil, err
}

// readEntitled reports whether the learner's course row says they hold an
// active subscription (false when there is no row).
func readEntitled(ctx context.Context, rd spanx.Reader, userID, courseID string) (bool, error) {
	row, err := rd.ReadRow(ctx, "LearnerCourses", spanner.Key{userID, courseID}, []string{"Entitled"})
	if rowMissing(err) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	var ok bool
	err = row.Columns(&ok)
	return ok, err
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

// scanProgress scans progressColumns and, when more are given, what follows
// them.
func scanProgress(r *spanner.Row, more ...any) (Progress, error) {
	var (
		p       Progress
		watched []float64
		done    spanner.NullTime
	)
	if err := r.Columns(append([]any{&p.UserID, &p.CourseID, &p.ItemID, &p.Kind, &p.Position, &p.Duration, &watched,
		&p.WatchedSeconds, &p.ClientTime, &p.CreatedAt, &p.UpdatedAt, &done}, more...)...); err != nil {
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

// progressMutation writes p with the learner's entitlement as read in the
// same transaction.
func progressMutation(p Progress, entitled bool) *spanner.Mutation {
	watched := make([]float64, 0, 2*len(p.Watched))
	for _, s := range p.Watched {
		watched = append(watched, s.From, s.To)
	}
	return spanner.InsertOrUpdate("Progress", rowColumns, []any{p.UserID, p.CourseID, p.ItemID, p.Kind,
		p.Position, p.Duration, watched, p.WatchedSeconds, p.ClientTime, p.CreatedAt, p.UpdatedAt,
		spanner.NullTime{Time: p.CompletedAt, Valid: !p.CompletedAt.IsZero()}, entitled})
}

func readCourse(ctx context.Context, rd spanx.Reader, courseID string) (Course, bool, error) {
	row, err := rd.ReadRow(ctx, "Courses", spanner.Key{courseID}, courseColumns)
	if rowMissing(err) {
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

// readItem returns a live item and its course's tutor (ErrItemNotFound when
// the item is unknown or removed).
func readItem(ctx context.Context, rd spanx.Reader, courseID, itemID string) (Item, string, error) {
	row, err := rd.ReadRow(ctx, "Items", spanner.Key{courseID, itemID}, accessColumns)
	if rowMissing(err) {
		return Item{}, "", ErrItemNotFound
	}
	if err != nil {
		return Item{}, "", err
	}
	var (
		it    Item
		ver   spanner.NullInt64
		tutor string
	)
	if err := row.Columns(&it.CourseID, &it.ItemID, &it.Kind, &it.Title, &it.Removed, &it.Seq, &ver, &tutor); err != nil {
		return Item{}, "", err
	}
	if it.Removed {
		return Item{}, "", ErrItemNotFound
	}
	it.EventVersion = ver.Int64
	return it, tutor, nil
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
