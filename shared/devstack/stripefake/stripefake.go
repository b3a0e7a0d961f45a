// Package stripefake is a stateful, Stripe-compatible fake for the local stack
// and tests: it serves the subset of Stripe's REST API the Billing service
// uses (customers, payment methods, setup intents, payment intents, refunds)
// with form-encoded requests, Stripe-shaped JSON objects and errors, honours
// Idempotency-Key as Stripe does (same key and parameters: the same answer;
// other parameters: an idempotency_error), behaves like Stripe's test payment
// methods, and sends webhooks signed like Stripe's (Stripe-Signature:
// t=<unix>,v1=<HMAC-SHA256 of "t.payload">) to a configured URL.
//
// Test payment methods: pm_card_visa and pm_card_mastercard succeed;
// pm_card_chargeDeclined, pm_card_chargeDeclinedInsufficientFunds,
// pm_card_chargeDeclinedExpiredCard, pm_card_chargeDeclinedStolenCard,
// pm_card_chargeDeclinedLostCard, pm_card_chargeDeclinedIncorrectCvc and
// pm_card_chargeDeclinedProcessingError decline with Stripe's codes; pm_card_authenticationRequired
// needs authentication (an authentication_required decline off-session,
// status requires_action on-session); pm_card_authenticationRequiredOnSetup
// asks on setup (a SetupIntent in requires_action until Authenticate) and
// not for off-session charges after it. Payment methods detach for good.
//
// Pay-later methods (konbini, OXXO, SPEI, QRIS, GoPay) wait for the
// customer: see paylater.go.
//
// stripe-mock checks request shapes against Stripe's OpenAPI document (see
// the contract test); this fake keeps state so whole flows can run.
package stripefake

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// APIVersion is the API version the fake's events carry.
const APIVersion = "2026-03-25.dahlia"

// Options configure a Server.
type Options struct {
	// SecretKey, when set, is the only API key accepted (else any sk_test_ key).
	SecretKey string
	// PublishableKey, when set, is the only publishable key the Stripe.js
	// stand-in may use (else any pk_test_ key); see stripejs.go.
	PublishableKey string
	// WebhookURL receives events; empty sends none.
	WebhookURL string
	// WebhookSecret signs webhooks (whsec_...).
	WebhookSecret string
	// Client delivers webhooks (default: a 10s-timeout client).
	Client *http.Client
}

// Server is the fake. Its zero value is not usable: use New.
type Server struct {
	opts Options

	mu        sync.Mutex
	seq       int
	customers map[string]map[string]any
	pms       map[string]*paymentMethod
	setups    map[string]map[string]any
	intents   map[string]map[string]any
	charges   map[string]map[string]any
	refunds   map[string]map[string]any
	idem      map[string]idemEntry
	events    []Event
	faults    Faults
	hooks     sync.WaitGroup
	closed    bool

	httpSrv *http.Server
	// URL is the base URL the server listens on (after Start).
	URL string
}

type paymentMethod struct {
	obj      map[string]any
	behavior string // ok, decline:<code>, auth, auth_setup
	detached bool   // detached from its customer: never usable again
	setUp    bool   // set up off-session (a succeeded SetupIntent)
}

type idemEntry struct {
	fingerprint string
	status      int
	body        []byte
}

// Event is a webhook event the fake produced.
type Event struct {
	ID   string
	Type string
	Body []byte
}

// New returns a fake with opts.
func New(opts Options) *Server {
	if opts.Client == nil {
		opts.Client = &http.Client{Timeout: 10 * time.Second}
	}
	return &Server{opts: opts, customers: map[string]map[string]any{}, pms: map[string]*paymentMethod{},
		setups: map[string]map[string]any{}, intents: map[string]map[string]any{}, charges: map[string]map[string]any{},
		refunds: map[string]map[string]any{}, idem: map[string]idemEntry{}}
}

// Start serves the fake on a loopback port and sets s.URL.
func Start(opts Options) (*Server, error) {
	s := New(opts)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("stripefake: %w", err)
	}
	s.URL = "http://" + ln.Addr().String()
	s.httpSrv = &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = s.httpSrv.Serve(ln) }()
	return s, nil
}

// SetWebhookURL changes where webhooks go (the app's port may be known only
// after the fake started).
func (s *Server) SetWebhookURL(url string) {
	s.mu.Lock()
	s.opts.WebhookURL = url
	s.mu.Unlock()
}

