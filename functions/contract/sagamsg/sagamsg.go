// Package sagamsg is the protocol of the subscribe saga that the Subscribe
// service orchestrates: its steps in order with the topics their do and undo
// commands go to, the payload of each step's arguments and reply data, and
// the failure codes participants answer with. The generic machinery
// (commands, replies, the idempotent participant) is shared/saga.
package sagamsg

import (
	"time"

	"github.com/kwipper/kwipper/shared/money"
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

// Topic is the topic of the step's do command, or of its undo when undo.
func (d StepDef) Topic(undo bool) string {
	if undo {
		return d.Undo
	}
	return d.Do
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

// Lookup returns step name's definition (the zero StepDef when unknown).
func Lookup(name string) StepDef {
	for _, s := range Steps {
		if s.Name == name {
			return s
		}
	}
	return StepDef{}
}

// CommandTopics lists every step's command topics, do and undo.
func CommandTopics() []string {
	var out []string
	for _, s := range Steps {
		out = append(out, s.Do)
		if s.Undo != "" {
			out = append(out, s.Undo)
		}
	}
	return out
}

// UserInfo is the reply data of user-get-info.
type UserInfo struct {
	DisplayName string   `json:"display_name"`
	Country     string   `json:"country"`
	Roles       []string `json:"roles"`
}

// CourseInfo is the reply data of course-get-info and the args of
// subscribe-validate. Status is a coursemsg status.
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
	// TutorID and BillingInterval are the course's (from course-get-info),
	// in a do: Billing keeps them with the payment for the receipt's period
	// and the tutor's revenue (renewals and refunds inherit them from the
	// subscription's first payment). Empty from an orchestrator before them.
	TutorID         string `json:"tutor_id,omitempty"`
	BillingInterval string `json:"billing_interval,omitempty"`
	// MethodType, when set to one of billingmsg.PayLaterMethods, pays
	// with that single-use method (a voucher, transfer or QR code the
	// learner pays later) instead of the saved card.
	MethodType string `json:"payment_method_type,omitempty"`
}

// PaymentData is the reply data of billing-payment.
type PaymentData struct {
	PaymentID       string `json:"payment_id"`
	PaymentIntentID string `json:"payment_intent_id"`
}

// SubscribeArgs are the args of subscribe-subscribe.
type SubscribeArgs struct {
	Price           money.Money `json:"price"`
	BillingInterval string      `json:"billing_interval"`
	PaymentID       string      `json:"payment_id"`
	// MethodType is the single-use method the subscription pays each
	// period with ("" for the saved card).
	MethodType string `json:"payment_method_type,omitempty"`
}

// SubscribeData is the reply data of subscribe-subscribe.
type SubscribeData struct {
	PeriodStart time.Time `json:"period_start"`
	PeriodEnd   time.Time `json:"period_end"`
}

// UserUpdateArgs are the args of user-update-info: the subscription (the saga
// id) and the course title shown in the learner's list.
type UserUpdateArgs struct {
	CourseTitle string `json:"course_title"`
}

// Failure codes participants reply with (the orchestrator says each to the
// learner).
const (
	CodeUserNotFound       = "user_not_found"
	CodeNotALearner        = "not_a_learner"
	CodeCourseNotFound     = "course_not_found"
	CodeCourseNotPublished = "course_not_published"
	CodeOwnCourse          = "own_course"
	CodePriceUnknown       = "price_unknown"
	CodeAlreadySubscribed  = "already_subscribed"
	CodeNoPaymentMethod    = "no_payment_method"
	CodeCardDeclined       = "card_declined"
	CodePaymentRejected    = "payment_rejected"
	CodeUnreconciled       = "payment_unreconciled"
	// CodeAwaitingPayment: the payment step waits for the learner to pay a
	// voucher, transfer or QR code (a pending reply).
	CodeAwaitingPayment = "awaiting_payment"
	// CodePaymentExpired: the voucher, transfer or QR code was not paid in
	// time; nothing was charged.
	CodePaymentExpired = "payment_expired"
)
