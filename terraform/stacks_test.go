// Package terraform_test checks the Terraform stacks against
// terraform/functions.json without a provider: it parses every .tf file with
// HCL, evaluates the for_each expressions that depend only on variables and
// locals, and inspects the blocks every function needs.
package terraform_test

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// regionStacks are the regions the root configuration stacks/region is
// applied to, one at a time, each with stacks/region/regions/<region>.tfvars
// and its own state under the prefix kwipper/<region>.
var regionStacks = []string{"asia-southeast2", "asia-northeast1", "asia-southeast1", "northamerica-south1"}

// catalog mirrors terraform/functions.json.
type catalog struct {
	Services []struct {
		Name      string   `json:"name"`
		Database  *string  `json:"database"`
		Publishes []string `json:"publishes"`
		Consumes  []string `json:"consumes"`
	} `json:"services"`
	Functions []struct {
		Name    string  `json:"name"`
		Service string  `json:"service"`
		Trigger string  `json:"trigger"`
		Method  *string `json:"method"`
		Path    string  `json:"path"`
		Topic   *string `json:"topic"`
		Auth    *string `json:"auth"`
	} `json:"functions"`
	Topics    []string `json:"topics"`
	Databases []string `json:"databases"`
}

func loadCatalog(t *testing.T) catalog {
	t.Helper()
	b, err := os.ReadFile("functions.json")
	if err != nil {
		t.Fatalf("read functions.json: %v", err)
	}
	var c catalog
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatalf("decode functions.json: %v", err)
	}
	if len(c.Functions) == 0 {
		t.Fatal("functions.json lists no functions")
	}
	if len(c.Services) == 0 {
		t.Fatal("functions.json lists no services")
	}
	return c
}

// vars are the module input values Terraform would pass from functions.json:
// one variable, catalog, whose function objects are converted to the module's
// object type, so missing optional attributes are null.
func (c catalog) vars() map[string]cty.Value {
	return map[string]cty.Value{"catalog": c.value()}
}

// value is functions.json as the object modules/inputs outputs.
func (c catalog) value() cty.Value {
	str := func(p *string) cty.Value {
		if p == nil {
			return cty.NullVal(cty.String)
		}
		return cty.StringVal(*p)
	}
	strs := func(ss []string) cty.Value {
		if len(ss) == 0 {
			return cty.ListValEmpty(cty.String)
		}
		vs := make([]cty.Value, len(ss))
		for i, s := range ss {
			vs[i] = cty.StringVal(s)
		}
		return cty.ListVal(vs)
	}
	fns := make([]cty.Value, len(c.Functions))
	for i, f := range c.Functions {
		fns[i] = cty.ObjectVal(map[string]cty.Value{
			"name": cty.StringVal(f.Name), "service": cty.StringVal(f.Service), "trigger": cty.StringVal(f.Trigger),
			"method": str(f.Method), "path": cty.StringVal(f.Path), "topic": str(f.Topic), "auth": str(f.Auth),
		})
	}
	svcs := make([]cty.Value, len(c.Services))
	for i, s := range c.Services {
		svcs[i] = cty.ObjectVal(map[string]cty.Value{
			"name": cty.StringVal(s.Name), "database": str(s.Database),
			"publishes": strs(s.Publishes), "consumes": strs(s.Consumes),
		})
	}
	return cty.ObjectVal(map[string]cty.Value{"services": cty.ListVal(svcs), "functions": cty.ListVal(fns),
		"topics": strs(c.Topics), "databases": strs(c.Databases)})
}

// withFunctions returns catalog value v with its functions replaced by fns.
func withFunctions(v cty.Value, fns ...cty.Value) cty.Value {
	m := v.AsValueMap()
	m["functions"] = cty.ListVal(fns)
	return cty.ObjectVal(m)
}

// tfFile is one parsed .tf file.
type tfFile struct {
	path string
	src  []byte
	body *hclsyntax.Body
}

