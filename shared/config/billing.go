package config

import (
	"net/url"
	"strconv"
	"time"
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
