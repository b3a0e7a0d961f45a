// Package contentmsg is the Content service's published language: the topic
// it announces an item's content state on, the payload, and the content
// statuses.
package contentmsg

// Topic is where the Content service announces content events.
const Topic = "content-events"

// ObjectTopic receives the media bucket's OBJECT_FINALIZE notifications:
// Cloud Storage publishes them (Terraform wires the bucket to it, the local
// stack's fake-gcs-server likewise) and the Content service consumes them.
const ObjectTopic = "media-object-events"

// TranscodeTopic receives the Transcoder API's job notifications (a job's
// pubsubDestination; the local stack's ffmpeg transcoder publishes the same
// payload): the Content service records each job's outcome from them.
const TranscodeTopic = "transcoder-events"

// Event types on Topic; every one carries EventData.
const (
	EventUploadStarted = "content.upload_started" // an item whose last upload was rejected awaits a new one
	EventReady         = "content.ready"
	EventRejected      = "content.rejected"
)

// Content statuses of an item: text is ready as soon as it is written; video
// and file items await their upload, become ready when one is accepted, and
// show rejected while the last upload was rejected and nothing serves.
const (
	StatusReady          = "ready"
	StatusAwaitingUpload = "awaiting_upload"
	StatusRejected       = "rejected"
)

// EventData is the payload of every content event. Status is the item's
// content status after the event. Version increases with every content event
// of an item, so a consumer can ignore one that arrives after a newer one.
type EventData struct {
	CourseID    string `json:"course_id"`
	ItemID      string `json:"item_id"`
	UploadID    string `json:"upload_id"`
	Status      string `json:"status"`
	ContentType string `json:"content_type,omitempty"`
	Size        int64  `json:"size,omitempty"`
	Reason      string `json:"reason,omitempty"`
	Version     int64  `json:"version"`
}