// Close stops serving and waits for webhook deliveries in flight.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	if s.httpSrv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = s.httpSrv.Shutdown(ctx)
	}
	s.hooks.Wait()
}

// ForgetIdempotencyKeys drops every remembered key, as Stripe does after 24 h.
func (s *Server) ForgetIdempotencyKeys() {
	s.mu.Lock()
	s.idem = map[string]idemEntry{}
	s.mu.Unlock()
}

// Totals counts what moved money: successful charges, refunds, declines.
type Totals struct {
	Succeeded, Refunded, Declined int
}

// Customers is how many customers the fake holds (deleted ones are gone).
func (s *Server) Customers() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.customers)
}

// Totals reports the fake's payment intents by outcome.
func (s *Server) Totals() Totals {
	s.mu.Lock()
	defer s.mu.Unlock()
	var t Totals
	for _, pi := range s.intents {
		switch pi["status"] {
		case "succeeded":
			t.Succeeded++
			if ch := s.charges[str(pi["latest_charge"])]; ch != nil && ch["refunded"] == true {
				t.Refunded++
			}
		case "requires_payment_method", "canceled":
			if pi["last_payment_error"] != nil {
				t.Declined++
			}
		}
	}
	return t
}

// Events returns the events produced so far.
func (s *Server) Events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Event(nil), s.events...)
}

// ServeHTTP implements the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/v3/") {
		s.serveStripeJS(w, r)
		return
	}
	auth := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if strings.HasPrefix(auth, "pk_test_") && (s.opts.PublishableKey == "" || auth == s.opts.PublishableKey) {
		if err := r.ParseForm(); err != nil {
			writeErr(w, http.StatusBadRequest, apiErr{Type: "invalid_request_error", Message: "could not parse the request body"})
			return
		}
		s.mu.Lock()
		status, body := s.publishable(r)
		s.mu.Unlock()
		b, _ := json.Marshal(body)
		write(w, status, b)
		return
	}
	if auth == "" || !strings.HasPrefix(auth, "sk_test_") || (s.opts.SecretKey != "" && auth != s.opts.SecretKey) {
		writeErr(w, http.StatusUnauthorized, apiErr{Type: "invalid_request_error", Message: "Invalid API Key provided"})
		return
	}
	if err := r.ParseForm(); err != nil {
		writeErr(w, http.StatusBadRequest, apiErr{Type: "invalid_request_error", Message: "could not parse the request body"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.fault(r)
	if f == failBefore {
		writeInjected(w)
		return
	}
	key := r.Header.Get("Idempotency-Key")
	fp := r.Method + " " + r.URL.Path + "?" + canonical(r.PostForm)
	if key != "" && r.Method == http.MethodPost {
		if e, ok := s.idem[key]; ok {
			if e.fingerprint != fp {
				writeErr(w, http.StatusBadRequest, apiErr{Type: "idempotency_error",
					Message: "Keys for idempotent requests can only be used with the same parameters they were first used with."})
				return
			}
			answer(w, f, e.status, e.body, true)
			return
		}
	}
	status, body := s.route(r)
	b, _ := json.Marshal(body)
	if key != "" && r.Method == http.MethodPost && status < 500 {
		s.idem[key] = idemEntry{fingerprint: fp, status: status, body: b}
	}
	answer(w, f, status, b, false)
}

func canonical(f map[string][]string) string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%s&", k, strings.Join(f[k], ","))
	}
	return b.String()
}

