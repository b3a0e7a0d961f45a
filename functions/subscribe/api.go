package subscribe

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"cloud.google.com/go/spanner"
	"github.com/google/uuid"

	"github.com/kwipper/kwipper/functions/subscribe/saga"
	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/billingcal"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/hashring"
	"github.com/kwipper/kwipper/shared/httpx"
	"github.com/kwipper/kwipper/shared/spanx"
)

// Service is the Subscribe service: the API, the saga orchestrator (reply
// handler and sweeper) and Subscribe's own saga steps.
type Service struct {
	store       store
	maxAttempts int
	newID       func() string
	participant *saga.Participant
	shards      int
	ring        *hashring.Ring
	retryDays   []int
	// refundWindow is how long after its latest successful charge a
	// subscription may be refunded.
	refundWindow time.Duration
}

// Config is what New needs.
type Config struct {
	// DB is a client of the subscriptions database.
	DB *spanner.Client
	// Outbox sends commands and events with the changes that cause them.
	Outbox *events.Outbox
	// Log is the logger (default slog.Default()).
	Log *slog.Logger
	// StepTimeout is how long a step's reply may take before the sweeper
	// sends its command again (default 30s); MaxAttempts how often it is
	// sent before the saga compensates (default 3).
	StepTimeout time.Duration
	MaxAttempts int
	// Now is the clock (default time.Now).
	Now func() time.Time
	// NewID makes subscription ids (default random UUIDs).
	NewID func() string
	// FailStep and DuplicateCommands are test-only hooks (see config.Saga).
	FailStep          func(step, courseID string) bool
	DuplicateCommands bool
	// Shards is how many shards the billing cycle splits subscriptions into
	// (default 16); Workers the members of the consistent-hash ring the
	// shards are assigned to (default one, "default").
	Shards  int
	Workers []string
	// RetryDays is the dunning schedule: days after a failed renewal's
	// period start to retry it (default 1,3,5,7).
	RetryDays []int
	// RefundWindow is how long after its latest successful charge a
	// learner may have a subscription refunded (default
	// DefaultRefundWindow, 14 days).
	RefundWindow time.Duration
}

