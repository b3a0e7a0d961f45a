package functions_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kwipper/kwipper/functions/devstack/apitest"
)

func key(k string) http.Header { return http.Header{"Idempotency-Key": {k}} }

// Creating POSTs take an Idempotency-Key with Stripe's semantics: a retry
// with the same key and body answers the first answer again (and creates
// nothing), the same key with another body is 409, a malformed key is 400,
// and without a key every request creates.
func TestIdempotencyKey_replaysTheFirstAnswer(t *testing.T) {
	e := apitest.Start(t)
	_, tutor := e.User("tutor@idem.test", "tutor")
	course := map[string]any{"title": "Tagalog 1", "description": "d", "price": map[string]any{"amount": 49900, "currency": "PHP"},
		"billing_interval": "month"}

	first := e.DoWith("POST", "/v1/courses", tutor, course, key("k-course-1"))
	again := e.DoWith("POST", "/v1/courses", tutor, course, key("k-course-1"))
	if first.Status != 201 || again.Status != 201 || string(first.Body) != string(again.Body) ||
		again.Header.Get("Idempotent-Replayed") != "true" || again.Header.Get("Location") != first.Header.Get("Location") {
		t.Fatalf("retry answered %d %s (%v), first %d %s", again.Status, again.Body, again.Header, first.Status, first.Body)
	}
	var c courseView
	first.JSON(t, &c)

	other := map[string]any{"title": "Tagalog 2", "description": "d", "price": map[string]any{"amount": 49900, "currency": "PHP"},
		"billing_interval": "month"}
	if r := e.DoWith("POST", "/v1/courses", tutor, other, key("k-course-1")); r.Status != 409 || !strings.Contains(string(r.Body), "Idempotency-Key") {
		t.Fatalf("same key, other body: %d %s", r.Status, r.Body)
	}
	if r := e.DoWith("POST", "/v1/courses", tutor, course, key(strings.Repeat("k", 256))); r.Status != 400 {
		t.Fatalf("a 256-character key: %d %s", r.Status, r.Body)
	}
	// A refused request wrote nothing and keeps no answer: corrected, it
	// may be sent again with the same key (as the web app's forms do).
	bad := map[string]any{"title": "", "description": "d", "price": map[string]any{"amount": 49900, "currency": "PHP"}, "billing_interval": "month"}
	if r := e.DoWith("POST", "/v1/courses", tutor, bad, key("k-course-fixed")); r.Status != 400 {
		t.Fatalf("a course without a title: %d %s", r.Status, r.Body)
	}
	if r := e.DoWith("POST", "/v1/courses", tutor, other, key("k-course-fixed")); r.Status != 201 || r.Header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("the corrected request with the same key: %d %s", r.Status, r.Body)
	}

	// Keys belong to their caller: another tutor's same key is a new request.
	_, other2 := e.User("tutor2@idem.test", "tutor")
	if r := e.DoWith("POST", "/v1/courses", other2, course, key("k-course-1")); r.Status != 201 || strings.Contains(string(r.Body), c.ID) {
		t.Fatalf("another caller's same key: %d %s", r.Status, r.Body)
	}

	// An item added twice with one key is one item.
	item := map[string]any{"kind": "text", "title": "Kumusta", "body": "Kumusta ka?"}
	for range 3 {
		if r := e.DoWith("POST", "/v1/courses/"+c.ID+"/items", tutor, item, key("k-item-1")); r.Status != 201 {
			t.Fatalf("item: %d %s", r.Status, r.Body)
		}
	}
	var items struct{ Items []struct{ ID string } }
	e.Must(200, "GET", "/v1/courses/"+c.ID+"/items", tutor, nil).JSON(t, &items)
	if len(items.Items) != 1 {
		t.Fatalf("%d items after three requests with one key", len(items.Items))
	}

	// Registering twice with one key answers the account, not "exists".
	reg := map[string]any{"email": "sari@idem.test", "password": apitest.Password, "display_name": "Sari", "roles": []string{"learner"}, "country": "ID"}
	a := e.DoWith("POST", "/v1/users", "", reg, key("k-register-sari"))
	b := e.DoWith("POST", "/v1/users", "", reg, key("k-register-sari"))
	if a.Status != 201 || b.Status != 201 || string(a.Body) != string(b.Body) {
		t.Fatalf("register twice with one key: %d %s / %d %s", a.Status, a.Body, b.Status, b.Body)
	}
	if r := e.Do("POST", "/v1/users", "", reg); r.Status != 409 {
		t.Fatalf("register again without a key: %d %s", r.Status, r.Body)
	}
}

