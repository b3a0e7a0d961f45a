package user

import (
	"time"

	"github.com/kwipper/kwipper/shared/config"
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
