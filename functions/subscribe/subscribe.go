// Package subscribe is Kwipper's Subscribe service: a learner subscribes to a
// course and pays through an orchestrated saga. The orchestrator keeps each
// saga's state in the "subscriptions" database and drives the steps of
// sagamsg.Steps with commands and replies over Pub/Sub; when a step fails, the
// steps done before it are compensated in reverse. A sweeper resends commands
// whose reply is late and gives up (compensating) after the configured
// attempts, so no saga stays pending forever.
//
// The lifecycle is announced on subscription-events
// (functions/contract/subscribemsg); the saga's protocol is
// functions/contract/sagamsg.
//
// subscribe.go and renewal.go are the domain: statuses, reasons, the rules of
// validating a subscription, of driving the saga, of renewing and of
// refunding (no cloud SDK). api.go holds the thin HTTP handlers and their
// request and response types, events.go the event consumers (the
// orchestrator's replies, the billing cycle), routes.go the service's
// functions, config.go its settings, store*.go the Spanner storage.
package subscribe

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/kwipper/kwipper/functions/contract/billingmsg"
	"github.com/kwipper/kwipper/functions/contract/coursemsg"
	"github.com/kwipper/kwipper/functions/contract/sagamsg"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/money"
	"github.com/kwipper/kwipper/shared/saga"
)

// Subscription statuses: pending while the saga runs; active when every step
// succeeded; failed when a step failed (everything done was compensated);
// ended when an active subscription was cancelled or refunded.
const (
	StatusPending = "pending"
	StatusActive  = "active"
	StatusFailed  = "failed"
	StatusEnded   = "ended"
)

// StatusRefunding is a subscription whose refund saga runs: it no longer
// renews, and ends (reason "refunded") when the refund completes.
const StatusRefunding = "refunding"

// Saga kinds: the subscribe saga (State.Kind empty) and the refund saga,
// which runs sagamsg.RefundSteps under the subscription's saga id.
const (
	KindSubscribe = ""
	KindRefund    = "refund"
)

// Saga phases.
const (
	PhaseForward      = "forward"
	PhaseCompensating = "compensating"
	PhaseDone         = "done"
)

// Reason codes a failed or ended subscription shows, with what they say.
var reasons = map[string]string{
	"card_declined":            "your card was declined; try another card",
	"insufficient_funds":       "your card has insufficient funds",
	"authentication_required":  "your bank asks you to authenticate this payment: confirm it with the client secret of GET /v1/billing/payments/{payment_id}/action",
	"authentication_timed_out": "the payment was not authenticated in time; nothing was charged",
	"expired_card":             "your card has expired; add another payment method",
	"card_refused":             "your bank refused this card and will not accept it again; add another payment method",
	"card_invalid":             "your card's details are not valid; add the card again or another payment method",
	"no_payment_method":        "save a card first (POST /v1/billing/payment-methods)",
	"course_not_found":         "the course does not exist",
	"course_not_published":     "the course is not published",
	"own_course":               "you cannot subscribe to your own course",
	"already_subscribed":       "you already have a subscription to this course",
	"price_unknown":            "the course has no price in a supported currency",
	"user_not_found":           "your account was not found",
	"not_a_learner":            "only learners can subscribe to courses",
	"timed_out":                "the subscription could not be completed in time; nothing was charged or any charge was refunded",
	"cancelled":                "you cancelled the subscription",
	"refunded":                 "the payment was refunded",
	CodeAccountDeleted:         "the account was deleted",
}

// Reasons of payments made with a voucher, bank transfer or QR code.
func init() {
	reasons[sagamsg.CodeAwaitingPayment] = "pay with the voucher, bank transfer or QR code of GET /v1/billing/payments/{payment_id}/action before it expires; the subscription starts, or its next period begins, once the payment is confirmed"
	reasons[sagamsg.CodePaymentExpired] = "the payment was not made before its instructions expired; nothing was charged"
	reasons["method_not_offered"] = "this payment method does not pay in the course's currency; pay with a card"
}

// CodeAccountDeleted ends the subscriptions of a deleted account.
const CodeAccountDeleted = "account_deleted"

// ReasonText returns what code says to a person; fallback when the code is
// not one of ours.
func ReasonText(code, fallback string) string {
	if r, ok := reasons[code]; ok {
		return r
	}
	if fallback != "" {
		return fallback
	}
	return "the subscription could not be completed"
}

// Subscription is a learner's subscription to a course.
type Subscription struct {
	ID          string
	UserID      string
	CourseID    string
	Status      string
	ReasonCode  string
	Reason      string
	Price       money.Money // set once the saga has read the course
	CreatedAt   time.Time
	UpdatedAt   time.Time
	ActivatedAt time.Time
	EndedAt     time.Time
	PeriodEnd   time.Time
	// CancelAtPeriodEnd: the learner cancelled; it ends at PeriodEnd
	// instead of renewing.
	CancelAtPeriodEnd bool
	// ActionPaymentID is the payment waiting for the learner to
	// authenticate it until ActionDeadline ("" when none).
	ActionPaymentID string
	ActionDeadline  time.Time
}

