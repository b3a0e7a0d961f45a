package course

import (
	"context"
	"net/http"

	"github.com/kwipper/kwipper/functions/contract/contentmsg"
	"github.com/kwipper/kwipper/functions/contract/coursemsg"
	"github.com/kwipper/kwipper/functions/contract/sagamsg"
	"github.com/kwipper/kwipper/functions/contract/subscribemsg"
	"github.com/kwipper/kwipper/functions/contract/usermsg"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/saga"
)

// Database is the service's Spanner database id.
const Database = "courses"

// The consumers' function names, which they also record handled events
// under (events.Once).
const (
	fnUserEvent         = "course-on-user-event"
	fnSubscriptionEvent = "course-on-subscription-event"
	fnContentEvent      = "course-on-content-event"
)

// Registration is the Course service as the platform knows it: its
// database, what it publishes, and every function with its handler.
var Registration = fnreg.Define(fnreg.Service{Name: "course", Database: Database, Schema: migrationFiles,
	Publishes: []string{coursemsg.Topic}}, routes(nil),
	func(d fnreg.Deps) ([]fnreg.Func, error) {
		return routes(New(d, Config{})), nil
	})

// routes are the service's functions bound to s (nil: their specs only).
func routes(s *Service) []fnreg.Func {
	return []fnreg.Func{
		{Spec: fnreg.Spec{Name: "course-create", Method: http.MethodPost, Path: "/v1/courses", Access: fnreg.Tutor,
			Summary: "Create a draft course", Request: CreateRequest{}, Response: View{}, Status: http.StatusCreated, Idempotent: true},
			HTTP: s.create},
		{Spec: fnreg.Spec{Name: "course-list", Method: http.MethodGet, Path: "/v1/courses", Access: fnreg.Public,
			Summary: "List the published catalog: search title words (q), filter by currency and tutor_id (cursor-paginated)", Response: Page{},
			Query: append(fnreg.PageParams(DefaultPageSize, MaxPageSize),
				fnreg.Param{Name: "q", Description: "Title words, every one of which must appear (any case).", Example: "bahasa"},
				fnreg.Param{Name: "currency", Description: "Only courses priced in this currency.", Example: "IDR"},
				fnreg.Param{Name: "tutor_id", Description: "Only this tutor's courses.", Example: "7d5e1a52-7c1b-4f7e-9a51-2f3c1d2b4a10"})},
			HTTP: s.list},
		{Spec: fnreg.Spec{Name: "course-currencies", Method: http.MethodGet, Path: "/v1/currencies", Access: fnreg.Public,
			Summary: "The currencies a course may be priced in: code, minor-unit exponent, minimum and maximum price", Response: CurrencyList{}},
			HTTP: s.currencies},
		{Spec: fnreg.Spec{Name: "course-list-mine", Method: http.MethodGet, Path: "/v1/tutors/me/courses", Access: fnreg.Tutor,
			Summary: "List my courses, drafts included, with item and subscriber counts (cursor-paginated)", Response: TutorCoursePage{},
			Query: fnreg.PageParams(DefaultPageSize, MaxPageSize)},
			HTTP: s.myCourses},
		{Spec: fnreg.Spec{Name: "course-subscribers", Method: http.MethodGet, Path: "/v1/courses/{courseId}/subscribers", Access: fnreg.Tutor,
			Summary: "List the active subscribers of my course (cursor-paginated)", Response: SubscriberPage{},
			Query: fnreg.PageParams(DefaultPageSize, MaxPageSize), Refuses: []errs.Kind{errs.PermissionDenied}},
			HTTP: s.subscribers},
		{Spec: fnreg.Spec{Name: "course-get", Method: http.MethodGet, Path: "/v1/courses/{courseId}", Access: fnreg.Public,
			Summary: "Get a course (drafts only for their owner)", Response: View{}},
			HTTP: s.get},
		{Spec: fnreg.Spec{Name: "course-update", Method: http.MethodPatch, Path: "/v1/courses/{courseId}", Access: fnreg.Tutor,
			Summary: "Update my course", Request: UpdateRequest{}, Response: View{}, Refuses: []errs.Kind{errs.PermissionDenied}},
			HTTP: s.update},
		{Spec: fnreg.Spec{Name: "course-publish", Method: http.MethodPost, Path: "/v1/courses/{courseId}/publish", Access: fnreg.Tutor,
			Summary: "Publish my course to the catalog", Response: View{}, Refuses: []errs.Kind{errs.PermissionDenied, errs.FailedPrecondition}},
			HTTP: s.publish},
		{Spec: fnreg.Spec{Name: "course-unpublish", Method: http.MethodPost, Path: "/v1/courses/{courseId}/unpublish", Access: fnreg.Tutor,
			Summary: "Take my course out of the catalog", Response: View{}, Refuses: []errs.Kind{errs.PermissionDenied}},
			HTTP: s.unpublish},
		{Spec: fnreg.Spec{Name: "course-item-list", Method: http.MethodGet, Path: "/v1/courses/{courseId}/items", Access: fnreg.Public,
			Summary: "List a course's items (bodies only for those entitled)", Response: ItemList{}},
			HTTP: s.listItems},
		{Spec: fnreg.Spec{Name: "course-item-add", Method: http.MethodPost, Path: "/v1/courses/{courseId}/items", Access: fnreg.Tutor,
			Summary: "Add an item to my course", Request: ItemRequest{}, Response: ItemView{}, Status: http.StatusCreated, Idempotent: true, Refuses: []errs.Kind{errs.PermissionDenied, errs.FailedPrecondition}},
			HTTP: s.addItem},
		{Spec: fnreg.Spec{Name: "course-item-update", Method: http.MethodPatch, Path: "/v1/courses/{courseId}/items/{itemId}", Access: fnreg.Tutor,
			Summary: "Update an item of my course", Request: ItemUpdateRequest{}, Response: ItemView{}, Refuses: []errs.Kind{errs.PermissionDenied}},
			HTTP: s.updateItem},
		{Spec: fnreg.Spec{Name: "course-item-reorder", Method: http.MethodPut, Path: "/v1/courses/{courseId}/items/order", Access: fnreg.Tutor,
			Summary: "Reorder the items of my course", Request: ReorderRequest{}, Response: ItemList{}, Refuses: []errs.Kind{errs.PermissionDenied}},
			HTTP: s.reorderItems},
		{Spec: fnreg.Spec{Name: "course-item-remove", Method: http.MethodDelete, Path: "/v1/courses/{courseId}/items/{itemId}", Access: fnreg.Tutor,
			Summary: "Remove an item from my course", Status: http.StatusNoContent, Refuses: []errs.Kind{errs.PermissionDenied, errs.FailedPrecondition}},
			HTTP: s.removeItem},

		{Spec: fnreg.Spec{Name: fnUserEvent, Topic: usermsg.Topic,
			Summary: "Keep the tutor names shown on courses in step with user events"},
			Event: s.onUserEvent},
		{Spec: fnreg.Spec{Name: "course-outbox-relay", Topic: events.OutboxTick,
			Summary: "Publish course events the outbox still holds"},
			Event: s.relay},
		{Spec: fnreg.Spec{Name: fnSubscriptionEvent, Topic: subscribemsg.Topic,
			Summary: "Keep who may read a course's content, and its subscriber count, in step with subscription events"},
			Event: s.onSubscriptionEvent},

		// The subscribe saga's steps (functions/contract/sagamsg).
		{Spec: fnreg.Spec{Name: "course-saga-get-info", Topic: sagamsg.Lookup(sagamsg.StepCourseGetInfo).Do,
			Summary: "Saga step GetCourseInfo"},
			Saga: func() saga.Step { return saga.Step{Apply: s.store.sagaGetInfo} }},
		{Spec: fnreg.Spec{Name: "course-saga-update-info", Topic: sagamsg.Lookup(sagamsg.StepCourseUpdate).Do,
			Summary: "Saga step UpdateCourseInfo: the course expects the new subscriber (counted once active)"},
			Saga: func() saga.Step { return saga.Step{Apply: s.store.sagaUpdateInfo} }},
		{Spec: fnreg.Spec{Name: "course-saga-revert-info", Topic: sagamsg.Lookup(sagamsg.StepCourseUpdate).Undo,
			Summary: "Saga compensation RevertCourseInfo: the subscriber ends on the course (and is no longer counted)"},
			Saga: func() saga.Step { return saga.Step{Apply: s.store.sagaRevertInfo} }},

		{Spec: fnreg.Spec{Name: fnContentEvent, Topic: contentmsg.Topic,
			Summary: "Keep items' content status in step with the Content service (ready, rejected, awaiting upload)"},
			Event: s.onContentEvent},
	}
}

// relay publishes what the outbox still holds; a Cloud Scheduler tick
// triggers it every minute.
func (s *Service) relay(ctx context.Context, _ events.Message) error { return s.store.relay(ctx) }
