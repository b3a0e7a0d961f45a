package subscribe

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kwipper/kwipper/functions/contract/billingmsg"
	"github.com/kwipper/kwipper/functions/contract/subscribemsg"
	"github.com/kwipper/kwipper/shared/billingcal"
	"github.com/kwipper/kwipper/shared/hashring"
	"github.com/kwipper/kwipper/shared/money"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// fakeCharger is a Stripe stand-in for the pure simulation: a card's
// behaviour decides each attempt, and a key charged before answers as before
// without charging again (Stripe's idempotency).
type fakeCharger struct {
	// decide answers attempt n of subscription sub's period.
	decide  func(sub string, n Renewal) ChargeOutcome
	byKey   map[string]ChargeOutcome
	charged []string // "sub period attempt date result"
	calls   int
}

func (f *fakeCharger) charge(n Renewal) ChargeOutcome {
	f.calls++
	if out, ok := f.byKey[n.Key()]; ok {
		return out
	}
	out := f.decide(n.SubscriptionID, n)
	f.byKey[n.Key()] = out
	f.charged = append(f.charged, fmt.Sprintf("%s p%d a%d %s %s", n.SubscriptionID, n.Period, n.Attempt, n.PeriodStart.Format("2006-01-02"), out.Result))
	return out
}

// runCycle is one billing cycle as of asOf over subs, the way the shard
// function runs it: every due subscription, its next step, its outcome.
func runCycle(subs map[string]*Recurring, f *fakeCharger, asOf time.Time, retry []int, log *[]string) {
	for _, id := range sortedIDs(subs) {
		r := subs[id]
		if !r.Due(asOf) {
			continue
		}
		st := r.Next()
		var ch RecurringChange
		if st.End {
			ch = r.EndAtPeriodEnd()
		} else {
			ch = r.OnCharge(*st.Charge, f.charge(*st.Charge), retry)
		}
		if ch.Event != "" {
			*log = append(*log, fmt.Sprintf("%s %s %s", asOf.Format("2006-01-02"), id, ch.Event))
		}
	}
}

func sortedIDs(m map[string]*Recurring) []string {
	var ids []string
	for id := range m {
		ids = append(ids, id)
	}
	for i := range ids {
		for j := i + 1; j < len(ids); j++ {
			if ids[j] < ids[i] {
				ids[i], ids[j] = ids[j], ids[i]
			}
		}
	}
	return ids
}

func newRecurring(id, anchor, interval string) *Recurring {
	a := at(anchor)
	return &Recurring{SubscriptionID: id, Anchor: a, Interval: interval, Status: StatusActive,
		Price: money.Money{Amount: 1000, Currency: "JPY"}, DueAt: billingcal.PeriodEnd(a, interval, 1)}
}