// Errors the service returns.
var (
	ErrNotFound          = errs.E(errs.NotFound, "subscription not found")
	ErrAlreadySubscribed = errs.E(errs.Conflict, "you already have a pending or active subscription to this course")
	ErrNotActive         = errs.E(errs.FailedPrecondition, "only an active or past-due subscription can be cancelled")
	ErrRefunding         = errs.E(errs.FailedPrecondition, "a refund of this subscription is already under way")
	ErrRefunded          = errs.E(errs.FailedPrecondition, "this subscription was already refunded")
	ErrNothingToRefund   = errs.E(errs.FailedPrecondition, "nothing to refund: only an active or past-due subscription with a successful payment can be refunded")
)

// validateCreate checks a create request.
func validateCreate(req CreateRequest) error {
	var f errs.Fields
	f.Check(req.CourseID != "", "course_id", "is required")
	f.Check(len(req.CourseID) <= 36, "course_id", "is not a course id")
	f.Check(req.PaymentMethodType == "" || req.PaymentMethodType == billingmsg.MethodCard || billingmsg.PayLater(req.PaymentMethodType),
		"payment_method_type", "must be card (the saved card, the default) or one of "+strings.Join(billingmsg.PayLaterMethods, ", "))
	return f.Err()
}

// validate is the ValidateSubscription step's rule: the course must be
// published, not the learner's own, and priced in a supported currency. It
// returns a failure code, or "" when the subscription may go ahead.
func validate(userID string, c sagamsg.CourseInfo) string {
	switch {
	case c.Status != coursemsg.StatusPublished:
		return "course_not_published"
	case c.TutorID == userID:
		return "own_course"
	case c.Price.Amount <= 0 || !money.Supported(c.Price.Currency):
		return "price_unknown"
	}
	return ""
}

// State is a saga's durable state: where it is, what it learnt from the
// steps done so far, and why it failed.
type State struct {
	// Kind is KindSubscribe or KindRefund.
	Kind    string              `json:"kind,omitempty"`
	Phase   string              `json:"phase"`
	Step    int                 `json:"step"` // index in sagamsg.Steps (sagamsg.RefundSteps for a refund) of the step awaited
	Attempt int                 `json:"attempt"`
	UserID  string              `json:"user_id"`
	Course  string              `json:"course_id"`
	Info    sagamsg.CourseInfo  `json:"course"`
	Payment sagamsg.PaymentData `json:"payment"`
	Code    string              `json:"code,omitempty"`
	Reason  string              `json:"reason,omitempty"`
	// RefundPaymentID is, in a refund saga, the payment refunded (the
	// latest period's).
	RefundPaymentID string `json:"refund_payment_id,omitempty"`
	// MethodType is the single-use method the first payment is made with
	// (a billingmsg.PayLaterMethods type; "" for the saved card).
	MethodType string `json:"payment_method_type,omitempty"`
}

// Transition is what the orchestrator does after a reply or a timeout: the
// commands to send and, when the saga ends, its outcome.
type Transition struct {
	Commands []saga.Command
	// Finished is set when the saga ended: StatusActive or StatusFailed (a
	// subscribe saga), StatusEnded (a refund saga).
	Finished string
	// Ignored is set when the reply was not awaited (a duplicate or late one).
	Ignored bool
	// Wait is set when the awaited step waits for the learner: the saga
	// waits until Wait.Until instead of resending the command.
	Wait *Wait
}

// Wait is a step waiting for the learner (a payment to authenticate).
type Wait struct {
	Code      string
	PaymentID string
	Until     time.Time
}

// command is the command for the awaited step of st.
func (st *State) command(sagaID string) (saga.Command, error) {
	if st.Kind == KindRefund {
		return st.refundCommand(sagaID)
	}
	def := sagamsg.Steps[st.Step]
	kind := saga.Do
	if st.Phase == PhaseCompensating {
		kind = saga.Undo
	}
	cmd := saga.Command{SagaID: sagaID, Step: def.Name, Kind: kind, Attempt: st.Attempt, UserID: st.UserID, CourseID: st.Course}
	var args any
	switch def.Name {
	case sagamsg.StepValidate:
		args = st.Info
	case sagamsg.StepPayment:
		args = sagamsg.PaymentArgs{Amount: st.Info.Price, Description: "Kwipper: " + st.Info.Title,
			TutorID: st.Info.TutorID, BillingInterval: st.Info.BillingInterval, MethodType: st.MethodType}
	case sagamsg.StepSubscribe:
		args = sagamsg.SubscribeArgs{Price: st.Info.Price, BillingInterval: st.Info.BillingInterval, PaymentID: st.Payment.PaymentID, MethodType: st.MethodType}
	case sagamsg.StepUserUpdateInfo:
		args = sagamsg.UserUpdateArgs{CourseTitle: st.Info.Title}
	}
	if args != nil {
		b, err := json.Marshal(args)
		if err != nil {
			return saga.Command{}, err
		}
		cmd.Args = b
	}
	return cmd, nil
}

