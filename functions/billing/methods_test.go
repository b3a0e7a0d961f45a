package billing

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kwipper/kwipper/functions/contract/usermsg"
	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/httpx"
	"github.com/kwipper/kwipper/shared/money"
)

func TestOfferedMethods_perCountry(t *testing.T) {
	types := func(country string) []string {
		var out []string
		for _, m := range OfferedMethods(country) {
			out = append(out, m.Type)
		}
		return out
	}
	for _, tt := range []struct {
		country string
		want    []string
	}{
		{"JP", []string{"card", "konbini"}},
		{"MX", []string{"card", "oxxo", "customer_balance"}},
		{"ID", []string{"card", "qris", "gopay"}},
		{"PH", []string{"card"}},
		{"", []string{"card"}},
		{"FR", []string{"card"}},
	} {
		if got := types(tt.country); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("OfferedMethods(%q) = %v, want %v", tt.country, got, tt.want)
		}
	}
	for _, m := range OfferedMethods("ID") {
		if want := m.Type == "card"; m.Reusable != want {
			t.Errorf("%s reusable = %v", m.Type, m.Reusable)
		}
	}
}

func TestPickDefault_keepsOrFallsToNewestUsable(t *testing.T) {
	ms := []PaymentMethod{{ID: "pm_c"}, {ID: "pm_b", Unusable: "stolen_card"}, {ID: "pm_a"}}
	for _, tt := range []struct{ current, removed, want string }{
		{"pm_a", "pm_c", "pm_a"},
		{"pm_c", "pm_c", "pm_a"},
		{"pm_a", "pm_a", "pm_c"},
		{"", "pm_x", "pm_c"},
	} {
		if got := pickDefault(tt.current, tt.removed, ms); got != tt.want {
			t.Errorf("pickDefault(%s, %s) = %s, want %s", tt.current, tt.removed, got, tt.want)
		}
	}
	if got := pickDefault("pm_a", "pm_a", []PaymentMethod{{ID: "pm_a"}}); got != "" {
		t.Errorf("last one removed: default %q", got)
	}
}

// call runs handler fn as user (pathID: the {paymentMethodId}).
func (e *env) call(fn func(http.ResponseWriter, *http.Request) error, method, user, pathID string, body any) (int, []byte) {
	e.t.Helper()
	var rd bytes.Buffer
	if body != nil {
		_ = json.NewEncoder(&rd).Encode(body)
	}
	r := httptest.NewRequest(method, "/v1/billing/payment-methods", &rd)
	r.Header.Set("Content-Type", "application/json")
	r.SetPathValue("paymentMethodId", pathID)
	r = r.WithContext(auth.WithPrincipal(r.Context(), auth.Principal{UserID: user, Roles: []auth.Role{auth.Learner}}))
	w := httptest.NewRecorder()
	httpx.Handler(fn).ServeHTTP(w, r)
	return w.Code, w.Body.Bytes()
}

// callPath runs GET handler fn as user with path value name=value.
func (e *env) callPath(fn func(http.ResponseWriter, *http.Request) error, user, name, value string) (int, []byte) {
	e.t.Helper()
	r := httptest.NewRequest(http.MethodGet, "/v1/billing/payments/"+value+"/action", nil)
	r.SetPathValue(name, value)
	r = r.WithContext(auth.WithPrincipal(r.Context(), auth.Principal{UserID: user, Roles: []auth.Role{auth.Learner}}))
	w := httptest.NewRecorder()
	httpx.Handler(fn).ServeHTTP(w, r)
	return w.Code, w.Body.Bytes()
}

func (e *env) wallet(user string) WalletView {
	e.t.Helper()
	code, body := e.call(e.svc.listMethods, http.MethodGet, user, "", nil)
	if code != http.StatusOK {
		e.t.Fatalf("list: %d %s", code, body)
	}
	var v WalletView
	if err := json.Unmarshal(body, &v); err != nil {
		e.t.Fatal(err)
	}
	return v
}

func (e *env) save(user, pm string, def *bool) MethodView {
	e.t.Helper()
	code, body := e.call(e.svc.saveCard, http.MethodPost, user, "", SaveCardRequest{PaymentMethodID: pm, Default: def})
	if code != http.StatusCreated && code != http.StatusAccepted {
		e.t.Fatalf("save %s: %d %s", pm, code, body)
	}
	var v MethodView
	_ = json.Unmarshal(body, &v)
	return v
}

func ids(v WalletView) []string {
	var out []string
	for _, m := range v.PaymentMethods {
		out = append(out, m.ID)
	}
	return out
}

