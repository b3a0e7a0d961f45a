package user

import (
	netmail "net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/kwipper/kwipper/shared/config"
	"github.com/kwipper/kwipper/shared/mail"
)

// Limits are the User service's defences against password guessing and
// login floods, loaded from its environment (loadLimits).
type Limits struct {
	// HashConcurrency bounds password hashes running at once per instance
	// (KW_LOGIN_HASH_CONCURRENCY, default 4: 76 MiB of argon2id).
	HashConcurrency int
	// HashWait is how long a login waits for a free slot before it is
	// answered 503 with Retry-After (KW_LOGIN_HASH_WAIT, default 2s).
	HashWait time.Duration
	// Account locks an account after KW_LOGIN_MAX_FAILURES failed logins in
	// a row (default 5) for KW_LOGIN_LOCKOUT (default 15m).
	Account LoginPolicy
	// AddressFailures failed logins per client address within AddressWindow
	// make that address wait for the window's end
	// (KW_LOGIN_ADDRESS_FAILURES, default 20; KW_LOGIN_ADDRESS_WINDOW, 10m).
	AddressFailures int
	AddressWindow   time.Duration
	// ClientAddrHops says where the client's address is: 0 the connection's
	// peer (local), n the n-th X-Forwarded-For entry from the right behind
	// trusted proxies (KW_CLIENT_ADDR_HOPS; 2 in the cloud, where Google's
	// load balancer appends the client's address and its own).
	ClientAddrHops int
}

func loadLimits(r *config.Reader, cloud bool) Limits {
	hops := "0"
	if cloud {
		hops = "2"
	}
	return Limits{
		HashConcurrency: int(r.Int("KW_LOGIN_HASH_CONCURRENCY", "4", 1, 64)),
		HashWait:        r.Duration("KW_LOGIN_HASH_WAIT", "2s", 0, time.Minute),
		Account: LoginPolicy{MaxFailures: int(r.Int("KW_LOGIN_MAX_FAILURES", "5", 1, 100)),
			Lockout: r.Duration("KW_LOGIN_LOCKOUT", "15m", time.Second, 24*time.Hour)},
		AddressFailures: int(r.Int("KW_LOGIN_ADDRESS_FAILURES", "20", 1, 100000)),
		AddressWindow:   r.Duration("KW_LOGIN_ADDRESS_WINDOW", "10m", time.Second, 24*time.Hour),
		ClientAddrHops:  int(r.Int("KW_CLIENT_ADDR_HOPS", hops, 0, 10)),
	}
}

// MailSettings are how the User service sends email (verification,
// password reset) through the mail port (shared/mail).
type MailSettings struct {
	// APIBase is the provider's API (KW_MAIL_API_BASE, default SendGrid's;
	// the dev stack's mailbox locally).
	APIBase string
	// Key is the provider's API key (KW_MAIL_API_KEY, a secret from Secret
	// Manager; required in the cloud). Without it outside the cloud, mail
	// is only logged (recipient and subject, never the link).
	Key config.Secret
	// From is the sender (KW_MAIL_FROM).
	From string
	// LinkBase is where the links in emails point: the web app
	// (KW_WEB_URL, default the API's base URL, which serves it).
	LinkBase string
	// VerifyTTL and ResetTTL are how long a verification link
	// (KW_EMAIL_VERIFY_TTL, 48h) and a password-reset link
	// (KW_PASSWORD_RESET_TTL, 30m) work.
	VerifyTTL, ResetTTL time.Duration
	// ResendAfter is how long after sending one the same kind of email is
	// not sent again to the same account (KW_MAIL_RESEND_AFTER, 1m).
	ResendAfter time.Duration
}

func loadMail(r *config.Reader, cloud bool, baseURL string) MailSettings {
	m := MailSettings{APIBase: r.String("KW_MAIL_API_BASE", mail.DefaultAPIBase), Key: r.Secret("KW_MAIL_API_KEY"),
		From: r.String("KW_MAIL_FROM", "Kwipper <no-reply@kwipper.example>"), LinkBase: strings.TrimRight(r.String("KW_WEB_URL", baseURL), "/"),
		VerifyTTL:   r.Duration("KW_EMAIL_VERIFY_TTL", "48h", time.Minute, 30*24*time.Hour),
		ResetTTL:    r.Duration("KW_PASSWORD_RESET_TTL", "30m", time.Minute, 24*time.Hour),
		ResendAfter: r.Duration("KW_MAIL_RESEND_AFTER", "1m", 0, time.Hour)}
	if u, err := url.Parse(m.APIBase); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		r.Problemf("KW_MAIL_API_BASE must be an http(s) URL, e.g. %s", mail.DefaultAPIBase)
	}
	if _, err := netmail.ParseAddress(m.From); err != nil {
		r.Problemf("KW_MAIL_FROM must be an address such as \"Kwipper <no-reply@kwipper.com>\"")
	}
	if cloud && m.Key == "" {
		r.Problemf("KW_MAIL_API_KEY is required when KW_ENV=cloud (the mail provider's key, from Secret Manager)")
	}
	return m
}
