// Package coursemsg is the Course service's published language: the topic it
// announces course and item changes on, their payload, and the words other
// services use about courses (statuses, item kinds).
package coursemsg

import "github.com/kwipper/kwipper/shared/money"

// Topic is where the Course service announces course events.
const Topic = "course-events"

// Event types on Topic. Every event carries EventData.
const (
	EventCreated     = "course.created"
	EventUpdated     = "course.updated" // course fields changed, or its items were reordered
	EventPublished   = "course.published"
	EventUnpublished = "course.unpublished"
	EventItemAdded   = "course.item_added"
	EventItemUpdated = "course.item_updated"
	EventItemRemoved = "course.item_removed"
)

// Course statuses: a draft is seen only by its tutor; a published course is
// in the catalog.
const (
	StatusDraft     = "draft"
	StatusPublished = "published"
)

// Item kinds.
const (
	KindText  = "text"
	KindVideo = "video"
	KindFile  = "file"
)

// Kinds lists every item kind.
var Kinds = []string{KindText, KindVideo, KindFile}

// EventData is the payload of every course event. ItemID and ItemKind are
// set on item events only.
type EventData struct {
	CourseID        string      `json:"course_id"`
	TutorID         string      `json:"tutor_id"`
	Status          string      `json:"status"`
	Price           money.Money `json:"price"`
	BillingInterval string      `json:"billing_interval"`
	Title           string      `json:"title"`
	ItemCount       int64       `json:"item_count"`
	ItemID          string      `json:"item_id,omitempty"`
	ItemKind        string      `json:"item_kind,omitempty"`
	// ItemTitle and, for text items, ItemBody are the item as it is after
	// the event (the Content service serves text bodies from them).
	ItemTitle string `json:"item_title,omitempty"`
	ItemBody  string `json:"item_body,omitempty"`
	// Version numbers the course's events: 1 for course.created, one more
	// for each event after (about the course or any of its items). A
	// consumer applies an event only when it is newer than what it has.
	Version int64 `json:"version"`
}
