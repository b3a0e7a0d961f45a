package billing

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"

	"github.com/stripe/stripe-go/v85"
	"github.com/stripe/stripe-go/v85/webhook"

	"github.com/kwipper/kwipper/functions/subscribe"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/httpx"
	"github.com/kwipper/kwipper/shared/spanx"
)

// maxWebhookBody bounds a webhook delivery (Stripe's events are far smaller).
const maxWebhookBody = 256 << 10

// webhook receives Stripe's events: it verifies Stripe-Signature (400 and no
// change when it does not verify), handles each event id once, and moves
// payments only forward, so redeliveries and any arrival order are harmless.
func (s *Service) webhook(w http.ResponseWriter, r *http.Request) error {
	if s.webhookSecret == "" {
		return errs.E(errs.Unavailable, "the Stripe webhook secret is not configured (KW_STRIPE_WEBHOOK_SECRET)")
	}
	payload, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
	if err != nil {
		return errs.E(errs.TooLarge, "webhook body is larger than %d bytes", maxWebhookBody)
	}
	evt, err := webhook.ConstructEventWithOptions(payload, r.Header.Get("Stripe-Signature"), s.webhookSecret,
		webhook.ConstructEventOptions{IgnoreAPIVersionMismatch: true})
	if err != nil {
		return errs.Wrap(errs.Invalid, err, "the Stripe-Signature header does not verify this payload")
	}
	if evt.ID == "" {
		return errs.E(errs.Invalid, "the event has no id")
	}
	ran, err := events.Once(r.Context(), s.store.db, WebhookConsumer, eventKey(evt.ID), func(ctx context.Context, tx *spanx.Tx) error {
		return s.applyEvent(ctx, tx, evt)
	})
	if err != nil {
		return spanx.Translate(err, "billing webhook "+string(evt.Type))
	}
	s.log.DebugContext(r.Context(), "stripe webhook", "event_id", evt.ID, "type", string(evt.Type), "new", ran)
	httpx.WriteJSON(w, http.StatusOK, WebhookAck{Received: true})
	return nil
}

// eventKey fits a Stripe event id into ProcessedEvents.EventId (36).
func eventKey(id string) string {
	if len(id) <= 36 {
		return id
	}
	h := sha256.Sum256([]byte(id))
	return hex.EncodeToString(h[:18])
}

// applyEvent updates our state from one Stripe event in tx.
func (s *Service) applyEvent(ctx context.Context, tx *spanx.Tx, evt stripe.Event) error {
	if evt.Data == nil {
		return nil
	}
	switch evt.Type {
	case "payment_intent.succeeded", "payment_intent.payment_failed":
		var pi stripe.PaymentIntent
		if err := json.Unmarshal(evt.Data.Raw, &pi); err != nil {
			return errs.Wrap(errs.Invalid, err, "event "+evt.ID+" has a malformed payment intent")
		}
		to, code, msg := StatusSucceeded, "", ""
		if evt.Type == "payment_intent.payment_failed" {
			to = StatusFailed
			d := declineOf("card_declined", "")
			if e := pi.LastPaymentError; e != nil {
				d = declineOf(string(e.Code), string(e.DeclineCode))
			}
			code, msg = d.Code, d.Message
		}
		return s.move(ctx, tx, pi.ID, to, func(p *Payment) { p.FailureCode, p.FailureMessage = code, msg })
	case "charge.refunded":
		var ch stripe.Charge
		if err := json.Unmarshal(evt.Data.Raw, &ch); err != nil {
			return errs.Wrap(errs.Invalid, err, "event "+evt.ID+" has a malformed charge")
		}
		if ch.PaymentIntent == nil || !ch.Refunded {
			return nil // partly refunded: the subscription stands
		}
		return s.move(ctx, tx, ch.PaymentIntent.ID, StatusRefunded, nil)
	case "setup_intent.succeeded":
		var si stripe.SetupIntent
		if err := json.Unmarshal(evt.Data.Raw, &si); err != nil {
			return errs.Wrap(errs.Invalid, err, "event "+evt.ID+" has a malformed setup intent")
		}
		if si.Customer == nil || si.PaymentMethod == nil {
			return nil
		}
		c, ok, err := s.store.customerByStripeID(ctx, tx, si.Customer.ID)
		if err != nil || !ok {
			return err
		}
		c.PaymentMethod, c.CardBrand, c.CardLast4 = si.PaymentMethod.ID, "", ""
		if pm := si.PaymentMethod; pm.Card != nil {
			c.CardBrand, c.CardLast4 = string(pm.Card.Brand), pm.Card.Last4
		}
		return tx.BufferWrite(customerMutationList(c))
	}
	return nil
}

// move moves the payment of PaymentIntent pi to status to when that is
// forward; a payment refunded after it succeeded outside a compensation is
// announced (payment.refunded) so its subscription ends.
func (s *Service) move(ctx context.Context, tx *spanx.Tx, pi, to string, edit func(*Payment)) error {
	p, ok, err := s.store.paymentByIntent(ctx, tx, pi)
	if err != nil || !ok || !Forward(p.Status, to) {
		return err
	}
	from := p.Status
	p.Status = to
	if edit != nil {
		edit(&p)
	}
	if err := s.store.settle(tx, p); err != nil {
		return err
	}
	if to == StatusRefunded && from == StatusSucceeded {
		ev, err := events.New(subscribe.BillingTopic, subscribe.EventPaymentRefunded,
			subscribe.PaymentRefunded{PaymentID: p.ID, SagaID: p.SagaID, UserID: p.UserID})
		if err != nil {
			return err
		}
		return s.store.outbox.Add(ctx, tx, ev)
	}
	return nil
}
