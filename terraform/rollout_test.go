package terraform_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/kwipper/kwipper/functions/ops/rollout"
)

// TestTrafficBelongsToTheRollout checks that Terraform neither sets nor
// reverts Cloud Run traffic, which scripts/deploy's canary gate shifts with
// gcloud: no traffic block, and traffic in lifecycle.ignore_changes.
func TestTrafficBelongsToTheRollout(t *testing.T) {
	module := parseDir(t, "modules/region")
	run, f := block(t, module, "resource", "google_cloud_run_v2_service", "fn")
	if nested(run, "traffic") != nil {
		t.Error("google_cloud_run_v2_service.fn sets traffic; the canary rollout owns it")
	}
	lc := nested(run, "lifecycle")
	if lc == nil {
		t.Fatal("google_cloud_run_v2_service.fn has no lifecycle block")
	}
	ic, ok := lc.Body.Attributes["ignore_changes"]
	if !ok {
		t.Fatal("google_cloud_run_v2_service.fn lifecycle has no ignore_changes")
	}
	var ignored []string
	if tuple, ok := ic.Expr.(*hclsyntax.TupleConsExpr); ok {
		for _, e := range tuple.Exprs {
			if trav, diags := hcl.AbsTraversalForExpr(e); !diags.HasErrors() {
				ignored = append(ignored, trav.RootName())
			}
		}
	}
	for _, want := range []string{"traffic", "client", "client_version"} {
		found := false
		for _, name := range ignored {
			found = found || name == want
		}
		if !found {
			t.Errorf("lifecycle.ignore_changes = %s lacks %s", strings.TrimSpace(exprText(f, ic.Expr)), want)
		}
	}
}

// TestCanaryRoute checks the load balancer's canary route the deploy's
// synthetic requests take (Cloud Run's ingress closes the tag URLs to Cloud
// Build): per serving region a backend whose only NEG is the region's
// URL-mask NEG kw-canary, chosen by the header the rollout tool sends; the
// mask's tag comes from the host, canary.<api domain>, whose first label is
// the tag scripts/deploy gives new revisions; the proxy serves the canary
// host's certificate; cloudbuild.yaml passes the route to scripts/deploy.
func TestCanaryRoute(t *testing.T) {
	region := parseDir(t, "modules/region")
	neg, nf := block(t, region, "resource", "google_compute_region_network_endpoint_group", "canary")
	if got := exprText(nf, neg.Body.Attributes["name"].Expr); got != `"kw-canary"` {
		t.Errorf("the region's canary NEG is named %s, not kw-canary (the global backends build its self link)", got)
	}
	if cr := nested(neg, "cloud_run"); cr == nil || exprText(nf, cr.Body.Attributes["url_mask"].Expr) != `"<tag>.${var.global.api_domain}/<service>"` {
		t.Error(`the canary NEG's url_mask is not "<tag>.${var.global.api_domain}/<service>"`)
	}

	global := parseDir(t, "modules/global")
	locals, lf := block(t, global, "locals")
	if got := exprText(lf, locals.Body.Attributes["canary_domain"].Expr); got != `"canary.${var.api_domain}"` {
		t.Errorf("local.canary_domain = %s, want canary.<api domain>", got)
	}
	deploy, err := os.ReadFile(filepath.Join("..", "scripts", "deploy"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(deploy), "\nTAG=canary\n") {
		t.Error("scripts/deploy does not tag canary revisions \"canary\", the first label of the canary host")
	}

	be, bf := block(t, global, "resource", "google_compute_backend_service", "canary")
	if got := exprText(bf, be.Body.Attributes["for_each"].Expr); got != "toset(var.serving_regions)" {
		t.Errorf("canary backends iterate %s, want one per serving region", got)
	}
	if b := nested(be, "backend"); b == nil || !strings.Contains(exprText(bf, b.Body.Attributes["group"].Expr), "/${each.key}/networkEndpointGroups/kw-canary") {
		t.Error("a canary backend's group is not its own region's kw-canary NEG")
	}
	if a, ok := be.Body.Attributes["security_policy"]; !ok || exprText(bf, a.Expr) != "google_compute_security_policy.canary.id" {
		t.Error("the canary backends are not rate limited (google_compute_security_policy.canary)")
	}

	um, uf := block(t, global, "resource", "google_compute_url_map", "api")
	src := string(um.Range().SliceBytes(uf.src))
	for _, want := range []string{"hosts        = [local.canary_domain]", `header_name = "` + rollout.CanaryRegionHeader + `"`,
		"google_compute_backend_service.canary[route_rules.key].id"} {
		if !strings.Contains(src, want) {
			t.Errorf("google_compute_url_map.api lacks %s", want)
		}
	}
	proxy, pf := block(t, global, "resource", "google_compute_target_https_proxy", "api")
	if !strings.Contains(exprText(pf, proxy.Body.Attributes["ssl_certificates"].Expr), "google_compute_managed_ssl_certificate.canary.id") {
		t.Error("the HTTPS proxy does not serve the canary host's certificate")
	}

	cb, err := os.ReadFile(filepath.Join("..", "cloudbuild.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(cb), `--probe-base "https://canary.${_API_DOMAIN}"`) {
		t.Error(`cloudbuild.yaml does not pass --probe-base "https://canary.${_API_DOMAIN}" to scripts/deploy`)
	}
}
