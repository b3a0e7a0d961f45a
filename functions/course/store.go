package course

import (
	"cmp"
	"context"
	"embed"
	"fmt"
	"slices"
	"time"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/contract/coursemsg"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/spanx"
)

// migrationFiles is the courses database's own schema (Registration.Schema).
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

var (
	courseColumns = []string{"CourseId", "TutorId", "Title", "Description", "PriceAmount", "Currency",
		"BillingInterval", "Status", "ItemCount", "CreatedAt", "UpdatedAt", "PublishedAt", "SubscriberCount", "EventVersion"}
	itemColumns = []string{"CourseId", "ItemId", "Position", "Kind", "Title", "Body", "ContentStatus", "CreatedAt", "UpdatedAt"}
)

// courseSelect selects courseColumns of Courses AS c and the tutor's name from
// TutorProfiles AS t (LEFT JOINed: a tutor the projection has not seen yet
// has an empty name).
const courseSelect = `c.CourseId, c.TutorId, c.Title, c.Description, c.PriceAmount, c.Currency,
	c.BillingInterval, c.Status, c.ItemCount, c.CreatedAt, c.UpdatedAt, c.PublishedAt, c.SubscriberCount, c.EventVersion,
	IFNULL(t.DisplayName, '') AS TutorName`

// store keeps courses, their items and the tutor-name projection in Spanner.
type store struct {
	db     *spanner.Client
	outbox *events.Outbox
}

func newStore(d fnreg.Deps) store { return store{db: d.DB, outbox: d.Outbox} }

// relay publishes what the outbox still holds.
func (s *store) relay(ctx context.Context) error {
	_, err := s.outbox.Sweep(ctx, 500)
	return err
}

// readCourse reads course id (without its items or tutor name) in rd;
// ErrNotFound when there is none.
func readCourse(ctx context.Context, rd spanx.Reader, id string) (Course, error) {
	row, err := rd.ReadRow(ctx, "Courses", spanner.Key{id}, courseColumns)
	if spanx.IsNotFound(err) {
		return Course{}, ErrNotFound
	}
	if err != nil {
		return Course{}, err
	}
	return scanCourse(row, false)
}

// create inserts the new course c (id, tutor and fields set) and announces it,
// then reads it back so c carries its commit timestamps and tutor name.
func (s *store) create(ctx context.Context, c *Course) error {
	d := c.eventData(nil)
	d.Version = 1
	ev, err := events.New(coursemsg.Topic, coursemsg.EventCreated, d)
	if err != nil {
		return err
	}
	ts, err := spanx.Commit(ctx, s.db, func(ctx context.Context, tx *spanx.Tx) error {
		if err := tx.BufferWrite([]*spanner.Mutation{spanner.Insert("Courses", courseColumns, []any{
			c.ID, c.TutorID, c.Title, c.Description, c.Price.Amount, c.Price.Currency, c.BillingInterval,
			c.Status, int64(0), spanner.CommitTimestamp, spanner.CommitTimestamp, spanner.NullTime{}, int64(0), d.Version})}); err != nil {
			return err
		}
		if c.TutorName, err = tutorName(ctx, tx, c.TutorID); err != nil {
			return err
		}
		return s.outbox.Add(ctx, tx, ev)
	})
	if err != nil {
		return spanx.Translate(err, "coursedb.create")
	}
	c.CreatedAt, c.UpdatedAt, c.eventVersion = ts, ts, d.Version
	return nil
}

// tutorName reads the tutor's display name from the TutorProfiles projection
// ("" while the projection has not seen the tutor yet).
func tutorName(ctx context.Context, rd spanx.Reader, tutorID string) (string, error) {
	row, err := rd.ReadRow(ctx, "TutorProfiles", spanner.Key{tutorID}, []string{"DisplayName"})
	if spanx.IsNotFound(err) {
		return "", nil
	}
	var name string
	if err == nil {
		err = row.Columns(&name)
	}
	return name, err
}

