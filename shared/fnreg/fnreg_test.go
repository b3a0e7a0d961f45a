package fnreg

import (
	"cmp"
	"crypto/ed25519"
	"net/http"
	"net/http/httptest"
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
