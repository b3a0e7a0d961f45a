package subscribe

import (
	"time"

	"github.com/kwipper/kwipper/shared/billingcal"
	"github.com/kwipper/kwipper/shared/config"
)

// Config is the Subscribe service's settings. loadConfig reads them from
// the service's environment; Now is for tests.
type Config struct {
	// StepTimeout is how long a step's reply may take before the sweeper
	// sends its command again (KW_SAGA_STEP_TIMEOUT, default 30s).
	StepTimeout time.Duration
	// MaxAttempts is how often a step's command is sent before the saga
	// gives up and compensates (KW_SAGA_MAX_ATTEMPTS, default 3).
	MaxAttempts int
	// Shards is how many shards the billing cycle splits subscriptions into
	// (KW_BILLING_SHARDS, default 16). Changing it moves subscriptions
	// between shards only as they are next written: keep it fixed.
	Shards int
	// Workers are the members of the consistent-hash ring the shards are
	// assigned to, e.g. regions (KW_BILLING_WORKERS, comma-separated,
	// default "default").
	Workers []string
	// RetryDays is the dunning schedule: days after a failed renewal's
	// period start to retry it; after the last, the subscription ends
	// (KW_DUNNING_RETRY_DAYS, default "1,3,5,7").
	RetryDays []int
	// RefundWindow is how long after its latest successful charge a learner
	// may have a subscription refunded (KW_REFUND_WINDOW, default 336h:
	// 14 days).
	RefundWindow time.Duration
	// PayLaterLead is how long before a period ends a subscription paid
	// with a single-use method (a voucher, transfer or QR code) is sent
	// the next period's payment (KW_PAYLATER_RENEWAL_LEAD, default 72h).
	// Access continues until that payment's deadline (Billing's
	// KW_PAYMENT_WAIT_/SETTLE_<METHOD>): the grace after the period ends
	// is that deadline less the lead.
	PayLaterLead time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// loadConfig reads the service's settings, recording what is wrong in r.
func loadConfig(r *config.Reader) Config {
	c := Config{
		StepTimeout:  r.Duration("KW_SAGA_STEP_TIMEOUT", "30s", 100*time.Millisecond, time.Hour),
		MaxAttempts:  int(r.Int("KW_SAGA_MAX_ATTEMPTS", "3", 1, 20)),
		Shards:       int(r.Int("KW_BILLING_SHARDS", "16", 1, 4096)),
		Workers:      r.List("KW_BILLING_WORKERS", "default"),
		RefundWindow: r.Duration("KW_REFUND_WINDOW", "336h", time.Nanosecond, 366*24*time.Hour),
		PayLaterLead: r.Duration("KW_PAYLATER_RENEWAL_LEAD", "72h", 0, 28*24*time.Hour),
	}
	if len(c.Workers) == 0 {
		r.Problemf("KW_BILLING_WORKERS must name at least one worker, e.g. asia-northeast1,asia-southeast2")
	}
	days, err := billingcal.ParseDays(r.String("KW_DUNNING_RETRY_DAYS", DefaultRetryDays))
	if err != nil {
		r.Problemf("KW_DUNNING_RETRY_DAYS must be increasing positive days separated by commas, e.g. 1,3,5,7")
	}
	c.RetryDays = days
	return c
}
