// Taking a card, whichever way this deployment collects it: Stripe's test
// payment methods by name on the local stack (test-cards), or Stripe.js's
// card Element (stripe; its module and Stripe.js load only here, lazily).
// saveCard saves it to the learner's wallet, running the bank's check of
// the card first when the bank asks for one.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { get, post } from '../lib/api.js';
import { config } from '../lib/config.js';
import { Loading, ErrorMessage } from '../components/ui.js';
import { TestCardPicker } from './testcards.js';

export const usesStripe = () => config.payments === 'stripe';

let stripeModule = null;
const loadStripe = () => import('./stripe.js').then((m) => (stripeModule = m));

// CardInput is where the learner gives a card: the test card picker
// (value/onChange) or Stripe's card Element (handle, see stripe.js).
export function CardInput({ value, onChange, handle }) {
  const [, setLoaded] = useState(!!stripeModule);
  const [error, setError] = useState(null);
  useEffect(() => {
    if (usesStripe() && !stripeModule) loadStripe().then(() => setLoaded(true), setError);
  }, []);
  if (!usesStripe()) return html`<${TestCardPicker} value=${value} onChange=${onChange} />`;
  if (error) return html`<${ErrorMessage} error=${{ code: 'stripe_unavailable' }} />`;
  if (!stripeModule) return html`<${Loading} />`;
  return html`<${stripeModule.CardField} handle=${handle} />`;
}

// cardPaymentMethod is the payment method id of the card given: the test
// card's name, or the PaymentMethod Stripe.js created from the Element.
export async function cardPaymentMethod(value, handle) {
  if (!usesStripe()) return value;
  if (!handle.current) throw Object.assign(new Error('Stripe.js is not ready'), { code: 'stripe_unavailable' });
  return handle.current.createPaymentMethod();
}

// saveCard saves payment method pm (POST /v1/billing/payment-methods; the
// idempotency key is the form's key and the payment method, so a retry of
// the same card replays and another card, e.g. after the bank said no, is a
// new request). When the bank wants to check the card first, it
// runs the check (Stripe.js; 3-D Secure) and waits until Billing has heard
// that the card is saved.
export async function saveCard(pm, { makeDefault, key, lang }) {
  const m = await post('/v1/billing/payment-methods', { payment_method_id: pm, default: makeDefault }, { idempotencyKey: key + '-' + pm });
  if (m.status !== 'requires_action' || !usesStripe() || !m.client_secret) return m;
  const s = stripeModule || (await loadStripe());
  await s.confirmSetup(m.client_secret, lang);
  for (let i = 0; i < 60; i++) {
    const w = await get('/v1/billing/payment-methods');
    const saved = (w.payment_methods || []).find((x) => x.id === m.id);
    if (saved && saved.status !== 'requires_action') return saved;
    await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** i, 2000)));
  }
  // Not saved yet: nothing may be paid with it (a subscription would charge
  // the previous default card).
  throw Object.assign(new Error('the card is not saved yet'), { code: 'card_not_confirmed' });
}

// confirmWithBank runs the bank's check of a payment waiting for it
// (Stripe.js confirmCardPayment in Stripe's frame).
export async function confirmWithBank(clientSecret, paymentMethod, lang) {
  const s = stripeModule || (await loadStripe());
  return s.confirmPayment(clientSecret, paymentMethod, lang);
}
