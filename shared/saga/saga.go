// Package saga is the platform's machinery for orchestrated sagas: the
// command an orchestrator sends to do or undo one step, the reply a
// participant answers with on RepliesTopic, and Participant, which makes a
// participant's step idempotent: the step's effect, the record that it ran
// (SagaSteps, keyed by saga, step and kind) and its reply (through the
// outbox) commit in one transaction, and a redelivered command gets the
// stored reply again without running the effect.
//
// A saga's own protocol (its steps, their topics and payloads) is a contract
// of its orchestrator (functions/contract/sagamsg for the subscribe saga).
// Every participant's database carries the SagaSteps table of Migrations.
package saga

import (
	"encoding/json"
	"io/fs"
	"time"

	"embed"

	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/spanx"
)

// RepliesTopic carries every participant's replies to the orchestrator.
const RepliesTopic = "saga-replies"

// Kinds of command: do a step, or undo (compensate) it.
const (
	Do   = "do"
	Undo = "undo"
)

// Event type of commands and replies on their topics.
const (
	EventCommand = "saga.command"
	EventReply   = "saga.reply"
)

// CodeCancelled is the failure a do answers with when its undo already ran
// (the orchestrator gave up on it before it arrived).
const CodeCancelled = "cancelled"

// Command asks a participant to do or undo one step of one saga. UserID and
// CourseID name whom and what the saga is about; Args holds the step's own
// arguments (a payload of the saga's contract).
type Command struct {
	SagaID   string          `json:"saga_id"`
	Step     string          `json:"step"`
	Kind     string          `json:"kind"`
	Attempt  int             `json:"attempt"`
	UserID   string          `json:"user_id"`
	CourseID string          `json:"course_id"`
	Args     json.RawMessage `json:"args,omitempty"`
}

// Key is the idempotency key of the command: saga, step and kind (not the
// attempt: a retried command is the same work).
func (c Command) Key() string { return c.SagaID + "/" + c.Step + "/" + c.Kind }

// Decode decodes the command's args into v as an Invalid error when they do
// not fit.
func (c Command) Decode(v any) error {
	if len(c.Args) == 0 {
		return errs.E(errs.Invalid, "saga command %s has no args", c.Key())
	}
	if err := json.Unmarshal(c.Args, v); err != nil {
		return errs.Wrap(errs.Invalid, err, "saga command "+c.Key()+" has malformed args")
	}
	return nil
}

// Reply is a participant's answer to a command. OK false is a business
// failure (a declined card, an unpublished course): the saga compensates.
// Code is a stable machine-readable reason and Reason says it to a person.
type Reply struct {
	SagaID  string          `json:"saga_id"`
	Step    string          `json:"step"`
	Kind    string          `json:"kind"`
	Attempt int             `json:"attempt"`
	OK      bool            `json:"ok"`
	Code    string          `json:"code,omitempty"`
	Reason  string          `json:"reason,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"`
	// Pending marks a progress reply: the step is not done and waits for
	// something outside until Until (Code says what); its final reply
	// follows.
	Pending bool      `json:"pending,omitempty"`
	Until   time.Time `json:"until,omitzero"`
}

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migrations are the platform migration every participant's database
// carries: the SagaSteps table (9002, in the platform's range).
func Migrations() ([]spanx.Migration, error) {
	sub, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	return spanx.LoadMigrations(sub)
}