// get returns course id with its tutor's name (ErrNotFound when there is
// none), reading data at most stale old (0: strong).
//
// It is two point reads (the course, then its tutor's name) rather than one
// joined query: on Spanner a point read is the cheapest read there is, and
// the name is a projection that may lag anyway (see BenchmarkGetCourse).
func (s *store) get(ctx context.Context, id string, stale time.Duration) (Course, error) {
	c, err := readCourse(ctx, spanx.Single(s.db, stale), id)
	if err != nil {
		return Course{}, spanx.Translate(err, "coursedb.get")
	}
	if c.TutorName, err = tutorName(ctx, spanx.Single(s.db, stale), c.TutorID); err != nil {
		return Course{}, spanx.Translate(err, "coursedb.get: tutor name")
	}
	return c, nil
}

// getWithItems returns course id with its tutor's name and its items in
// position order, read at one timestamp, exactly stale old (0: strong).
func (s *store) getWithItems(ctx context.Context, id string, stale time.Duration) (Course, error) {
	var c Course
	err := spanx.ReadOnly(ctx, s.db, stale, func(ctx context.Context, ro *spanner.ReadOnlyTransaction) error {
		var err error
		if c, err = queryCourse(ctx, ro, id); err != nil {
			return err
		}
		c.Items, err = readItems(ctx, ro, id)
		return err
	})
	if err != nil {
		return Course{}, spanx.Translate(err, "coursedb.getWithItems")
	}
	return c, nil
}

// update applies fn to course id (without its items) in a read-write
// transaction, persists what fn changed and announces what fn recorded, all
// in that transaction. fn's error (ErrNotOwner, say) aborts the change
// unchanged. It returns the course as committed (from the transaction
// itself: nothing is read after the commit).
func (s *store) update(ctx context.Context, id string, fn func(*Course) error) (Course, error) {
	c, err := s.edit(ctx, id, false, fn)
	return c, spanx.Translate(err, "coursedb.update")
}

// updateItems is update with the course's items loaded for fn to change; it
// returns the committed course with its items.
func (s *store) updateItems(ctx context.Context, id string, fn func(*Course) error) (Course, error) {
	c, err := s.edit(ctx, id, true, fn)
	return c, spanx.Translate(err, "coursedb.updateItems")
}

func (s *store) edit(ctx context.Context, id string, withItems bool, fn func(*Course) error) (Course, error) {
	var (
		c       Course
		touched map[string]bool // items inserted or changed
		changed bool            // the course row changed
	)
	ts, err := spanx.Commit(ctx, s.db, func(ctx context.Context, tx *spanx.Tx) error {
		old, err := readCourse(ctx, tx, id)
		if err != nil {
			return err
		}
		if withItems {
			if old.Items, err = readItems(ctx, tx, id); err != nil {
				return err
			}
		}
		if old.TutorName, err = tutorName(ctx, tx, old.TutorID); err != nil {
			return err
		}
		c = old
		c.Items = slices.Clone(old.Items)
		if err := fn(&c); err != nil {
			return err
		}
		var muts []*spanner.Mutation
		muts, touched = mutations(old, c, withItems)
		changed = len(muts) > 0
		if len(muts) == 0 && len(c.changes) == 0 {
			return nil // nothing changed (e.g. publishing a published course)
		}
		if err := tx.BufferWrite(muts); err != nil {
			return err
		}
		if len(c.changes) == 0 {
			return nil
		}
		version := old.eventVersion
		for _, ch := range c.changes {
			version++
			d := c.eventData(ch.Item)
			d.Version = version
			ev, err := events.New(coursemsg.Topic, ch.Type, d)
			if err != nil {
				return err
			}
			if err := s.outbox.Add(ctx, tx, ev); err != nil {
				return err
			}
		}
		c.eventVersion = version
		return tx.BufferWrite([]*spanner.Mutation{spanner.Update("Courses", []string{"CourseId", "EventVersion"}, []any{id, version})})
	})
	if err != nil {
		return Course{}, err
	}
	// The commit timestamp is what the CommitTimestamp columns took.
	if changed {
		c.UpdatedAt = ts
		if c.Status == coursemsg.StatusPublished && c.PublishedAt.IsZero() {
			c.PublishedAt = ts
		}
		if c.Status != coursemsg.StatusPublished {
			c.PublishedAt = time.Time{}
		}
	}
	for i := range c.Items {
		if touched[c.Items[i].ID] {
			if c.Items[i].CreatedAt.IsZero() {
				c.Items[i].CreatedAt = ts
			}
			c.Items[i].UpdatedAt = ts
		}
	}
	c.changes = nil
	return c, nil
}

