package stripefake_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v85"
	"github.com/stripe/stripe-go/v85/webhook"

	"github.com/kwipper/kwipper/shared/devstack/stripefake"
)

func client(t *testing.T, url string) *stripe.Client {
	t.Helper()
	return stripe.NewClient("sk_test_fake", stripe.WithBackends(stripe.NewBackendsWithConfig(&stripe.BackendConfig{
		URL: stripe.String(url), LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelNull}, MaxNetworkRetries: stripe.Int64(0)})))
}

func pay(t *testing.T, sc *stripe.Client, key, cus, pm string, amount int64) (*stripe.PaymentIntent, error) {
	t.Helper()
	p := &stripe.PaymentIntentCreateParams{Amount: stripe.Int64(amount), Currency: stripe.String("jpy"), Customer: stripe.String(cus),
		PaymentMethod: stripe.String(pm), Confirm: stripe.Bool(true), OffSession: stripe.Bool(true)}
	if key != "" {
		p.SetIdempotencyKey(key)
	}
	return sc.V1PaymentIntents.Create(context.Background(), p)
}

// The fake answers like Stripe: idempotency keys replay, test cards decline
// as Stripe's do (stripe-go decodes the errors), and webhooks carry a
// signature stripe-go verifies.
func TestFake_behavesLikeStripe(t *testing.T) {
	got := make(chan []byte, 16)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if _, err := webhook.ConstructEvent(b, r.Header.Get("Stripe-Signature"), "whsec_test"); err != nil {
			t.Errorf("webhook does not verify: %v", err)
		}
		got <- b
	}))
	defer hook.Close()
	fake, err := stripefake.Start(stripefake.Options{SecretKey: "sk_test_fake", WebhookSecret: "whsec_test", WebhookURL: hook.URL})
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	sc := client(t, fake.URL)
	ctx := context.Background()
	cus, err := sc.V1Customers.Create(ctx, &stripe.CustomerCreateParams{Email: stripe.String("a@b.test")})
	if err != nil {
		t.Fatal(err)
	}
	visa, err := sc.V1PaymentMethods.Attach(ctx, "pm_card_visa", &stripe.PaymentMethodAttachParams{Customer: stripe.String(cus.ID)})
	if err != nil || visa.Card == nil || visa.Card.Last4 != "4242" || !strings.HasPrefix(visa.ID, "pm_") {
		t.Fatalf("attach: %+v %v", visa, err)
	}

	t.Run("idempotency_key_replays_the_same_answer", func(t *testing.T) {
		a, err := pay(t, sc, "k1", cus.ID, visa.ID, 1500)
		if err != nil || a.Status != stripe.PaymentIntentStatusSucceeded {
			t.Fatalf("pay: %+v %v", a, err)
		}
		b, err := pay(t, sc, "k1", cus.ID, visa.ID, 1500)
		if err != nil || b.ID != a.ID {
			t.Fatalf("replay: %v %v", b, err)
		}
		_, err = pay(t, sc, "k1", cus.ID, visa.ID, 999)
		var se *stripe.Error
		if !errors.As(err, &se) || se.Type != stripe.ErrorTypeIdempotency {
			t.Fatalf("same key, other parameters: %v", err)
		}
		if tot := fake.Totals(); tot.Succeeded != 1 {
			t.Fatalf("totals %+v", tot)
		}
	})
	t.Run("test_cards_decline", func(t *testing.T) {
		for pm, code := range map[string]string{"pm_card_chargeDeclined": "generic_decline",
			"pm_card_chargeDeclinedInsufficientFunds": "insufficient_funds", "pm_card_authenticationRequired": "authentication_required"} {
			_, err := pay(t, sc, "", cus.ID, pm, 1500)
			var se *stripe.Error
			if !errors.As(err, &se) || se.Type != stripe.ErrorTypeCard || string(se.DeclineCode) != code || se.PaymentIntent == nil || se.HTTPStatusCode != 402 {
				t.Fatalf("%s: %v", pm, err)
			}
		}
		// On-session, a card that needs authentication asks for an action.
		p := &stripe.PaymentIntentCreateParams{Amount: stripe.Int64(100), Currency: stripe.String("usd"),
			PaymentMethod: stripe.String("pm_card_authenticationRequired"), Confirm: stripe.Bool(true)}
		pi, err := sc.V1PaymentIntents.Create(ctx, p)
		if err != nil || pi.Status != stripe.PaymentIntentStatusRequiresAction {
			t.Fatalf("on-session: %+v %v", pi, err)
		}
	})
	t.Run("refund_once", func(t *testing.T) {
		pi, err := pay(t, sc, "k2", cus.ID, visa.ID, 2000)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sc.V1Refunds.Create(ctx, &stripe.RefundCreateParams{PaymentIntent: stripe.String(pi.ID)}); err != nil {
			t.Fatal(err)
		}
		_, err = sc.V1Refunds.Create(ctx, &stripe.RefundCreateParams{PaymentIntent: stripe.String(pi.ID)})
		var se *stripe.Error
		if !errors.As(err, &se) || se.Code != stripe.ErrorCodeChargeAlreadyRefunded {
			t.Fatalf("second refund: %v", err)
		}
	})
	t.Run("unknown_key_401", func(t *testing.T) {
		bad := stripe.NewClient("sk_test_other", stripe.WithBackends(stripe.NewBackendsWithConfig(&stripe.BackendConfig{
			URL: stripe.String(fake.URL), LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelNull}})))
		_, err := bad.V1Customers.Create(ctx, &stripe.CustomerCreateParams{})
		var se *stripe.Error
		if !errors.As(err, &se) || se.HTTPStatusCode != 401 {
			t.Fatalf("err %v", err)
		}
	})
	select {
	case <-got:
	case <-time.After(5 * time.Second):
		t.Fatal("no webhook arrived")
	}
}
