// Package fnreg describes Kwipper's functions: one Spec per function naming its
// trigger (an HTTP route or a Pub/Sub topic), its owning service and who may
// call it. From the one table of Specs come the local router, the per-function
// server used in the cloud, the OpenAPI document and the JSON list Terraform
// reads.
package fnreg

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/kwipper/kwipper/shared/errs"
	"github.com/kwipper/kwipper/shared/httpx"
)

// Trigger says how a function is invoked.
type Trigger string

// The triggers.
const (
	HTTP   Trigger = "http"
	PubSub Trigger = "pubsub"
)

// Access says who may call an HTTP function; Pub/Sub functions are invoked
// by Pub/Sub push with an OIDC identity that Cloud Run checks.
type Access string

// The access levels.
const (
	Public  Access = "public"  // anyone; a token, when sent, is still verified
	User    Access = "user"    // any authenticated user
	Tutor   Access = "tutor"   // authenticated users with the tutor role
	Learner Access = "learner" // authenticated users with the learner role
	Push    Access = "pubsub"  // Pub/Sub push only
)

// Spec is one function.
type Spec struct {
	// Name is the function's name: FUNCTION_TARGET and the Cloud Run service
	// name (lowercase, digits and hyphens).
	Name string
	// Service is the owning service (user, course, content, subscribe, billing).
	Service string
	// Trigger is HTTP or PubSub.
	Trigger Trigger
	// Method and Path are the HTTP route (Path in net/http pattern syntax,
	// e.g. /v1/courses/{courseId}); for Pub/Sub functions Path is the push
	// endpoint.
	Method, Path string
	// Topic is the Pub/Sub topic a PubSub function consumes.
	Topic string
	// Access says who may call it.
	Access Access
	// Summary is a one-line description for the API document.
	Summary string
	// Request and Response are zero values of the JSON bodies, for the API
	// document (nil when there is none).
	Request, Response any
	// Status is the success status (default 200).
	Status int
	// Idempotent makes an HTTP function take an Idempotency-Key header
	// (shared/idempotency): a retry with the same key and request gets the
	// first answer again. Creating POSTs set it.
	Idempotent bool
	// Also lists other success statuses the handler may answer, with the
	// same body as Status (e.g. 202 when a step still waits for the user).
	Also []int
	// Query declares the query parameters the handler reads (the handler
	// reads no other), for the API document; PageParams are the cursor
	// pagination ones.
	Query []Param
	// Refuses lists the errors the handler itself answers beyond those the
	// rest of the spec implies (the API document derives 401/403 from
	// Access, 400/404 from path ids, 400 from Query, 400/413 from Request,
	// 409 from Idempotent, and 500/503 for every route): e.g.
	// errs.FailedPrecondition for a change the resource's state refuses,
	// errs.PermissionDenied for a resource of someone else's.
	Refuses []errs.Kind
	// Produces lists the media types of a success body that is not JSON
	// (the web app's pages and assets); empty means JSON (Response).
	Produces []string
}

// Param is a query parameter of an HTTP function.
type Param struct {
	Name        string
	Description string
	// Type is the JSON type of the value: "string" (the default),
	// "integer" or "boolean".
	Type string
	// Min and Max bound an integer (both zero: unbounded).
	Min, Max int
	// Default is the value the handler uses when the parameter is absent
	// (nil: none); Example is a value the document shows.
	Default, Example any
	// Enum lists the values a string parameter takes (empty: any).
	Enum []string
}

// PageParams are the query parameters of a cursor-paginated list: limit
// (1 to max, default def) and cursor (next_cursor of the previous page).
func PageParams(def, max int) []Param {
	return []Param{
		{Name: "limit", Type: "integer", Min: 1, Max: max, Default: def, Example: def,
			Description: "How many to return at most."},
		{Name: "cursor", Description: "Where to continue: the next_cursor of the previous page (absent on the first page; a page without next_cursor is the last).",
			Example: "eyJ0IjoiMjAyNi0wMS0wMlQwMzowNDowNVoiLCJpZCI6ImMxIn0"},
	}
}

// PushPath is the push endpoint of Pub/Sub function name.
func PushPath(name string) string { return "/push/" + name }

