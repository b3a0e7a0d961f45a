// Package events is how Kwipper services talk asynchronously: a transactional
// outbox (an event row written in the same Spanner transaction as the change,
// published right after commit, and swept by a relay if that publish did not
// happen), Pub/Sub publishing, an adapter from a Pub/Sub push delivery to a
// typed event, and per-consumer deduplication so every handler is idempotent.
//
// Each service database carries the Outbox and ProcessedEvents tables of
// Schema (see the service's migrations).
package events

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"cloud.google.com/go/pubsub/v2"
	"github.com/google/uuid"

	"github.com/kwipper/kwipper/shared/tracing"
)

// OutboxTick is the topic Cloud Scheduler publishes to every minute; each
// service's relay function sweeps its outbox when it ticks.
const OutboxTick = "outbox-relay-tick"

// Event is one fact a service announces.
type Event struct {
	// ID identifies the event everywhere; consumers deduplicate on it.
	ID string
	// Topic is the Pub/Sub topic id the event goes to.
	Topic string
	// Type names the event, e.g. "user.registered".
	Type string
	// Data is the JSON payload.
	Data json.RawMessage
	// Traceparent carries the trace of the request that caused the event.
	Traceparent string
}

// New returns an event of type typ for topic with data marshalled to JSON and
// a fresh id.
func New(topic, typ string, data any) (Event, error) {
	b, err := json.Marshal(data)
	if err != nil {
		return Event{}, fmt.Errorf("events.New %s: %w", typ, err)
	}
	return Event{ID: uuid.NewString(), Topic: topic, Type: typ, Data: b}, nil
}

// Attribute names carried on every Pub/Sub message.
const (
	AttrEventID     = "event_id"
	AttrType        = "type"
	AttrTraceparent = "traceparent"
)

// Publisher sends an event to its topic and waits for the server to accept it.
type Publisher interface {
	Publish(ctx context.Context, e Event) error
}

// PubSub publishes with cloud.google.com/go/pubsub/v2, one Publisher per topic
// kept for the life of the process.
type PubSub struct {
	// Client publishes; when nil, one is opened for Project on the first
	// Publish, so a function that never publishes never dials Pub/Sub (a
	// faster cold start).
	Client  *pubsub.Client
	Project string

	mu    sync.Mutex
	pubs  map[string]*pubsub.Publisher
	owned *pubsub.Client
}

// Publish implements Publisher.
func (p *PubSub) Publish(ctx context.Context, e Event) error {
	p.mu.Lock()
	if p.pubs == nil {
		p.pubs = map[string]*pubsub.Publisher{}
	}
	pub, ok := p.pubs[e.Topic]
	if !ok {
		c := p.Client
		if c == nil {
			if p.owned == nil {
				owned, err := pubsub.NewClient(context.WithoutCancel(ctx), p.Project)
				if err != nil {
					p.mu.Unlock()
					return fmt.Errorf("pubsub client: %w", err)
				}
				p.owned = owned
			}
			c = p.owned
		}
		pub = c.Publisher(e.Topic)
		pub.PublishSettings.DelayThreshold = time.Millisecond
		p.pubs[e.Topic] = pub
	}
	p.mu.Unlock()
	attrs := map[string]string{AttrEventID: e.ID, AttrType: e.Type}
	if e.Traceparent == "" {
		e.Traceparent = tracing.Traceparent(ctx) // a command or reply sent directly
	}
	if e.Traceparent != "" {
		attrs[AttrTraceparent] = e.Traceparent
	}
	_, err := pub.Publish(ctx, &pubsub.Message{Data: e.Data, Attributes: attrs}).Get(ctx)
	if err != nil {
		return fmt.Errorf("publish %s to %s: %w", e.Type, e.Topic, err)
	}
	return nil
}

// Stop flushes and stops every publisher, and closes the client it opened.
func (p *PubSub) Stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, pub := range p.pubs {
		pub.Stop()
	}
	p.pubs = nil
	if p.owned != nil {
		p.owned.Close()
		p.owned = nil
	}
}
