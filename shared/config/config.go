// Package config is Kwipper's typed configuration: loaded once from the
// environment at start-up, validated, failing fast with a message that names
// every bad variable. Nothing below the wiring reads the environment.
package config

import (
	"crypto/rand"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/kwipper/kwipper/shared/logging"
)

// Config is everything a Kwipper process is configured with.
type Config struct {
	// Env is "local" (emulators, generated keys) or "cloud".
	Env string
	// Project is the Google Cloud project id (KW_PROJECT).
	Project string
	// SpannerInstance is the Spanner instance holding every service database.
	SpannerInstance string
	// Port is the port to serve on (PORT, set by Cloud Run).
	Port string
	// FunctionTarget, when set, makes the binary serve just that function.
	FunctionTarget string
	// LogLevel is the lowest level logged.
	LogLevel slog.Level
	// TokenIssuer is the iss of access tokens.
	TokenIssuer string
	// TokenTTL is how long an access token lives.
	TokenTTL time.Duration
	// TokenSigningKey is a PEM PKCS#8 Ed25519 private key (a secret: only the
	// User service holds it). Empty locally: a key is generated per process.
	TokenSigningKey Secret
	// JWKSURL is where verifiers fetch the token public keys; empty means the
	// process verifies with the keys it holds (local all-in-one mode).
	JWKSURL string
	// BaseURL is the public base URL of the API (push endpoints hang off it,
	// and it is the base of their OIDC audiences).
	BaseURL string
	// Push says how Pub/Sub push deliveries prove where they come from.
	Push Push
	// Tracing says where OpenTelemetry spans go.
	Tracing Tracing
	// CatalogStaleness bounds how stale public catalog reads may be, so they
	// can be served by the nearest replica (0: strong reads).
	CatalogStaleness time.Duration
	// EmulatorHosts are set when the Spanner and Pub/Sub emulators are used.
	SpannerEmulatorHost, PubSubEmulatorHost string
	// Media is the Content service's Cloud Storage and URL-signing setup.
	Media Media
	// Stripe is the Billing service's Stripe setup.
	Stripe Stripe
	// Saga tunes the subscribe saga's orchestrator.
	Saga Saga
	// Recurring tunes recurring billing (the billing cycle and dunning).
	Recurring Recurring
}

// Tracing configures trace export.
type Tracing struct {
	// OTLPEndpoint is host:port of an OTLP/gRPC receiver (KW_OTLP_ENDPOINT;
	// telemetry.googleapis.com:443 in the cloud); empty exports nothing.
	OTLPEndpoint string
	// Insecure dials it without TLS (KW_OTLP_INSECURE, a local collector).
	Insecure bool
	// SampleRate is the share of new traces recorded (KW_TRACE_SAMPLE_RATE;
	// 1 locally, 0.1 in the cloud).
	SampleRate float64
}

// Push configures how push endpoints authenticate Pub/Sub: in the cloud by
// the OIDC token Pub/Sub signs as Invoker; locally, where the emulator signs
// nothing, by a shared token in the push endpoint's URL.
type Push struct {
	// Invoker is the service account Pub/Sub signs push tokens as
	// (KW_PUSH_INVOKER); required in the cloud.
	Invoker string
	// JWKSURL is where Google's OIDC token keys are fetched
	// (KW_PUSH_JWKS_URL; default Google's).
	JWKSURL string
	// Token is the local push token (KW_PUSH_TOKEN); generated per process
	// when unset. Not allowed in the cloud.
	Token Secret
}

// Media configures the Content service: where media objects live, how
// upload and download URLs are signed, and what uploads may be.
type Media struct {
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
	GCSSigningKey Secret
	// GCSSignerEmail is the service account the V4 signatures name.
	GCSSignerEmail string
	// CDNBaseURL, when set with URLSigningKey, makes downloads Cloud CDN
	// signed URLs: CDNBaseURL + "/" + object name.
	CDNBaseURL string
	// URLSigningKey is the Cloud CDN signed-URL key: base64url of 16 random
	// bytes (a secret).
	URLSigningKey Secret
	// URLSigningKeyName is the key's name on the CDN backend bucket.
	URLSigningKeyName string
	// MaxVideoSize and MaxFileSize bound an upload of a video or file item,
	// in bytes.
	MaxVideoSize, MaxFileSize int64
	// UploadURLTTL and DownloadURLTTL are how long signed URLs stay valid.
	UploadURLTTL, DownloadURLTTL time.Duration
}

