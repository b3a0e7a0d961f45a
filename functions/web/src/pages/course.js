// A course: what it is, who teaches it, its price in the local format, its
// items and subscriber count; learners subscribe and pay here.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { get, post, enc, newKey } from '../lib/api.js';
import { t, formatMoney, formatDate, useLocale } from '../lib/i18n.js';
import { useSession, hasRole } from '../lib/session.js';
import { href, currentHref } from '../lib/router.js';
import { ErrorMessage, PageTitle, Loading, Status } from '../components/ui.js';
import { priceLabel } from './catalog.js';
import { CardInput, cardPaymentMethod, saveCard } from '../payments/card.js';

const LIVE = ['pending', 'active', 'past_due', 'refunding'];

export function reasonText(sub) {
  if (!sub || !sub.reason_code) return sub && sub.reason ? t('sub.reason.other', { reason: sub.reason }) : '';
  const key = 'sub.reason.' + sub.reason_code;
  const text = t(key);
  return text === key ? t('sub.reason.other', { reason: sub.reason || sub.reason_code }) : text;
}

// pollSubscription asks for the subscription until it leaves pending.
// pollSubscription follows a subscription until it leaves pending, or
// until it asks the learner to confirm the payment (action), unless
// waitAction (then it keeps following while the learner confirms).
// PAY_LATER_CURRENCY is the one currency each voucher, transfer or QR
// method pays in (as Stripe has them).
const PAY_LATER_CURRENCY = { konbini: 'JPY', oxxo: 'MXN', customer_balance: 'MXN', qris: 'IDR', gopay: 'IDR' };

export async function pollSubscription(id, { signal, timeoutMs = 90000, waitAction = false } = {}) {
  const deadline = Date.now() + timeoutMs;
  let wait = 500;
  for (;;) {
    const s = await get('/v1/subscriptions/' + enc(id), { signal });
    if (s.status !== 'pending' || (s.action && !waitAction) || Date.now() > deadline) return s;
    await new Promise((r) => setTimeout(r, wait));
    wait = Math.min(wait * 1.5, 3000);
  }
}

