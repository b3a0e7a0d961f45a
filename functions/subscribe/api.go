package subscribe

import (
	"net/http"
	"time"

	"github.com/kwipper/kwipper/functions/contract/billingmsg"
	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/hashring"
	"github.com/kwipper/kwipper/shared/httpx"
	"github.com/kwipper/kwipper/shared/idempotency"
	"github.com/kwipper/kwipper/shared/money"
)

// Service is the Subscribe service: the API, the saga orchestrator (reply
// handler and sweeper), Subscribe's own saga steps and the billing cycle.
type Service struct {
	store store
	cfg   Config
	ring  *hashring.Ring
}

// build makes the service from its settings.
func build(d fnreg.Deps) (*Service, error) {
	r := d.Env()
	c := loadConfig(r)
	if err := r.Err(); err != nil {
		return nil, err
	}
	return New(d, c), nil
}

// New returns the Subscribe service on d's database and outbox with
// settings c (zero fields take their defaults).
func New(d fnreg.Deps, c Config) *Service {
	def := loadConfig(fnreg.Deps{}.Env())
	if c.StepTimeout <= 0 {
		c.StepTimeout = def.StepTimeout
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = def.MaxAttempts
	}
	if c.Shards <= 0 {
		c.Shards = def.Shards
	}
	if len(c.Workers) == 0 {
		c.Workers = def.Workers
	}
	if len(c.RetryDays) == 0 {
		c.RetryDays = def.RetryDays
	}
	if c.RefundWindow <= 0 {
		c.RefundWindow = def.RefundWindow
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return &Service{store: newStore(d, c), cfg: c, ring: hashring.New(0, c.Workers...)}
}

// create starts a subscription saga and answers 202 with the pending
// subscription at once; a live subscription to the course is 409 straight
// away.
func (s *Service) create(w http.ResponseWriter, r *http.Request) error {
	var req CreateRequest
	if err := httpx.Decode(w, r, &req); err != nil {
		return err
	}
	if err := validateCreate(req); err != nil {
		return err
	}
	p := auth.Caller(r)
	sub := Subscription{ID: idempotency.ID(r.Context(), 0), UserID: p.UserID, CourseID: req.CourseID, Status: StatusPending}
	st := State{UserID: sub.UserID, Course: sub.CourseID}
	if billingmsg.PayLater(req.PaymentMethodType) {
		st.MethodType = req.PaymentMethodType
	}
	tr, err := st.Start(sub.ID)
	if err != nil {
		return err
	}
	got, err := s.store.create(r.Context(), sub, st, tr)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/v1/subscriptions/"+sub.ID)
	httpx.WriteJSON(w, http.StatusAccepted, got.view())
	return nil
}

func (s *Service) get(w http.ResponseWriter, r *http.Request) error {
	sub, err := s.store.get(r.Context(), r.PathValue("subscriptionId"))
	if err != nil {
		return err
	}
	if sub.UserID != auth.Caller(r).UserID {
		return ErrNotFound
	}
	httpx.WriteJSON(w, http.StatusOK, sub.view())
	return nil
}

func (s *Service) listMine(w http.ResponseWriter, r *http.Request) error {
	subs, err := s.store.byUser(r.Context(), auth.Caller(r).UserID, 100)
	if err != nil {
		return err
	}
	l := List{Subscriptions: make([]View, 0, len(subs))}
	for _, sub := range subs {
		l.Subscriptions = append(l.Subscriptions, sub.view())
	}
	httpx.WriteJSON(w, http.StatusOK, l)
	return nil
}

// cancel ends the caller's active subscription now: access stops
// (subscription.ended); the period already paid is not refunded.
func (s *Service) cancel(w http.ResponseWriter, r *http.Request) error {
	sub, err := s.store.end(r.Context(), r.PathValue("subscriptionId"), auth.Caller(r).UserID, "cancelled")
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, sub.view())
	return nil
}

// refund starts the refund saga of the caller's subscription and answers 202
// with it (refunding); the refund completes asynchronously.
func (s *Service) refund(w http.ResponseWriter, r *http.Request) error {
	sub, err := s.store.startRefund(r.Context(), r.PathValue("subscriptionId"), auth.Caller(r).UserID, s.cfg.RefundWindow)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusAccepted, sub.view())
	return nil
}