// TestSimulatedYears runs daily billing cycles (each tick processed twice)
// from 2027-01-31 to 2029-03-05 over subscriptions with mixed cards, and
// checks every charge, period and state.
func TestSimulatedYears(t *testing.T) {
	retry := []int{1, 3, 5, 7}
	subs := map[string]*Recurring{
		"m31-ok":      newRecurring("m31-ok", "2027-01-31T09:00:00Z", billingcal.Month),
		"y-leap":      newRecurring("y-leap", "2028-02-29T12:00:00Z", billingcal.Year),
		"y-plain":     newRecurring("y-plain", "2027-06-01T00:00:00Z", billingcal.Year),
		"m-recover":   newRecurring("m-recover", "2027-03-10T00:00:00Z", billingcal.Month),
		"m-never":     newRecurring("m-never", "2027-02-15T00:00:00Z", billingcal.Month),
		"m-auth":      newRecurring("m-auth", "2027-02-01T00:00:00Z", billingcal.Month),
		"m-cancel":    newRecurring("m-cancel", "2027-01-05T00:00:00Z", billingcal.Month),
		"m-resume":    newRecurring("m-resume", "2027-02-20T00:00:00Z", billingcal.Month),
		"m-late-join": newRecurring("m-late-join", "2028-01-31T00:00:00Z", billingcal.Month),
	}
	f := &fakeCharger{byKey: map[string]ChargeOutcome{}, decide: func(sub string, n Renewal) ChargeOutcome {
		ok := ChargeOutcome{Result: billingmsg.ChargeSucceeded}
		switch sub {
		case "m-recover": // period 3 declines twice, recovers on the second retry
			if n.Period == 3 && n.Attempt <= 2 {
				return ChargeOutcome{Result: billingmsg.ChargeDeclined, Code: "insufficient_funds"}
			}
		case "m-never": // from period 3 on the card never works again
			if n.Period >= 3 {
				return ChargeOutcome{Result: billingmsg.ChargeDeclined, Code: "card_declined"}
			}
		case "m-auth": // period 2 needs authentication; the learner does not answer, the last retry works
			if n.Period == 2 && n.Attempt == 1 {
				return ChargeOutcome{Result: billingmsg.ChargeAuthRequired}
			}
		}
		return ok
	}}
	var log []string
	for d := at("2027-01-31T00:00:00Z"); d.Before(at("2029-03-05T00:00:00Z")); d = d.AddDate(0, 0, 1) {
		asOf := d.Add(23 * time.Hour)
		switch d.Format("2006-01-02") {
		case "2027-04-20":
			if _, err := subs["m-cancel"].CancelAtEnd(); err != nil {
				t.Fatal(err)
			}
		case "2027-05-01":
			if _, err := subs["m-resume"].CancelAtEnd(); err != nil {
				t.Fatal(err)
			}
		case "2027-05-10":
			if _, err := subs["m-resume"].Resume(asOf); err != nil {
				t.Fatal(err)
			}
		}
		runCycle(subs, f, asOf, retry, &log)
		runCycle(subs, f, asOf, retry, &log) // the same tick again charges nothing
	}

	charges := func(sub string) []string {
		var out []string
		for _, c := range f.charged {
			if strings.HasPrefix(c, sub+" ") {
				out = append(out, strings.TrimPrefix(c, sub+" "))
			}
		}
		return out
	}
	// Month-end anchor: clamps to short months, back to the 31st after them.
	m31 := charges("m31-ok")
	wantStart := []string{"p1 a1 2027-02-28 succeeded", "p2 a1 2027-03-31 succeeded", "p3 a1 2027-04-30 succeeded",
		"p4 a1 2027-05-31 succeeded", "p5 a1 2027-06-30 succeeded"}
	if len(m31) != 25 || strings.Join(m31[:5], "|") != strings.Join(wantStart, "|") || m31[12] != "p13 a1 2028-02-29 succeeded" ||
		m31[24] != "p25 a1 2029-02-28 succeeded" {
		t.Errorf("m31-ok charges = %v", m31)
	}
	// Leap-day yearly anchor renews on Feb 28.
	if got := charges("y-leap"); strings.Join(got, "|") != "p1 a1 2029-02-28 succeeded" {
		t.Errorf("y-leap charges = %v", got)
	}
	if got := charges("y-plain"); strings.Join(got, "|") != "p1 a1 2028-06-01 succeeded" {
		t.Errorf("y-plain charges = %v", got)
	}
	// Declines then recovers in dunning: retried day +1, +3 (works); the
	// period stays on its anchor.
	rec := charges("m-recover")
	if strings.Join(rec[:5], "|") != "p1 a1 2027-04-10 succeeded|p2 a1 2027-05-10 succeeded|p3 a1 2027-06-10 declined|p3 a2 2027-06-10 declined|p3 a3 2027-06-10 succeeded" ||
		rec[5] != "p4 a1 2027-07-10 succeeded" {
		t.Errorf("m-recover charges = %v", rec)
	}
	// Never recovers: 1 + 4 retries, then ended.
	nev := charges("m-never")
	if len(nev) != 7 || nev[6] != "p3 a5 2027-05-15 declined" {
		t.Errorf("m-never charges = %v", nev)
	}
	if r := subs["m-never"]; r.Status != StatusEnded || r.Code != CodePaymentFailed || r.Period != 2 {
		t.Errorf("m-never = %+v", r)
	}
	// Cancelled at period end: no charge after, ended at the period end.
	// Cancelled on 04-20, in the period 04-05..05-05: renewed on 02-05, 03-05
	// and 04-05 only.
	if got := charges("m-cancel"); len(got) != 3 || got[2] != "p3 a1 2027-04-05 succeeded" {
		t.Errorf("m-cancel charges = %v", got)
	}
	if r := subs["m-cancel"]; r.Status != StatusEnded || r.Code != CodeCancelledAtEnd || !r.PeriodEnd().Equal(at("2027-05-05T00:00:00Z")) {
		t.Errorf("m-cancel = %+v (period end %v)", r, r.PeriodEnd())
	}
	if got := charges("m-resume"); len(got) != 24 {
		t.Errorf("m-resume charges = %d, want 24 (resumed before its period ended)", len(got))
	}
	if got := charges("m-auth"); len(got) != 26 || got[1] != "p2 a1 2027-04-01 authentication_required" || got[2] != "p2 a5 2027-04-01 succeeded" {
		t.Errorf("m-auth charges = %v", got)
	}
	if got := charges("m-late-join"); len(got) != 13 || got[0] != "p1 a1 2028-02-29 succeeded" {
		t.Errorf("m-late-join charges = %v", got)
	}

	// Every transition is an event, in order.
	wantEvents := []string{
		"2027-05-15 m-never subscription.past_due", "2027-05-16 m-never subscription.past_due",
		"2027-05-18 m-never subscription.past_due", "2027-05-20 m-never subscription.past_due",
		"2027-05-22 m-never subscription.ended",
		"2027-06-10 m-recover subscription.past_due", "2027-06-11 m-recover subscription.past_due",
		"2027-06-13 m-recover subscription.renewed",
		"2027-04-01 m-auth subscription.action_required", "2027-04-08 m-auth subscription.renewed",
		"2027-05-05 m-cancel subscription.ended",
	}
	joined := "\n" + strings.Join(log, "\n") + "\n"
	for _, w := range wantEvents {
		if !strings.Contains(joined, "\n"+w+"\n") {
			t.Errorf("missing event %q", w)
		}
	}
	// Past due keeps access: status past_due between the failure and the recovery.
	for id, r := range subs {
		if id != "m-never" && id != "m-cancel" && r.Status != StatusActive {
			t.Errorf("%s ended %s (%s)", id, r.Status, r.Code)
		}
	}
	// Each charge attempt happened once although every tick ran twice.
	if f.calls != len(f.charged) {
		t.Errorf("Stripe called %d times for %d distinct charges: a tick processed twice charged again", f.calls, len(f.charged))
	}
}

