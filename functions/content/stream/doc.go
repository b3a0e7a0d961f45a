// Package stream is the machinery behind Kwipper's adaptive video streaming:
// an accepted video upload becomes an HLS rendition ladder and a poster, which
// learners fetch through Cloud CDN with a signed cookie scoped to the
// upload's output prefix.
//
// It holds:
//
//   - the ladder: Plan picks the renditions for a source (Probe), measured
//     locally with ffprobe (FFprobe) or, in the cloud, read from the MP4/MOV
//     header through an io.ReaderAt (ProbeMP4);
//   - the Transcoder port: Submit a Job, learn its outcome from a
//     Notification carrying the Transcoder API's Pub/Sub payload. Cloud runs
//     the job on the Transcoder API (CloudTranscoder, JobFor, TemplateConfig);
//     Local runs ffmpeg (FFmpeg) in the background behind the same port;
//   - the master playlist we write ourselves (MasterPlaylist), so that
//     captions added later (ValidateVTT, CaptionLanguage, CaptionPlaylist,
//     HLSCaption) appear in it;
//   - Cloud CDN signed cookies (CookieSigner, CookieVerifier) and, for the
//     local stack, a delivery handler that checks them as Cloud CDN does
//     (Delivery).
//
// Output names are fixed and identical in both transcoders (see names.go):
// under the output prefix, <rung>.m3u8 and <rung><10-digit index>.ts per rung,
// poster0000000000.jpeg, and our master.m3u8.
//
// The package imports no Spanner or Pub/Sub client: what it needs of storage
// and messaging is the small interfaces ObjectReader, ObjectWriter and
// Notifier.
package stream