// A handler answers from what its own transaction produced: under load the
// emulator loses transactions (503, nothing written), but no request that
// answered an error has written anything, and a client that retries its
// 503s with the same Idempotency-Key ends with exactly one item per request.
// (Before, 20 concurrent adds answered 15 errors while 10 of those items
// existed: the handler re-read after its commit and that read failed.)
func TestConcurrentItemAdds_answerWhatCommitted(t *testing.T) {
	e := apitest.Start(t)
	_, tutor := e.User("tutor@busy.test", "tutor")
	var c courseView
	e.Must(201, "POST", "/v1/courses", tutor, map[string]any{"title": "Busy", "description": "", "price": map[string]any{"amount": 1500, "currency": "JPY"},
		"billing_interval": "month"}).JSON(t, &c)
	const n = 20
	var wg sync.WaitGroup
	created := make([]string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := map[string]any{"kind": "text", "title": fmt.Sprintf("Item %02d", i), "body": "b"}
			for try := 0; try < 20; try++ {
				r := e.DoWith("POST", "/v1/courses/"+c.ID+"/items", tutor, body, key(fmt.Sprintf("item-%d", i)))
				if r.Status == 201 {
					var it struct{ ID string }
					r.JSON(t, &it)
					created[i] = it.ID
					return
				}
				if r.Status != 503 && r.Status != 409 {
					t.Errorf("item %d: %d %s", i, r.Status, r.Body)
					return
				}
				time.Sleep(time.Duration(try+1) * 50 * time.Millisecond)
			}
			t.Errorf("item %d never created", i)
		}()
	}
	wg.Wait()
	var items struct {
		Items []struct{ ID, Title string }
	}
	e.Must(200, "GET", "/v1/courses/"+c.ID+"/items", tutor, nil).JSON(t, &items)
	seen := map[string]bool{}
	for _, it := range items.Items {
		if seen[it.Title] {
			t.Errorf("%q exists twice", it.Title)
		}
		seen[it.Title] = true
	}
	if len(items.Items) != n {
		t.Fatalf("%d items, want %d", len(items.Items), n)
	}
	for i, id := range created {
		found := false
		for _, it := range items.Items {
			found = found || it.ID == id
		}
		if !found {
			t.Errorf("request %d answered item %s, which does not exist", i, id)
		}
	}
}

// Answers the router gives itself are JSON errors too, and malformed path
// ids are refused before they reach a handler, for anyone.
func TestRouterErrors_areJSON(t *testing.T) {
	e := apitest.Start(t)
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/v1/nothing-here", 404},
		{"DELETE", "/v1/courses", 405},
		{"GET", "/v1/courses/%FF", 400},
		{"GET", "/v1/courses/%C3%28/items", 400},
		{"GET", "/v1/subscriptions/" + strings.Repeat("a", 100), 401}, // authentication comes first
	} {
		r := e.Do(tc.method, tc.path, "", nil)
		if r.Status != tc.status || r.Header.Get("Content-Type") != "application/json" || !strings.Contains(string(r.Body), `"error"`) {
			t.Errorf("%s %s: %d %q %s", tc.method, tc.path, r.Status, r.Header.Get("Content-Type"), r.Body)
		}
		if tc.status == 405 && r.Header.Get("Allow") == "" {
			t.Errorf("405 without Allow")
		}
	}
}
