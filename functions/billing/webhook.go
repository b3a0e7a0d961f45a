package billing

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v85"
	"github.com/stripe/stripe-go/v85/webhook"

	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/httpx"
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
	sig := r.Header.Get("Stripe-Signature")
	// stripe-go refuses signatures older than its tolerance, not ones
	// dated in the future: a replayed payload signed ahead of time would
	// pass for as long as its date lies ahead.
	if at, ok := signedAt(sig); !ok || at.After(s.now().Add(webhook.DefaultTolerance)) {
		return errs.E(errs.Invalid, "the Stripe-Signature header's timestamp is missing or too far in the future")
	}
	evt, err := webhook.ConstructEventWithOptions(payload, sig, s.webhookSecret,
		webhook.ConstructEventOptions{IgnoreAPIVersionMismatch: true})
	if err != nil {
		return errs.Wrap(errs.Invalid, err, "the Stripe-Signature header does not verify this payload")
	}
	if evt.ID == "" {
		return errs.E(errs.Invalid, "the event has no id")
	}
	ran, err := s.store.applyWebhook(r.Context(), eventKey(evt.ID), evt, s.methodDetails(r.Context(), evt))
	if err != nil {
		return err
	}
	s.log.DebugContext(r.Context(), "stripe webhook", "event_id", evt.ID, "type", string(evt.Type), "new", ran)
	httpx.WriteJSON(w, http.StatusOK, WebhookAck{Received: true})
	return nil
}

// methodDetails retrieves, outside any transaction, the card a
// setup_intent.succeeded event names only by id (nil when there is none or
// Stripe cannot say now: the card is saved without brand and last4).
func (s *Service) methodDetails(ctx context.Context, evt stripe.Event) map[string]PaymentMethod {
	if evt.Type != "setup_intent.succeeded" || evt.Data == nil || s.gw == nil {
		return nil
	}
	var si stripe.SetupIntent
	if err := json.Unmarshal(evt.Data.Raw, &si); err != nil || si.PaymentMethod == nil || si.PaymentMethod.Card != nil {
		return nil
	}
	m, err := s.gw.RetrieveMethod(ctx, si.PaymentMethod.ID)
	if err != nil {
		s.log.WarnContext(ctx, "could not retrieve a set-up payment method", "payment_method", si.PaymentMethod.ID, "err", err.Error())
		return nil
	}
	return map[string]PaymentMethod{m.ID: m}
}

// signedAt reads the t= timestamp of a Stripe-Signature header.
func signedAt(header string) (time.Time, bool) {
	for _, part := range strings.Split(header, ",") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(part), "t="); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			return time.Unix(n, 0), err == nil
		}
	}
	return time.Time{}, false
}

// eventKey fits a Stripe event id into ProcessedEvents.EventId (36).
func eventKey(id string) string {
	if len(id) <= 36 {
		return id
	}
	h := sha256.Sum256([]byte(id))
	return hex.EncodeToString(h[:18])
}
