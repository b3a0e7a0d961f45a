package billing

import (
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
const Database = "billing"

// fnWebhook is the webhook's function name, which it also records the
// Stripe events it applied under (events.Once).
const fnWebhook = "billing-webhook"

// fnUserEvent consumes user events (the learners' countries).
const fnUserEvent = "billing-on-user-event"

// Registration is the Billing service as the platform knows it: its
// database, what it publishes, and every function with its handler. In the
// cloud it needs KW_STRIPE_SECRET_KEY and KW_STRIPE_WEBHOOK_SECRET; locally
// the dev stack points it at the Stripe fake (shared/devstack/stripefake).
var Registration = fnreg.Define(fnreg.Service{Name: "billing", Database: Database, Schema: migrationFiles,
	Publishes: []string{billingmsg.Topic}}, routes(nil),
	func(d fnreg.Deps) ([]fnreg.Func, error) {
		s, err := build(d)
		return routes(s), err
	})

// routes are the service's functions bound to s (nil: their specs only).
func routes(s *Service) []fnreg.Func {
	return []fnreg.Func{
		{Spec: fnreg.Spec{Name: "billing-save-card", Method: http.MethodPost, Path: "/v1/billing/payment-methods", Access: fnreg.User,
			Summary: "Save a card for later payments (SetupIntent, usage off_session; 202 with a client secret when the bank asks to authenticate)", Request: SaveCardRequest{}, Response: MethodView{}, Status: http.StatusCreated, Also: []int{http.StatusAccepted}, Idempotent: true, Refuses: []errs.Kind{errs.PaymentRequired}},
			HTTP: s.saveCard},
		{Spec: fnreg.Spec{Name: "billing-list-payment-methods", Method: http.MethodGet, Path: "/v1/billing/payment-methods", Access: fnreg.User,
			Summary: "My saved payment methods, the default, and the methods my country offers", Response: WalletView{}},
			HTTP: s.listMethods},
		{Spec: fnreg.Spec{Name: "billing-default-payment-method", Method: http.MethodPost, Path: "/v1/billing/payment-methods/{paymentMethodId}/default", Access: fnreg.User,
			Summary: "Make one of my saved payment methods the default", Response: WalletView{}},
			HTTP: s.setDefaultMethod},
		{Spec: fnreg.Spec{Name: "billing-remove-payment-method", Method: http.MethodDelete, Path: "/v1/billing/payment-methods/{paymentMethodId}", Access: fnreg.User,
			Summary: "Remove one of my saved payment methods (detached at Stripe)", Status: http.StatusNoContent},
			HTTP: s.removeMethod},
		{Spec: fnreg.Spec{Name: "billing-payment-action", Method: http.MethodGet, Path: "/v1/billing/payments/{paymentId}/action", Access: fnreg.User,
			Summary: "What I need to authenticate a payment my bank asked about (PaymentIntent client secret and next action), or to pay a voucher, bank transfer or QR code (instructions)", Response: ActionView{}, Refuses: []errs.Kind{errs.FailedPrecondition}},
			HTTP: s.paymentAction},
		// Receipts and revenue (receipts_api.go).
		{Spec: fnreg.Spec{Name: "billing-list-payments", Method: http.MethodGet, Path: "/v1/billing/payments", Access: fnreg.User,
			Summary: "My payments and refunds, newest first, with the tax each price included (cursor-paginated)", Response: PaymentsPage{},
			Query: fnreg.PageParams(DefaultPageSize, MaxPageSize)},
			HTTP: s.listPayments},
		{Spec: fnreg.Spec{Name: "billing-payment-receipt", Method: http.MethodGet, Path: "/v1/billing/payments/{paymentId}/receipt", Access: fnreg.User,
			Summary: "The receipt of one of my payments: seller, my country, net and tax itemised, total, refunds", Response: ReceiptView{},
			Refuses: []errs.Kind{errs.FailedPrecondition}},
			HTTP: s.receipt},
		{Spec: fnreg.Spec{Name: "billing-tutor-revenue", Method: http.MethodGet, Path: "/v1/tutors/me/revenue", Access: fnreg.Tutor,
			Summary: "My revenue per course, currency and month: gross, tax, refunds, net, payments (never summed across currencies)", Response: RevenueView{},
			Query: []fnreg.Param{
				{Name: "from", Description: "First month, YYYY-MM (default: eleven months before to).", Example: "2026-01"},
				{Name: "to", Description: "Last month, YYYY-MM, included (default: this month); at most 24 months in all.", Example: "2026-12"},
			}},
			HTTP: s.tutorRevenue},
		{Spec: fnreg.Spec{Name: "billing-setup-intent", Method: http.MethodPost, Path: "/v1/billing/setup-intents", Access: fnreg.User,
			Summary: "Start saving a card in a browser (Stripe SetupIntent)", Response: SetupIntentView{}, Status: http.StatusCreated},
			HTTP: s.setupIntent},
		{Spec: fnreg.Spec{Name: fnWebhook, Method: http.MethodPost, Path: "/v1/billing/webhook", Access: fnreg.Public,
			Summary: "Stripe webhook (verified by Stripe-Signature)", Response: WebhookAck{}, Refuses: []errs.Kind{errs.Invalid, errs.TooLarge}},
			HTTP: s.webhook},

		// The subscribe saga's payment step (functions/contract/sagamsg).
		{Spec: fnreg.Spec{Name: "billing-do-payment", Topic: sagamsg.Lookup(sagamsg.StepPayment).Do,
			Summary: "Saga step DoPayment: charge the saved card (PaymentIntent)"},
			Saga: func() saga.Step { return saga.Step{Prepare: s.preparePayment, Apply: s.store.applyPayment} }},
		{Spec: fnreg.Spec{Name: "billing-refund-payment", Topic: sagamsg.Lookup(sagamsg.StepPayment).Undo,
			Summary: "Saga compensation RefundPayment (Refund)"},
			Saga: func() saga.Step {
				return saga.Step{Prepare: s.prepareRefund, Apply: s.store.applyRefund, AlwaysUndo: true}
			}},

		{Spec: fnreg.Spec{Name: "billing-charge-renewal", Topic: subscribemsg.RenewalChargeTopic,
			Summary: "Charge a renewal attempt (idempotency key per subscription, period and attempt) and answer renewal.charged"},
			Event: s.chargeRenewal},
		{Spec: fnreg.Spec{Name: fnUserEvent, Topic: usermsg.Topic,
			Summary: "Keep the learners' countries (which payment methods they are offered)"},
			Event: s.onUserEvent},
		{Spec: fnreg.Spec{Name: "billing-reconcile", Topic: events.OutboxTick,
			Summary: "Settle payments left attempting from what Stripe says (PaymentIntent metadata)"},
			Event: s.reconcile},
		{Spec: fnreg.Spec{Name: "billing-outbox-relay", Topic: events.OutboxTick,
			Summary: "Publish billing events and saga replies the outbox still holds"},
			Event: s.relay},
	}
}
