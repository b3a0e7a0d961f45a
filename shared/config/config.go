// Package config is Kwipper's typed configuration: loaded once from the
// environment at start-up, validated, failing fast with a message that names
// every bad variable. Nothing below the wiring reads the environment.
package config

import (
	"crypto/rand"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/kwipper/kwipper/shared/logging"
)

// Config is the platform's configuration, what every Kwipper process needs.
// Each service loads its own settings (Stripe keys, media limits, the saga's
// timeouts) beside its code, with a Reader from fnreg.Deps.Env.
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
	// RevocationsURL is where verifiers fetch the token revocation list
	// (KW_TOKEN_REVOCATIONS_URL; default: /v1/token-revocations beside the
	// JWKS URL). Empty: the process reads the User service's list in
	// process when it serves it, else checks none.
	RevocationsURL string
	// RevocationsRefresh is how long a verifier keeps the revocation list
	// before fetching it again: how long a revoked token may still pass
	// (KW_TOKEN_REVOCATIONS_REFRESH, default 10s).
	RevocationsRefresh time.Duration
	// BaseURL is the public base URL of the API (push endpoints hang off it,
	// and it is the base of their OIDC audiences).
	BaseURL string
	// Push says how Pub/Sub push deliveries prove where they come from.
	Push Push
	// Tracing says where OpenTelemetry spans go.
	Tracing Tracing
	// CatalogStaleness bounds how stale public reads (the catalog, courses
	// and content read by the public) may be, so they can be served by the
	// nearest replica (0: strong reads).
	CatalogStaleness time.Duration
	// EmulatorHosts are set when the Spanner and Pub/Sub emulators are used.
	SpannerEmulatorHost, PubSubEmulatorHost string
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

// Load reads the platform's configuration from getenv (os.Getenv in
// production) and validates it, naming every variable that is wrong.
func Load(getenv func(string) string) (Config, error) {
	r := NewReader(getenv)
	c := Config{
		Env:                 r.String("KW_ENV", "local"),
		Project:             r.String("KW_PROJECT", "kwipper-local"),
		SpannerInstance:     r.String("KW_SPANNER_INSTANCE", "kwipper"),
		Port:                r.String("PORT", "8080"),
		FunctionTarget:      r.String("FUNCTION_TARGET", ""),
		TokenIssuer:         r.String("KW_TOKEN_ISSUER", "https://kwipper.local"),
		TokenSigningKey:     r.Secret("KW_TOKEN_SIGNING_KEY"),
		JWKSURL:             r.String("KW_JWKS_URL", ""),
		SpannerEmulatorHost: r.String("SPANNER_EMULATOR_HOST", ""),
		PubSubEmulatorHost:  r.String("PUBSUB_EMULATOR_HOST", ""),
	}
	c.BaseURL = strings.TrimRight(r.String("KW_BASE_URL", "http://127.0.0.1:"+c.Port), "/")
	c.Push = Push{Invoker: r.String("KW_PUSH_INVOKER", ""), JWKSURL: r.String("KW_PUSH_JWKS_URL", "https://www.googleapis.com/oauth2/v3/certs"),
		Token: r.Secret("KW_PUSH_TOKEN")}
	if c.Push.Invoker == "" && c.Push.Token == "" && c.Env == "local" {
		c.Push.Token = Secret(rand.Text())
	}
	if c.Env != "local" && c.Env != "cloud" {
		r.Problemf("KW_ENV must be local or cloud, not %q", c.Env)
	}
	if lvl, ok := logging.ParseLevel(r.String("KW_LOG_LEVEL", "info")); ok {
		c.LogLevel = lvl
	} else {
		r.Problemf("KW_LOG_LEVEL must be debug, info, warn or error")
	}
	if p, err := strconv.Atoi(c.Port); err != nil || p <= 0 || p > 65535 {
		r.Problemf("PORT must be a port number, not %q", c.Port)
	}
	c.TokenTTL = r.Duration("KW_TOKEN_TTL", "15m", time.Minute, 24*time.Hour)
	defRevocations := ""
	if base, ok := strings.CutSuffix(c.JWKSURL, "/.well-known/jwks.json"); ok {
		defRevocations = base + "/v1/token-revocations"
	}
	c.RevocationsURL = r.String("KW_TOKEN_REVOCATIONS_URL", defRevocations)
	c.RevocationsRefresh = r.Duration("KW_TOKEN_REVOCATIONS_REFRESH", "10s", 0, 5*time.Minute)
	defStale, defRate := "0s", "1"
	if c.Env == "cloud" {
		defStale, defRate = "10s", "0.1"
	}
	c.CatalogStaleness = r.Duration("KW_CATALOG_STALENESS", defStale, 0, time.Hour)
	c.Tracing = Tracing{OTLPEndpoint: r.String("KW_OTLP_ENDPOINT", ""), Insecure: r.Bool("KW_OTLP_INSECURE", false)}
	if rate, err := strconv.ParseFloat(r.String("KW_TRACE_SAMPLE_RATE", defRate), 64); err == nil && rate >= 0 && rate <= 1 {
		c.Tracing.SampleRate = rate
	} else {
		r.Problemf("KW_TRACE_SAMPLE_RATE must be a number between 0 and 1, e.g. 0.1")
	}
	if c.Env == "cloud" {
		if !r.Set("KW_PROJECT") {
			r.Problemf("KW_PROJECT is required when KW_ENV=cloud")
		}
		if c.JWKSURL == "" && c.TokenSigningKey == "" {
			r.Problemf("KW_JWKS_URL (or, for the User service, KW_TOKEN_SIGNING_KEY) is required when KW_ENV=cloud")
		}
		if c.SpannerEmulatorHost != "" || c.PubSubEmulatorHost != "" {
			r.Problemf("emulator hosts must not be set when KW_ENV=cloud")
		}
		if c.Push.Invoker == "" || c.Push.Token != "" {
			r.Problemf("KW_PUSH_INVOKER (the push service account) is required and KW_PUSH_TOKEN not allowed when KW_ENV=cloud")
		}
		if !r.Set("KW_BASE_URL") {
			r.Problemf("KW_BASE_URL (the API's public URL, the base of push audiences) is required when KW_ENV=cloud")
		}
	}
	if err := r.Err(); err != nil {
		return Config{}, err
	}
	return c, nil
}