// Start is the first transition of a new saga.
func (st *State) Start(sagaID string) (Transition, error) {
	st.Phase, st.Step, st.Attempt = PhaseForward, 0, 1
	cmd, err := st.command(sagaID)
	return Transition{Commands: []saga.Command{cmd}}, err
}

// OnReply advances st with reply r.
func (st *State) OnReply(sagaID string, r saga.Reply) (Transition, error) {
	if st.Kind == KindRefund {
		return st.onRefundReply(sagaID, r)
	}
	if st.Phase == PhaseDone || r.Step != sagamsg.Steps[st.Step].Name ||
		(r.Kind == saga.Do) != (st.Phase == PhaseForward) {
		return Transition{Ignored: true}, nil
	}
	if st.Phase == PhaseCompensating {
		// Compensations always succeed eventually; a reply means it did.
		return st.compensateFrom(sagaID, st.Step-1)
	}
	if r.Pending {
		// The step waits for the learner (their bank asks them to
		// authenticate the payment) until r.Until; its final reply follows,
		// or, after r.Until, the command again makes the step decide.
		var d sagamsg.PaymentData
		_ = json.Unmarshal(r.Data, &d)
		st.Attempt = 1
		return Transition{Wait: &Wait{Code: r.Code, PaymentID: d.PaymentID, Until: r.Until}}, nil
	}
	if !r.OK {
		st.Code, st.Reason = r.Code, ReasonText(r.Code, r.Reason)
		return st.compensateFrom(sagaID, st.Step-1)
	}
	if err := st.absorb(r); err != nil {
		return Transition{}, err
	}
	if st.Step == len(sagamsg.Steps)-1 {
		st.Phase = PhaseDone
		return Transition{Finished: StatusActive}, nil
	}
	st.Step, st.Attempt = st.Step+1, 1
	cmd, err := st.command(sagaID)
	return Transition{Commands: []saga.Command{cmd}}, err
}

// OnTimeout is the sweeper's transition for a saga whose awaited reply is
// late: the command again, or (forward, after maxAttempts) compensation of
// everything that may have happened, the late step included. Compensations
// are sent again until they are acknowledged.
func (st *State) OnTimeout(sagaID string, maxAttempts int) (Transition, error) {
	if st.Phase == PhaseDone {
		return Transition{Ignored: true}, nil
	}
	if st.Phase == PhaseForward && st.Attempt >= maxAttempts && st.Kind != KindRefund {
		st.Code, st.Reason = "timed_out", ReasonText("timed_out", "")
		return st.compensateFrom(sagaID, st.Step)
	}
	st.Attempt++
	cmd, err := st.command(sagaID)
	return Transition{Commands: []saga.Command{cmd}}, err
}

// compensateFrom moves st to the first step at or below from that has a
// compensation and asks for it; with none left the saga has failed.
func (st *State) compensateFrom(sagaID string, from int) (Transition, error) {
	st.Phase = PhaseCompensating
	for i := from; i >= 0; i-- {
		if sagamsg.Steps[i].Undo != "" {
			st.Step, st.Attempt = i, 1
			cmd, err := st.command(sagaID)
			return Transition{Commands: []saga.Command{cmd}}, err
		}
	}
	st.Phase = PhaseDone
	if st.Code == "" {
		st.Code, st.Reason = "timed_out", ReasonText("timed_out", "")
	}
	return Transition{Finished: StatusFailed}, nil
}

// absorb keeps what a successful step's reply taught the saga.
func (st *State) absorb(r saga.Reply) error {
	var v any
	switch r.Step {
	case sagamsg.StepCourseGetInfo:
		v = &st.Info
	case sagamsg.StepPayment:
		v = &st.Payment
	default:
		return nil
	}
	if err := json.Unmarshal(r.Data, v); err != nil {
		return fmt.Errorf("saga %s: reply of %s: %w", r.SagaID, r.Step, err)
	}
	return nil
}

// StartRefund turns the finished subscribe saga st into a refund saga of the
// payment paymentID: its first transition.
func (st *State) StartRefund(sagaID, paymentID string) (Transition, error) {
	st.Kind, st.RefundPaymentID, st.Code, st.Reason = KindRefund, paymentID, "", ""
	return st.Start(sagaID)
}

