package stripefake_test

import (
	"context"
	"testing"

	"github.com/stripe/stripe-go/v85"

	"github.com/kwipper/kwipper/shared/devstack/stripefake"
)

// Each pay-later method waits in requires_action with the next action
// Stripe documents for it; paying succeeds once with one charge, expiring
// leaves it unpaid (cancelable), and neither happens twice.
func TestFake_payLaterLifecycle(t *testing.T) {
	fake, err := stripefake.Start(stripefake.Options{SecretKey: "sk_test_fake", WebhookSecret: "whsec_test"})
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	sc := client(t, fake.URL)
	ctx := context.Background()
	cus, err := sc.V1Customers.Create(ctx, &stripe.CustomerCreateParams{})
	if err != nil {
		t.Fatal(err)
	}
	create := func(typ, cur string, key string) *stripe.PaymentIntent {
		t.Helper()
		p := &stripe.PaymentIntentCreateParams{Amount: stripe.Int64(150000), Currency: stripe.String(cur), Customer: stripe.String(cus.ID),
			PaymentMethodTypes: []*string{stripe.String(typ)}, Confirm: stripe.Bool(true),
			PaymentMethodData: &stripe.PaymentIntentCreatePaymentMethodDataParams{Type: stripe.String(typ),
				BillingDetails: &stripe.PaymentIntentCreatePaymentMethodDataBillingDetailsParams{Name: stripe.String("Ana Torres"), Email: stripe.String("ana@example.com")}}}
		switch typ {
		case "oxxo":
			p.PaymentMethodOptions = &stripe.PaymentIntentCreatePaymentMethodOptionsParams{OXXO: &stripe.PaymentIntentCreatePaymentMethodOptionsOXXOParams{ExpiresAfterDays: stripe.Int64(2)}}
		case "customer_balance":
			p.PaymentMethodOptions = &stripe.PaymentIntentCreatePaymentMethodOptionsParams{CustomerBalance: &stripe.PaymentIntentCreatePaymentMethodOptionsCustomerBalanceParams{
				FundingType: stripe.String("bank_transfer"), BankTransfer: &stripe.PaymentIntentCreatePaymentMethodOptionsCustomerBalanceBankTransferParams{Type: stripe.String("mx_bank_transfer")}}}
		}
		p.SetIdempotencyKey(key)
		pi, err := sc.V1PaymentIntents.Create(ctx, p)
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		return pi
	}
	k := create("konbini", "jpy", "k1")
	if k.Status != "requires_action" || k.NextAction == nil || k.NextAction.KonbiniDisplayDetails == nil ||
		k.NextAction.KonbiniDisplayDetails.Stores.FamilyMart.PaymentCode == "" || k.NextAction.KonbiniDisplayDetails.ExpiresAt == 0 {
		t.Fatalf("konbini %+v", k.NextAction)
	}
	if again := create("konbini", "jpy", "k1"); again.ID != k.ID {
		t.Fatalf("idempotency key replay made %s, want %s", again.ID, k.ID)
	}
	o := create("oxxo", "mxn", "o1")
	if o.NextAction == nil || o.NextAction.OXXODisplayDetails == nil || o.NextAction.OXXODisplayDetails.Number == "" {
		t.Fatalf("oxxo %+v", o.NextAction)
	}
	b := create("customer_balance", "mxn", "b1")
	if b.NextAction == nil || b.NextAction.DisplayBankTransferInstructions == nil || b.NextAction.DisplayBankTransferInstructions.Reference == "" ||
		b.NextAction.DisplayBankTransferInstructions.FinancialAddresses[0].Spei.Clabe == "" {
		t.Fatalf("spei %+v", b.NextAction)
	}
	q := create("qris", "idr", "q1")
	if q.NextAction == nil || string(q.NextAction.Type) != "qris_display_qr_code" {
		t.Fatalf("qris %+v", q.NextAction)
	}
	g := create("gopay", "idr", "g1")
	if g.NextAction == nil || g.NextAction.RedirectToURL == nil || g.NextAction.RedirectToURL.URL == "" {
		t.Fatalf("gopay %+v", g.NextAction)
	}
	p := &stripe.PaymentIntentCreateParams{Amount: stripe.Int64(100), Currency: stripe.String("mxn"),
		PaymentMethodTypes: []*string{stripe.String("konbini")}, Confirm: stripe.Bool(true),
		PaymentMethodData: &stripe.PaymentIntentCreatePaymentMethodDataParams{Type: stripe.String("konbini"),
			BillingDetails: &stripe.PaymentIntentCreatePaymentMethodDataBillingDetailsParams{Name: stripe.String("Kenji"), Email: stripe.String("kenji@example.com")}}}
	if _, err := sc.V1PaymentIntents.Create(ctx, p); err == nil {
		t.Fatal("konbini in MXN accepted")
	}

	if !fake.PayVoucher(k.ID) || fake.PayVoucher(k.ID) {
		t.Fatal("paying the konbini voucher: want once")
	}
	if !fake.ExpireVoucher(o.ID) || fake.ExpireVoucher(o.ID) || fake.PayVoucher(o.ID) {
		t.Fatal("expiring the OXXO voucher: want once, and no payment after")
	}
	got, err := sc.V1PaymentIntents.Retrieve(ctx, o.ID, nil)
	if err != nil || got.Status != "requires_payment_method" || got.LastPaymentError == nil ||
		got.LastPaymentError.Code != stripe.ErrorCodePaymentIntentPaymentAttemptExpired {
		t.Fatalf("expired oxxo %+v %v", got, err)
	}
	if c, err := sc.V1PaymentIntents.Cancel(ctx, o.ID, nil); err != nil || c.Status != "canceled" {
		t.Fatalf("cancel expired: %v", err)
	}
	if tot := fake.Totals(); tot.Succeeded != 1 {
		t.Fatalf("totals %+v, want one charge", tot)
	}
}
