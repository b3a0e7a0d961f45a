// The catalog: search by title words, filter by currency and by tutor,
// newest first, a page at a time. Filters are sent to the API as query
// parameters (q, currency, tutor_id); the API answers which it applied in
// "filters" (q normalised into its words). A filter the API did not echo
// is applied by the page to what it has loaded, and the page says so.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { get } from '../lib/api.js';
import { t, formatMoney, formatNumber, currencyName, CURRENCIES } from '../lib/i18n.js';
import { href, navigate } from '../lib/router.js';
import { ErrorMessage, PageTitle, Loading, Status } from '../components/ui.js';

const PAGE = 20;

export function priceLabel(c) {
  const price = formatMoney(c.price);
  return t(c.billing_interval === 'year' ? 'course.price.year' : 'course.price.month', { price });
}

// applied reports which filters the API says it applied.
function applied(page, filters) {
  const echoed = (page && page.filters) || {};
  return {
    q: !filters.q || echoed.q === filters.q.trim(),
    currency: !filters.currency || echoed.currency === filters.currency,
    tutor_id: !filters.tutor_id || echoed.tutor_id === filters.tutor_id,
  };
}

function matches(c, filters, done) {
  if (!done.q) {
    const title = c.title.toLocaleLowerCase();
    if (!filters.q.toLocaleLowerCase().split(/\s+/).filter(Boolean).every((w) => title.includes(w))) return false;
  }
  if (!done.currency && c.price.currency !== filters.currency) return false;
  if (!done.tutor_id && c.tutor_id !== filters.tutor_id) return false;
  return true;
}

export function Catalog({ query }) {
  const filters = { q: query.q || '', currency: query.currency || '', tutor_id: query.tutor_id || '' };
  const [form, setForm] = useState(filters);
  const [state, setState] = useState({ courses: [], next: '', loading: true, error: null, done: { q: true, currency: true, tutor_id: true }, echoed: {} });
  const set = (k) => (e) => {
    const v = e.currentTarget.value;
    setForm((f) => ({ ...f, [k]: v }));
  };
  const ids = { q: 'cat-q', currency: 'cat-currency' };

  const load = async (cursor) => {
    setState((s) => ({ ...s, loading: true, error: null }));
    const qs = new URLSearchParams({ limit: String(PAGE) });
    if (cursor) qs.set('cursor', cursor);
    for (const [k, v] of Object.entries(filters)) if (v) qs.set(k, v);
    try {
      const page = await get('/v1/courses?' + qs);
      setState((s) => ({
        courses: cursor ? [...s.courses, ...page.courses] : page.courses,
        next: page.next_cursor || '',
        loading: false,
        error: null,
        done: applied(page, filters),
        echoed: page.filters || {},
      }));
    } catch (e) {
      setState((s) => ({ ...s, loading: false, error: e }));
    }
  };
  useEffect(() => {
    setForm(filters);
    load('');
  }, [filters.q, filters.currency, filters.tutor_id]);

  const submit = (e) => {
    e.preventDefault();
    navigate(href([], { q: form.q.trim(), currency: form.currency, tutor_id: filters.tutor_id }));
  };
  const shown = state.courses.filter((c) => matches(c, filters, state.done));
  const local = !state.done.q || !state.done.currency || !state.done.tutor_id;
  // The tutor filter is a link from a course page; its name comes from the
  // courses it found.
  const tutorName = filters.tutor_id && (state.courses.find((c) => c.tutor_id === filters.tutor_id) || {}).tutor_name;
  const words = state.echoed.words || [];

  return html`
    <${PageTitle} text=${t('catalog.title')} />
    <form class="filters" role="search" aria-label=${t('catalog.filters')} onSubmit=${submit}>
      <div class="field">
        <label for=${ids.q}>${t('catalog.search')}</label>
        <input id=${ids.q} type="search" name="q" value=${form.q} onInput=${set('q')} />
      </div>
      <div class="field">
        <label for=${ids.currency}>${t('catalog.currency')}</label>
        <select id=${ids.currency} name="currency" value=${form.currency} onChange=${set('currency')}>
          <option value="">${t('catalog.any')}</option>
          ${CURRENCIES.map((c) => html`<option value=${c}>${currencyName(c)} (${c})</option>`)}
        </select>
      </div>
      <button type="submit">${t('catalog.apply')}</button>
    </form>
    ${local && html`<p class="note">${t('catalog.localFilter')}</p>`}
    ${filters.tutor_id && html`<p class="chip" data-testid="tutor-filter">
      <span>${tutorName ? t('catalog.byTutor', { name: tutorName }) : t('catalog.oneTutor')}</span>
      <a href=${href([], { q: filters.q, currency: filters.currency })}>${t('catalog.allTutors')}</a>
    </p>`}
    ${!state.loading && words.length > 0 && html`<p class="note" data-testid="search-words">${t('catalog.words', { words: words.join(', ') })}</p>`}
    <section aria-labelledby="results-h">
      <h2 id="results-h" class="visually-hidden">${t('catalog.results')}</h2>
      ${!state.loading && html`<${Status}>${t('catalog.count', { n: shown.length })}</${Status}>`}
      ${shown.length > 0 && html`<ul class="cards">
        ${shown.map((c) => html`<li class="card" key=${c.id}>
          <h3><a href=${href(['courses', c.id])}>${c.title}</a></h3>
          <p class="by">${c.tutor_name ? t('course.by', { name: c.tutor_name }) : t('course.byUnknown')}</p>
          <p class="price">${priceLabel(c)}</p>
          <p class="meta">${t('course.items', { n: c.item_count })} · ${t('course.subscribers', { n: c.subscriber_count })}</p>
        </li>`)}
      </ul>`}
      ${!state.loading && !state.error && shown.length === 0 && html`<p>${t('catalog.empty')}</p>`}
      ${state.loading && html`<${Loading} />`}
      <${ErrorMessage} error=${state.error} />
      ${state.error && html`<button type="button" onClick=${() => load('')}>${t('common.retry')}</button>`}
      ${state.next && !state.loading && html`<button type="button" class="secondary" onClick=${() => load(state.next)}>${t('catalog.loadMore')}</button>`}
    </section>
  `;
}

export { formatNumber };