func parseDir(t *testing.T, dir string) []tfFile {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no .tf files in %s (%v)", dir, err)
	}
	return parseFiles(t, paths)
}

func parseFiles(t *testing.T, paths []string) []tfFile {
	t.Helper()
	p := hclparse.NewParser()
	var files []tfFile
	for _, path := range paths {
		f, diags := p.ParseHCLFile(path)
		if diags.HasErrors() {
			t.Fatalf("parse %s: %v", path, diags)
		}
		files = append(files, tfFile{path: path, src: f.Bytes, body: f.Body.(*hclsyntax.Body)})
	}
	return files
}

func allTFFiles(t *testing.T) []tfFile {
	t.Helper()
	var paths []string
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != "." {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".tf") {
			paths = append(paths, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return parseFiles(t, paths)
}

// block returns the top-level block with the given type and labels.
func block(t *testing.T, files []tfFile, typ string, labels ...string) (*hclsyntax.Block, tfFile) {
	t.Helper()
	for _, f := range files {
		for _, b := range f.body.Blocks {
			if b.Type == typ && slices.Equal(b.Labels, labels) {
				return b, f
			}
		}
	}
	t.Fatalf("no %s %q block", typ, labels)
	return nil, tfFile{}
}

func nested(b *hclsyntax.Block, typ string) *hclsyntax.Block {
	for _, c := range b.Body.Blocks {
		if c.Type == typ || (c.Type == "dynamic" && len(c.Labels) == 1 && c.Labels[0] == typ) {
			return c
		}
	}
	return nil
}

func exprText(f tfFile, e hclsyntax.Expression) string {
	r := e.Range()
	return string(r.SliceBytes(f.src))
}

// functions is the subset of Terraform's built-in functions the modules use.
func functions() map[string]function.Function {
	simple := func(params []function.Parameter, ret cty.Type, impl func([]cty.Value) (cty.Value, error)) function.Function {
		return function.New(&function.Spec{Params: params, Type: function.StaticReturnType(ret),
			Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) { return impl(args) }})
	}
	str := func(name string) function.Parameter { return function.Parameter{Name: name, Type: cty.String} }
	return map[string]function.Function{
		"concat": stdlib.ConcatFunc, "distinct": stdlib.DistinctFunc, "sort": stdlib.SortFunc,
		"keys": stdlib.KeysFunc, "values": stdlib.ValuesFunc, "merge": stdlib.MergeFunc,
		"contains": stdlib.ContainsFunc, "length": stdlib.LengthFunc, "lookup": stdlib.LookupFunc,
		"lower": stdlib.LowerFunc, "upper": stdlib.UpperFunc, "join": stdlib.JoinFunc,
		"split": stdlib.SplitFunc, "format": stdlib.FormatFunc, "flatten": stdlib.FlattenFunc,
		"setproduct": stdlib.SetProductFunc, "substr": stdlib.SubstrFunc, "regexall": stdlib.RegexAllFunc,
		"coalesce": stdlib.CoalesceFunc, "trimprefix": stdlib.TrimPrefixFunc,
		"regex": stdlib.RegexFunc, "can": tryfunc.CanFunc,
		"alltrue": simple([]function.Parameter{{Name: "list", Type: cty.List(cty.Bool)}}, cty.Bool, func(a []cty.Value) (cty.Value, error) {
			for _, v := range a[0].AsValueSlice() {
				if !v.True() {
					return cty.False, nil
				}
			}
			return cty.True, nil
		}),
		// Terraform's replace treats a /pattern/ as a regular expression.
		"replace": simple([]function.Parameter{str("str"), str("substr"), str("replace")}, cty.String, func(a []cty.Value) (cty.Value, error) {
			s, sub, rep := a[0].AsString(), a[1].AsString(), a[2].AsString()
			if len(sub) > 1 && strings.HasPrefix(sub, "/") && strings.HasSuffix(sub, "/") {
				re, err := regexp.Compile(sub[1 : len(sub)-1])
				if err != nil {
					return cty.NilVal, err
				}
				return cty.StringVal(re.ReplaceAllString(s, rep)), nil
			}
			return cty.StringVal(strings.ReplaceAll(s, sub, rep)), nil
		}),
		"strcontains": simple([]function.Parameter{str("str"), str("substr")}, cty.Bool, func(a []cty.Value) (cty.Value, error) {
			return cty.BoolVal(strings.Contains(a[0].AsString(), a[1].AsString())), nil
		}),
		"startswith": simple([]function.Parameter{str("str"), str("prefix")}, cty.Bool, func(a []cty.Value) (cty.Value, error) {
			return cty.BoolVal(strings.HasPrefix(a[0].AsString(), a[1].AsString())), nil
		}),
		"toset": function.New(&function.Spec{
			Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}},
			Type: func(args []cty.Value) (cty.Type, error) {
				if args[0].LengthInt() == 0 {
					return cty.Set(cty.String), nil
				}
				return cty.Set(args[0].AsValueSlice()[0].Type()), nil
			},
			Impl: func(args []cty.Value, ret cty.Type) (cty.Value, error) {
				if args[0].LengthInt() == 0 {
					return cty.SetValEmpty(ret.ElementType()), nil
				}
				return cty.SetVal(args[0].AsValueSlice()), nil
			},
		}),
	}
}

