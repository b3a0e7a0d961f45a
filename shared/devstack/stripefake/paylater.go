package stripefake

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Pay-later methods: konbini (JPY), OXXO and SPEI bank transfers
// (customer_balance funded by mx_bank_transfer, MXN), QRIS and GoPay (IDR).
// A PaymentIntent confirmed with one (payment_method_types[]=<type>,
// payment_method_data[type]=<type>) waits in requires_action with the
// next_action Stripe documents for it (konbini_display_details,
// oxxo_display_details, display_bank_transfer_instructions; for QRIS a
// qris_display_qr_code with data, image_url_png, hosted_instructions_url
// and expires_at, the shape of Stripe's other QR methods; for GoPay
// redirect_to_url) and payment_intent.requires_action is sent. Then
// PayVoucher plays the customer paying (payment_intent.succeeded, one
// charge) and ExpireVoucher the instructions expiring unpaid
// (payment_intent.payment_failed with last_payment_error code
// payment_intent_payment_attempt_expired; the PaymentIntent back in
// requires_payment_method, cancelable). Over HTTP, for the local command
// that plays the customer: POST /v1/test_helpers/payment_intents/{id}/pay
// and .../expire (Kwipper's fake only).

// payLaterCurrency is the currency each pay-later method pays in.
var payLaterCurrency = map[string]string{"konbini": "jpy", "oxxo": "mxn", "customer_balance": "mxn", "qris": "idr", "gopay": "idr"}

// createPayLater creates (and, with confirm, confirms) payment intent pi
// with pay-later method typ (s.mu held).
func (s *Server) createPayLater(pi map[string]any, typ string, f map[string][]string) (map[string]any, *failure) {
	if get(f, "payment_method_data[type]") != typ {
		return nil, ptr(invalid("payment_method_data[type]", fmt.Sprintf("payment_method_data[type] must be %s, the PaymentIntent's payment method type.", typ)))
	}
	if pi["currency"] != payLaterCurrency[typ] {
		return nil, ptr(invalid("currency", fmt.Sprintf("The currency provided (%s) is invalid. Payments with %s support the following currencies: %s.", pi["currency"], typ, payLaterCurrency[typ])))
	}
	days := int64(3)
	for _, k := range []string{"payment_method_options[konbini][expires_after_days]", "payment_method_options[oxxo][expires_after_days]"} {
		if v := get(f, k); v != "" {
			n, err := strconv.ParseInt(v, 10, 64)
			maxDays := int64(60)
			if typ == "oxxo" {
				maxDays = 7
			}
			if err != nil || n < 1 || n > maxDays {
				return nil, ptr(invalid(k, fmt.Sprintf("expires_after_days must be between 1 and %d.", maxDays)))
			}
			days = n
		}
	}
	name, email := get(f, "payment_method_data[billing_details][name]"), get(f, "payment_method_data[billing_details][email]")
	if (typ == "oxxo" || typ == "konbini") && (name == "" || email == "") {
		// As Stripe: the voucher is made out to a person it can email.
		return nil, ptr(invalid("payment_method_data[billing_details]", fmt.Sprintf("Payments with %s require billing_details[name] and billing_details[email].", typ)))
	}
	if typ == "customer_balance" {
		if pi["customer"] == nil {
			return nil, ptr(invalid("customer", "A customer is required to use the customer_balance payment method."))
		}
		if get(f, "payment_method_options[customer_balance][funding_type]") != "bank_transfer" ||
			get(f, "payment_method_options[customer_balance][bank_transfer][type]") != "mx_bank_transfer" {
			return nil, ptr(invalid("payment_method_options[customer_balance]", "SPEI needs funding_type bank_transfer with bank_transfer[type] mx_bank_transfer."))
		}
	}
	pmID := s.newID("pm")
	pm := &paymentMethod{behavior: "paylater", obj: map[string]any{"id": pmID, "object": "payment_method", "type": typ,
		"created": now(), "livemode": false, "customer": nil, "metadata": map[string]any{},
		"billing_details": map[string]any{"email": nilIfEmpty(email), "name": nilIfEmpty(name)}, typ: map[string]any{}}}
	s.pms[pmID] = pm
	pi["payment_method"], pi["payment_method_types"], pi["status"] = pmID, []string{typ}, "requires_confirmation"
	if get(f, "confirm") != "true" {
		return pi, nil
	}
	expires := time.Now().Add(time.Duration(days) * 24 * time.Hour).Unix()
	ref := s.newID("ref")[4:16]
	id := str(pi["id"])
	var na map[string]any
	switch typ {
	case "konbini":
		store := map[string]any{"payment_code": "123456789012", "confirmation_number": ref[:11]}
		na = map[string]any{"type": "konbini_display_details", "konbini_display_details": map[string]any{
			"expires_at": expires, "hosted_voucher_url": "https://payments.stripe.com/konbini/voucher/" + id,
			"stores": map[string]any{"familymart": store, "lawson": store, "ministop": store, "seicomart": store}}}
	case "oxxo":
		na = map[string]any{"type": "oxxo_display_details", "oxxo_display_details": map[string]any{
			"expires_after": expires, "hosted_voucher_url": "https://payments.stripe.com/oxxo/voucher/" + id,
			"number": "1234567890123456789012" + fmt.Sprintf("%010d", s.seq)}}
	case "customer_balance":
		na = map[string]any{"type": "display_bank_transfer_instructions", "display_bank_transfer_instructions": map[string]any{
			"amount_remaining": pi["amount"], "currency": pi["currency"], "type": "mx_bank_transfer",
			"reference": ref, "hosted_instructions_url": "https://payments.stripe.com/bank_transfers/instructions/" + id,
			"financial_addresses": []any{map[string]any{"type": "spei", "supported_networks": []string{"spei"},
				"spei": map[string]any{"bank_code": "002", "bank_name": "BANAMEX", "clabe": "002180650612345670"}}}}}
	case "qris":
		na = map[string]any{"type": "qris_display_qr_code", "qris_display_qr_code": map[string]any{
			"data": "00020101021226660014ID.CO.QRIS.WWW" + ref, "expires_at": time.Now().Add(15 * time.Minute).Unix(),
			"hosted_instructions_url": "https://payments.stripe.com/qr/instructions/" + id,
			"image_url_png":           "https://qr.stripe.com/" + id + ".png", "image_url_svg": "https://qr.stripe.com/" + id + ".svg"}}
	case "gopay":
		na = map[string]any{"type": "redirect_to_url", "redirect_to_url": map[string]any{
			"url": "https://pm-redirects.stripe.com/authorize/" + id, "return_url": nilIfEmpty(get(f, "return_url"))}}
	}
	pi["status"], pi["next_action"] = "requires_action", na
	s.emit("payment_intent.requires_action", pi)
	return pi, nil
}

