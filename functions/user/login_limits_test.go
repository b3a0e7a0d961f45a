package user_test

import (
	"fmt"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kwipper/kwipper/functions/devstack/apitest"
)

func login(email, password string) map[string]string {
	return map[string]string{"email": email, "password": password}
}

// retryAfter is the Retry-After header in whole seconds, failing the test
// when it is missing.
func retryAfter(t *testing.T, r apitest.Response) int {
	t.Helper()
	n, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || n < 1 {
		t.Fatalf("status %d without a usable Retry-After (%q): %s", r.Status, r.Header.Get("Retry-After"), r.Body)
	}
	return n
}

// Password guessing against one account: after KW_LOGIN_MAX_FAILURES wrong
// passwords in a row the account answers 429 with Retry-After, even to the
// right password, until the lockout ends; then the right password logs in
// and the count starts again. Another account is not affected.
func TestLogin_accountLocksAfterRepeatedFailuresThenRecovers(t *testing.T) {
	e := apitest.Start(t, apitest.Setenv("KW_LOGIN_MAX_FAILURES", "3"), apitest.Setenv("KW_LOGIN_LOCKOUT", "2s"))
	e.User("victim@limits.test", "learner")
	e.User("bystander@limits.test", "learner")

	// A success in between resets the count: two failures, a success, two
	// failures lock nothing.
	for _, pw := range []string{"wrong-1", "wrong-2", apitest.Password, "wrong-3", "wrong-4"} {
		want := 401
		if pw == apitest.Password {
			want = 200
		}
		e.Must(want, "POST", "/v1/sessions", "", login("victim@limits.test", pw))
	}
	e.Must(401, "POST", "/v1/sessions", "", login("victim@limits.test", "wrong-5"))
	r := e.Must(429, "POST", "/v1/sessions", "", login("victim@limits.test", apitest.Password))
	if n := retryAfter(t, r); n > 2 {
		t.Fatalf("Retry-After %d s for a 2 s lockout", n)
	}
	if r.Error(t).Error.Code != "too_many_requests" {
		t.Fatalf("locked answer: %s", r.Body)
	}
	e.Must(200, "POST", "/v1/sessions", "", login("bystander@limits.test", apitest.Password))

	// Waiting out the lockout: refusals while locked add nothing to it.
	e.Eventually("the lockout to end", 10*time.Second, func() bool {
		return e.Do("POST", "/v1/sessions", "", login("victim@limits.test", apitest.Password)).Status == 200
	})
	// The count starts again from zero: two failures do not lock.
	e.Must(401, "POST", "/v1/sessions", "", login("victim@limits.test", "wrong-6"))
	e.Must(401, "POST", "/v1/sessions", "", login("victim@limits.test", "wrong-7"))
	e.Must(200, "POST", "/v1/sessions", "", login("victim@limits.test", apitest.Password))
}

// Guessing across accounts from one address: after KW_LOGIN_ADDRESS_FAILURES
// failed logins the address gets 429 with Retry-After for the rest of its
// window, whatever X-Forwarded-For it writes (locally the connection's peer
// is the address; in the cloud only the load balancer's entries count).
// Registering and logging in from it with the right password is refused too
// while it waits; nothing about the accounts changes.
func TestLogin_addressLimitedAcrossAccounts(t *testing.T) {
	e := apitest.Start(t, apitest.Setenv("KW_LOGIN_ADDRESS_FAILURES", "4"), apitest.Setenv("KW_LOGIN_ADDRESS_WINDOW", "1h"))
	e.User("real@limits.test", "learner")
	for i := range 4 {
		e.Must(401, "POST", "/v1/sessions", "", login(fmt.Sprintf("guess-%d@limits.test", i), "password-guess"))
	}
	r := e.Must(429, "POST", "/v1/sessions", "", login("guess-9@limits.test", "password-guess"))
	if n := retryAfter(t, r); n > 3600 || n < 3500 {
		t.Fatalf("Retry-After %d s, want the rest of the hour", n)
	}
	spoof := e.DoWith("POST", "/v1/sessions", "", login("guess-10@limits.test", "password-guess"),
		http.Header{"X-Forwarded-For": {"198.51.100.7"}})
	if spoof.Status != 429 {
		t.Fatalf("a spoofed X-Forwarded-For escaped the limit: %d %s", spoof.Status, spoof.Body)
	}
	e.Must(429, "POST", "/v1/sessions", "", login("real@limits.test", apitest.Password))
}

// A login flood cannot exhaust an instance's memory: argon2id needs 19 MiB
// per hash, so 80 logins at once (Cloud Run's concurrency) would need 1.5
// GiB; the hash gate lets KW_LOGIN_HASH_CONCURRENCY (4) run and answers the
// rest 503 with Retry-After when no slot frees within KW_LOGIN_HASH_WAIT.
// Every answer is a 401 or such a 503, and the heap stays within the bound.
func TestLogin_floodKeepsMemoryBounded(t *testing.T) {
	e := apitest.Start(t, apitest.Setenv("KW_LOGIN_ADDRESS_FAILURES", "100000"), apitest.Setenv("KW_LOGIN_HASH_WAIT", "500ms"))
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	const n = 80
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		counts = map[int]int{}
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := e.Do("POST", "/v1/sessions", "", login(fmt.Sprintf("flood-%d@limits.test", i), "password-guess"))
			if r.Status == 503 {
				retryAfter(t, r)
			}
			mu.Lock()
			counts[r.Status]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	close(stop)
	<-sampled
	grew := float64(peak.Load()-min(peak.Load(), base.HeapInuse)) / (1 << 20)
	t.Logf("%d concurrent logins: answers %v, heap in use grew by at most %.0f MiB", n, counts, grew)
	if counts[401]+counts[503] != n || counts[401] == 0 {
		t.Fatalf("answers %v: want only 401 and 503, some 401", counts)
	}
	if grew > 400 {
		t.Fatalf("heap grew by %.0f MiB under the flood: the hash gate does not bound it", grew)
	}
}
