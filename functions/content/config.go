package content

import (
	"strings"
	"time"

	"github.com/kwipper/kwipper/functions/contract/contentmsg"
	"github.com/kwipper/kwipper/shared/config"
)

// Config is the Content service's settings: where media objects live, how
// upload and download URLs are signed, and what uploads may be. loadConfig
// reads it from the service's environment.
type Config struct {
	// Bucket is the media bucket (KW_MEDIA_BUCKET).
	Bucket string
	// ObjectPrefix is where the service's objects live in Bucket, ending in
	// "/" (KW_MEDIA_OBJECT_PREFIX; media/<region>/ in the cloud).
	ObjectPrefix string
	// StorageEmulatorHost, when set, points Cloud Storage at fake-gcs-server
	// (STORAGE_EMULATOR_HOST, host:port).
	StorageEmulatorHost string
	// GCSSigningKey is the PEM RSA private key of GCSSignerEmail that signs
	// V4 upload and download URLs locally, without a remote call (a secret;
	// generated per process when empty locally).
	GCSSigningKey config.Secret
	// GCSSignerEmail is the service account the V4 signatures name.
	GCSSignerEmail string
	// CDNBaseURL, when set with URLSigningKey, makes downloads Cloud CDN
	// signed URLs: CDNBaseURL + "/" + object name.
	CDNBaseURL string
	// URLSigningKey is the Cloud CDN signed-URL key: base64url of 16 random
	// bytes (a secret).
	URLSigningKey config.Secret
	// URLSigningKeyName is the key's name on the CDN backend bucket.
	URLSigningKeyName string
	// Limits bound an upload of a video or file item, in bytes.
	Limits Limits
	// UploadURLTTL and DownloadURLTTL are how long signed URLs stay valid.
	UploadURLTTL, DownloadURLTTL time.Duration

	// Transcoder makes the HLS ladder of accepted videos (KW_TRANSCODER):
	// "ffmpeg" (local default: ffmpeg in the background, FFmpegPath and
	// FFprobePath, "" finds them on $PATH), "cloud" (cloud default: the
	// Transcoder API in TranscoderLocation) or "off" (no streaming: the
	// MP4 only).
	Transcoder              string
	TranscoderLocation      string
	FFmpegPath, FFprobePath string
	// TranscoderTopic receives job notifications
	// (projects/<project>/topics/transcoder-events by default).
	TranscoderTopic string
	// StreamBaseURL is where players fetch the bucket's streaming outputs:
	// Cloud CDN's base URL in the cloud (KW_MEDIA_STREAM_BASE_URL, default
	// KW_MEDIA_CDN_BASE_URL), the local stack's /media mount locally. The
	// signed cookie grants StreamBaseURL + "/" + an upload's output prefix.
	StreamBaseURL string
	// StreamCookieTTL is how long a signed streaming cookie lasts; players
	// renew it by asking content-get again (KW_STREAM_COOKIE_TTL).
	StreamCookieTTL time.Duration
	// ReplacedLadderGrace is how long a ladder a newer one replaced stays
	// in the bucket: players that loaded its master fetch its segments
	// until their cookie ends, so the default is the cookie's TTL
	// (KW_STREAM_REPLACED_LADDER_GRACE; 0 deletes it at once).
	ReplacedLadderGrace time.Duration
	// StreamCookieDomain is the cookie's Domain when the CDN is on another
	// host than the API (KW_STREAM_COOKIE_DOMAIN, e.g. example.com).
	StreamCookieDomain string
}

// Transcoder choices.
const (
	transcoderFFmpeg = "ffmpeg"
	transcoderCloud  = "cloud"
	transcoderOff    = "off"
)

