package apidoc

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"path"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/httpx"
)

// Servers are where the API is served: a deployment behind its load
// balancer (Terraform's api_domain) and the local stack (scripts/dev).
var Servers = []any{
	map[string]any{"url": "https://{api_domain}", "description": "A deployment: the global load balancer's domain (Terraform variable api_domain).",
		"variables": map[string]any{"api_domain": map[string]any{"default": "api.kwipper.example", "description": "The deployment's API domain."}}},
	map[string]any{"url": "http://127.0.0.1:8080", "description": "The local stack (scripts/dev; PORT changes the port)."},
}

// OpenAPI renders the OpenAPI 3.1 document of the HTTP functions in specs:
// for each, its path, query and header parameters, its request and
// response bodies (JSON Schema reflected from the Go types, with examples
// from their `example` tags and descriptions from their `doc` tags), its
// success status and every error status it can answer, each with the
// shared error body (httpx.ErrorBody) and the reasons that lead to it.
// Error statuses are derived from the spec (see fnreg.Spec.Refuses).
func OpenAPI(specs []fnreg.Spec, title, version string) ([]byte, error) {
	g := &generator{schemas: map[string]any{"Error": errorSchema()}}
	paths := map[string]map[string]any{}
	tags := map[string]bool{}
	for _, s := range specs {
		if s.Trigger != fnreg.HTTP {
			continue
		}
		op, err := g.operation(s)
		if err != nil {
			return nil, fmt.Errorf("apidoc: %s: %w", s.Name, err)
		}
		tags[s.Service] = true
		p := OpenAPIPath(s.Path)
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		paths[p][strings.ToLower(s.Method)] = op
	}
	var tagList []any
	for _, t := range sortedUnique(keys(tags)) {
		tagList = append(tagList, map[string]any{"name": t, "description": "The " + t + " service's functions."})
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": title, "version": version,
			"description": "Kwipper's REST API, generated from the function table (`kwipper gen`). " +
				"Every error answers the shared error body (`Error`): a stable `code`, a `message` that says what to fix, " +
				"`fields` naming each bad field or parameter, and `details` with further facts (e.g. the state that refused a change). " +
				"A path or method no route has answers 404 or 405 (with `Allow`) in the same shape."},
		"servers": Servers,
		"tags":    tagList,
		"paths":   paths,
		"components": map[string]any{
			"schemas": g.schemas,
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
				"description": "An access token from POST /v1/sessions (EdDSA JWT; keys at /.well-known/jwks.json)."}},
		},
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	return append(b, '\n'), err
}

// OpenAPIPath is the document's path of route path: a ServeMux pattern's
// {$} (this path exactly) is not part of the URL.
func OpenAPIPath(route string) string { return strings.TrimSuffix(route, "{$}") }

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

type generator struct{ schemas map[string]any }

// refusals collects the reasons for each error status of an operation.
type refusals map[int][]string

func (r refusals) add(status int, reason string) {
	for _, have := range r[status] {
		if have == reason {
			return
		}
	}
	r[status] = append(r[status], reason)
}

// kindReasons say in general why a handler answers an error kind.
var kindReasons = map[errs.Kind]string{
	errs.Invalid:            "A field or parameter is not valid (error.fields names each).",
	errs.Unauthenticated:    "Credentials that do not verify: no access token or an expired one (for a login: a wrong email or password).",
	errs.PermissionDenied:   "The resource is not yours to change.",
	errs.NotFound:           "It does not exist, or is not visible to you.",
	errs.Conflict:           "The request conflicts with the current state.",
	errs.FailedPrecondition: "The resource's state does not allow this (error.details says which state).",
	errs.TooLarge:           "The request is larger than allowed.",
	errs.Unavailable:        "A dependency is unavailable; try again shortly.",
	errs.PaymentRequired:    "The payment was declined (error.message says why).",
	errs.MethodNotAllowed:   "The path does not take this method (Allow lists those it takes).",
	errs.TooManyRequests:    "Too many requests: wait as long as Retry-After says.",
	errs.Internal:           "An internal error (logged in full, masked here).",
}