// A learner keeps several cards: a second one no longer replaces the first;
// they choose the default and remove cards; refusals change nothing.
func TestPaymentMethods_listAddDefaultRemove(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if err := e.svc.onUserEvent(ctx, events.Message{Event: events.Event{ID: "ev-u1", Type: usermsg.EventRegistered,
		Data: mustJSON(t, usermsg.EventData{UserID: "u1", Country: "JP", Version: 1})}}); err != nil {
		t.Fatal(err)
	}

	empty := e.wallet("u1")
	if len(empty.PaymentMethods) != 0 || empty.Country != "JP" || len(empty.Available) != 2 || empty.Available[1].Type != "konbini" {
		t.Fatalf("empty wallet %+v", empty)
	}
	visa := e.save("u1", "pm_card_visa", nil)
	master := e.save("u1", "pm_card_mastercard", nil)
	no := false
	jcb := e.save("u1", "pm_card_jcb", &no)
	if visa.Status != "saved" || visa.Brand != "visa" || visa.Last4 != "4242" || visa.SetupIntentID == "" || !visa.Default {
		t.Fatalf("first card %+v", visa)
	}
	w := e.wallet("u1")
	if got := ids(w); !reflect.DeepEqual(got, []string{jcb.ID, master.ID, visa.ID}) || w.DefaultPaymentMethodID != master.ID {
		t.Fatalf("wallet %v default %s; want the three cards newest first, mastercard default", got, w.DefaultPaymentMethodID)
	}
	c, _, _ := e.svc.store.getCustomer(ctx, "u1")
	if c.PaymentMethod != master.ID || c.CardLast4 != "4444" {
		t.Fatalf("payments would use %+v", c)
	}

	t.Run("payment_methods_404_not_mine", func(t *testing.T) {
		e.save("u2", "pm_card_visa", nil)
		other := e.wallet("u2").PaymentMethods[0].ID
		for _, call := range []struct {
			fn     func(http.ResponseWriter, *http.Request) error
			method string
		}{{e.svc.setDefaultMethod, http.MethodPost}, {e.svc.removeMethod, http.MethodDelete}} {
			if code, body := e.call(call.fn, call.method, "u1", other, nil); code != http.StatusNotFound {
				t.Fatalf("%s another's card: %d %s", call.method, code, body)
			}
		}
		if got := e.wallet("u1"); !reflect.DeepEqual(got, w) {
			t.Fatalf("u1's wallet changed: %+v", got)
		}
		if got := e.wallet("u2"); len(got.PaymentMethods) != 1 || got.DefaultPaymentMethodID != other {
			t.Fatalf("u2's wallet changed: %+v", got)
		}
	})
	t.Run("payment_methods_400_bad_input", func(t *testing.T) {
		for _, body := range []any{SaveCardRequest{}, SaveCardRequest{PaymentMethodID: "card_123"}, map[string]any{"payment_method_id": 5},
			SaveCardRequest{PaymentMethodID: "pm_no_such_method"}} {
			if code, out := e.call(e.svc.saveCard, http.MethodPost, "u1", "", body); code != http.StatusBadRequest {
				t.Fatalf("save %+v: %d %s", body, code, out)
			}
		}
		if got := e.wallet("u1"); !reflect.DeepEqual(got, w) {
			t.Fatalf("wallet changed: %+v", got)
		}
	})

	if code, body := e.call(e.svc.setDefaultMethod, http.MethodPost, "u1", visa.ID, nil); code != http.StatusOK {
		t.Fatalf("set default: %d %s", code, body)
	}
	if got := e.wallet("u1").DefaultPaymentMethodID; got != visa.ID {
		t.Fatalf("default %s, want visa", got)
	}
	if code, body := e.call(e.svc.removeMethod, http.MethodDelete, "u1", visa.ID, nil); code != http.StatusNoContent {
		t.Fatalf("remove: %d %s", code, body)
	}
	w = e.wallet("u1")
	if got := ids(w); !reflect.DeepEqual(got, []string{jcb.ID, master.ID}) || w.DefaultPaymentMethodID != jcb.ID {
		t.Fatalf("after removing the default: %v default %s; want the newest left as default", got, w.DefaultPaymentMethodID)
	}
	// Detached at Stripe: it can never be charged or saved again.
	if code, _ := e.call(e.svc.saveCard, http.MethodPost, "u1", "", SaveCardRequest{PaymentMethodID: visa.ID}); code != http.StatusBadRequest {
		t.Fatalf("saving a removed card again: %d", code)
	}
	if code, _ := e.call(e.svc.removeMethod, http.MethodDelete, "u1", visa.ID, nil); code != http.StatusNotFound {
		t.Fatalf("removing twice: %d", code)
	}
	// The same card saved again, now as the default, is another request to
	// Stripe (its own idempotency key), not a reused key with other
	// parameters (which Stripe refuses).
	yes := true
	if again := e.save("u1", "pm_card_jcb", &yes); !again.Default {
		t.Fatalf("saved again as default: %+v", again)
	}
}

