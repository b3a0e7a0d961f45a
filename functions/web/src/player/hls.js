// HLS playback through hls.js (vendored: src/vendor/hls.mjs, 1.7.4),
// loaded lazily by the player only for a stream in a browser that cannot
// play HLS itself. Under the page's policy hls.js runs without its worker
// (a blob: worker needs a Trusted Types policy and worker-src) and fetches
// playlists and segments from the page's origin (or the CDN's, in
// connect-src) with the Cloud CDN signed cookie that content-get set.
import Hls from '../vendor/hls.mjs';

export const supported = () => Hls.isSupported();

// attach plays url in video and reports what the menus need:
// onLevels([{height, bitrate}]), onTracks([{name, lang}]), onFatal(kind).
// It returns the controls: setLevel(i) (-1 automatic), setTrack(i) (-1
// off), destroy().
export function attach(video, url, { onLevels, onTracks, onFatal, withCredentials }) {
  const hls = new Hls({
    enableWorker: false,
    // Captions are rendered by the browser from the text tracks hls.js adds.
    renderTextTracksNatively: true,
    subtitleDisplay: false,
    xhrSetup: withCredentials ? (xhr) => (xhr.withCredentials = true) : undefined,
  });
  hls.on(Hls.Events.MANIFEST_PARSED, (_, data) => {
    onLevels(data.levels.map((l) => ({ height: l.height, bitrate: l.bitrate })));
  });
  hls.on(Hls.Events.SUBTITLE_TRACKS_UPDATED, (_, data) => {
    onTracks(data.subtitleTracks.map((s) => ({ name: s.name, lang: s.lang })));
  });
  hls.on(Hls.Events.ERROR, (_, data) => {
    if (!data.fatal) return;
    // A 403 on a playlist or segment: the signed cookie expired.
    const status = data.response && data.response.code;
    onFatal(data.type === Hls.ErrorTypes.NETWORK_ERROR && (status === 403 || status === 401) ? 'expired' : data.type);
  });
  hls.loadSource(url);
  hls.attachMedia(video);
  return {
    setLevel(i) {
      hls.currentLevel = i;
    },
    setTrack(i) {
      hls.subtitleTrack = i;
      hls.subtitleDisplay = i >= 0;
    },
    destroy() {
      hls.destroy();
    },
  };
}
