package billing

import (
	"bytes"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kwipper/kwipper/shared/devstack/stripefake"
	"github.com/kwipper/kwipper/shared/devstack/testenv"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/httpx"
)

// Any payload at the webhook, signed with the right secret or not: 200 for
// an event it handled or ignores, 400 for one it cannot read or whose
// signature fails; never a 5xx (Stripe would retry it for days) and never
// a panic. Runs against a real database: every signed payload goes
// through the once-only transaction.
func FuzzWebhook(f *testing.F) {
	ms, err := Registration.Migrations()
	if err != nil {
		f.Fatal(err)
	}
	db, _ := testenv.Database(f, ms)
	pub := &events.Recorder{}
	d := fnreg.Deps{DB: db, Outbox: &events.Outbox{DB: db, Publisher: pub}, Publisher: pub}
	svc := New(d, Config{SecretKey: testKey, APIBase: "http://127.0.0.1:1", WebhookSecret: testSecret})
	h := httpx.Handler(svc.webhook)

	for _, s := range []string{
		`{"id":"evt_1","type":"payment_intent.succeeded","data":{"object":{"id":"pi_1","object":"payment_intent"}}}`,
		`{"id":"evt_2","type":"payment_intent.payment_failed","data":{"object":{"id":"pi_1","last_payment_error":{"code":"card_declined","decline_code":"stolen_card"}}}}`,
		`{"id":"evt_3","type":"charge.refunded","data":{"object":{"id":"ch_1","refunded":true,"payment_intent":"pi_1"}}}`,
		`{"id":"evt_4","type":"setup_intent.succeeded","data":{"object":{"id":"seti_1","customer":"cus_1","payment_method":{"id":"pm_1","card":{"brand":"visa","last4":"4242"}}}}}`,
		`{"id":"evt_5","type":"charge.refunded","data":{"object":[]}}`,
		`{"id":"","type":"x"}`,
		`not json`,
	} {
		f.Add([]byte(s), true, int64(0))
	}
	f.Add([]byte(`{"id":"evt_6"}`), false, int64(0))
	f.Add([]byte(`{"id":"evt_7"}`), true, int64(3600))
	f.Fuzz(func(t *testing.T, payload []byte, sign bool, skewSeconds int64) {
		sig := "t=1,v1=00"
		if sign {
			sig = stripefake.Sign(payload, testSecret, time.Now().Add(time.Duration(skewSeconds%7200)*time.Second))
		}
		r := httptest.NewRequest("POST", "/webhooks/stripe", bytes.NewReader(payload))
		r.Header.Set("Stripe-Signature", sig)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != 200 && w.Code != 400 && w.Code != 413 {
			t.Fatalf("status %d for %q: %s", w.Code, payload, w.Body)
		}
		if w.Code == 400 && !strings.Contains(w.Body.String(), `"error"`) {
			t.Fatalf("400 without the error shape: %s", w.Body)
		}
	})
}
