// Tutors: their courses, a new course, the course editor (details, items,
// order, publish) and the item editor with media upload.
import { useEffect, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { get, post, patch, put, del, enc, newKey } from '../lib/api.js';
import { t, localeInfo, toMinor, toMajor, CURRENCIES, EXPONENT, currencyName, formatDate, languageName } from '../lib/i18n.js';
import { useSession, hasRole } from '../lib/session.js';
import { href, navigate, currentHref } from '../lib/router.js';
import { useDraft } from '../lib/store.js';
import { upload, sha256Hex } from '../lib/upload.js';
import { ErrorMessage, Field, PageTitle, Loading, Status, fieldError, otherFields } from '../components/ui.js';
import { priceLabel } from './catalog.js';
import { Revenue } from './history.js';

function useTutor() {
  const s = useSession();
  if (!s) return { gate: html`<${PageTitle} text=${t('tutor.title')} /><p><a class="button" href=${href(['login'], { next: currentHref() })}>${t('nav.login')}</a></p>` };
  if (!hasRole(s, 'tutor')) return { gate: html`<${PageTitle} text=${t('tutor.title')} /><p class="note">${t('tutor.needTutor')}</p>` };
  return { s };
}

// TutorHome lists the tutor's courses, drafts included, from the API
// (GET /v1/tutors/me/courses), with their item and subscriber counts.
export function TutorHome() {
  const { s, gate } = useTutor();
  const [state, setState] = useState({ courses: null, next: '', error: null, loading: false });
  const load = async (cursor) => {
    setState((st) => ({ ...st, loading: true, error: null }));
    try {
      const page = await get('/v1/tutors/me/courses?limit=20' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
      setState((st) => ({ courses: [...(cursor ? st.courses || [] : []), ...page.courses], next: page.next_cursor || '', error: null, loading: false }));
    } catch (e) {
      setState((st) => ({ ...st, error: e, loading: false }));
    }
  };
  useEffect(() => {
    if (s) load('');
  }, [s && s.user.id]);
  if (gate) return gate;
  const { courses, error } = state;
  return html`
    <${PageTitle} text=${t('tutor.title')} />
    <p><a class="button" href="#/tutor/new">${t('tutor.newCourse')}</a></p>
    <section aria-labelledby="mine-h">
      <h2 id="mine-h">${t('tutor.myCourses')}</h2>
      <${ErrorMessage} error=${error} />
      ${state.loading && html`<${Loading} />`}
      ${courses && courses.length === 0 && html`<p>${t('tutor.noCourses')}</p>`}
      ${courses && courses.length > 0 && html`<ul class="cards" data-testid="tutor-courses">${courses.map((c) => html`<li class="card" key=${c.id}>
        <h3><a href=${href(['tutor', 'courses', c.id])}>${c.title}</a></h3>
        <p>${t('tutor.status', { status: t('tutor.status.' + c.status) })}</p>
        <p class="price">${priceLabel(c)}</p>
        <p class="meta">${t('course.items', { n: c.item_count })} · ${t('course.subscribers', { n: c.subscriber_count })}</p>
      </li>`)}</ul>`}
      ${state.next && !state.loading && html`<button type="button" class="secondary" onClick=${() => load(state.next)}>${t('catalog.loadMore')}</button>`}
    </section>
    <${Revenue} titles=${Object.fromEntries((courses || []).map((c) => [c.id, c.title]))} />`;
}

// CourseForm edits a course's details; onSubmit gets the API body.
function CourseForm({ draftKey, initial, submitLabel, onSubmit }) {
  const [form, setForm, clear] = useDraft(draftKey, initial);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const set = (k) => (e) => {
    const v = e.currentTarget.value;
    setSaved(false);
    setForm((f) => ({ ...f, [k]: v }));
  };
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const amount = toMinor(form.price, form.currency);
    try {
      await onSubmit({
        title: form.title,
        description: form.description,
        price: { amount: amount === null ? -1 : amount, currency: form.currency },
        billing_interval: form.interval,
      });
      setSaved(true);
      clear();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const step = EXPONENT[form.currency] === 0 || form.currency === 'IDR' ? '1' : '0.01';
  const shown = ['title', 'description', 'price', 'price.amount', 'price.currency', 'billing_interval'];
  return html`<form class="form" onSubmit=${submit} novalidate>
    <${Field} id=${draftKey + '-title'} label=${t('tutor.courseTitle')} required error=${fieldError(error, 'title')}>${(a) =>
      html`<input ...${a} value=${form.title} onInput=${set('title')} />`}</${Field}>
    <${Field} id=${draftKey + '-desc'} label=${t('tutor.description')} error=${fieldError(error, 'description')}>${(a) =>
      html`<textarea ...${a} rows="4" value=${form.description} onInput=${set('description')}></textarea>`}</${Field}>
    <div class="row">
      <${Field} id=${draftKey + '-price'} label=${t('tutor.price')} required error=${fieldError(error, 'price.amount', 'price')}>${(a) =>
        html`<input ...${a} type="number" min="0" step=${step} inputmode="decimal" value=${form.price} onInput=${set('price')} />`}</${Field}>
      <${Field} id=${draftKey + '-cur'} label=${t('tutor.currency')} error=${fieldError(error, 'price.currency')}>${(a) =>
        html`<select ...${a} value=${form.currency} onChange=${set('currency')}>${CURRENCIES.map((c) => html`<option value=${c}>${currencyName(c)} (${c})</option>`)}</select>`}</${Field}>
      <${Field} id=${draftKey + '-int'} label=${t('tutor.interval')} error=${fieldError(error, 'billing_interval')}>${(a) =>
        html`<select ...${a} value=${form.interval} onChange=${set('interval')}>
          <option value="month">${t('tutor.interval.month')}</option><option value="year">${t('tutor.interval.year')}</option></select>`}</${Field}>
    </div>
    <${ErrorMessage} error=${error} />
    ${otherFields(error, shown).map(([k, v]) => html`<p class="field-error">${k}: <span lang="en">${v}</span></p>`)}
    <button type="submit" disabled=${busy}>${submitLabel}</button>
    ${saved && html`<${Status}>${t('common.saved')}</${Status}>`}
  </form>`;
}

export function TutorNew() {
  const { s, gate } = useTutor();
  const [key] = useState(newKey);
  if (gate) return gate;
  const info = localeInfo();
  const create = async (body) => {
    const c = await post('/v1/courses', body, { idempotencyKey: key });
    navigate(href(['tutor', 'courses', c.id]));
  };
  return html`<${PageTitle} text=${t('tutor.newCourse')} />
    <${CourseForm} draftKey="new-course" initial=${{ title: '', description: '', price: '', currency: info.currency, interval: 'month' }}
      submitLabel=${t('tutor.create')} onSubmit=${create} />`;
}

export function TutorCourse({ id }) {
  const { gate } = useTutor();
  const [course, setCourse] = useState(null);
  const [items, setItems] = useState([]);
  const [error, setError] = useState(null);
  const [actionError, setActionError] = useState(null);
  const [notice, setNotice] = useState('');
  const base = '/v1/courses/' + enc(id);
  const load = async () => {
    try {
      const [c, list] = await Promise.all([get(base), get(base + '/items')]);
      setCourse(c);
      setItems(list.items || []);
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => {
    if (!gate) load();
  }, [id, !!gate]);
  if (gate) return gate;
  if (error) return html`<${PageTitle} text=${t('error.' + error.code)} /><${ErrorMessage} error=${error} />`;
  if (!course) return html`<${Loading} />`;

  const run = async (fn, ok) => {
    setActionError(null);
    setNotice('');
    try {
      await fn();
      if (ok) setNotice(ok);
      await load();
    } catch (e) {
      setActionError(e);
    }
  };
  const move = (i, d) => {
    const ids = items.map((x) => x.id);
    [ids[i], ids[i + d]] = [ids[i + d], ids[i]];
    return run(async () => {
      const list = await put(base + '/items/order', { item_ids: ids });
      setItems(list.items);
      // keep focus on the moved item's button that still exists
      requestAnimationFrame(() => document.getElementById(`mv-${d < 0 ? 'up' : 'down'}-${ids[i + d]}`)?.focus());
    });
  };
  const publish = course.status === 'published';
  return html`
    <${PageTitle} text=${course.title} />
    <p>${t('tutor.status', { status: t('tutor.status.' + course.status) })}
      · <a href=${href(['courses', course.id])}>${t('tutor.view')}</a></p>
    <div class="actions">
      <button type="button" class=${publish ? 'secondary' : ''} onClick=${() =>
        run(() => post(base + (publish ? '/unpublish' : '/publish')), t(publish ? 'tutor.unpublished' : 'tutor.published'))}>
        ${t(publish ? 'tutor.unpublish' : 'tutor.publish')}</button>
    </div>
    ${notice && html`<${Status}>${notice}</${Status}>`}
    <${ErrorMessage} error=${actionError} />
    <section aria-labelledby="items-h">
      <h2 id="items-h">${t('tutor.items')}</h2>
      <ol class="items editable">
        ${items.map((it, i) => html`<li key=${it.id}>
          <span class="kind">${t('kind.' + it.kind)}</span>
          <a href=${href(['tutor', 'courses', id, 'items', it.id])} aria-label=${t('tutor.editItem', { title: it.title })}>${it.title}</a>
          ${it.kind !== 'text' && html`<span class=${'badge content-' + (it.content_status || 'none')}>${t('tutor.content.' + (it.content_status || 'none'))}</span>`}
          <span class="tools">
            <button type="button" class="icon" id=${'mv-up-' + it.id} disabled=${i === 0} aria-label=${t('tutor.moveUp', { title: it.title })} onClick=${() => move(i, -1)}>↑</button>
            <button type="button" class="icon" id=${'mv-down-' + it.id} disabled=${i === items.length - 1} aria-label=${t('tutor.moveDown', { title: it.title })} onClick=${() => move(i, 1)}>↓</button>
            <button type="button" class="icon danger" aria-label=${t('tutor.remove', { title: it.title })} onClick=${() =>
              confirm(t('tutor.confirmRemove', { title: it.title })) && run(() => del(base + '/items/' + enc(it.id)))}>✕</button>
          </span>
        </li>`)}
      </ol>
      <${AddItem} courseId=${id} onAdded=${load} />
    </section>
    <${Subscribers} courseId=${id} />
    <section aria-labelledby="details-h">
      <h2 id="details-h">${t('tutor.details')}</h2>
      <${CourseForm} draftKey=${'course-' + id}
        initial=${{ title: course.title, description: course.description || '', price: toMajor(course.price.amount, course.price.currency), currency: course.price.currency, interval: course.billing_interval }}
        submitLabel=${t('common.save')} onSubmit=${async (body) => setCourse(await patch(base, body))} />
    </section>`;
}

// Subscribers lists who subscribes to the course (GET .../subscribers):
// the count, and each subscription since when (learners are shown by a
// short reference: the API does not share their names or emails).
function Subscribers({ courseId }) {
  const [state, setState] = useState({ page: null, list: [], error: null, loading: true });
  const load = async (cursor) => {
    setState((st) => ({ ...st, loading: true, error: null }));
    try {
      const page = await get(`/v1/courses/${enc(courseId)}/subscribers?limit=50` + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
      setState((st) => ({ page, list: [...(cursor ? st.list : []), ...page.subscribers], error: null, loading: false }));
    } catch (e) {
      setState((st) => ({ ...st, error: e, loading: false }));
    }
  };
  useEffect(() => {
    load('');
  }, [courseId]);
  const { page, list } = state;
  return html`<section aria-labelledby="subs-h">
    <h2 id="subs-h">${t('tutor.subscribers')}</h2>
    ${page && html`<p data-testid="subscriber-count">${t('course.subscribers', { n: page.subscriber_count })}</p>`}
    ${list.length > 0 && html`<table class="subscribers">
      <thead><tr><th scope="col">${t('tutor.subscriber')}</th><th scope="col">${t('tutor.since')}</th></tr></thead>
      <tbody>${list.map((x) => html`<tr key=${x.subscription_id}><td><code>${x.user_id.slice(0, 8)}</code></td><td>${formatDate(x.since)}</td></tr>`)}</tbody>
    </table>`}
    ${state.loading && html`<${Loading} />`}
    <${ErrorMessage} error=${state.error} />
    ${page && page.next_cursor && !state.loading && html`<button type="button" class="secondary" onClick=${() => load(page.next_cursor)}>${t('catalog.loadMore')}</button>`}
  </section>`;
}

function AddItem({ courseId, onAdded }) {
  const [form, setForm, clear] = useDraft('add-item-' + courseId, { kind: 'text', title: '', body: '' });
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [key, setKey] = useState(newKey);
  const set = (k) => (e) => {
    const v = e.currentTarget.value;
    setForm((f) => ({ ...f, [k]: v }));
  };
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body = { kind: form.kind, title: form.title };
      if (form.kind === 'text') body.body = form.body;
      await post(`/v1/courses/${enc(courseId)}/items`, body, { idempotencyKey: key });
      setKey(newKey());
      clear();
      await onAdded();
      document.getElementById('ai-title')?.focus();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<form class="form add-item" onSubmit=${submit} aria-labelledby="add-h" novalidate>
    <h3 id="add-h">${t('tutor.addItem')}</h3>
    <div class="row">
      <${Field} id="ai-kind" label=${t('tutor.kind')} error=${fieldError(error, 'kind')}>${(a) =>
        html`<select ...${a} value=${form.kind} onChange=${set('kind')}>
          ${['text', 'video', 'file'].map((k) => html`<option value=${k}>${t('kind.' + k)}</option>`)}</select>`}</${Field}>
      <${Field} id="ai-title" label=${t('tutor.itemTitle')} required error=${fieldError(error, 'title')}>${(a) =>
        html`<input ...${a} value=${form.title} onInput=${set('title')} />`}</${Field}>
    </div>
    ${form.kind === 'text' && html`<${Field} id="ai-body" label=${t('tutor.body')} error=${fieldError(error, 'body')}>${(a) =>
      html`<textarea ...${a} rows="5" value=${form.body} onInput=${set('body')}></textarea>`}</${Field}>`}
    <${ErrorMessage} error=${error} />
    <button type="submit" disabled=${busy}>${t('tutor.add')}</button>
  </form>`;
}

export function TutorItem({ courseId, itemId }) {
  const { gate } = useTutor();
  const [item, setItem] = useState(null);
  const [error, setError] = useState(null);
  const base = `/v1/courses/${enc(courseId)}/items`;
  const load = async () => {
    try {
      const list = await get(base);
      const it = (list.items || []).find((x) => x.id === itemId);
      if (!it) throw Object.assign(new Error('item not found'), { code: 'not_found', fields: {} });
      setItem(it);
    } catch (e) {
      setError(e);
    }
  };
  useEffect(() => {
    if (!gate) load();
  }, [courseId, itemId, !!gate]);
  if (gate) return gate;
  if (error) return html`<${PageTitle} text=${t('error.' + error.code)} /><${ErrorMessage} error=${error} />`;
  if (!item) return html`<${Loading} />`;
  return html`
    <p><a href=${href(['tutor', 'courses', courseId])}>${t('common.back')}</a></p>
    <${PageTitle} text=${item.title} />
    <p><span class="kind">${t('kind.' + item.kind)}</span></p>
    <${ItemForm} courseId=${courseId} item=${item} onSaved=${setItem} />
    ${item.kind !== 'text' && html`<${Uploader} courseId=${courseId} item=${item} onDone=${load} />`}
    ${item.kind === 'video' && html`<${Captions} courseId=${courseId} item=${item} />`}`;
}

function ItemForm({ courseId, item, onSaved }) {
  const [form, setForm] = useDraft('item-' + item.id, { title: item.title, body: item.body || '' });
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(false);
  const set = (k) => (e) => {
    const v = e.currentTarget.value;
    setSaved(false);
    setForm((f) => ({ ...f, [k]: v }));
  };
  const submit = async (e) => {
    e.preventDefault();
    setError(null);
    try {
      const body = { title: form.title };
      if (item.kind === 'text') body.body = form.body;
      onSaved(await patch(`/v1/courses/${enc(courseId)}/items/${enc(item.id)}`, body));
      setSaved(true);
    } catch (err) {
      setError(err);
    }
  };
  return html`<form class="form" onSubmit=${submit} novalidate>
    <${Field} id="it-title" label=${t('tutor.itemTitle')} required error=${fieldError(error, 'title')}>${(a) =>
      html`<input ...${a} value=${form.title} onInput=${set('title')} />`}</${Field}>
    ${item.kind === 'text' && html`<${Field} id="it-body" label=${t('tutor.body')} error=${fieldError(error, 'body')}>${(a) =>
      html`<textarea ...${a} rows="8" value=${form.body} onInput=${set('body')}></textarea>`}</${Field}>`}
    <${ErrorMessage} error=${error} />
    <button type="submit">${t('common.save')}</button>
    ${saved && html`<${Status}>${t('common.saved')}</${Status}>`}
  </form>`;
}

const TYPES = { mp4: 'video/mp4', webm: 'video/webm', mov: 'video/quicktime', mkv: 'video/x-matroska', pdf: 'application/pdf', zip: 'application/zip', epub: 'application/epub+zip' };
const typeOf = (file) => file.type || TYPES[(file.name.split('.').pop() || '').toLowerCase()] || 'application/octet-stream';

// CAPTION_LANGUAGES are offered for captions (the API takes these and
// others: id, ja, en, es, fil, tl, ms, jv, su, ko, zh, with a region).
const CAPTION_LANGUAGES = ['id', 'ja', 'en-PH', 'es-MX', 'en', 'es', 'fil', 'ko', 'zh'];

// Captions uploads a WebVTT file per language (PUT .../captions/{language},
// text/vtt): it appears in the stream's subtitles at once. A malformed file
// is refused with the line that is wrong, shown next to the file.
function Captions({ courseId, item }) {
  const [lang, setLang] = useState(() => ({ id: 'id', ja: 'ja', 'en-PH': 'en-PH', 'es-MX': 'es-MX' })[localeInfo().code] || 'id');
  const [file, setFile] = useState(null);
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState([]);
  const submit = async (e) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    try {
      const text = await file.text();
      const c = await put(`/v1/courses/${enc(courseId)}/items/${enc(item.id)}/captions/${enc(lang)}`, undefined, { raw: text, type: 'text/vtt' });
      setSaved((list) => [c, ...list.filter((x) => x.language !== c.language)]);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return html`<section class="captions" aria-labelledby="cap-h">
    <h2 id="cap-h">${t('tutor.captions')}</h2>
    <form class="form" onSubmit=${submit} novalidate>
      <${Field} id="cap-lang" label=${t('tutor.captions.language')}>${(a) =>
        html`<select ...${a} value=${lang} onChange=${(e) => setLang(e.currentTarget.value)}>
          ${CAPTION_LANGUAGES.map((l) => html`<option value=${l}>${languageName(l)} (${l})</option>`)}</select>`}</${Field}>
      <${Field} id="cap-file" label=${t('tutor.captions.file')} hint=${t('tutor.captions.hint')} error=${error && error.code === 'invalid' ? error.message : ''}>${(a) =>
        html`<input ...${a} type="file" accept=".vtt,text/vtt" onChange=${(e) => setFile(e.currentTarget.files[0] || null)} />`}</${Field}>
      ${error && error.code !== 'invalid' && html`<${ErrorMessage} error=${error} />`}
      <button type="submit" disabled=${busy || !file}>${t('tutor.captions.upload')}</button>
    </form>
    <div role="status" aria-live="polite" data-testid="captions-status">
      ${saved.map((c) => html`<p key=${c.language}>${t('tutor.captions.saved', { name: languageName(c.language) || c.name })}</p>`)}
    </div>
  </section>`;
}

// Uploader declares an upload, sends the bytes with a progress bar, then
// follows the Content service's check: pending -> ready, or rejected with
// the reason.
function Uploader({ courseId, item, onDone }) {
  const [file, setFile] = useState(null);
  const [phase, setPhase] = useState('idle'); // idle, sending, resuming, checking, ready, rejected, failed
  const [pct, setPct] = useState(0);
  const [reason, setReason] = useState('');
  const [error, setError] = useState(null);
  const base = `/v1/courses/${enc(courseId)}/items/${enc(item.id)}/uploads`;
  const start = async (e) => {
    e.preventDefault();
    if (!file) return;
    setError(null);
    setReason('');
    setPct(0);
    setPhase('sending');
    try {
      const sha256 = await sha256Hex(file);
      const up = await post(base, { content_type: typeOf(file), size: file.size, file_name: file.name, ...(sha256 && { sha256 }) });
      await upload(file, up, {
        onProgress: (sent, total) => {
          setPct(Math.floor((sent / total) * 100));
          setPhase('sending');
        },
        onResuming: () => setPhase('resuming'),
      });
      setPct(100);
      setPhase('checking');
      for (let wait = 500; ; wait = Math.min(wait * 1.5, 3000)) {
        const st = await get(base + '/' + enc(up.id));
        if (st.status === 'ready') {
          setPhase('ready');
          break;
        }
        if (st.status === 'rejected') {
          setReason(st.reason || '');
          setPhase('rejected');
          break;
        }
        await new Promise((r) => setTimeout(r, wait));
      }
      onDone && onDone();
    } catch (err) {
      setError(err);
      setPhase('failed');
    }
  };
  const busy = phase === 'sending' || phase === 'resuming' || phase === 'checking';
  return html`<section class="uploader" aria-labelledby="media-h">
    <h2 id="media-h">${t('tutor.media')}</h2>
    <p><span class=${'badge content-' + (item.content_status || 'none')}>${t('tutor.content.' + (item.content_status || 'none'))}</span></p>
    <form onSubmit=${start}>
      <div class="field">
        <label for="up-file">${t('tutor.chooseFile')}</label>
        <input id="up-file" type="file" accept=${item.kind === 'video' ? 'video/*' : undefined} disabled=${busy}
          onChange=${(e) => setFile(e.currentTarget.files[0] || null)} />
      </div>
      <button type="submit" disabled=${!file || busy}>${t('tutor.upload')}</button>
    </form>
    ${phase !== 'idle' && html`<div class="progress">
      <label for="up-progress">${t('tutor.uploadProgress')}</label>
      <progress id="up-progress" max="100" value=${pct}>${pct}%</progress>
    </div>`}
    <div role="status" aria-live="polite" class="status" data-testid="upload-status">
      ${phase === 'sending' && t('tutor.uploading', { pct })}
      ${phase === 'resuming' && t('tutor.uploadResuming')}
      ${phase === 'checking' && t('tutor.uploadChecking')}
      ${phase === 'ready' && t('tutor.uploadReady')}
    </div>
    ${phase === 'rejected' && html`<div class="error" role="alert"><p>${t('tutor.uploadRejected', { reason })}</p></div>`}
    ${phase === 'failed' && html`<${ErrorMessage} error=${error && error.code ? error : null} message=${error && !error.code ? t('tutor.uploadFailed', { reason: error.message }) : ''} />`}
  </section>`;
}
