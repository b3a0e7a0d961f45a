package web

import (
	"net/url"
	"strings"

	"github.com/kwipper/kwipper/shared/config"
)

// Payments modes: how the app turns a card into a Stripe payment method id.
const (
	// PaymentsTestCards offers Stripe's test payment methods by name
	// (pm_card_visa, pm_card_chargeDeclined, ...): the local stack's Stripe
	// fake knows them.
	PaymentsTestCards = "test-cards"
	// PaymentsStripe collects the card with Stripe.js (Payment Element) in
	// the cloud; the app's seam is src/payments/stripe.js.
	PaymentsStripe = "stripe"
)

// Config is the web app's settings.
type Config struct {
	// MediaOrigins are the origins (scheme://host[:port]) the browser talks
	// to for media besides the app's own: signed upload URLs and download
	// URLs. They are the Content-Security-Policy's connect-src and
	// media-src beyond 'self' (KW_WEB_MEDIA_ORIGINS, comma-separated;
	// default: the storage emulator locally, Cloud Storage and the media CDN
	// in the cloud).
	MediaOrigins []string
	// Payments is how cards are collected: test-cards or stripe
	// (KW_WEB_PAYMENTS; default test-cards locally, stripe in the cloud).
	Payments string
	// StripePublishableKey is Stripe.js's key (KW_STRIPE_PUBLISHABLE_KEY;
	// public, required with stripe).
	StripePublishableKey string
	// StripeJSURL is where Stripe.js loads from (KW_STRIPE_JS_URL; default
	// StripeJSDefault, the release of Stripe.js that matches the API version
	// Billing speaks; the local stack points it at the Stripe fake's
	// stand-in). The page's policy admits its origin for scripts and frames.
	StripeJSURL string
}

// StripeJSDefault is Stripe.js for the API version stripe-go pins
// (2026-03-25.dahlia): Stripe releases Stripe.js per API release, at
// https://js.stripe.com/<release>/stripe.js.
const StripeJSDefault = "https://js.stripe.com/dahlia/stripe.js"

// loadConfig reads the app's settings, recording what is wrong in r. env is
// the platform's KW_ENV.
func loadConfig(r *config.Reader, env string) Config {
	var c Config
	if r.Set("KW_WEB_MEDIA_ORIGINS") {
		c.MediaOrigins = r.List("KW_WEB_MEDIA_ORIGINS", "")
	} else {
		if h := r.String("STORAGE_EMULATOR_HOST", ""); h != "" {
			if !strings.Contains(h, "://") {
				h = "http://" + h
			}
			c.MediaOrigins = append(c.MediaOrigins, h)
		} else {
			c.MediaOrigins = append(c.MediaOrigins, "https://storage.googleapis.com")
		}
		if cdn := r.String("KW_MEDIA_CDN_BASE_URL", ""); cdn != "" {
			c.MediaOrigins = append(c.MediaOrigins, cdn)
		}
	}
	for i, o := range c.MediaOrigins {
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			r.Problemf("KW_WEB_MEDIA_ORIGINS: %q is not an http(s) origin like https://media.example", o)
			continue
		}
		c.MediaOrigins[i] = u.Scheme + "://" + u.Host
	}
	def := PaymentsTestCards
	if env == "cloud" {
		def = PaymentsStripe
	}
	c.Payments = r.String("KW_WEB_PAYMENTS", def)
	c.StripePublishableKey = r.String("KW_STRIPE_PUBLISHABLE_KEY", "")
	c.StripeJSURL = r.String("KW_STRIPE_JS_URL", StripeJSDefault)
	if u, err := url.Parse(c.StripeJSURL); err != nil || u.Host == "" || (u.Scheme != "https" && !(u.Scheme == "http" && env != "cloud")) {
		r.Problemf("KW_STRIPE_JS_URL: %q is not an https URL like %s", c.StripeJSURL, StripeJSDefault)
	}
	switch {
	case c.Payments != PaymentsTestCards && c.Payments != PaymentsStripe:
		r.Problemf("KW_WEB_PAYMENTS must be %s or %s, not %q", PaymentsTestCards, PaymentsStripe, c.Payments)
	case c.Payments == PaymentsStripe && !strings.HasPrefix(c.StripePublishableKey, "pk_"):
		r.Problemf("KW_STRIPE_PUBLISHABLE_KEY (pk_...) is required when KW_WEB_PAYMENTS is stripe")
	case c.Payments == PaymentsTestCards && env == "cloud":
		r.Problemf("KW_WEB_PAYMENTS=test-cards is for the local stack only")
	}
	return c
}
