package billing

import (
	"context"
	"encoding/json"
	"time"

	"github.com/stripe/stripe-go/v85"

	"github.com/kwipper/kwipper/functions/contract/billingmsg"
	"github.com/kwipper/kwipper/shared/money"
)

// ChargeLater creates and confirms a PaymentIntent of amount for customer
// with single-use method (a billingmsg.PayLaterMethods type), with
// idempotency key key, as Stripe documents each method's direct API
// integration: payment_method_types=[method], payment_method_data[type],
// and for konbini and OXXO payment_method_options[...][expires_after_days]
// (voucherDays), for SPEI (customer_balance) a bank_transfer funding of
// type mx_bank_transfer. Stripe answers requires_action with the
// instructions (ChargeResult.Instructions); the payment is confirmed later,
// by webhook. A refusal is errs.Invalid.
func (g *Gateway) ChargeLater(ctx context.Context, key, customer, method string, buyer Buyer, amount money.Money, description string, metadata map[string]string, voucherDays int64) (ChargeResult, error) {
	cur, err := StripeCurrency(amount)
	if err != nil {
		return ChargeResult{}, err
	}
	p := &stripe.PaymentIntentCreateParams{
		Amount: stripe.Int64(amount.Amount), Currency: stripe.String(cur), Customer: stripe.String(customer),
		PaymentMethodTypes: []*string{stripe.String(method)},
		PaymentMethodData:  &stripe.PaymentIntentCreatePaymentMethodDataParams{Type: stripe.String(method), BillingDetails: buyer.params()},
		Confirm:            stripe.Bool(true),
		Description:        stripe.String(description), Metadata: metadata,
	}
	switch method {
	case billingmsg.MethodKonbini:
		p.PaymentMethodOptions = &stripe.PaymentIntentCreatePaymentMethodOptionsParams{
			Konbini: &stripe.PaymentIntentCreatePaymentMethodOptionsKonbiniParams{ExpiresAfterDays: stripe.Int64(voucherDays)}}
	case billingmsg.MethodOXXO:
		p.PaymentMethodOptions = &stripe.PaymentIntentCreatePaymentMethodOptionsParams{
			OXXO: &stripe.PaymentIntentCreatePaymentMethodOptionsOXXOParams{ExpiresAfterDays: stripe.Int64(voucherDays)}}
	case billingmsg.MethodSPEI:
		p.PaymentMethodOptions = &stripe.PaymentIntentCreatePaymentMethodOptionsParams{
			CustomerBalance: &stripe.PaymentIntentCreatePaymentMethodOptionsCustomerBalanceParams{
				FundingType: stripe.String("bank_transfer"),
				BankTransfer: &stripe.PaymentIntentCreatePaymentMethodOptionsCustomerBalanceBankTransferParams{
					Type: stripe.String("mx_bank_transfer")}}}
	}
	p.SetIdempotencyKey(key)
	return g.createIntent(ctx, p)
}

// instructionsOf reads what the learner needs to pay PaymentIntent pi from
// its next_action (nil when it asks for nothing of the kind):
// konbini_display_details and oxxo_display_details (vouchers),
// display_bank_transfer_instructions (SPEI), and for QRIS and GoPay, which
// stripe-go v85 does not type, a QR code (next_action[<type>] with data,
// image_url_png, hosted_instructions_url and expires_at, the shape Stripe
// gives its other QR methods, PayNow and PromptPay) or redirect_to_url.
func instructionsOf(pi *stripe.PaymentIntent) *Instructions {
	na := pi.NextAction
	if na == nil || pi.Status != stripe.PaymentIntentStatusRequiresAction {
		return nil
	}
	at := func(unix int64) *time.Time {
		if unix <= 0 {
			return nil
		}
		t := time.Unix(unix, 0).UTC()
		return &t
	}
	switch {
	case na.KonbiniDisplayDetails != nil:
		k := na.KonbiniDisplayDetails
		in := &Instructions{Method: billingmsg.MethodKonbini, Kind: billingmsg.KindVoucher, HostedURL: k.HostedVoucherURL, ExpiresAt: at(k.ExpiresAt)}
		if st := k.Stores; st != nil {
			switch {
			case st.FamilyMart != nil:
				in.Number, in.ConfirmationNumber = st.FamilyMart.PaymentCode, st.FamilyMart.ConfirmationNumber
			case st.Lawson != nil:
				in.Number, in.ConfirmationNumber = st.Lawson.PaymentCode, st.Lawson.ConfirmationNumber
			case st.Ministop != nil:
				in.Number, in.ConfirmationNumber = st.Ministop.PaymentCode, st.Ministop.ConfirmationNumber
			case st.Seicomart != nil:
				in.Number, in.ConfirmationNumber = st.Seicomart.PaymentCode, st.Seicomart.ConfirmationNumber
			}
		}
		return in
	case na.OXXODisplayDetails != nil:
		o := na.OXXODisplayDetails
		return &Instructions{Method: billingmsg.MethodOXXO, Kind: billingmsg.KindVoucher, Number: o.Number, HostedURL: o.HostedVoucherURL, ExpiresAt: at(o.ExpiresAfter)}
	case na.DisplayBankTransferInstructions != nil:
		b := na.DisplayBankTransferInstructions
		in := &Instructions{Method: billingmsg.MethodSPEI, Kind: billingmsg.KindBankTransfer, Reference: b.Reference,
			HostedURL: b.HostedInstructionsURL, AmountRemaining: b.AmountRemaining}
		for _, fa := range b.FinancialAddresses {
			if fa != nil && fa.Spei != nil {
				in.BankAccount, in.BankName = fa.Spei.Clabe, fa.Spei.BankName
				break
			}
		}
		return in
	}
	method := ""
	if len(pi.PaymentMethodTypes) == 1 {
		method = pi.PaymentMethodTypes[0]
	}
	if method != billingmsg.MethodQRIS && method != billingmsg.MethodGoPay {
		return nil
	}
	in := &Instructions{Method: method, Kind: billingmsg.KindQR}
	if na.RedirectToURL != nil {
		in.RedirectURL = na.RedirectToURL.URL
	}
	if pi.LastResponse != nil && len(pi.LastResponse.RawJSON) > 0 {
		var raw struct {
			NextAction map[string]json.RawMessage `json:"next_action"`
		}
		var qr struct {
			Data                  string `json:"data"`
			ImageURLPNG           string `json:"image_url_png"`
			HostedInstructionsURL string `json:"hosted_instructions_url"`
			ExpiresAt             int64  `json:"expires_at"`
		}
		if json.Unmarshal(pi.LastResponse.RawJSON, &raw) == nil {
			if b, ok := raw.NextAction[string(na.Type)]; ok && json.Unmarshal(b, &qr) == nil {
				in.QRData, in.QRImageURL, in.HostedURL, in.ExpiresAt = qr.Data, qr.ImageURLPNG, qr.HostedInstructionsURL, at(qr.ExpiresAt)
			}
		}
	}
	return in
}

// Buyer is who a voucher, transfer or QR payment is made out to.
type Buyer struct {
	Name, Email string
}

// params are buyer's billing details for Stripe (nil when unknown).
func (b Buyer) params() *stripe.PaymentIntentCreatePaymentMethodDataBillingDetailsParams {
	if b.Name == "" && b.Email == "" {
		return nil
	}
	p := &stripe.PaymentIntentCreatePaymentMethodDataBillingDetailsParams{}
	if b.Name != "" {
		p.Name = stripe.String(b.Name)
	}
	if b.Email != "" {
		p.Email = stripe.String(b.Email)
	}
	return p
}