// loadConfig reads the service's settings, recording what is wrong in r;
// platform gives the environment (local or cloud), project and base URL.
func loadConfig(r *config.Reader, platform config.Config) Config {
	c := Config{
		Bucket:              r.String("KW_MEDIA_BUCKET", "kwipper-media"),
		ObjectPrefix:        r.String("KW_MEDIA_OBJECT_PREFIX", "media/local/"),
		StorageEmulatorHost: r.String("STORAGE_EMULATOR_HOST", ""),
		GCSSigningKey:       r.Secret("KW_GCS_SIGNING_KEY"),
		GCSSignerEmail:      r.String("KW_GCS_SIGNER_EMAIL", ""),
		CDNBaseURL:          strings.TrimRight(r.String("KW_MEDIA_CDN_BASE_URL", ""), "/"),
		URLSigningKey:       r.Secret("KW_URL_SIGNING_KEY"),
		URLSigningKeyName:   r.String("KW_URL_SIGNING_KEY_NAME", ""),
	}
	if !strings.HasSuffix(c.ObjectPrefix, "/") || strings.HasPrefix(c.ObjectPrefix, "/") {
		r.Problemf("KW_MEDIA_OBJECT_PREFIX must end with / and not start with one, e.g. media/local/, not %q", c.ObjectPrefix)
	}
	if c.CDNBaseURL != "" && !strings.HasPrefix(c.CDNBaseURL, "https://") && !strings.HasPrefix(c.CDNBaseURL, "http://") {
		r.Problemf("KW_MEDIA_CDN_BASE_URL must be an http(s) URL")
	}
	if c.CDNBaseURL != "" && (c.URLSigningKey == "" || c.URLSigningKeyName == "") {
		r.Problemf("KW_MEDIA_CDN_BASE_URL needs KW_URL_SIGNING_KEY and KW_URL_SIGNING_KEY_NAME")
	}
	// Headroom over the design's 90 MB videos and 10 MB files.
	c.Limits.MaxVideoSize = r.Int("KW_MEDIA_MAX_VIDEO_BYTES", "262144000", 1, 5<<40) // 250 MiB
	c.Limits.MaxFileSize = r.Int("KW_MEDIA_MAX_FILE_BYTES", "52428800", 1, 5<<40)    // 50 MiB
	c.UploadURLTTL = r.Duration("KW_MEDIA_UPLOAD_URL_TTL", "15m", 10*time.Second, 7*24*time.Hour)
	c.DownloadURLTTL = r.Duration("KW_MEDIA_DOWNLOAD_URL_TTL", "10m", 10*time.Second, 7*24*time.Hour)
	c.Transcoder = r.String("KW_TRANSCODER", map[bool]string{true: transcoderFFmpeg, false: transcoderCloud}[platform.Env == "local"])
	c.TranscoderLocation = r.String("KW_TRANSCODER_LOCATION", "")
	c.TranscoderTopic = r.String("KW_TRANSCODER_TOPIC", "projects/"+platform.Project+"/topics/"+contentmsg.TranscodeTopic)
	c.FFmpegPath, c.FFprobePath = r.String("KW_FFMPEG", ""), r.String("KW_FFPROBE", "")
	switch c.Transcoder {
	case transcoderFFmpeg, transcoderOff:
	case transcoderCloud:
		if c.TranscoderLocation == "" {
			r.Problemf("KW_TRANSCODER=cloud needs KW_TRANSCODER_LOCATION (the region jobs run in, e.g. asia-southeast1)")
		}
	default:
		r.Problemf("KW_TRANSCODER must be ffmpeg, cloud or off, not %q", c.Transcoder)
	}
	defBase := c.CDNBaseURL
	if defBase == "" && platform.Env == "local" {
		defBase = strings.TrimRight(platform.BaseURL, "/") + "/media"
	}
	c.StreamBaseURL = strings.TrimRight(r.String("KW_MEDIA_STREAM_BASE_URL", defBase), "/")
	if c.Transcoder != transcoderOff && !strings.HasPrefix(c.StreamBaseURL, "https://") && !strings.HasPrefix(c.StreamBaseURL, "http://") {
		r.Problemf("KW_MEDIA_STREAM_BASE_URL (or KW_MEDIA_CDN_BASE_URL) must be the http(s) URL players fetch streams from")
	}
	if c.Transcoder != transcoderOff && platform.Env != "local" && (c.URLSigningKey == "" || c.URLSigningKeyName == "") {
		r.Problemf("streaming needs KW_URL_SIGNING_KEY and KW_URL_SIGNING_KEY_NAME (the Cloud CDN key that signs cookies)")
	}
	c.StreamCookieTTL = r.Duration("KW_STREAM_COOKIE_TTL", "15m", 10*time.Second, 24*time.Hour)
	c.ReplacedLadderGrace = r.Duration("KW_STREAM_REPLACED_LADDER_GRACE", c.StreamCookieTTL.String(), 0, 7*24*time.Hour)
	c.StreamCookieDomain = r.String("KW_STREAM_COOKIE_DOMAIN", "")
	return c
}
