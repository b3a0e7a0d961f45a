package subscribe

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/httpx"
	"github.com/kwipper/kwipper/shared/spanx"
)

// shardBatch bounds the subscriptions one shard query returns; the shard
// handler loops until none is due.
const shardBatch = 200

// billingCycle splits a billing-cycle tick into one job per shard, each
// assigned to its worker on the ring, published through the outbox with
// deterministic ids. The same as-of time is split once however often it is
// ticked.
func (s *Service) billingCycle(ctx context.Context, m events.Message) error {
	var t Tick
	if err := m.Decode(&t); err != nil {
		return err
	}
	asOf := m.PublishTime
	if t.AsOf != nil {
		asOf = *t.AsOf
	}
	if asOf.IsZero() {
		asOf = s.store.now()
	}
	asOf = asOf.UTC().Truncate(time.Second)
	jobs := Split(asOf, s.shards, s.ring)
	_, err := events.Once(ctx, s.store.db, "subscribe-billing-cycle", "cycle-"+asOf.Format(time.RFC3339), func(ctx context.Context, tx *spanx.Tx) error {
		for _, j := range jobs {
			ev, err := events.New(ShardTopic, "billing.shard", j)
			if err != nil {
				return err
			}
			ev.ID = j.EventID()
			if err := s.store.outbox.Add(ctx, tx, ev); err != nil {
				return err
			}
		}
		return nil
	})
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
	_, err := s.RenewShard(ctx, j)
	return err
}

// ShardResult counts what a shard run did.
type ShardResult struct {
	Due, Charging, Ended int
}

// RenewShard is the shard function's work.
func (s *Service) RenewShard(ctx context.Context, j ShardJob) (ShardResult, error) {
	var res ShardResult
	if j.Shards != 0 && j.Shards != s.shards {
		return res, errs.E(errs.Invalid, "shard job of %d shards reached a service configured with %d", j.Shards, s.shards)
	}
	if j.Shard < 0 || j.Shard >= s.shards {
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
	var c RenewalCharged
	if err := m.Decode(&c); err != nil {
		return err
	}
	if c.SubscriptionID == "" || c.Key == "" {
		return errs.E(errs.Invalid, "renewal outcome %s needs a subscription_id and a key", m.ID)
	}
	ch, err := s.store.settleRenewal(ctx, c, s.retryDays)
	if err == nil && ch.Event != "" {
		s.store.log.InfoContext(ctx, "renewal settled", "subscription_id", c.SubscriptionID, "key", c.Key, "event", ch.Event)
	}
	return err
}

// cancelAtPeriodEnd sets the caller's subscription to end when its period
// ends (no further charge; access until then).
func (s *Service) cancelAtPeriodEnd(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("subscriptionId")
	if err := s.store.changeRecurring(r.Context(), id, auth.Caller(r).UserID, (*Recurring).CancelAtEnd); err != nil {
		return err
	}
	return s.writeSub(w, r, id)
}

// resume undoes cancelAtPeriodEnd before the period ends.
func (s *Service) resume(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("subscriptionId")
	now := s.store.now()
	if err := s.store.changeRecurring(r.Context(), id, auth.Caller(r).UserID, func(rc *Recurring) (RecurringChange, error) {
		return rc.Resume(now)
	}); err != nil {
		return err
	}
	return s.writeSub(w, r, id)
}

func (s *Service) writeSub(w http.ResponseWriter, r *http.Request, id string) error {
	sub, err := s.store.get(r.Context(), id)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusOK, sub.view())
	return nil
}
