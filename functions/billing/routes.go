package billing

import (
	"net/http"

	"github.com/kwipper/kwipper/functions/contract/billingmsg"
	"github.com/kwipper/kwipper/functions/contract/sagamsg"
	"github.com/kwipper/kwipper/functions/contract/subscribemsg"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/saga"
)

// Database is the service's Spanner database id.
const Database = "billing"

type fn = fnreg.Func[*Service]

// fnWebhook is the webhook's function name, which it also records the
// Stripe events it applied under (events.Once).
const fnWebhook = "billing-webhook"

// Registration is the Billing service as the platform knows it: its
// database, what it publishes, and every function with its handler. In the
// cloud it needs KW_STRIPE_SECRET_KEY and KW_STRIPE_WEBHOOK_SECRET; locally
// the dev stack points it at the Stripe fake (shared/devstack/stripefake).
var Registration = fnreg.Define(fnreg.Service{Name: "billing", Database: Database, Schema: migrationFiles,
	Publishes: []string{billingmsg.Topic}},
	build,

	fn{Spec: fnreg.Spec{Name: "billing-save-card", Method: http.MethodPost, Path: "/v1/billing/payment-methods", Access: fnreg.User,
		Summary: "Save my card: attach a Stripe payment method id (e.g. pm_card_visa in test mode)", Request: SaveCardRequest{}, Response: CardView{}, Status: http.StatusCreated},
		HTTP: (*Service).saveCard},
	fn{Spec: fnreg.Spec{Name: "billing-setup-intent", Method: http.MethodPost, Path: "/v1/billing/setup-intents", Access: fnreg.User,
		Summary: "Start saving a card in a browser (Stripe SetupIntent)", Response: SetupIntentView{}, Status: http.StatusCreated},
		HTTP: (*Service).setupIntent},
	fn{Spec: fnreg.Spec{Name: fnWebhook, Method: http.MethodPost, Path: "/v1/billing/webhook", Access: fnreg.Public,
		Summary: "Stripe webhook (verified by Stripe-Signature)", Response: WebhookAck{}},
		HTTP: (*Service).webhook},

	// The subscribe saga's payment step (functions/contract/sagamsg).
	fn{Spec: fnreg.Spec{Name: "billing-do-payment", Topic: sagamsg.Lookup(sagamsg.StepPayment).Do,
		Summary: "Saga step DoPayment: charge the saved card (PaymentIntent)"},
		Saga: func(s *Service) saga.Step { return saga.Step{Prepare: s.preparePayment, Apply: s.store.applyPayment} }},
	fn{Spec: fnreg.Spec{Name: "billing-refund-payment", Topic: sagamsg.Lookup(sagamsg.StepPayment).Undo,
		Summary: "Saga compensation RefundPayment (Refund)"},
		Saga: func(s *Service) saga.Step {
			return saga.Step{Prepare: s.prepareRefund, Apply: s.store.applyRefund, AlwaysUndo: true}
		}},

	fn{Spec: fnreg.Spec{Name: "billing-charge-renewal", Topic: subscribemsg.RenewalChargeTopic,
		Summary: "Charge a renewal attempt (idempotency key per subscription, period and attempt) and answer renewal.charged"},
		Event: (*Service).chargeRenewal},
	fn{Spec: fnreg.Spec{Name: "billing-outbox-relay", Topic: events.OutboxTick,
		Summary: "Publish billing events and saga replies the outbox still holds"},
		Event: (*Service).relay},
)