// PayVoucher plays the customer paying pay-later payment intent id (at the
// konbini or OXXO store, by SPEI transfer, by scanning the QR code): it
// succeeds, with one charge. It reports whether such a payment waited.
func (s *Server) PayVoucher(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.payVoucher(id)
}

// ExpireVoucher plays pay-later payment intent id's instructions expiring
// unpaid. It reports whether such a payment waited.
func (s *Server) ExpireVoucher(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.expireVoucher(id)
}

// waitingVoucher returns payment intent id when it waits for a pay-later
// payment (s.mu held).
func (s *Server) waitingVoucher(id string) (map[string]any, *paymentMethod, bool) {
	pi, ok := s.intents[id]
	if !ok || pi["status"] != "requires_action" {
		return nil, nil, false
	}
	pm := s.pms[str(pi["payment_method"])]
	if pm == nil || pm.behavior != "paylater" {
		return nil, nil, false
	}
	return pi, pm, true
}

func (s *Server) payVoucher(id string) bool {
	pi, pm, ok := s.waitingVoucher(id)
	if ok {
		s.succeed(pi, pm)
	}
	return ok
}

func (s *Server) expireVoucher(id string) bool {
	pi, pm, ok := s.waitingVoucher(id)
	if !ok {
		return false
	}
	lpe := map[string]any{"type": "invalid_request_error", "code": "payment_intent_payment_attempt_expired",
		"message": "The payment attempt for this PaymentIntent has expired.", "payment_method": pm.obj}
	pi["status"], pi["last_payment_error"], pi["next_action"] = "requires_payment_method", lpe, nil
	s.emit("payment_intent.payment_failed", pi)
	return true
}

// testHelper serves POST /v1/test_helpers/payment_intents/{id}/{pay,expire}
// (s.mu held).
func (s *Server) testHelper(parts []string) (int, any) {
	if len(parts) != 5 || parts[2] != "payment_intents" {
		return http.StatusNotFound, map[string]any{"error": apiErr{Type: "invalid_request_error", Message: "Unrecognized test helper"}}
	}
	id := parts[3]
	if _, ok := s.intents[id]; !ok {
		f := missing("payment_intent", "intent", id)
		return f.status, map[string]any{"error": f.err}
	}
	var ok bool
	switch parts[4] {
	case "pay":
		ok = s.payVoucher(id)
	case "expire":
		ok = s.expireVoucher(id)
	default:
		return http.StatusNotFound, map[string]any{"error": apiErr{Type: "invalid_request_error", Message: "Unrecognized test helper"}}
	}
	if !ok {
		f := invalid("intent", fmt.Sprintf("PaymentIntent %s does not wait for a voucher, transfer or QR payment (status %s).", id, s.intents[id]["status"]))
		return f.status, map[string]any{"error": f.err}
	}
	return http.StatusOK, s.intents[id]
}
