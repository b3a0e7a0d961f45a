package functions_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kwipper/kwipper/functions"
	"github.com/kwipper/kwipper/functions/billing"
	"github.com/kwipper/kwipper/functions/devstack/apitest"
	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/fnreg"
)

// caller is one kind of client the matrix tries every route as.
type caller struct {
	name  string
	token string
	// badToken: a token no route may accept (401 everywhere).
	badToken bool
	// roles the token carries (none: anonymous).
	roles []auth.Role
	// owner of the fixture's course, subscriber of its subscription.
	owner, subscriber bool
	// unknown: a validly signed token of a user that does not exist.
	unknown bool
}

// The authorization matrix, generated from the function table: every route
// of every function (a route added tomorrow is covered the day it is
// added) × anonymous, a learner, the subscribed learner, another tutor, the
// owner tutor, an expired token, one signed by another key, one with alg
// none, one with tampered claims, and a validly signed token of a user that
// does not exist. What each may get follows from the route's access level
// and the ids in its path:
//   - a token that does not verify: 401 on every route (public ones too:
//     a token sent is a token checked); Pub/Sub push routes refuse every
//     user token (401/403);
//   - no token: 401 unless the route is public;
//   - the wrong role: 403;
//   - a caller who is not the owner of the ids in the path (another tutor,
//     a learner without the subscription, the unknown user): never a 2xx
//     on a route that is not public;
//   - the owner or subscriber: never 401/403 on a GET of what is theirs;
//   - nobody: a 5xx.
//
// The refused requests run first, and afterwards everything the fixture
// owns reads exactly as before: a refusal changed nothing.
func TestAuthorizationMatrix(t *testing.T) {
	e := apitest.Start(t)
	ownerID, owner := e.User("owner@authz.test", "tutor")
	_, otherTutor := e.User("other@authz.test", "tutor")
	_, learner := e.User("learner@authz.test", "learner")
	_, subscriber := e.User("subscriber@authz.test", "learner")

	var course, text, video struct{ ID string }
	e.Must(201, "POST", "/v1/courses", owner, map[string]any{"title": "Matrix", "description": "d",
		"price": map[string]any{"amount": 150000, "currency": "MXN"}, "billing_interval": "month"}).JSON(t, &course)
	e.Must(201, "POST", "/v1/courses/"+course.ID+"/items", owner, map[string]any{"kind": "text", "title": "Hola", "body": "¡Hola!"}).JSON(t, &text)
	e.Must(201, "POST", "/v1/courses/"+course.ID+"/items", owner, map[string]any{"kind": "video", "title": "Video"}).JSON(t, &video)
	upload := e.UploadPlaceholder(owner, course.ID, video.ID, "video")
	e.Eventually("the course publishes", 30*time.Second, func() bool {
		return e.Do("POST", "/v1/courses/"+course.ID+"/publish", owner, nil).Status == 200
	})
	e.Must(201, "POST", "/v1/billing/payment-methods", subscriber, map[string]string{"payment_method_id": "pm_card_visa"})
	var sub struct{ ID, Status string }
	e.Must(202, "POST", "/v1/subscriptions", subscriber, map[string]string{"course_id": course.ID}).JSON(t, &sub)
	e.Eventually("the subscription is active", 60*time.Second, func() bool {
		e.Must(200, "GET", "/v1/subscriptions/"+sub.ID, subscriber, nil).JSON(t, &sub)
		return sub.Status == "active"
	})
	// The course counts the subscriber once subscription.activated reaches
	// it: wait, so the snapshot below is settled.
	e.Eventually("the course counts its subscriber", 30*time.Second, func() bool {
		var c struct {
			SubscriberCount int `json:"subscriber_count"`
		}
		e.Must(200, "GET", "/v1/courses/"+course.ID, owner, nil).JSON(t, &c)
		return c.SubscriberCount == 1
	})
	e.Eventually("the subscriber may report progress", 30*time.Second, func() bool {
		return e.Do("GET", "/v1/courses/"+course.ID+"/items/"+video.ID+"/progress", subscriber, nil).Status == 200
	})

	var wallet struct {
		Methods []struct{ ID string } `json:"payment_methods"`
	}
	e.Must(200, "GET", "/v1/billing/payment-methods", subscriber, nil).JSON(t, &wallet)
	if len(wallet.Methods) == 0 {
		t.Fatal("the subscriber has no saved payment method")
	}
	ids := map[string]string{"courseId": course.ID, "itemId": video.ID, "subscriptionId": sub.ID, "uploadId": upload, "file": "main.js",
		"paymentMethodId": wallet.Methods[0].ID, "paymentId": billing.PaymentID(sub.ID), "language": "en"}
	signer := e.App.Signer
	expired, _, _ := signer.Issue(ownerID, []auth.Role{auth.Tutor}, time.Now().Add(-time.Hour))
	otherKey, _ := auth.GenerateKey()
	wrongKey, _, _ := auth.Signer{Key: auth.SigningKey{KID: signer.Key.KID, Private: otherKey.Private}, Issuer: e.Cfg.TokenIssuer, TTL: time.Minute}.
		Issue(ownerID, []auth.Role{auth.Tutor}, time.Now())
	unknown, _, _ := signer.Issue("00000000-0000-4000-8000-00000000dead", []auth.Role{auth.Tutor, auth.Learner}, time.Now())
	callers := []caller{
		{name: "anonymous"},
		{name: "learner", token: learner, roles: []auth.Role{auth.Learner}},
		{name: "subscriber", token: subscriber, roles: []auth.Role{auth.Learner}, subscriber: true},
		{name: "other_tutor", token: otherTutor, roles: []auth.Role{auth.Tutor}},
		{name: "owner", token: owner, roles: []auth.Role{auth.Tutor}, owner: true},
		{name: "expired", token: expired, badToken: true},
		{name: "wrong_key", token: wrongKey, badToken: true},
		{name: "alg_none", token: algNone(t, owner), badToken: true},
		{name: "tampered", token: tampered(t, learner), badToken: true},
		{name: "unknown_user", token: unknown, roles: []auth.Role{auth.Tutor, auth.Learner}, unknown: true},
	}
	// A forged token is worth nothing even when its signature is fine
	// otherwise: sanity-check the helpers against a route anyone may call.
	for _, c := range callers[5:9] {
		if r := e.Do("GET", "/v1/users/me", c.token, nil); r.Status != 401 {
			t.Fatalf("%s token answered %d on /v1/users/me", c.name, r.Status)
		}
	}

	// A valid request for every route that takes a body: a refusal then
	// comes from who calls, not from what was sent. The owner's and the
	// subscriber's own requests change nothing they own that the snapshot
	// reads, or run after it (mine).
	now := time.Now().UTC().Format(time.RFC3339)
	valid := map[string]any{
		"content-caption-put":            "WEBVTT\n\n00:00.000 --> 00:01.000\nHello\n",
		"billing-default-payment-method": nil,
		"user-register":                  map[string]any{"email": "new@authz.test", "password": apitest.Password, "display_name": "New", "roles": []string{"learner"}, "country": "MX"},
		"user-login":                     map[string]any{"email": "learner@authz.test", "password": apitest.Password},
		"user-update-me":                 map[string]any{"country": "PH"},
		"course-create":                  map[string]any{"title": "Another", "description": "d", "price": map[string]any{"amount": 150000, "currency": "MXN"}, "billing_interval": "month"},
		"course-update":                  map[string]any{"title": "Matrix"},
		"course-publish":                 nil,
		"course-unpublish":               nil,
		"course-item-add":                map[string]any{"kind": "text", "title": "Another", "body": "b"},
		"course-item-update":             map[string]any{"title": "Video"},
		"course-item-reorder":            map[string]any{"item_ids": []string{text.ID, video.ID}},
		"content-upload-start":           map[string]any{"content_type": "video/mp4", "size": 4096},
		"subscribe-create":               map[string]any{"course_id": course.ID},
		"subscribe-cancel":               nil,
		"subscribe-refund":               nil,
		"subscribe-cancel-at-period-end": nil,
		"subscribe-resume":               nil,
		"billing-save-card":              map[string]any{"payment_method_id": "pm_card_visa"},
		"billing-setup-intent":           nil,
		"billing-webhook":                map[string]any{"id": "evt_matrix", "type": "payment_intent.succeeded"},
		"progress-report":                map[string]any{"position_seconds": 1, "duration_seconds": 10, "client_time": now},
		// A well-formed refresh token of no session (400): a real one
		// would rotate for the first caller and count as reused after.
		"user-refresh": map[string]any{"refresh_token": "kwr1.nobody.nosession.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
		// A wrong current password (403 for every caller with a token): a
		// right one would end every session of the caller mid-matrix.
		"user-change-password": map[string]any{"current_password": "not-the-password-1", "new_password": "another-horse-77"},
		// Email links: a well-formed token nobody was sent (400), and a
		// reset asked for an address without an account (202, no email).
		"user-send-email-verification": nil,
		"user-verify-email":            map[string]any{"token": "kwe1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
		"user-request-password-reset":  map[string]any{"email": "nobody@authz.test"},
		"user-reset-password":          map[string]any{"token": "kwe1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "new_password": "another-horse-77"},
	}

	before := snapshot(e, owner, subscriber, course.ID, video.ID, upload, sub.ID)
	type outcome struct{ route, caller string }
	statuses := map[outcome]int{}
	type ownRequest struct {
		order int // reads before writes, the subscriber before the owner, removals last
		run   func()
	}
	var entitled []ownRequest
	requests, fiveXX := 0, 0
	for _, s := range functions.Table() {
		method, path := s.Method, s.Path
		if s.Trigger == fnreg.PubSub {
			method, path = "POST", fnreg.PushPath(s.Name)
		}
		path = strings.TrimSuffix(path, "{$}")
		for _, p := range fnreg.PathParams(path) {
			path = strings.ReplaceAll(path, "{"+p+"}", ids[p])
		}
		var body any
		if method != "GET" && method != "DELETE" && s.Trigger == fnreg.HTTP {
			b, ok := valid[s.Name]
			if !ok {
				t.Errorf("%s takes a body: give the matrix a valid one (valid in %s), so that it tests who may call it rather than the body's checks", s.Name, "authz_matrix_test.go")
				continue
			}
			body = b
		}
		for _, c := range callers {
			want, mine := expect(s, c)
			if mine {
				// The owner's and the subscriber's own requests run last
				// (they may change what they own: cancel, remove).
				order := 0
				if method != "GET" {
					order += 2
				}
				if method == "DELETE" {
					order += 4
				}
				if c.owner {
					order++
				}
				if strings.HasPrefix(s.Path, "/v1/sessions") || s.Name == "user-delete-me" {
					order += 8 // ending the caller's sessions or account: after everything else
				}
				entitled = append(entitled, ownRequest{order, func() {
					r := e.Do(method, path, c.token, body)
					requests++
					statuses[outcome{s.Name, c.name}] = r.Status
					if r.Status >= 500 || r.Status == 401 || (method == "GET" && (r.Status == 403 || r.Status == 404)) {
						t.Errorf("%s %s as %s (entitled): %d %s", method, s.Path, c.name, r.Status, r.Body)
					}
				}})
				continue
			}
			r := e.Do(method, path, c.token, body)
			requests++
			statuses[outcome{s.Name, c.name}] = r.Status
			if r.Status >= 500 {
				fiveXX++
			}
			if !want(r.Status) {
				t.Errorf("%s %s as %s: %d %s", method, s.Path, c.name, r.Status, r.Body)
			}
		}
	}
	if after := snapshot(e, owner, subscriber, course.ID, video.ID, upload, sub.ID); !slices.Equal(before, after) {
		for i := range before {
			if before[i] != after[i] {
				t.Errorf("a refused request changed what the fixture owns:\nbefore %s\nafter  %s", before[i], after[i])
			}
		}
	}
	slices.SortStableFunc(entitled, func(a, b ownRequest) int { return a.order - b.order })
	for _, r := range entitled {
		r.run()
	}
	if testing.Verbose() {
		for _, s := range functions.Table() {
			line := fmt.Sprintf("%-32s", s.Name)
			for _, c := range callers {
				line += fmt.Sprintf(" %s=%d", c.name, statuses[outcome{s.Name, c.name}])
			}
			t.Log(line)
		}
	}
	t.Logf("authorization matrix: %d routes × %d callers, %d requests, %d answered 5xx", len(functions.Table()), len(callers), requests, fiveXX)
}

// expect says which statuses caller c may get from function s, or mine when
// c owns what the route names (checked separately).
func expect(s fnreg.Spec, c caller) (ok func(int) bool, mine bool) {
	is := func(codes ...int) func(int) bool { return func(st int) bool { return slices.Contains(codes, st) } }
	not2xx := func(st int) bool { return (st < 200 || st > 299) && st < 500 }
	switch {
	case s.Trigger == fnreg.PubSub:
		return is(401, 403), false
	case c.badToken:
		return is(401), false
	case s.Access == fnreg.Public:
		return func(st int) bool { return st != 401 && st != 403 && st < 500 }, false
	case c.token == "":
		return is(401), false
	case s.Access == fnreg.Tutor && !slices.Contains(c.roles, auth.Tutor),
		s.Access == fnreg.Learner && !slices.Contains(c.roles, auth.Learner):
		return is(403), false
	}
	params := fnreg.PathParams(s.Path)
	switch {
	case slices.Contains(params, "subscriptionId"), slices.Contains(params, "paymentMethodId"), slices.Contains(params, "paymentId"):
		return not2xx, c.subscriber
	case slices.Contains(params, "courseId") && s.Access == fnreg.Tutor:
		return not2xx, c.owner
	case slices.Contains(params, "courseId"):
		return not2xx, c.owner || c.subscriber
	}
	// A route about the caller only (their profile, their subscriptions,
	// what they create): theirs, unless they do not exist.
	if c.unknown {
		return func(st int) bool { return st < 500 }, false
	}
	return nil, true
}

// snapshot is what the fixture's owner and subscriber read of what they own.
func snapshot(e *apitest.Env, owner, subscriber, course, item, upload, sub string) []string {
	var out []string
	for _, r := range []struct{ path, token string }{
		{"/v1/courses/" + course, owner},
		{"/v1/courses/" + course + "/items", owner},
		{"/v1/courses/" + course + "/items/" + item + "/uploads/" + upload, owner},
		{"/v1/users/me", owner},
		{"/v1/subscriptions/" + sub, subscriber},
		{"/v1/subscriptions", subscriber},
		{"/v1/courses/" + course + "/items/" + item + "/progress", subscriber},
		{"/v1/users/me", subscriber},
		{"/v1/courses", ""},
	} {
		resp := e.Do("GET", r.path, r.token, nil)
		var v any
		_ = json.Unmarshal(resp.Body, &v)
		b, _ := json.Marshal(v)
		out = append(out, fmt.Sprintf("%s %d %s", r.path, resp.Status, b))
	}
	return out
}

// algNone is tok's claims under an unsigned header ("alg": "none").
func algNone(t *testing.T, tok string) string {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %q", tok)
	}
	h := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`))
	return h + "." + parts[1] + "."
}

// tampered is tok with its claims edited (the tutor role added) and its
// signature kept.
func tampered(t *testing.T, tok string) string {
	parts := strings.Split(tok, ".")
	claims, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	claims = bytes.Replace(claims, []byte(`"roles":["learner"]`), []byte(`"roles":["learner","tutor"]`), 1)
	if !bytes.Contains(claims, []byte(`"tutor"`)) {
		t.Fatalf("claims %s have no roles to tamper with", claims)
	}
	return parts[0] + "." + base64.RawURLEncoding.EncodeToString(claims) + "." + parts[2]
}
