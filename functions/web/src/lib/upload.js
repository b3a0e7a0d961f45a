// Sending media straight to Cloud Storage with the signed request the
// Content service answered (POST .../uploads): one PUT for small files, or a
// resumable session for large ones (>= 16 MiB), sent in chunks that survive a
// dropped connection: after a failure the session is asked how much it has
// (PUT with Content-Range: bytes */SIZE, answered 308 with Range) and the
// upload goes on from there.

// CHUNK is the resumable chunk size: a multiple of 256 KiB, as Cloud
// Storage requires of every chunk but the last.
export const CHUNK = 8 * 1024 * 1024;
const MAX_RETRIES = 8;

export class UploadError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status || 0;
  }
}

// send runs one XMLHttpRequest (fetch cannot report upload progress) and
// resolves with it once answered, whatever the status; it rejects with a
// network UploadError when no answer came.
function send(method, url, headers, body, onProgress, signal) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    for (const [k, v] of Object.entries(headers || {})) xhr.setRequestHeader(k, v);
    if (onProgress) xhr.upload.onprogress = (e) => onProgress(e.loaded);
    xhr.onload = () => resolve(xhr);
    xhr.onerror = () => reject(new UploadError('network error'));
    xhr.ontimeout = () => reject(new UploadError('timed out'));
    xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'));
    if (signal) {
      if (signal.aborted) return reject(new DOMException('aborted', 'AbortError'));
      signal.addEventListener('abort', () => xhr.abort(), { once: true });
    }
    xhr.send(body);
  });
}

const sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    const id = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(id);
      reject(new DOMException('aborted', 'AbortError'));
    });
  });

const ok = (status) => status === 200 || status === 201;

// persisted returns how many bytes a resumable session holds, from a 308's
// Range header (bytes=0-N means N+1 bytes); 0 when it has none.
export function persisted(rangeHeader) {
  const m = /bytes=0-(\d+)/.exec(rangeHeader || '');
  return m ? Number(m[1]) + 1 : 0;
}

// upload sends file as up (an UploadView) says, reporting progress as
// (bytesSent, total) and onResuming() when it resumes after a failure.
export async function upload(file, up, { onProgress, onResuming, signal } = {}) {
  const total = file.size;
  const progress = (n) => onProgress && onProgress(Math.min(n, total), total);
  if (!up.resumable) {
    const xhr = await send(up.method, up.url, up.headers, file, progress, signal);
    if (!ok(xhr.status)) throw new UploadError(storageMessage(xhr), xhr.status);
    progress(total);
    return;
  }
  const start = await send(up.method, up.url, up.headers, null, null, signal);
  const session = start.getResponseHeader('Location');
  if (!ok(start.status) || !session) throw new UploadError(storageMessage(start), start.status);

  let offset = 0;
  let failures = 0;
  while (offset < total) {
    const end = Math.min(offset + CHUNK, total);
    try {
      const xhr = await send('PUT', session, { 'Content-Range': `bytes ${offset}-${end - 1}/${total}` },
        file.slice(offset, end), (n) => progress(offset + n), signal);
      if (ok(xhr.status)) {
        offset = total;
      } else if (xhr.status === 308) {
        offset = persisted(xhr.getResponseHeader('Range'));
        failures = 0;
      } else if (xhr.status >= 500 || xhr.status === 429) {
        throw new UploadError(storageMessage(xhr), xhr.status);
      } else {
        throw Object.assign(new UploadError(storageMessage(xhr), xhr.status), { fatal: true });
      }
    } catch (e) {
      if (e.name === 'AbortError' || e.fatal || ++failures > MAX_RETRIES) throw e;
      onResuming && onResuming();
      await sleep(Math.min(250 * 2 ** failures, 8000), signal);
      offset = await resumePoint(session, total, signal);
    }
    progress(offset);
  }
}

// resumePoint asks the session how much it holds (total when complete),
// retrying while the connection is down.
async function resumePoint(session, total, signal) {
  for (let i = 0; ; i++) {
    try {
      const xhr = await send('PUT', session, { 'Content-Range': `bytes */${total}` }, null, null, signal);
      if (ok(xhr.status)) return total;
      if (xhr.status === 308) return persisted(xhr.getResponseHeader('Range'));
      throw Object.assign(new UploadError(storageMessage(xhr), xhr.status), { fatal: true });
    } catch (e) {
      if (e.name === 'AbortError' || e.fatal || i >= MAX_RETRIES) throw e;
      await sleep(Math.min(500 * 2 ** i, 8000), signal);
    }
  }
}

function storageMessage(xhr) {
  const text = (xhr.responseText || '').slice(0, 300);
  const m = /<Message>([^<]*)<\/Message>/.exec(text);
  return (m ? m[1] : text.trim()) || 'HTTP ' + xhr.status;
}

// sha256Hex hashes a file for the upload's declaration (skipped for very
// large files, where reading it all twice would cost too much).
export async function sha256Hex(file) {
  if (file.size > 64 * 1024 * 1024 || !crypto.subtle) return '';
  const d = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
