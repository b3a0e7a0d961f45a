// Cards through Stripe.js (KW_WEB_PAYMENTS=stripe): in the cloud
// js.stripe.com's library, on the local stack the Stripe fake's stand-in
// with the same API. The card number never enters this page: the card
// Element is Stripe's frame, createPaymentMethod hands the app only the
// PaymentMethod's id, which it saves with POST /v1/billing/payment-methods,
// and a bank's 3-D Secure check runs in Stripe's frame (confirmCardSetup
// for a card being saved, confirmCardPayment for a payment waiting for it).
// Loaded lazily: only pages that take a card fetch this module and Stripe.js.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { t, useLocale } from '../lib/i18n.js';
import { config } from '../lib/config.js';
import { ErrorMessage } from '../components/ui.js';

// Stripe's names for the app's languages.
const STRIPE_LOCALE = { id: 'id', ja: 'ja', 'en-PH': 'en', 'es-MX': 'es-419' };

const unavailable = () => Object.assign(new Error('Stripe.js could not be loaded'), { code: 'stripe_unavailable' });

// stripeError is Stripe's answer as the app's error: Stripe.js words its
// messages in the learner's language, so they are shown as they are.
const stripeError = (e) => Object.assign(new Error(e.message || ''), { code: 'stripe_card', localized: !!e.message, stripe: e });

// The page's policy enforces Trusted Types and allows one policy,
// kw-stripe, for this: it makes a script URL of Stripe.js's address and of
// nothing else.
let policy;
function scriptURL(u) {
  if (!window.trustedTypes) return u;
  policy ||= window.trustedTypes.createPolicy('kw-stripe', {
    createScriptURL: (s) => {
      if (s !== config.stripe_js_url) throw new TypeError('kw-stripe: not Stripe.js: ' + s);
      return s;
    },
  });
  return policy.createScriptURL(u);
}

let loading = null;
let instance = null;
let instanceLocale = '';
// stripe resolves with the Stripe object for the current language (Stripe.js
// is loaded once; a failed load is tried again next time).
export function stripe(lang) {
  if (instance && instanceLocale === lang) return Promise.resolve(instance);
  loading ||= new Promise((resolve, reject) => {
    if (window.Stripe) return resolve();
    if (!config.stripe_js_url || !config.stripe_publishable_key) return reject(unavailable());
    const s = document.createElement('script');
    s.src = scriptURL(config.stripe_js_url);
    s.async = true;
    s.onload = () => (window.Stripe ? resolve() : reject(unavailable()));
    s.onerror = () => {
      s.remove();
      reject(unavailable());
    };
    document.head.appendChild(s);
  });
  return loading.then(
    () => {
      instance = window.Stripe(config.stripe_publishable_key, { locale: STRIPE_LOCALE[lang] || 'auto' });
      instanceLocale = lang;
      return instance;
    },
    (e) => {
      loading = null;
      throw e;
    },
  );
}

// CardField is Stripe's card Element. handle.current becomes
// { createPaymentMethod(billingDetails) -> payment method id }, which
// throws the card's problem (incomplete, invalid) in the learner's words.
export function CardField({ handle, id = 'card-element' }) {
  const lang = useLocale();
  const box = useRef(null);
  const [problem, setProblem] = useState(null);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    let card = null;
    let gone = false;
    setReady(false);
    stripe(lang).then(
      (s) => {
        if (gone) return;
        card = s.elements().create('card', { hidePostalCode: true });
        card.on('change', (e) => setProblem(e.error ? stripeError(e.error) : null));
        card.on('ready', () => setReady(true));
        card.mount(box.current);
        handle.current = {
          async createPaymentMethod(billing) {
            const r = await s.createPaymentMethod({ type: 'card', card, billing_details: billing || {} });
            if (r.error) throw stripeError(r.error);
            return r.paymentMethod.id;
          },
        };
      },
      (e) => !gone && setProblem(e),
    );
    return () => {
      gone = true;
      handle.current = null;
      if (card) card.destroy();
    };
  }, [lang]);
  return html`<fieldset class="stripe-card" aria-describedby=${id + '-hint'} aria-busy=${ready ? 'false' : 'true'}>
    <legend>${t('pay.card')}</legend>
    <div class="stripe-element" id=${id} ref=${box} data-testid="card-element"></div>
    <p class="hint" id=${id + '-hint'}>${t('pay.cardSecure')}</p>
    <${ErrorMessage} error=${problem} />
  </fieldset>`;
}

// confirmSetup runs the bank's check of a card being saved (the SetupIntent
// with clientSecret) and resolves once the bank has said yes.
export async function confirmSetup(clientSecret, lang) {
  const s = await stripe(lang);
  const r = await s.confirmCardSetup(clientSecret);
  if (r.error) throw stripeError(r.error);
  return r.setupIntent;
}

// confirmPayment runs the bank's check of a payment waiting for it (the
// PaymentIntent with clientSecret, paid with paymentMethod); the webhook
// then finishes the payment on the server.
export async function confirmPayment(clientSecret, paymentMethod, lang) {
  const s = await stripe(lang);
  const r = await s.confirmCardPayment(clientSecret, paymentMethod ? { payment_method: paymentMethod } : undefined);
  if (r.error) throw stripeError(r.error);
  return r.paymentIntent;
}
