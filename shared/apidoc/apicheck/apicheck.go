// Package apicheck holds the OpenAPI document to account: Load validates it
// with kin-openapi (OpenAPI 3.1, JSON Schema 2020-12, examples included),
// and a Checker judges real exchanges against it (the status is one the
// route declares, the body matches that status's schema, every query
// parameter sent is declared). Tests use it; the image never links it.
package apicheck

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/kwipper/kwipper/shared/apidoc"
	"github.com/kwipper/kwipper/shared/fnreg"
)

// Load parses and validates an OpenAPI document: its structure, every
// schema, and every example against its schema.
func Load(doc []byte) (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	t, err := loader.LoadFromData(doc)
	if err != nil {
		return nil, fmt.Errorf("apicheck: load: %w", err)
	}
	ctx := context.Background()
	if err := t.Validate(ctx, openapi3.EnableExamplesValidation(), openapi3.EnableSchemaFormatValidation(),
		openapi3.EnableSchemaPatternValidation(), openapi3.EnableSchemaDefaultsValidation(), openapi3.EnableMultiError()); err != nil {
		return nil, fmt.Errorf("apicheck: the document is not valid OpenAPI %s: %w", t.OpenAPI, err)
	}
	return t, nil
}

// Checker judges exchanges with the server against the document.
type Checker struct {
	doc *openapi3.T
	mux *http.ServeMux
	ops map[string]op // by function name

	mu      sync.Mutex
	checked map[string]map[int]int // function -> status -> responses checked
}

type op struct {
	spec  fnreg.Spec
	path  string
	item  *openapi3.PathItem
	opern *openapi3.Operation
}

// New returns a Checker of doc (validated by Load) for the functions in
// specs: requests are routed as the server routes them (a ServeMux of the
// specs' patterns), so each answer is judged against its own operation.
// Every HTTP spec must have its operation in the document.
func New(doc []byte, specs []fnreg.Spec) (*Checker, error) {
	t, err := Load(doc)
	if err != nil {
		return nil, err
	}
	c := &Checker{doc: t, mux: http.NewServeMux(), ops: map[string]op{}, checked: map[string]map[int]int{}}
	var missing []string
	for _, s := range specs {
		if s.Trigger != fnreg.HTTP {
			continue
		}
		p := apidoc.OpenAPIPath(s.Path)
		item := t.Paths.Find(p)
		var o *openapi3.Operation
		if item != nil {
			o = item.GetOperation(s.Method)
		}
		if o == nil || o.OperationID != s.Name {
			missing = append(missing, s.Name+" ("+s.Method+" "+p+")")
			continue
		}
		c.ops[s.Name] = op{spec: s, path: p, item: item, opern: o}
		name := s.Name
		c.mux.Handle(s.Pattern(), http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Header().Set("X-Function", name) }))
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("apicheck: the document lacks the operations %s: run `go run ./functions/cmd/kwipper gen`", strings.Join(missing, ", "))
	}
	return c, nil
}

// Doc is the validated document.
func (c *Checker) Doc() *openapi3.T { return c.doc }

// Skip reports whether a path is outside the REST API the document
// describes: Pub/Sub push endpoints, the health check and the document
// itself.
func Skip(path string) bool {
	return strings.HasPrefix(path, "/push/") || path == "/healthz" || path == "/openapi.json"
}

// Check judges one exchange: the request as sent (its body is not read)
// and the response's status, header and body. It returns what does not
// match the document, or nil. A request no route serves must have been
// answered 404 or 405 with the error body.
func (c *Checker) Check(req *http.Request, status int, header http.Header, body []byte) error {
	if Skip(req.URL.Path) {
		return nil
	}
	probe := &http.Request{Method: req.Method, URL: &url.URL{Path: req.URL.Path, RawPath: req.URL.RawPath}, Host: req.Host, Header: http.Header{}}
	h, pattern := c.mux.Handler(probe)
	if pattern == "" {
		if status != http.StatusNotFound && status != http.StatusMethodNotAllowed {
			return fmt.Errorf("%s %s: no route serves it, yet it answered %d (want 404 or 405)", req.Method, req.URL.Path, status)
		}
		return c.checkError(req, status, header, body)
	}
	rec := &headerRecorder{h: http.Header{}}
	h.ServeHTTP(rec, probe)
	o := c.ops[rec.h.Get("X-Function")]
	c.count(o.spec.Name, status)

	var problems []string
	for name := range req.URL.Query() {
		if !declaredQuery(o.spec, name) {
			problems = append(problems, fmt.Sprintf("query parameter %q is not declared (fnreg.Spec.Query)", name))
		}
	}
	if o.opern.Responses.Status(status) == nil {
		problems = append(problems, fmt.Sprintf("status %d is not declared (declared: %s); a handler's own refusal goes in fnreg.Spec.Refuses", status, declared(o.opern)))
	} else if err := c.validate(o, req, status, header, body); err != nil {
		problems = append(problems, err.Error())
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s %s (%s) answered %d: %s\n  body: %s", req.Method, req.URL.RequestURI(), o.spec.Name, status,
			strings.Join(problems, "; "), truncate(body))
	}
	return nil
}

