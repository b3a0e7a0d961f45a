package user

import (
	"context"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kwipper/kwipper/shared/errs"
)

func TestHashGate_boundsConcurrencyAndRefusesWhenFull(t *testing.T) {
	g := newHashGate(2, 50*time.Millisecond)
	var in, peak atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_ = g.do(context.Background(), func() {
				n := in.Add(1)
				for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
				}
				<-release
				in.Add(-1)
			})
		}()
	}
	for in.Load() < 2 {
		time.Sleep(time.Millisecond)
	}
	// Both slots are taken: a third waits its 50 ms, then is refused.
	if err := g.do(context.Background(), func() { t.Error("ran past the bound") }); !errs.Is(err, errs.Unavailable) {
		t.Fatalf("third hash: %v, want Unavailable", err)
	}
	close(release)
	wg.Wait()
	if peak.Load() != 2 {
		t.Fatalf("peak %d hashes at once, want 2", peak.Load())
	}
	if err := g.do(context.Background(), func() {}); err != nil {
		t.Fatalf("a free slot refused: %v", err)
	}
}

func TestAddressLimiter_windowPerAddress(t *testing.T) {
	l := newAddressLimiter(3, time.Minute)
	now := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	for range 3 {
		if err := l.allow("a", now); err != nil {
			t.Fatal(err)
		}
		l.fail("a", now)
	}
	err := l.allow("a", now.Add(10*time.Second))
	var e *errs.Error
	if !errs.Is(err, errs.TooManyRequests) || !asErr(err, &e) || e.RetryAfter != 50*time.Second {
		t.Fatalf("fourth try: %v", err)
	}
	if err := l.allow("b", now); err != nil {
		t.Fatalf("another address: %v", err)
	}
	if err := l.allow("a", now.Add(time.Minute)); err != nil {
		t.Fatalf("after the window: %v", err)
	}
}

func asErr(err error, e **errs.Error) bool {
	x, ok := err.(*errs.Error)
	*e = x
	return ok
}

func TestClientAddr(t *testing.T) {
	r := httptest.NewRequest("POST", "/v1/sessions", nil)
	r.RemoteAddr = "10.0.0.9:5555"
	r.Header.Set("X-Forwarded-For", "6.6.6.6, 203.0.113.7, 35.191.0.1")
	for hops, want := range map[int]string{0: "10.0.0.9", 2: "203.0.113.7", 1: "35.191.0.1", 9: "10.0.0.9"} {
		if got := clientAddr(r, hops); got != want {
			t.Errorf("hops %d: %s, want %s", hops, got, want)
		}
	}
}

func TestLoginPolicy_locksAfterMaxFailures(t *testing.T) {
	p := LoginPolicy{MaxFailures: 3, Lockout: 15 * time.Minute}
	now := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
	var u User
	for i := range 3 {
		if err := u.loginLocked(now); err != nil {
			t.Fatalf("locked after %d failures", i)
		}
		u.loginFailed(now, p)
	}
	if err := u.loginLocked(now.Add(time.Minute)); !errs.Is(err, errs.TooManyRequests) {
		t.Fatalf("not locked after 3 failures: %v", err)
	}
	if err := u.loginLocked(now.Add(15 * time.Minute)); err != nil {
		t.Fatalf("still locked after the lockout: %v", err)
	}
}