// evalContext evaluates a module's variables (given values, else defaults)
// and every local that depends only on variables and other such locals.
func evalContext(t *testing.T, files []tfFile, given map[string]cty.Value) *hcl.EvalContext {
	t.Helper()
	return evalContextWith(t, files, given, nil)
}

// evalContextWith is evalContext with extra top-level references (stand-ins
// for resources or data sources, e.g. google_service_account) that locals
// and resource arguments may use.
func evalContextWith(t *testing.T, files []tfFile, given, extra map[string]cty.Value) *hcl.EvalContext {
	t.Helper()
	vars := map[string]cty.Value{}
	for _, f := range files {
		for _, b := range f.body.Blocks {
			if b.Type != "variable" {
				continue
			}
			name := b.Labels[0]
			if v, ok := given[name]; ok {
				vars[name] = v
			} else if d, ok := b.Body.Attributes["default"]; ok {
				v, diags := d.Expr.Value(nil)
				if diags.HasErrors() {
					t.Fatalf("default of variable %s: %v", name, diags)
				}
				vars[name] = v
			} else {
				vars[name] = cty.DynamicVal
			}
		}
	}
	pending := map[string]hclsyntax.Expression{}
	for _, f := range files {
		for _, b := range f.body.Blocks {
			if b.Type == "locals" {
				for name, a := range b.Body.Attributes {
					pending[name] = a.Expr
				}
			}
		}
	}
	ctx := &hcl.EvalContext{Functions: functions(), Variables: map[string]cty.Value{
		"var":  cty.ObjectVal(vars),
		"path": cty.ObjectVal(map[string]cty.Value{"module": cty.StringVal(".")}),
	}}
	for name, v := range extra {
		ctx.Variables[name] = v
	}
	locals := map[string]cty.Value{}
	for progress := true; progress; {
		progress = false
		ctx.Variables["local"] = cty.ObjectVal(locals)
		for name, expr := range pending {
			v, diags := expr.Value(ctx)
			if diags.HasErrors() || !v.IsWhollyKnown() {
				continue
			}
			locals[name] = v
			delete(pending, name)
			progress = true
		}
	}
	ctx.Variables["local"] = cty.ObjectVal(locals)
	return ctx
}

