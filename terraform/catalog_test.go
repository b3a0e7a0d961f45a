package terraform_test

import (
	"encoding/json"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// checkPassesCatalog requires a stack's module block to pass the checked
// catalog as one object: catalog = module.inputs.catalog.
func checkPassesCatalog(t *testing.T, m *hclsyntax.Block, f tfFile) {
	t.Helper()
	a, ok := m.Body.Attributes["catalog"]
	if !ok || exprText(f, a.Expr) != "module.inputs.catalog" {
		t.Errorf("%s: module %q does not set catalog = module.inputs.catalog", f.path, m.Labels[0])
	}
	for _, old := range []string{"functions", "topics", "databases", "services", "service_databases"} {
		if _, ok := m.Body.Attributes[old]; ok {
			t.Errorf("%s: module %q still passes %s on its own; it is part of catalog", f.path, m.Labels[0], old)
		}
	}
}

// TestCatalogIsOneObject checks that the modules take functions.json as one
// catalog variable and that no layer declares the catalog's parts (or a
// hand-written service list) as variables of their own.
func TestCatalogIsOneObject(t *testing.T) {
	for _, dir := range []string{"modules/global", "modules/region", "modules/inputs"} {
		files := parseDir(t, dir)
		block(t, files, "variable", "catalog")
	}
	for _, f := range allTFFiles(t) {
		for _, b := range f.body.Blocks {
			if b.Type != "variable" {
				continue
			}
			switch b.Labels[0] {
			case "functions", "topics", "databases", "services", "service_databases":
				t.Errorf("%s declares variable %q: it belongs to the catalog (terraform/functions.json)", f.path, b.Labels[0])
			}
		}
	}
}

// TestNoHandWrittenServiceList fails when a .tf file lists two or more
// service names of functions.json in one literal list or as the keys of one
// literal map: services and what they may use come from the catalog.
func TestNoHandWrittenServiceList(t *testing.T) {
	c := loadCatalog(t)
	service := map[string]bool{}
	for _, s := range c.Services {
		service[s.Name] = true
	}
	literal := func(e hclsyntax.Expression) string {
		if v, diags := e.Value(nil); !diags.HasErrors() && v.Type() == cty.String && v.IsKnown() && !v.IsNull() {
			return v.AsString()
		}
		return ""
	}
	for _, f := range allTFFiles(t) {
		hclsyntax.VisitAll(f.body, func(n hclsyntax.Node) hcl.Diagnostics {
			var found []string
			switch e := n.(type) {
			case *hclsyntax.TupleConsExpr:
				for _, el := range e.Exprs {
					if s := literal(el); service[s] {
						found = append(found, s)
					}
				}
			case *hclsyntax.ObjectConsExpr:
				for _, it := range e.Items {
					if s := literal(it.KeyExpr); service[s] {
						found = append(found, s)
					}
				}
			}
			if len(found) >= 2 {
				t.Errorf("%s:%d lists services %v by hand; read them from the catalog", f.path, n.Range().Start.Line, found)
			}
			return nil
		})
	}
}

// TestServiceGrants evaluates the runtime accounts and their Spanner and
// Pub/Sub grants of modules/global for functions.json, with stand-ins for
// the resources they reference: one account per service, databaseUser on
// the service's own database only, publisher on exactly the topics the
// service publishes to.
func TestServiceGrants(t *testing.T) {
	c := loadCatalog(t)
	module := parseDir(t, "modules/global")

	byName := func(names []string, attr func(string) map[string]cty.Value) cty.Value {
		m := map[string]cty.Value{}
		for _, n := range names {
			m[n] = cty.ObjectVal(attr(n))
		}
		return cty.ObjectVal(m)
	}
	var services []string
	own := map[string]string{}
	publishes := map[string][]string{}
	for _, s := range c.Services {
		services = append(services, s.Name)
		if s.Database != nil {
			own[s.Name] = *s.Database
		}
		publishes[s.Name] = s.Publishes
	}
	sort.Strings(services)
	email := func(s string) string { return "run-" + s + "@p.iam.gserviceaccount.com" }
	extra := map[string]cty.Value{
		"google_service_account": cty.ObjectVal(map[string]cty.Value{"runtime": byName(services, func(s string) map[string]cty.Value {
			return map[string]cty.Value{"email": cty.StringVal(email(s))}
		})}),
		"google_spanner_database": cty.ObjectVal(map[string]cty.Value{"db": byName(c.Databases, func(d string) map[string]cty.Value {
			return map[string]cty.Value{"name": cty.StringVal(d)}
		})}),
		"google_pubsub_topic": cty.ObjectVal(map[string]cty.Value{"topic": byName(c.Topics, func(tp string) map[string]cty.Value {
			return map[string]cty.Value{"name": cty.StringVal(tp)}
		})}),
		"google_spanner_instance": cty.ObjectVal(map[string]cty.Value{"kw": cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal("kwipper")})}),
	}
	ctx := evalContextWith(t, module, c.vars(), extra)

	sa, _ := block(t, module, "resource", "google_service_account", "runtime")
	if got := forEachKeys(t, sa, ctx); !slices.Equal(got, services) {
		t.Errorf("runtime service accounts = %v, want one per catalog service %v", got, services)
	}

	// instances evaluates attrs of every instance of a for_each resource.
	instances := func(typ, label string, attrs ...string) map[string]map[string]string {
		t.Helper()
		b, _ := block(t, module, "resource", typ, label)
		fe, diags := b.Body.Attributes["for_each"].Expr.Value(ctx)
		if diags.HasErrors() {
			t.Fatalf("for_each of %s.%s: %v", typ, label, diags)
		}
		out := map[string]map[string]string{}
		for k, v := range fe.AsValueMap() {
			each := ctx.NewChild()
			each.Variables = map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{"key": cty.StringVal(k), "value": v})}
			out[k] = map[string]string{}
			for _, a := range attrs {
				got, diags := b.Body.Attributes[a].Expr.Value(each)
				if diags.HasErrors() || !got.IsKnown() || got.Type() != cty.String {
					t.Fatalf("%s.%s[%q].%s: %v", typ, label, k, a, diags)
				}
				out[k][a] = got.AsString()
			}
		}
		return out
	}

	t.Run("databaseUser on its own database only", func(t *testing.T) {
		grants := instances("google_spanner_database_iam_member", "runtime", "database", "member", "role")
		granted := map[string]bool{}
		for k, g := range grants {
			if g["role"] != "roles/spanner.databaseUser" {
				t.Errorf("%s: role %s", k, g["role"])
			}
			svc := strings.TrimSuffix(strings.TrimPrefix(g["member"], "serviceAccount:run-"), "@p.iam.gserviceaccount.com")
			if own[svc] == "" {
				t.Errorf("%s: member %s is no service's runtime account", k, g["member"])
				continue
			}
			if g["database"] != own[svc] {
				t.Errorf("%s: %s gets databaseUser on %s, not on its own database %s", k, svc, g["database"], own[svc])
			}
			if want := svc + "/" + own[svc]; k != want {
				t.Errorf("grant key %q, want %q (stable address)", k, want)
			}
			granted[svc] = true
		}
		for _, s := range services {
			if own[s] != "" && !granted[s] {
				t.Errorf("service %s gets no databaseUser on its database %s", s, own[s])
			}
		}
	})

	t.Run("publisher on its publishes topics only", func(t *testing.T) {
		grants := instances("google_pubsub_topic_iam_member", "runtime_publisher", "topic", "member", "role")
		got := map[string][]string{}
		for k, g := range grants {
			if g["role"] != "roles/pubsub.publisher" {
				t.Errorf("%s: role %s", k, g["role"])
			}
			svc := strings.TrimSuffix(strings.TrimPrefix(g["member"], "serviceAccount:run-"), "@p.iam.gserviceaccount.com")
			if want := svc + "/" + g["topic"]; k != want {
				t.Errorf("grant key %q, want %q (stable address)", k, want)
			}
			got[svc] = append(got[svc], g["topic"])
		}
		for _, s := range services {
			want := slices.Sorted(slices.Values(publishes[s]))
			have := slices.Sorted(slices.Values(got[s]))
			if !slices.Equal(have, want) {
				t.Errorf("%s may publish to %v, want exactly its catalog publishes %v", s, have, want)
			}
		}
	})
}

