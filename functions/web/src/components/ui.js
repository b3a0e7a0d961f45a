// Shared pieces: labelled fields with their errors, error messages, status
// lines, the page heading that takes focus on navigation.
import { useEffect, useRef } from 'preact/hooks';
import { html } from '../lib/html.js';
import { t } from '../lib/i18n.js';

let uid = 0;
export const nextId = (p) => `${p}-${++uid}`;

// errorText is an API error as the user reads it: the translation of its
// code, and the API's own message when it adds something.
export function errorText(err) {
  if (!err) return '';
  const code = err.code || 'other';
  const key = 'error.' + (code.startsWith('http_') ? 'other' : code);
  return t(key) === key ? t('error.other') : t(key);
}

// ErrorMessage shows an error next to what caused it (role=alert, so screen
// readers hear it at once). The API's message is in English until the API
// localises it; it is marked as such.
export function ErrorMessage({ error, id, message }) {
  if (!error && !message) return null;
  // A message already in the user's language (Stripe.js's) is shown as it is.
  if (!message && error.localized) message = error.message;
  const detail = !message && error.message && error.code !== 'network' && error.code !== 'internal' ? error.message : '';
  return html`<div class="error" role="alert" id=${id}>
    <p>${message || errorText(error)}</p>
    ${detail && html`<p class="detail"><span>${t('error.detail')}: </span><span lang="en">${detail}</span></p>`}
  </div>`;
}

// Field is a labelled control with its hint and its field error from the
// API (aria-invalid, aria-describedby).
export function Field({ label, error, hint, children, id, required }) {
  const hintId = hint ? id + '-hint' : null;
  const errId = error ? id + '-error' : null;
  const described = [hintId, errId].filter(Boolean).join(' ') || undefined;
  const control = typeof children === 'function' ? children({ id, 'aria-describedby': described, 'aria-invalid': error ? 'true' : undefined }) : children;
  return html`<div class=${'field' + (error ? ' invalid' : '')}>
    <label for=${id}>${label}${required && html` <span class="req">(${t('common.required')})</span>`}</label>
    ${control}
    ${hint && html`<p class="hint" id=${hintId}>${hint}</p>`}
    ${error && html`<p class="field-error" id=${errId}>${t('error.field')}: <span lang="en">${error}</span></p>`}
  </div>`;
}

// fieldError finds the API's error for a field (or one under it, e.g.
// price.amount for price).
export function fieldError(err, ...names) {
  if (!err || !err.fields) return '';
  for (const n of names) if (err.fields[n]) return err.fields[n];
  return '';
}

// otherFields are the field errors no field on the form shows.
export function otherFields(err, shown) {
  if (!err || !err.fields) return [];
  return Object.entries(err.fields).filter(([k]) => !shown.includes(k));
}

// PageTitle is the page's h1; it takes focus after in-app navigation so
// keyboard and screen-reader users start at the new page, and it names
// the document.
export function PageTitle({ children, text }) {
  const ref = useRef();
  useEffect(() => {
    document.title = (text || '') + ' – Kwipper';
    if (window.__kwNavigated && ref.current) ref.current.focus({ preventScroll: false });
  }, [text]);
  return html`<h1 tabindex="-1" ref=${ref}>${children || text}</h1>`;
}

export function Status({ children }) {
  return html`<p class="status" role="status" aria-live="polite">${children}</p>`;
}

export function Loading() {
  return html`<p class="loading" role="status">${t('common.loading')}</p>`;
}