// forEachKeys evaluates a resource's for_each and returns its instance keys.
func forEachKeys(t *testing.T, b *hclsyntax.Block, ctx *hcl.EvalContext) []string {
	t.Helper()
	a, ok := b.Body.Attributes["for_each"]
	if !ok {
		t.Fatalf("%s %q has no for_each", b.Type, b.Labels)
	}
	v, diags := a.Expr.Value(ctx)
	if diags.HasErrors() {
		t.Fatalf("for_each of %s %q: %v", b.Type, b.Labels, diags)
	}
	var keys []string
	if v.Type().IsMapType() || v.Type().IsObjectType() {
		for k := range v.AsValueMap() {
			keys = append(keys, k)
		}
	} else {
		for _, e := range v.AsValueSlice() {
			keys = append(keys, e.AsString())
		}
	}
	sort.Strings(keys)
	return keys
}

func names(c catalog, trigger string) []string {
	var out []string
	for _, f := range c.Functions {
		if trigger == "" || f.Trigger == trigger {
			out = append(out, f.Name)
		}
	}
	sort.Strings(out)
	return out
}

func TestRegionStacksRunEveryFunction(t *testing.T) {
	c := loadCatalog(t)
	module := parseDir(t, "modules/region")
	ctx := evalContext(t, module, c.vars())

	perFunction := map[string]string{
		"google_cloud_run_v2_service":                  "fn",
		"google_compute_region_network_endpoint_group": "fn",
		"google_cloud_run_v2_service_iam_member":       "invoker",
	}
	for typ, label := range perFunction {
		b, f := block(t, module, "resource", typ, label)
		if fe := exprText(f, b.Body.Attributes["for_each"].Expr); fe != "local.fns" && !strings.Contains(fe, "var.catalog.functions") {
			t.Errorf("%s iterates %s, not the functions list", typ, fe)
		}
		if got, want := forEachKeys(t, b, ctx), names(c, ""); !slices.Equal(got, want) {
			t.Errorf("%s instances = %v, want every function %v", typ, got, want)
		}
	}

	run, f := block(t, module, "resource", "google_cloud_run_v2_service", "fn")
	for attr, want := range map[string]string{"ingress": `"INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"`} {
		if got := exprText(f, run.Body.Attributes[attr].Expr); got != want {
			t.Errorf("cloud run %s = %s, want %s", attr, got, want)
		}
	}
	src := string(f.src)
	for _, want := range []string{"FUNCTION_TARGET", "KW_ENV", "KW_PROJECT", "KW_SPANNER_INSTANCE", "KW_JWKS_URL",
		"KW_TOKEN_ISSUER", "KW_REGION", "KW_MEDIA_BUCKET", "KW_LOG_LEVEL", "KW_BASE_URL", "KW_PUSH_INVOKER", "KW_STRIPE_PUBLISHABLE_KEY", "secret_key_ref", "startup_cpu_boost",
		"max_instance_request_concurrency"} {
		if !strings.Contains(src, want) {
			t.Errorf("region module Cloud Run service lacks %s", want)
		}
	}

	stack := parseDir(t, "stacks/region")
	m, mf := block(t, stack, "module", "region")
	if got := exprText(mf, m.Body.Attributes["source"].Expr); got != `"../../modules/region"` {
		t.Errorf("module source = %s", got)
	}
	for _, arg := range []string{"region", "media_location", "media_data_locations"} {
		if a, ok := m.Body.Attributes[arg]; !ok || exprText(mf, a.Expr) != "var."+arg {
			t.Errorf("stacks/region does not pass %s = var.%s", arg, arg)
		}
	}
	checkPassesCatalog(t, m, mf)
	if !readsCatalog(stack) {
		t.Error("stacks/region does not jsondecode(file(.../functions.json))")
	}
	if lb, lf := block(t, stack, "locals"); !strings.Contains(exprText(lf, lb.Body.Attributes["catalog"].Expr), `"${path.module}/../../functions.json"`) {
		t.Error("stacks/region: local.catalog does not read ${path.module}/../../functions.json")
	}
	p, pf := block(t, stack, "provider", "google")
	if r, ok := p.Body.Attributes["region"]; !ok || exprText(pf, r.Expr) != "var.region" {
		t.Error("stacks/region: provider google does not use region = var.region")
	}
	// One configuration, many states: bucket and prefix both come from
	// -backend-config, never from the configuration.
	checkBackend(t, stack, "")
}

