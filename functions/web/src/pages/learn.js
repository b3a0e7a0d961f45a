// Reading a text item, watching a video, downloading a file: the content
// comes from GET .../content (a body, or a short-lived signed URL).
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { html } from '../lib/html.js';
import { get, put, enc } from '../lib/api.js';
import { t, formatTime, languageName } from '../lib/i18n.js';
import { href } from '../lib/router.js';
import { ErrorMessage, PageTitle, Loading, Status } from '../components/ui.js';

// Learn shows an item. early.content is its content already asked for
// when the item was opened (main.js's LearnRoute, which also starts the
// player's chunk for a video); a renewal asks again.
export function Learn({ courseId, itemId, early }) {
  const [content, setContent] = useState(null);
  const [error, setError] = useState(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    const asked = attempt === 0 && early ? early.content : get(`/v1/courses/${enc(courseId)}/items/${enc(itemId)}/content`);
    asked
      .then((c) => {
        if (!live) return;
        setContent(c);
        setError(null);
        // A text item is complete when it is opened.
        if (c.kind === 'text') report(courseId, itemId, { completed: true });
      })
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
      ${content.kind === 'file' && html`<p><a class="button" href=${content.url} download=${content.file_name} onClick=${() => report(courseId, itemId, { completed: true })}>${t('learn.download', { name: content.file_name || content.title })}</a></p>
        <p class="hint">${t('learn.expires', { time: formatTime(content.expires_at) })}</p>`}
    </article>`;
}

// progressPath is the item's progress resource.
const progressPath = (courseId, itemId) => `/v1/courses/${enc(courseId)}/items/${enc(itemId)}/progress`;

// report sends the learner's progress (last writer wins by client_time, so
// a late report never overwrites a newer one). Failures are not shown: the
// next report carries the position again.
function report(courseId, itemId, body) {
  return put(progressPath(courseId, itemId), { ...body, client_time: new Date().toISOString() }).catch(() => null);
}

// Player plays the item: the HLS ladder (stream.master_url) when it is
// ready, through hls.js (lazy) or the browser's own HLS, with a quality
// and a captions menu; otherwise the MP4 (url). The stream's playlists and
// segments are read with the Cloud CDN signed cookie that content-get
// set; when it expires (403) the item is fetched again, which renews it.
// It resumes at the position saved by the Progress service (on any
// device) and reports the position every 10 s while playing, on pause, on
// seek and when the page is hidden.
export function Player({ content, onExpired }) {
  const ref = useRef();
  const ctl = useRef(null);
  const [error, setError] = useState(false);
  const [levels, setLevels] = useState([]);
  const [tracks, setTracks] = useState([]);
  const [level, setLevel] = useState(-1);
  const [track, setTrack] = useState(-1);
  const [resumed, setResumed] = useState(null);
  const [mode, setMode] = useState('');
  const stream = content.stream && content.stream.status === 'ready' && content.stream.master_url ? content.stream : null;
  const src = stream ? stream.master_url : content.url;

  // Resume where the learner stopped (asked once per item).
  useEffect(() => {
    const video = ref.current;
    let live = true;
    let saved = 0;
    const seek = () => {
      if (saved > 0 && video.duration && saved < video.duration - 1 && video.currentTime < 0.5) {
        video.currentTime = saved;
        setResumed(saved);
      }
    };
    get(progressPath(content.course_id, content.item_id))
      .then((p) => {
        if (!live || !p || p.completed) return;
        saved = p.position_seconds || 0;
        if (video.readyState >= 1) seek();
      })
      .catch(() => {});
    video.addEventListener('loadedmetadata', seek);
    return () => {
      live = false;
      video.removeEventListener('loadedmetadata', seek);
    };
  }, [content.item_id]);

  // Report the position.
  useEffect(() => {
    const video = ref.current;
    let last = -1;
    const send = () => {
      if (!video.duration || !isFinite(video.duration)) return;
      const pos = Math.min(video.currentTime, video.duration);
      if (Math.abs(pos - last) < 0.25) return;
      last = pos;
      report(content.course_id, content.item_id, { position_seconds: pos, duration_seconds: video.duration });
    };
    const tick = setInterval(() => !video.paused && send(), 10000);
    const hidden = () => document.visibilityState === 'hidden' && send();
    video.addEventListener('pause', send);
    video.addEventListener('seeked', send);
    video.addEventListener('ended', send);
    document.addEventListener('visibilitychange', hidden);
    return () => {
      send();
      clearInterval(tick);
      video.removeEventListener('pause', send);
      video.removeEventListener('seeked', send);
      video.removeEventListener('ended', send);
      document.removeEventListener('visibilitychange', hidden);
    };
  }, [content.item_id]);

  // A new answer for the same item (a renewed cookie or URL) reattaches the
  // media and goes on where it was. A layout effect: the player starts as
  // soon as the page is rendered, not after the slow phone has painted it.
  const keepAt = useRef(0);
  useLayoutEffect(() => {
    const video = ref.current;
    let live = true;
    setError(false);
    setLevels([]);
    setTracks([]);
    const at = keepAt.current;
    const goOn = () => at > 0 && (video.currentTime = at);
    if (at > 0) video.addEventListener('loadedmetadata', goOn, { once: true });
    const native = () => {
      setMode('native');
      video.src = src;
    };
    if (stream) {
      Promise.all([import('../player/hls.js'), import('../player/start.js')])
        .then(([m, start]) => {
          if (!live) return;
          if (!m.supported()) {
            if (video.canPlayType('application/vnd.apple.mpegurl')) return native();
            setMode('mp4');
            video.src = content.url;
            return;
          }
          setMode('hls');
          ctl.current = m.attach(video, src, {
            onLevels: (ls) => live && setLevels(ls),
            onTracks: (ts) => live && setTracks(ts),
            onFatal: (kind) => {
              if (!live) return;
              if (kind === 'expired' && onExpired) onExpired();
              else setError(true);
            },
            withCredentials: new URL(src, location.href).origin !== location.origin,
            start,
          });
        })
        .catch(() => live && setError(true));
    } else {
      setMode('mp4');
      video.src = content.url;
    }
    return () => {
      live = false;
      keepAt.current = video.currentTime;
      video.removeEventListener('loadedmetadata', goOn);
      if (ctl.current) ctl.current.destroy();
      ctl.current = null;
      video.removeAttribute('src');
      video.load();
    };
  }, [content]);

  const onError = () => {
    // A signed URL that expired while the page was open: get a new one once.
    if (mode === 'hls') return; // hls.js reports its own errors
    if (content.expires_at && Date.parse(content.expires_at) < Date.now() && onExpired) onExpired();
    else setError(true);
  };
  const chooseLevel = (e) => {
    const i = Number(e.currentTarget.value);
    setLevel(i);
    if (ctl.current) ctl.current.setLevel(i);
  };
  const chooseTrack = (e) => {
    const i = Number(e.currentTarget.value);
    setTrack(i);
    if (ctl.current) ctl.current.setTrack(i);
  };
  return html`<figure class="player">
    <video ref=${ref} controls preload="metadata" playsinline poster=${stream && stream.poster_url ? stream.poster_url : undefined}
      aria-label=${t('learn.player')} onError=${onError} data-testid="video" data-mode=${mode}></video>
    <figcaption>
      <div class="player-controls">
        <label>${t('learn.quality')} <select id="pl-quality" value=${level} onChange=${chooseLevel} disabled=${levels.length < 2}>
          <option value="-1">${t('learn.quality.auto')}</option>
          ${levels.map((l, i) => html`<option value=${i}>${l.height ? l.height + 'p' : t('learn.quality.audio')}</option>`)}
        </select></label>
        <label>${t('learn.captions')} <select id="pl-captions" value=${track} onChange=${chooseTrack} disabled=${tracks.length === 0}>
          <option value="-1">${t('learn.captions.off')}</option>
          ${tracks.map((c, i) => html`<option value=${i} lang=${c.lang || undefined}>${languageName(c.lang) || c.name}</option>`)}
        </select></label>
      </div>
      ${resumed !== null && html`<${Status}>${t('learn.resumed', { time: clock(resumed) })}</${Status}>`}
      ${!stream && content.stream && content.stream.status === 'processing' && html`<p class="hint">${t('learn.streamProcessing')}</p>`}
    </figcaption>
    ${error && html`<${ErrorMessage} message=${t('learn.mediaError')} />`}
  </figure>`;
}

// clock formats seconds as m:ss.
export function clock(sec) {
  const s = Math.floor(sec);
  return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0');
}
