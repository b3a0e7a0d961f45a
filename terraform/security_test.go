package terraform_test

import (
	"regexp"
	"strings"
	"testing"
)

// TestHTTPSProxyTLSPolicy requires the API's HTTPS proxy to use an SSL
// policy with TLS 1.2 or later (the default policy accepts TLS 1.0).
func TestHTTPSProxyTLSPolicy(t *testing.T) {
	module := parseDir(t, "modules/global")
	proxy, pf := block(t, module, "resource", "google_compute_target_https_proxy", "api")
	if a, ok := proxy.Body.Attributes["ssl_policy"]; !ok || exprText(pf, a.Expr) != "google_compute_ssl_policy.api.id" {
		t.Error("google_compute_target_https_proxy.api does not set ssl_policy = google_compute_ssl_policy.api.id")
	}
	policy, f := block(t, module, "resource", "google_compute_ssl_policy", "api")
	for attr, want := range map[string]string{"min_tls_version": `"TLS_1_2"`, "profile": `"MODERN"`} {
		if a, ok := policy.Body.Attributes[attr]; !ok || exprText(f, a.Expr) != want {
			t.Errorf("google_compute_ssl_policy.api %s is not %s", attr, want)
		}
	}
}

// TestCredentialRoutesRateLimited requires a Cloud Armor throttle (deny 429
// per client IP) on the backend of every function that takes a password,
// and that those functions exist in the catalog.
func TestCredentialRoutesRateLimited(t *testing.T) {
	module := parseDir(t, "modules/global")
	v, vf := block(t, module, "variable", "credential_rate_limit")
	def := exprText(vf, v.Body.Attributes["default"].Expr)
	fns := map[string]bool{}
	for _, f := range loadCatalog(t).Functions {
		fns[f.Name] = true
	}
	for _, name := range []string{"user-login", "user-register"} {
		if !strings.Contains(def, `"`+name+`"`) {
			t.Errorf("credential_rate_limit does not limit %s by default", name)
		}
		if !fns[name] {
			t.Errorf("%s is not a function of the catalog", name)
		}
	}
	be, bf := block(t, module, "resource", "google_compute_backend_service", "fn")
	if a, ok := be.Body.Attributes["security_policy"]; !ok || !strings.Contains(exprText(bf, a.Expr), "google_compute_security_policy.credentials[each.key].id") {
		t.Error("the functions' backend services do not attach google_compute_security_policy.credentials")
	}
	p, pf := block(t, module, "resource", "google_compute_security_policy", "credentials")
	var throttled bool
	for _, r := range p.Body.Blocks {
		if r.Type != "rule" || exprText(pf, r.Body.Attributes["action"].Expr) != `"throttle"` {
			continue
		}
		o := nested(r, "rate_limit_options")
		throttled = o != nil && exprText(pf, o.Body.Attributes["exceed_action"].Expr) == `"deny(429)"` &&
			exprText(pf, o.Body.Attributes["enforce_on_key"].Expr) == `"IP"`
	}
	if !throttled {
		t.Error("google_compute_security_policy.credentials has no throttle rule denying 429 per IP")
	}
}

// TestTrivyIgnoresSayWhy requires every trivy:ignore comment (an accepted
// scripts/iac-scan finding) to sit right above a block, after a comment that
// gives the reason.
func TestTrivyIgnoresSayWhy(t *testing.T) {
	ignore := regexp.MustCompile(`^\s*#\s*trivy:ignore:[A-Za-z0-9*-]+`)
	for _, f := range allTFFiles(t) {
		lines := strings.Split(string(f.src), "\n")
		for i, l := range lines {
			if !strings.Contains(l, "trivy:ignore") {
				continue
			}
			if !ignore.MatchString(l) {
				t.Errorf("%s:%d: %q is not a #trivy:ignore:<ID> line of its own", f.path, i+1, l)
				continue
			}
			j := i + 1
			for j < len(lines) && ignore.MatchString(lines[j]) {
				j++
			}
			if j >= len(lines) || !regexp.MustCompile(`^(resource|data|module) "`).MatchString(lines[j]) {
				t.Errorf("%s:%d: trivy:ignore is not right above a resource", f.path, i+1)
			}
			k := i - 1
			for k >= 0 && ignore.MatchString(lines[k]) {
				k--
			}
			if k < 0 || !strings.HasPrefix(strings.TrimSpace(lines[k]), "#") || len(strings.TrimSpace(lines[k])) < 10 {
				t.Errorf("%s:%d: trivy:ignore has no comment above it saying why", f.path, i+1)
			}
		}
	}
}
