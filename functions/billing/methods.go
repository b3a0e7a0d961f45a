package billing

import (
	"slices"
	"strings"

	"github.com/kwipper/kwipper/shared/errs"
)

// Saved payment methods and what each market offers (no cloud SDK).

// MethodType is a kind of payment method Kwipper accepts through Stripe, as
// Stripe documents it: where it is offered, whether it can be saved for
// later off-session charges, and how its payment is confirmed.
type MethodType struct {
	// Type is Stripe's payment method type (payment_method_types[]).
	Type string `json:"type"`
	// Name is what a learner sees.
	Name string `json:"name"`
	// Reusable says whether Kwipper saves it and charges it later without
	// the learner (renewals): cards (SetupIntent, usage off_session). Stripe
	// documents saving GoPay too, but stripe-go v85 has no GoPay type and
	// its setup is a redirect the API does not take yet: GoPay is paid per
	// period, like the vouchers, until then.
	Reusable bool `json:"reusable"`
	// Confirmation is "instant" (the charge answers at once, a card may ask
	// for 3-D Secure) or "async" (a voucher, transfer or QR code the learner
	// pays later; Stripe confirms it by webhook).
	Confirmation string `json:"confirmation"`
	// Docs is Stripe's page for it.
	Docs      string   `json:"docs"`
	countries []string // ISO country codes; nil: every market
}

// methodCatalog is what Stripe documents for Kwipper's four markets (ID, JP,
// PH, MX). The Philippines: Stripe documents no Philippine e-wallet among its
// payment method types (GrabPay is documented for Singapore and Malaysia), so
// learners there pay by card until it does.
var methodCatalog = []MethodType{
	{Type: "card", Name: "Card", Reusable: true, Confirmation: "instant", Docs: "https://docs.stripe.com/payments/cards"},
	{Type: "konbini", Name: "Konbini (convenience store)", Confirmation: "async", Docs: "https://docs.stripe.com/payments/konbini", countries: []string{"JP"}},
	{Type: "oxxo", Name: "OXXO (cash voucher)", Confirmation: "async", Docs: "https://docs.stripe.com/payments/oxxo", countries: []string{"MX"}},
	{Type: "customer_balance", Name: "SPEI bank transfer", Confirmation: "async", Docs: "https://docs.stripe.com/payments/bank-transfers", countries: []string{"MX"}},
	{Type: "qris", Name: "QRIS", Confirmation: "async", Docs: "https://docs.stripe.com/payments/qris", countries: []string{"ID"}},
	{Type: "gopay", Name: "GoPay", Confirmation: "async", Docs: "https://docs.stripe.com/payments/gopay", countries: []string{"ID"}},
}

// Markets are the countries Kwipper serves.
var Markets = []string{"ID", "JP", "PH", "MX"}

// OfferedMethods lists the payment method types offered in country (cards
// only when the country is unknown or not a market).
func OfferedMethods(country string) []MethodType {
	var out []MethodType
	known := slices.Contains(Markets, country)
	for _, m := range methodCatalog {
		if m.countries == nil || (known && slices.Contains(m.countries, country)) {
			out = append(out, m)
		}
	}
	return out
}

// MaxSavedMethods bounds how many payment methods a learner keeps.
const MaxSavedMethods = 10

// PaymentMethod is a payment method a learner saved.
type PaymentMethod struct {
	ID       string
	Type     string
	Brand    string
	Last4    string
	ExpMonth int64
	ExpYear  int64
	// Unusable is the hard decline code after which it is not charged again.
	Unusable string
	stored   bool // read from PaymentMethods (not only the Customers row)
}

// Errors of managing saved payment methods.
var (
	ErrMethodNotFound = errs.E(errs.NotFound, "no saved payment method of yours has this id")
	ErrTooManyMethods = errs.E(errs.FailedPrecondition, "you have saved %d payment methods; remove one first", MaxSavedMethods)
)

// SaveCardRequest is the body of POST /v1/billing/payment-methods: a Stripe
// payment method id (from Stripe.js, or a test id such as pm_card_visa).
// The card is set up for later off-session charges (a SetupIntent with usage
// off_session) and becomes the default unless default is false.
type SaveCardRequest struct {
	PaymentMethodID string `json:"payment_method_id"`
	Default         *bool  `json:"default,omitempty"`
}

func validateSaveCard(req SaveCardRequest) error {
	var f errs.Fields
	id := strings.TrimSpace(req.PaymentMethodID)
	f.Check(id != "", "payment_method_id", "is required (a Stripe payment method id, e.g. pm_card_visa in test mode)")
	f.Check(len(id) <= 255 && strings.HasPrefix(id, "pm_"), "payment_method_id", "must be a Stripe payment method id (pm_...)")
	return f.Err()
}

// pickDefault is the default after removing removed from methods (newest
// first): the same one when another was removed, else the newest usable one
// left ("" for none).
func pickDefault(current, removed string, methods []PaymentMethod) string {
	if current != removed && current != "" {
		return current
	}
	for _, m := range methods {
		if m.ID != removed && m.Unusable == "" {
			return m.ID
		}
	}
	return ""
}