func write(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Request-Id", "req_fake")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

type apiErr struct {
	Type          string         `json:"type"`
	Code          string         `json:"code,omitempty"`
	DeclineCode   string         `json:"decline_code,omitempty"`
	Message       string         `json:"message"`
	Param         string         `json:"param,omitempty"`
	PaymentIntent map[string]any `json:"payment_intent,omitempty"`
	Charge        string         `json:"charge,omitempty"`
}

func writeErr(w http.ResponseWriter, status int, e apiErr) {
	b, _ := json.Marshal(map[string]any{"error": e})
	write(w, status, b)
}

type failure struct {
	status int
	err    apiErr
}

func missing(kind, param, id string) failure {
	return failure{http.StatusNotFound, apiErr{Type: "invalid_request_error", Code: "resource_missing", Param: param,
		Message: fmt.Sprintf("No such %s: '%s'", kind, id)}}
}

func invalid(param, msg string) failure {
	return failure{http.StatusBadRequest, apiErr{Type: "invalid_request_error", Code: "parameter_invalid", Param: param, Message: msg}}
}

// route runs one request with s.mu held and returns the status and body.
func (s *Server) route(r *http.Request) (int, any) {
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(parts) < 2 || parts[0] != "v1" {
		return http.StatusNotFound, map[string]any{"error": apiErr{Type: "invalid_request_error", Message: "Unrecognized request URL"}}
	}
	f := r.PostForm
	var (
		obj  map[string]any
		fail *failure
	)
	res, id, action := parts[1], "", ""
	if len(parts) > 2 {
		id = parts[2]
	}
	if len(parts) > 3 {
		action = parts[3]
	}
	switch {
	case res == "customers" && r.Method == http.MethodPost && id == "":
		obj = s.createCustomer(f)
	case res == "customers" && id != "" && action == "":
		c, ok := s.customers[id]
		if !ok {
			fail = ptr(missing("customer", "id", id))
			break
		}
		if r.Method == http.MethodDelete {
			// Deleting a customer is final: its payment methods are
			// detached and never usable again.
			obj = s.deleteCustomer(id)
			break
		}
		if r.Method == http.MethodPost {
			if pm := f.Get("invoice_settings[default_payment_method]"); pm != "" {
				if _, ok := s.pms[pm]; !ok {
					fail = ptr(missing("PaymentMethod", "invoice_settings[default_payment_method]", pm))
					break
				}
				c["invoice_settings"] = map[string]any{"default_payment_method": pm}
			}
			mergeMetadata(c, f)
		}
		obj = c
	case res == "payment_methods" && action == "attach" && r.Method == http.MethodPost:
		obj, fail = s.attach(id, f.Get("customer"))
	case res == "payment_methods" && action == "detach" && r.Method == http.MethodPost:
		obj, fail = s.detach(id)
	case res == "payment_methods" && id != "" && action == "" && r.Method == http.MethodGet:
		pm, ok := s.pms[id]
		if !ok {
			fail = ptr(missing("PaymentMethod", "id", id))
			break
		}
		obj = pm.obj
	case res == "setup_intents" && id == "" && r.Method == http.MethodPost:
		obj, fail = s.createSetupIntent(f)
	case res == "setup_intents" && action == "confirm" && r.Method == http.MethodPost:
		obj, fail = s.confirmSetupIntent(id, f.Get("payment_method"))
	case res == "setup_intents" && id != "" && action == "" && r.Method == http.MethodGet:
		si, ok := s.setups[id]
		if !ok {
			fail = ptr(missing("setupintent", "intent", id))
			break
		}
		obj = si
	case res == "payment_intents" && id == "" && r.Method == http.MethodPost:
		obj, fail = s.createPaymentIntent(f)
	case res == "payment_intents" && id == "search" && r.Method == http.MethodGet:
		return http.StatusOK, s.searchIntents(r.URL.Query().Get("query"))
	case res == "payment_intents" && id != "" && action == "" && r.Method == http.MethodGet:
		pi, ok := s.intents[id]
		if !ok {
			fail = ptr(missing("payment_intent", "intent", id))
			break
		}
		obj = pi
	case res == "payment_intents" && action == "cancel" && r.Method == http.MethodPost:
		obj, fail = s.cancelPaymentIntent(id, f.Get("cancellation_reason"))
	case res == "test_helpers" && r.Method == http.MethodPost:
		return s.testHelper(parts)
	case res == "refunds" && id == "" && r.Method == http.MethodPost:
		obj, fail = s.createRefund(f)
	case res == "refunds" && id != "" && r.Method == http.MethodGet:
		re, ok := s.refunds[id]
		if !ok {
			fail = ptr(missing("refund", "refund", id))
			break
		}
		obj = re
	default:
		return http.StatusNotFound, map[string]any{"error": apiErr{Type: "invalid_request_error",
			Message: fmt.Sprintf("Unrecognized request URL (%s: %s). The Stripe fake serves only what Kwipper uses.", r.Method, r.URL.Path)}}
	}
	if fail != nil {
		return fail.status, map[string]any{"error": fail.err}
	}
	return http.StatusOK, s.expand(obj, f)
}

// expand returns obj with the fields the request's expand[] names replaced
// by the objects they name (payment_method only: what Kwipper expands).
func (s *Server) expand(obj map[string]any, f map[string][]string) map[string]any {
	for k, v := range f {
		if !strings.HasPrefix(k, "expand[") || len(v) == 0 || v[0] != "payment_method" {
			continue
		}
		pm := s.pms[str(obj["payment_method"])]
		if pm == nil {
			continue
		}
		out := make(map[string]any, len(obj))
		for k, v := range obj {
			out[k] = v
		}
		out["payment_method"] = pm.obj
		return out
	}
	return obj
}

func ptr[T any](v T) *T { return &v }

func (s *Server) newID(prefix string) string {
	s.seq++
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s_%s%04d", prefix, hex.EncodeToString(b), s.seq%10000)
}

func now() int64 { return time.Now().Unix() }

// now2 is the current year and month.
func now2() (int, int) {
	t := time.Now()
	return t.Year(), int(t.Month())
}

func metadata(f map[string][]string) map[string]any {
	md := map[string]any{}
	for k, v := range f {
		if strings.HasPrefix(k, "metadata[") && strings.HasSuffix(k, "]") && len(v) > 0 {
			md[k[len("metadata["):len(k)-1]] = v[0]
		}
	}
	return md
}

func mergeMetadata(obj map[string]any, f map[string][]string) {
	md, _ := obj["metadata"].(map[string]any)
	if md == nil {
		md = map[string]any{}
	}
	for k, v := range metadata(f) {
		md[k] = v
	}
	obj["metadata"] = md
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func (s *Server) createCustomer(f map[string][]string) map[string]any {
	id := s.newID("cus")
	c := map[string]any{"id": id, "object": "customer", "created": now(), "livemode": false,
		"email": nilIfEmpty(get(f, "email")), "metadata": metadata(f),
		"invoice_settings": map[string]any{"default_payment_method": nil}}
	s.customers[id] = c
	return c
}

func get(f map[string][]string, k string) string {
	if v := f[k]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// testCards are Stripe's test payment methods: brand, last4, behaviour.
var testCards = map[string][3]string{
	"pm_card_visa":                            {"visa", "4242", "ok"},
	"pm_card_mastercard":                      {"mastercard", "4444", "ok"},
	"pm_card_jcb":                             {"jcb", "0000", "ok"},
	"pm_card_chargeDeclined":                  {"visa", "0002", "decline:generic_decline"},
	"pm_card_chargeDeclinedInsufficientFunds": {"visa", "9995", "decline:insufficient_funds"},
	"pm_card_chargeDeclinedExpiredCard":       {"visa", "0069", "decline:expired_card"},
	"pm_card_chargeDeclinedStolenCard":        {"visa", "9979", "decline:stolen_card"},
	"pm_card_chargeDeclinedLostCard":          {"visa", "9987", "decline:lost_card"},
	"pm_card_chargeDeclinedIncorrectCvc":      {"visa", "0127", "decline:incorrect_cvc"},
	"pm_card_chargeDeclinedProcessingError":   {"visa", "0119", "decline:processing_error"},
	"pm_card_authenticationRequired":          {"visa", "3184", "auth"},
	"pm_card_authenticationRequiredOnSetup":   {"visa", "3155", "auth_setup"},
}

// resolve returns payment method id, creating one from a test token.
func (s *Server) resolve(id string) (*paymentMethod, bool) {
	if pm, ok := s.pms[id]; ok {
		return pm, true
	}
	card, ok := testCards[id]
	if !ok {
		return nil, false
	}
	pmID := s.newID("pm")
	pm := &paymentMethod{behavior: card[2], obj: map[string]any{"id": pmID, "object": "payment_method", "type": "card",
		"created": now(), "livemode": false, "customer": nil, "metadata": map[string]any{},
		"billing_details": map[string]any{"email": nil, "name": nil},
		"card": map[string]any{"brand": card[0], "last4": card[1], "exp_month": 12, "exp_year": time.Now().Year() + 3,
			"funding": "credit", "country": "US"}}}
	s.pms[pmID] = pm
	return pm, true
}

func (s *Server) attach(id, customer string) (map[string]any, *failure) {
	if _, ok := s.customers[customer]; !ok {
		return nil, ptr(missing("customer", "customer", customer))
	}
	pm, ok := s.resolve(id)
	if !ok {
		return nil, ptr(missing("PaymentMethod", "payment_method", id))
	}
	if c := str(pm.obj["customer"]); c != "" && c != customer {
		return nil, ptr(invalid("payment_method", "The payment method you provided has already been attached to a customer."))
	}
	pm.obj["customer"] = customer
	return pm.obj, nil
}

func (s *Server) createSetupIntent(f map[string][]string) (map[string]any, *failure) {
	cus := get(f, "customer")
	if _, ok := s.customers[cus]; cus != "" && !ok {
		return nil, ptr(missing("customer", "customer", cus))
	}
	id := s.newID("seti")
	si := map[string]any{"id": id, "object": "setup_intent", "client_secret": id + "_secret_" + s.newID("x")[2:],
		"customer": nilIfEmpty(cus), "status": "requires_payment_method", "usage": orDefault(get(f, "usage"), "off_session"),
		"payment_method": nil, "payment_method_types": []string{"card"}, "created": now(), "livemode": false, "metadata": metadata(f),
		"next_action": nil, "last_setup_error": nil}
	if pmID := get(f, "payment_method"); pmID != "" {
		pm, ok := s.resolve(pmID)
		if !ok {
			return nil, ptr(missing("PaymentMethod", "payment_method", pmID))
		}
		if fail := s.usable(pm, cus); fail != nil {
			return nil, fail
		}
		si["payment_method"], si["status"] = pm.obj["id"], "requires_confirmation"
	}
	s.setups[id] = si
	if get(f, "confirm") == "true" {
		return s.confirmSetupIntent(id, str(si["payment_method"]))
	}
	return si, nil
}

// usable refuses payment method pm for customer cus as Stripe does: one
// detached before, or another customer's.
func (s *Server) usable(pm *paymentMethod, cus string) *failure {
	if pm.detached {
		return ptr(invalid("payment_method", "This PaymentMethod was previously used without being attached to a Customer or was detached from a Customer, and may not be used again."))
	}
	if c := str(pm.obj["customer"]); c != "" && c != cus {
		return ptr(invalid("payment_method", "The provided PaymentMethod belongs to a different Customer."))
	}
	return nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// confirmSetupIntent confirms setup intent id with payment method pmID. A
// card that asks for authentication on setup (pm_card_authenticationRequiredOnSetup)
// leaves it requires_action until Authenticate; the others succeed (the fake
// does not decline setups: Kwipper's flows save declining test cards to see
// their charges fail, and pm_card_authenticationRequired, which at Stripe
// asks on setup too, is saved directly so its off-session charges decline
// with authentication_required).
func (s *Server) confirmSetupIntent(id, pmID string) (map[string]any, *failure) {
	si, ok := s.setups[id]
	if !ok {
		return nil, ptr(missing("setupintent", "intent", id))
	}
	pm, ok := s.resolve(pmID)
	if !ok {
		return nil, ptr(missing("PaymentMethod", "payment_method", pmID))
	}
	if fail := s.usable(pm, str(si["customer"])); fail != nil {
		return nil, fail
	}
	si["payment_method"] = pm.obj["id"]
	if pm.behavior == "auth_setup" && !pm.setUp {
		si["status"] = "requires_action"
		si["next_action"] = map[string]any{"type": "use_stripe_sdk", "use_stripe_sdk": map[string]any{}}
		return si, nil
	}
	s.finishSetup(si, pm)
	return si, nil
}

// finishSetup marks setup intent si succeeded: its card is attached to the
// customer and set up for off-session charges.
func (s *Server) finishSetup(si map[string]any, pm *paymentMethod) {
	if c := str(si["customer"]); c != "" {
		pm.obj["customer"] = c
	}
	if si["usage"] == "off_session" {
		pm.setUp = true
	}
	si["status"], si["next_action"] = "succeeded", nil
	s.emit("setup_intent.succeeded", si)
}

// Authenticate plays the learner answering the bank's authentication (3-D
// Secure) of setup or payment intent id that requires_action (or of a
// PaymentIntent declined off-session with authentication_required, which
// the learner confirms on-session): ok completes
// it (setup_intent.succeeded; a payment is charged: payment_intent.succeeded),
// !ok fails it (setup_intent.setup_failed; payment_intent.payment_failed with
// the PaymentIntent back in requires_payment_method). It reports whether an
// intent waited.
func (s *Server) Authenticate(id string, ok bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.authenticate(id, ok)
}

// authenticate is Authenticate with s.mu held.
func (s *Server) authenticate(id string, ok bool) bool {
	if si, found := s.setups[id]; found && si["status"] == "requires_action" {
		pm := s.pms[str(si["payment_method"])]
		if ok && pm != nil {
			s.finishSetup(si, pm)
			return true
		}
		si["status"], si["next_action"] = "requires_payment_method", nil
		si["last_setup_error"] = map[string]any{"type": "card_error", "code": "setup_intent_authentication_failure",
			"message": "The latest attempt to set up the payment method has failed because authentication failed."}
		s.emit("setup_intent.setup_failed", si)
		return true
	}
	pi, found := s.intents[id]
	if !found {
		return false
	}
	pm := s.pms[str(pi["payment_method"])]
	if lpe, _ := pi["last_payment_error"].(map[string]any); pi["status"] == "requires_payment_method" && lpe != nil && lpe["code"] == "authentication_required" {
		// An off-session charge the bank declined for authentication: the
		// learner confirms it on-session with the same card (Stripe.js
		// confirmCardPayment with the client secret) and authenticates.
		if m, _ := lpe["payment_method"].(map[string]any); m != nil {
			pm = s.pms[str(m["id"])]
		}
	} else if pi["status"] != "requires_action" {
		return false
	}
	if ok && pm != nil {
		s.succeed(pi, pm)
		return true
	}
	lpe := map[string]any{"type": "card_error", "code": "payment_intent_authentication_failure",
		"message": "The provided PaymentMethod has failed authentication."}
	pi["status"], pi["last_payment_error"], pi["payment_method"], pi["next_action"] = "requires_payment_method", lpe, nil, nil
	s.emit("payment_intent.payment_failed", pi)
	return true
}

// deleteCustomer deletes customer id and detaches its payment methods.
func (s *Server) deleteCustomer(id string) map[string]any {
	delete(s.customers, id)
	for _, pm := range s.pms {
		if str(pm.obj["customer"]) == id {
			pm.obj["customer"], pm.detached = nil, true
		}
	}
	return map[string]any{"id": id, "object": "customer", "deleted": true}
}

// detach detaches payment method id from its customer, for good.
func (s *Server) detach(id string) (map[string]any, *failure) {
	pm, ok := s.pms[id]
	if !ok {
		return nil, ptr(missing("PaymentMethod", "payment_method", id))
	}
	if str(pm.obj["customer"]) == "" {
		return nil, ptr(invalid("payment_method", "The payment method you provided is not attached to a customer so detachment is impossible."))
	}
	pm.obj["customer"], pm.detached = nil, true
	s.emit("payment_method.detached", pm.obj)
	return pm.obj, nil
}

var currencies = map[string]bool{"idr": true, "jpy": true, "php": true, "mxn": true, "usd": true}

func (s *Server) createPaymentIntent(f map[string][]string) (map[string]any, *failure) {
	amount, err := strconv.ParseInt(get(f, "amount"), 10, 64)
	if err != nil || amount <= 0 {
		return nil, ptr(invalid("amount", "Invalid positive integer"))
	}
	cur := get(f, "currency")
	if !currencies[cur] {
		return nil, ptr(invalid("currency", fmt.Sprintf("Invalid currency: %s.", cur)))
	}
	cus := get(f, "customer")
	if _, ok := s.customers[cus]; cus != "" && !ok {
		return nil, ptr(missing("customer", "customer", cus))
	}
	var pm *paymentMethod
	if id := get(f, "payment_method"); id != "" {
		var ok bool
		if pm, ok = s.resolve(id); !ok {
			return nil, ptr(missing("PaymentMethod", "payment_method", id))
		}
		if fail := s.usable(pm, cus); fail != nil {
			return nil, fail
		}
	}
	id := s.newID("pi")
	pi := map[string]any{"id": id, "object": "payment_intent", "amount": amount, "amount_received": 0, "currency": cur,
		"customer": nilIfEmpty(cus), "description": nilIfEmpty(get(f, "description")), "metadata": metadata(f),
		"payment_method": nil, "payment_method_types": []string{"card"}, "status": "requires_payment_method",
		"created": now(), "livemode": false, "latest_charge": nil, "last_payment_error": nil, "next_action": nil,
		"client_secret": id + "_secret_fake"}
	if pm != nil {
		pi["payment_method"], pi["status"] = pm.obj["id"], "requires_confirmation"
	}
	if typ := orDefault(get(f, "payment_method_types[0]"), get(f, "payment_method_types[]")); typ != "" && typ != "card" {
		if payLaterCurrency[typ] == "" {
			return nil, ptr(invalid("payment_method_types", fmt.Sprintf("The payment method type %q is invalid or not served by the fake.", typ)))
		}
		if pm != nil {
			return nil, ptr(invalid("payment_method", "A "+typ+" payment is made with payment_method_data, not a saved payment method."))
		}
		out, fail := s.createPayLater(pi, typ, f)
		if fail == nil {
			s.intents[id] = pi
		}
		return out, fail
	}
	s.intents[id] = pi
	if get(f, "confirm") != "true" {
		return pi, nil
	}
	if pm == nil {
		return nil, ptr(invalid("payment_method", "You cannot confirm this PaymentIntent because it's missing a payment method."))
	}
	return s.confirm(pi, pm, get(f, "off_session") == "true")
}

// confirm confirms payment intent pi with card pm as the fake's test cards
// behave: charged, waiting for the bank's authentication (on-session), or
// declined with Stripe's codes (s.mu held).
func (s *Server) confirm(pi map[string]any, pm *paymentMethod, offSession bool) (map[string]any, *failure) {
	pi["payment_method"] = pm.obj["id"]
	switch {
	case pm.behavior == "ok" || (pm.behavior == "auth_setup" && offSession && pm.setUp):
		s.succeed(pi, pm)
		return pi, nil
	case (pm.behavior == "auth" || pm.behavior == "auth_setup") && !offSession:
		pi["status"] = "requires_action"
		pi["next_action"] = map[string]any{"type": "use_stripe_sdk", "use_stripe_sdk": map[string]any{}}
		s.emit("payment_intent.requires_action", pi)
		return pi, nil
	}
	code, decline, msg := "card_declined", strings.TrimPrefix(pm.behavior, "decline:"), "Your card was declined."
	switch decline {
	case "auth", "auth_setup":
		code, decline, msg = "authentication_required", "authentication_required", "Your card was declined. This transaction requires authentication."
	case "insufficient_funds":
		msg = "Your card has insufficient funds."
	case "expired_card":
		code, msg = "expired_card", "Your card has expired."
	case "incorrect_cvc":
		code, msg = "incorrect_cvc", "Your card's security code is incorrect."
	case "processing_error":
		code, msg = "processing_error", "An error occurred while processing your card. Try again in a little bit."
	}
	e := apiErr{Type: "card_error", Code: code, DeclineCode: decline, Message: msg}
	lpe := map[string]any{"type": e.Type, "code": e.Code, "decline_code": e.DeclineCode, "message": e.Message, "payment_method": pm.obj}
	pi["status"], pi["last_payment_error"], pi["payment_method"] = "requires_payment_method", lpe, nil
	e.PaymentIntent = pi
	s.emit("payment_intent.payment_failed", pi)
	return nil, &failure{http.StatusPaymentRequired, e}
}

var metadataClause = regexp.MustCompile(`^metadata\['([^']+)'\]:'([^']*)'$`)

// searchIntents answers GET /v1/payment_intents/search for the query
// Kwipper uses, metadata['key']:'value' (Stripe's search query language).
func (s *Server) searchIntents(query string) map[string]any {
	data := []any{}
	if m := metadataClause.FindStringSubmatch(strings.TrimSpace(query)); m != nil {
		ids := make([]string, 0, len(s.intents))
		for id := range s.intents {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			pi := s.intents[id]
			if md, _ := pi["metadata"].(map[string]any); md != nil && md[m[1]] == m[2] {
				data = append(data, pi)
			}
		}
	}
	return map[string]any{"object": "search_result", "url": "/v1/payment_intents/search", "has_more": false,
		"next_page": nil, "data": data}
}

// cancelPaymentIntent cancels payment intent id as Stripe does: only one not
// yet succeeded (or canceled) may be.
func (s *Server) cancelPaymentIntent(id, reason string) (map[string]any, *failure) {
	pi, ok := s.intents[id]
	if !ok {
		return nil, ptr(missing("payment_intent", "intent", id))
	}
	switch pi["status"] {
	case "requires_payment_method", "requires_capture", "requires_confirmation", "requires_action", "processing":
	default:
		return nil, &failure{http.StatusBadRequest, apiErr{Type: "invalid_request_error", Code: "payment_intent_unexpected_state",
			Message: fmt.Sprintf("You cannot cancel this PaymentIntent because it has a status of %s. Only a PaymentIntent with one of the following statuses may be canceled: requires_payment_method, requires_capture, requires_confirmation, requires_action, processing.", pi["status"])}}
	}
	pi["status"], pi["cancellation_reason"], pi["canceled_at"], pi["next_action"] = "canceled", nilIfEmpty(reason), now(), nil
	s.emit("payment_intent.canceled", pi)
	return pi, nil
}

// succeed charges payment intent pi with pm.
func (s *Server) succeed(pi map[string]any, pm *paymentMethod) {
	ch := s.newID("ch")
	amount := pi["amount"]
	s.charges[ch] = map[string]any{"id": ch, "object": "charge", "amount": amount, "amount_refunded": 0, "currency": pi["currency"],
		"customer": pi["customer"], "payment_intent": pi["id"], "payment_method": pm.obj["id"], "paid": true, "captured": true,
		"refunded": false, "status": "succeeded", "created": now(), "livemode": false, "metadata": pi["metadata"]}
	pi["status"], pi["amount_received"], pi["latest_charge"], pi["payment_method"], pi["next_action"] = "succeeded", amount, ch, pm.obj["id"], nil
	s.emit("charge.succeeded", s.charges[ch])
	s.emit("payment_intent.succeeded", pi)
}

func (s *Server) createRefund(f map[string][]string) (map[string]any, *failure) {
	piID := get(f, "payment_intent")
	pi, ok := s.intents[piID]
	if !ok {
		return nil, ptr(missing("payment_intent", "payment_intent", piID))
	}
	ch := s.charges[str(pi["latest_charge"])]
	if pi["status"] != "succeeded" || ch == nil {
		return nil, ptr(invalid("payment_intent", "This PaymentIntent does not have a successful charge to refund."))
	}
	if ch["refunded"] == true {
		return nil, &failure{http.StatusBadRequest, apiErr{Type: "invalid_request_error", Code: "charge_already_refunded",
			Message: fmt.Sprintf("Charge %s has already been refunded.", ch["id"])}}
	}
	id := s.newID("re")
	re := map[string]any{"id": id, "object": "refund", "amount": ch["amount"], "currency": ch["currency"], "charge": ch["id"],
		"payment_intent": piID, "status": "succeeded", "created": now(), "metadata": metadata(f), "reason": nilIfEmpty(get(f, "reason"))}
	s.refunds[id] = re
	ch["refunded"], ch["amount_refunded"] = true, ch["amount"]
	s.emit("refund.created", re)
	s.emit("charge.refunded", ch)
	return re, nil
}

// emit records an event and delivers it (asynchronously, as Stripe does, with
// retries) when a webhook URL is configured. s.mu is held.
func (s *Server) emit(typ string, obj map[string]any) {
	snapshot, _ := json.Marshal(obj)
	id := s.newID("evt")
	body, _ := json.Marshal(map[string]any{"id": id, "object": "event", "api_version": APIVersion, "created": now(),
		"livemode": false, "pending_webhooks": 1, "type": typ, "data": map[string]any{"object": json.RawMessage(snapshot)},
		"request": map[string]any{"id": "req_fake", "idempotency_key": nil}})
	s.events = append(s.events, Event{ID: id, Type: typ, Body: body})
	if s.opts.WebhookURL == "" || s.closed {
		return
	}
	url := s.opts.WebhookURL
	s.hooks.Add(1)
	go func() {
		defer s.hooks.Done()
		for attempt := range 6 {
			if err := s.Deliver(url, body); err == nil || s.isClosed() {
				return
			}
			time.Sleep(time.Duration(50<<attempt) * time.Millisecond)
		}
	}()
}

func (s *Server) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// Deliver posts body to url signed as Stripe signs webhooks now.
func (s *Server) Deliver(url string, body []byte) error {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("Stripe-Signature", Sign(body, s.opts.WebhookSecret, time.Now()))
	resp, err := s.opts.Client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("webhook answered %d", resp.StatusCode)
	}
	return nil
}

// Sign returns the Stripe-Signature header of payload at t with secret.
func Sign(payload []byte, secret string, t time.Time) string {
	mac := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(mac, "%d.", t.Unix())
	mac.Write(payload)
	return fmt.Sprintf("t=%d,v1=%s", t.Unix(), hex.EncodeToString(mac.Sum(nil)))
}
