// Package functions is Kwipper's list of functions and the wiring that builds
// them: Table names every function, its trigger and its owning service; Open
// builds one service's handlers with the clients it needs.
package functions

import (
	"net/http"

	"github.com/kwipper/kwipper/functions/billing"
	"github.com/kwipper/kwipper/functions/content"
	"github.com/kwipper/kwipper/functions/course"
	"github.com/kwipper/kwipper/functions/subscribe"
	"github.com/kwipper/kwipper/functions/subscribe/saga"
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
	{Name: "user-saga-get-info", Service: "user", Trigger: fnreg.PubSub, Topic: saga.Topic(saga.StepUserGetInfo, saga.Do), Access: fnreg.Push,
		Summary: "Saga step GetUserInfo"},
	{Name: "user-saga-update-info", Service: "user", Trigger: fnreg.PubSub, Topic: saga.Topic(saga.StepUserUpdateInfo, saga.Do), Access: fnreg.Push,
		Summary: "Saga step UpdateUserInfo: add the course to the learner's courses"},
	{Name: "user-saga-revert-info", Service: "user", Trigger: fnreg.PubSub, Topic: saga.Topic(saga.StepUserUpdateInfo, saga.Undo), Access: fnreg.Push,
		Summary: "Saga compensation RevertUserInfo"},

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
	{Name: "course-on-subscription-event", Service: "course", Trigger: fnreg.PubSub, Topic: subscribe.Topic, Access: fnreg.Push,
		Summary: "Keep who may read a course's content in step with subscription events"},
	{Name: "course-saga-get-info", Service: "course", Trigger: fnreg.PubSub, Topic: saga.Topic(saga.StepCourseGetInfo, saga.Do), Access: fnreg.Push,
		Summary: "Saga step GetCourseInfo"},
	{Name: "course-saga-update-info", Service: "course", Trigger: fnreg.PubSub, Topic: saga.Topic(saga.StepCourseUpdate, saga.Do), Access: fnreg.Push,
		Summary: "Saga step UpdateCourseInfo: count the new subscriber"},
	{Name: "course-saga-revert-info", Service: "course", Trigger: fnreg.PubSub, Topic: saga.Topic(saga.StepCourseUpdate, saga.Undo), Access: fnreg.Push,
		Summary: "Saga compensation RevertCourseInfo"},
	{Name: "course-on-content-event", Service: "course", Trigger: fnreg.PubSub, Topic: content.Topic, Access: fnreg.Push,
		Summary: "Keep items' content status in step with the Content service (ready, rejected, awaiting upload)"},

	// Content service.
	{Name: "content-upload-start", Service: "content", Trigger: fnreg.HTTP, Method: http.MethodPost, Path: "/v1/courses/{courseId}/items/{itemId}/uploads", Access: fnreg.Tutor,
		Summary: "Start uploading an item's video or file: a signed upload URL (resumable for large files)", Request: content.UploadRequest{}, Response: content.UploadView{}, Status: http.StatusCreated},
	{Name: "content-upload-get", Service: "content", Trigger: fnreg.HTTP, Method: http.MethodGet, Path: "/v1/courses/{courseId}/items/{itemId}/uploads/{uploadId}", Access: fnreg.Tutor,
		Summary: "See how my upload went: pending, ready, or rejected and why", Response: content.UploadView{}},
	{Name: "content-get", Service: "content", Trigger: fnreg.HTTP, Method: http.MethodGet, Path: "/v1/courses/{courseId}/items/{itemId}/content", Access: fnreg.User,
		Summary: "Get an item's content: a short-lived signed download URL for media, the body for text (owner and subscribers)", Response: content.ContentView{}},
	{Name: "content-on-object-finalized", Service: "content", Trigger: fnreg.PubSub, Topic: content.ObjectTopic, Access: fnreg.Push,
		Summary: "Check an uploaded object against its declaration: ready, or rejected and deleted"},
	{Name: "content-on-course-event", Service: "content", Trigger: fnreg.PubSub, Topic: course.Topic, Access: fnreg.Push,
		Summary: "Keep the projection of courses and items in step with course events"},
	{Name: "content-on-subscription-event", Service: "content", Trigger: fnreg.PubSub, Topic: content.SubscriptionTopic, Access: fnreg.Push,
		Summary: "Keep the entitlement projection in step with subscription events"},
	{Name: "content-outbox-relay", Service: "content", Trigger: fnreg.PubSub, Topic: OutboxTick, Access: fnreg.Push,
		Summary: "Publish content events the outbox still holds; retry pending object deletions"},

	// Subscribe service.
	{Name: "subscribe-create", Service: "subscribe", Trigger: fnreg.HTTP, Method: http.MethodPost, Path: "/v1/subscriptions", Access: fnreg.Learner,
		Summary: "Subscribe to a course and pay: answers 202 with the pending subscription at once", Request: subscribe.CreateRequest{}, Response: subscribe.View{}, Status: http.StatusAccepted},
	{Name: "subscribe-get", Service: "subscribe", Trigger: fnreg.HTTP, Method: http.MethodGet, Path: "/v1/subscriptions/{subscriptionId}", Access: fnreg.User,
		Summary: "Get my subscription: pending, active, failed (with the reason) or ended", Response: subscribe.View{}},
	{Name: "subscribe-list-mine", Service: "subscribe", Trigger: fnreg.HTTP, Method: http.MethodGet, Path: "/v1/subscriptions", Access: fnreg.User,
		Summary: "List my subscriptions, newest first", Response: subscribe.List{}},
	{Name: "subscribe-cancel", Service: "subscribe", Trigger: fnreg.HTTP, Method: http.MethodPost, Path: "/v1/subscriptions/{subscriptionId}/cancel", Access: fnreg.User,
		Summary: "End my active subscription now (access stops)", Response: subscribe.View{}},
	{Name: "subscribe-refund", Service: "subscribe", Trigger: fnreg.HTTP, Method: http.MethodPost, Path: "/v1/subscriptions/{subscriptionId}/refund", Access: fnreg.Learner,
		Summary: "Have my subscription refunded within the refund window: answers 202 (refunding); the refund saga refunds the latest payment, then the subscription ends (access stops)", Response: subscribe.View{}, Status: http.StatusAccepted},
	{Name: "subscribe-on-reply", Service: "subscribe", Trigger: fnreg.PubSub, Topic: saga.RepliesTopic, Access: fnreg.Push,
		Summary: "Saga orchestrator: advance a subscription saga on a participant's reply"},
	{Name: "subscribe-sweep", Service: "subscribe", Trigger: fnreg.PubSub, Topic: OutboxTick, Access: fnreg.Push,
		Summary: "Saga sweeper: resend overdue saga commands, compensate sagas out of attempts"},
	{Name: "subscribe-saga-validate", Service: "subscribe", Trigger: fnreg.PubSub, Topic: saga.Topic(saga.StepValidate, saga.Do), Access: fnreg.Push,
		Summary: "Saga step ValidateSubscription"},
	{Name: "subscribe-saga-subscribe", Service: "subscribe", Trigger: fnreg.PubSub, Topic: saga.Topic(saga.StepSubscribe, saga.Do), Access: fnreg.Push,
		Summary: "Saga step Subscribe"},
	{Name: "subscribe-saga-unsubscribe", Service: "subscribe", Trigger: fnreg.PubSub, Topic: saga.Topic(saga.StepSubscribe, saga.Undo), Access: fnreg.Push,
		Summary: "Saga compensation Unsubscribe"},
	{Name: "subscribe-on-billing-event", Service: "subscribe", Trigger: fnreg.PubSub, Topic: subscribe.BillingTopic, Access: fnreg.Push,
		Summary: "End a subscription whose payment was refunded outside the saga"},
	{Name: "subscribe-cancel-at-period-end", Service: "subscribe", Trigger: fnreg.HTTP, Method: http.MethodPost, Path: "/v1/subscriptions/{subscriptionId}/cancel-at-period-end", Access: fnreg.User,
		Summary: "Stop renewing my subscription: it ends when the period I paid for ends", Response: subscribe.View{}},
	{Name: "subscribe-resume", Service: "subscribe", Trigger: fnreg.HTTP, Method: http.MethodPost, Path: "/v1/subscriptions/{subscriptionId}/resume", Access: fnreg.User,
		Summary: "Undo cancel-at-period-end before the period ends", Response: subscribe.View{}},
	{Name: "subscribe-billing-cycle", Service: "subscribe", Trigger: fnreg.PubSub, Topic: subscribe.TickTopic, Access: fnreg.Push,
		Summary: "Billing cycle: split a tick (as of its time) into one job per shard over the worker ring"},
	{Name: "subscribe-billing-shard", Service: "subscribe", Trigger: fnreg.PubSub, Topic: subscribe.ShardTopic, Access: fnreg.Push,
		Summary: "Billing cycle: renew a shard's due subscriptions (charge, dunning, end at period end)"},
	{Name: "subscribe-outbox-relay", Service: "subscribe", Trigger: fnreg.PubSub, Topic: OutboxTick, Access: fnreg.Push,
		Summary: "Publish subscription events and saga commands the outbox still holds"},

	// Billing service.
	{Name: "billing-save-card", Service: "billing", Trigger: fnreg.HTTP, Method: http.MethodPost, Path: "/v1/billing/payment-methods", Access: fnreg.User,
		Summary: "Save my card: attach a Stripe payment method id (e.g. pm_card_visa in test mode)", Request: billing.SaveCardRequest{}, Response: billing.CardView{}, Status: http.StatusCreated},
	{Name: "billing-setup-intent", Service: "billing", Trigger: fnreg.HTTP, Method: http.MethodPost, Path: "/v1/billing/setup-intents", Access: fnreg.User,
		Summary: "Start saving a card in a browser (Stripe SetupIntent)", Response: billing.SetupIntentView{}, Status: http.StatusCreated},
	{Name: "billing-webhook", Service: "billing", Trigger: fnreg.HTTP, Method: http.MethodPost, Path: "/v1/billing/webhook", Access: fnreg.Public,
		Summary: "Stripe webhook (verified by Stripe-Signature)", Response: billing.WebhookAck{}},
	{Name: "billing-do-payment", Service: "billing", Trigger: fnreg.PubSub, Topic: saga.Topic(saga.StepPayment, saga.Do), Access: fnreg.Push,
		Summary: "Saga step DoPayment: charge the saved card (PaymentIntent)"},
	{Name: "billing-refund-payment", Service: "billing", Trigger: fnreg.PubSub, Topic: saga.Topic(saga.StepPayment, saga.Undo), Access: fnreg.Push,
		Summary: "Saga compensation RefundPayment (Refund)"},
	{Name: "billing-charge-renewal", Service: "billing", Trigger: fnreg.PubSub, Topic: subscribe.RenewalChargeTopic, Access: fnreg.Push,
		Summary: "Charge a renewal attempt (idempotency key per subscription, period and attempt) and answer renewal.charged"},
	{Name: "billing-outbox-relay", Service: "billing", Trigger: fnreg.PubSub, Topic: OutboxTick, Access: fnreg.Push,
		Summary: "Publish billing events and saga replies the outbox still holds"},
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
