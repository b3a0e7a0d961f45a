package apicheck

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kwipper/kwipper/shared/apidoc"
	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/fnreg"
)

type thing struct {
	ID    string  `json:"id" example:"t_1"`
	Count int     `json:"count"`
	Note  *string `json:"note,omitempty"`
}

var specs = []fnreg.Spec{
	{Name: "x-get", Service: "x", Trigger: fnreg.HTTP, Method: "GET", Path: "/v1/things/{thingId}", Access: fnreg.User, Summary: "Get", Response: thing{}},
	{Name: "x-list", Service: "x", Trigger: fnreg.HTTP, Method: "GET", Path: "/v1/things", Access: fnreg.Public, Summary: "List", Query: fnreg.PageParams(20, 100), Response: thing{}},
	{Name: "x-make", Service: "x", Trigger: fnreg.HTTP, Method: "POST", Path: "/v1/things", Access: fnreg.Tutor, Summary: "Make", Request: thing{}, Response: thing{},
		Status: 201, Idempotent: true, Refuses: []errs.Kind{errs.FailedPrecondition}},
	{Name: "x-on-y", Service: "x", Trigger: fnreg.PubSub, Topic: "y", Access: fnreg.Push, Summary: "Consume"},
}

func checker(t *testing.T) *Checker {
	t.Helper()
	doc, err := apidoc.OpenAPI(specs, "T", "1")
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(doc, specs)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var jsonHeader = http.Header{"Content-Type": {"application/json"}}

func TestCheck(t *testing.T) {
	c := checker(t)
	for _, tc := range []struct {
		name, method, target string
		status               int
		body                 string
		wantErr              string // "" when the answer conforms
	}{
		{"ok_conforms", "GET", "/v1/things/t_1", 200, `{"id":"t_1","count":2}`, ""},
		{"ok_optional_field", "GET", "/v1/things/t_1", 200, `{"id":"t_1","count":2,"note":"n"}`, ""},
		{"error_conforms", "GET", "/v1/things/t_1", 404, `{"error":{"code":"not_found","message":"no"}}`, ""},
		{"declared_query", "GET", "/v1/things?limit=5&cursor=abc", 200, `{"id":"t_1","count":2}`, ""},
		{"refusal_declared_by_spec", "POST", "/v1/things", 409, `{"error":{"code":"failed_precondition","message":"no","details":{"state":"x"}}}`, ""},
		{"no_route_404", "GET", "/nowhere", 404, `{"error":{"code":"not_found","message":"no route"}}`, ""},
		{"wrong_method_405", "DELETE", "/v1/things", 405, `{"error":{"code":"method_not_allowed","message":"no"}}`, ""},
		{"push_skipped", "POST", "/push/x-on-y", 204, ``, ""},

		{"undeclared_status", "GET", "/v1/things/t_1", 402, `{"error":{"code":"payment_required","message":"no"}}`, "status 402 is not declared"},
		{"missing_field", "GET", "/v1/things/t_1", 200, `{"id":"t_1"}`, "count"},
		{"unknown_field", "GET", "/v1/things/t_1", 200, `{"id":"t_1","count":1,"extra":1}`, "extra"},
		{"wrong_type", "GET", "/v1/things/t_1", 200, `{"id":"t_1","count":"1"}`, "count"},
		{"error_shape_wrong", "GET", "/v1/things/t_1", 404, `{"message":"no"}`, "does not match"},
		{"error_code_unknown", "GET", "/v1/things/t_1", 404, `{"error":{"code":"nope","message":"no"}}`, "does not match"},
		{"undeclared_query", "GET", "/v1/things?sort=title", 200, `{"id":"t_1","count":2}`, `query parameter "sort" is not declared`},
		{"no_route_answered_200", "GET", "/nowhere", 200, `{}`, "no route serves it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.target, nil)
			err := c.Check(req, tc.status, jsonHeader, []byte(tc.body))
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("conforming answer refused: %v", err)
			case tc.wantErr != "" && err == nil:
				t.Fatal("mismatch passed")
			case tc.wantErr != "" && !strings.Contains(err.Error(), tc.wantErr):
				t.Fatalf("error %v, want it to mention %q", err, tc.wantErr)
			}
		})
	}
	if got := c.Checked()["x-get"][200]; got != 5 {
		t.Errorf("x-get 200 checked %d times, want 5", got)
	}
}

// Load refuses documents that are not valid OpenAPI 3.1: a broken
// structure, a schema of an unknown type, an example its schema refuses.
func TestLoad_refusesInvalidDocuments(t *testing.T) {
	doc, err := apidoc.OpenAPI(specs, "T", "1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Load(doc); err != nil {
		t.Fatalf("the generated document: %v", err)
	}
	for name, edit := range map[string][2]string{
		"example_against_schema": {`"count": 0`, `"count": "zero"`},
		"unknown_type":           {`"type": "integer"`, `"type": "int"`},
		"missing_info":           {`"info": {`, `"inf": {`},
	} {
		t.Run(name, func(t *testing.T) {
			bad := strings.Replace(string(doc), edit[0], edit[1], 1)
			if bad == string(doc) {
				t.Fatalf("%q is not in the document", edit[0])
			}
			if _, err := Load([]byte(bad)); err == nil {
				t.Fatal("an invalid document loaded")
			}
		})
	}
}

// A document that lacks a function's operation (stale) is refused.
func TestNew_refusesStaleDocument(t *testing.T) {
	doc, err := apidoc.OpenAPI(specs[:1], "T", "1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(doc, specs); err == nil || !strings.Contains(err.Error(), "x-list") {
		t.Fatalf("stale document: %v", err)
	}
}
