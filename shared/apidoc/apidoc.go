// Package apidoc renders, from the services' function tables, the documents
// other tools read: the OpenAPI document of the HTTP API and the catalog
// Terraform deploys (terraform/functions.json). It runs at build time
// (`kwipper gen`), never in a function's request path.
package apidoc

import (
	"encoding/json"
	"net/http"
	"path"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/kwipper/kwipper/shared/fnreg"
)

// Deployment is the JSON document Terraform reads (terraform/functions.json):
// every service, every function, every topic and every database.
type Deployment struct {
	Services  []DeployedService  `json:"services"`
	Functions []DeployedFunction `json:"functions"`
	Topics    []string           `json:"topics"`
	Databases []string           `json:"databases"`
}

// DeployedService is one service as Terraform sees it: its runtime account
// may use Database (none for a service without one) and publish to Publishes; its functions are pushed
// Consumes.
type DeployedService struct {
	Name      string   `json:"name"`
	Database  *string  `json:"database"` // null for a service without one
	Publishes []string `json:"publishes"`
	Consumes  []string `json:"consumes"`
}

// DeployedFunction is one function as Terraform sees it.
type DeployedFunction struct {
	Name    string `json:"name"`
	Service string `json:"service"`
	Trigger string `json:"trigger"`
	Method  string `json:"method,omitempty"`
	Path    string `json:"path"`
	Topic   string `json:"topic,omitempty"`
	Auth    string `json:"auth"`
	Summary string `json:"summary"`
}

// TerraformJSON renders the deployment document for services (and their
// functions) and extra topics published from outside the code (Cloud
// Scheduler's). Consumed topics are included.
func TerraformJSON(services []fnreg.Service, extraTopics []string) ([]byte, error) {
	var d Deployment
	topics := append([]string{}, extraTopics...)
	var databases []string
	var specs []fnreg.Spec
	for _, svc := range services {
		specs = append(specs, svc.Functions...)
		ds := DeployedService{Name: svc.Name, Publishes: sortedUnique(svc.Publishes), Consumes: []string{}}
		if svc.HasDatabase() {
			ds.Database = &svc.Database
		}
		for _, s := range svc.Functions {
			if s.Trigger == fnreg.PubSub {
				ds.Consumes = append(ds.Consumes, s.Topic)
			}
		}
		ds.Consumes = sortedUnique(ds.Consumes)
		d.Services = append(d.Services, ds)
		topics = append(topics, svc.Publishes...)
		if svc.HasDatabase() {
			databases = append(databases, svc.Database)
		}
	}
	d.Databases = sortedUnique(databases)
	for _, s := range specs {
		path := s.Path
		if s.Trigger == fnreg.PubSub {
			path = fnreg.PushPath(s.Name)
			topics = append(topics, s.Topic)
		}
		d.Functions = append(d.Functions, DeployedFunction{Name: s.Name, Service: s.Service, Trigger: string(s.Trigger),
			Method: s.Method, Path: path, Topic: s.Topic, Auth: string(s.Access), Summary: s.Summary})
	}
	d.Topics = sortedUnique(topics)
	b, err := json.MarshalIndent(d, "", "  ")
	return append(b, '\n'), err
}

func sortedUnique(in []string) []string {
	set := map[string]bool{}
	for _, s := range in {
		set[s] = true
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// OpenAPI renders the OpenAPI 3.1 document of the HTTP functions.
func OpenAPI(specs []fnreg.Spec, title, version string) ([]byte, error) {
	schemas := map[string]any{
		"Error": map[string]any{"type": "object", "properties": map[string]any{
			"error": map[string]any{"type": "object", "properties": map[string]any{
				"code":    map[string]any{"type": "string"},
				"message": map[string]any{"type": "string"},
				"fields":  map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "string"}},
			}, "required": []string{"code", "message"}},
		}},
	}
	paths := map[string]map[string]any{}
	for _, s := range specs {
		if s.Trigger != fnreg.HTTP {
			continue
		}
		op := map[string]any{"operationId": s.Name, "summary": s.Summary, "tags": []string{s.Service}}
		var params []any
		for _, name := range fnreg.PathParams(s.Path) {
			params = append(params, map[string]any{"name": name, "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
		}
		if s.Idempotent {
			params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header", "required": false,
				"description": "Makes a retry safe: the same key with the same request answers the first success again (Idempotent-Replayed: true); with another request, 409. A refused request (4xx) keeps no answer: correct it and send it again with the same key. Keys are the caller's, kept 24 hours; use a random UUID per request.",
				"schema":      map[string]any{"type": "string", "minLength": 1, "maxLength": 255}})
		}
		if len(params) > 0 {
			op["parameters"] = params
		}
		if s.Request != nil {
			op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
				"application/json": map[string]any{"schema": schemaRef(reflect.TypeOf(s.Request), schemas)}}}
		}
		status := s.Status
		if status == 0 {
			status = http.StatusOK
		}
		ok := map[string]any{"description": http.StatusText(status)}
		if s.Response != nil {
			ok["content"] = map[string]any{"application/json": map[string]any{"schema": schemaRef(reflect.TypeOf(s.Response), schemas)}}
		}
		errResp := map[string]any{"description": "error", "content": map[string]any{
			"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Error"}}}}
		op["responses"] = map[string]any{strconv.Itoa(status): ok, "default": errResp}
		if s.Access != fnreg.Public {
			op["security"] = []any{map[string]any{"bearer": []string{}}}
			op["x-kwipper-access"] = string(s.Access)
		}
		// A ServeMux pattern's {$} (this path exactly) is not part of the URL.
		p := strings.TrimSuffix(s.Path, "{$}")
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		paths[p][strings.ToLower(s.Method)] = op
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info":    map[string]any{"title": title, "version": version},
		"paths":   paths,
		"components": map[string]any{
			"schemas":         schemas,
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
		},
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	return append(b, '\n'), err
}

var timeType = reflect.TypeOf(time.Time{})

// schemaRef returns the JSON schema of t, registering named structs in schemas.
func schemaRef(t reflect.Type, schemas map[string]any) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t.Kind() == reflect.String:
		return map[string]any{"type": "string"}
	case t.Kind() == reflect.Bool:
		return map[string]any{"type": "boolean"}
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return map[string]any{"type": "integer"}
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return map[string]any{"type": "number"}
	case t.Kind() == reflect.Slice:
		return map[string]any{"type": "array", "items": schemaRef(t.Elem(), schemas)}
	case t.Kind() == reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaRef(t.Elem(), schemas)}
	case t.Kind() == reflect.Struct:
		// Named by package and type (subscribe.View, user.View): type
		// names alone collide across services.
		name := t.Name()
		if name != "" {
			name = path.Base(t.PkgPath()) + "." + name
		}
		if _, done := schemas[name]; !done && name != "" {
			schemas[name] = map[string]any{} // break cycles
			schemas[name] = structSchema(t, schemas)
		}
		if name == "" {
			return structSchema(t, schemas)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	}
	return map[string]any{}
}

func structSchema(t reflect.Type, schemas map[string]any) map[string]any {
	props := map[string]any{}
	var required []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		name, opts, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = schemaRef(f.Type, schemas)
		if !strings.Contains(opts, "omitempty") && f.Type.Kind() != reflect.Pointer {
			required = append(required, name)
		}
	}
	s := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}
