package apidoc

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/kwipper/kwipper/shared/fnreg"
)

// A service without a database is deployed (its functions, its account) but
// adds no database to the catalog: Terraform would refuse an empty name.
func TestTerraformJSON_serviceWithoutDatabase(t *testing.T) {
	ok := func(http.ResponseWriter, *http.Request) error { return nil }
	web := fnreg.Define(fnreg.Service{Name: "web"}, []fnreg.Func{{Spec: fnreg.Spec{Name: "web-app", Method: http.MethodGet,
		Path: "/{$}", Access: fnreg.Public, Summary: "The app"}, HTTP: ok}}, nil)
	course := fnreg.Service{Name: "course", Database: "courses"}
	b, err := TerraformJSON([]fnreg.Service{course, web}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var d struct {
		Services  []map[string]any `json:"services"`
		Functions []DeployedFunction
		Databases []string `json:"databases"`
	}
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Databases) != 1 || d.Databases[0] != "courses" {
		t.Fatalf("databases %q, want [courses]", d.Databases)
	}
	if len(d.Services) != 2 || d.Services[1]["name"] != "web" || d.Services[1]["database"] != nil {
		t.Fatalf("services %v", d.Services)
	}
	if len(d.Functions) != 1 || d.Functions[0].Name != "web-app" {
		t.Fatalf("functions %+v", d.Functions)
	}
}

// A route for exactly "/" (ServeMux's /{$}) is documented as "/".
func TestOpenAPI_exactRootPath(t *testing.T) {
	b, err := OpenAPI([]fnreg.Spec{{Name: "web-app", Service: "web", Trigger: fnreg.HTTP, Method: "GET", Path: "/{$}",
		Access: fnreg.Public, Summary: "The app"}}, "t", "1")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if _, ok := doc.Paths["/"]; !ok || len(doc.Paths) != 1 {
		t.Fatalf("paths %v, want just /", doc.Paths)
	}
}
