package stream

import (
	"fmt"
	"path"
	"strings"
)

// Output names, relative to a job's output prefix. Both transcoders produce
// exactly these names, which follow the Transcoder API's own naming rules: an
// HLS media playlist is named after its mux stream key (<key>.m3u8), each
// segment is the mux stream's file name with a 10-digit index starting at 0
// before the extension (<key>0000000000.ts), and a sprite sheet is its file
// prefix with the same suffix (poster0000000000.jpeg).
const (
	// MasterName is the master playlist we write (MasterPlaylist); players
	// start here.
	MasterName = "master.m3u8"
	// TranscoderManifestName is the master playlist the transcoder writes
	// itself. It is not served to players: it lacks captions and its
	// bandwidths are nominal.
	TranscoderManifestName = "transcoder.m3u8"
	// PosterName is the poster image: one frame, JPEG.
	PosterName = posterPrefix + "0000000000.jpeg"
	// AudioRung is the name of the audio-only rung.
	AudioRung = "audio"
	// CaptionDir holds each caption's WebVTT file and subtitle playlist.
	CaptionDir = "captions/"

	posterPrefix = "poster"
)

// PlaylistName is the media playlist of the rung named rung, e.g. 360p.m3u8.
func PlaylistName(rung string) string { return rung + ".m3u8" }

// SegmentName is segment i (from 0) of the rung named rung, e.g.
// 360p0000000003.ts.
func SegmentName(rung string, i int) string { return fmt.Sprintf("%s%010d.ts", rung, i) }

// CaptionVTTName is where the WebVTT file of the caption in language lang
// (a canonical tag from CaptionLanguage) lives, e.g. captions/en-PH.vtt.
func CaptionVTTName(lang string) string { return CaptionDir + lang + ".vtt" }

// CaptionPlaylistName is the subtitle media playlist of the caption in
// language lang, e.g. captions/en-PH.m3u8. It sits beside the .vtt file.
func CaptionPlaylistName(lang string) string { return CaptionDir + lang + ".m3u8" }

// OutputPrefix is where the streaming outputs of a source object go: beside
// it, one prefix per upload, so a replacement never overwrites what serves
// and a cookie for one upload's prefix never covers another's (or the source
// object itself). It ends in "/".
func OutputPrefix(sourceObject string) string {
	return strings.TrimSuffix(sourceObject, "/") + OutputSuffix + "/"
}

// OutputSuffix ends the name of every ladder's output prefix.
const OutputSuffix = ".hls"

// ContentType is the media type a streaming output is served with, by its
// name's extension.
func ContentType(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".m3u8":
		return "application/vnd.apple.mpegurl"
	case ".ts":
		return "video/mp2t"
	case ".m4s":
		return "video/iso.segment"
	case ".mp4":
		return "video/mp4"
	case ".m4a":
		return "audio/mp4"
	case ".aac":
		return "audio/aac"
	case ".vtt":
		return "text/vtt; charset=utf-8"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	}
	return "application/octet-stream"
}

// CacheControl is the Cache-Control a streaming output is served with.
// Segments and posters never change under their name (each upload has its
// own prefix): a year, immutable. Playlists and captions change (the
// master gains a caption, a caption is corrected): a minute. "public" lets
// Cloud CDN cache them; it checks the cookie of every request itself.
func CacheControl(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".m3u8", ".vtt":
		return "public, max-age=60"
	case ".ts", ".m4s", ".mp4", ".m4a", ".aac", ".jpg", ".jpeg":
		return "public, max-age=31536000, immutable"
	}
	return "public, max-age=60"
}

// cleanObjectPath reports whether p is a relative path without empty, "."
// or ".." segments.
func cleanObjectPath(p string) bool {
	for seg := range strings.SplitSeq(p, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
	}
	return true
}
