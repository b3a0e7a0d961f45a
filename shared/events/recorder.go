package events

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"sync/atomic"
)

// Recorder is a Publisher that keeps what it is given, for tests of a
// service whose Pub/Sub delivery is not under test. While Failing is set it
// refuses every publish (the outbox relay then has work to do).
type Recorder struct {
	Failing atomic.Bool

	mu     sync.Mutex
	events []Event
}

// Publish implements Publisher.
func (r *Recorder) Publish(_ context.Context, e Event) error {
	if r.Failing.Load() {
		return errors.New("injected publish failure")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
	return nil
}

// Events returns the recorded events of type typ, in publish order.
func (r *Recorder) Events(typ string) []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Event
	for _, e := range r.events {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

// Decoded returns the payloads of r's events of type typ.
func Decoded[T any](r *Recorder, typ string) ([]T, error) {
	var out []T
	for _, e := range r.Events(typ) {
		var v T
		if err := json.Unmarshal(e.Data, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
