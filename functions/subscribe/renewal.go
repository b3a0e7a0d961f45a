package subscribe

// Recurring billing: the rules of renewing a subscription, cancelling it at
// period end, dunning a failed renewal and refunding within a window, and how
// a billing-cycle tick is split into shards over a consistent-hash ring of
// workers. Like subscribe.go this file imports no cloud SDK; the tests drive
// it through a simulated year.

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"time"

	"github.com/google/uuid"

	"github.com/kwipper/kwipper/functions/contract/billingmsg"
	"github.com/kwipper/kwipper/functions/contract/subscribemsg"
	"github.com/kwipper/kwipper/shared/billingcal"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/hashring"
	"github.com/kwipper/kwipper/shared/money"
)

// ShardTopic carries the billing cycle's shard jobs: subscribe-billing-cycle
// splits a subscribemsg.Tick into one ShardJob per shard, and
// subscribe-billing-shard renews each.
const ShardTopic = "billing-cycle-shard"

// StatusPastDue is an active subscription whose renewal failed: access is
// kept while dunning retries the charge.
const StatusPastDue = "past_due"

// Codes a recurring subscription ends or is past due with.
const (
	CodePaymentFailed  = "payment_failed"
	CodeCancelledAtEnd = "cancelled_at_period_end"
	CodeAuthRequired   = "authentication_required"
	CodeMethodRequired = "payment_method_required"
	// CodeAwaitingPayment: a pay-later renewal waits for the learner to
	// pay; CodePaymentExpired: it was not paid in time (the subscription
	// ended).
	CodeAwaitingPayment = "awaiting_payment"
	CodePaymentExpired  = "payment_expired"
	DefaultRetryDays    = "1,3,5,7"
	DefaultRefundWindow = 14 * 24 * time.Hour
)

func init() {
	reasons[CodePaymentFailed] = "the renewal payment failed after every retry; subscribe again with another card"
	reasons[CodeCancelledAtEnd] = "you cancelled the subscription; it ended with the period you paid for"
	reasons[CodeMethodRequired] = "your bank refused the saved payment method for good; add another before the last retry"
}

// Recurring is a subscription's recurring-billing state. Periods are counted
// from Anchor (the start of the first period) in UTC by billingcal: period n
// (0-based) runs from billingcal.PeriodEnd(Anchor, Interval, n) to
// PeriodEnd(Anchor, Interval, n+1).
type Recurring struct {
	SubscriptionID string
	UserID         string
	CourseID       string
	Price          money.Money
	Anchor         time.Time
	Interval       string
	// Status is StatusActive, StatusPastDue or StatusEnded.
	Status string
	// Period is the index of the period paid for last.
	Period int
	// CancelAtPeriodEnd ends the subscription when the period ends instead
	// of renewing it.
	CancelAtPeriodEnd bool
	// Failures counts failed charges of the renewal under way (0 when none).
	Failures int
	// DueAt is when the billing cycle next acts: the period end, or the next
	// dunning retry.
	DueAt time.Time
	// Code says why the subscription is past due or ended.
	Code string
	// MethodType is the single-use method each period is paid with ("" for
	// the saved card): its renewal is issued Lead before the period ends,
	// and waits for the learner until the payment's deadline (access
	// continues meanwhile: the grace).
	MethodType string
	// Lead is how long before the period ends a pay-later renewal is
	// issued (configuration, not stored).
	Lead time.Duration
}

// RenewAt is when the cycle next renews r's period: when it ends, or Lead
// before for a pay-later subscription.
func (r Recurring) RenewAt() time.Time {
	if r.MethodType == "" {
		return r.PeriodEnd()
	}
	return r.PeriodEnd().Add(-r.Lead)
}

// PeriodEnd is when the period paid for ends (access lasts until then, and
// through dunning).
func (r Recurring) PeriodEnd() time.Time {
	return billingcal.PeriodEnd(r.Anchor, r.Interval, r.Period+1)
}

// Due reports whether the billing cycle as of asOf must act on r.
func (r Recurring) Due(asOf time.Time) bool {
	return (r.Status == StatusActive || r.Status == StatusPastDue) && !r.DueAt.After(asOf)
}

// Renewal is one charge for the period that starts at PeriodStart.
type Renewal struct {
	SubscriptionID string
	Period         int
	PeriodStart    time.Time
	Attempt        int // 1 for the first charge, 2.. for dunning retries
	Amount         money.Money
}

