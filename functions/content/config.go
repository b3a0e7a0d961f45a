package content

import (
	"strings"
	"time"

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
}

// loadConfig reads the service's settings, recording what is wrong in r.
func loadConfig(r *config.Reader) Config {
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
	return c
}
