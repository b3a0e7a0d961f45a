package terraform_test

import (
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
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
