package subscribe

import (
	"context"
	"errors"
	"time"

	"github.com/kwipper/kwipper/functions/contract/billingmsg"
	"github.com/kwipper/kwipper/functions/contract/subscribemsg"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/saga"
)

// The Subscribe service's consumers: the saga orchestrator (participants'
// replies and the sweeper), Billing's events, and the billing cycle (a tick
// split into shard jobs, each renewing its shard's due subscriptions).

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
		tr, err := s.store.advance(ctx, id, true, func(st *State) (Transition, error) { return st.OnTimeout(id, s.store.cfg.MaxAttempts) })
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

// onBillingEvent ends the subscription whose payment was refunded outside the
// saga (e.g. from Stripe's dashboard).
func (s *Service) onBillingEvent(ctx context.Context, m events.Message) error {
	if m.Type == billingmsg.EventRenewalCharged {
		return s.onRenewalCharged(ctx, m)
	}
	if m.Type != billingmsg.EventPaymentRefunded {
		return nil
	}
	var d billingmsg.PaymentRefunded
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

// shardBatch bounds the subscriptions one shard query returns; the shard
// handler loops until none is due.
const shardBatch = 200

// billingCycle splits a billing-cycle tick into one job per shard, each
// assigned to its worker on the ring, published through the outbox with
// deterministic ids. The same as-of time is split once however often it is
// ticked.
func (s *Service) billingCycle(ctx context.Context, m events.Message) error {
	var t subscribemsg.Tick
	if err := m.Decode(&t); err != nil {
		return err
	}
	asOf := m.PublishTime
	if t.AsOf != nil {
		asOf = *t.AsOf
	}
	if asOf.IsZero() {
		asOf = s.store.cfg.Now()
	}
	asOf = asOf.UTC().Truncate(time.Second)
	jobs := Split(asOf, s.store.cfg.Shards, s.ring)
	err := s.store.splitCycle(ctx, asOf, jobs)
	if err == nil {
		s.store.log.InfoContext(ctx, "billing cycle split", "as_of", asOf, "shards", len(jobs))
	}
	return err
}

// billingShard renews every subscription of a shard due as of the job's
// time. It is safe to run twice or to resume after dying part way: each
// subscription is renewed in its own transaction, a renewed one is no longer
// due, and one whose charge is under way is asked again with the same
// idempotency key.
func (s *Service) billingShard(ctx context.Context, m events.Message) error {
	var j ShardJob
	if err := m.Decode(&j); err != nil {
		return err
	}
	res, err := s.RenewShard(ctx, j)
	if err != nil {
		return err
	}
	return s.store.recordShard(ctx, j, res)
}

// ShardResult counts what a shard run did.
type ShardResult struct {
	Due, Charging, Ended int
}

// RenewShard is the shard function's work.
func (s *Service) RenewShard(ctx context.Context, j ShardJob) (ShardResult, error) {
	var res ShardResult
	if j.Shards != 0 && j.Shards != s.store.cfg.Shards {
		return res, errs.E(errs.Invalid, "shard job of %d shards reached a service configured with %d", j.Shards, s.store.cfg.Shards)
	}
	if j.Shard < 0 || j.Shard >= s.store.cfg.Shards {
		return res, errs.E(errs.Invalid, "shard %d out of range", j.Shard)
	}
	var after map[string]bool // ids handled this run: a charging one stays due until Billing answers
	for {
		ids, err := s.store.dueIDs(ctx, j.Shard, j.AsOf, shardBatch)
		if err != nil {
			return res, err
		}
		fresh := 0
		var firstErr error
		for _, id := range ids {
			if after[id] {
				continue
			}
			if after == nil {
				after = map[string]bool{}
			}
			after[id] = true
			fresh++
			res.Due++
			did, err := s.store.renewOne(ctx, id, j.AsOf)
			if err != nil {
				firstErr = errors.Join(firstErr, err)
				continue
			}
			switch did {
			case "charging":
				res.Charging++
			case "ended":
				res.Ended++
			}
		}
		if firstErr != nil {
			return res, firstErr
		}
		if fresh == 0 || len(ids) < shardBatch {
			return res, nil
		}
	}
}

// onRenewalCharged applies Billing's outcome of a renewal charge.
func (s *Service) onRenewalCharged(ctx context.Context, m events.Message) error {
	var c billingmsg.RenewalCharged
	if err := m.Decode(&c); err != nil {
		return err
	}
	if c.SubscriptionID == "" || c.Key == "" {
		return errs.E(errs.Invalid, "renewal outcome %s needs a subscription_id and a key", m.ID)
	}
	ch, err := s.store.settleRenewal(ctx, c, s.store.cfg.RetryDays)
	if err == nil && ch.Event != "" {
		s.store.log.InfoContext(ctx, "renewal settled", "subscription_id", c.SubscriptionID, "key", c.Key, "event", ch.Event)
	}
	return err
}
