package billing

import (
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/kwipper/kwipper/functions/contract/billingmsg"
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
	// PayLater is, per single-use method (billingmsg.PayLaterMethods), how
	// long its payment waits for the learner (KW_PAYMENT_WAIT_<METHOD>:
	// KONBINI, OXXO, SPEI, QRIS, GOPAY) and how long Stripe may take
	// after that to confirm one paid at the last moment
	// (KW_PAYMENT_SETTLE_<METHOD>). Defaults: DefaultPayLater.
	PayLater map[string]MethodWait
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// loadConfig reads the service's settings, recording what is wrong in r;
// cloud requires the Stripe secrets.
func loadConfig(r *config.Reader, cloud bool) Config {
	c := Config{SecretKey: r.Secret("KW_STRIPE_SECRET_KEY"), WebhookSecret: r.Secret("KW_STRIPE_WEBHOOK_SECRET"),
		APIBase: r.String("KW_STRIPE_API_BASE", ""), ActionTimeout: r.Duration("KW_PAYMENT_ACTION_TIMEOUT", "30m", time.Second, 7*24*time.Hour)}
	c.PayLater = map[string]MethodWait{}
	for _, m := range billingmsg.PayLaterMethods {
		def, name := DefaultPayLater[m], envName(m)
		c.PayLater[m] = MethodWait{
			Wait:   r.Duration("KW_PAYMENT_WAIT_"+name, fmtDur(def.Wait), time.Second, 60*24*time.Hour),
			Settle: r.Duration("KW_PAYMENT_SETTLE_"+name, fmtDur(def.Settle), 0, 7*24*time.Hour),
		}
	}
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

// envName is method's part of its settings' names (SPEI for Stripe's
// customer_balance).
func envName(method string) string {
	if method == billingmsg.MethodSPEI {
		return "SPEI"
	}
	return strings.ToUpper(method)
}

// fmtDur spells d for config.Reader's default ("72h0m0s").
func fmtDur(d time.Duration) string { return d.String() }