// mutations writes the difference between old and c: changed course columns
// and, when items were loaded, inserted, changed and removed items (touched
// names the items inserted or changed). Any change bumps the course's
// UpdatedAt.
func mutations(old, c Course, withItems bool) (muts []*spanner.Mutation, touched map[string]bool) {
	cols, vals := []string{"CourseId"}, []any{c.ID}
	set := func(changed bool, col string, v any) {
		if changed {
			cols, vals = append(cols, col), append(vals, v)
		}
	}
	set(c.Title != old.Title, "Title", c.Title)
	set(c.Description != old.Description, "Description", c.Description)
	set(c.Price.Amount != old.Price.Amount, "PriceAmount", c.Price.Amount)
	set(c.Price.Currency != old.Price.Currency, "Currency", c.Price.Currency)
	set(c.BillingInterval != old.BillingInterval, "BillingInterval", c.BillingInterval)
	if c.Status != old.Status {
		set(true, "Status", c.Status)
		if c.Status == coursemsg.StatusPublished {
			set(true, "PublishedAt", spanner.CommitTimestamp)
		} else {
			set(true, "PublishedAt", spanner.NullTime{})
		}
	}
	var itemMuts []*spanner.Mutation
	if withItems {
		c.ItemCount = int64(len(c.Items))
		itemMuts, touched = itemMutations(old, c)
	}
	set(c.ItemCount != old.ItemCount, "ItemCount", c.ItemCount)
	if len(cols) == 1 && len(itemMuts) == 0 {
		return nil, nil
	}
	set(true, "UpdatedAt", spanner.CommitTimestamp)
	return append([]*spanner.Mutation{spanner.Update("Courses", cols, vals)}, itemMuts...), touched
}

func itemMutations(old, c Course) (muts []*spanner.Mutation, touched map[string]bool) {
	touched = map[string]bool{}
	before := make(map[string]Item, len(old.Items))
	for _, it := range old.Items {
		before[it.ID] = it
	}
	kept := make(map[string]bool, len(c.Items))
	for _, it := range c.Items {
		kept[it.ID] = true
		o, ok := before[it.ID]
		if !ok {
			muts = append(muts, spanner.Insert("CourseItems", itemColumns, []any{c.ID, it.ID, it.Position, it.Kind,
				it.Title, bodyValue(it), it.ContentStatus, spanner.CommitTimestamp, spanner.CommitTimestamp}))
			touched[it.ID] = true
			continue
		}
		cols, vals := []string{"CourseId", "ItemId"}, []any{c.ID, it.ID}
		if it.Position != o.Position {
			cols, vals = append(cols, "Position"), append(vals, it.Position)
		}
		if it.Title != o.Title {
			cols, vals = append(cols, "Title"), append(vals, it.Title)
		}
		if it.Body != o.Body {
			cols, vals = append(cols, "Body"), append(vals, bodyValue(it))
		}
		if len(cols) > 2 {
			cols, vals = append(cols, "UpdatedAt"), append(vals, spanner.CommitTimestamp)
			muts = append(muts, spanner.Update("CourseItems", cols, vals))
			touched[it.ID] = true
		}
	}
	for _, it := range old.Items {
		if !kept[it.ID] {
			muts = append(muts, spanner.Delete("CourseItems", spanner.Key{c.ID, it.ID}))
		}
	}
	return muts, touched
}

// bodyValue is NULL for media items, which have no body.
func bodyValue(it Item) spanner.NullString {
	return spanner.NullString{StringVal: it.Body, Valid: it.Kind == coursemsg.KindText}
}

