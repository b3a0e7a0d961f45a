// A learner's courses (GET /v1/me/courses): every course with progress or
// an active subscription, newest activity first, with items done of the
// total and the percentage; a course whose subscription ended keeps its
// progress (can_report false).
import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { get } from '../lib/api.js';
import { t, formatDate } from '../lib/i18n.js';
import { href } from '../lib/router.js';
import { ErrorMessage, PageTitle, Loading } from '../components/ui.js';

export function MyCourses() {
  const [state, setState] = useState({ courses: [], next: '', loading: true, error: null });
  const load = async (cursor) => {
    setState((s) => ({ ...s, loading: true, error: null }));
    try {
      const page = await get('/v1/me/courses?limit=20' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
      setState((s) => ({ courses: cursor ? [...s.courses, ...page.courses] : page.courses, next: page.next_cursor || '', loading: false, error: null }));
    } catch (e) {
      setState((s) => ({ ...s, loading: false, error: e }));
    }
  };
  useEffect(() => {
    load('');
  }, []);
  return html`
    <${PageTitle} text=${t('my.title')} />
    ${!state.loading && !state.error && state.courses.length === 0 && html`<p>${t('my.empty')} <a href="#/">${t('nav.catalog')}</a></p>`}
    ${state.courses.length > 0 && html`<ul class="my-courses">
      ${state.courses.map((c) => html`<li class="card" key=${c.course_id}>
        <h2><a href=${href(['courses', c.course_id])}>${c.title}</a></h2>
        <div class="progress">
          <label for=${'my-' + c.course_id}>${t('my.done', { done: c.items_completed, total: c.items_total, percent: c.percent })}</label>
          <progress id=${'my-' + c.course_id} max="100" value=${c.percent}>${c.percent}%</progress>
        </div>
        ${c.completed && html`<p class="done">${t('my.completed', { date: formatDate(c.completed_at) })}</p>`}
        ${c.last_activity_at && html`<p class="meta">${t('my.lastActivity', { date: formatDate(c.last_activity_at) })}</p>`}
        ${!c.can_report && html`<p class="note">${t('my.ended')}</p>`}
        <p><a class="button" href=${href(['courses', c.course_id])} aria-label=${t('my.continueTitle', { title: c.title })}>${t('my.continue')}</a></p>
      </li>`)}
    </ul>`}
    ${state.loading && html`<${Loading} />`}
    <${ErrorMessage} error=${state.error} />
    ${state.error && html`<button type="button" onClick=${() => load('')}>${t('common.retry')}</button>`}
    ${state.next && !state.loading && html`<button type="button" class="secondary" onClick=${() => load(state.next)}>${t('catalog.loadMore')}</button>`}
  `;
}
