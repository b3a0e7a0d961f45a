// The catalog: search by title, filter by currency and country, newest
// first, a page at a time. Filters are sent to the API as query parameters
// (q, currency, country); until the API applies them (it will say so by
// echoing them in "filters"), the page filters what it has loaded and says
// so.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { get } from '../lib/api.js';
import { t, formatMoney, formatNumber, regionName, currencyName, COUNTRIES, CURRENCIES } from '../lib/i18n.js';
import { href, navigate } from '../lib/router.js';
import { ErrorMessage, PageTitle, Loading, Status } from '../components/ui.js';

const PAGE = 20;

export function priceLabel(c) {
  const price = formatMoney(c.price);
  return t(c.billing_interval === 'year' ? 'course.price.year' : 'course.price.month', { price });
}

// applied reports which filters the API says it applied.
function applied(page, filters) {
  const echoed = page && page.filters;
  return {
    q: !filters.q || (echoed && echoed.q === filters.q),
    currency: !filters.currency || (echoed && echoed.currency === filters.currency),
    country: !filters.country || (echoed && echoed.country === filters.country),
  };
}

function matches(c, filters, done) {
  if (!done.q && !c.title.toLocaleLowerCase().includes(filters.q.toLocaleLowerCase())) return false;
  if (!done.currency && c.price.currency !== filters.currency) return false;
  return true;
}

export function Catalog({ query }) {
  const filters = { q: query.q || '', currency: query.currency || '', country: query.country || '' };
  const [form, setForm] = useState(filters);
  const [state, setState] = useState({ courses: [], next: '', loading: true, error: null, done: { q: true, currency: true, country: true } });
  const set = (k) => (e) => {
    const v = e.currentTarget.value;
    setForm((f) => ({ ...f, [k]: v }));
  };
  const ids = { q: 'cat-q', currency: 'cat-currency', country: 'cat-country' };

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
      }));
    } catch (e) {
      setState((s) => ({ ...s, loading: false, error: e }));
    }
  };
  useEffect(() => {
    setForm(filters);
    load('');
  }, [filters.q, filters.currency, filters.country]);

  const submit = (e) => {
    e.preventDefault();
    navigate(href([], { q: form.q.trim(), currency: form.currency, country: form.country }));
  };
  const shown = state.courses.filter((c) => matches(c, filters, state.done));
  const local = !state.done.q || !state.done.currency;

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
      <div class="field">
        <label for=${ids.country}>${t('catalog.country')}</label>
        <select id=${ids.country} name="country" value=${form.country} onChange=${set('country')}>
          <option value="">${t('catalog.any')}</option>
          ${COUNTRIES.map((c) => html`<option value=${c}>${regionName(c)}</option>`)}
        </select>
      </div>
      <button type="submit">${t('catalog.apply')}</button>
    </form>
    ${local && html`<p class="note">${t('catalog.localFilter')}</p>`}
    ${!state.done.country && html`<p class="note">${t('catalog.countryUnsupported')}</p>`}
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
