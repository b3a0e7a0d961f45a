// Package progressmsg is the Progress service's published language: the
// topic it announces learners' completions on and their payload. Each
// completion is announced exactly once per learner and item, and once per
// learner and course, however often reports are retried or race.
package progressmsg

import "time"

// Topic is where the Progress service announces completions.
const Topic = "progress-events"

// Event types on Topic; every one carries EventData.
const (
	// EventItemCompleted: a learner completed an item (a video watched to
	// the completion fraction, a text opened, a file downloaded).
	EventItemCompleted = "progress.item_completed"
	// EventCourseCompleted: a learner completed every item of a course (as
	// the course's item list was when its last item completed).
	EventCourseCompleted = "progress.course_completed"
)

// EventData is the payload of every progress event. ItemID and ItemKind are
// set on item events only; ItemCount on course events only.
type EventData struct {
	UserID   string `json:"user_id"`
	CourseID string `json:"course_id"`
	ItemID   string `json:"item_id,omitempty"`
	// ItemKind is a coursemsg item kind (text, video, file).
	ItemKind string `json:"item_kind,omitempty"`
	// ItemCount is how many items the completed course had.
	ItemCount int64 `json:"item_count,omitempty"`
	// CompletedAt is the server time of the report that completed it.
	CompletedAt time.Time `json:"completed_at"`
}

// Valid reports whether d names a learner and a course (and, for an item
// event, an item) with ids of at most 36 characters.
func (d EventData) Valid(itemEvent bool) bool {
	ids := []string{d.UserID, d.CourseID}
	if itemEvent {
		ids = append(ids, d.ItemID)
	}
	for _, id := range ids {
		if id == "" || len(id) > 36 {
			return false
		}
	}
	return !d.CompletedAt.IsZero()
}
