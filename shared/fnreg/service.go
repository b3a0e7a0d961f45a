package fnreg

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/config"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/httpx"
	"github.com/kwipper/kwipper/shared/idempotency"
	"github.com/kwipper/kwipper/shared/saga"
	"github.com/kwipper/kwipper/shared/spanx"
)

// Service is a service as the platform knows it: its name, its database and
// schema, the topics it publishes to, its functions, and how to build their
// handlers. Each service package declares one with Define, in its
// routes.go; the composition root (package functions) lists them.
//
// A service without a database (Database and Schema unset, e.g. the web
// app's) gets no database, no migrations and no outbox: its Deps.DB and
// Deps.Outbox are nil, and it may not publish.
type Service struct {
	Name string
	// Database is the service's Spanner database id ("" for none).
	Database string
	// Publishes lists the topics the service publishes to (Define adds
	// saga.RepliesTopic for saga participants).
	Publishes []string
	// Schema holds the service's own migrations as migrations/NNNN_name.sql
	// (0001 to 8999; the platform's are added by Migrations).
	Schema fs.FS
	// Functions are the service's functions (Define fills it from its Funcs).
	Functions []Spec
	// Build returns the service's handlers by function name; it must create
	// any further clients it needs itself (lazily where it can).
	Build func(Deps) (map[string]http.Handler, error)
	// participant is set when the service runs saga steps; idempotent when
	// a function takes Idempotency-Keys.
	participant, idempotent bool
}

// Migrations returns the schema of the service's database, oldest first:
// the platform's (the outbox and handled events; SagaSteps for saga
// participants) and the service's own.
func (s Service) Migrations() ([]spanx.Migration, error) {
	if !s.HasDatabase() {
		return nil, nil
	}
	platform := []func() ([]spanx.Migration, error){events.Migrations}
	if s.participant {
		platform = append(platform, saga.Migrations)
	}
	if s.idempotent {
		platform = append(platform, idempotency.Migrations)
	}
	return spanx.ServiceMigrations(s.Schema, platform...)
}

// HasDatabase reports whether the service has a database of its own (every
// service but those that only serve, like the web app).
func (s Service) HasDatabase() bool { return s.Database != "" }

// Deps is what the platform gives every service.
type Deps struct {
	// Config is the platform's configuration.
	Config config.Config
	// Getenv reads the environment the service loads its own settings from
	// (config.NewReader); nil reads nothing, so every setting has its
	// default.
	Getenv func(string) string
	Log    *slog.Logger
	// DB is a client of the service's own database (nil for a service
	// without one).
	DB *spanner.Client
	// Outbox writes events with the service's changes (nil without a
	// database).
	Outbox *events.Outbox
	// Publisher publishes directly (for commands and replies not tied to a
	// database change; prefer Outbox).
	Publisher events.Publisher
	// Signer issues access tokens (only the User service's has a key in the
	// cloud).
	Signer auth.Signer
}

// Env returns a reader of the service's settings from d.Getenv.
func (d Deps) Env() *config.Reader {
	get := d.Getenv
	if get == nil {
		get = func(string) string { return "" }
	}
	return config.NewReader(get)
}

// Func is one function of a service: its Spec and its handler, exactly one
// of HTTP (an httpx handler), Event (a Pub/Sub push consumer) or Saga (a
// saga participant step, run idempotently by saga.Participant).
type Func struct {
	Spec
	HTTP  func(http.ResponseWriter, *http.Request) error
	Event func(context.Context, events.Message) error
	Saga  func() saga.Step
}

// Define declares service svc with its functions, each spec next to its
// handler, so a function's name is written once. A service writes its
// functions as routes(s *Service) []Func, binding method values of s, and
// declares
//
//	fnreg.Define(svc, routes(nil), func(d fnreg.Deps) ([]fnreg.Func, error) { s, err := build(d); return routes(s), err })
//
// routes(nil) gives the specs (a method value of a nil *Service is never
// called); build binds a live service. (The service is bound through
// closures, not a type parameter or an interface, so the linker keeps only
// the methods the service calls.) Define fills each spec's Service and, for
// Event and Saga functions, its Pub/Sub trigger and access; it panics on a
// Func with no handler or two (a wiring bug every test catches).
func Define(svc Service, fns []Func, build func(Deps) ([]Func, error)) Service {
	if !svc.HasDatabase() && (svc.Schema != nil || len(svc.Publishes) > 0) {
		panic(fmt.Sprintf("fnreg.Define %s: a service without a database has no schema and publishes nothing (events go through its outbox)", svc.Name))
	}
	for i := range fns {
		f := &fns[i]
		fill(svc.Name, f)
		svc.participant = svc.participant || f.Saga != nil
		svc.idempotent = svc.idempotent || f.Idempotent
		svc.Functions = append(svc.Functions, f.Spec)
	}
	if svc.participant {
		svc.Publishes = append(svc.Publishes, saga.RepliesTopic)
	}
	svc.Build = func(d Deps) (map[string]http.Handler, error) {
		fns, err := build(d)
		if err != nil {
			return nil, err
		}
		var p *saga.Participant
		if svc.participant {
			p = &saga.Participant{DB: d.DB, Outbox: d.Outbox, Publisher: d.Publisher, Log: d.Log}
		}
		hs := make(map[string]http.Handler, len(fns))
		for i := range fns {
			f := &fns[i]
			fill(svc.Name, f)
			switch {
			case f.HTTP != nil && f.Idempotent:
				hs[f.Name] = idempotency.Middleware(d.DB, f.Name, httpx.Handler(f.HTTP))
			case f.HTTP != nil:
				hs[f.Name] = httpx.Handler(f.HTTP)
			case f.Event != nil:
				hs[f.Name] = events.Push(f.Event)
			default:
				hs[f.Name] = events.Push(p.Handler(f.Saga()))
			}
		}
		return hs, nil
	}
	return svc
}

// fill completes f's spec from its handler, panicking unless it has exactly
// one.
func fill(service string, f *Func) {
	n := 0
	for _, set := range []bool{f.HTTP != nil, f.Event != nil, f.Saga != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		panic(fmt.Sprintf("fnreg.Define %s: function %s needs exactly one of HTTP, Event, Saga", service, f.Name))
	}
	f.Service = service
	if f.HTTP != nil {
		f.Trigger = HTTP
	} else {
		f.Idempotent = false
		f.Trigger, f.Access = PubSub, Push
	}
}
