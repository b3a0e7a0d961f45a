package subscribe

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kwipper/kwipper/functions/contract/billingmsg"
	"github.com/kwipper/kwipper/functions/contract/subscribemsg"
	"github.com/kwipper/kwipper/shared/billingcal"
)

// A subscription paid period by period with a voucher: the renewal is
// issued Lead before the period ends; while the learner has not paid it
// stays active until the payment's deadline (told once); paid, the next
// period runs from the anchor and its renewal is issued Lead before it
// ends; expired, it ends with payment_expired; an outcome for another
// attempt changes nothing.
func TestOnCharge_payLaterRenewal(t *testing.T) {
	retry := []int{1, 3, 5, 7}
	lead := 72 * time.Hour
	mk := func() Recurring {
		r := newRecurring("v1", "2027-01-31T00:00:00Z", billingcal.Month)
		r.MethodType, r.Lead = billingmsg.MethodOXXO, lead
		r.DueAt = r.RenewAt()
		return *r
	}
	r := mk()
	if want := at("2027-02-28T00:00:00Z").Add(-lead); !r.DueAt.Equal(want) {
		t.Fatalf("first renewal due %v, want %v", r.DueAt, want)
	}
	n := *r.Next().Charge
	deadline := at("2027-03-02T00:00:00Z")
	ch := r.OnCharge(n, ChargeOutcome{Result: billingmsg.ChargeAwaitingPayment, Deadline: deadline}, retry)
	if ch.Event != subscribemsg.EventActionRequired || r.Status != StatusActive || r.Code != CodeAwaitingPayment || !r.DueAt.Equal(deadline) || r.Failures != 0 || r.Period != 0 {
		t.Fatalf("awaiting: %+v %+v", r, ch)
	}
	if ch := r.OnCharge(n, ChargeOutcome{Result: billingmsg.ChargeAwaitingPayment, Deadline: deadline}, retry); ch.Event != "" {
		t.Fatalf("told twice: %+v", ch)
	}
	if again := *r.Next().Charge; again.Key() != n.Key() {
		t.Fatalf("at the deadline the cycle asks %s, want the same charge %s", again.Key(), n.Key())
	}
	paid := r
	if ch := paid.OnCharge(n, ChargeOutcome{Result: billingmsg.ChargeSucceeded}, retry); ch.Event != subscribemsg.EventRenewed ||
		paid.Period != 1 || paid.Code != "" || !paid.DueAt.Equal(at("2027-03-31T00:00:00Z").Add(-lead)) {
		t.Fatalf("paid: %+v %+v", paid, ch)
	}
	if ch := paid.OnCharge(n, ChargeOutcome{Result: billingmsg.ChargeExpired}, retry); ch.Event != "" || paid.Status != StatusActive {
		t.Fatalf("an expiry after the payment: %+v %+v", paid, ch)
	}
	expired := r
	if ch := expired.OnCharge(n, ChargeOutcome{Result: billingmsg.ChargeExpired, Code: "payment_expired"}, retry); !ch.Ended ||
		expired.Status != StatusEnded || expired.Code != CodePaymentExpired || ReasonText(expired.Code, "") == ReasonText("", "") {
		t.Fatalf("expired: %+v %+v", expired, ch)
	}
	card := newRecurring("c1", "2027-01-31T00:00:00Z", billingcal.Month)
	if !card.RenewAt().Equal(card.PeriodEnd()) {
		t.Fatal("a card subscription renews when its period ends")
	}
}

// voucherCharger is Stripe and Billing for the simulated year: a card
// subscription's attempt is decided at once (succeeded, soft or hard
// declined, or its reply lost: the same key asked again gets the real
// answer, as reconciliation or the cycle's resend finds it); a voucher
// renewal waits for the learner until its deadline (asOf + wait), paid on
// the day the plan says or never; a key is charged at most once.
type voucherCharger struct {
	wait    time.Duration
	card    func(sub string, n Renewal) string // a Charge* result; "lost" loses the first reply
	payDay  func(sub string, n Renewal) int    // days after issue the voucher is paid; -1 never
	byKey   map[string]*voucherState
	charges map[string]int // succeeded charges per key
	lost    int
}

