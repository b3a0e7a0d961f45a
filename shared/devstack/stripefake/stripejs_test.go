package stripefake_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stripe/stripe-go/v85"

	"github.com/kwipper/kwipper/shared/devstack/stripefake"
)

// browser calls the fake as the Stripe.js stand-in's frames do: with the
// publishable key.
func browser(t *testing.T, base, pk, method, path string, form url.Values) (int, map[string]any) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, base+path, body)
	req.Header.Set("Authorization", "Bearer "+pk)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

func card(number, exp, cvc string) url.Values {
	return url.Values{"type": {"card"}, "card[number]": {number}, "card[exp_month]": {exp[:2]}, "card[exp_year]": {exp[2:]}, "card[cvc]": {cvc}}
}

// A publishable key creates card payment methods from Stripe's test numbers
// (refusing the numbers, dates and CVCs Stripe.js refuses), reads and
// confirms an intent only with its client secret, and may do nothing else;
// the bank's challenge completes or fails the confirmation.
func TestStripeJS_publishableKeyDoesWhatStripeJSMay(t *testing.T) {
	fake, err := stripefake.Start(stripefake.Options{SecretKey: "sk_test_fake", PublishableKey: "pk_test_fake"})
	if err != nil {
		t.Fatal(err)
	}
	defer fake.Close()
	const pk = "pk_test_fake"

	for _, c := range []struct {
		name string
		form url.Values
		code string
	}{
		{"a number failing the Luhn check", card("4242424242424241", "1240", "123"), "incorrect_number"},
		{"a month that does not exist", card("4242424242424242", "1340", "123"), "invalid_expiry_month"},
		{"an expiry in the past", card("4242424242424242", "0120", "123"), "invalid_expiry_year_past"},
		{"a two-digit CVC", card("4242424242424242", "1240", "12"), "invalid_cvc"},
	} {
		if status, out := browser(t, fake.URL, pk, "POST", "/v1/payment_methods", c.form); status != 402 || out["error"].(map[string]any)["code"] != c.code {
			t.Errorf("%s: %d %v, want 402 %s", c.name, status, out, c.code)
		}
	}
	if status, _ := browser(t, fake.URL, "pk_test_other", "POST", "/v1/payment_methods", card("4242424242424242", "1240", "123")); status != 401 {
		t.Errorf("another publishable key: %d, want 401", status)
	}
	if status, _ := browser(t, fake.URL, pk, "POST", "/v1/customers", url.Values{"email": {"a@b.test"}}); status != 401 {
		t.Errorf("a publishable key created a customer: %d, want 401", status)
	}

	status, visa := browser(t, fake.URL, pk, "POST", "/v1/payment_methods", card("4242 4242 4242 4242", "1240", "123"))
	if status != 200 || visa["card"].(map[string]any)["last4"] != "4242" || !strings.HasPrefix(visa["id"].(string), "pm_") {
		t.Fatalf("visa: %d %v", status, visa)
	}
	_, auth := browser(t, fake.URL, pk, "POST", "/v1/payment_methods", card("4000002760003184", "1240", "123"))

	// The server side (Billing, with the secret key) creates the payment;
	// the bank asks for authentication; the learner confirms in the browser.
	sc := client(t, fake.URL)
	ctx := context.Background()
	cus, _ := sc.V1Customers.Create(ctx, &stripe.CustomerCreateParams{})
	if _, err := sc.V1PaymentMethods.Attach(ctx, auth["id"].(string), &stripe.PaymentMethodAttachParams{Customer: stripe.String(cus.ID)}); err != nil {
		t.Fatal(err)
	}
	pi, err := sc.V1PaymentIntents.Create(ctx, &stripe.PaymentIntentCreateParams{Amount: stripe.Int64(1000), Currency: stripe.String("jpy"),
		Customer: stripe.String(cus.ID), PaymentMethod: stripe.String(auth["id"].(string)), Confirm: stripe.Bool(true)})
	if err != nil || pi.Status != "requires_action" {
		t.Fatalf("on-session payment with an authenticating card: %v %v", pi, err)
	}
	path := "/v1/payment_intents/" + pi.ID
	if status, _ := browser(t, fake.URL, pk, "GET", path+"?client_secret=wrong", nil); status != 404 {
		t.Errorf("read with the wrong client secret: %d, want 404", status)
	}
	if status, _ := browser(t, fake.URL, pk, "POST", path+"/authenticate", url.Values{"result": {"complete"}}); status != 404 {
		t.Errorf("authenticated without the client secret: %d, want 404", status)
	}
	secret := url.Values{"client_secret": {pi.ClientSecret}}
	if status, out := browser(t, fake.URL, pk, "POST", path+"/confirm", secret); status != 200 || out["status"] != "requires_action" {
		t.Errorf("confirm while waiting for the bank: %d %v", status, out["status"])
	}
	if status, out := browser(t, fake.URL, pk, "POST", path+"/authenticate", url.Values{"client_secret": {pi.ClientSecret}, "result": {"complete"}}); status != 200 || out["status"] != "succeeded" {
		t.Errorf("challenge completed: %d %v, want succeeded", status, out["status"])
	}
	if got := fake.Totals(); got.Succeeded != 1 {
		t.Errorf("charges = %+v, want 1 succeeded", got)
	}

	// A failed challenge leaves the payment unpaid, with the reason.
	pi2, _ := sc.V1PaymentIntents.Create(ctx, &stripe.PaymentIntentCreateParams{Amount: stripe.Int64(1000), Currency: stripe.String("jpy"),
		Customer: stripe.String(cus.ID), PaymentMethod: stripe.String(auth["id"].(string)), Confirm: stripe.Bool(true)})
	_, out := browser(t, fake.URL, pk, "POST", "/v1/payment_intents/"+pi2.ID+"/authenticate", url.Values{"client_secret": {pi2.ClientSecret}, "result": {"fail"}})
	if lpe, _ := out["last_payment_error"].(map[string]any); out["status"] != "requires_payment_method" || lpe["code"] != "payment_intent_authentication_failure" {
		t.Errorf("challenge failed: %v", out)
	}

	for _, asset := range []string{"stripe.js", "card.html", "challenge.html", "controller.html", "frame.js"} {
		res, err := http.Get(fake.URL + "/v3/" + asset)
		if err != nil || res.StatusCode != 200 {
			t.Errorf("GET /v3/%s: %v %v", asset, res.StatusCode, err)
		}
		res.Body.Close()
	}
	if res, _ := http.Get(fake.URL + "/v3/../stripefake.go"); res.StatusCode != 404 {
		t.Errorf("a path outside the library: %d", res.StatusCode)
	}
}
