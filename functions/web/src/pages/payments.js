// Saved payment methods (GET/POST /v1/billing/payment-methods, make
// default, remove) and the 3-D Secure step of a payment
// (GET /v1/billing/payments/{id}/action).
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { get, post, del, enc, newKey } from '../lib/api.js';
import { t, formatDate, formatTime, formatMoney, useLocale } from '../lib/i18n.js';
import { useSession, hasRole } from '../lib/session.js';
import { href, currentHref } from '../lib/router.js';
import { ErrorMessage, PageTitle, Loading, Status } from '../components/ui.js';
import { CardInput, cardPaymentMethod, saveCard, confirmWithBank, usesStripe } from '../payments/card.js';

const cardLabel = (m) =>
  m.last4 ? t('pm.card', { brand: (m.brand || m.type || '').toUpperCase(), last4: m.last4 }) : m.type || m.id;

export function PaymentMethods() {
  const s = useSession();
  const [wallet, setWallet] = useState(null);
  const [error, setError] = useState(null);
  const [actionError, setActionError] = useState(null);
  const [notice, setNotice] = useState('');
  const load = async () => {
    try {
      setWallet(await get('/v1/billing/payment-methods'));
      setError(null);
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => {
    if (s) load();
  }, [s && s.user.id]);
  if (!s) return html`<${PageTitle} text=${t('pm.title')} /><p><a class="button" href=${href(['login'], { next: currentHref() })}>${t('nav.login')}</a></p>`;
  const run = async (fn, ok) => {
    setActionError(null);
    setNotice('');
    try {
      await fn();
      setNotice(ok);
      await load();
    } catch (e) {
      setActionError(e);
    }
  };
  const methods = (wallet && wallet.payment_methods) || [];
  return html`
    <${PageTitle} text=${t('pm.title')} />
    <${ErrorMessage} error=${error} />
    ${!wallet && !error && html`<${Loading} />`}
    ${notice && html`<${Status}>${notice}</${Status}>`}
    <${ErrorMessage} error=${actionError} />
    ${wallet && methods.length === 0 && html`<p>${t('pm.none')}</p>`}
    ${methods.length > 0 && html`<ul class="methods" data-testid="methods">
      ${methods.map((m) => html`<li key=${m.id} class="method">
        <span class="label">${cardLabel(m)}</span>
        ${m.exp_month && html`<span class="meta">${t('pm.expires', { month: String(m.exp_month).padStart(2, '0'), year: String(m.exp_year) })}</span>`}
        ${m.default && html`<span class="badge">${t('pm.default')}</span>`}
        ${m.status === 'requires_action' && html`<span class="badge warn">${t('pm.needsConfirm')}</span>`}
        ${m.status === 'unusable' && html`<span class="badge danger">${t('pm.unusable')}</span>`}
        <span class="tools">
          ${!m.default && m.status === 'saved' && html`<button type="button" class="secondary" aria-label=${t('pm.makeDefaultOf', { card: cardLabel(m) })}
            onClick=${() => run(() => post(`/v1/billing/payment-methods/${enc(m.id)}/default`), t('pm.defaultSet', { card: cardLabel(m) }))}>${t('pm.makeDefault')}</button>`}
          <button type="button" class="secondary danger" aria-label=${t('pm.removeOf', { card: cardLabel(m) })}
            onClick=${() => confirm(t('pm.confirmRemove', { card: cardLabel(m) })) && run(() => del(`/v1/billing/payment-methods/${enc(m.id)}`), t('pm.removed', { card: cardLabel(m) }))}>${t('pm.remove')}</button>
        </span>
      </li>`)}
    </ul>`}
    ${hasRole(s, 'learner') && html`<${AddCard} onSaved=${(m) => {
      setNotice(t('pay.savedCard', { brand: (m.brand || '').toUpperCase(), last4: m.last4 || '' }));
      load();
    }} />`}`;
}

function AddCard({ onSaved }) {
  const lang = useLocale();
  const stripeCard = useRef(null);
  const [card, setCard] = useState('pm_card_visa');
  const [makeDefault, setMakeDefault] = useState(false);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [pending, setPending] = useState(null);
  const [key, setKey] = useState(newKey);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setPending(null);
    try {
      const pm = await cardPaymentMethod(card, stripeCard);
      const m = await saveCard(pm, { makeDefault, key, lang });
      setKey(newKey());
      if (m.status === 'requires_action') setPending(m);
      onSaved(m);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<form class="form pay" onSubmit=${submit} aria-labelledby="add-pm-h">
    <h2 id="add-pm-h">${t('pm.add')}</h2>
    <${CardInput} value=${card} onChange=${setCard} handle=${stripeCard} />
    <div class="check"><input type="checkbox" id="pm-default" checked=${makeDefault} onChange=${(e) => setMakeDefault(e.currentTarget.checked)} />
      <label for="pm-default">${t('pm.asDefault')}</label></div>
    <button type="submit" disabled=${busy}>${t('pm.save')}</button>
    ${pending && html`<p class="note" data-testid="setup-action">${t('pm.setupAction', { id: pending.setup_intent_id || '' })}</p>`}
    <${ErrorMessage} error=${error} />
  </form>`;
}

// PaymentAction is the 3-D Secure step of a pending subscription's payment:
// the bank wants the learner to confirm it before the deadline. In the
// cloud Stripe.js confirms it with the PaymentIntent's client secret (in
// Stripe's frame); on the local stack the Stripe fake stands in for the
// bank, and the screen says what it waits for. The subscription is then
// followed by the caller until it is active or failed.
export function PaymentAction({ paymentId }) {
  const lang = useLocale();
  const [act, setAct] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    get(`/v1/billing/payments/${enc(paymentId)}/action`).then(setAct, setError);
  }, [paymentId]);
  const confirmNow = async () => {
    setBusy(true);
    setError(null);
    try {
      await confirmWithBank(act.client_secret, act.payment_method_id, lang);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  if (act && act.instructions) return html`<${PayLater} act=${act} />`;
  return html`<section class="threeds" aria-labelledby="threeds-h" data-testid="threeds">
    <h2 id="threeds-h">${t('pay.3ds.title')}</h2>
    <p>${t('pay.3ds.why')}</p>
    ${!act && !error && html`<${Loading} />`}
    ${act && act.expires_at && html`<p>${t('pay.3ds.until', { date: formatDate(act.expires_at), time: formatTime(act.expires_at) })}</p>`}
    ${act && usesStripe() && html`<button type="button" disabled=${busy || !act.client_secret} onClick=${confirmNow}>${t('pay.3ds.confirm')}</button>`}
    ${act && !usesStripe() && html`<div class="note">
      <p>${t('pay.3ds.local')}</p>
      <p><code data-testid="payment-intent">${act.payment_intent_id}</code> · <span lang="en">${act.status}${act.next_action ? ' / ' + act.next_action : ''}</span></p>
    </div>`}
    <${Status}>${t('pay.3ds.waiting')}</${Status}>
    <${ErrorMessage} error=${error} />
  </section>`;
}

// PayLater shows what the learner needs to pay a voucher, a bank transfer
// or a QR code, and until when; the subscription starts once it is paid.
function PayLater({ act }) {
  const i = act.instructions;
  const row = (label, value, id) => value && html`<div><dt>${label}</dt><dd><code data-testid=${id}>${value}</code></dd></div>`;
  return html`<section class="paylater" aria-labelledby="paylater-h" data-testid="paylater">
    <h2 id="paylater-h">${t('paylater.title.' + i.kind)}</h2>
    <p>${t('paylater.how.' + i.method)}</p>
    <dl class="voucher">
      ${row(t('paylater.number'), i.number, 'voucher-number')}
      ${row(t('paylater.confirmation'), i.confirmation_number, 'voucher-confirmation')}
      ${row(t('paylater.bank'), i.bank_name, 'bank-name')}
      ${row(t('paylater.account'), i.bank_account, 'bank-account')}
      ${row(t('paylater.reference'), i.reference, 'reference')}
      ${i.amount_remaining > 0 && html`<div><dt>${t('paylater.amount')}</dt><dd>${formatMoney({ amount: i.amount_remaining, currency: METHOD_CURRENCY[i.method] || 'MXN' })}</dd></div>`}
      ${i.expires_at && html`<div><dt>${t('paylater.until')}</dt><dd>${formatDate(i.expires_at)} ${formatTime(i.expires_at)}</dd></div>`}
    </dl>
    ${i.qr_data && html`<p>${t('paylater.qr')} <code>${i.qr_data}</code></p>`}
    ${i.hosted_instructions_url && html`<p><a href=${i.hosted_instructions_url} target="_blank" rel="noopener noreferrer">${t('paylater.hosted')}</a></p>`}
    ${i.redirect_url && html`<p><a class="button" href=${i.redirect_url} rel="noopener noreferrer">${t('paylater.open.' + i.method)}</a></p>`}
    ${!usesStripe() && html`<p class="note">${t('paylater.local')} <code data-testid="payment-id">${act.payment_id}</code></p>`}
    <${Status}>${t('paylater.waiting')}</${Status}>
  </section>`;
}

const METHOD_CURRENCY = { konbini: 'JPY', oxxo: 'MXN', customer_balance: 'MXN', qris: 'IDR', gopay: 'IDR' };