type voucherState struct {
	n        Renewal
	sub      string
	result   string
	deadline time.Time
	paidAt   time.Time
}

func (v *voucherCharger) charge(sub string, voucher bool, n Renewal, asOf time.Time) ChargeOutcome {
	st := v.byKey[n.Key()]
	if st == nil {
		st = &voucherState{n: n, sub: sub}
		v.byKey[n.Key()] = st
		if voucher {
			st.result, st.deadline = billingmsg.ChargeAwaitingPayment, asOf.Add(v.wait)
			if d := v.payDay(sub, n); d >= 0 {
				st.paidAt = asOf.AddDate(0, 0, d)
			}
		} else {
			st.result = v.card(sub, n)
			if st.result == "lost" {
				st.result = billingmsg.ChargeSucceeded
				v.charges[n.Key()]++
				v.lost++
				return ChargeOutcome{Result: "lost"} // Stripe charged; the reply never came
			}
			if st.result == billingmsg.ChargeSucceeded {
				v.charges[n.Key()]++
			}
		}
	}
	if st.result == billingmsg.ChargeAwaitingPayment && !asOf.Before(st.deadline) {
		st.result = billingmsg.ChargeExpired // the cycle at the deadline: cancelled unpaid
	}
	out := ChargeOutcome{Result: st.result, Deadline: st.deadline}
	if st.result == billingmsg.ChargeHardDeclined {
		out.Code = "card_refused"
	}
	return out
}

// payments are the vouchers paid as of asOf (the webhooks), once each.
func (v *voucherCharger) payments(asOf time.Time) []*voucherState {
	var out []*voucherState
	for _, st := range v.byKey {
		if st.result == billingmsg.ChargeAwaitingPayment && !st.paidAt.IsZero() && !st.paidAt.After(asOf) && st.paidAt.Before(st.deadline) {
			st.result = billingmsg.ChargeSucceeded
			v.charges[st.n.Key()]++
			out = append(out, st)
		}
	}
	return out
}

