package functions_test

import (
	"bytes"
	"encoding/json"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/kwipper/kwipper/functions"
)

// The house rules, checked on the code as it is (go list) so a new package
// or import that breaks one fails here:
//   - services are peers: no service package imports another service;
//   - contracts (functions/contract/...) import only the standard library
//     and shared/money;
//   - in a service, only its store*.go files use Spanner (the Spanner client
//     or shared/spanx), so the domain and the handlers stay storage-free;
//   - shared/ never imports functions/;
//   - the image's binary (functions/cmd/kwipper) links no part of the local
//     dev stack.
// Each rule is also run on a deliberate violation, so it cannot pass by
// checking nothing.

const module = "github.com/kwipper/kwipper"

// pkg is what `go list -json` says of a package that the rules read.
type pkg struct {
	ImportPath string
	Dir        string
	GoFiles    []string
	Imports    []string
}

func goList(t *testing.T, args ...string) []pkg {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list", "-json"}, args...)...)
	cmd.Dir = ".."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %v: %v", args, err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// serviceOf returns the service a package belongs to ("" for none).
func serviceOf(path string, services []string) string {
	rest, ok := strings.CutPrefix(path, module+"/functions/")
	if !ok {
		return ""
	}
	first, _, _ := strings.Cut(rest, "/")
	if slices.Contains(services, first) {
		return first
	}
	return ""
}

// importViolations lists every import that breaks the package rules.
func importViolations(pkgs []pkg, services []string) []string {
	var out []string
	for _, p := range pkgs {
		own := serviceOf(p.ImportPath, services)
		for _, imp := range p.Imports {
			switch {
			case own != "" && serviceOf(imp, services) != "" && serviceOf(imp, services) != own:
				out = append(out, p.ImportPath+" imports service "+imp+" (services are peers: put what they share in a contract)")
			case strings.HasPrefix(p.ImportPath, module+"/functions/contract/") && strings.Contains(strings.Split(imp, "/")[0], ".") &&
				imp != module+"/shared/money":
				out = append(out, p.ImportPath+" imports "+imp+" (contracts import only the standard library and shared/money)")
			case strings.HasPrefix(p.ImportPath, module+"/shared/") && strings.HasPrefix(imp, module+"/functions/"):
				out = append(out, p.ImportPath+" imports "+imp+" (shared/ is the platform: it never imports functions/)")
			}
		}
	}
	return out
}

// storageViolations lists the non-store files of service packages that use
// Spanner; imports maps each file to its imports.
func storageViolations(files map[string][]string) []string {
	var out []string
	for file, imps := range files {
		if strings.HasPrefix(filepath.Base(file), "store") {
			continue
		}
		for _, imp := range imps {
			if imp == "cloud.google.com/go/spanner" || strings.HasPrefix(imp, "cloud.google.com/go/spanner/") || imp == module+"/shared/spanx" {
				out = append(out, file+" imports "+imp+" (only a service's store*.go files use Spanner)")
			}
		}
	}
	return out
}

// devstackViolations lists the local stack's packages among deps.
func devstackViolations(deps []string) []string {
	var out []string
	for _, d := range deps {
		if strings.Contains(d, "/devstack") || strings.Contains(d, "fake-gcs-server") || strings.Contains(d, "stripefake") {
			out = append(out, "the image links "+d)
		}
	}
	return out
}

func serviceNames() []string {
	var out []string
	for _, s := range functions.Services {
		out = append(out, s.Name)
	}
	return out
}

func TestImportRules(t *testing.T) {
	for _, v := range importViolations(goList(t, "./..."), serviceNames()) {
		t.Error(v)
	}
}

func TestImportRules_catchDeliberateViolations(t *testing.T) {
	bad := []pkg{
		{ImportPath: module + "/functions/course", Imports: []string{module + "/functions/user", module + "/functions/contract/usermsg"}},
		{ImportPath: module + "/functions/contract/coursemsg", Imports: []string{"time", "cloud.google.com/go/spanner", module + "/shared/money"}},
		{ImportPath: module + "/shared/events", Imports: []string{module + "/functions/subscribe"}},
	}
	got := importViolations(bad, []string{"course", "user", "subscribe"})
	if len(got) != 3 {
		t.Fatalf("violations %q, want the 3 planted", got)
	}
}

func TestStorageOnlyInStoreFiles(t *testing.T) {
	files := map[string][]string{}
	fset := token.NewFileSet()
	for _, p := range goList(t, "./functions/...") {
		if serviceOf(p.ImportPath, serviceNames()) == "" {
			continue
		}
		for _, f := range p.GoFiles {
			path := filepath.Join(p.Dir, f)
			file, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
			if err != nil {
				t.Fatal(err)
			}
			for _, imp := range file.Imports {
				s, _ := strconv.Unquote(imp.Path.Value)
				files[path] = append(files[path], s)
			}
		}
	}
	if len(files) == 0 {
		t.Fatal("no service files read")
	}
	for _, v := range storageViolations(files) {
		t.Error(v)
	}
	if got := storageViolations(map[string][]string{"functions/course/api.go": {"cloud.google.com/go/spanner"},
		"functions/course/events.go": {module + "/shared/spanx"}, "functions/course/store_saga.go": {"cloud.google.com/go/spanner"}}); len(got) != 2 {
		t.Fatalf("violations %q, want the 2 planted", got)
	}
}

func TestImageLinksNoDevStack(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "./functions/cmd/kwipper")
	cmd.Dir = ".."
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	deps := strings.Fields(string(out))
	if !slices.Contains(deps, module+"/functions/ops") {
		t.Fatalf("go list -deps looks wrong: %d packages", len(deps))
	}
	for _, v := range devstackViolations(deps) {
		t.Error(v)
	}
	if got := devstackViolations([]string{module + "/functions/devstack", "github.com/fsouza/fake-gcs-server/fakestorage"}); len(got) != 2 {
		t.Fatalf("violations %q, want the 2 planted", got)
	}
}
