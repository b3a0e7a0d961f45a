package billing

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kwipper/kwipper/shared/devstack/stripefake"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/money"
)

// startStripeMock runs stripe-mock (a Go tool of this module: `go tool
// stripe-mock`), which validates every request against Stripe's OpenAPI
// document, and returns its URL. It fails the test when stripe-mock cannot
// start: the contract is part of the suite, never skipped.
func startStripeMock(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "tool", "-n", "stripe-mock").Output()
	if err != nil {
		t.Fatalf("stripe-mock: build it with `go tool -n stripe-mock`: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(strings.TrimSpace(string(out)), "-http-addr", addr)
	var logs syncBuffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("stripe-mock: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("stripe-mock log:\n%s", logs.String())
		}
	})
	url := "http://" + addr
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(url + "/v1/customers")
		if err == nil {
			resp.Body.Close()
			return url
		}
		if time.Now().After(deadline) {
			t.Fatalf("stripe-mock did not answer at %s: %v", url, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Every request the Billing service makes is accepted by stripe-mock
// (Stripe's API as published) and by the Stripe fake the flows run on, with
// the same parameters: the fake is held to Stripe's real request shapes.
func TestContract_requestsMatchStripeAPI(t *testing.T) {
	mock := startStripeMock(t)
	fake, err := stripefake.Start(stripefake.Options{WebhookSecret: "whsec_contract"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fake.Close)
	for name, base := range map[string]string{"stripe-mock": mock, "stripefake": fake.URL} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			gw := NewGateway("sk_test_contract", base)
			cus, err := gw.CreateCustomer(ctx, "user-1")
			if err != nil || cus == "" {
				t.Fatalf("create customer: %q %v", cus, err)
			}
			card, err := gw.AttachCard(ctx, cus, "pm_card_visa")
			if err != nil || card.PaymentMethodID == "" {
				t.Fatalf("attach card: %+v %v", card, err)
			}
			if _, err := gw.RetrieveCard(ctx, card.PaymentMethodID); err != nil {
				t.Fatalf("retrieve card: %v", err)
			}
			set, err := gw.SetUpCard(ctx, "contract-setup-"+name, cus, "pm_card_mastercard", false)
			if err != nil || set.SetupIntentID == "" {
				t.Fatalf("set up card: %+v %v", set, err)
			}
			if name == "stripefake" && (set.Status != "succeeded" || set.Method.Last4 != "4444") {
				t.Fatalf("set up card on the fake: %+v", set)
			}
			if err := gw.Detach(ctx, set.Method.ID); err != nil {
				t.Fatalf("detach: %v", err)
			}
			// A PaymentIntent given up on is cancelled; one already paid
			// cannot be and says so.
			open, err := gw.Charge(ctx, "contract-cancel-"+name, cus, card.PaymentMethodID, money.Money{Amount: 1500, Currency: "JPY"}, "Kwipper: contract", nil, true)
			if err != nil {
				t.Fatalf("charge to cancel: %v", err)
			}
			if got, err := gw.CancelIntent(ctx, "contract-cancel-"+name+"-cancel", open.PaymentIntentID); err != nil || (name == "stripefake" && !got.Succeeded) {
				t.Fatalf("cancel payment intent: %+v %v", got, err)
			}
			si, err := gw.CreateSetupIntent(ctx, cus)
			if err != nil || si.ID == "" {
				t.Fatalf("setup intent: %+v %v", si, err)
			}
			for _, m := range []money.Money{{Amount: 1500, Currency: "JPY"}, {Amount: 9900000, Currency: "IDR"},
				{Amount: 19900, Currency: "PHP"}, {Amount: 29900, Currency: "MXN"}, {Amount: 999, Currency: "USD"}} {
				key := fmt.Sprintf("contract-%s-%s", name, m.Currency)
				res, err := gw.Charge(ctx, key, cus, card.PaymentMethodID, m, "Kwipper: contract", map[string]string{"saga_id": key}, m.Currency == "JPY")
				if err != nil || res.PaymentIntentID == "" {
					t.Fatalf("charge %v: %+v %v", m, res, err)
				}
				if _, _, err := gw.Intent(ctx, res.PaymentIntentID); err != nil {
					t.Fatalf("retrieve payment intent: %v", err)
				}
				found, err := gw.FindIntents(ctx, "saga_id", key)
				if err != nil || (name == "stripefake" && (len(found) != 1 || found[0].Result.PaymentIntentID != res.PaymentIntentID)) {
					t.Fatalf("search payment intents: %+v %v", found, err)
				}
				if name == "stripefake" && !res.Succeeded {
					t.Fatalf("charge %v on the fake: %+v", m, res)
				}
				if _, err := gw.Refund(ctx, key+"-refund", res.PaymentIntentID); err != nil {
					t.Fatalf("refund: %v", err)
				}
			}
			// Pay-later methods, each in its currency: the PaymentIntent
			// waits for the customer with the method's instructions.
			// QRIS and GoPay are documented by Stripe
			// (docs.stripe.com/payments/qris) but not yet in its
			// published API (stripe-mock v0.203.0, stripe-go v85): stripe-mock
			// refuses them, and the fake's shape for them is an
			// assumption (see stripefake/paylater.go) until it is.
			for _, c := range []struct {
				method string
				m      money.Money
			}{{"konbini", money.Money{Amount: 1500, Currency: "JPY"}}, {"oxxo", money.Money{Amount: 29900, Currency: "MXN"}},
				{"customer_balance", money.Money{Amount: 29900, Currency: "MXN"}}, {"qris", money.Money{Amount: 9900000, Currency: "IDR"}},
				{"gopay", money.Money{Amount: 9900000, Currency: "IDR"}}} {
				key := fmt.Sprintf("contract-%s-%s", name, c.method)
				res, err := gw.ChargeLater(ctx, key, cus, c.method, Buyer{Name: "Ana Torres", Email: "ana@example.com"}, c.m, "Kwipper: contract", map[string]string{"saga_id": key}, 3)
				if name == "stripe-mock" && (c.method == "qris" || c.method == "gopay") {
					if !errs.Is(err, errs.Invalid) {
						t.Fatalf("stripe-mock now knows %s (%v): check the fake's next_action for it against Stripe's and test it here", c.method, err)
					}
					continue
				}
				if err != nil || res.PaymentIntentID == "" {
					t.Fatalf("charge %s %v: %+v %v", c.method, c.m, res, err)
				}
				if name == "stripefake" && (!res.ActionRequired || res.Instructions == nil || res.Instructions.Method != c.method) {
					t.Fatalf("charge %s on the fake: %+v %+v", c.method, res, res.Instructions)
				}
				if _, act, err := gw.Intent(ctx, res.PaymentIntentID); err != nil || (name == "stripefake" && act.Instructions == nil) {
					t.Fatalf("retrieve %s payment intent: %+v %v", c.method, act, err)
				}
				if _, err := gw.CancelIntent(ctx, key+"-cancel", res.PaymentIntentID); err != nil {
					t.Fatalf("cancel %s: %v", c.method, err)
				}
			}
			// A deleted account's customer is deleted; deleting it again
			// (a retried step) is no error.
			for range 2 {
				if err := gw.DeleteCustomer(ctx, cus); err != nil {
					t.Fatalf("delete customer: %v", err)
				}
			}
			if name == "stripefake" {
				if _, err := gw.Charge(ctx, "contract-after-delete", cus, card.PaymentMethodID, money.Money{Amount: 1500, Currency: "JPY"}, "Kwipper: contract", nil, false); err == nil {
					t.Fatal("a deleted customer's card was charged")
				}
			}
		})
	}
	// stripe-mock really checks: a parameter Stripe does not have is refused.
	req, _ := http.NewRequest(http.MethodPost, mock+"/v1/payment_intents",
		strings.NewReader("amount=100&currency=usd&no_such_parameter=1"))
	req.Header.Set("Authorization", "Bearer sk_test_contract")
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("stripe-mock accepted an unknown parameter (%d): the contract would prove nothing", resp.StatusCode)
	}
}

// syncBuffer is a bytes.Buffer safe for a process's stdout and stderr.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