// failedValidations returns the error messages of the validations of
// variable name that fail for value v (after conversion to its type).
func failedValidations(t *testing.T, files []tfFile, name string, v cty.Value) []string {
	t.Helper()
	b, f := block(t, files, "variable", name)
	if te, ok := b.Body.Attributes["type"]; ok {
		ty, diags := typeexpr.TypeConstraint(te.Expr)
		if diags.HasErrors() {
			t.Fatalf("%s: type of %s: %v", f.path, name, diags)
		}
		cv, err := convert.Convert(v, ty)
		if err != nil {
			return []string{"type: " + err.Error()}
		}
		v = cv
	}
	ctx := &hcl.EvalContext{Functions: functions(), Variables: map[string]cty.Value{
		"var": cty.ObjectVal(map[string]cty.Value{name: v}),
	}}
	var failed []string
	for _, vb := range b.Body.Blocks {
		if vb.Type != "validation" {
			continue
		}
		got, diags := vb.Body.Attributes["condition"].Expr.Value(ctx)
		if diags.HasErrors() || got.IsNull() || !got.IsKnown() {
			t.Fatalf("%s: validation %s: %v", f.path, exprText(f, vb.Body.Attributes["condition"].Expr), diags)
		}
		if got.False() {
			msg, _ := vb.Body.Attributes["error_message"].Expr.Value(nil)
			failed = append(failed, msg.AsString())
		}
	}
	return failed
}

