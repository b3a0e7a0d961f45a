package apidoc

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/fnreg"
)

type req struct {
	Title string   `json:"title"`
	Tags  []string `json:"tags,omitempty"`
	Note  *string  `json:"note,omitempty"`
}

func TestOpenAPI(t *testing.T) {
	b, err := OpenAPI([]fnreg.Spec{
		{Name: "x-create", Service: "x", Trigger: fnreg.HTTP, Method: "POST", Path: "/v1/x/{xId}", Access: fnreg.Tutor, Summary: "Create", Request: req{}, Response: req{}, Status: 201},
		{Name: "x-on-y", Service: "x", Trigger: fnreg.PubSub, Topic: "y", Access: fnreg.Push, Summary: "Consume"},
	}, "T", "1")
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`"/v1/x/{xId}"`, `"operationId": "x-create"`, `"201"`, `"#/components/schemas/apidoc.req"`, `"bearer"`, `"required": [`} {
		if !strings.Contains(s, want) {
			t.Errorf("document lacks %s", want)
		}
	}
	if strings.Contains(s, "x-on-y") {
		t.Error("a Pub/Sub function is in the REST document")
	}
}

// Two services' types of the same name are two schemas, not one.
func TestOpenAPI_sameTypeNameInTwoPackages(t *testing.T) {
	b, err := OpenAPI([]fnreg.Spec{
		{Name: "x-a", Service: "x", Trigger: fnreg.HTTP, Method: "GET", Path: "/a", Access: fnreg.Public, Summary: "A", Response: url.Error{}},
		{Name: "x-b", Service: "x", Trigger: fnreg.HTTP, Method: "GET", Path: "/b", Access: fnreg.Public, Summary: "B", Response: exec.Error{}},
	}, "T", "1")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]any `json:"properties"`
			} `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	u, e := doc.Components.Schemas["url.Error"], doc.Components.Schemas["exec.Error"]
	if u.Properties["URL"] == nil || e.Properties["Name"] == nil {
		t.Fatalf("schemas %+v", doc.Components.Schemas)
	}
}

type item struct {
	ID    string     `json:"id" example:"i_1"`
	Size  int64      `json:"size" example:"42"`
	Note  *string    `json:"note"`
	Inner *req       `json:"inner"`
	Tags  []string   `json:"tags,omitempty" example:"[\"a\"]"`
	State string     `json:"state" enum:"open,closed"`
	Extra *time.Time `json:"extra,omitempty"`
}

// An operation declares every status the spec implies, each error with the
// shared error body; query parameters, nullable pointers, examples and
// enums come out as written.
func TestOpenAPI_derivedStatusesAndSchemas(t *testing.T) {
	b, err := OpenAPI([]fnreg.Spec{
		{Name: "x-add", Service: "x", Trigger: fnreg.HTTP, Method: "POST", Path: "/v1/x/{xId}/items", Access: fnreg.Tutor, Summary: "Add",
			Request: req{}, Response: item{}, Status: 201, Idempotent: true, Refuses: []errs.Kind{errs.PaymentRequired, errs.FailedPrecondition}},
		{Name: "x-list", Service: "x", Trigger: fnreg.HTTP, Method: "GET", Path: "/v1/x", Access: fnreg.Public, Summary: "List",
			Query: fnreg.PageParams(20, 100), Response: item{}},
	}, "T", "1")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct{ Name, In string }
			Responses  map[string]struct {
				Content map[string]struct {
					Schema  map[string]any
					Example map[string]any
				}
			}
		}
		Components struct{ Schemas map[string]map[string]any }
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	statuses := func(path, method string) string {
		var out []string
		for s := range doc.Paths[path][method].Responses {
			out = append(out, s)
		}
		sort.Strings(out)
		return strings.Join(out, " ")
	}
	if got, want := statuses("/v1/x/{xId}/items", "post"), "201 400 401 402 403 404 409 413 500 503"; got != want {
		t.Errorf("add answers %s, want %s", got, want)
	}
	if got, want := statuses("/v1/x", "get"), "200 400 401 500 503"; got != want {
		t.Errorf("list answers %s, want %s", got, want)
	}
	if ref := doc.Paths["/v1/x"]["get"].Responses["400"].Content["application/json"].Schema["$ref"]; ref != "#/components/schemas/Error" {
		t.Errorf("400 body %v, want the Error schema", ref)
	}
	var names []string
	for _, p := range doc.Paths["/v1/x"]["get"].Parameters {
		names = append(names, p.In+":"+p.Name)
	}
	if strings.Join(names, " ") != "query:limit query:cursor" {
		t.Errorf("list parameters %v", names)
	}
	props := doc.Components.Schemas["apidoc.item"]["properties"].(map[string]any)
	if got := fmt.Sprint(props["note"]); got != "map[type:[string null]]" {
		t.Errorf("a pointer without omitempty is %s, want string or null", got)
	}
	if got := fmt.Sprint(props["state"]); got != "map[enum:[open closed] type:string]" {
		t.Errorf("state is %s", got)
	}
	ex := doc.Paths["/v1/x"]["get"].Responses["200"].Content["application/json"].Example
	if ex["id"] != "i_1" || ex["size"] != float64(42) || ex["state"] != "open" || fmt.Sprint(ex["tags"]) != "[a]" {
		t.Errorf("example %v", ex)
	}
	if req := doc.Components.Schemas["apidoc.item"]["required"]; fmt.Sprint(req) != "[id size note inner state]" {
		t.Errorf("required %v", req)
	}
}
