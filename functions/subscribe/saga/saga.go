// Package saga is the protocol of the subscribe saga: the steps in order, the
// command and reply messages the orchestrator (functions/subscribe) and the
// participants (User, Course, Billing and Subscribe's own steps) exchange over
// Pub/Sub, the payloads of each step, and Participant, which makes a
// participant step idempotent: a step's effect, the record that it ran
// (SagaSteps, keyed by saga, step and kind) and its reply (through the outbox)
// commit in one transaction, and a redelivered command gets the stored reply
// again without running the effect.
//
// Every participant database carries the SagaSteps table (SagaId, Step,
// Kind, Reply, ProcessedAt; created by each service's own migrations).
package saga

import (
	"encoding/json"
	"time"

	"github.com/kwipper/kwipper/shared/money"
)

// RepliesTopic carries every participant's replies to the orchestrator.
const RepliesTopic = "saga-replies"

// Kinds of command: do a step, or undo (compensate) it.
const (
	Do   = "do"
	Undo = "undo"
)

// Step names, in saga order.
const (
	StepUserGetInfo    = "user-get-info"
	StepCourseGetInfo  = "course-get-info"
	StepValidate       = "subscribe-validate"
	StepPayment        = "billing-payment"
	StepSubscribe      = "subscribe-subscribe"
	StepCourseUpdate   = "course-update-info"
	StepUserUpdateInfo = "user-update-info"
)

// StepDef is one saga step: its name and the topics its do and undo commands
// go to (Undo is empty for steps that change nothing).
type StepDef struct {
	Name     string
	Do, Undo string
}

// Steps are the saga's steps in the order they run; compensations run in
// reverse.
var Steps = []StepDef{
	{Name: StepUserGetInfo, Do: "saga-user-get-info"},
	{Name: StepCourseGetInfo, Do: "saga-course-get-info"},
	{Name: StepValidate, Do: "saga-subscribe-validate"},
	{Name: StepPayment, Do: "saga-billing-do-payment", Undo: "saga-billing-refund-payment"},
	{Name: StepSubscribe, Do: "saga-subscribe-subscribe", Undo: "saga-subscribe-unsubscribe"},
	{Name: StepCourseUpdate, Do: "saga-course-update-info", Undo: "saga-course-revert-info"},
	{Name: StepUserUpdateInfo, Do: "saga-user-update-info", Undo: "saga-user-revert-info"},
}

// RefundSteps are the steps of a refund saga, in the order they run: the
// compensations (undo commands) of the subscribe saga's steps RefundPayment,
// Unsubscribe, RevertCourseInfo and RevertUserInfo, sent under the
// subscription's saga id, so each participant runs each at most once per
// subscription however often it is asked.
var RefundSteps = []string{StepPayment, StepSubscribe, StepCourseUpdate, StepUserUpdateInfo}

// Topic returns the topic of step's command of kind, or "".
func Topic(step, kind string) string {
	for _, s := range Steps {
		if s.Name == step {
			if kind == Undo {
				return s.Undo
			}
			return s.Do
		}
	}
	return ""
}

// Command asks a participant to do or undo one step of one saga. Every
// command names the saga's learner and course; Args holds the step's own
// arguments (see the payload types below).
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
}

// Event type of commands and replies on their topics.
const (
	EventCommand = "saga.command"
	EventReply   = "saga.reply"
)

// UserInfo is the data of user-get-info.
type UserInfo struct {
	DisplayName string   `json:"display_name"`
	Country     string   `json:"country"`
	Roles       []string `json:"roles"`
}

// CourseInfo is the data of course-get-info and the args of
// subscribe-validate.
type CourseInfo struct {
	TutorID         string      `json:"tutor_id"`
	Title           string      `json:"title"`
	Status          string      `json:"status"`
	Price           money.Money `json:"price"`
	BillingInterval string      `json:"billing_interval"`
}

// PaymentArgs are the args of billing-payment (do and undo).
type PaymentArgs struct {
	Amount      money.Money `json:"amount"`
	Description string      `json:"description"`
	// PaymentID, in an undo, names the payment to refund (a refund saga
	// refunds the latest period's payment); empty means the saga's own
	// payment.
	PaymentID string `json:"payment_id,omitempty"`
}

// PaymentData is the data of billing-payment.
type PaymentData struct {
	PaymentID       string `json:"payment_id"`
	PaymentIntentID string `json:"payment_intent_id"`
}

// SubscribeArgs are the args of subscribe-subscribe.
type SubscribeArgs struct {
	Price           money.Money `json:"price"`
	BillingInterval string      `json:"billing_interval"`
	PaymentID       string      `json:"payment_id"`
}

// SubscribeData is the data of subscribe-subscribe.
type SubscribeData struct {
	PeriodStart time.Time `json:"period_start"`
	PeriodEnd   time.Time `json:"period_end"`
}

// UserUpdateArgs are the args of user-update-info: the subscription (the saga
// id) and the course title shown in the learner's list.
type UserUpdateArgs struct {
	CourseTitle string `json:"course_title"`
}

// Failure codes every participant may reply with.
const (
	CodeInjected  = "injected_failure"
	CodeCancelled = "cancelled"
)
