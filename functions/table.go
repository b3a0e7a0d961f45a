// Package functions is Kwipper's list of functions and the wiring that builds
// them: Table names every function, its trigger and its owning service; Open
// builds one service's handlers with the clients it needs.
package functions

import (
	"net/http"

	"github.com/kwipper/kwipper/functions/course"
	"github.com/kwipper/kwipper/functions/user"
	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/fnreg"
)

// OutboxTick is the topic Cloud Scheduler publishes to every minute; each
// service's relay sweeps its outbox when it ticks.
const OutboxTick = "outbox-relay-tick"

// Table is every Kwipper function. The local router, the per-function server,
// functions/openapi.json and terraform/functions.json all come from it.
var Table = []fnreg.Spec{
	// User service.
	{Name: "user-register", Service: "user", Trigger: fnreg.HTTP, Method: http.MethodPost, Path: "/v1/users", Access: fnreg.Public,
		Summary: "Register a tutor or learner account", Request: user.RegisterRequest{}, Response: user.View{}, Status: http.StatusCreated},
	{Name: "user-login", Service: "user", Trigger: fnreg.HTTP, Method: http.MethodPost, Path: "/v1/sessions", Access: fnreg.Public,
		Summary: "Log in: exchange email and password for an access token", Request: user.LoginRequest{}, Response: user.Session{}},
	{Name: "user-get-me", Service: "user", Trigger: fnreg.HTTP, Method: http.MethodGet, Path: "/v1/users/me", Access: fnreg.User,
		Summary: "Get my profile", Response: user.View{}},
	{Name: "user-update-me", Service: "user", Trigger: fnreg.HTTP, Method: http.MethodPatch, Path: "/v1/users/me", Access: fnreg.User,
		Summary: "Update my display name or country", Request: user.UpdateRequest{}, Response: user.View{}},
	{Name: "user-jwks", Service: "user", Trigger: fnreg.HTTP, Method: http.MethodGet, Path: "/.well-known/jwks.json", Access: fnreg.Public,
		Summary: "Public keys that verify access tokens (JWKS)", Response: auth.JWKS{}},
	{Name: "user-outbox-relay", Service: "user", Trigger: fnreg.PubSub, Topic: OutboxTick, Access: fnreg.Push,
		Summary: "Publish user events the outbox still holds"},

	// Course service.
	{Name: "course-create", Service: "course", Trigger: fnreg.HTTP, Method: http.MethodPost, Path: "/v1/courses", Access: fnreg.Tutor,
		Summary: "Create a draft course", Request: course.CreateRequest{}, Response: course.View{}, Status: http.StatusCreated},
	{Name: "course-list", Service: "course", Trigger: fnreg.HTTP, Method: http.MethodGet, Path: "/v1/courses", Access: fnreg.Public,
		Summary: "List the published catalog (cursor-paginated)", Response: course.Page{}},
	{Name: "course-get", Service: "course", Trigger: fnreg.HTTP, Method: http.MethodGet, Path: "/v1/courses/{courseId}", Access: fnreg.Public,
		Summary: "Get a course (drafts only for their owner)", Response: course.View{}},
	{Name: "course-update", Service: "course", Trigger: fnreg.HTTP, Method: http.MethodPatch, Path: "/v1/courses/{courseId}", Access: fnreg.Tutor,
		Summary: "Update my course", Request: course.UpdateRequest{}, Response: course.View{}},
	{Name: "course-publish", Service: "course", Trigger: fnreg.HTTP, Method: http.MethodPost, Path: "/v1/courses/{courseId}/publish", Access: fnreg.Tutor,
		Summary: "Publish my course to the catalog", Response: course.View{}},
	{Name: "course-unpublish", Service: "course", Trigger: fnreg.HTTP, Method: http.MethodPost, Path: "/v1/courses/{courseId}/unpublish", Access: fnreg.Tutor,
		Summary: "Take my course out of the catalog", Response: course.View{}},
	{Name: "course-item-list", Service: "course", Trigger: fnreg.HTTP, Method: http.MethodGet, Path: "/v1/courses/{courseId}/items", Access: fnreg.Public,
		Summary: "List a course's items (bodies only for those entitled)", Response: course.ItemList{}},
	{Name: "course-item-add", Service: "course", Trigger: fnreg.HTTP, Method: http.MethodPost, Path: "/v1/courses/{courseId}/items", Access: fnreg.Tutor,
		Summary: "Add an item to my course", Request: course.ItemRequest{}, Response: course.ItemView{}, Status: http.StatusCreated},
	{Name: "course-item-update", Service: "course", Trigger: fnreg.HTTP, Method: http.MethodPatch, Path: "/v1/courses/{courseId}/items/{itemId}", Access: fnreg.Tutor,
		Summary: "Update an item of my course", Request: course.ItemUpdateRequest{}, Response: course.ItemView{}},
	{Name: "course-item-reorder", Service: "course", Trigger: fnreg.HTTP, Method: http.MethodPut, Path: "/v1/courses/{courseId}/items/order", Access: fnreg.Tutor,
		Summary: "Reorder the items of my course", Request: course.ReorderRequest{}, Response: course.ItemList{}},
	{Name: "course-item-remove", Service: "course", Trigger: fnreg.HTTP, Method: http.MethodDelete, Path: "/v1/courses/{courseId}/items/{itemId}", Access: fnreg.Tutor,
		Summary: "Remove an item from my course", Status: http.StatusNoContent},
	{Name: "course-on-user-event", Service: "course", Trigger: fnreg.PubSub, Topic: user.Topic, Access: fnreg.Push,
		Summary: "Keep the tutor names shown on courses in step with user events"},
	{Name: "course-outbox-relay", Service: "course", Trigger: fnreg.PubSub, Topic: OutboxTick, Access: fnreg.Push,
		Summary: "Publish course events the outbox still holds"},

	// Content service.

	// Subscribe service.

	// Billing service.
}

// Published lists every topic the code publishes to.
func Published() []string {
	var out []string
	for _, p := range Plugins {
		out = append(out, p.Publishes...)
	}
	return out
}

// Databases lists every service database.
func Databases() []string {
	out := make([]string, len(Plugins))
	for i, p := range Plugins {
		out[i] = p.Database
	}
	return out
}
