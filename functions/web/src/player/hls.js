// The seam for HLS playback: loaded lazily by the player, only for an HLS
// playlist in a browser that cannot play one natively. The streaming work
// vendors hls.js next to this file and attaches it here:
//
//   const hls = new Hls({ enableWorker: false }); // or a Trusted Types policy for its worker
//   hls.loadSource(url); hls.attachMedia(video);
//   return () => hls.destroy();
//
// (levels -> the quality menu, subtitleTracks -> the captions menu).
export function attach() {
  throw new Error('HLS playback is not available in this build');
}