// TestRegionVariableFiles checks stacks/region/regions/<region>.tfvars: one
// per region, each setting its own region and media settings that pass the
// variable validations of the region module. The root configuration only
// passes these values through: each rule lives in the module alone.
func TestRegionVariableFiles(t *testing.T) {
	stack := parseDir(t, "stacks/region")
	module := parseDir(t, "modules/region")

	paths, err := filepath.Glob("stacks/region/regions/*.tfvars")
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, p := range paths {
		found = append(found, strings.TrimSuffix(filepath.Base(p), ".tfvars"))
	}
	if want := slices.Sorted(slices.Values(regionStacks)); !slices.Equal(found, want) {
		t.Errorf("stacks/region/regions has variable files for %v, want exactly %v", found, want)
	}

	declared := map[string]bool{}
	for _, f := range stack {
		for _, b := range f.body.Blocks {
			if b.Type == "variable" {
				declared[b.Labels[0]] = true
			}
		}
	}

	for _, region := range regionStacks {
		t.Run(region, func(t *testing.T) {
			path := filepath.Join("stacks", "region", "regions", region+".tfvars")
			if _, err := os.Stat(path); err != nil {
				t.Fatalf("no variable file: %v", err)
			}
			f := parseFiles(t, []string{path})[0]
			if !regexp.MustCompile(`(?m)^#\s*\S`).Match(f.src) {
				t.Errorf("%s has no comment saying which country it serves", path)
			}
			vals := map[string]cty.Value{}
			for name, a := range f.body.Attributes {
				if !declared[name] {
					t.Errorf("%s sets %s, which stacks/region does not declare", path, name)
					continue
				}
				v, diags := a.Expr.Value(nil)
				if diags.HasErrors() {
					t.Fatalf("%s: %s: %v", path, name, diags)
				}
				vals[name] = v
			}
			for _, name := range []string{"project", "state_bucket", "image"} {
				if _, ok := vals[name]; ok {
					t.Errorf("%s sets %s, which scripts/deploy passes", path, name)
				}
			}
			for _, name := range []string{"region", "media_location", "media_data_locations"} {
				if _, ok := vals[name]; !ok {
					t.Fatalf("%s does not set %s", path, name)
				}
			}
			if v := vals["region"]; v.Type() != cty.String || v.AsString() != region {
				t.Errorf("%s sets region = %#v, want %q", path, v, region)
			}
			wantLocation := map[string]string{"asia": "ASIA", "northamerica": "US", "us": "US", "europe": "EU"}[strings.SplitN(region, "-", 2)[0]]
			if v := vals["media_location"]; v.Type() != cty.String || v.AsString() != wantLocation {
				t.Errorf("%s sets media_location = %#v, want %q", path, v, wantLocation)
			}
			if v := vals["media_data_locations"]; !v.CanIterateElements() || v.LengthInt() != 2 ||
				v.AsValueSlice()[0].AsString() != strings.ToUpper(region) {
				t.Errorf("%s sets media_data_locations = %#v, want two regions starting with %q", path, v, strings.ToUpper(region))
			}
			for name, v := range vals {
				checkValidations(t, module, name, v, true)
				if b, f := block(t, stack, "variable", name); nested(b, "validation") != nil {
					t.Errorf("%s: variable %s repeats a validation of modules/region", f.path, name)
				}
			}
		})
	}
	// The region validation is a real allow-list.
	checkValidations(t, module, "region", cty.StringVal("europe-west1"), false)
}