func (c *Checker) validate(o op, req *http.Request, status int, header http.Header, body []byte) error {
	pathParams := map[string]string{}
	probe := req.Clone(context.Background())
	for _, name := range fnreg.PathParams(o.spec.Path) {
		pathParams[name] = pathValue(o.spec.Path, req.URL.Path, name)
	}
	in := &openapi3filter.RequestValidationInput{
		Request:    probe,
		PathParams: pathParams,
		Route:      &routers.Route{Spec: c.doc, Path: o.path, PathItem: o.item, Method: req.Method, Operation: o.opern},
		Options:    &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc},
	}
	resp := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status, Header: header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
	resp.SetBodyBytes(body)
	// Pages and assets (Produces) are not JSON: their status is checked,
	// not their bytes.
	resp.Options.ExcludeResponseBody = len(o.spec.Produces) > 0
	if err := openapi3filter.ValidateResponse(context.Background(), resp); err != nil {
		return fmt.Errorf("the body does not match the document: %v", err)
	}
	return nil
}

// checkError checks an answer outside every operation against the error
// schema.
func (c *Checker) checkError(req *http.Request, status int, header http.Header, body []byte) error {
	mt, _, _ := mime.ParseMediaType(header.Get("Content-Type"))
	if mt != "application/json" {
		return fmt.Errorf("%s %s answered %d with %q, not the JSON error body", req.Method, req.URL.Path, status, header.Get("Content-Type"))
	}
	s := c.doc.Components.Schemas["Error"]
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Errorf("%s %s answered %d with a body that is not JSON: %v", req.Method, req.URL.Path, status, err)
	}
	if err := s.Value.VisitJSON(v, openapi3.EnableJSONSchema2020()); err != nil {
		return fmt.Errorf("%s %s answered %d with a body that is not the error body: %v", req.Method, req.URL.Path, status, err)
	}
	return nil
}

func (c *Checker) count(function string, status int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.checked[function] == nil {
		c.checked[function] = map[int]int{}
	}
	c.checked[function][status]++
}

// Checked returns how many answers were checked, by function and status.
func (c *Checker) Checked() map[string]map[int]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]map[int]int, len(c.checked))
	for f, byStatus := range c.checked {
		out[f] = make(map[int]int, len(byStatus))
		for s, n := range byStatus {
			out[f][s] = n
		}
	}
	return out
}

// Function is the name of the function that serves req ("" for none).
func (c *Checker) Function(req *http.Request) string {
	probe := &http.Request{Method: req.Method, URL: &url.URL{Path: req.URL.Path, RawPath: req.URL.RawPath}, Host: req.Host, Header: http.Header{}}
	h, pattern := c.mux.Handler(probe)
	if pattern == "" {
		return ""
	}
	rec := &headerRecorder{h: http.Header{}}
	h.ServeHTTP(rec, probe)
	return rec.h.Get("X-Function")
}

// Operations is how many operations the checker knows.
func (c *Checker) Operations() int { return len(c.ops) }

func declaredQuery(s fnreg.Spec, name string) bool {
	for _, q := range s.Query {
		if q.Name == name {
			return true
		}
	}
	return false
}

func declared(o *openapi3.Operation) string {
	var out []string
	for k := range o.Responses.Map() {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

// pathValue is the segment of urlPath at route's {name}.
func pathValue(route, urlPath, name string) string {
	rs, us := strings.Split(route, "/"), strings.Split(urlPath, "/")
	for i, seg := range rs {
		if seg == "{"+name+"}" && i < len(us) {
			v, err := url.PathUnescape(us[i])
			if err != nil {
				return us[i]
			}
			return v
		}
	}
	return ""
}

func truncate(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "… (" + strconv.Itoa(len(b)) + " bytes)"
	}
	return string(b)
}

type headerRecorder struct{ h http.Header }

func (r *headerRecorder) Header() http.Header         { return r.h }
func (r *headerRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (r *headerRecorder) WriteHeader(int)             {}