export function Course({ id }) {
  const s = useSession();
  const [course, setCourse] = useState(null);
  const [items, setItems] = useState([]);
  const [sub, setSub] = useState(null);
  const [error, setError] = useState(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let live = true;
    (async () => {
      try {
        const [c, list] = await Promise.all([get('/v1/courses/' + enc(id)), get('/v1/courses/' + enc(id) + '/items')]);
        if (!live) return;
        setCourse(c);
        setItems(list.items || []);
        setError(null);
        if (hasRole(s, 'learner')) {
          const mine = await get('/v1/subscriptions');
          const found = (mine.subscriptions || []).filter((x) => x.course_id === id);
          if (live) setSub(found.find((x) => LIVE.includes(x.status)) || null);
        }
      } catch (e) {
        if (live) setError(e);
      }
    })();
    return () => {
      live = false;
    };
  }, [id, s && s.token, reload]);

  // A subscriber on a course with a ready video is likely to watch next:
  // the player (hls.js) loads while they choose, once the browser is idle,
  // unless they asked to save data.
  const watchable =
    !!course &&
    !!s &&
    (s.user.id === course.tutor_id || (!!sub && ['active', 'past_due'].includes(sub.status))) &&
    items.some((it) => it.kind === 'video' && it.content_status === 'ready');
  useEffect(() => {
    if (!watchable || (navigator.connection && navigator.connection.saveData)) return;
    const load = () => import('../player/hls.js').catch(() => {});
    if (window.requestIdleCallback) {
      const id = requestIdleCallback(load, { timeout: 3000 });
      return () => cancelIdleCallback(id);
    }
    const id = setTimeout(load, 1000);
    return () => clearTimeout(id);
  }, [watchable]);

  if (error && !course) return html`<${PageTitle} text=${t('error.' + error.code) || t('error.other')} /><${ErrorMessage} error=${error} />`;
  if (!course) return html`<${Loading} />`;
  const owner = s && s.user.id === course.tutor_id;
  const entitled = owner || (sub && ['active', 'past_due'].includes(sub.status));

  return html`
    <article class="course">
      <${PageTitle} text=${course.title} />
      ${course.status !== 'published' && html`<p class="note">${t('course.draft')}</p>`}
      <p class="by">${course.tutor_name ? t('course.by', { name: course.tutor_name }) : t('course.byUnknown')}</p>
      ${course.tutor_id && html`<p><a href=${href([], { tutor_id: course.tutor_id })}>${t('course.moreByTutor', { name: course.tutor_name || '' })}</a></p>`}
      <p class="price big">${priceLabel(course)}</p>
      <p class="meta">${t('course.items', { n: course.item_count })} · <span data-testid="subscribers">${t('course.subscribers', { n: course.subscriber_count })}</span></p>
      ${course.description && html`<p class="description">${course.description}</p>`}
      <section aria-labelledby="inside-h">
        <h2 id="inside-h">${t('course.inside')}</h2>
        ${items.length === 0 && html`<p>${t('course.noItems')}</p>`}
        <ol class="items">
          ${items.map((it) => html`<li key=${it.id}>
            <span class="kind">${t('kind.' + it.kind)}</span>
            ${entitled && (it.kind === 'text' || it.content_status === 'ready')
              ? html`<a href=${href(['courses', course.id, 'items', it.id], it.kind === 'video' ? { kind: 'video' } : null)} aria-label=${t('course.open', { title: it.title })}>${it.title}</a>`
              : html`<span>${it.title}</span>`}
            ${entitled && it.kind !== 'text' && it.content_status !== 'ready' && html` <span class="badge">${t('course.notReady')}</span>`}
            ${!entitled && html` <span class="badge muted">${t('course.locked')}</span>`}
          </li>`)}
        </ol>
      </section>
      ${owner && html`<p class="note">${t('course.ownCourse')} <a href=${href(['tutor', 'courses', course.id])}>${t('course.edit')}</a></p>`}
      ${!owner && html`<${SubscribePanel} course=${course} sub=${sub} onChange=${(x) => {
        setSub(x);
        if (x && x.status !== 'pending') setReload((n) => n + 1);
      }} />`}
    </article>
  `;
}

// ThreeDS loads the 3-D Secure step (pages/payments.js) when needed.
let paymentsModule = null;
function ThreeDS(props) {
  const [, setLoaded] = useState(!!paymentsModule);
  useEffect(() => {
    if (!paymentsModule) import('./payments.js').then((m) => ((paymentsModule = m), setLoaded(true)));
  }, []);
  if (!paymentsModule) return html`<${Loading} />`;
  const { PaymentAction } = paymentsModule;
  return html`<${PaymentAction} ...${props} />`;
}

