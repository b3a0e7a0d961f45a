// The learner's payments and receipts (GET /v1/billing/payments, newest
// first; GET /v1/billing/payments/{id}/receipt) and the tutor's revenue
// (GET /v1/tutors/me/revenue): amounts are tax-inclusive, the tax part
// itemised; currencies are never added together.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { get, enc } from '../lib/api.js';
import { t, formatMoney, formatDate } from '../lib/i18n.js';
import { useSession } from '../lib/session.js';
import { href, currentHref } from '../lib/router.js';
import { ErrorMessage, PageTitle, Loading } from '../components/ui.js';

const money = (amount, currency) => formatMoney({ amount, currency });

const taxLabel = (tax) => (tax && tax.name ? t('history.taxOf', { name: tax.name, rate: tax.rate_percent }) : t('history.noTax'));

const methodLabel = (m) => (m && m.last4 ? t('pm.card', { brand: (m.brand || m.type || '').toUpperCase(), last4: m.last4 }) : (m && m.type) || '');

export function Payments() {
  const s = useSession();
  const [state, setState] = useState({ rows: null, next: '', error: null, loading: false });
  const [open, setOpen] = useState({});
  const load = async (cursor) => {
    setState((st) => ({ ...st, loading: true, error: null }));
    try {
      const page = await get('/v1/billing/payments?limit=20' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
      setState((st) => ({ rows: [...(cursor ? st.rows || [] : []), ...page.payments], next: page.next_cursor || '', error: null, loading: false }));
    } catch (e) {
      setState((st) => ({ ...st, error: e, loading: false }));
    }
  };
  useEffect(() => {
    if (s) load('');
  }, [s && s.user.id]);
  if (!s) return html`<${PageTitle} text=${t('history.title')} /><p><a class="button" href=${href(['login'], { next: currentHref() })}>${t('nav.login')}</a></p>`;
  const toggle = async (row) => {
    const id = row.payment_id;
    if (open[id]) return setOpen((o) => ({ ...o, [id]: null }));
    setOpen((o) => ({ ...o, [id]: { loading: true } }));
    try {
      const r = await get(`/v1/billing/payments/${enc(id)}/receipt`);
      setOpen((o) => ({ ...o, [id]: { receipt: r } }));
    } catch (e) {
      setOpen((o) => ({ ...o, [id]: { error: e } }));
    }
  };
  const { rows, error } = state;
  return html`
    <${PageTitle} text=${t('history.title')} />
    <${ErrorMessage} error=${error} />
    ${!rows && !error && html`<${Loading} />`}
    ${rows && rows.length === 0 && html`<p>${t('history.none')}</p>`}
    ${rows && rows.length > 0 && html`<ul class="history" data-testid="payments">${rows.map((r) => html`<li key=${r.receipt_number} class="card">
      <p><strong>${r.kind === 'refund' ? t('history.refund') : t('history.payment')}</strong> · ${formatDate(r.at)}
        · <a href=${href(['courses', r.course_id])}>${t('history.course')}</a></p>
      <p class="price">${money(r.amount.amount, r.amount.currency)}</p>
      <p class="meta">${t('history.taxIncluded', { tax: taxLabel(r.tax), amount: money(r.tax.amount, r.amount.currency) })}
        ${r.refunded_amount > 0 && html` · ${t('history.refunded', { amount: money(r.refunded_amount, r.amount.currency) })}`}
        ${methodLabel(r.method) && html` · ${methodLabel(r.method)}`}</p>
      ${r.period_start && html`<p class="meta">${t('history.period', { from: formatDate(r.period_start), to: formatDate(r.period_end) })}</p>`}
      ${r.kind === 'payment' && html`<button type="button" class="secondary" aria-expanded=${open[r.payment_id] && open[r.payment_id].receipt ? 'true' : 'false'}
        onClick=${() => toggle(r)}>${t('history.receipt')}</button>`}
      ${open[r.payment_id] && html`<${ReceiptDetails} state=${open[r.payment_id]} />`}
    </li>`)}</ul>`}
    ${state.next && !state.loading && html`<button type="button" class="secondary" onClick=${() => load(state.next)}>${t('catalog.loadMore')}</button>`}`;
}

function ReceiptDetails({ state }) {
  if (state.loading) return html`<${Loading} />`;
  if (state.error) return html`<${ErrorMessage} error=${state.error} />`;
  const r = state.receipt;
  return html`<table class="receipt" data-testid="receipt">
    <caption>${t('history.receiptNo', { number: r.number })}</caption>
    <thead><tr><th scope="col">${t('history.line')}</th><th scope="col">${t('history.net')}</th><th scope="col">${taxLabel(r.tax)}</th><th scope="col">${t('history.total')}</th></tr></thead>
    <tbody>${r.lines.map((l) => html`<tr key=${l.receipt_number}>
      <th scope="row">${l.kind === 'refund' ? t('history.refund') : t('history.payment')} · ${formatDate(l.at)}</th>
      <td>${money(l.net, r.currency)}</td><td>${money(l.tax, r.currency)}</td><td>${money(l.total, r.currency)}</td></tr>`)}</tbody>
    <tfoot><tr><th scope="row">${t('history.total')}</th><td>${money(r.net, r.currency)}</td><td>${money(r.tax_amount, r.currency)}</td><td>${money(r.total, r.currency)}</td></tr></tfoot>
  </table>`;
}

// Revenue is the tutor's revenue by month, course and currency; titles
// come from the tutor's course list.
export function Revenue({ titles }) {
  const [state, setState] = useState({ report: null, error: null });
  useEffect(() => {
    get('/v1/tutors/me/revenue').then((report) => setState({ report, error: null }), (error) => setState({ report: null, error }));
  }, []);
  const { report, error } = state;
  return html`<section aria-labelledby="revenue-h">
    <h2 id="revenue-h">${t('revenue.title')}</h2>
    <${ErrorMessage} error=${error} />
    ${!report && !error && html`<${Loading} />`}
    ${report && report.lines.length === 0 && html`<p>${t('revenue.none')}</p>`}
    ${report && report.lines.length > 0 && html`<table class="revenue" data-testid="revenue">
      <caption>${t('revenue.caption', { from: report.from, to: report.to })}</caption>
      <thead><tr><th scope="col">${t('revenue.month')}</th><th scope="col">${t('revenue.course')}</th><th scope="col">${t('revenue.gross')}</th>
        <th scope="col">${t('revenue.tax')}</th><th scope="col">${t('revenue.refunds')}</th><th scope="col">${t('revenue.net')}</th><th scope="col">${t('revenue.payments')}</th></tr></thead>
      <tbody>${[...report.lines].sort((a, b) => (a.month < b.month ? 1 : a.month > b.month ? -1 : 0)).map((l) => html`<tr key=${l.month + l.course_id + l.currency}>
        <th scope="row">${l.month}</th><td>${titles[l.course_id] || l.course_id}</td>
        <td>${money(l.gross, l.currency)}</td><td>${money(l.tax, l.currency)}</td><td>${money(l.refunds, l.currency)}</td>
        <td>${money(l.net, l.currency)}</td><td>${l.payments}</td></tr>`)}</tbody>
    </table>`}
  </section>`;
}