// cancelAtPeriodEnd sets the caller's subscription to end when its period
// ends (no further charge; access until then).
func (s *Service) cancelAtPeriodEnd(w http.ResponseWriter, r *http.Request) error {
	sub, err := s.store.changeRecurring(r.Context(), r.PathValue("subscriptionId"), auth.Caller(r).UserID, (*Recurring).CancelAtEnd)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, sub.view())
	return nil
}

// resume undoes cancelAtPeriodEnd before the period ends.
func (s *Service) resume(w http.ResponseWriter, r *http.Request) error {
	now := s.cfg.Now()
	sub, err := s.store.changeRecurring(r.Context(), r.PathValue("subscriptionId"), auth.Caller(r).UserID, func(rc *Recurring) (RecurringChange, error) {
		return rc.Resume(now)
	})
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, sub.view())
	return nil
}

// CreateRequest is the body of POST /v1/subscriptions.
type CreateRequest struct {
	CourseID string `json:"course_id" example:"7c9e6679-7425-40de-944b-e07fc1f90ae7"`
	// PaymentMethodType is how the first payment is made: card (the saved
	// card; the default) or a method the learner pays after subscribing
	// (konbini in JP; oxxo or customer_balance, a SPEI transfer, in MX;
	// qris or gopay in ID). The subscription stays pending, its action
	// naming the payment whose instructions GET
	// /v1/billing/payments/{payment_id}/action gives, and starts once the
	// payment is confirmed; unpaid when the instructions expire, it fails
	// (payment_expired) and nothing is charged.
	PaymentMethodType string `json:"payment_method_type,omitempty" enum:"card,konbini,oxxo,customer_balance,qris,gopay" example:"oxxo"`
}

// View is a subscription as the API shows it.
type View struct {
	ID          string       `json:"id" example:"1d2e3f4a-5b6c-4d7e-8f90-a1b2c3d4e5f6"`
	UserID      string       `json:"user_id" example:"5a1f2d3c-8b9e-4f60-a7d1-3e2c4b5a6f70"`
	CourseID    string       `json:"course_id" example:"7c9e6679-7425-40de-944b-e07fc1f90ae7"`
	Status      string       `json:"status" enum:"pending,active,past_due,refunding,failed,ended" example:"active"`
	ReasonCode  string       `json:"reason_code,omitempty"`
	Reason      string       `json:"reason,omitempty"`
	Price       *money.Money `json:"price,omitempty"`
	CreatedAt   time.Time    `json:"created_at"`
	UpdatedAt   time.Time    `json:"updated_at"`
	ActivatedAt *time.Time   `json:"activated_at,omitempty"`
	EndedAt     *time.Time   `json:"ended_at,omitempty"`
	PeriodEnd   *time.Time   `json:"period_end,omitempty"`
	// CancelAtPeriodEnd is true when the subscription ends at PeriodEnd
	// instead of renewing (POST .../resume undoes that before then).
	CancelAtPeriodEnd bool `json:"cancel_at_period_end"`
	// Action is set while a payment waits for the learner to authenticate
	// it (3-D Secure): GET /v1/billing/payments/{payment_id}/action gives
	// the PaymentIntent's client secret for Stripe.js.
	Action *ActionView `json:"action,omitempty"`
}

// ActionView is a payment waiting for the learner.
type ActionView struct {
	PaymentID string    `json:"payment_id"`
	ExpiresAt time.Time `json:"expires_at"`
}

// List is the caller's subscriptions, newest first.
type List struct {
	Subscriptions []View `json:"subscriptions"`
}

func (s Subscription) view() View {
	v := View{ID: s.ID, UserID: s.UserID, CourseID: s.CourseID, Status: s.Status, ReasonCode: s.ReasonCode,
		Reason: s.Reason, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt, CancelAtPeriodEnd: s.CancelAtPeriodEnd}
	if s.ActionPaymentID != "" {
		v.Action = &ActionView{PaymentID: s.ActionPaymentID, ExpiresAt: s.ActionDeadline}
	}
	if s.Price.Currency != "" {
		p := s.Price
		v.Price = &p
	}
	opt := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		return &t
	}
	v.ActivatedAt, v.EndedAt, v.PeriodEnd = opt(s.ActivatedAt), opt(s.EndedAt), opt(s.PeriodEnd)
	return v
}