func TestCancelResumeRules(t *testing.T) {
	r := newRecurring("s", "2027-01-10T00:00:00Z", billingcal.Month)
	if ch, err := r.CancelAtEnd(); err != nil || ch.Event != subscribemsg.EventCancelScheduled {
		t.Fatalf("cancel = %v, %v", ch, err)
	}
	if ch, err := r.CancelAtEnd(); err != nil || ch.Event != "" {
		t.Fatalf("cancel twice = %v, %v (want no event)", ch, err)
	}
	if _, err := r.Resume(at("2027-02-10T00:00:00Z")); err != ErrNotCancelling {
		t.Fatalf("resume at period end = %v, want ErrNotCancelling", err)
	}
	if ch, err := r.Resume(at("2027-02-09T00:00:00Z")); err != nil || ch.Event != subscribemsg.EventCancelUnscheduled || r.CancelAtPeriodEnd {
		t.Fatalf("resume = %v, %v", ch, err)
	}
	if ch, err := r.Resume(at("2027-02-09T00:00:00Z")); err != nil || ch.Event != "" {
		t.Fatalf("resume twice = %v, %v", ch, err)
	}
	r.Status = StatusEnded
	if _, err := r.CancelAtEnd(); err != ErrNotRenewing {
		t.Fatalf("cancel ended = %v", err)
	}
	// A stale outcome (another attempt) changes nothing.
	r2 := newRecurring("s2", "2027-01-10T00:00:00Z", billingcal.Month)
	if ch := r2.OnCharge(Renewal{Period: 1, Attempt: 2}, ChargeOutcome{Result: billingmsg.ChargeSucceeded}, []int{1}); ch.Event != "" || r2.Period != 0 {
		t.Fatalf("stale outcome applied: %+v", r2)
	}
}