// Secret is a string that never prints its value.
type Secret string

// String hides the value from logs and fmt.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return "[REDACTED]"
}

// LogValue hides the value from slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// Reveal returns the secret's value, for the one place that uses it.
func (s Secret) Reveal() string { return string(s) }

// Load reads the configuration from getenv (os.Getenv in production) and
// validates it, naming every variable that is wrong.
func Load(getenv func(string) string) (Config, error) {
	var problems []string
	get := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	c := Config{
		Env:                 get("KW_ENV", "local"),
		Project:             get("KW_PROJECT", "kwipper-local"),
		SpannerInstance:     get("KW_SPANNER_INSTANCE", "kwipper"),
		Port:                get("PORT", "8080"),
		FunctionTarget:      get("FUNCTION_TARGET", ""),
		TokenIssuer:         get("KW_TOKEN_ISSUER", "https://kwipper.local"),
		TokenSigningKey:     Secret(get("KW_TOKEN_SIGNING_KEY", "")),
		JWKSURL:             get("KW_JWKS_URL", ""),
		SpannerEmulatorHost: get("SPANNER_EMULATOR_HOST", ""),
		PubSubEmulatorHost:  get("PUBSUB_EMULATOR_HOST", ""),
	}
	c.BaseURL = strings.TrimRight(get("KW_BASE_URL", "http://127.0.0.1:"+c.Port), "/")
	c.Push = Push{Invoker: get("KW_PUSH_INVOKER", ""), JWKSURL: get("KW_PUSH_JWKS_URL", "https://www.googleapis.com/oauth2/v3/certs"),
		Token: Secret(get("KW_PUSH_TOKEN", ""))}
	if c.Push.Invoker == "" && c.Push.Token == "" && c.Env == "local" {
		c.Push.Token = Secret(rand.Text())
	}
	if c.Env != "local" && c.Env != "cloud" {
		problems = append(problems, fmt.Sprintf("KW_ENV must be local or cloud, not %q", c.Env))
	}
	if lvl, ok := logging.ParseLevel(get("KW_LOG_LEVEL", "info")); ok {
		c.LogLevel = lvl
	} else {
		problems = append(problems, "KW_LOG_LEVEL must be debug, info, warn or error")
	}
	if p, err := strconv.Atoi(c.Port); err != nil || p <= 0 || p > 65535 {
		problems = append(problems, fmt.Sprintf("PORT must be a port number, not %q", c.Port))
	}
	ttl, err := time.ParseDuration(get("KW_TOKEN_TTL", "15m"))
	if err != nil || ttl < time.Minute || ttl > 24*time.Hour {
		problems = append(problems, "KW_TOKEN_TTL must be a duration between 1m and 24h, e.g. 15m")
	}
	c.TokenTTL = ttl
	defStale := "0s"
	if c.Env == "cloud" {
		defStale = "10s"
	}
	stale, err := time.ParseDuration(get("KW_CATALOG_STALENESS", defStale))
	if err != nil || stale < 0 || stale > time.Hour {
		problems = append(problems, "KW_CATALOG_STALENESS must be a duration between 0s and 1h, e.g. 10s")
	}
	c.CatalogStaleness = stale
	defRate := "1"
	if c.Env == "cloud" {
		defRate = "0.1"
	}
	c.Tracing = Tracing{OTLPEndpoint: get("KW_OTLP_ENDPOINT", ""), Insecure: get("KW_OTLP_INSECURE", "false") == "true"}
	if rate, err := strconv.ParseFloat(get("KW_TRACE_SAMPLE_RATE", defRate), 64); err == nil && rate >= 0 && rate <= 1 {
		c.Tracing.SampleRate = rate
	} else {
		problems = append(problems, "KW_TRACE_SAMPLE_RATE must be a number between 0 and 1, e.g. 0.1")
	}
	c.Media, problems = loadMedia(get, problems)
	c.Stripe, c.Saga, problems = loadBilling(get, problems)
	c.Recurring, problems = loadRecurring(get, problems)
	if c.Env == "cloud" {
		if getenv("KW_PROJECT") == "" {
			problems = append(problems, "KW_PROJECT is required when KW_ENV=cloud")
		}
		if c.JWKSURL == "" && c.TokenSigningKey == "" {
			problems = append(problems, "KW_JWKS_URL (or, for the User service, KW_TOKEN_SIGNING_KEY) is required when KW_ENV=cloud")
		}
		if c.SpannerEmulatorHost != "" || c.PubSubEmulatorHost != "" {
			problems = append(problems, "emulator hosts must not be set when KW_ENV=cloud")
		}
		if c.Push.Invoker == "" || c.Push.Token != "" {
			problems = append(problems, "KW_PUSH_INVOKER (the push service account) is required and KW_PUSH_TOKEN not allowed when KW_ENV=cloud")
		}
		if getenv("KW_BASE_URL") == "" {
			problems = append(problems, "KW_BASE_URL (the API's public URL, the base of push audiences) is required when KW_ENV=cloud")
		}
	}
	if len(problems) > 0 {
		return Config{}, fmt.Errorf("configuration is not valid:\n  - %s", strings.Join(problems, "\n  - "))
	}
	return c, nil
}

