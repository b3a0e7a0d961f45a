package saga

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"cloud.google.com/go/spanner"
	"github.com/google/uuid"

	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/spanx"
)

// Outcome is what a step did: OK with Data, or a business failure with a code
// and a reason for people; or, Pending, that it waits for something outside
// (a learner authenticating a payment) until Until.
type Outcome struct {
	OK      bool
	Code    string
	Reason  string
	Data    any
	Pending bool
	Until   time.Time
}

// Waiting is a pending outcome: the step is not done, it waits until until
// for something outside (code says what), and Data tells the orchestrator
// what. The participant records nothing (a redelivered command runs again)
// and sends a progress reply; it finishes the step later with Complete.
func Waiting(code string, until time.Time, data any) Outcome {
	return Outcome{Pending: true, Code: code, Until: until, Data: data}
}

// Success is an OK outcome carrying data (may be nil).
func Success(data any) Outcome { return Outcome{OK: true, Data: data} }

// Failure is a business failure: the saga compensates and shows reason.
func Failure(code, reason string) Outcome { return Outcome{Code: code, Reason: reason} }

// Input is what a step's Apply gets besides the command.
type Input struct {
	// Prepared is what Prepare returned (nil without Prepare).
	Prepared any
	// Done is, for an undo, the reply the do of the same step sent (nil when
	// the do never ran here).
	Done *Reply
}

// Step is one participant step.
type Step struct {
	// Prepare, when set, runs before Apply and outside any transaction: the
	// place for calls to other systems (Stripe), which must carry an
	// idempotency key derived from the command. It runs again when a
	// command is redelivered before its record committed. An error asks for
	// redelivery.
	Prepare func(ctx context.Context, cmd Command) (any, error)
	// Apply makes the step's change in tx, the transaction that records the
	// step and sends its reply. An error aborts it and asks for redelivery
	// (return a Failure outcome for business failures). For an undo whose do
	// never ran, or failed, Apply is not called (there is nothing to undo)
	// unless AlwaysUndo is set.
	Apply func(ctx context.Context, tx *spanx.Tx, cmd Command, in Input) (Outcome, error)
	// AlwaysUndo makes an undo call Apply even when the do is not recorded
	// here (its effect may have happened elsewhere, e.g. at Stripe, before
	// the record was written); Input.Done is nil then.
	AlwaysUndo bool
}

// Participant runs steps idempotently against one service database.
type Participant struct {
	// DB is the service's database (it has SagaSteps and the outbox).
	DB *spanner.Client
	// Outbox sends replies with the step's effect.
	Outbox *events.Outbox
	// Publisher sends a stored reply again when a command is redelivered.
	Publisher events.Publisher
	// Log records redeliveries (default slog.Default()).
	Log *slog.Logger
}

// Handler is the push handler of step s.
func (p *Participant) Handler(s Step) events.HandlerFunc {
	return func(ctx context.Context, m events.Message) error {
		var cmd Command
		if err := m.Decode(&cmd); err != nil {
			return err
		}
		if cmd.SagaID == "" || len(cmd.SagaID) > 36 || cmd.Step == "" || (cmd.Kind != Do && cmd.Kind != Undo) {
			return errs.E(errs.Invalid, "saga command %s needs a saga_id, a step and a kind (do or undo)", m.ID)
		}
		return p.Handle(ctx, cmd, s)
	}
}

// Handle runs cmd with s once: a command already recorded gets its stored
// reply again; a do whose undo already ran fails with CodeCancelled (the
// orchestrator gave up on it), so a late do never applies after its
// compensation.
func (p *Participant) Handle(ctx context.Context, cmd Command, s Step) error {
	if stored, ok, err := p.Recorded(ctx, p.DB.Single(), cmd.SagaID, cmd.Step, cmd.Kind); err != nil {
		return err
	} else if ok {
		return p.resend(ctx, stored)
	}
	if cmd.Kind == Do {
		// A do whose undo already ran is answered without preparing it (a
		// Prepare may act outside the transaction, e.g. charge a card).
		// An undo that runs between this check and the transaction below
		// is caught there; the step's undo must then make sure the late
		// do changes nothing (billing records that the payment must not
		// be made).
		if _, undone, err := p.Recorded(ctx, p.DB.Single(), cmd.SagaID, cmd.Step, Undo); err != nil {
			return err
		} else if undone {
			s.Prepare = nil
		}
	}
	var prepared any
	if s.Prepare != nil {
		var err error
		if prepared, err = s.Prepare(ctx, cmd); err != nil {
			return err
		}
	}
	var again *Reply
	err := spanx.ReadWrite(ctx, p.DB, func(ctx context.Context, tx *spanx.Tx) error {
		again = nil
		if stored, ok, err := p.Recorded(ctx, tx, cmd.SagaID, cmd.Step, cmd.Kind); err != nil {
			return err
		} else if ok {
			again = &stored
			return nil
		}
		var out Outcome
		switch {
		case cmd.Kind == Do:
			_, undone, err := p.Recorded(ctx, tx, cmd.SagaID, cmd.Step, Undo)
			if err != nil {
				return err
			}
			if undone {
				out = Failure(CodeCancelled, "the step was compensated before it ran")
				break
			}
			if out, err = s.Apply(ctx, tx, cmd, Input{Prepared: prepared}); err != nil {
				return err
			}
		default:
			done, did, err := p.Recorded(ctx, tx, cmd.SagaID, cmd.Step, Do)
			if err != nil {
				return err
			}
			out = Success(nil)
			var in = Input{Prepared: prepared}
			if did {
				in.Done = &done
			}
			if (did && done.OK) || s.AlwaysUndo {
				if out, err = s.Apply(ctx, tx, cmd, in); err != nil {
					return err
				}
			}
		}
		return p.record(ctx, tx, cmd, out)
	})
	if err != nil {
		return spanx.Translate(err, "saga step "+cmd.Key())
	}
	if again != nil {
		return p.resend(ctx, *again)
	}
	return nil
}

