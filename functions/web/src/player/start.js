// How a stream starts: which rendition plays first, and fetching its first
// segment early. This module is small and has no hls.js in it: the app
// loads it with the page, so that opening a video item can fetch the
// master playlist, the first rendition's playlist and its first segment
// into the HTTP cache while the hls.js chunk is still downloading (the
// ladder's playlists and segments are cacheable: public, max-age). hls.js
// then finds them there (src/player/hls.js), starting with the same
// rendition (the player passes this module to attach).

// segmentSeconds is the ladder's segment duration (content/stream's
// SegmentDuration); firstLoadSeconds is how long the first segment may
// take at the estimated bandwidth.
const segmentSeconds = 4;
const firstLoadSeconds = 1;

// estimate is the bandwidth (bits/s) to assume before the player has
// measured any: the browser's own estimate where it has one (Network
// Information API, Chromium), else 500 kbps, a slow 4G phone's.
export function estimate() {
  const c = navigator.connection;
  return c && c.downlink > 0 ? c.downlink * 1e6 : 5e5;
}

// pickStart returns the variant ({bitrate}, bits/s) to start with: the
// richest whose first segment loads within firstLoadSeconds at bandwidth
// bw, else the smallest. On slow 4G (1.6 Mbps) that is the lowest rung, so
// the first frame comes quickly; the player climbs once it has measured
// the network.
export function pickStart(variants, bw = estimate()) {
  let best = null;
  let low = null;
  for (const v of variants) {
    if (!low || v.bitrate < low.bitrate) low = v;
    if (v.bitrate * segmentSeconds <= bw * firstLoadSeconds && (!best || v.bitrate > best.bitrate)) best = v;
  }
  return best || low;
}

// chosen maps a master playlist's URL to the variant playlist warm chose,
// so that the player starts with the rendition already fetched.
const chosen = new Map();

// startURL is the variant playlist warm chose for master (absolute URL),
// or undefined.
export const startURL = (master) => chosen.get(new URL(master, location.href).href);

// warm fetches, into the HTTP cache, what the player will ask for first:
// master, the variant pickStart chooses, and its first segment. It only
// does so where the player will use hls.js (Media Source Extensions), and
// never fails: whatever it could not fetch, the player fetches itself.
export function warm(master) {
  if (!('MediaSource' in window || 'ManagedMediaSource' in window)) return Promise.resolve();
  const abs = new URL(master, location.href).href;
  if (chosen.has(abs)) return Promise.resolve();
  // As hls.js sends them: with the signed cookie, cross-origin too.
  const credentials = new URL(abs).origin === location.origin ? 'same-origin' : 'include';
  const get = (url) => fetch(url, { credentials }).then((r) => (r.ok ? r : Promise.reject(new Error(String(r.status)))));
  // The marks show in performance timelines (and BenchmarkVideoStart).
  const mark = (name) => performance.mark && performance.mark('kw-warm-' + name);
  mark('master');
  return get(abs)
    .then((r) => (mark('master-headers'), r.text()))
    .then((text) => {
      mark('master-read');
      const v = pickStart(variants(text, abs));
      if (!v) return null;
      chosen.set(abs, v.url);
      return get(v.url)
        .then((r) => (mark('variant-headers'), r.text()))
        .then((pl) => {
          mark('variant-read');
          const seg = firstSegment(pl, v.url);
          return seg && get(seg).then((r) => r.arrayBuffer());
        });
    })
    .then(
      () => {},
      () => {},
    );
}

// variants lists the video variants of a master playlist: BANDWIDTH and
// absolute URL (hls.js drops audio-only variants when there is video).
export function variants(text, base) {
  const lines = text.split(/\r?\n/);
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith('#EXT-X-STREAM-INF:')) continue;
    const bw = /[:,]BANDWIDTH=(\d+)/.exec(lines[i]);
    const video = /[:,]RESOLUTION=\d+x\d+/.test(lines[i]);
    let j = i + 1;
    while (j < lines.length && (lines[j].trim() === '' || lines[j].startsWith('#'))) j++;
    if (bw && video && j < lines.length) out.push({ bitrate: Number(bw[1]), url: new URL(lines[j].trim(), base).href });
  }
  return out;
}

// firstSegment is the absolute URL of a media playlist's first segment
// (a caption's playlist has one: its WebVTT file), or "".
export function firstSegment(text, base) {
  for (const line of text.split(/\r?\n/)) {
    const l = line.trim();
    if (l && !l.startsWith('#')) return new URL(l, base).href;
  }
  return '';
}