// loadMedia reads the Content service's variables, appending what is wrong
// to problems.
func loadMedia(get func(key, def string) string, problems []string) (Media, []string) {
	m := Media{
		Bucket:              get("KW_MEDIA_BUCKET", "kwipper-media"),
		ObjectPrefix:        get("KW_MEDIA_OBJECT_PREFIX", "media/local/"),
		StorageEmulatorHost: get("STORAGE_EMULATOR_HOST", ""),
		GCSSigningKey:       Secret(get("KW_GCS_SIGNING_KEY", "")),
		GCSSignerEmail:      get("KW_GCS_SIGNER_EMAIL", ""),
		CDNBaseURL:          strings.TrimRight(get("KW_MEDIA_CDN_BASE_URL", ""), "/"),
		URLSigningKey:       Secret(get("KW_URL_SIGNING_KEY", "")),
		URLSigningKeyName:   get("KW_URL_SIGNING_KEY_NAME", ""),
	}
	if !strings.HasSuffix(m.ObjectPrefix, "/") || strings.HasPrefix(m.ObjectPrefix, "/") {
		problems = append(problems, fmt.Sprintf("KW_MEDIA_OBJECT_PREFIX must end with / and not start with one, e.g. media/local/, not %q", m.ObjectPrefix))
	}
	if m.CDNBaseURL != "" && !strings.HasPrefix(m.CDNBaseURL, "https://") && !strings.HasPrefix(m.CDNBaseURL, "http://") {
		problems = append(problems, "KW_MEDIA_CDN_BASE_URL must be an http(s) URL")
	}
	if m.CDNBaseURL != "" && (m.URLSigningKey == "" || m.URLSigningKeyName == "") {
		problems = append(problems, "KW_MEDIA_CDN_BASE_URL needs KW_URL_SIGNING_KEY and KW_URL_SIGNING_KEY_NAME")
	}
	size := func(key, def string) int64 {
		n, err := strconv.ParseInt(get(key, def), 10, 64)
		if err != nil || n < 1 || n > 5<<40 {
			problems = append(problems, key+" must be a size in bytes between 1 and 5 TiB")
		}
		return n
	}
	// Headroom over the design's 90 MB videos and 10 MB files.
	m.MaxVideoSize = size("KW_MEDIA_MAX_VIDEO_BYTES", "262144000") // 250 MiB
	m.MaxFileSize = size("KW_MEDIA_MAX_FILE_BYTES", "52428800")    // 50 MiB
	ttl := func(key, def string) time.Duration {
		d, err := time.ParseDuration(get(key, def))
		if err != nil || d < 10*time.Second || d > 7*24*time.Hour {
			problems = append(problems, key+" must be a duration between 10s and 168h, e.g. 15m")
		}
		return d
	}
	m.UploadURLTTL = ttl("KW_MEDIA_UPLOAD_URL_TTL", "15m")
	m.DownloadURLTTL = ttl("KW_MEDIA_DOWNLOAD_URL_TTL", "10m")
	return m, problems
}
