package content

import (
	"net/http"

	"github.com/kwipper/kwipper/functions/contract/contentmsg"
	"github.com/kwipper/kwipper/functions/contract/coursemsg"
	"github.com/kwipper/kwipper/functions/contract/subscribemsg"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/fnreg"
)

// Database is the service's Spanner database id.
const Database = "contents"

// The consumers' function names, which they also record handled events
// under (events.Once).
const (
	fnObjectFinalized   = "content-on-object-finalized"
	fnCourseEvent       = "content-on-course-event"
	fnSubscriptionEvent = "content-on-subscription-event"
	fnTranscoded        = "content-on-transcoded"
)

// Registration is the Content service as the platform knows it: its
// database, what it publishes, and every function with its handler.
var Registration = fnreg.Define(fnreg.Service{Name: "content", Database: Database, Schema: migrationFiles,
	Publishes: []string{contentmsg.Topic}}, routes(nil),
	func(d fnreg.Deps) ([]fnreg.Func, error) {
		s, err := build(d)
		return routes(s), err
	})

// routes are the service's functions bound to s (nil: their specs only).
func routes(s *Service) []fnreg.Func {
	return []fnreg.Func{
		{Spec: fnreg.Spec{Name: "content-upload-start", Method: http.MethodPost, Path: "/v1/courses/{courseId}/items/{itemId}/uploads", Access: fnreg.Tutor,
			Summary: "Start uploading an item's video or file: a signed upload URL (resumable for large files)", Request: UploadRequest{}, Response: UploadView{}, Status: http.StatusCreated, Idempotent: true, Refuses: []errs.Kind{errs.PermissionDenied, errs.Conflict}},
			HTTP: s.startUpload},
		{Spec: fnreg.Spec{Name: "content-upload-get", Method: http.MethodGet, Path: "/v1/courses/{courseId}/items/{itemId}/uploads/{uploadId}", Access: fnreg.Tutor,
			Summary: "See how my upload went: pending, ready, or rejected and why", Response: UploadView{}, Refuses: []errs.Kind{errs.PermissionDenied}},
			HTTP: s.getUpload},
		{Spec: fnreg.Spec{Name: "content-get", Method: http.MethodGet, Path: "/v1/courses/{courseId}/items/{itemId}/content", Access: fnreg.User,
			Summary: "Get an item's content: a short-lived signed download URL for media, the body for text (owner and subscribers)", Response: ContentView{}, Refuses: []errs.Kind{errs.PermissionDenied, errs.FailedPrecondition}},
			HTTP: s.getContent},
		{Spec: fnreg.Spec{Name: "content-caption-put", Method: http.MethodPut, Path: "/v1/courses/{courseId}/items/{itemId}/captions/{language}", Access: fnreg.Tutor,
			Summary: "Upload a video item's captions in a language (id, ja, en, es, ...): the WebVTT file as the body (Content-Type: text/vtt, at most 2 MiB); a malformed file is refused with the line that is wrong", Response: CaptionView{}},
			HTTP: s.putCaption},
		{Spec: fnreg.Spec{Name: "content-caption-list", Method: http.MethodGet, Path: "/v1/courses/{courseId}/items/{itemId}/captions", Access: fnreg.User,
			Summary: "List a video item's captions: language, name, size, whether the serving ladder lists them (the tutor and subscribers)", Response: CaptionList{}, Refuses: []errs.Kind{errs.PermissionDenied}},
			HTTP: s.listCaptions},
		{Spec: fnreg.Spec{Name: "content-caption-delete", Method: http.MethodDelete, Path: "/v1/courses/{courseId}/items/{itemId}/captions/{language}", Access: fnreg.Tutor,
			Summary: "Delete a video item's captions in a language: the master playlist no longer lists them", Status: http.StatusNoContent, Refuses: []errs.Kind{errs.PermissionDenied}},
			HTTP: s.deleteCaption},
		{Spec: fnreg.Spec{Name: fnObjectFinalized, Topic: contentmsg.ObjectTopic,
			Summary: "Check an uploaded object against its declaration: ready, or rejected and deleted"},
			Event: s.onObjectFinalized},
		{Spec: fnreg.Spec{Name: fnTranscoded, Topic: contentmsg.TranscodeTopic,
			Summary: "Record a transcoding job's outcome from its notification: the video's HLS ladder ready (master playlist written) or failed"},
			Event: s.onTranscoded},
		{Spec: fnreg.Spec{Name: fnCourseEvent, Topic: coursemsg.Topic,
			Summary: "Keep the projection of courses and items in step with course events"},
			Event: s.onCourseEvent},
		{Spec: fnreg.Spec{Name: fnSubscriptionEvent, Topic: subscribemsg.Topic,
			Summary: "Keep the entitlement projection in step with subscription events"},
			Event: s.onSubscriptionEvent},
		{Spec: fnreg.Spec{Name: "content-outbox-relay", Topic: events.OutboxTick,
			Summary: "Publish content events the outbox still holds; retry pending object deletions"},
			Event: s.relay},
	}
}
