package course

import (
	"context"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/shared/spanx"
)

// tutorCourses returns up to limit of tutorID's courses, drafts included,
// after the cursor (its time is the creation time), newest first, read
// strongly (tutors read what they just changed).
func (s *store) tutorCourses(ctx context.Context, tutorID string, after *cursor, limit int) ([]Course, error) {
	sql := `SELECT ` + courseSelect + `
		FROM Courses@{FORCE_INDEX=CoursesByTutorCreated} AS c
		LEFT JOIN TutorProfiles AS t ON t.TutorId = c.TutorId
		WHERE c.TutorId = @tutor`
	params := map[string]any{"tutor": tutorID, "limit": int64(limit)}
	if after != nil {
		sql += ` AND (c.CreatedAt < @afterTime OR (c.CreatedAt = @afterTime AND c.CourseId > @afterId))`
		params["afterTime"], params["afterId"] = after.PublishedAt, after.CourseID
	}
	sql += ` ORDER BY c.CreatedAt DESC, c.CourseId LIMIT @limit`
	var out []Course
	err := spanx.Each(s.db.Single().Query(ctx, spanner.Statement{SQL: sql, Params: params}), func(r *spanner.Row) error {
		c, err := scanCourse(r, true)
		out = append(out, c)
		return err
	})
	if err != nil {
		return nil, spanx.Translate(err, "coursedb.tutorCourses")
	}
	return out, nil
}

// subscribers returns up to limit active subscriptions to course courseID
// after the cursor, by user and subscription id. A row written before
// Entitlements.State existed is active when Active says so.
func (s *store) subscribers(ctx context.Context, courseID string, after *subscriberCursor, limit int) ([]Subscriber, error) {
	sql := `SELECT UserId, SubscriptionId, UpdatedAt FROM Entitlements
		WHERE CourseId = @course AND (State = @active OR (State IS NULL AND Active))`
	params := map[string]any{"course": courseID, "active": SubscriptionActive, "limit": int64(limit)}
	if after != nil {
		sql += ` AND (UserId > @afterUser OR (UserId = @afterUser AND SubscriptionId > @afterSub))`
		params["afterUser"], params["afterSub"] = after.UserID, after.SubscriptionID
	}
	sql += ` ORDER BY UserId, SubscriptionId LIMIT @limit`
	var out []Subscriber
	err := spanx.Each(s.db.Single().Query(ctx, spanner.Statement{SQL: sql, Params: params}), func(r *spanner.Row) error {
		var sub Subscriber
		err := r.Columns(&sub.UserID, &sub.SubscriptionID, &sub.Since)
		out = append(out, sub)
		return err
	})
	if err != nil {
		return nil, spanx.Translate(err, "coursedb.subscribers")
	}
	return out, nil
}
