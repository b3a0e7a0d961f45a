// Reading a text item, watching a video, downloading a file: the content
// comes from GET .../content (a body, or a short-lived signed URL).
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { get, enc } from '../lib/api.js';
import { t, formatTime } from '../lib/i18n.js';
import { href } from '../lib/router.js';
import { ErrorMessage, PageTitle, Loading } from '../components/ui.js';

export function Learn({ courseId, itemId }) {
  const [content, setContent] = useState(null);
  const [error, setError] = useState(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    get(`/v1/courses/${enc(courseId)}/items/${enc(itemId)}/content`)
      .then((c) => live && (setContent(c), setError(null)))
      .catch((e) => live && setError(e));
    return () => {
      live = false;
    };
  }, [courseId, itemId, attempt]);

  const back = html`<p><a href=${href(['courses', courseId])}>${t('learn.back')}</a></p>`;
  if (error) return html`${back}<${PageTitle} text=${t('error.' + error.code)} /><${ErrorMessage} error=${error} />`;
  if (!content) return html`${back}<${Loading} />`;
  return html`${back}
    <article class="learn">
      <${PageTitle} text=${content.title} />
      ${content.kind === 'text' && html`<div class="prose">${content.body}</div>`}
      ${content.kind === 'video' && html`<${Player} content=${content} onExpired=${() => setAttempt((n) => n + 1)} />`}
      ${content.kind === 'file' && html`<p><a class="button" href=${content.url} download=${content.file_name}>${t('learn.download', { name: content.file_name || content.title })}</a></p>
        <p class="hint">${t('learn.expires', { time: formatTime(content.expires_at) })}</p>`}
    </article>`;
}

const isHLS = (c) => /mpegurl/i.test(c.content_type || '') || /\.m3u8(\?|$)/.test(c.url || '');

// Player plays the signed URL: an MP4 straight in <video> now; an HLS
// playlist through hls.js, loaded only when needed (and only where the
// browser cannot play HLS itself), once streaming lands. The quality and
// captions controls are in place for it.
export function Player({ content, onExpired }) {
  const ref = useRef();
  const [error, setError] = useState(false);
  useEffect(() => {
    const video = ref.current;
    let detach = null;
    setError(false);
    if (isHLS(content) && !video.canPlayType('application/vnd.apple.mpegurl')) {
      import('../player/hls.js').then((m) => (detach = m.attach(video, content.url))).catch(() => setError(true));
    } else {
      video.src = content.url;
    }
    return () => {
      if (detach) detach();
      video.removeAttribute('src');
      video.load();
    };
  }, [content.url]);
  const onError = () => {
    // A signed URL that expired while the page was open: get a new one once.
    if (content.expires_at && Date.parse(content.expires_at) < Date.now() && onExpired) onExpired();
    else setError(true);
  };
  return html`<figure class="player">
    <video ref=${ref} controls preload="metadata" playsinline aria-label=${t('learn.player')} onError=${onError} data-testid="video"></video>
    <figcaption>
      <div class="player-controls">
        <label>${t('learn.quality')} <select disabled><option>${t('learn.quality.auto')}</option></select></label>
        <label>${t('learn.captions')} <select disabled><option>${t('learn.captions.off')}</option></select></label>
      </div>
      <p class="hint">${t('learn.streamingSoon')}</p>
    </figcaption>
    ${error && html`<${ErrorMessage} message=${t('learn.mediaError')} />`}
  </figure>`;
}
