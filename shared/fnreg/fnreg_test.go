package fnreg

import (
	"cmp"
	"crypto/ed25519"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kwipper/kwipper/shared/auth"
)

func TestValidate_rejectsBrokenTables(t *testing.T) {
	ok := Spec{Name: "a-get", Service: "a", Trigger: HTTP, Method: "GET", Path: "/v1/a", Access: Public, Summary: "s"}
	for name, specs := range map[string][]Spec{
		"bad_name":        {{Name: "A_Get", Service: "a", Trigger: HTTP, Method: "GET", Path: "/x", Access: Public, Summary: "s"}},
		"duplicate_name":  {ok, ok},
		"duplicate_route": {ok, {Name: "a-get2", Service: "a", Trigger: HTTP, Method: "GET", Path: "/v1/a", Access: Public, Summary: "s"}},
		"http_no_access":  {{Name: "a-x", Service: "a", Trigger: HTTP, Method: "GET", Path: "/x", Summary: "s"}},
		"pubsub_no_topic": {{Name: "a-y", Service: "a", Trigger: PubSub, Access: Push, Summary: "s"}},
		"no_summary":      {{Name: "a-z", Service: "a", Trigger: HTTP, Method: "GET", Path: "/z", Access: Public}},
	} {
		if err := Validate(specs); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if err := Validate([]Spec{ok, {Name: "a-on-b", Service: "a", Trigger: PubSub, Topic: "b", Access: Push, Summary: "s"}}); err != nil {
		t.Fatal(err)
	}
}

func TestGuard(t *testing.T) {
	key, _ := auth.GenerateKey()
	signer := auth.Signer{Key: key, Issuer: "i", TTL: time.Minute}
	v := &auth.Verifier{Keys: auth.StaticKeys{key.KID: key.Private.Public().(ed25519.PublicKey)}, Issuer: "i"}
	tutor, _, _ := signer.Issue("t1", []auth.Role{auth.Tutor}, time.Now())
	learner, _, _ := signer.Issue("l1", []auth.Role{auth.Learner}, time.Now())
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := auth.From(r.Context())
		w.Write([]byte(p.UserID))
	})
	for _, tc := range []struct {
		access Access
		token  string
		status int
		body   string
		target string
	}{
		{Tutor, "", 401, "", ""},
		{Tutor, "garbage", 401, "", ""},
		{Tutor, learner, 403, "", ""},
		{Tutor, tutor, 200, "t1", ""},
		{User, learner, 200, "l1", ""},
		{Learner, tutor, 403, "", ""},
		{Public, "", 200, "", ""},
		{Public, learner, 200, "l1", ""},
		{Public, "garbage", 401, "", ""},
		{Push, "", 401, "", "/"},
		{Push, "", 401, "", "/?token=guess"},
		{Push, learner, 401, "", "/"},
		{Push, "", 200, "", "/?token=s3cret"},
	} {
		h := Guard(Spec{Name: "a-on-b", Access: tc.access}, Auth{Tokens: v, Push: auth.PushToken("s3cret")}, echo)
		r := httptest.NewRequest("GET", cmp.Or(tc.target, "/"), nil)
		if tc.token != "" {
			r.Header.Set("Authorization", "Bearer "+tc.token)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != tc.status || (tc.status == 200 && w.Body.String() != tc.body) {
			t.Errorf("%s with %q: %d %q, want %d %q", tc.access, tc.token[:min(8, len(tc.token))], w.Code, w.Body, tc.status, tc.body)
		}
	}
}

func TestMux_singlePushFunctionAnswersAtRoot(t *testing.T) {
	called := 0
	h := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { called++ })
	mux := Mux([]Function{{Spec: Spec{Name: "a-on-b", Trigger: PubSub, Topic: "b"}, Handler: h}})
	for _, path := range []string{"/", "/push/a-on-b"} {
		mux.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", path, nil))
	}
	if called != 2 {
		t.Fatalf("called %d times", called)
	}
}

