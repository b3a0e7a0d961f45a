// Package stream is the machinery behind Kwipper's adaptive video streaming:
// an accepted video upload becomes an HLS rendition ladder and a poster,
// which learners fetch through Cloud CDN with a signed cookie scoped to the
// upload's output prefix.
//
// It holds:
//
//   - the ladder: Plan picks the renditions of a source (Probe), read
//     locally with ffprobe (FFprobe) or, in the cloud, from the MP4/MOV
//     header through an io.ReaderAt (ProbeMP4);
//   - the Transcoder port: Submit a Job, learn its outcome from the
//     Transcoder API's Pub/Sub notification (DecodeNotification). Cloud runs
//     the job on the Transcoder API (JobFor, JobConfig, TemplateConfig);
//     Local runs ffmpeg (FFmpeg) in the background behind the same port and
//     publishes the same notification through a Notifier;
//   - the master playlist we write ourselves (MasterPlaylist), so that
//     captions added later appear in it, and the captions' own pieces:
//     ValidateVTT, CaptionLanguage, CaptionPlaylist, and HLSCaption with
//     FirstPTS to keep cues in sync with the segments;
//   - Cloud CDN signed cookies (CookieSigner, CookieVerifier) and, for the
//     local stack, Delivery: an http.Handler that checks them as Cloud CDN
//     does and serves the outputs with Range support.
//
// Output names are fixed, the same in both transcoders, and follow the
// Transcoder API's naming rules (names.go): under OutputPrefix(source),
// <rung>.m3u8 and <rung>0000000000.ts... per rung, poster0000000000.jpeg,
// transcoder.m3u8 (unused), plus our master.m3u8 and captions/.
//
// The package imports no Spanner or Pub/Sub client: what it needs of
// storage and messaging is the small interfaces ObjectReader, ObjectWriter
// and Notifier (GCS implements the first two on a Cloud Storage bucket).
package stream
