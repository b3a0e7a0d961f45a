package stripefake

import (
	"embed"
	"net/http"
	"strings"
)

// Stripe.js, locally: the fake serves a stand-in for Stripe's browser
// library at /v3/stripe.js with the part of its API the web app uses
// (Stripe(pk, {locale}), elements().create('card') and mount, on('change'),
// createPaymentMethod, confirmCardSetup, confirmCardPayment). As Stripe.js
// does, it keeps the card out of the page: the card fields live in a frame
// of the fake's origin (/v3/card.html), which creates the PaymentMethod
// itself with the publishable key, and a bank's authentication (3-D Secure)
// opens the fake's challenge page (/v3/challenge.html, "Complete" or
// "Fail") in a frame over the page. So the app's cloud card path runs
// end to end on the local stack, with only the script's address changed.
//
// The publishable key (pk_test_...) may only do what it may at Stripe:
// create a card PaymentMethod from card details, and read or confirm a
// SetupIntent or PaymentIntent when it presents that intent's client
// secret. Test card numbers behave as Stripe documents them:
// 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 declines,
// 4000 0000 0000 9995 declines for insufficient funds, 4000 0025 0000 3155
// asks for authentication when it is saved, 4000 0027 6000 3184 on every
// payment. Any other number that passes the Luhn check succeeds.

//go:embed stripejs
var stripeJS embed.FS

// cardNumbers maps Stripe's test card numbers to the fake's test payment
// methods (whose behaviour they share).
var cardNumbers = map[string]string{
	"4242424242424242": "pm_card_visa",
	"5555555555554444": "pm_card_mastercard",
	"3566002020360505": "pm_card_jcb",
	"4000000000000002": "pm_card_chargeDeclined",
	"4000000000009995": "pm_card_chargeDeclinedInsufficientFunds",
	"4000000000000069": "pm_card_chargeDeclinedExpiredCard",
	"4000000000009979": "pm_card_chargeDeclinedStolenCard",
	"4000000000009987": "pm_card_chargeDeclinedLostCard",
	"4000000000000127": "pm_card_chargeDeclinedIncorrectCvc",
	"4000000000000119": "pm_card_chargeDeclinedProcessingError",
	"4000002760003184": "pm_card_authenticationRequired",
	"4000002500003155": "pm_card_authenticationRequiredOnSetup",
}

// serveStripeJS serves the library and its frames (GET /v3/...).
func (s *Server) serveStripeJS(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/v3/")
	if r.Method != http.MethodGet || strings.Contains(name, "/") || name == "" {
		http.NotFound(w, r)
		return
	}
	b, err := stripeJS.ReadFile("stripejs/" + name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	switch {
	case strings.HasSuffix(name, ".js"):
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	case strings.HasSuffix(name, ".html"):
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		// The frames run only their own script and talk only to the fake.
		w.Header().Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'")
	case strings.HasSuffix(name, ".css"):
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	}
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(b)
}

// publishable answers a request made with a publishable key (s.mu held):
// only what such a key may do at Stripe, and an intent only with its
// client secret.
func (s *Server) publishable(r *http.Request) (int, any) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	f := r.Form
	var (
		obj  map[string]any
		fail *failure
	)
	switch {
	case len(parts) == 2 && parts[1] == "payment_methods" && r.Method == http.MethodPost:
		obj, fail = s.createCardPaymentMethod(f)
	case len(parts) >= 3 && (parts[1] == "setup_intents" || parts[1] == "payment_intents"):
		id, action := parts[2], ""
		if len(parts) == 4 {
			action = parts[3]
		}
		intent := s.setups[id]
		if parts[1] == "payment_intents" {
			intent = s.intents[id]
		}
		if intent == nil || f.Get("client_secret") == "" || f.Get("client_secret") != str(intent["client_secret"]) {
			fail = ptr(missing(strings.TrimSuffix(parts[1], "s"), "intent", id))
			break
		}
		switch {
		case action == "" && r.Method == http.MethodGet:
			obj = intent
		case action == "confirm" && r.Method == http.MethodPost && parts[1] == "setup_intents":
			pm := f.Get("payment_method")
			if pm == "" {
				pm = str(intent["payment_method"])
			}
			if intent["status"] == "requires_action" || intent["status"] == "succeeded" {
				obj = intent
				break
			}
			obj, fail = s.confirmSetupIntent(id, pm)
		case action == "confirm" && r.Method == http.MethodPost:
			obj, fail = s.confirmOnSession(intent, f.Get("payment_method"))
		case action == "authenticate" && r.Method == http.MethodPost:
			// The fake's challenge page: the learner answered the bank.
			s.authenticate(id, f.Get("result") == "complete")
			obj = intent
		default:
			return http.StatusNotFound, map[string]any{"error": apiErr{Type: "invalid_request_error", Message: "Unrecognized request URL"}}
		}
	default:
		return http.StatusUnauthorized, map[string]any{"error": apiErr{Type: "invalid_request_error",
			Message: "This API call cannot be made with a publishable API key. Please use a secret API key."}}
	}
	if fail != nil {
		return fail.status, map[string]any{"error": fail.err}
	}
	return http.StatusOK, obj
}