// Key is the Stripe idempotency key of the renewal: one per (subscription,
// period, attempt). The same attempt processed twice reuses it and is never
// charged twice; a dunning retry is a new attempt Stripe must really try.
func (n Renewal) Key() string {
	return fmt.Sprintf("renew-%s-%s-%d", n.SubscriptionID, n.PeriodStart.UTC().Format("20060102T150405Z"), n.Attempt)
}

// EarlierKeys are the keys of the period's earlier attempts.
func (n Renewal) EarlierKeys() []string {
	var out []string
	for a := 1; a < n.Attempt; a++ {
		e := n
		e.Attempt = a
		out = append(out, e.Key())
	}
	return out
}

// ID names the renewal attempt's record (Renewals rows, Payments ids).
func (n Renewal) ID() string { return n.Key() }

// ChargeOutcome is what the billing service answered for a Renewal.
type ChargeOutcome struct {
	Result string // a Charge* constant
	Code   string // the decline code, when declined
	// Deadline is when a pay-later payment (ChargeAwaitingPayment) is
	// given up on.
	Deadline time.Time
}

// Step is what the cycle does with a due subscription: Charge a renewal, or
// End it without charging (cancelled at period end).
type Step struct {
	Charge *Renewal
	End    bool
}

// Next is what the cycle does now with due r.
func (r Recurring) Next() Step {
	if r.CancelAtPeriodEnd {
		return Step{End: true}
	}
	start := r.PeriodEnd()
	return Step{Charge: &Renewal{SubscriptionID: r.SubscriptionID, Period: r.Period + 1, PeriodStart: start,
		Attempt: r.Failures + 1, Amount: r.Price}}
}

// OnLatePayment applies a success that came after attempt n was settled
// as failed (the learner authenticated it, 3-D Secure): it pays n's period
// when that is the one being dunned; otherwise (paid already, ended) it
// changes nothing.
func (r *Recurring) OnLatePayment(n Renewal) RecurringChange {
	if r.Status != StatusPastDue || n.Period != r.Period+1 {
		return RecurringChange{}
	}
	r.Period, r.Failures, r.Status, r.Code = n.Period, 0, StatusActive, ""
	r.DueAt = r.RenewAt()
	return RecurringChange{Event: subscribemsg.EventRenewed}
}

// Transition is a change of a recurring subscription and the event that
// announces it ("" for none).
type RecurringChange struct {
	Event string
	Ended bool
}

// EndAtPeriodEnd ends r without charging (it was cancelled at period end).
func (r *Recurring) EndAtPeriodEnd() RecurringChange {
	r.Status, r.Code = StatusEnded, CodeCancelledAtEnd
	return RecurringChange{Event: subscribemsg.EventEnded, Ended: true}
}

// OnCharge applies the outcome of renewal n to r. retryDays is the dunning
// schedule: the retries after the first failure, in days from the period
// start (e.g. 1,3,5,7). A success extends the period and clears dunning; a
// failure makes r past due (access kept) until the last retry fails, which
// ends it. An outcome for another renewal than the one due is ignored.
func (r *Recurring) OnCharge(n Renewal, out ChargeOutcome, retryDays []int) RecurringChange {
	if r.Status == StatusEnded || r.Status == StatusRefunding || n.Period != r.Period+1 || n.Attempt != r.Failures+1 {
		return RecurringChange{}
	}
	if out.Result == billingmsg.ChargeSucceeded {
		r.Period, r.Failures, r.Status, r.Code = n.Period, 0, StatusActive, ""
		r.DueAt = r.RenewAt()
		return RecurringChange{Event: subscribemsg.EventRenewed}
	}
	switch out.Result {
	case billingmsg.ChargeAwaitingPayment:
		// The learner pays the next period with the instructions Billing
		// sent; access continues until the payment's deadline, when the
		// cycle asks for the same charge again and Billing settles it.
		if r.Code == CodeAwaitingPayment && r.DueAt.Equal(out.Deadline) {
			return RecurringChange{} // told before
		}
		r.Code, r.DueAt = CodeAwaitingPayment, out.Deadline
		return RecurringChange{Event: subscribemsg.EventActionRequired}
	case billingmsg.ChargeExpired:
		r.Status, r.Code = StatusEnded, CodePaymentExpired
		return RecurringChange{Event: subscribemsg.EventEnded, Ended: true}
	}
	r.Failures++
	if r.Failures > len(retryDays) {
		r.Status, r.Code = StatusEnded, CodePaymentFailed
		return RecurringChange{Event: subscribemsg.EventEnded, Ended: true}
	}
	r.Status = StatusPastDue
	r.Code = out.Code
	ev := subscribemsg.EventPastDue
	switch out.Result {
	case billingmsg.ChargeAuthRequired:
		// The bank wants the learner: they may authenticate this attempt
		// until the last retry (OnLatePayment); retries in between would
		// be asked the same. The last attempt settles theirs first.
		r.Failures = len(retryDays)
		r.Code, ev = CodeAuthRequired, subscribemsg.EventActionRequired
	case billingmsg.ChargeHardDeclined:
		// Retrying the same method cannot succeed: no retries in between;
		// the learner is asked for another method, and the last attempt of
		// the schedule charges whatever default they then have (none, or
		// the same refused one: the subscription ends).
		r.Failures = len(retryDays)
		r.Code, ev = CodeMethodRequired, subscribemsg.EventActionRequired
	}
	if r.Code == "" {
		r.Code = "card_declined"
	}
	r.DueAt = n.PeriodStart.AddDate(0, 0, retryDays[r.Failures-1])
	return RecurringChange{Event: ev}
}

