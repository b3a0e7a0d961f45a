// api calls Kwipper's REST API on the page's own origin. Errors come back as
// ApiError with the API's code, message and field errors, or code
// "network" when the request never got an answer.
import { session, refresh, clearSession, restored } from './session.js';

export class ApiError extends Error {
  constructor(status, code, message, fields) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.fields = fields || {};
  }
}

// newKey returns a fresh idempotency key. A form keeps one per submission
// until it succeeds, so a retry after a lost answer cannot create twice.
export const newKey = () => crypto.randomUUID();

// raw (with type) sends a text body as it is, e.g. WebVTT captions.
export async function api(method, path, { body, raw, type, idempotencyKey, signal, retried } = {}) {
  // After a reload, the parked session is refreshed before the first call.
  await restored;
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (raw !== undefined) headers['Content-Type'] = type;
  const s = session();
  if (s) headers.Authorization = 'Bearer ' + s.token;
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: raw !== undefined ? raw : body === undefined ? undefined : JSON.stringify(body),
      signal,
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError(0, 'network', e.message);
  }
  if (res.status === 401 && s && !retried) {
    if (await refresh()) return api(method, path, { body, raw, type, idempotencyKey, signal, retried: true });
    clearSession();
  }
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const e = (data && data.error) || {};
    throw new ApiError(res.status, e.code || 'http_' + res.status, e.message || res.statusText, e.fields);
  }
  return data;
}

export const get = (path, opts) => api('GET', path, opts);
export const post = (path, body, opts) => api('POST', path, { ...opts, body });
export const patch = (path, body, opts) => api('PATCH', path, { ...opts, body });
export const put = (path, body, opts) => api('PUT', path, { ...opts, body });
export const del = (path, opts) => api('DELETE', path, opts);

// enc escapes one path segment.
export const enc = encodeURIComponent;
