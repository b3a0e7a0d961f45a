// A learner's subscriptions: status, renewal or end date, and what can be
// done next (cancel now, cancel at period end, resume, refund).
import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { get, post, enc } from '../lib/api.js';
import { t, formatDate, formatMoney } from '../lib/i18n.js';
import { href } from '../lib/router.js';
import { ErrorMessage, PageTitle, Loading, Status } from '../components/ui.js';
import { reasonText, pollSubscription } from './course.js';

export function Subscriptions() {
  const [subs, setSubs] = useState(null);
  const [titles, setTitles] = useState({});
  const [error, setError] = useState(null);
  const load = async () => {
    try {
      const list = (await get('/v1/subscriptions')).subscriptions || [];
      setSubs(list);
      setError(null);
      const missing = [...new Set(list.map((s) => s.course_id))].filter((id) => !titles[id]);
      const found = await Promise.all(missing.map((id) => get('/v1/courses/' + enc(id)).then((c) => [id, c.title], () => [id, ''])));
      setTitles((old) => ({ ...old, ...Object.fromEntries(found) }));
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => {
    load();
  }, []);
  const replace = (next) => setSubs((list) => list.map((s) => (s.id === next.id ? next : s)));
  return html`
    <${PageTitle} text=${t('subs.title')} />
    <${ErrorMessage} error=${error} />
    ${!subs && !error && html`<${Loading} />`}
    ${subs && subs.length === 0 && html`<p>${t('subs.empty')}</p>`}
    ${subs && subs.length > 0 && html`<ul class="subs">${subs.map((s) => html`<${SubRow} key=${s.id} sub=${s} title=${titles[s.course_id]} onChange=${replace} />`)}</ul>`}
  `;
}

function SubRow({ sub, title, onChange }) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const act = (action, confirmText) => async () => {
    if (confirmText && !confirm(confirmText)) return;
    setBusy(true);
    setError(null);
    try {
      let next = await post(`/v1/subscriptions/${enc(sub.id)}/${action}`);
      onChange(next);
      if (next.status === 'refunding') onChange(await pollRefund(sub.id));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const live = sub.status === 'active' || sub.status === 'past_due';
  const name = title || sub.course_id;
  return html`<li class="sub" aria-busy=${busy ? 'true' : 'false'}>
    <h2><a href=${href(['courses', sub.course_id])}>${name}</a></h2>
    <p><span class=${'badge status-' + sub.status}>${t('sub.status.' + sub.status)}</span> ${formatMoney(sub.price)}</p>
    ${live && sub.period_end && html`<p>${t(sub.cancel_at_period_end ? 'subs.endsOn' : 'subs.renews', { date: formatDate(sub.period_end) })}</p>`}
    ${sub.status === 'ended' && sub.ended_at && html`<p>${t('subs.endedOn', { date: formatDate(sub.ended_at) })}</p>`}
    ${(sub.status === 'failed' || sub.status === 'ended') && reasonText(sub) && html`<p>${reasonText(sub)}</p>`}
    ${live && html`<div class="actions">
      ${!sub.cancel_at_period_end && html`<button type="button" class="secondary" disabled=${busy} onClick=${act('cancel-at-period-end')}>${t('subs.cancelAtEnd')}</button>`}
      ${sub.cancel_at_period_end && html`<button type="button" class="secondary" disabled=${busy} onClick=${act('resume')}>${t('subs.resume')}</button>`}
      <button type="button" class="danger" disabled=${busy} onClick=${act('cancel', t('subs.confirmCancel'))}>${t('subs.cancel')}</button>
      <button type="button" class="secondary" disabled=${busy} onClick=${act('refund', t('subs.confirmRefund'))}>${t('subs.refund')}</button>
    </div>`}
    ${busy && html`<${Status}>${t('common.loading')}</${Status}>`}
    <${ErrorMessage} error=${error} />
  </li>`;
}

async function pollRefund(id) {
  for (let i = 0; i < 60; i++) {
    const s = await get('/v1/subscriptions/' + enc(id));
    if (s.status !== 'refunding') return s;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return pollSubscription(id);
}
