package apidoc

import (
	"encoding/json"
	"net/url"
	"os/exec"
	"strings"
	"testing"

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
