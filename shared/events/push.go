package events

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"cloud.google.com/go/spanner"
	"go.opentelemetry.io/otel/codes"

	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/httpx"
	"github.com/kwipper/kwipper/shared/spanx"
	"github.com/kwipper/kwipper/shared/tracing"
)

// Message is a delivered event as a consumer sees it.
type Message struct {
	Event
	// MessageID is Pub/Sub's id of this publish (an event published twice has
	// two); deduplicate on Event.ID instead.
	MessageID string
	// DeliveryAttempt counts deliveries when the subscription has a
	// dead-letter policy (1 on the first).
	DeliveryAttempt int
	PublishTime     time.Time
}

// Decode unmarshals the payload into v, as an Invalid error when it does not fit.
func (m Message) Decode(v any) error {
	if err := json.Unmarshal(m.Data, v); err != nil {
		return errs.Wrap(errs.Invalid, err, "event "+m.Type+" has a malformed payload")
	}
	return nil
}

// maxPushBody bounds a push delivery: Pub/Sub messages are at most 10 MB,
// base64 grows them by a third.
const maxPushBody = 14 << 20

// pushEnvelope is the body of a Pub/Sub push delivery.
type pushEnvelope struct {
	Message struct {
		Data        []byte            `json:"data"`
		Attributes  map[string]string `json:"attributes"`
		MessageID   string            `json:"messageId"`
		PublishTime time.Time         `json:"publishTime"`
	} `json:"message"`
	Subscription    string `json:"subscription"`
	DeliveryAttempt int    `json:"deliveryAttempt"`
}

// HandlerFunc handles one delivered message. Return nil when the message is
// done with (handled, or a duplicate); an error asks for redelivery: only
// return one when a retry can help. A message that keeps failing ends in the
// subscription's dead-letter topic.
type HandlerFunc func(ctx context.Context, m Message) error

// Push adapts a Pub/Sub push delivery to h: it decodes the envelope, restores
// the trace, and answers 204 on success (ack), 400 for an envelope that can
// never be handled (Pub/Sub retries it until the dead-letter policy moves it
// aside), and 500 for errors a retry may fix.
func Push(h HandlerFunc) http.Handler {
	return httpx.Handler(func(w http.ResponseWriter, r *http.Request) error {
		// Not httpx.Decode: Pub/Sub sends fields in two spellings (messageId
		// and message_id, ...) and may add more, so unknown fields are fine.
		var env pushEnvelope
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxPushBody)).Decode(&env); err != nil {
			return errs.Wrap(errs.Invalid, err, "body is not a Pub/Sub push envelope")
		}
		a := env.Message.Attributes
		m := Message{
			Event: Event{ID: a[AttrEventID], Type: a[AttrType], Data: env.Message.Data,
				Traceparent: a[AttrTraceparent]},
			MessageID: env.Message.MessageID, DeliveryAttempt: env.DeliveryAttempt,
			PublishTime: env.Message.PublishTime,
		}
		if m.ID == "" {
			m.ID = m.MessageID
		}
		if m.ID == "" {
			return errs.E(errs.Invalid, "push delivery has no message id")
		}
		ctx, span := tracing.StartConsumer(r.Context(), m.Traceparent, m.Type, m.ID)
		defer span.End()
		if err := h(ctx, m); err != nil {
			span.SetStatus(codes.Error, err.Error())
			log := httpx.Logger(ctx)
			log.WarnContext(ctx, "event handling failed", "event_id", m.ID, "type", m.Type,
				"attempt", m.DeliveryAttempt, "err", err.Error())
			if errs.KindOf(err) == errs.Invalid {
				return err
			}
			return errs.Wrap(errs.Internal, err, "event handling failed")
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

// Once runs fn in a read-write transaction together with a record that
// consumer processed event id, so the effect happens once however often the
// event is delivered. It reports false when the event was already processed
// (fn did not run).
func Once(ctx context.Context, db *spanner.Client, consumer, eventID string, fn func(ctx context.Context, tx *spanx.Tx) error) (bool, error) {
	ran := false
	err := spanx.ReadWrite(ctx, db, func(ctx context.Context, tx *spanx.Tx) error {
		ran = false
		_, err := tx.ReadRow(ctx, "ProcessedEvents", spanner.Key{consumer, eventID}, []string{"EventId"})
		if err == nil {
			return nil
		}
		if !spanx.IsNotFound(err) {
			return err
		}
		if err := fn(ctx, tx); err != nil {
			return err
		}
		ran = true
		return tx.BufferWrite([]*spanner.Mutation{spanner.Insert("ProcessedEvents",
			[]string{"Consumer", "EventId", "ProcessedAt"}, []any{consumer, eventID, spanner.CommitTimestamp})})
	})
	return ran, err
}
