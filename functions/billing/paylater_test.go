package billing

import (
	"testing"
	"time"
)

// A pay-later payment gives up at the earlier of Stripe's expiry and its
// configured wait, plus the time Stripe may take to confirm; vouchers are
// asked for whole days within Stripe's bounds.
func TestMethodWait_deadlineAndVoucherDays(t *testing.T) {
	at := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name    string
		w       MethodWait
		expires time.Time
		want    time.Time
		days    int64
	}{
		{"voucher_expiry_first", MethodWait{Wait: 72 * time.Hour, Settle: 48 * time.Hour}, at.Add(60 * time.Hour), at.Add(108 * time.Hour), 3},
		{"configured_wait_first", MethodWait{Wait: 2 * time.Hour, Settle: time.Hour}, at.Add(72 * time.Hour), at.Add(3 * time.Hour), 1},
		{"stripe_expiry_before_creation_ignored", MethodWait{Wait: 72 * time.Hour}, at.Add(-time.Hour), at.Add(72 * time.Hour), 3},
		{"no_expiry_from_stripe", MethodWait{Wait: 15 * time.Minute}, time.Time{}, at.Add(15 * time.Minute), 1},
		{"days_rounded_up", MethodWait{Wait: 49 * time.Hour}, time.Time{}, at.Add(49 * time.Hour), 3},
		{"days_capped_at_60", MethodWait{Wait: 90 * 24 * time.Hour}, time.Time{}, at.Add(90 * 24 * time.Hour), 60},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.w.Deadline(at, c.expires); !got.Equal(c.want) {
				t.Errorf("deadline %v, want %v", got, c.want)
			}
			if got := c.w.VoucherDays(); got != c.days {
				t.Errorf("voucher days %d, want %d", got, c.days)
			}
		})
	}
}

// Every pay-later method has a default wait and one currency.
func TestPayLater_everyMethodConfigured(t *testing.T) {
	for _, m := range methodCatalog {
		if m.Confirmation != "async" {
			continue
		}
		if DefaultPayLater[m.Type].Wait <= 0 || methodCurrency[m.Type] == "" {
			t.Errorf("%s: wait %v, currency %q", m.Type, DefaultPayLater[m.Type], methodCurrency[m.Type])
		}
	}
}
