package main

import (
	"net/http"
	"strings"
)

// canaryPath serves requests that reach the function through the load
// balancer's canary route (terraform/modules/global/lb.tf): its serverless
// NEG takes the Cloud Run service from the first path segment, so the
// request arrives as /<service>/<route>. The prefix is removed when present;
// every other request passes unchanged. service is kw-<function>, the Cloud
// Run service name.
func canaryPath(service string, h http.Handler) http.Handler {
	prefix := "/" + service
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest, ok := strings.CutPrefix(r.URL.Path, prefix)
		if !ok || (rest != "" && rest[0] != '/') {
			h.ServeHTTP(w, r)
			return
		}
		if rest == "" {
			rest = "/"
		}
		r2 := r.Clone(r.Context())
		r2.URL.Path = rest
		r2.URL.RawPath = ""
		h.ServeHTTP(w, r2)
	})
}