func (g *generator) operation(s fnreg.Spec) (map[string]any, error) {
	op := map[string]any{"operationId": s.Name, "summary": s.Summary, "tags": []string{s.Service},
		"x-kwipper-access": string(s.Access)}
	desc := []string{s.Summary + "."}
	errsOf := refusals{}
	badField := "" // a field a 400's example names
	var params []any
	for _, name := range fnreg.PathParams(s.Path) {
		p := map[string]any{"name": name, "in": "path", "required": true}
		if fnreg.IsIDParam(name) {
			p["schema"] = map[string]any{"type": "string", "pattern": fnreg.IDPattern}
			p["description"] = "An id this API issued."
			p["example"] = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
			errsOf.add(http.StatusBadRequest, "A path id is not one this API could have issued (error.fields names it).")
			badField = name
		} else {
			p["schema"] = map[string]any{"type": "string"}
		}
		errsOf.add(http.StatusNotFound, kindReasons[errs.NotFound])
		params = append(params, p)
	}
	for _, q := range s.Query {
		params = append(params, queryParam(q))
		badField = q.Name
		errsOf.add(http.StatusBadRequest, "A query parameter is not valid (error.fields names it).")
	}
	if s.Idempotent {
		params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header", "required": false,
			"description": "Makes a retry safe: the same key with the same request answers the first success again (Idempotent-Replayed: true); with another request, 409. A refused request (4xx) keeps no answer: correct it and send it again with the same key. Keys are the caller's, kept 24 hours; use a random UUID per request.",
			"schema":      map[string]any{"type": "string", "minLength": 1, "maxLength": 255},
			"example":     "5f0c6a1e-8a51-4c1b-9d59-2f7f3c1f2b7e"})
		errsOf.add(http.StatusBadRequest, "The Idempotency-Key header is not 1 to 255 printable ASCII characters.")
		errsOf.add(http.StatusConflict, "The Idempotency-Key was used with a different request, or its first request is still running (Retry-After).")
		errsOf.add(http.StatusRequestEntityTooLarge, fmt.Sprintf("The request body is larger than %d bytes.", httpx.MaxBody))
		desc = append(desc, "Takes an Idempotency-Key: a retry with the same key answers the first success again.")
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	if s.Request != nil {
		t := reflect.TypeOf(s.Request)
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
			"application/json": map[string]any{"schema": g.schema(t), "example": g.example(t, 0)}}}
		if deref(t).Kind() == reflect.Struct && len(jsonFields(deref(t))) > 0 {
			badField = jsonFields(deref(t))[0].name
		}
		errsOf.add(http.StatusBadRequest, "The body is not one JSON object of this shape (unknown field, wrong type), or a field is not valid (error.fields names each).")
		errsOf.add(http.StatusRequestEntityTooLarge, fmt.Sprintf("The request body is larger than %d bytes.", httpx.MaxBody))
	}
	switch s.Access {
	case fnreg.Public:
		op["security"] = []any{map[string]any{}, map[string]any{"bearer": []string{}}}
		errsOf.add(http.StatusUnauthorized, "An access token was sent and does not verify or has expired (a token is optional here).")
		desc = append(desc, "Anyone may call it; a valid access token, when sent, identifies the caller.")
	default:
		op["security"] = []any{map[string]any{"bearer": []string{}}}
		errsOf.add(http.StatusUnauthorized, kindReasons[errs.Unauthenticated])
		if s.Access == fnreg.Tutor || s.Access == fnreg.Learner {
			errsOf.add(http.StatusForbidden, fmt.Sprintf("The access token's user lacks the %s role.", s.Access))
			desc = append(desc, fmt.Sprintf("Needs an access token of a user with the %s role.", s.Access))
		} else {
			desc = append(desc, "Needs an access token.")
		}
	}
	for _, k := range s.Refuses {
		reason, ok := kindReasons[k]
		if !ok || k == errs.Internal {
			return nil, fmt.Errorf("Refuses lists %v, which is not an error a handler answers", k)
		}
		errsOf.add(k.HTTPStatus(), reason)
	}
	errsOf.add(http.StatusInternalServerError, kindReasons[errs.Internal])
	errsOf.add(http.StatusServiceUnavailable, kindReasons[errs.Unavailable])
	op["description"] = strings.Join(desc, " ")

	status := s.Status
	if status == 0 {
		status = http.StatusOK
	}
	ok := map[string]any{"description": http.StatusText(status)}
	switch {
	case len(s.Produces) > 0:
		content := map[string]any{}
		for _, mt := range s.Produces {
			content[mt] = map[string]any{"schema": map[string]any{"type": "string"}}
		}
		ok["content"] = content
	case s.Response != nil:
		t := reflect.TypeOf(s.Response)
		ok["content"] = map[string]any{"application/json": map[string]any{"schema": g.schema(t), "example": g.example(t, 0)}}
	}
	if s.Idempotent {
		ok["headers"] = map[string]any{"Idempotent-Replayed": map[string]any{
			"description": "true when this is the first answer to the Idempotency-Key again.",
			"schema":      map[string]any{"type": "string", "enum": []string{"true"}}}}
	}
	responses := map[string]any{strconv.Itoa(status): ok}
	for _, also := range s.Also {
		other := maps.Clone(ok)
		other["description"] = http.StatusText(also)
		responses[strconv.Itoa(also)] = other
	}
	for code, reasons := range errsOf {
		responses[strconv.Itoa(code)] = errorResponse(code, reasons, badField)
	}
	op["responses"] = responses
	return op, nil
}