// createCardPaymentMethod creates a card PaymentMethod from card details
// (POST /v1/payment_methods with type=card and card[...]), refusing what
// Stripe.js would: a number failing the Luhn check, a date in the past, a
// CVC that is not 3 or 4 digits.
func (s *Server) createCardPaymentMethod(f map[string][]string) (map[string]any, *failure) {
	cardErr := func(code, param, msg string) *failure {
		return &failure{http.StatusPaymentRequired, apiErr{Type: "card_error", Code: code, Param: param, Message: msg}}
	}
	if get(f, "type") != "card" {
		return nil, ptr(invalid("type", "Only card payment methods are created from the browser here."))
	}
	number := strings.ReplaceAll(get(f, "card[number]"), " ", "")
	if !luhn(number) {
		return nil, cardErr("incorrect_number", "card[number]", "Your card number is incorrect.")
	}
	month, year := atoi(get(f, "card[exp_month]")), atoi(get(f, "card[exp_year]"))
	if year < 100 {
		year += 2000
	}
	nowY, nowM := now2()
	if month < 1 || month > 12 {
		return nil, cardErr("invalid_expiry_month", "card[exp_month]", "Your card's expiration month is invalid.")
	}
	if year < nowY || (year == nowY && month < nowM) {
		return nil, cardErr("invalid_expiry_year_past", "card[exp_year]", "Your card's expiration year is in the past.")
	}
	if cvc := get(f, "card[cvc]"); len(cvc) < 3 || len(cvc) > 4 || atoi(cvc) < 0 {
		return nil, cardErr("invalid_cvc", "card[cvc]", "Your card's security code is invalid.")
	}
	name, ok := cardNumbers[number]
	if !ok {
		name = "pm_card_visa"
	}
	pm, _ := s.resolve(name)
	c := pm.obj["card"].(map[string]any)
	c["last4"], c["exp_month"], c["exp_year"] = number[len(number)-4:], month, year
	if b := get(f, "billing_details[name]"); b != "" {
		pm.obj["billing_details"].(map[string]any)["name"] = b
	}
	return pm.obj, nil
}

// confirmOnSession confirms payment intent pi with the learner present
// (Stripe.js confirmCardPayment): one that already waits for the bank is
// returned as it is for the challenge; one declined off-session for
// authentication, or not yet confirmed, is confirmed on-session with
// pmID (or its card).
func (s *Server) confirmOnSession(pi map[string]any, pmID string) (map[string]any, *failure) {
	switch pi["status"] {
	case "requires_action", "succeeded", "processing":
		return pi, nil
	case "canceled":
		return nil, &failure{http.StatusBadRequest, apiErr{Type: "invalid_request_error", Code: "payment_intent_unexpected_state",
			Message: "You cannot confirm this PaymentIntent because it has a status of canceled."}}
	}
	if pmID == "" {
		pmID = str(pi["payment_method"])
		if lpe, _ := pi["last_payment_error"].(map[string]any); pmID == "" && lpe != nil {
			if m, _ := lpe["payment_method"].(map[string]any); m != nil {
				pmID = str(m["id"])
			}
		}
	}
	pm, ok := s.resolve(pmID)
	if !ok {
		return nil, ptr(missing("PaymentMethod", "payment_method", pmID))
	}
	if fail := s.usable(pm, str(pi["customer"])); fail != nil {
		return nil, fail
	}
	return s.confirm(pi, pm, false)
}

// luhn reports whether number is 12-19 digits passing the Luhn check.
func luhn(number string) bool {
	if len(number) < 12 || len(number) > 19 {
		return false
	}
	sum := 0
	for i := range len(number) {
		d := int(number[len(number)-1-i] - '0')
		if d < 0 || d > 9 {
			return false
		}
		if i%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// atoi is the value of a string of digits, -1 for anything else.
func atoi(v string) int {
	if v == "" {
		return -1
	}
	n := 0
	for _, c := range v {
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}