// catalog returns up to limit published courses after the cursor (from the
// start when nil), newest first, ties broken by id, read at most stale old.
func (s *store) catalog(ctx context.Context, f CatalogFilters, after *cursor, limit int, stale time.Duration) ([]Course, error) {
	// Keyset pagination over CoursesByCatalog (Status, PublishedAt DESC,
	// CourseId), which stores every column the page shows, so the scan
	// starts at the cursor and reads only the rows it returns.
	sql := `SELECT ` + courseSelect + `
		FROM Courses@{FORCE_INDEX=CoursesByCatalog} AS c
		LEFT JOIN TutorProfiles AS t ON t.TutorId = c.TutorId
		WHERE c.Status = @published`
	params := map[string]any{"published": coursemsg.StatusPublished, "limit": int64(limit)}
	if f.Currency != "" {
		sql += ` AND c.Currency = @currency`
		params["currency"] = f.Currency
	}
	if f.TutorID != "" {
		sql += ` AND c.TutorId = @tutor`
		params["tutor"] = f.TutorID
	}
	for i, w := range f.Words {
		name := fmt.Sprintf("w%d", i)
		sql += ` AND STRPOS(LOWER(c.Title), @` + name + `) > 0`
		params[name] = w
	}
	if after != nil {
		sql += ` AND (c.PublishedAt < @afterTime OR (c.PublishedAt = @afterTime AND c.CourseId > @afterId))`
		params["afterTime"], params["afterId"] = after.PublishedAt, after.CourseID
	}
	sql += ` ORDER BY c.PublishedAt DESC, c.CourseId LIMIT @limit`
	var out []Course
	err := spanx.Each(spanx.Single(s.db, stale).Query(ctx, spanner.Statement{SQL: sql, Params: params}), func(r *spanner.Row) error {
		c, err := scanCourse(r, true)
		if err != nil {
			return err
		}
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, spanx.Translate(err, "coursedb.catalog")
	}
	return out, nil
}

// queryCourse reads course id and its tutor's name; ErrNotFound when absent.
func queryCourse(ctx context.Context, rd spanx.Reader, id string) (Course, error) {
	stmt := spanner.Statement{
		SQL: `SELECT ` + courseSelect + `
			FROM Courses AS c LEFT JOIN TutorProfiles AS t ON t.TutorId = c.TutorId
			WHERE c.CourseId = @id`,
		Params: map[string]any{"id": id},
	}
	var c Course
	found := false
	err := spanx.Each(rd.Query(ctx, stmt), func(r *spanner.Row) error {
		var err error
		c, err = scanCourse(r, true)
		found = true
		return err
	})
	if err != nil {
		return Course{}, err
	}
	if !found {
		return Course{}, ErrNotFound
	}
	return c, nil
}

// readItems reads course id's items in position order.
func readItems(ctx context.Context, rd spanx.Reader, id string) ([]Item, error) {
	var items []Item
	err := spanx.Each(rd.Read(ctx, "CourseItems", spanner.Key{id}.AsPrefix(), itemColumns), func(r *spanner.Row) error {
		var it Item
		var body spanner.NullString
		if err := r.Columns(&it.CourseID, &it.ID, &it.Position, &it.Kind, &it.Title, &body, &it.ContentStatus,
			&it.CreatedAt, &it.UpdatedAt); err != nil {
			return err
		}
		it.Body = body.StringVal
		items = append(items, it)
		return nil
	})
	slices.SortFunc(items, func(a, b Item) int { return cmp.Compare(a.Position, b.Position) })
	return items, err
}

// scanCourse reads courseColumns (and TutorName when withName) from row.
func scanCourse(row *spanner.Row, withName bool) (Course, error) {
	var c Course
	var published spanner.NullTime
	dst := []any{&c.ID, &c.TutorID, &c.Title, &c.Description, &c.Price.Amount, &c.Price.Currency,
		&c.BillingInterval, &c.Status, &c.ItemCount, &c.CreatedAt, &c.UpdatedAt, &published, &c.SubscriberCount, &c.eventVersion}
	if withName {
		dst = append(dst, &c.TutorName)
	}
	if err := row.Columns(dst...); err != nil {
		return Course{}, err
	}
	if published.Valid {
		c.PublishedAt = published.Time
	}
	return c, nil
}