// A simulated year of mixed methods: cards that renew, decline softly and
// recover, decline hard and end, or whose charge reply is lost (the same key
// asked again answers what Stripe did); vouchers (OXXO, konbini) paid on
// time, paid late within the grace, and never paid. Every tick runs twice.
// Each subscription ends in the state its payments justify, every period
// is paid at most once, and the table goes in the closing note.
func TestSimulatedYear_mixedMethods(t *testing.T) {
	retry := []int{1, 3, 5, 7}
	lead, wait := 72*time.Hour, 120*time.Hour
	type plan struct{ method, note string }
	plans := map[string]plan{
		"card-ok":         {"card", "renews every month"},
		"card-soft":       {"card", "period 4 declines twice (insufficient funds), recovers on the 2nd retry"},
		"card-hard":       {"card", "period 6 stolen card: hard decline, no new card, ends"},
		"card-lost-reply": {"card", "period 2 reply lost after Stripe charged; resent, answered as charged"},
		"oxxo-on-time":    {"oxxo", "every voucher paid the day after it is issued"},
		"oxxo-late":       {"oxxo", "period 3 voucher paid 4 days after issue (after the period ended, within the grace)"},
		"konbini-never":   {"konbini", "period 5 voucher never paid: ends payment_expired"},
	}
	subs := map[string]*Recurring{}
	for id, p := range plans {
		r := newRecurring(id, "2027-01-15T00:00:00Z", billingcal.Month)
		if p.method != "card" {
			r.MethodType, r.Lead = p.method, lead
			r.DueAt = r.RenewAt()
		}
		subs[id] = r
	}
	v := &voucherCharger{wait: wait, byKey: map[string]*voucherState{}, charges: map[string]int{},
		card: func(sub string, n Renewal) string {
			switch {
			case sub == "card-soft" && n.Period == 4 && n.Attempt <= 2:
				return billingmsg.ChargeDeclined
			case sub == "card-hard" && n.Period >= 6:
				return billingmsg.ChargeHardDeclined
			case sub == "card-lost-reply" && n.Period == 2 && n.Attempt == 1:
				return "lost"
			}
			return billingmsg.ChargeSucceeded
		},
		payDay: func(sub string, n Renewal) int {
			switch {
			case sub == "oxxo-late" && n.Period == 3:
				return 4
			case sub == "konbini-never" && n.Period == 5:
				return -1
			}
			return 1
		}}
	var events []string
	apply := func(asOf time.Time, id string, ch RecurringChange) {
		if ch.Event != "" {
			events = append(events, asOf.Format("2006-01-02")+" "+id+" "+ch.Event)
		}
	}
	for d := at("2027-01-15T00:00:00Z"); d.Before(at("2028-01-20T00:00:00Z")); d = d.AddDate(0, 0, 1) {
		asOf := d.Add(12 * time.Hour)
		for range 2 { // every tick twice
			for _, st := range v.payments(asOf) { // webhooks: vouchers paid
				r := subs[st.sub]
				apply(asOf, st.sub, r.OnCharge(st.n, ChargeOutcome{Result: billingmsg.ChargeSucceeded}, retry))
			}
			for _, id := range sortedIDs(subs) {
				r := subs[id]
				if !r.Due(asOf) {
					continue
				}
				n := *r.Next().Charge
				out := v.charge(id, r.MethodType != "", n, asOf)
				if out.Result == "lost" {
					continue // no reply: the attempt stays charging, due; the next run asks the same key
				}
				apply(asOf, id, r.OnCharge(n, out, retry))
			}
		}
	}
	// No key charged twice; no period paid twice.
	paidPeriods := map[string]int{}
	charged, attempts := map[string]int{}, map[string]int{}
	for _, st := range v.byKey {
		attempts[st.sub]++
	}
	for key, n := range v.charges {
		if n != 1 {
			t.Errorf("%s charged %d times", key, n)
		}
		st := v.byKey[key]
		paidPeriods[fmt.Sprintf("%s/%d", st.sub, st.n.Period)]++
		charged[st.sub]++
	}
	for p, n := range paidPeriods {
		if n != 1 {
			t.Errorf("period %s paid %d times", p, n)
		}
	}
	want := map[string]struct {
		status, code string
		periods      int
	}{
		"card-ok":         {StatusActive, "", 12},
		"card-soft":       {StatusActive, "", 12},
		"card-hard":       {StatusEnded, CodePaymentFailed, 5},
		"card-lost-reply": {StatusActive, "", 12},
		"oxxo-on-time":    {StatusActive, "", 12},
		"oxxo-late":       {StatusActive, "", 12},
		"konbini-never":   {StatusEnded, CodePaymentExpired, 4},
	}
	var table strings.Builder
	fmt.Fprintf(&table, "\n%-16s %-8s %-8s %-16s %7s %8s %8s  %s\n", "subscription", "method", "status", "code", "periods", "attempts", "charges", "plan")
	for _, id := range sortedIDs(subs) {
		r, w := subs[id], want[id]
		fmt.Fprintf(&table, "%-16s %-8s %-8s %-16s %7d %8d %8d  %s\n", id, plans[id].method, r.Status, r.Code, r.Period, attempts[id], charged[id], plans[id].note)
		if r.Status != w.status || r.Code != w.code || r.Period != w.periods || charged[id] != w.periods {
			t.Errorf("%s: %s %s, %d periods paid, %d charges; want %s %s, %d", id, r.Status, r.Code, r.Period, charged[id], w.status, w.code, w.periods)
		}
	}
	fmt.Fprintf(&table, "replies lost and reconciled: %d\n", v.lost)
	t.Log(table.String())
	joined := "\n" + strings.Join(events, "\n") + "\n"
	for _, e := range []string{"konbini-never subscription.ended", "card-hard subscription.ended", "oxxo-late subscription.renewed"} {
		if !strings.Contains(joined, " "+e+"\n") {
			t.Errorf("no event %q", e)
		}
	}
	// The late voucher: period 2 ended on 2027-04-15, its voucher (issued
	// 04-12) was paid on 04-16, in the grace; the subscription was never
	// anything but active meanwhile.
	if !strings.Contains(joined, "\n2027-04-16 oxxo-late subscription.renewed\n") {
		t.Errorf("events %v", events)
	}
}