// refundCommand is the command of the refund step awaited: the undo of a
// subscribe step under the same saga id.
func (st *State) refundCommand(sagaID string) (saga.Command, error) {
	cmd := saga.Command{SagaID: sagaID, Step: sagamsg.RefundSteps[st.Step], Kind: saga.Undo, Attempt: st.Attempt,
		UserID: st.UserID, CourseID: st.Course}
	if cmd.Step == sagamsg.StepPayment {
		b, err := json.Marshal(sagamsg.PaymentArgs{Amount: st.Info.Price, Description: "Kwipper refund: " + st.Info.Title,
			PaymentID: st.RefundPaymentID})
		if err != nil {
			return saga.Command{}, err
		}
		cmd.Args = b
	}
	return cmd, nil
}

// onRefundReply advances a refund saga: compensations always succeed
// eventually, so each reply moves on to the next step, and the last ends the
// subscription (Finished StatusEnded). The sweeper resends a late step
// without limit.
func (st *State) onRefundReply(sagaID string, r saga.Reply) (Transition, error) {
	if st.Phase == PhaseDone || r.Kind != saga.Undo || r.Step != sagamsg.RefundSteps[st.Step] {
		return Transition{Ignored: true}, nil
	}
	if st.Step == len(sagamsg.RefundSteps)-1 {
		st.Phase, st.Code, st.Reason = PhaseDone, "refunded", ReasonText("refunded", "")
		return Transition{Finished: StatusEnded}, nil
	}
	st.Step, st.Attempt = st.Step+1, 1
	cmd, err := st.command(sagaID)
	return Transition{Commands: []saga.Command{cmd}}, err
}

// refundFacts is what a refund request is decided on, read in the refund's
// transaction.
type refundFacts struct {
	// Owner, Status and Code are the subscription's.
	Owner, Status, Code string
	// RenewalCharging is set while a renewal charge awaits Billing's outcome
	// (which decides which payment is the latest).
	RenewalCharging bool
	// PaymentID is the payment of the latest paid period and PaidAt when it
	// was charged ("" when there is none to refund).
	PaymentID string
	PaidAt    time.Time
	// Saga is the subscription's saga state (nil when it has none).
	Saga *State
}

// startRefund decides whether userID may have subscription id refunded at
// now with refund window window, and turns its finished subscribe saga into
// a refund saga of the latest payment: the saga's new state and first
// transition. A subscription refunding or refunded already is ErrRefunding
// or ErrRefunded, so a request sent twice starts one saga.
func startRefund(id, userID string, f refundFacts, now time.Time, window time.Duration) (State, Transition, error) {
	switch {
	case f.Owner != userID:
		return State{}, Transition{}, ErrNotFound // never tell others which ids exist
	case f.Status == StatusRefunding:
		return State{}, Transition{}, ErrRefunding
	case f.Status == StatusEnded && f.Code == "refunded":
		return State{}, Transition{}, ErrRefunded
	case f.Status != StatusActive && f.Status != StatusPastDue:
		return State{}, Transition{}, ErrNothingToRefund
	case f.RenewalCharging:
		return State{}, Transition{}, ErrRenewalCharging
	case f.PaymentID == "":
		return State{}, Transition{}, ErrNothingToRefund
	}
	if err := Refundable(f.PaidAt, now, window); err != nil {
		return State{}, Transition{}, err
	}
	if f.Saga == nil {
		return State{}, Transition{}, ErrNothingToRefund
	}
	st := *f.Saga
	if st.Phase != PhaseDone || st.Kind == KindRefund {
		return State{}, Transition{}, ErrRefunding
	}
	tr, err := st.StartRefund(id, f.PaymentID)
	return st, tr, err
}

// ErrRenewalCharging refuses a refund while a renewal charge is under way
// (its outcome decides which payment is the latest).
var ErrRenewalCharging = errs.E(errs.FailedPrecondition, "a renewal payment of this subscription is under way; try again in a moment")

// inState adds the subscription's state to a FailedPrecondition err (a
// request the state does not allow, answered 409), so the caller sees why:
// {"state": "ended", "reason_code": "refunded"}. Other errors pass.
func inState(err error, status, code string) error {
	var e *errs.Error
	if !errors.As(err, &e) || e.Kind != errs.FailedPrecondition {
		return err
	}
	out := *e
	out.Details = map[string]string{"state": status}
	if code != "" {
		out.Details["reason_code"] = code
	}
	return &out
}

// end ends an active or past-due subscription now, with code saying why.
func (s *Subscription) end(code string) error {
	if s.Status != StatusActive && s.Status != StatusPastDue {
		return inState(ErrNotActive, s.Status, s.ReasonCode)
	}
	s.Status, s.ReasonCode, s.Reason, s.CancelAtPeriodEnd = StatusEnded, code, ReasonText(code, ""), false
	return nil
}