// A setup's webhook that arrives late, after the learner chose another
// default, changes nothing: the API call saved that card already.
func TestPaymentMethods_lateSetupWebhook_keepsTheChosenDefault(t *testing.T) {
	e := newEnv(t)
	srv := httptest.NewServer(httpx.Handler(e.svc.webhook))
	defer srv.Close()
	yes := true
	visa := e.save("u9", "pm_card_visa", &yes)
	master := e.save("u9", "pm_card_mastercard", &yes)
	if got := e.wallet("u9").DefaultPaymentMethodID; got != master.ID {
		t.Fatalf("default %s, want the mastercard", got)
	}
	delivered := 0
	for _, ev := range e.fake.Events() {
		if ev.Type == "setup_intent.succeeded" && strings.Contains(string(ev.Body), visa.ID) {
			if err := e.fake.Deliver(srv.URL, ev.Body); err != nil {
				t.Fatal(err)
			}
			delivered++
		}
	}
	if delivered == 0 {
		t.Fatal("the fake sent no setup_intent.succeeded for the visa")
	}
	if w := e.wallet("u9"); w.DefaultPaymentMethodID != master.ID || len(w.PaymentMethods) != 2 {
		t.Fatalf("after the visa's late webhook: default %s, %d methods; want the mastercard, 2", w.DefaultPaymentMethodID, len(w.PaymentMethods))
	}
}

// A card whose bank asks for authentication on setup answers 202 with the
// SetupIntent's client secret; once the learner authenticated, the webhook
// saves it, and off-session charges then go through.
func TestPaymentMethods_setupNeedsAuthentication_savedByWebhook(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	srv := httptest.NewServer(httpx.Handler(e.svc.webhook))
	defer srv.Close()
	e.fake.SetWebhookURL(srv.URL)
	e.save("u5", "pm_card_visa", nil)
	v := e.save("u5", "pm_card_authenticationRequiredOnSetup", nil)
	if v.Status != "requires_action" || v.ClientSecret == "" || v.NextAction != "use_stripe_sdk" || v.SetupIntentID == "" {
		t.Fatalf("setup needing authentication answered %+v", v)
	}
	if w := e.wallet("u5"); len(w.PaymentMethods) != 1 {
		t.Fatalf("saved before authentication: %+v", w)
	}
	if !e.fake.Authenticate(v.SetupIntentID, true) {
		t.Fatal("the fake had no setup waiting")
	}
	deadline := time.Now().Add(10 * time.Second)
	for len(e.wallet("u5").PaymentMethods) != 2 {
		if time.Now().After(deadline) {
			t.Fatal("the webhook did not save the authenticated card")
		}
		time.Sleep(20 * time.Millisecond)
	}
	w := e.wallet("u5")
	if w.PaymentMethods[0].Last4 != "3155" || !w.PaymentMethods[0].Default {
		t.Fatalf("wallet %+v", w)
	}
	// Set up for off-session use: a renewal-like charge needs no learner.
	c, _, _ := e.svc.store.getCustomer(ctx, "u5")
	res, err := e.svc.gw.Charge(ctx, "offsession-u5", c.StripeCustomerID, c.PaymentMethod, money.Money{Amount: 1500, Currency: "JPY"}, "renewal", nil, false)
	if err != nil || !res.Succeeded {
		t.Fatalf("off-session charge of the set-up card: %+v %v", res, err)
	}
}

func mustJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A hard decline marks the card unusable at once: the default moves to the
// learner's other card, the refused one cannot be made default again (409,
// nothing changes), and the next payment uses the other card.
func TestPayment_hardDecline_marksMethodUnusable(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	visa := e.save("u6", "pm_card_visa", nil)
	stolen := e.save("u6", "pm_card_chargeDeclinedStolenCard", nil)
	first := "00000000-0000-4000-8000-000000000061"
	if err := e.participant.Handle(ctx, payCommand(first, "u6"), e.step()); err != nil {
		t.Fatal(err)
	}
	p := e.payment(PaymentID(first))
	if p.Status != StatusFailed || p.FailureCode != "card_refused" || p.DeclineCode != "stolen_card" || p.PaymentMethodID != stolen.ID || p.Class() != Hard {
		t.Fatalf("payment %+v", p)
	}
	w := e.wallet("u6")
	if w.DefaultPaymentMethodID != visa.ID || w.PaymentMethods[0].Status != "unusable" || w.PaymentMethods[0].UnusableCode != "stolen_card" {
		t.Fatalf("wallet after a hard decline %+v", w)
	}
	t.Run("default_409_unusable", func(t *testing.T) {
		if code, body := e.call(e.svc.setDefaultMethod, http.MethodPost, "u6", stolen.ID, nil); code != http.StatusConflict {
			t.Fatalf("default to a refused card: %d %s", code, body)
		}
		if got := e.wallet("u6"); !reflect.DeepEqual(got, w) {
			t.Fatalf("wallet changed: %+v", got)
		}
	})
	second := "00000000-0000-4000-8000-000000000062"
	if err := e.participant.Handle(ctx, payCommand(second, "u6"), e.step()); err != nil {
		t.Fatal(err)
	}
	if p := e.payment(PaymentID(second)); p.Status != StatusSucceeded || p.PaymentMethodID != visa.ID {
		t.Fatalf("next payment %+v", p)
	}
	if tot := e.fake.Totals(); tot.Succeeded != 1 || tot.Declined != 1 {
		t.Fatalf("stripe totals %+v", tot)
	}
}
