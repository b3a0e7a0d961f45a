package config

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/kwipper/kwipper/shared/billingcal"
)

// Stripe configures the Billing service's Stripe client.
type Stripe struct {
	// SecretKey is the Stripe API key (KW_STRIPE_SECRET_KEY, a secret).
	SecretKey Secret
	// WebhookSecret verifies Stripe-Signature on webhooks
	// (KW_STRIPE_WEBHOOK_SECRET, a secret).
	WebhookSecret Secret
	// APIBase, when set, is where Stripe API calls go instead of Stripe
	// (KW_STRIPE_API_BASE: the local Stripe fake, or stripe-mock).
	APIBase string
}

// Saga configures the subscribe saga's orchestrator.
type Saga struct {
	// StepTimeout is how long the orchestrator waits for a step's reply
	// before the sweeper sends the command again (KW_SAGA_STEP_TIMEOUT).
	StepTimeout time.Duration
	// MaxAttempts is how often a step's command is sent before the saga gives
	// up and compensates (KW_SAGA_MAX_ATTEMPTS).
	MaxAttempts int
	// FailStep is a test-only hook, never loaded from the environment: the
	// participant of a saga step it reports true for fails that step.
	FailStep func(step, courseID string) bool
	// DuplicateCommands is a test-only hook, never loaded from the
	// environment: the orchestrator sends every command twice.
	DuplicateCommands bool
}

// loadBilling reads the Stripe and saga variables, appending what is wrong to
// problems.
func loadBilling(get func(key, def string) string, problems []string) (Stripe, Saga, []string) {
	s := Stripe{
		SecretKey:     Secret(get("KW_STRIPE_SECRET_KEY", "")),
		WebhookSecret: Secret(get("KW_STRIPE_WEBHOOK_SECRET", "")),
		APIBase:       get("KW_STRIPE_API_BASE", ""),
	}
	if s.APIBase != "" {
		if u, err := url.Parse(s.APIBase); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			problems = append(problems, "KW_STRIPE_API_BASE must be an http(s) URL, e.g. http://127.0.0.1:12111")
		}
	}
	var sg Saga
	d, err := time.ParseDuration(get("KW_SAGA_STEP_TIMEOUT", "30s"))
	if err != nil || d < 100*time.Millisecond || d > time.Hour {
		problems = append(problems, "KW_SAGA_STEP_TIMEOUT must be a duration between 100ms and 1h, e.g. 30s")
	}
	sg.StepTimeout = d
	n, err := strconv.Atoi(get("KW_SAGA_MAX_ATTEMPTS", "3"))
	if err != nil || n < 1 || n > 20 {
		problems = append(problems, "KW_SAGA_MAX_ATTEMPTS must be a number from 1 to 20")
	}
	sg.MaxAttempts = n
	return s, sg, problems
}

// Recurring configures recurring billing.
type Recurring struct {
	// Shards is how many shards the billing cycle splits subscriptions
	// into (KW_BILLING_SHARDS, default 16). Changing it moves subscriptions
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
	// may ask for a subscription's refund (KW_REFUND_WINDOW, a duration,
	// default "336h": 14 days).
	RefundWindow time.Duration
}

// loadRecurring reads the recurring-billing variables, appending what is
// wrong to problems.
func loadRecurring(get func(key, def string) string, problems []string) (Recurring, []string) {
	var r Recurring
	n, err := strconv.Atoi(get("KW_BILLING_SHARDS", "16"))
	if err != nil || n < 1 || n > 4096 {
		problems = append(problems, "KW_BILLING_SHARDS must be a number from 1 to 4096")
	}
	r.Shards = n
	for _, w := range strings.Split(get("KW_BILLING_WORKERS", "default"), ",") {
		if w = strings.TrimSpace(w); w != "" {
			r.Workers = append(r.Workers, w)
		}
	}
	if len(r.Workers) == 0 {
		problems = append(problems, "KW_BILLING_WORKERS must name at least one worker, e.g. asia-northeast1,asia-southeast2")
	}
	days, err := billingcal.ParseDays(get("KW_DUNNING_RETRY_DAYS", "1,3,5,7"))
	if err != nil {
		problems = append(problems, "KW_DUNNING_RETRY_DAYS must be increasing positive days separated by commas, e.g. 1,3,5,7")
	}
	r.RetryDays = days
	w, err := time.ParseDuration(get("KW_REFUND_WINDOW", "336h"))
	if err != nil || w <= 0 || w > 366*24*time.Hour {
		problems = append(problems, "KW_REFUND_WINDOW must be a positive duration up to 8784h (366 days), e.g. 336h for 14 days")
	}
	r.RefundWindow = w
	return r, problems
}