// errorResponse is an error status's response: the error body, the reasons
// that lead to it, and the headers it carries.
func errorResponse(status int, reasons []string, badField string) map[string]any {
	code := map[int]string{400: "invalid", 401: "unauthenticated", 402: "payment_required", 403: "permission_denied",
		404: "not_found", 405: "method_not_allowed", 409: "conflict", 413: "too_large", 429: "too_many_requests",
		500: "internal", 503: "unavailable"}[status]
	example := map[string]any{"code": code, "message": reasons[0]}
	if status == http.StatusBadRequest && badField != "" {
		example["message"] = "some fields are not valid"
		example["fields"] = map[string]string{badField: "is not valid: the message says what to send"}
	}
	r := map[string]any{"description": http.StatusText(status) + ". " + strings.Join(reasons, " "),
		"content": map[string]any{"application/json": map[string]any{
			"schema":  map[string]any{"$ref": "#/components/schemas/Error"},
			"example": map[string]any{"error": example}}}}
	switch status {
	case http.StatusUnauthorized:
		r["headers"] = map[string]any{"WWW-Authenticate": map[string]any{"schema": map[string]any{"type": "string"}, "description": `Bearer realm="kwipper"`}}
	case http.StatusConflict, http.StatusTooManyRequests, http.StatusServiceUnavailable:
		r["headers"] = map[string]any{"Retry-After": map[string]any{"schema": map[string]any{"type": "string"}, "description": "Seconds to wait before retrying, when a retry can help."}}
	}
	return r
}

// errorSchema is the schema of httpx.ErrorBody, every error's body.
func errorSchema() map[string]any {
	var codes []string
	for k := errs.Kind(0); k.String() != ""; k++ {
		codes = append(codes, k.String())
	}
	strMap := map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}}
	fields, details := copyMap(strMap), copyMap(strMap)
	fields["description"] = "One message per bad field or parameter, by its name (validation errors)."
	details["description"] = `Further facts, e.g. {"state": "ended"} when a request conflicts with a resource's state.`
	return map[string]any{"type": "object", "description": "The body of every error response.",
		"required": []string{"error"}, "additionalProperties": false,
		"properties": map[string]any{"error": map[string]any{"type": "object", "additionalProperties": false,
			"required": []string{"code", "message"},
			"properties": map[string]any{
				"code":    map[string]any{"type": "string", "enum": codes, "description": "Stable: what kind of error (the status says the same in HTTP terms)."},
				"message": map[string]any{"type": "string", "description": "For people: what went wrong and what to fix."},
				"fields":  fields,
				"details": details,
			}}}}
}

