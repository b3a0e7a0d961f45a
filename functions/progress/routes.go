package progress

import (
	"context"
	"net/http"

	"github.com/kwipper/kwipper/functions/contract/coursemsg"
	"github.com/kwipper/kwipper/functions/contract/progressmsg"
	"github.com/kwipper/kwipper/functions/contract/subscribemsg"
	"github.com/kwipper/kwipper/functions/contract/usermsg"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/fnreg"
)

// Database is the service's Spanner database id.
const Database = "progress"

// The consumers' function names, which they also record handled events
// under (events.Once).
const (
	fnCourseEvent       = "progress-on-course-event"
	fnSubscriptionEvent = "progress-on-subscription-event"
	fnUserEvent         = "progress-on-user-event"
)

// Registration is the Progress service as the platform knows it: its
// database, what it publishes, and every function with its handler.
var Registration = fnreg.Define(fnreg.Service{Name: "progress", Database: Database, Schema: migrationFiles,
	Publishes: []string{progressmsg.Topic}}, routes(nil),
	func(d fnreg.Deps) ([]fnreg.Func, error) {
		s, err := build(d)
		return routes(s), err
	})

// routes are the service's functions bound to s (nil: their specs only).
func routes(s *Service) []fnreg.Func {
	return []fnreg.Func{
		{Spec: fnreg.Spec{Name: "progress-report", Method: http.MethodPut, Path: "/v1/courses/{courseId}/items/{itemId}/progress", Access: fnreg.User,
			Summary: "Report my progress on an item: a video's position, a text opened, a file downloaded (last writer wins by client_time)",
			Request: ReportRequest{}, Response: ItemProgressView{}, Refuses: []errs.Kind{errs.PermissionDenied}},
			HTTP: s.report},
		{Spec: fnreg.Spec{Name: "progress-get-item", Method: http.MethodGet, Path: "/v1/courses/{courseId}/items/{itemId}/progress", Access: fnreg.User,
			Summary: "Get my progress on an item (where to resume)", Response: ItemProgressView{}, Refuses: []errs.Kind{errs.PermissionDenied}},
			HTTP: s.getItem},
		{Spec: fnreg.Spec{Name: "progress-get-course", Method: http.MethodGet, Path: "/v1/courses/{courseId}/progress", Access: fnreg.User,
			Summary: "Get my progress in a course: items done of total, percent, each item's state", Response: CourseProgressView{}, Refuses: []errs.Kind{errs.PermissionDenied}},
			HTTP: s.getCourse},
		{Spec: fnreg.Spec{Name: "progress-list-my-courses", Method: http.MethodGet, Path: "/v1/me/courses", Access: fnreg.User,
			Summary: "List my courses with my progress, newest activity first (cursor-paginated)", Response: MyCoursesPage{}, Query: fnreg.PageParams(DefaultPageSize, MaxPageSize)},
			HTTP: s.listMine},

		{Spec: fnreg.Spec{Name: fnCourseEvent, Topic: coursemsg.Topic,
			Summary: "Keep the projection of courses and items in step with course events"},
			Event: s.onCourseEvent},
		{Spec: fnreg.Spec{Name: fnSubscriptionEvent, Topic: subscribemsg.Topic,
			Summary: "Keep the entitlement projection in step with subscription events"},
			Event: s.onSubscriptionEvent},
		{Spec: fnreg.Spec{Name: fnUserEvent, Topic: usermsg.Topic,
			Summary: "Forget a deleted account's courses and progress"},
			Event: s.onUserEvent},
		{Spec: fnreg.Spec{Name: "progress-outbox-relay", Topic: events.OutboxTick,
			Summary: "Publish progress events the outbox still holds"},
			Event: s.relay},
	}
}

// relay publishes what the outbox still holds; a Cloud Scheduler tick
// triggers it every minute.
func (s *Service) relay(ctx context.Context, _ events.Message) error {
	_, err := s.store.outbox.Sweep(ctx, 500)
	return err
}
