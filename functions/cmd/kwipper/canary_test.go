package main

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestCanaryPath(t *testing.T) {
	h := canaryPath("kw-course-list", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(r.URL.Path + "?" + r.URL.RawQuery))
	}))
	for in, want := range map[string]string{
		"/kw-course-list/v1/courses?q=go": "/v1/courses?q=go", // through the canary route
		"/kw-course-list/healthz":         "/healthz?",
		"/kw-course-list":                 "/?",
		"/v1/courses?q=go":                "/v1/courses?q=go",      // through the API route: unchanged
		"/kw-course-listing/x":            "/kw-course-listing/x?", // another service's prefix: unchanged
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, in, nil))
		if got := rec.Body.String(); got != want {
			t.Errorf("%s reached the handler as %s, want %s", in, got, want)
		}
	}
}