// Pattern is the net/http ServeMux pattern that routes to the function.
func (s Spec) Pattern() string {
	if s.Trigger == PubSub {
		return http.MethodPost + " " + PushPath(s.Name)
	}
	return s.Method + " " + s.Path
}

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9-]{0,38}[a-z0-9]$`)

// Validate checks a table of specs: names well formed and unique, triggers
// complete, routes unique.
func Validate(specs []Spec) error {
	var problems []string
	names, routes := map[string]bool{}, map[string]string{}
	for _, s := range specs {
		if !nameRE.MatchString(s.Name) {
			problems = append(problems, fmt.Sprintf("%q: name must be lowercase letters, digits and hyphens (2-40)", s.Name))
		}
		if names[s.Name] {
			problems = append(problems, fmt.Sprintf("%q: name used twice", s.Name))
		}
		names[s.Name] = true
		if s.Service == "" || s.Summary == "" {
			problems = append(problems, fmt.Sprintf("%q: service and summary are required", s.Name))
		}
		switch s.Trigger {
		case HTTP:
			if s.Method == "" || !strings.HasPrefix(s.Path, "/") || s.Topic != "" || s.Access == Push || s.Access == "" {
				problems = append(problems, fmt.Sprintf("%q: an HTTP function needs a method, a path and an access level, and no topic", s.Name))
			}
		case PubSub:
			if s.Topic == "" || s.Method != "" || s.Path != "" || s.Access != Push {
				problems = append(problems, fmt.Sprintf("%q: a Pub/Sub function needs a topic, Access Push and no route", s.Name))
			}
		default:
			problems = append(problems, fmt.Sprintf("%q: unknown trigger %q", s.Name, s.Trigger))
		}
		seen := map[string]bool{}
		for _, q := range s.Query {
			switch {
			case s.Trigger != HTTP:
				problems = append(problems, fmt.Sprintf("%q: only an HTTP function has query parameters", s.Name))
			case q.Name == "" || seen[q.Name]:
				problems = append(problems, fmt.Sprintf("%q: query parameter %q is unnamed or declared twice", s.Name, q.Name))
			case q.Type != "" && q.Type != "string" && q.Type != "integer" && q.Type != "boolean":
				problems = append(problems, fmt.Sprintf("%q: query parameter %q has type %q (string, integer or boolean)", s.Name, q.Name, q.Type))
			}
			seen[q.Name] = true
		}
		if other, dup := routes[s.Pattern()]; dup {
			problems = append(problems, fmt.Sprintf("%q and %q share the route %s", other, s.Name, s.Pattern()))
		}
		routes[s.Pattern()] = s.Name
	}
	if len(problems) > 0 {
		return fmt.Errorf("function table:\n  %s", strings.Join(problems, "\n  "))
	}
	return nil
}

// Function is a Spec bound to its handler.
type Function struct {
	Spec
	Handler http.Handler
}

// Mux routes every function's pattern to its handler (the local server, and
// with one function, the per-function server in the cloud, where a Pub/Sub
// function also answers push deliveries at "/").
func Mux(fns []Function) *http.ServeMux {
	mux := http.NewServeMux()
	for _, f := range fns {
		mux.Handle(f.Pattern(), f.Handler)
		if f.Trigger == PubSub && len(fns) == 1 {
			mux.Handle("POST /{$}", f.Handler)
		}
	}
	return mux
}

// JSONErrors serves mux, answering what mux answers itself (404 for a path
// no route has, 405 for a method the path's routes do not take, with Allow)
// in the JSON error shape every other error has. Redirects mux makes (a
// cleaned path) pass through.
func JSONErrors(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		rec := &recorder{header: http.Header{}}
		h.ServeHTTP(rec, r)
		switch rec.status {
		case http.StatusNotFound:
			httpx.WriteError(w, r, errs.E(errs.NotFound, "no route %s %s: see /openapi.json for the API", r.Method, r.URL.Path))
		case http.StatusMethodNotAllowed:
			allow := rec.header.Get("Allow")
			w.Header().Set("Allow", allow)
			httpx.WriteError(w, r, errs.E(errs.MethodNotAllowed, "%s takes %s, not %s", r.URL.Path, allow, r.Method))
		default:
			for k, v := range rec.header {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.status)
		}
	})
}

// recorder keeps what mux's own handlers write (a status and headers).
type recorder struct {
	header http.Header
	status int
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return len(b), nil }
func (r *recorder) WriteHeader(status int)      { r.status = status }

// IDPattern is what a path id ({courseId}, ...) must match: ids this API
// issues are 1 to 64 letters, digits, - or _.
const IDPattern = `^[A-Za-z0-9_-]{1,64}$`

var idRE = regexp.MustCompile(IDPattern)

// checkPathIDs refuses a request whose path ids ({courseId}, ...) are not
// ids this API could have issued (letters, digits, - and _, at most 64), so
// malformed or non-UTF-8 ids never reach a handler or Spanner.
func checkPathIDs(s Spec, r *http.Request) error {
	var f errs.Fields
	for _, name := range PathParams(s.Path) {
		if !IsIDParam(name) {
			continue
		}
		if !idRE.MatchString(r.PathValue(name)) {
			f.Add(name, "is not an id this API issues (1 to 64 letters, digits, - or _)")
		}
	}
	return f.Err()
}

// IsIDParam says whether a path parameter names an id ({courseId}, {id}):
// those are checked (IDPattern); others ({file} of a static asset) are the
// handler's.
func IsIDParam(name string) bool {
	return name == "id" || strings.HasSuffix(name, "Id") || strings.HasSuffix(name, "ID")
}

var pathParam = regexp.MustCompile(`\{([A-Za-z0-9_]+)\}`)

// PathParams lists the {name} parameters of route path, in order.
func PathParams(path string) []string {
	var out []string
	for _, m := range pathParam.FindAllStringSubmatch(path, -1) {
		out = append(out, m[1])
	}
	return out
}
