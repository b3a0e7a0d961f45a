package course

import (
	"context"
	"net/http"

	"github.com/kwipper/kwipper/functions/contract/contentmsg"
	"github.com/kwipper/kwipper/functions/contract/coursemsg"
	"github.com/kwipper/kwipper/functions/contract/sagamsg"
	"github.com/kwipper/kwipper/functions/contract/subscribemsg"
	"github.com/kwipper/kwipper/functions/contract/usermsg"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/saga"
)

// Database is the service's Spanner database id.
const Database = "courses"

type fn = fnreg.Func[*Service]

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
	Publishes: []string{coursemsg.Topic}},
	func(d fnreg.Deps) (*Service, error) { return New(d, Config{}), nil },

	fn{Spec: fnreg.Spec{Name: "course-create", Method: http.MethodPost, Path: "/v1/courses", Access: fnreg.Tutor,
		Summary: "Create a draft course", Request: CreateRequest{}, Response: View{}, Status: http.StatusCreated},
		HTTP: (*Service).create},
	fn{Spec: fnreg.Spec{Name: "course-list", Method: http.MethodGet, Path: "/v1/courses", Access: fnreg.Public,
		Summary: "List the published catalog (cursor-paginated)", Response: Page{}},
		HTTP: (*Service).list},
	fn{Spec: fnreg.Spec{Name: "course-get", Method: http.MethodGet, Path: "/v1/courses/{courseId}", Access: fnreg.Public,
		Summary: "Get a course (drafts only for their owner)", Response: View{}},
		HTTP: (*Service).get},
	fn{Spec: fnreg.Spec{Name: "course-update", Method: http.MethodPatch, Path: "/v1/courses/{courseId}", Access: fnreg.Tutor,
		Summary: "Update my course", Request: UpdateRequest{}, Response: View{}},
		HTTP: (*Service).update},
	fn{Spec: fnreg.Spec{Name: "course-publish", Method: http.MethodPost, Path: "/v1/courses/{courseId}/publish", Access: fnreg.Tutor,
		Summary: "Publish my course to the catalog", Response: View{}},
		HTTP: (*Service).publish},
	fn{Spec: fnreg.Spec{Name: "course-unpublish", Method: http.MethodPost, Path: "/v1/courses/{courseId}/unpublish", Access: fnreg.Tutor,
		Summary: "Take my course out of the catalog", Response: View{}},
		HTTP: (*Service).unpublish},
	fn{Spec: fnreg.Spec{Name: "course-item-list", Method: http.MethodGet, Path: "/v1/courses/{courseId}/items", Access: fnreg.Public,
		Summary: "List a course's items (bodies only for those entitled)", Response: ItemList{}},
		HTTP: (*Service).listItems},
	fn{Spec: fnreg.Spec{Name: "course-item-add", Method: http.MethodPost, Path: "/v1/courses/{courseId}/items", Access: fnreg.Tutor,
		Summary: "Add an item to my course", Request: ItemRequest{}, Response: ItemView{}, Status: http.StatusCreated},
		HTTP: (*Service).addItem},
	fn{Spec: fnreg.Spec{Name: "course-item-update", Method: http.MethodPatch, Path: "/v1/courses/{courseId}/items/{itemId}", Access: fnreg.Tutor,
		Summary: "Update an item of my course", Request: ItemUpdateRequest{}, Response: ItemView{}},
		HTTP: (*Service).updateItem},
	fn{Spec: fnreg.Spec{Name: "course-item-reorder", Method: http.MethodPut, Path: "/v1/courses/{courseId}/items/order", Access: fnreg.Tutor,
		Summary: "Reorder the items of my course", Request: ReorderRequest{}, Response: ItemList{}},
		HTTP: (*Service).reorderItems},
	fn{Spec: fnreg.Spec{Name: "course-item-remove", Method: http.MethodDelete, Path: "/v1/courses/{courseId}/items/{itemId}", Access: fnreg.Tutor,
		Summary: "Remove an item from my course", Status: http.StatusNoContent},
		HTTP: (*Service).removeItem},

	fn{Spec: fnreg.Spec{Name: fnUserEvent, Topic: usermsg.Topic,
		Summary: "Keep the tutor names shown on courses in step with user events"},
		Event: (*Service).onUserEvent},
	fn{Spec: fnreg.Spec{Name: "course-outbox-relay", Topic: events.OutboxTick,
		Summary: "Publish course events the outbox still holds"},
		Event: (*Service).relay},
	fn{Spec: fnreg.Spec{Name: fnSubscriptionEvent, Topic: subscribemsg.Topic,
		Summary: "Keep who may read a course's content in step with subscription events"},
		Event: (*Service).onSubscriptionEvent},

	// The subscribe saga's steps (functions/contract/sagamsg).
	fn{Spec: fnreg.Spec{Name: "course-saga-get-info", Topic: sagamsg.Lookup(sagamsg.StepCourseGetInfo).Do,
		Summary: "Saga step GetCourseInfo"},
		Saga: func(s *Service) saga.Step { return saga.Step{Apply: s.store.sagaGetInfo} }},
	fn{Spec: fnreg.Spec{Name: "course-saga-update-info", Topic: sagamsg.Lookup(sagamsg.StepCourseUpdate).Do,
		Summary: "Saga step UpdateCourseInfo: count the new subscriber"},
		Saga: func(s *Service) saga.Step { return saga.Step{Apply: s.store.sagaCountSubscriber(+1)} }},
	fn{Spec: fnreg.Spec{Name: "course-saga-revert-info", Topic: sagamsg.Lookup(sagamsg.StepCourseUpdate).Undo,
		Summary: "Saga compensation RevertCourseInfo"},
		Saga: func(s *Service) saga.Step { return saga.Step{Apply: s.store.sagaCountSubscriber(-1)} }},

	fn{Spec: fnreg.Spec{Name: fnContentEvent, Topic: contentmsg.Topic,
		Summary: "Keep items' content status in step with the Content service (ready, rejected, awaiting upload)"},
		Event: (*Service).onContentEvent},
)

// relay publishes what the outbox still holds; a Cloud Scheduler tick
// triggers it every minute.
func (s *Service) relay(ctx context.Context, _ events.Message) error { return s.store.relay(ctx) }