func TestRefundable(t *testing.T) {
	paid := at("2027-01-10T00:00:00Z")
	cases := []struct {
		name string
		now  time.Time
		ok   bool
	}{
		{"refund_within_window", paid.Add(13 * 24 * time.Hour), true},
		{"refund_at_window_end", paid.Add(DefaultRefundWindow), true},
		{"refund_412_window_over", paid.Add(DefaultRefundWindow + time.Second), false},
	}
	for _, c := range cases {
		if err := Refundable(paid, c.now, DefaultRefundWindow); (err == nil) != c.ok {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}

func TestRenewalKey(t *testing.T) {
	n := Renewal{SubscriptionID: "3f2a", PeriodStart: at("2027-02-28T09:00:00+09:00"), Attempt: 2}
	if got := n.Key(); got != "renew-3f2a-20270228T000000Z-2" {
		t.Fatalf("Key = %q", got)
	}
	if len("renew-"+strings.Repeat("x", 36)+"-20270228T000000Z-12") > 64 {
		t.Fatalf("keys overflow Payments.PaymentId STRING(64)")
	}
}

func TestSplitAndShards(t *testing.T) {
	asOf := at("2027-01-31T00:00:00+09:00")
	ring := hashring.New(0, "asia-southeast2", "asia-northeast1", "northamerica-south1")
	jobs := Split(asOf, 64, ring)
	if len(jobs) != 64 {
		t.Fatalf("jobs = %d", len(jobs))
	}
	seen := map[string]bool{}
	per := map[string]int{}
	for i, j := range jobs {
		if j.Shard != i || j.Shards != 64 || !j.AsOf.Equal(asOf) || j.AsOf.Location() != time.UTC || j.Worker == "" {
			t.Fatalf("job %d = %+v", i, j)
		}
		if seen[j.EventID()] {
			t.Fatalf("duplicate event id %s", j.EventID())
		}
		seen[j.EventID()] = true
		per[j.Worker]++
	}
	if len(per) != 3 {
		t.Errorf("shards fell to %d workers, want 3: %v", len(per), per)
	}
	// Splitting the same tick again yields the same ids (consumers dedupe).
	if again := Split(asOf, 64, ring); again[7].EventID() != jobs[7].EventID() || again[7].Worker != jobs[7].Worker {
		t.Errorf("split is not deterministic")
	}
	if got := jobs[0].Name(); got != "billing-shard-20270130T150000Z-0-of-64" {
		t.Errorf("Name = %q", got)
	}
	if got := jobs[0].EventID(); len(got) != 36 {
		t.Errorf("EventID = %q, want a UUID (the outbox's ids are 36 long)", got)
	}
	counts := make([]int, 16)
	for i := range 16000 {
		counts[ShardOf(fmt.Sprintf("%08x-sub", i*2654435761), 16)]++
	}
	for s, c := range counts {
		if c < 800 || c > 1200 {
			t.Errorf("shard %d holds %d of 16000 subscriptions, want 1000±200", s, c)
		}
	}
}

// Classified declines: a soft decline follows the retry schedule, a hard one
// skips to the last attempt at once (asking for another method), and
// authentication asks the learner to confirm.
func TestOnCharge_classifiedDeclines(t *testing.T) {
	retry := []int{1, 3, 5, 7}
	start := at("2027-02-28T00:00:00Z")
	for _, tt := range []struct {
		name     string
		result   string
		code     string
		failures int
		status   string
		wantCode string
		event    string
		due      time.Time
	}{
		{"soft_decline_retries_day_1", billingmsg.ChargeDeclined, "insufficient_funds", 1, StatusPastDue, "insufficient_funds", subscribemsg.EventPastDue, start.AddDate(0, 0, 1)},
		{"hard_decline_skips_to_last_retry", billingmsg.ChargeHardDeclined, "card_refused", 4, StatusPastDue, CodeMethodRequired, subscribemsg.EventActionRequired, start.AddDate(0, 0, 7)},
		{"authentication_waits_for_the_learner_until_the_last_retry", billingmsg.ChargeAuthRequired, "authentication_required", 4, StatusPastDue, CodeAuthRequired, subscribemsg.EventActionRequired, start.AddDate(0, 0, 7)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := newRecurring("s1", "2027-01-31T00:00:00Z", billingcal.Month)
			n := *r.Next().Charge
			ch := r.OnCharge(n, ChargeOutcome{Result: tt.result, Code: tt.code}, retry)
			if r.Failures != tt.failures || r.Status != tt.status || r.Code != tt.wantCode || ch.Event != tt.event || !r.DueAt.Equal(tt.due) {
				t.Fatalf("after %s: %+v %+v", tt.result, r, ch)
			}
		})
	}
	// After a hard decline the next attempt is the last: another hard
	// decline (the same refused card, or none saved) ends it.
	r := newRecurring("s2", "2027-01-31T00:00:00Z", billingcal.Month)
	r.OnCharge(*r.Next().Charge, ChargeOutcome{Result: billingmsg.ChargeHardDeclined, Code: "card_refused"}, retry)
	last := *r.Next().Charge
	if last.Attempt != 5 {
		t.Fatalf("last attempt %d", last.Attempt)
	}
	if ch := r.OnCharge(last, ChargeOutcome{Result: billingmsg.ChargeHardDeclined, Code: "no_payment_method"}, retry); !ch.Ended || r.Code != CodePaymentFailed {
		t.Fatalf("after the last attempt: %+v %+v", r, ch)
	}
	// A new card saved in time pays the last attempt.
	r = newRecurring("s3", "2027-01-31T00:00:00Z", billingcal.Month)
	r.OnCharge(*r.Next().Charge, ChargeOutcome{Result: billingmsg.ChargeHardDeclined, Code: "expired_card"}, retry)
	if ch := r.OnCharge(*r.Next().Charge, ChargeOutcome{Result: billingmsg.ChargeSucceeded}, retry); ch.Event != subscribemsg.EventRenewed || r.Period != 1 || r.Status != StatusActive {
		t.Fatalf("recovered: %+v %+v", r, ch)
	}
}

// A renewal the learner authenticated after it was asked about pays its
// period once; a late success for a period paid or ended changes nothing.
func TestOnLatePayment_paysTheDunnedPeriodOnce(t *testing.T) {
	retry := []int{1, 3, 5, 7}
	r := newRecurring("s4", "2027-01-31T00:00:00Z", billingcal.Month)
	first := *r.Next().Charge
	r.OnCharge(first, ChargeOutcome{Result: billingmsg.ChargeAuthRequired, Code: "authentication_required"}, retry)
	if ch := r.OnLatePayment(first); ch.Event != subscribemsg.EventRenewed || r.Period != 1 || r.Status != StatusActive || r.Failures != 0 {
		t.Fatalf("late payment: %+v %+v", r, ch)
	}
	if ch := r.OnLatePayment(first); ch.Event != "" || r.Period != 1 {
		t.Fatalf("the same late payment twice: %+v %+v", r, ch)
	}
}