// checkValidations evaluates every validation condition of variable name with
// var.name = v and reports a condition that is not want.
func checkValidations(t *testing.T, files []tfFile, name string, v cty.Value, want bool) {
	t.Helper()
	b, f := block(t, files, "variable", name)
	if te, ok := b.Body.Attributes["type"]; ok {
		ty, diags := typeexpr.TypeConstraint(te.Expr)
		if diags.HasErrors() {
			t.Fatalf("%s: type of variable %s: %v", f.path, name, diags)
		}
		cv, err := convert.Convert(v, ty)
		if err != nil {
			t.Errorf("%s: %#v is not a valid %s: %v", f.path, v, name, err)
			return
		}
		v = cv
	}
	ctx := &hcl.EvalContext{Functions: functions(), Variables: map[string]cty.Value{
		"var": cty.ObjectVal(map[string]cty.Value{name: v}),
	}}
	n := 0
	for _, vb := range b.Body.Blocks {
		if vb.Type != "validation" {
			continue
		}
		n++
		c, ok := vb.Body.Attributes["condition"]
		if !ok {
			t.Errorf("%s: variable %s has a validation without condition", f.path, name)
			continue
		}
		got, diags := c.Expr.Value(ctx)
		if diags.HasErrors() || got.IsNull() || !got.IsKnown() || got.Type() != cty.Bool {
			t.Errorf("%s: validation of %s on %#v: %v", f.path, name, v, diags)
			continue
		}
		if got.True() != want {
			t.Errorf("%s: validation %s of %s on %#v = %v, want %v", f.path, exprText(f, c.Expr), name, v, got.True(), want)
		}
	}
	if n == 0 {
		t.Errorf("%s: variable %s has no validation", f.path, name)
	}
}

// TestDeployScript checks that scripts/deploy knows the same regions as the
// variable files and gives every region its own backend prefix, variable file
// and data directory.
func TestDeployScript(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "scripts", "deploy"))
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	m := regexp.MustCompile(`(?m)^ALL_REGIONS="([^"]*)"`).FindStringSubmatch(src)
	if m == nil || m[1] != strings.Join(regionStacks, ",") {
		t.Errorf("scripts/deploy ALL_REGIONS = %v, want %q", m, strings.Join(regionStacks, ","))
	}
	for _, want := range []string{`"$stacks/region"`, `-backend-config="bucket=$bucket"`, `-backend-config="prefix=$prefix"`,
		`"kwipper/$1"`, `-var-file="regions/$1.tfvars"`, `"$stacks/region/.terraform-$1"`, `TF_DATA_DIR="$data_dir"`} {
		if !strings.Contains(src, want) {
			t.Errorf("scripts/deploy lacks %s", want)
		}
	}
}

// readsCatalog reports whether a stack decodes terraform/functions.json.
func readsCatalog(files []tfFile) bool {
	re := regexp.MustCompile(`jsondecode\(\s*file\(\s*"[^"]*functions\.json"\s*\)\s*\)`)
	for _, f := range files {
		if re.Match(f.src) {
			return true
		}
	}
	return false
}

// checkBackend requires a backend "gcs" without bucket and, with prefix "",
// without prefix (both given by -backend-config), else with that prefix.
func checkBackend(t *testing.T, files []tfFile, prefix string) {
	t.Helper()
	tf, f := block(t, files, "terraform")
	b := nested(tf, "backend")
	if b == nil || len(b.Labels) != 1 || b.Labels[0] != "gcs" {
		t.Fatalf("%s: no backend \"gcs\"", f.path)
	}
	p, ok := b.Body.Attributes["prefix"]
	switch {
	case prefix == "" && ok:
		t.Errorf("%s: backend prefix must come from -backend-config (kwipper/<region>), not %s", f.path, exprText(f, p.Expr))
	case prefix != "" && (!ok || exprText(f, p.Expr) != `"`+prefix+`"`):
		t.Errorf("%s: backend prefix is not %q", f.path, prefix)
	}
	if _, ok := b.Body.Attributes["bucket"]; ok {
		t.Errorf("%s: backend bucket must come from -backend-config", f.path)
	}
}

