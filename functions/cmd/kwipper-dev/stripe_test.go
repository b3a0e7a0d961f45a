package main

import (
	"context"
	"strings"
	"testing"

	"github.com/stripe/stripe-go/v85"

	"github.com/kwipper/kwipper/functions/devstack"
	"github.com/kwipper/kwipper/shared/devstack/stripefake"
)

// kwipper-dev stripe pay-voucher finds a saga's waiting PaymentIntent by
// Kwipper's payment id and pays it at the fake (one charge); paying it again
// or expiring it after is refused with Stripe's reason, as is a payment the
// fake does not know; without a stack it says how to start one.
func TestStripeCommand_paysTheVoucherOnce(t *testing.T) {
	fake, err := stripefake.Start(stripefake.Options{SecretKey: devstack.StripeKey})
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	sc := stripe.NewClient(devstack.StripeKey, stripe.WithBackends(stripe.NewBackendsWithConfig(&stripe.BackendConfig{
		URL: stripe.String(fake.URL), LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelNull}})))
	pi, err := sc.V1PaymentIntents.Create(context.Background(), &stripe.PaymentIntentCreateParams{
		Amount: stripe.Int64(1500), Currency: stripe.String("jpy"), PaymentMethodTypes: []*string{stripe.String("konbini")},
		PaymentMethodData: &stripe.PaymentIntentCreatePaymentMethodDataParams{Type: stripe.String("konbini"),
			BillingDetails: &stripe.PaymentIntentCreatePaymentMethodDataBillingDetailsParams{Name: stripe.String("Kenji"), Email: stripe.String("kenji@example.com")}},
		Confirm: stripe.Bool(true), Metadata: map[string]string{"saga_id": "0b7c"}})
	if err != nil {
		t.Fatal(err)
	}
	env := func(k string) string {
		if k == "KW_STRIPE_API_BASE" {
			return fake.URL
		}
		return ""
	}
	var out strings.Builder
	ctx := context.Background()
	if err := stripeCmd(ctx, []string{"pay-voucher", "saga-0b7c"}, env, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), pi.ID+" is now succeeded") {
		t.Fatalf("output %q", out.String())
	}
	for _, args := range [][]string{{"pay-voucher", pi.ID}, {"expire-voucher", "saga-0b7c"}, {"pay-voucher", "saga-none"}, {"pay", pi.ID}} {
		if err := stripeCmd(ctx, args, env, &out); err == nil {
			t.Fatalf("%v: no error", args)
		}
	}
	if tot := fake.Totals(); tot.Succeeded != 1 {
		t.Fatalf("totals %+v", tot)
	}
	t.Chdir(t.TempDir())
	if err := stripeCmd(ctx, []string{"pay-voucher", pi.ID}, func(string) string { return "" }, &out); err == nil || !strings.Contains(err.Error(), "scripts/dev") {
		t.Fatalf("without a stack: %v", err)
	}
}