function SubscribePanel({ course, sub, onChange }) {
  const s = useSession();
  const lang = useLocale();
  const stripeCard = useRef(null);
  const [card, setCard] = useState('pm_card_visa');
  const [method, setMethod] = useState('card');
  const [offered, setOffered] = useState([]);
  const [saved, setSaved] = useState(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [failed, setFailed] = useState(null);
  const [done, setDone] = useState(false);
  const [key, setKey] = useState(newKey);

  useEffect(() => {
    // A subscription still pending when the page opened: follow it.
    if (!sub || sub.status !== 'pending' || busy) return;
    const ctl = new AbortController();
    pollSubscription(sub.id, { signal: ctl.signal, waitAction: true, timeoutMs: 30 * 60000 }).then(onChange, () => {});
    return () => ctl.abort();
  }, [sub && sub.id]);

  useEffect(() => {
    // The methods the learner's country offers that can pay this course's
    // currency (a voucher, transfer or QR code is paid later).
    if (!s || !hasRole(s, 'learner')) return;
    get('/v1/billing/payment-methods').then(
      (w) => {
        setOffered((w.available || []).filter((m) => m.type !== 'card' && PAY_LATER_CURRENCY[m.type] === course.price.currency));
        // The default saved card pays without typing it again.
        setSaved((w.payment_methods || []).find((m) => m.default && m.status === 'saved') || null);
      },
      () => setOffered([]),
    );
  }, [s && s.user.id, course.id]);

  if (!s) {
    return html`<p><a class="button" href=${href(['login'], { next: currentHref() })}>${t('course.loginToSubscribe')}</a></p>`;
  }
  if (!hasRole(s, 'learner')) return html`<p class="note">${t('course.learnerOnly')}</p>`;
  if (sub && sub.status === 'pending' && sub.action) return html`<${ThreeDS} paymentId=${sub.action.payment_id} />`;
  if (sub && sub.status === 'pending') return html`<${Status}>${t('pay.processing')}</${Status}>`;
  if (sub && LIVE.includes(sub.status)) {
    return html`<div class="subscribed">
      <${Status}>${done ? t('pay.active') : t('course.subscribed')} ${t('sub.status.' + sub.status)}${sub.period_end ? ' · ' + t(sub.cancel_at_period_end ? 'subs.endsOn' : 'subs.renews', { date: formatDate(sub.period_end) }) : ''}</${Status}>
      <p><a href="#/subscriptions">${t('course.manage')}</a></p>
    </div>`;
  }
  if (course.status !== 'published') return null;

  const pay = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setFailed(null);
    try {
      const body = { course_id: course.id };
      if (method === 'saved') {
        // Billing charges the default saved card.
      } else if (method === 'card') {
        // The card paid with becomes the default one (once the bank has
        // checked it, if it wants to).
        const pm = await cardPaymentMethod(card, stripeCard);
        await saveCard(pm, { makeDefault: true, key: key + '-card', lang });
      } else {
        body.payment_method_type = method;
      }
      const created = await post('/v1/subscriptions', body, { idempotencyKey: key });
      onChange(created);
      let final = await pollSubscription(created.id);
      if (final.status === 'pending' && final.action) {
        // 3-D Secure: the panel shows the step; follow until the bank's
        // answer (or the deadline) settles it.
        onChange(final);
        const left = Date.parse(final.action.expires_at) - Date.now();
        final = await pollSubscription(created.id, { waitAction: true, timeoutMs: (left > 0 ? left : 0) + 60000 });
      }
      setKey(newKey());
      if (final.status === 'failed') {
        setFailed(final);
        onChange(null);
      } else {
        setDone(true);
        onChange(final);
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<form class="pay" onSubmit=${pay} aria-labelledby="pay-h" aria-busy=${busy ? 'true' : 'false'}>
    <h2 id="pay-h">${t('pay.heading')}</h2>
    ${(offered.length > 0 || saved) && html`<fieldset class="methods-choice">
      <legend>${t('pay.how')}</legend>
      ${saved && html`<div class="check" key="saved">
        <input type="radio" name="pay-method" id="method-saved" value="saved" checked=${method === 'saved'} onChange=${() => setMethod('saved')} />
        <label for="method-saved">${t('pay.withSaved', { card: t('pm.card', { brand: (saved.brand || saved.type || '').toUpperCase(), last4: saved.last4 || '' }) })}</label></div>`}
      ${[{ type: 'card' }, ...offered].map((m) => html`<div class="check" key=${m.type}>
        <input type="radio" name="pay-method" id=${'method-' + m.type} value=${m.type} checked=${method === m.type} onChange=${() => setMethod(m.type)} />
        <label for=${'method-' + m.type}>${t(saved && m.type === 'card' ? 'pay.newCard' : 'method.' + m.type)}</label></div>`)}
      ${method !== 'card' && method !== 'saved' && html`<p class="hint">${t('pay.laterHint')}</p>`}
    </fieldset>`}
    ${method === 'card' && html`<${CardInput} value=${card} onChange=${setCard} handle=${stripeCard} />`}
    <button type="submit" disabled=${busy}>${t('pay.submit', { price: formatMoney(course.price) })}</button>
    ${busy && html`<${Status}>${t('pay.processing')}</${Status}>`}
    ${failed && html`<div class="error" role="alert" data-testid="pay-failed"><p>${reasonText(failed)}</p><p>${t('pay.failed')}</p></div>`}
    <${ErrorMessage} error=${error} />
  </form>`;
}