func TestGlobalStack(t *testing.T) {
	c := loadCatalog(t)
	stack := parseDir(t, "stacks/global")
	checkBackend(t, stack, "kwipper/global")
	if !readsCatalog(stack) {
		t.Error("stacks/global does not jsondecode(file(.../functions.json))")
	}
	m, mf := block(t, stack, "module", "global")
	checkPassesCatalog(t, m, mf)

	module := parseDir(t, "modules/global")
	ctx := evalContext(t, module, c.vars())

	t.Run("subscriptions", func(t *testing.T) {
		sub, _ := block(t, module, "resource", "google_pubsub_subscription", "push")
		if got, want := forEachKeys(t, sub, ctx), names(c, "pubsub"); !slices.Equal(got, want) {
			t.Errorf("push subscriptions = %v, want one per pubsub function %v", got, want)
		}
		for _, nb := range []string{"dead_letter_policy", "retry_policy", "push_config"} {
			if nested(sub, nb) == nil {
				t.Errorf("push subscription has no %s block", nb)
			}
		}
		if pc := nested(sub, "push_config"); pc != nil && nested(pc, "oidc_token") == nil {
			t.Error("push_config has no oidc_token")
		}
	})

	t.Run("topics", func(t *testing.T) {
		topic, _ := block(t, module, "resource", "google_pubsub_topic", "topic")
		got := forEachKeys(t, topic, ctx)
		want := slices.Clone(c.Topics)
		for _, f := range c.Functions {
			if f.Trigger == "pubsub" && f.Topic != nil {
				want = append(want, *f.Topic)
			}
		}
		want = append(want, "billing-cycle-tick", "outbox-relay-tick")
		for _, w := range want {
			if !slices.Contains(got, w) {
				t.Errorf("topic %q is not created (topics: %v)", w, got)
			}
		}
	})

	t.Run("databases", func(t *testing.T) {
		db, _ := block(t, module, "resource", "google_spanner_database", "db")
		want := slices.Clone(c.Databases)
		sort.Strings(want)
		if got := forEachKeys(t, db, ctx); !slices.Equal(got, want) {
			t.Errorf("databases = %v, want %v", got, want)
		}
		if _, ok := db.Body.Attributes["version_retention_period"]; !ok {
			t.Error("databases set no version_retention_period (PITR)")
		}
		block(t, module, "resource", "google_spanner_backup_schedule", "db")
	})

	t.Run("backend services", func(t *testing.T) {
		bs, _ := block(t, module, "resource", "google_compute_backend_service", "fn")
		if got, want := forEachKeys(t, bs, ctx), names(c, ""); !slices.Equal(got, want) {
			t.Errorf("backend services = %v, want one per function %v", got, want)
		}
	})

	t.Run("routes", func(t *testing.T) {
		routes := ctx.Variables["local"].GetAttr("route_paths").AsValueMap()
		if len(routes) != len(c.Functions) {
			t.Fatalf("local.route_paths has %d entries, want %d", len(routes), len(c.Functions))
		}
		for _, f := range c.Functions {
			p := routes[f.Name].AsString()
			if strings.Contains(p, "{") && !regexp.MustCompile(`^(/[^/{}]*|/\{[A-Za-z_][A-Za-z0-9_]*=\*\*?\})+$`).MatchString(p) {
				t.Errorf("%s: path %s became %s, not a URL map path template", f.Name, f.Path, p)
			}
		}
		// The conversion itself, on Go ServeMux patterns the catalog may not have yet.
		for in, want := range map[string]string{
			"/v1/courses/{courseId}/items/{itemId}": "/v1/courses/{courseId=*}/items/{itemId=*}",
			"/v1/files/{path...}":                   "/v1/files/{path=**}",
			"/v1/users":                             "/v1/users",
			"/v1/courses/{$}":                       "/v1/courses/",
		} {
			fn := cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal("x"), "service": cty.StringVal("s"),
				"trigger": cty.StringVal("http"), "method": cty.StringVal("GET"), "path": cty.StringVal(in),
				"topic": cty.NullVal(cty.String), "auth": cty.NullVal(cty.String)})
			vars := map[string]cty.Value{"catalog": withFunctions(c.value(), fn)}
			got := evalContext(t, module, vars).Variables["local"].GetAttr("route_paths").GetAttr("x").AsString()
			if got != want {
				t.Errorf("route for %s = %s, want %s", in, got, want)
			}
		}
	})
}

