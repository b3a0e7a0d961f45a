package apitest

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/kwipper/kwipper/functions"
	"github.com/kwipper/kwipper/shared/devstack/stripefake"
	"github.com/kwipper/kwipper/shared/config"
)

// Option changes the stack's configuration before it starts (test hooks
// such as cfg.Saga.FailStep, shorter saga timeouts).
type Option func(*config.Config)

// Stripe credentials of the test stack's Stripe fake.
const (
	StripeKey           = "sk_test_kwipper_apitest"
	StripeWebhookSecret = "whsec_kwipper_apitest"
)

// startStripe starts the Stripe fake for the stack at cfg (its webhooks go to
// the stack's billing-webhook) and points billing at it.
func startStripe(t testing.TB, cfg *config.Config) *stripefake.Server {
	t.Helper()
	fake, err := stripefake.Start(stripefake.Options{SecretKey: StripeKey, WebhookSecret: StripeWebhookSecret,
		WebhookURL: cfg.BaseURL + "/v1/billing/webhook"})
	if err != nil {
		t.Fatalf("apitest: %v", err)
	}
	t.Cleanup(fake.Close)
	cfg.Stripe = config.Stripe{SecretKey: StripeKey, WebhookSecret: StripeWebhookSecret, APIBase: fake.URL}
	return fake
}

// switchable serves the current app, or 503 while the stack is stopped.
type switchable struct {
	mu  sync.RWMutex
	app *functions.App
	h   http.Handler
}

func (s *switchable) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.RLock()
	if s.h == nil && s.app != nil {
		s.mu.RUnlock()
		s.mu.Lock()
		if s.h == nil && s.app != nil {
			s.h = s.app.Handler()
		}
		s.mu.Unlock()
		s.mu.RLock()
	}
	h := s.h
	s.mu.RUnlock()
	if h == nil {
		http.Error(w, "stopped", http.StatusServiceUnavailable)
		return
	}
	h.ServeHTTP(w, r)
}

// swap makes app the one served (nil: answer 503) and returns the old one.
func (s *switchable) swap(app *functions.App) *functions.App {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.app
	s.app, s.h = app, nil
	if app != nil {
		s.h = app.Handler()
	}
	return old
}

func (s *switchable) close() {
	if old := s.swap(nil); old != nil {
		old.Close()
	}
}

// Restart stops every function as a process restart would (requests and
// push deliveries get 503 meanwhile, in-memory state is lost, only the
// databases and Pub/Sub keep what was in flight), runs during, then starts
// the functions again with the same configuration.
func (e *Env) Restart(during func()) {
	e.T.Helper()
	if e.Cfg.TokenSigningKey == "" && e.App != nil {
		// Keep the token key across the restart, as Secret Manager does.
		pem, err := e.App.Signer.Key.PEM()
		if err != nil {
			e.T.Fatalf("apitest: restart: %v", err)
		}
		e.Cfg.TokenSigningKey = config.Secret(pem)
	}
	if old := e.sw.swap(nil); old != nil {
		old.Close()
	}
	if during != nil {
		during()
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	app, err := functions.Open(ctx, e.Cfg, e.log)
	if err != nil {
		e.T.Fatalf("apitest: restart: %v", err)
	}
	e.sw.swap(app)
	e.App = app
}