// The router's own answers are JSON errors like every other: 404 for a path
// no route has, 405 with Allow for a method a path's routes do not take.
func TestJSONErrors_notFoundAndMethodNotAllowed(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(204) })
	h := JSONErrors(Mux([]Function{
		{Spec: Spec{Name: "a-get", Trigger: HTTP, Method: "GET", Path: "/v1/a/{aId}"}, Handler: ok},
		{Spec: Spec{Name: "a-del", Trigger: HTTP, Method: "DELETE", Path: "/v1/a/{aId}"}, Handler: ok},
	}))
	for _, tc := range []struct {
		method, path string
		status       int
		code, allow  string
	}{
		{"GET", "/v1/nothing", 404, "not_found", ""},
		{"POST", "/v1/a/x", 405, "method_not_allowed", "DELETE, GET, HEAD"},
		{"GET", "/v1/a/x", 204, "", ""},
	} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(tc.method, tc.path, nil))
		if w.Code != tc.status {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.path, w.Code, tc.status)
			continue
		}
		if tc.code == "" {
			continue
		}
		var body struct {
			Error struct{ Code, Message string }
		}
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Error.Code != tc.code || body.Error.Message == "" ||
			w.Header().Get("Content-Type") != "application/json" {
			t.Errorf("%s %s: %q %q", tc.method, tc.path, w.Header().Get("Content-Type"), w.Body)
		}
		if got := w.Header().Get("Allow"); got != tc.allow {
			t.Errorf("%s %s: Allow %q, want %q", tc.method, tc.path, got, tc.allow)
		}
	}
}

// A path id no id of this API could match (invalid UTF-8, too long, a
// slash-free oddity) is refused before the handler, whoever calls.
func TestGuard_refusesMalformedPathIDs(t *testing.T) {
	ran := false
	h := Guard(Spec{Name: "a-get", Access: Public, Path: "/v1/a/{aId}"}, Auth{Tokens: &auth.Verifier{Issuer: "i"}},
		http.HandlerFunc(func(http.ResponseWriter, *http.Request) { ran = true }))
	mux := http.NewServeMux()
	mux.Handle("GET /v1/a/{aId}", h)
	for _, id := range []string{"%FF", "%C3%28", strings.Repeat("a", 65), "a%20b", "%00"} {
		ran = false
		w := httptest.NewRecorder()
		mux.ServeHTTP(w, httptest.NewRequest("GET", "/v1/a/"+id, nil))
		if w.Code != 400 || ran || !strings.Contains(w.Body.String(), "aId") {
			t.Errorf("id %q: %d %s (handler ran: %v)", id, w.Code, w.Body, ran)
		}
	}
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest("GET", "/v1/a/00000000-0000-4000-8000-00000000000a", nil))
	if w.Code != 200 || !ran {
		t.Fatalf("a valid id: %d", w.Code)
	}

	// Only id parameters are checked: a static asset's {file} (with its
	// dot) is the handler's to judge.
	ran = false
	mux.Handle("GET /assets/{file}", Guard(Spec{Name: "asset", Access: Public, Path: "/assets/{file}"}, Auth{},
		http.HandlerFunc(func(http.ResponseWriter, *http.Request) { ran = true })))
	w = httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest("GET", "/assets/main-BVPRSBL4.js", nil))
	if w.Code != 200 || !ran {
		t.Fatalf("an asset name: %d %s", w.Code, w.Body)
	}
}

// Any path under an id route: the handler runs only for ids of the API's
// form; everything else is a 4xx with the JSON error shape (or ServeMux's
// redirect to the clean path), never a 5xx.
func FuzzGuardPathIDs(f *testing.F) {
	for _, s := range []string{"00000000-0000-4000-8000-00000000000a", "%FF", "a%20b", "..", "a/b", "%00", strings.Repeat("a", 65)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		var got string
		mux := http.NewServeMux()
		mux.Handle("GET /v1/a/{aId}/b", Guard(Spec{Name: "a-get", Access: Public, Path: "/v1/a/{aId}/b"}, Auth{Tokens: &auth.Verifier{Issuer: "i"}},
			http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { got = r.PathValue("aId") })))
		req, err := http.NewRequest("GET", "http://kw.test/v1/a/"+id+"/b", nil)
		if err != nil {
			return // not a URL a client could send
		}
		w := httptest.NewRecorder()
		JSONErrors(mux).ServeHTTP(w, req)
		switch {
		case w.Code == 200:
			if !idRE.MatchString(got) {
				t.Fatalf("handler ran for id %q", got)
			}
		case w.Code == 301 || w.Code == 307 || w.Code == 308:
			// ServeMux redirects an unclean path (.., //) to its clean form.
		case w.Code >= 400 && w.Code < 500:
			if !strings.Contains(w.Body.String(), `"error"`) {
				t.Fatalf("%d without the JSON error shape: %q", w.Code, w.Body)
			}
		default:
			t.Fatalf("path id %q: status %d %s", id, w.Code, w.Body)
		}
	})
}
