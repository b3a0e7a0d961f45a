// HLS playback through hls.js's light build (vendored:
// src/vendor/hls.light.mjs, 1.7.4: no EME, alternate audio, subtitle
// streaming or CMCD, 114 KiB gzipped instead of 178), loaded lazily by the
// player only for a stream in a browser that cannot play HLS itself. Under
// the page's policy hls.js runs without its worker (a blob: worker needs a
// Trusted Types policy and worker-src) and fetches playlists and segments
// from the page's origin (or the CDN's, in connect-src) with the Cloud CDN
// signed cookie that content-get set.
//
// Captions: hls.js still reads the master's subtitle renditions; the one
// the learner picks becomes a <track> of its WebVTT file (the single
// segment of its subtitle playlist), rendered by the browser.
import Hls from '../vendor/hls.light.mjs';

export const supported = () => Hls.isSupported();

// attach plays url in video and reports what the menus need:
// onLevels([{height, bitrate}]), onTracks([{name, lang}]), onFatal(kind).
// start is the module src/player/start.js, imported by the caller: were
// it imported here too, esbuild would put it in a shared chunk behind a
// re-exporting one, two round trips where main.js loads it early. It
// returns the controls: setLevel(i) (-1 automatic), setTrack(i) (-1 off),
// destroy().
export function attach(video, url, { onLevels, onTracks, onFatal, withCredentials, start }) {
  const { estimate, pickStart, startURL, firstSegment } = start;
  const hls = new Hls({
    enableWorker: false,
    // Before it has measured the network, hls.js assumes the browser's
    // estimate (else 500 kbps), not the first variant's bitrate.
    abrEwmaDefaultEstimate: estimate(),
    // Segments are transmuxed and appended as they arrive (fetch
    // streaming), so the first frame does not wait for the whole segment.
    progressive: true,
    fetchSetup: withCredentials ? (context, init) => new Request(context.url, { ...init, credentials: 'include' }) : undefined,
  });
  let subtitles = [];
  hls.on(Hls.Events.MANIFEST_PARSED, (_, data) => {
    // Start with the rendition start.js chose (and may have fetched
    // already), by the same rule when it did not.
    const want = startURL(url);
    const first = (want && data.levels.find((l) => l.uri === want)) || pickStart(data.levels);
    if (first) hls.startLevel = data.levels.indexOf(first);
    onLevels(data.levels.map((l) => ({ height: l.height, bitrate: l.bitrate })));
    subtitles = data.subtitleTracks || [];
    onTracks(subtitles.map((s) => ({ name: s.name, lang: s.lang })));
  });
  hls.on(Hls.Events.ERROR, (_, data) => {
    if (!data.fatal) return;
    // A 403 on a playlist or segment: the signed cookie expired.
    const status = data.response && data.response.code;
    onFatal(data.type === Hls.ErrorTypes.NETWORK_ERROR && (status === 403 || status === 401) ? 'expired' : data.type);
  });
  hls.loadSource(url);
  hls.attachMedia(video);

  // tracks are the <track> elements made so far, by subtitle index (null
  // while its playlist is fetched); showing is the learner's choice.
  const tracks = new Map();
  let showing = -1;
  let live = true;
  const show = () => tracks.forEach((el, i) => el && (el.track.mode = i === showing ? 'showing' : 'disabled'));
  return {
    setLevel(i) {
      hls.currentLevel = i;
    },
    setTrack(i) {
      showing = i;
      show();
      const s = subtitles[i];
      if (!s || tracks.has(i)) return;
      tracks.set(i, null);
      fetch(s.url, { credentials: withCredentials ? 'include' : 'same-origin' })
        .then((r) => (r.ok ? r.text() : Promise.reject(new Error(String(r.status)))))
        .then((text) => {
          const src = firstSegment(text, s.url);
          if (!live || !src) return tracks.delete(i);
          // The <video> fetches the caption file, with the cookie when
          // the CDN is on another host (the attribute is set only once a
          // caption is chosen, so nothing else the element loads changes).
          if (withCredentials) video.crossOrigin = 'use-credentials';
          const el = document.createElement('track');
          el.kind = 'subtitles';
          el.label = s.name;
          if (s.lang) el.srclang = s.lang;
          el.src = src;
          video.appendChild(el);
          tracks.set(i, el);
          show();
        })
        .catch(() => tracks.delete(i));
    },
    destroy() {
      live = false;
      tracks.forEach((el) => el && el.remove());
      tracks.clear();
      if (withCredentials) video.removeAttribute('crossorigin');
      hls.destroy();
    },
  };
}