// record records cmd's outcome out in tx and sends its reply; a pending
// outcome (of a do) is only announced, not recorded.
func (p *Participant) record(ctx context.Context, tx *spanx.Tx, cmd Command, out Outcome) error {
	reply, err := newReply(cmd, out)
	if err != nil {
		return err
	}
	b, err := json.Marshal(reply)
	if err != nil {
		return err
	}
	if !out.Pending || cmd.Kind != Do {
		if err := tx.BufferWrite([]*spanner.Mutation{spanner.Insert("SagaSteps",
			[]string{"SagaId", "Step", "Kind", "Reply", "ProcessedAt"},
			[]any{cmd.SagaID, cmd.Step, cmd.Kind, b, spanner.CommitTimestamp})}); err != nil {
			return err
		}
	}
	return p.Outbox.Add(ctx, tx, events.Event{ID: uuid.NewString(), Topic: RepliesTopic, Type: EventReply, Data: b})
}

// Complete finishes in tx a do that waited (a Waiting outcome) with out: it
// records the step and sends its reply, unless the step is recorded already
// or was compensated (its undo ran): then it changes nothing and reports
// false.
func (p *Participant) Complete(ctx context.Context, tx *spanx.Tx, cmd Command, out Outcome) (bool, error) {
	cmd.Kind = Do
	for _, kind := range []string{Do, Undo} {
		_, ok, err := p.Recorded(ctx, tx, cmd.SagaID, cmd.Step, kind)
		if err != nil || ok {
			return false, err
		}
	}
	out.Pending = false
	return true, p.record(ctx, tx, cmd, out)
}

// Recorded returns the reply stored for (saga, step, kind), if the step ran.
func (p *Participant) Recorded(ctx context.Context, rd spanx.Reader, sagaID, step, kind string) (Reply, bool, error) {
	row, err := rd.ReadRow(ctx, "SagaSteps", spanner.Key{sagaID, step, kind}, []string{"Reply"})
	if spanx.IsNotFound(err) {
		return Reply{}, false, nil
	}
	if err != nil {
		return Reply{}, false, spanx.Translate(err, "saga steps read")
	}
	var b []byte
	if err := row.Columns(&b); err != nil {
		return Reply{}, false, err
	}
	var r Reply
	if err := json.Unmarshal(b, &r); err != nil {
		return Reply{}, false, fmt.Errorf("saga steps: stored reply of %s/%s/%s: %w", sagaID, step, kind, err)
	}
	return r, true, nil
}

// resend publishes a stored reply again (the orchestrator ignores replies it
// no longer waits for).
func (p *Participant) resend(ctx context.Context, r Reply) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	p.log().DebugContext(ctx, "saga command redelivered: replying as before", "saga_id", r.SagaID, "step", r.Step, "kind", r.Kind)
	return p.Publisher.Publish(ctx, events.Event{ID: uuid.NewString(), Topic: RepliesTopic, Type: EventReply, Data: b})
}

func (p *Participant) log() *slog.Logger {
	if p.Log != nil {
		return p.Log
	}
	return slog.Default()
}

func newReply(cmd Command, out Outcome) (Reply, error) {
	r := Reply{SagaID: cmd.SagaID, Step: cmd.Step, Kind: cmd.Kind, Attempt: cmd.Attempt, OK: out.OK, Code: out.Code, Reason: out.Reason}
	if out.Pending && cmd.Kind == Do {
		r.Pending, r.Until = true, out.Until.UTC()
	}
	if out.Data != nil {
		b, err := json.Marshal(out.Data)
		if err != nil {
			return Reply{}, fmt.Errorf("saga reply data of %s: %w", cmd.Key(), err)
		}
		r.Data = b
	}
	return r, nil
}
