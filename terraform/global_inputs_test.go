package terraform_test

import (
	"slices"
	"sort"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// objectKeys returns the attribute names of an object constructor
// ({ a = ..., b = ... }) or of an object(...) type constraint.
func objectKeys(t *testing.T, e hclsyntax.Expression) []string {
	t.Helper()
	if call, ok := e.(*hclsyntax.FunctionCallExpr); ok && call.Name == "object" && len(call.Args) == 1 {
		e = call.Args[0]
	}
	obj, ok := e.(*hclsyntax.ObjectConsExpr)
	if !ok {
		t.Fatalf("%T is not an object", e)
	}
	var keys []string
	for _, it := range obj.Items {
		k := hcl.ExprAsKeyword(it.KeyExpr)
		if k == "" {
			t.Fatalf("object key %T is not a plain name", it.KeyExpr)
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestRegionTakesTheGlobalStackAsOneObject: the region module reads what
// it needs from the global stack through one object variable, global, that
// the region stack fills with the global stack's output region in one
// assignment; the global module builds that output with exactly the
// variable's attributes, so adding one is a change in two places the test
// holds together, never a tenth argument threaded through three files.
func TestRegionTakesTheGlobalStackAsOneObject(t *testing.T) {
	region := parseDir(t, "modules/region")
	v, _ := block(t, region, "variable", "global")
	want := objectKeys(t, v.Body.Attributes["type"].Expr)

	globalModule := parseDir(t, "modules/global")
	out, _ := block(t, globalModule, "output", "region")
	if got := objectKeys(t, out.Body.Attributes["value"].Expr); !slices.Equal(got, want) {
		t.Errorf("modules/global output region has %v, modules/region variable global wants %v", got, want)
	}

	globalStack := parseDir(t, "stacks/global")
	so, sf := block(t, globalStack, "output", "region")
	if got := exprText(sf, so.Body.Attributes["value"].Expr); got != "module.global.region" {
		t.Errorf("stacks/global output region = %s, want module.global.region", got)
	}

	stack := parseDir(t, "stacks/region")
	m, mf := block(t, stack, "module", "region")
	if a, ok := m.Body.Attributes["global"]; !ok || exprText(mf, a.Expr) != "data.terraform_remote_state.global.outputs.region" {
		t.Error("stacks/region does not pass global = data.terraform_remote_state.global.outputs.region")
	}
	for name, a := range m.Body.Attributes {
		for _, tr := range a.Expr.Variables() {
			if tr.RootName() == "data" && name != "global" {
				t.Errorf("stacks/region passes %s from the global stack's state outside the global object", name)
			}
		}
	}
	for _, name := range want {
		if _, ok := m.Body.Attributes[name]; ok {
			t.Errorf("stacks/region still passes %s on its own", name)
		}
	}
}
