package subscribe

import (
	"context"
	"net/http"

	"github.com/kwipper/kwipper/functions/contract/billingmsg"
	"github.com/kwipper/kwipper/functions/contract/sagamsg"
	"github.com/kwipper/kwipper/functions/contract/subscribemsg"
	"github.com/kwipper/kwipper/functions/contract/usermsg"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/saga"
)

// Database is the service's Spanner database id.
const Database = "subscriptions"

// fnBillingCycle is the billing cycle's function name, which it also
// records the cycles it split under (events.Once).
const fnBillingCycle = "subscribe-billing-cycle"

// Registration is the Subscribe service as the platform knows it: its
// database, what it publishes, and every function with its handler.
var Registration = fnreg.Define(fnreg.Service{Name: "subscribe", Database: Database, Schema: migrationFiles,
	Publishes: append([]string{subscribemsg.Topic, ShardTopic, subscribemsg.RenewalChargeTopic}, sagamsg.CommandTopics()...)}, routes(nil),
	func(d fnreg.Deps) ([]fnreg.Func, error) {
		s, err := build(d)
		return routes(s), err
	})

// routes are the service's functions bound to s (nil: their specs only).
func routes(s *Service) []fnreg.Func {
	return []fnreg.Func{
		{Spec: fnreg.Spec{Name: "subscribe-create", Method: http.MethodPost, Path: "/v1/subscriptions", Access: fnreg.Learner,
			Summary: "Subscribe to a course and pay: answers 202 with the pending subscription at once", Request: CreateRequest{}, Response: View{}, Status: http.StatusAccepted, Idempotent: true, Refuses: []errs.Kind{errs.Conflict, errs.FailedPrecondition}},
			HTTP: s.create},
		{Spec: fnreg.Spec{Name: "subscribe-get", Method: http.MethodGet, Path: "/v1/subscriptions/{subscriptionId}", Access: fnreg.User,
			Summary: "Get my subscription: pending, active, failed (with the reason) or ended", Response: View{}},
			HTTP: s.get},
		{Spec: fnreg.Spec{Name: "subscribe-list-mine", Method: http.MethodGet, Path: "/v1/subscriptions", Access: fnreg.User,
			Summary: "List my subscriptions, newest first", Response: List{}},
			HTTP: s.listMine},
		{Spec: fnreg.Spec{Name: "subscribe-cancel", Method: http.MethodPost, Path: "/v1/subscriptions/{subscriptionId}/cancel", Access: fnreg.User,
			Summary: "End my active subscription now (access stops)", Response: View{}, Refuses: []errs.Kind{errs.FailedPrecondition}},
			HTTP: s.cancel},
		{Spec: fnreg.Spec{Name: "subscribe-refund", Method: http.MethodPost, Path: "/v1/subscriptions/{subscriptionId}/refund", Access: fnreg.Learner,
			Summary: "Have my subscription refunded within the refund window: answers 202 (refunding); the refund saga refunds the latest payment, then the subscription ends (access stops)", Response: View{}, Status: http.StatusAccepted, Idempotent: true, Refuses: []errs.Kind{errs.FailedPrecondition}},
			HTTP: s.refund},
		{Spec: fnreg.Spec{Name: "subscribe-on-reply", Topic: saga.RepliesTopic,
			Summary: "Saga orchestrator: advance a subscription saga on a participant's reply"},
			Event: s.onReply},
		{Spec: fnreg.Spec{Name: "subscribe-sweep", Topic: events.OutboxTick,
			Summary: "Saga sweeper: resend overdue saga commands, compensate sagas out of attempts"},
			Event: s.sweep},

		// Subscribe's own steps of the saga (functions/contract/sagamsg).
		{Spec: fnreg.Spec{Name: "subscribe-saga-validate", Topic: sagamsg.Lookup(sagamsg.StepValidate).Do,
			Summary: "Saga step ValidateSubscription"},
			Saga: func() saga.Step { return saga.Step{Apply: s.store.sagaValidate} }},
		{Spec: fnreg.Spec{Name: "subscribe-saga-subscribe", Topic: sagamsg.Lookup(sagamsg.StepSubscribe).Do,
			Summary: "Saga step Subscribe"},
			Saga: func() saga.Step { return saga.Step{Apply: s.store.sagaSubscribe} }},
		{Spec: fnreg.Spec{Name: "subscribe-saga-unsubscribe", Topic: sagamsg.Lookup(sagamsg.StepSubscribe).Undo,
			Summary: "Saga compensation Unsubscribe"},
			Saga: func() saga.Step { return saga.Step{Apply: s.store.sagaUnsubscribe} }},

		{Spec: fnreg.Spec{Name: "subscribe-on-user-event", Topic: usermsg.Topic,
			Summary: "End every live subscription of a deleted account at once"},
			Event: s.onUserEvent},
		{Spec: fnreg.Spec{Name: "subscribe-on-billing-event", Topic: billingmsg.Topic,
			Summary: "End a subscription whose payment was refunded outside the saga"},
			Event: s.onBillingEvent},
		{Spec: fnreg.Spec{Name: "subscribe-cancel-at-period-end", Method: http.MethodPost, Path: "/v1/subscriptions/{subscriptionId}/cancel-at-period-end", Access: fnreg.User,
			Summary: "Stop renewing my subscription: it ends when the period I paid for ends", Response: View{}, Refuses: []errs.Kind{errs.FailedPrecondition}},
			HTTP: s.cancelAtPeriodEnd},
		{Spec: fnreg.Spec{Name: "subscribe-resume", Method: http.MethodPost, Path: "/v1/subscriptions/{subscriptionId}/resume", Access: fnreg.User,
			Summary: "Undo cancel-at-period-end before the period ends", Response: View{}, Refuses: []errs.Kind{errs.FailedPrecondition}},
			HTTP: s.resume},
		{Spec: fnreg.Spec{Name: fnBillingCycle, Topic: subscribemsg.TickTopic,
			Summary: "Billing cycle: split a tick (as of its time) into one job per shard over the worker ring"},
			Event: s.billingCycle},
		{Spec: fnreg.Spec{Name: "subscribe-billing-shard", Topic: ShardTopic,
			Summary: "Billing cycle: renew a shard's due subscriptions (charge, dunning, end at period end)"},
			Event: s.billingShard},
		{Spec: fnreg.Spec{Name: "subscribe-outbox-relay", Topic: events.OutboxTick,
			Summary: "Publish subscription events and saga commands the outbox still holds"},
			Event: s.relay},
	}
}

// relay publishes what the outbox still holds; a Cloud Scheduler tick
// triggers it every minute.
func (s *Service) relay(ctx context.Context, _ events.Message) error {
	_, err := s.store.outbox.Sweep(ctx, 500)
	return err
}