// TestInputs checks that both stacks pass project and functions.json through
// modules/inputs, where their validations live, and that functions.json
// passes them.
func TestInputs(t *testing.T) {
	c := loadCatalog(t)
	module := parseDir(t, "modules/inputs")
	checkValidations(t, module, "catalog", c.value(), true)
	checkValidations(t, module, "project", cty.StringVal("kwipper-prod"), true)
	checkValidations(t, module, "project", cty.StringVal("Kwipper_Prod"), false)
	for _, dir := range []string{"stacks/global", "stacks/region"} {
		stack := parseDir(t, dir)
		m, mf := block(t, stack, "module", "inputs")
		for arg, want := range map[string]string{"source": `"../../modules/inputs"`, "project": "var.project", "catalog": "local.catalog"} {
			if a, ok := m.Body.Attributes[arg]; !ok || exprText(mf, a.Expr) != want {
				t.Errorf("%s: module inputs does not set %s = %s", dir, arg, want)
			}
		}
	}
}

// TestNoPrimitiveRoles fails if any string in any .tf file names a basic role.
func TestNoPrimitiveRoles(t *testing.T) {
	primitive := regexp.MustCompile(`"roles/(owner|editor|viewer)"`)
	for _, f := range allTFFiles(t) {
		if loc := primitive.FindIndex(f.src); loc != nil {
			t.Errorf("%s grants a primitive role: %s", f.path, f.src[loc[0]:loc[1]])
		}
		hclsyntax.VisitAll(f.body, func(n hclsyntax.Node) hcl.Diagnostics {
			if a, ok := n.(*hclsyntax.Attribute); ok && a.Name == "role" {
				if v, diags := a.Expr.Value(nil); !diags.HasErrors() && v.Type() == cty.String {
					if r := v.AsString(); r == "roles/owner" || r == "roles/editor" || r == "roles/viewer" {
						t.Errorf("%s: role = %s", f.path, r)
					}
				}
			}
			return nil
		})
	}
}

// TestVariablesDocumented requires a description and a type on every variable.
func TestVariablesDocumented(t *testing.T) {
	n := 0
	for _, f := range allTFFiles(t) {
		for _, b := range f.body.Blocks {
			if b.Type != "variable" {
				continue
			}
			n++
			where := fmt.Sprintf("%s: variable %q", f.path, b.Labels[0])
			if _, ok := b.Body.Attributes["type"]; !ok {
				t.Errorf("%s has no type", where)
			}
			d, ok := b.Body.Attributes["description"]
			if !ok {
				t.Errorf("%s has no description", where)
				continue
			}
			if v, diags := d.Expr.Value(nil); diags.HasErrors() || strings.TrimSpace(v.AsString()) == "" {
				t.Errorf("%s has an empty description", where)
			}
		}
	}
	if n == 0 {
		t.Fatal("no variables found")
	}
}

// TestFormatted runs terraform fmt -check; CI must have terraform on PATH.
func TestFormatted(t *testing.T) {
	bin, err := exec.LookPath("terraform")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("terraform is not on PATH in CI")
		}
		t.Skip("terraform not on PATH")
	}
	out, err := exec.Command(bin, "fmt", "-check", "-recursive", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("terraform fmt -check -recursive: %v\n%s", err, out)
	}
}
