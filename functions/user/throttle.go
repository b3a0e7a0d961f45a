package user

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/kwipper/kwipper/shared/errs"
)

// Logging in costs memory: argon2id holds 19 MiB per hash. An instance at
// Cloud Run's concurrency of 80 answering 80 logins at once would need 1.5
// GiB, so hashing is bounded per instance (hashGate) and password guessing
// is limited per client address (addressLimiter, in memory per instance;
// Cloud Armor's rate limit on the login route does it across instances, see
// terraform/modules/global/lb.tf) and per account (LoginPolicy, persistent).

// hashGate lets at most cap(slots) password hashes run at once; a hash that
// cannot start within wait is refused (503, retry shortly) rather than
// queued without bound.
type hashGate struct {
	slots chan struct{}
	wait  time.Duration
}

func newHashGate(n int, wait time.Duration) *hashGate {
	return &hashGate{slots: make(chan struct{}, max(n, 1)), wait: wait}
}

var errHashBusy = &errs.Error{Kind: errs.Unavailable, Message: "too many logins at once: try again in a moment", RetryAfter: time.Second}

// do runs fn when a slot is free.
func (g *hashGate) do(ctx context.Context, fn func()) error {
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
	case <-t.C:
		return errHashBusy
	case <-ctx.Done():
		return errHashBusy
	}
	defer func() { <-g.slots }()
	fn()
	return nil
}

// addressLimiter counts failed logins per client address in a fixed window
// and refuses an address over max until its window ends.
type addressLimiter struct {
	max    int
	window time.Duration

	mu    sync.Mutex
	hits  map[string]addressHits
	sweep time.Time
}

type addressHits struct {
	n     int
	since time.Time
}

func newAddressLimiter(max int, window time.Duration) *addressLimiter {
	return &addressLimiter{max: max, window: window, hits: map[string]addressHits{}}
}

var errTooManyAttempts = errs.E(errs.TooManyRequests, "too many failed logins: try again later")

// allow reports whether addr may try now, or the error that says when.
func (l *addressLimiter) allow(addr string, now time.Time) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	h, ok := l.hits[addr]
	if !ok || now.Sub(h.since) >= l.window || h.n < l.max {
		return nil
	}
	e := *errTooManyAttempts
	e.RetryAfter = h.since.Add(l.window).Sub(now)
	return &e
}

// fail counts a failed login from addr.
func (l *addressLimiter) fail(addr string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.sweep) > l.window { // forget old windows: memory stays bounded
		for a, h := range l.hits {
			if now.Sub(h.since) >= l.window {
				delete(l.hits, a)
			}
		}
		l.sweep = now
	}
	h := l.hits[addr]
	if h.n == 0 || now.Sub(h.since) >= l.window {
		h = addressHits{since: now}
	}
	h.n++
	l.hits[addr] = h
}

// clientAddr is the caller's address: the connection's peer, or behind
// trusted proxies (hops > 0: Google's load balancer appends the client's
// address and its own to X-Forwarded-For), the entry hops from the right.
// Entries a client wrote itself sit further left and are ignored.
func clientAddr(r *http.Request, hops int) string {
	if hops > 0 {
		parts := strings.Split(r.Header.Get("X-Forwarded-For"), ",")
		if i := len(parts) - hops; i >= 0 && i < len(parts) {
			if a := strings.TrimSpace(parts[i]); a != "" {
				return a
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// LoginPolicy limits password guessing per account: after MaxFailures failed
// logins in a row the account refuses logins for Lockout.
type LoginPolicy struct {
	MaxFailures int
	Lockout     time.Duration
}

// loginLocked reports whether u refuses logins at now, with the error that
// says until when.
func (u User) loginLocked(now time.Time) error {
	if u.LockedUntil.After(now) {
		e := *errTooManyAttempts
		e.RetryAfter = u.LockedUntil.Sub(now)
		return &e
	}
	return nil
}

// loginFailed counts a failed login at now under p, locking the account after
// the last one allowed.
func (u *User) loginFailed(now time.Time, p LoginPolicy) {
	u.FailedLogins++
	if u.FailedLogins >= int64(p.MaxFailures) {
		u.FailedLogins, u.LockedUntil = 0, now.Add(p.Lockout)
	}
}
