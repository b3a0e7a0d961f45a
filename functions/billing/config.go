package billing

import (
	"net/url"
	"os"
	"time"

	"github.com/kwipper/kwipper/shared/config"
	"github.com/kwipper/kwipper/shared/tax"
)

// Config is the Billing service's settings: its Stripe account. loadConfig
// reads them from the service's environment; Now is for tests.
type Config struct {
	// SecretKey is the Stripe API key (KW_STRIPE_SECRET_KEY, a secret;
	// required in the cloud).
	SecretKey config.Secret
	// WebhookSecret verifies Stripe-Signature on webhooks
	// (KW_STRIPE_WEBHOOK_SECRET, a secret; required in the cloud).
	WebhookSecret config.Secret
	// APIBase, when set, is where Stripe API calls go instead of Stripe
	// (KW_STRIPE_API_BASE: the local Stripe fake, or stripe-mock).
	APIBase string
	// ActionTimeout is how long a payment waits for the learner to
	// authenticate it (KW_PAYMENT_ACTION_TIMEOUT, default 30m).
	ActionTimeout time.Duration
	// TaxRates are the consumption tax rates receipts use
	// (KW_TAX_RATES_FILE: a JSON file shaped like shared/tax/rates.json;
	// default the embedded table).
	TaxRates *tax.Table
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// loadConfig reads the service's settings, recording what is wrong in r;
// cloud requires the Stripe secrets.
func loadConfig(r *config.Reader, cloud bool) Config {
	c := Config{SecretKey: r.Secret("KW_STRIPE_SECRET_KEY"), WebhookSecret: r.Secret("KW_STRIPE_WEBHOOK_SECRET"),
		APIBase: r.String("KW_STRIPE_API_BASE", ""), ActionTimeout: r.Duration("KW_PAYMENT_ACTION_TIMEOUT", "30m", time.Second, 7*24*time.Hour)}
	if c.APIBase != "" {
		if u, err := url.Parse(c.APIBase); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			r.Problemf("KW_STRIPE_API_BASE must be an http(s) URL, e.g. http://127.0.0.1:12111")
		}
	}
	if f := r.String("KW_TAX_RATES_FILE", ""); f != "" {
		if b, err := os.ReadFile(f); err != nil {
			r.Problemf("KW_TAX_RATES_FILE: %v", err)
		} else if t, err := tax.Parse(b); err != nil {
			r.Problemf("KW_TAX_RATES_FILE: %v", err)
		} else {
			c.TaxRates = &t
		}
	}
	if cloud && (c.SecretKey == "" || c.WebhookSecret == "") {
		r.Problemf("KW_STRIPE_SECRET_KEY and KW_STRIPE_WEBHOOK_SECRET are required when KW_ENV=cloud")
	}
	return c
}