func copyMap(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func queryParam(q fnreg.Param) map[string]any {
	typ := q.Type
	if typ == "" {
		typ = "string"
	}
	schema := map[string]any{"type": typ}
	if q.Min != 0 || q.Max != 0 {
		schema["minimum"], schema["maximum"] = q.Min, q.Max
	}
	if q.Default != nil {
		schema["default"] = q.Default
	}
	if len(q.Enum) > 0 {
		schema["enum"] = q.Enum
	}
	p := map[string]any{"name": q.Name, "in": "query", "required": false, "schema": schema}
	if q.Description != "" {
		p["description"] = q.Description
	}
	if q.Example != nil {
		p["example"] = q.Example
	}
	return p
}

var (
	timeType    = reflect.TypeOf(time.Time{})
	rawJSONType = reflect.TypeOf(json.RawMessage{})
)

// schema returns the JSON Schema of values of t as encoding/json writes and
// reads them, registering named structs as components (named by package
// and type: subscribe.View and user.View are two).
func (g *generator) schema(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t == rawJSONType || t.Kind() == reflect.Interface:
		return map[string]any{}
	case t.Kind() == reflect.String:
		return map[string]any{"type": "string"}
	case t.Kind() == reflect.Bool:
		return map[string]any{"type": "boolean"}
	case t.Kind() == reflect.Int64 || t.Kind() == reflect.Int:
		return map[string]any{"type": "integer", "format": "int64"}
	case t.Kind() >= reflect.Int8 && t.Kind() <= reflect.Int32:
		return map[string]any{"type": "integer", "format": "int32"}
	case t.Kind() >= reflect.Uint && t.Kind() <= reflect.Uint64:
		return map[string]any{"type": "integer", "minimum": 0}
	case t.Kind() == reflect.Float32:
		return map[string]any{"type": "number", "format": "float"}
	case t.Kind() == reflect.Float64:
		return map[string]any{"type": "number", "format": "double"}
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		return map[string]any{"type": "string", "contentEncoding": "base64"}
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case t.Kind() == reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case t.Kind() == reflect.Struct:
		if t.Name() == "" {
			return g.structSchema(t)
		}
		name := path.Base(t.PkgPath()) + "." + t.Name()
		if _, done := g.schemas[name]; !done {
			g.schemas[name] = map[string]any{} // break cycles
			g.schemas[name] = g.structSchema(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

// field is a struct field as encoding/json sees it.
type field struct {
	name      string
	f         reflect.StructField
	omitempty bool
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// jsonFields lists t's fields as encoding/json encodes them, with embedded
// structs' fields promoted.
func jsonFields(t reflect.Type) []field {
	var out []field
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" && opts == "" {
			continue
		}
		if f.Anonymous && name == "" {
			et := f.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				out = append(out, jsonFields(et)...)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, field{name: name, f: f, omitempty: strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")})
	}
	return out
}

func (g *generator) structSchema(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	for _, fl := range jsonFields(t) {
		s := g.schema(fl.f.Type)
		nullable := !fl.omitempty && fl.f.Type.Kind() == reflect.Pointer
		if nullable {
			if _, ref := s["$ref"]; ref {
				s = map[string]any{"anyOf": []any{s, map[string]any{"type": "null"}}}
			} else if typ, ok := s["type"].(string); ok {
				s["type"] = []string{typ, "null"}
			}
		}
		if d := fl.f.Tag.Get("doc"); d != "" {
			s = withKey(s, "description", d)
		}
		if e := fl.f.Tag.Get("enum"); e != "" {
			s = withKey(s, "enum", strings.Split(e, ","))
		}
		if ex, ok := tagExample(fl.f); ok {
			s = withKey(s, "examples", []any{ex})
		}
		props[fl.name] = s
		if !fl.omitempty {
			required = append(required, fl.name)
		}
	}
	s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

// withKey returns s with key set; a $ref gains the keyword next to it (OpenAPI
// 3.1 schemas may have siblings of $ref).
func withKey(s map[string]any, key string, v any) map[string]any {
	out := copyMap(s)
	out[key] = v
	return out
}

// tagExample is the field's `example` tag as a value of the field's JSON
// type: the text itself for strings, JSON otherwise.
func tagExample(f reflect.StructField) (any, bool) {
	raw, ok := f.Tag.Lookup("example")
	if !ok {
		return nil, false
	}
	t := f.Type
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() == reflect.String {
		return raw, true
	}
	var v any
	if err := json.Unmarshal([]byte(raw), &v); err != nil {
		panic(fmt.Sprintf("apidoc: %s.%s: example tag %q is not JSON: %v", t.PkgPath(), f.Name, raw, err))
	}
	return v, true
}

// example composes an example value of t from its fields' `example` tags,
// with a plain value of the right type where a required field has none.
func (g *generator) example(t reflect.Type, depth int) any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if depth > 6 {
		return nil
	}
	switch {
	case t == timeType:
		return "2026-03-01T09:30:00Z"
	case t == rawJSONType || t.Kind() == reflect.Interface:
		return map[string]any{}
	case t.Kind() == reflect.String:
		return "string"
	case t.Kind() == reflect.Bool:
		return false
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return 0
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return 0.0
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		return ""
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		return []any{g.example(t.Elem(), depth+1)}
	case t.Kind() == reflect.Map:
		return map[string]any{}
	case t.Kind() == reflect.Struct:
		out := map[string]any{}
		for _, fl := range jsonFields(t) {
			if ex, ok := tagExample(fl.f); ok {
				out[fl.name] = ex
				continue
			}
			if fl.omitempty && !hasExamples(fl.f.Type, depth) {
				continue
			}
			if e := fl.f.Tag.Get("enum"); e != "" {
				out[fl.name] = strings.Split(e, ",")[0]
				continue
			}
			out[fl.name] = g.example(fl.f.Type, depth+1)
		}
		return out
	}
	return nil
}

// hasExamples reports whether t holds a struct with an example tag (an
// optional field of such a type is shown in examples).
func hasExamples(t reflect.Type, depth int) bool {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || t == timeType || depth > 6 {
		return false
	}
	for _, fl := range jsonFields(t) {
		if _, ok := fl.f.Tag.Lookup("example"); ok || hasExamples(fl.f.Type, depth+1) {
			return true
		}
	}
	return false
}
