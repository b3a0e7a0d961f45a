package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/kwipper/kwipper/functions/devstack"
	"github.com/kwipper/kwipper/functions/ops"
)

// stripeUsage says what kwipper-dev stripe does.
const stripeUsage = `kwipper-dev stripe pay-voucher <payment_intent id | Kwipper payment id>
    play the learner paying a konbini or OXXO voucher, a SPEI transfer or a QRIS/GoPay code
kwipper-dev stripe expire-voucher <payment_intent id | Kwipper payment id>
    play the voucher, transfer or code expiring unpaid
Both talk to the Stripe fake of the stack scripts/dev runs (KW_STRIPE_API_BASE, read from .dev/stack.env),
which then sends Kwipper the webhook Stripe would (payment_intent.succeeded or payment_intent.payment_failed).
A Kwipper payment id is what GET /v1/subscriptions/{id} names in action.payment_id.`

// stripeCmd runs kwipper-dev stripe: it plays the customer at the local
// Stripe fake.
func stripeCmd(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	if len(args) != 2 || (args[0] != "pay-voucher" && args[0] != "expire-voucher") {
		return fmt.Errorf("usage:\n%s", stripeUsage)
	}
	getenv, _ = ops.LocalStack(getenv, ".")
	base := strings.TrimRight(getenv("KW_STRIPE_API_BASE"), "/")
	if base == "" {
		return fmt.Errorf("no local stack found: start it with scripts/dev (it writes %s), or set KW_STRIPE_API_BASE to the Stripe fake's URL", ops.LocalStackFile)
	}
	key := getenv("KW_STRIPE_SECRET_KEY")
	if key == "" {
		key = devstack.StripeKey
	}
	fake := fakeClient{base: base, key: key, hc: &http.Client{Timeout: 30 * time.Second}}
	pi, err := fake.intentOf(ctx, args[1])
	if err != nil {
		return err
	}
	action := "pay"
	if args[0] == "expire-voucher" {
		action = "expire"
	}
	var got struct {
		ID     string `json:"id"`
		Status string `json:"status"`
	}
	if err := fake.call(ctx, http.MethodPost, "/v1/test_helpers/payment_intents/"+pi+"/"+action, &got); err != nil {
		return err
	}
	fmt.Fprintf(out, "%s is now %s; the Stripe fake sends Kwipper the webhook.\n", got.ID, got.Status)
	return nil
}

// fakeClient calls the local Stripe fake.
type fakeClient struct {
	base, key string
	hc        *http.Client
}

// intentOf returns the PaymentIntent id names: itself (pi_...), or the one
// of Kwipper payment id (a saga's "saga-<saga id>" carries metadata
// saga_id, a renewal's its key as metadata renewal) that waits for the
// customer.
func (c fakeClient) intentOf(ctx context.Context, id string) (string, error) {
	if strings.HasPrefix(id, "pi_") {
		return id, nil
	}
	q := "metadata['renewal']:'" + id + "'"
	if sagaID, ok := strings.CutPrefix(id, "saga-"); ok {
		q = "metadata['saga_id']:'" + sagaID + "'"
	}
	var res struct {
		Data []struct {
			ID     string `json:"id"`
			Status string `json:"status"`
		} `json:"data"`
	}
	if err := c.call(ctx, http.MethodGet, "/v1/payment_intents/search?query="+url.QueryEscape(q), &res); err != nil {
		return "", err
	}
	for _, pi := range res.Data {
		if pi.Status == "requires_action" {
			return pi.ID, nil
		}
	}
	if len(res.Data) > 0 {
		return "", fmt.Errorf("payment %s waits for nothing: its PaymentIntent %s is %s", id, res.Data[0].ID, res.Data[0].Status)
	}
	return "", fmt.Errorf("the Stripe fake has no PaymentIntent for payment %s", id)
}

// call sends one request and decodes the answer into v (a Stripe error
// as an error).
func (c fakeClient) call(ctx context.Context, method, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	resp, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("the Stripe fake at %s: %w", c.base, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error struct {
				Message string `json:"message"`
			} `json:"error"`
		}
		_ = json.Unmarshal(b, &e)
		return fmt.Errorf("the Stripe fake answered %d: %s", resp.StatusCode, e.Error.Message)
	}
	return json.Unmarshal(b, v)
}

// stripeMain is kwipper-dev stripe with the process's environment.
func stripeMain(ctx context.Context, args []string) error {
	return stripeCmd(ctx, args, os.Getenv, os.Stdout)
}