// New returns the Subscribe service; DB and Outbox are required.
func New(c Config) *Service {
	if c.DB == nil || c.Outbox == nil {
		panic("subscribe.New: Config.DB and Config.Outbox are required")
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	if c.StepTimeout <= 0 {
		c.StepTimeout = 30 * time.Second
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 3
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.NewID == nil {
		c.NewID = uuid.NewString
	}
	if c.Shards <= 0 {
		c.Shards = 16
	}
	if len(c.Workers) == 0 {
		c.Workers = []string{"default"}
	}
	if len(c.RetryDays) == 0 {
		c.RetryDays, _ = billingcal.ParseDays(DefaultRetryDays)
	}
	if c.RefundWindow <= 0 {
		c.RefundWindow = DefaultRefundWindow
	}
	return &Service{
		store: store{db: c.DB, outbox: c.Outbox, log: c.Log, now: c.Now, timeout: c.StepTimeout, duplicate: c.DuplicateCommands},
		participant: &saga.Participant{DB: c.DB, Outbox: c.Outbox, Publisher: c.Outbox.Publisher, Fail: c.FailStep,
			Log: c.Log},
		maxAttempts: c.MaxAttempts, newID: c.NewID,
		shards: c.Shards, ring: hashring.New(0, c.Workers...), retryDays: c.RetryDays,
		refundWindow: c.RefundWindow,
	}
}

// Handlers returns the service's function handlers by function name.
func (s *Service) Handlers() map[string]http.Handler {
	p := s.participant
	return map[string]http.Handler{
		"subscribe-create":           httpx.Handler(s.create),
		"subscribe-get":              httpx.Handler(s.get),
		"subscribe-list-mine":        httpx.Handler(s.listMine),
		"subscribe-cancel":           httpx.Handler(s.cancel),
		"subscribe-refund":           httpx.Handler(s.refund),
		"subscribe-on-reply":         events.Push(s.onReply),
		"subscribe-sweep":            events.Push(s.sweep),
		"subscribe-outbox-relay":     events.Push(s.relay),
		"subscribe-on-billing-event": events.Push(s.onBillingEvent),
		"subscribe-saga-validate":    events.Push(p.Handler(saga.Step{Apply: s.stepValidate})),
		"subscribe-saga-subscribe":   events.Push(p.Handler(saga.Step{Apply: s.stepSubscribe})),
		"subscribe-saga-unsubscribe": events.Push(p.Handler(saga.Step{Apply: s.stepUnsubscribe})),

		"subscribe-billing-cycle":        events.Push(s.billingCycle),
		"subscribe-billing-shard":        events.Push(s.billingShard),
		"subscribe-cancel-at-period-end": httpx.Handler(s.cancelAtPeriodEnd),
		"subscribe-resume":               httpx.Handler(s.resume),
	}
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
	sub := Subscription{ID: s.newID(), UserID: p.UserID, CourseID: req.CourseID, Status: StatusPending}
	st := State{UserID: sub.UserID, Course: sub.CourseID}
	tr, err := st.Start(sub.ID)
	if err != nil {
		return err
	}
	if err := s.store.create(r.Context(), sub, st, tr); err != nil {
		return err
	}
	got, err := s.store.get(r.Context(), sub.ID)
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

// onReply advances the saga a participant replied to. Replies the saga no
// longer waits for (duplicates, late ones) are acknowledged and ignored.
func (s *Service) onReply(ctx context.Context, m events.Message) error {
	var rep saga.Reply
	if err := m.Decode(&rep); err != nil {
		return err
	}
	if rep.SagaID == "" || rep.Step == "" {
		return errs.E(errs.Invalid, "saga reply %s needs a saga_id and a step", m.ID)
	}
	tr, err := s.store.advance(ctx, rep.SagaID, false, func(st *State) (Transition, error) { return st.OnReply(rep.SagaID, rep) })
	if err != nil {
		return err
	}
	if tr.Finished != "" {
		s.store.log.InfoContext(ctx, "saga finished", "saga_id", rep.SagaID, "status", tr.Finished)
	}
	return nil
}

// sweep acts on every overdue saga: its command again, or compensation once
// the attempts are spent. A Cloud Scheduler tick triggers it every minute.
func (s *Service) sweep(ctx context.Context, _ events.Message) error {
	_, err := s.Sweep(ctx)
	return err
}

// Sweep is the sweeper's work, reporting how many sagas it moved on.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	ids, err := s.store.overdue(ctx, 200)
	if err != nil {
		return 0, err
	}
	moved := 0
	var firstErr error
	for _, id := range ids {
		tr, err := s.store.advance(ctx, id, true, func(st *State) (Transition, error) { return st.OnTimeout(id, s.maxAttempts) })
		if err != nil {
			firstErr = errors.Join(firstErr, err)
			continue
		}
		if !tr.Ignored {
			moved++
			s.store.log.WarnContext(ctx, "saga step overdue", "saga_id", id, "finished", tr.Finished)
		}
	}
	return moved, firstErr
}

// relay publishes what the outbox still holds.
func (s *Service) relay(ctx context.Context, _ events.Message) error {
	_, err := s.store.outbox.Sweep(ctx, 500)
	return err
}

// stepValidate is ValidateSubscription: the course's rules, and that this
// saga's subscription is the learner's one live subscription to the course.
func (s *Service) stepValidate(ctx context.Context, tx *spanx.Tx, cmd saga.Command, _ saga.Input) (saga.Outcome, error) {
	var info saga.CourseInfo
	if err := cmd.Decode(&info); err != nil {
		return saga.Outcome{}, err
	}
	if code := validate(cmd.UserID, info); code != "" {
		return saga.Failure(code, ReasonText(code, "")), nil
	}
	row, err := tx.ReadRow(ctx, "LiveSubscriptions", spanner.Key{cmd.UserID, cmd.CourseID}, []string{"SubscriptionId"})
	if err != nil && !spanx.IsNotFound(err) {
		return saga.Outcome{}, err
	}
	var live string
	if err == nil {
		if err := row.Columns(&live); err != nil {
			return saga.Outcome{}, err
		}
	}
	if live != cmd.SagaID {
		return saga.Failure("already_subscribed", ReasonText("already_subscribed", "")), nil
	}
	return saga.Success(nil), nil
}

// stepSubscribe is Subscribe: the subscription gets its price, payment and
// first period (it becomes active only when the whole saga succeeds).
func (s *Service) stepSubscribe(_ context.Context, tx *spanx.Tx, cmd saga.Command, _ saga.Input) (saga.Outcome, error) {
	var args saga.SubscribeArgs
	if err := cmd.Decode(&args); err != nil {
		return saga.Outcome{}, err
	}
	start := s.store.now().UTC()
	interval := args.BillingInterval
	if !billingcal.Valid(interval) {
		interval = billingcal.Month
	}
	end := billingcal.PeriodEnd(start, interval, 1)
	// The recurring columns: anchored at the start, due when the first
	// period ends (the cycle acts only once the subscription is active).
	return saga.Success(saga.SubscribeData{PeriodStart: start, PeriodEnd: end}), tx.BufferWrite([]*spanner.Mutation{spanner.Update("Subscriptions",
		[]string{"SubscriptionId", "PriceAmount", "Currency", "PaymentId", "PeriodStart", "PeriodEnd", "Anchor", "BillingInterval",
			"Period", "Failures", "CancelAtPeriodEnd", "DueAt", "Shard", "UpdatedAt"},
		[]any{cmd.SagaID, args.Price.Amount, args.Price.Currency, args.PaymentID, start, end, start, interval,
			int64(0), int64(0), false, end, int64(ShardOf(cmd.SagaID, s.shards)), spanner.CommitTimestamp})})
}

// stepUnsubscribe is Unsubscribe, the compensation of Subscribe.
func (s *Service) stepUnsubscribe(_ context.Context, tx *spanx.Tx, cmd saga.Command, _ saga.Input) (saga.Outcome, error) {
	return saga.Success(nil), tx.BufferWrite([]*spanner.Mutation{spanner.Update("Subscriptions",
		[]string{"SubscriptionId", "PaymentId", "PeriodStart", "PeriodEnd", "Anchor", "DueAt", "UpdatedAt"},
		[]any{cmd.SagaID, nil, nil, nil, nil, nil, spanner.CommitTimestamp})})
}

// onBillingEvent ends the subscription whose payment was refunded outside the
// saga (e.g. from Stripe's dashboard).
func (s *Service) onBillingEvent(ctx context.Context, m events.Message) error {
	if m.Type == EventRenewalCharged {
		return s.onRenewalCharged(ctx, m)
	}
	if m.Type != EventPaymentRefunded {
		return nil
	}
	var d PaymentRefunded
	if err := m.Decode(&d); err != nil {
		return err
	}
	if d.SagaID == "" {
		return nil
	}
	_, err := s.store.end(ctx, d.SagaID, "", "refunded")
	if errs.Is(err, errs.NotFound) || errs.Is(err, errs.FailedPrecondition) {
		return nil // not ours, or never active (a compensated saga)
	}
	return err
}

// Billing's events this service consumes (the Billing service publishes
// them; the constants live here so neither service imports the other).
const (
	// BillingTopic is the Billing service's topic.
	BillingTopic = "billing-events"
	// EventPaymentRefunded says a payment was refunded.
	EventPaymentRefunded = "payment.refunded"
)

// PaymentRefunded is the payload of payment.refunded.
type PaymentRefunded struct {
	PaymentID string `json:"payment_id"`
	SagaID    string `json:"saga_id"`
	UserID    string `json:"user_id"`
}

// Plugin plugs the Subscribe service into the platform.
var Plugin = fnreg.Service{
	Name: "subscribe", Database: Database, Publishes: append([]string{Topic, saga.RepliesTopic, ShardTopic, RenewalChargeTopic}, commandTopics()...),
	Migrations: Migrations,
	Build: func(d fnreg.Deps) (map[string]http.Handler, error) {
		s := New(Config{DB: d.DB, Outbox: d.Outbox, Log: d.Log, StepTimeout: d.Config.Saga.StepTimeout,
			MaxAttempts: d.Config.Saga.MaxAttempts, FailStep: d.Config.Saga.FailStep,
			DuplicateCommands: d.Config.Saga.DuplicateCommands, Shards: d.Config.Recurring.Shards,
			Workers: d.Config.Recurring.Workers, RetryDays: d.Config.Recurring.RetryDays,
			RefundWindow: d.Config.Recurring.RefundWindow})
		return s.Handlers(), nil
	},
}

// commandTopics lists every step's command topics.
func commandTopics() []string {
	var out []string
	for _, st := range saga.Steps {
		out = append(out, st.Do)
		if st.Undo != "" {
			out = append(out, st.Undo)
		}
	}
	return out
}
