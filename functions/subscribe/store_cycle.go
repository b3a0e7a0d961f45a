package subscribe

import (
	"context"
	"strings"
	"time"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/contract/subscribemsg"

	"github.com/kwipper/kwipper/shared/spanx"
)

// What a billing cycle did (BillingCycles, BillingCycleShards and the
// Renewals it started), for the operator who ran it.

// CycleReport is what the billing cycle as of AsOf has done so far.
type CycleReport struct {
	AsOf time.Time `json:"as_of"`
	// Split is false until the tick has been split into shard jobs.
	Split bool `json:"split"`
	// Shards is how many shard jobs the cycle has, ShardsDone how many
	// have renewed everything they found due.
	Shards     int `json:"shards"`
	ShardsDone int `json:"shards_done"`
	// Due is how many subscriptions the finished shards found due: Charging
	// of them were sent to Billing, EndedAtPeriodEnd ended without a
	// charge (cancelled at period end).
	Due              int `json:"due"`
	Charging         int `json:"charging"`
	EndedAtPeriodEnd int `json:"ended_at_period_end"`
	// What Billing's answers did to the renewals the cycle started:
	// Renewed paid the next period; PastDue declined and wait for a
	// dunning retry; ActionRequired wait for the learner (authenticate,
	// another method, pay a voucher); EndedUnpaid ended after the last retry; Waiting have
	// no answer yet.
	Renewed        int `json:"renewed"`
	PastDue        int `json:"past_due"`
	ActionRequired int `json:"action_required"`
	EndedUnpaid    int `json:"ended_unpaid"`
	Waiting        int `json:"waiting"`
}

// Done reports whether every shard has run and Billing has answered every
// renewal the cycle started.
func (r CycleReport) Done() bool {
	return r.Split && r.ShardsDone == r.Shards && r.Waiting == 0
}

// Failed is how many of the cycle's charges failed (past due, waiting for
// the learner, or ended unpaid).
func (r CycleReport) Failed() int { return r.PastDue + r.ActionRequired + r.EndedUnpaid }

// ReadCycle reads what the billing cycle as of asOf has done so far from the
// subscriptions database c serves (a strong read: what every shard and
// settlement committed before it).
func ReadCycle(ctx context.Context, c *spanner.Client, asOf time.Time) (CycleReport, error) {
	asOf = asOf.UTC().Truncate(time.Second)
	rep := CycleReport{AsOf: asOf}
	ro := c.ReadOnlyTransaction()
	defer ro.Close()
	row, err := ro.ReadRow(ctx, "BillingCycles", spanner.Key{asOf}, []string{"Shards"})
	if spanx.IsNotFound(err) {
		return rep, nil
	}
	if err != nil {
		return rep, spanx.Translate(err, "subscriptiondb.ReadCycle")
	}
	var shards int64
	if err := row.Columns(&shards); err != nil {
		return rep, err
	}
	rep.Split, rep.Shards = true, int(shards)
	err = spanx.Each(ro.Read(ctx, "BillingCycleShards", spanner.Key{asOf}.AsPrefix(), []string{"Due", "Charging", "Ended"}), func(r *spanner.Row) error {
		var due, charging, ended int64
		if err := r.Columns(&due, &charging, &ended); err != nil {
			return err
		}
		rep.ShardsDone++
		rep.Due += int(due)
		rep.Charging += int(charging)
		rep.EndedAtPeriodEnd += int(ended)
		return nil
	})
	if err != nil {
		return rep, spanx.Translate(err, "subscriptiondb.ReadCycle")
	}
	stmt := spanner.Statement{
		SQL: `SELECT Status, IFNULL(Outcome, ''), COUNT(*) FROM Renewals@{FORCE_INDEX=RenewalsByCycle, spanner_emulator.disable_query_null_filtered_index_check=true}
		      WHERE CycleAsOf = @asOf GROUP BY Status, Outcome`,
		Params: map[string]any{"asOf": asOf},
	}
	err = spanx.Each(ro.Query(ctx, stmt), func(r *spanner.Row) error {
		var status, outcome string
		var n int64
		if err := r.Columns(&status, &outcome, &n); err != nil {
			return err
		}
		switch {
		case status == RenewalCharging && outcome == outcomeAwaitingPayment:
			rep.ActionRequired += int(n) // a voucher, transfer or QR code the learner has yet to pay
		case status == RenewalCharging:
			rep.Waiting += int(n)
		case outcome == outcomeOf(subscribemsg.EventRenewed):
			rep.Renewed += int(n)
		case outcome == outcomeOf(subscribemsg.EventEnded):
			rep.EndedUnpaid += int(n)
		case outcome == outcomeOf(subscribemsg.EventActionRequired):
			rep.ActionRequired += int(n)
		default:
			rep.PastDue += int(n)
		}
		return nil
	})
	return rep, spanx.Translate(err, "subscriptiondb.ReadCycle")
}

// outcomeAwaitingPayment marks a renewal still charging because Billing
// answered that it waits for the learner to pay (a voucher, transfer or QR
// code).
const outcomeAwaitingPayment = "awaiting_payment"

// outcomeOf is what a settled renewal records of the event its settlement
// announced ("subscription.renewed" → "renewed").
func outcomeOf(event string) string {
	return strings.TrimPrefix(event, "subscription.")
}

// recordShard records what shard job j did, once: a job run again (a
// redelivery) keeps the first complete run's counts. A job whose cycle has
// no row (split before cycles were recorded) records nothing.
func (s *store) recordShard(ctx context.Context, j ShardJob, res ShardResult) error {
	asOf := j.AsOf.UTC().Truncate(time.Second)
	err := spanx.ReadWrite(ctx, s.db, func(ctx context.Context, tx *spanx.Tx) error {
		if _, err := tx.ReadRow(ctx, "BillingCycles", spanner.Key{asOf}, []string{"Shards"}); err != nil {
			if spanx.IsNotFound(err) {
				return nil
			}
			return err
		}
		_, err := tx.ReadRow(ctx, "BillingCycleShards", spanner.Key{asOf, int64(j.Shard)}, []string{"Due"})
		if err == nil || !spanx.IsNotFound(err) {
			return err
		}
		return tx.BufferWrite([]*spanner.Mutation{spanner.Insert("BillingCycleShards",
			[]string{"AsOf", "Shard", "Due", "Charging", "Ended", "DoneAt"},
			[]any{asOf, int64(j.Shard), int64(res.Due), int64(res.Charging), int64(res.Ended), spanner.CommitTimestamp})})
	})
	return spanx.Translate(err, "subscriptiondb.recordShard")
}
