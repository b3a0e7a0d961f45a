// The seam for Stripe.js in the cloud (KW_WEB_PAYMENTS=stripe). What it
// will do: load https://js.stripe.com/v3 (allowed by the page's policy in
// stripe mode), POST /v1/billing/setup-intents for a client secret, mount
// the Payment Element in the container, confirmSetup() (3-D Secure runs in
// Stripe's frame), and resolve with the SetupIntent's payment_method, which
// the app then saves with POST /v1/billing/payment-methods exactly as the
// test cards are saved. Until it is wired, it says cards are unavailable.
export async function collectPaymentMethod() {
  throw Object.assign(new Error('Stripe.js is not wired yet'), { code: 'stripe_unavailable' });
}

// confirmPayment will run stripe.confirmCardPayment(clientSecret,
// {payment_method}) for a payment the bank wants confirmed (3-D Secure in
// Stripe's frame); the webhook then finishes the payment. Not wired yet.
export async function confirmPayment() {
  throw Object.assign(new Error('Stripe.js is not wired yet'), { code: 'stripe_unavailable' });
}