// TestInputsRejectBadCatalog changes functions.json in one way at a time and
// expects modules/inputs to reject it with the matching message, and only
// that one.
func TestInputsRejectBadCatalog(t *testing.T) {
	module := parseDir(t, "modules/inputs")
	for name, tc := range map[string]struct {
		change func(c *catalog)
		want   string
	}{
		"service_database_unknown":   {func(c *catalog) { ghosts := "ghosts"; c.Services[0].Database = &ghosts }, "database must be listed in databases"},
		"services_share_a_database":  {func(c *catalog) { c.Services[1].Database = c.Services[0].Database }, "No two services may share a database"},
		"function_service_unknown":   {func(c *catalog) { c.Functions[0].Service = "ghost" }, "function's service must be listed"},
		"publishes_unknown_topic":    {func(c *catalog) { c.Services[0].Publishes = append(c.Services[0].Publishes, "ghost-events") }, "publishes to or consumes must be listed in topics"},
		"consumes_unknown_topic":     {func(c *catalog) { c.Services[0].Consumes = append(c.Services[0].Consumes, "ghost-events") }, "publishes to or consumes must be listed in topics"},
		"service_name_duplicated":    {func(c *catalog) { c.Services[1].Name = c.Services[0].Name }, "Service names must be unique"},
		"service_name_not_dns_label": {func(c *catalog) { c.Services[0].Name = "User_Svc" }, "service names must be lowercase"},
		"pubsub_topic_unknown": {func(c *catalog) {
			for i := range c.Functions {
				if c.Functions[i].Trigger == "pubsub" {
					ghost := "ghost-events"
					c.Functions[i].Topic = &ghost
					return
				}
			}
		}, "Pub/Sub-triggered function's topic must be listed"},
	} {
		t.Run(name, func(t *testing.T) {
			c := loadCatalog(t)
			b, _ := json.Marshal(c) // deep copy, then change
			var bad catalog
			if err := json.Unmarshal(b, &bad); err != nil {
				t.Fatal(err)
			}
			tc.change(&bad)
			failed := failedValidations(t, module, "catalog", bad.value())
			if len(failed) == 0 || !strings.Contains(strings.Join(failed, "\n"), tc.want) {
				t.Errorf("catalog accepted or rejected for another reason: failed %q, want a message containing %q", failed, tc.want)
			}
		})
	}
}