// Errors of cancelling at period end, resuming and refunding.
var (
	ErrNotRenewing      = errs.E(errs.FailedPrecondition, "only an active or past-due subscription can be cancelled at period end")
	ErrNotCancelling    = errs.E(errs.FailedPrecondition, "the subscription is not set to cancel at period end")
	ErrRefundWindowOver = errs.E(errs.FailedPrecondition, "the refund window of this payment has passed")
)

// CancelAtEnd sets r to end when its period ends; doing it twice changes
// nothing (and announces nothing).
func (r *Recurring) CancelAtEnd() (RecurringChange, error) {
	if r.Status != StatusActive && r.Status != StatusPastDue {
		return RecurringChange{}, ErrNotRenewing
	}
	if r.CancelAtPeriodEnd {
		return RecurringChange{}, nil
	}
	r.CancelAtPeriodEnd = true
	return RecurringChange{Event: subscribemsg.EventCancelScheduled}, nil
}

// Resume undoes CancelAtEnd before the period ends.
func (r *Recurring) Resume(now time.Time) (RecurringChange, error) {
	if r.Status != StatusActive && r.Status != StatusPastDue {
		return RecurringChange{}, ErrNotCancelling
	}
	if !r.CancelAtPeriodEnd {
		return RecurringChange{}, nil
	}
	if !now.Before(r.DueAt) {
		return RecurringChange{}, ErrNotCancelling
	}
	r.CancelAtPeriodEnd = false
	return RecurringChange{Event: subscribemsg.EventCancelUnscheduled}, nil
}

// Refundable reports whether a payment made at paidAt may still be refunded
// at now with refund window window.
func Refundable(paidAt, now time.Time, window time.Duration) error {
	if now.Sub(paidAt) > window {
		return ErrRefundWindowOver
	}
	return nil
}

// ShardOf is the billing shard of subscription id among shards: stored on
// the row so the due index (Shard, DueAt) spreads writes over shards instead
// of a monotonic hot spot on time alone.
func ShardOf(id string, shards int) int {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32() % uint32(shards))
}

// ShardJob is the body of a billing-cycle-shard message: renew what is due
// in Shard as of AsOf. Worker is the ring member the shard falls to (a
// region or worker pool; it names the job's owner in logs and metrics).
type ShardJob struct {
	AsOf   time.Time `json:"as_of"`
	Shard  int       `json:"shard"`
	Shards int       `json:"shards"`
	Worker string    `json:"worker,omitempty"`
}

// Name names the job: its time, shard and shard count.
func (j ShardJob) Name() string {
	return "billing-shard-" + j.AsOf.UTC().Format("20060102T150405Z") + "-" + strconv.Itoa(j.Shard) + "-of-" + strconv.Itoa(j.Shards)
}

// EventID is the job's deterministic message id (a name-based UUID of Name,
// to fit the outbox's ids): the same tick split twice yields the same ids.
func (j ShardJob) EventID() string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte("kwipper:"+j.Name())).String()
}

// Split is the tick's work: one job per shard 0..shards-1, each assigned to
// its worker on the consistent-hash ring (workers empty: no assignment).
func Split(asOf time.Time, shards int, ring *hashring.Ring) []ShardJob {
	out := make([]ShardJob, shards)
	for i := range out {
		out[i] = ShardJob{AsOf: asOf.UTC(), Shard: i, Shards: shards}
		if ring != nil {
			out[i].Worker = ring.Lookup("shard-" + strconv.Itoa(i))
		}
	}
	return out
}
