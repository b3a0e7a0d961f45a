// Package functions is Kwipper's composition root: the list of services and
// the wiring that opens them. Each service declares its functions (spec and
// handler together) in its own routes.go; Table is their concatenation, and
// Open builds the named services with the clients they need.
package functions

import (
	"context"
	"crypto/ed25519"
	_ "embed"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/billing"
	"github.com/kwipper/kwipper/functions/content"
	"github.com/kwipper/kwipper/functions/course"
	"github.com/kwipper/kwipper/functions/progress"
	"github.com/kwipper/kwipper/functions/subscribe"
	"github.com/kwipper/kwipper/functions/user"
	"github.com/kwipper/kwipper/functions/web"
	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/config"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/httpx"
	"github.com/kwipper/kwipper/shared/spanx"
)

// Services are Kwipper's services, one line each: a new service is a new
// line here (and its routes.go).
var Services = []fnreg.Service{user.Registration, course.Registration, content.Registration, subscribe.Registration, billing.Registration,
	progress.Registration, web.Registration}

// WithDatabases are the services that have a database of their own (every
// one but those that only serve, like the web app).
func WithDatabases() []fnreg.Service {
	var out []fnreg.Service
	for _, s := range Services {
		if s.HasDatabase() {
			out = append(out, s)
		}
	}
	return out
}

// Table is every Kwipper function, service by service. The local router,
// the per-function server, functions/openapi.json and
// terraform/functions.json all come from it.
func Table() []fnreg.Spec {
	var out []fnreg.Spec
	for _, s := range Services {
		out = append(out, s.Functions...)
	}
	return out
}

// Service returns the service named name.
func Service(name string) (fnreg.Service, bool) {
	i := slices.IndexFunc(Services, func(s fnreg.Service) bool { return s.Name == name })
	if i < 0 {
		return fnreg.Service{}, false
	}
	return Services[i], true
}

// Lookup returns the spec of function name.
func Lookup(name string) (fnreg.Spec, bool) {
	for _, s := range Table() {
		if s.Name == name {
			return s, true
		}
	}
	return fnreg.Spec{}, false
}

// OpenAPIDocument is the committed OpenAPI document (`kwipper gen` writes
// it), served at /openapi.json.
//
//go:embed openapi.json
var OpenAPIDocument []byte

// App is a set of opened services: their functions bound to handlers, and
// the clients behind them.
type App struct {
	Functions []fnreg.Function
	Log       *slog.Logger
	// Signer issues tokens (set when the User service is open).
	Signer  auth.Signer
	dbs     map[string]*spanner.Client
	publish *events.PubSub
}

// Options change how Open wires the services; the zero Options is
// production's. The local stack's test hooks (a failing saga step, commands
// sent twice) are options of the dev stack built on these, never settings.
type Options struct {
	// Getenv is where services read their own settings (default: nothing
	// set, every default).
	Getenv func(string) string
	// Services names the services to open (default: all).
	Services []string
	// WrapPublisher, when set, wraps the publisher services publish with.
	WrapPublisher func(events.Publisher) events.Publisher
	// WrapHandler, when set, wraps each function's handler (inside the
	// access guard).
	WrapHandler func(fnreg.Spec, http.Handler) http.Handler
}

// Open builds the services opts names (all when none) with their clients;
// only what those services need is created, so a function instance in the
// cloud opens just its own database.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger, opts Options) (*App, error) {
	table := Table()
	if err := fnreg.Validate(table); err != nil {
		return nil, err
	}
	names := opts.Services
	if len(names) == 0 {
		for _, s := range Services {
			names = append(names, s.Name)
		}
	}
	app := &App{Log: log, dbs: map[string]*spanner.Client{}}
	ok := false
	defer func() {
		if !ok {
			app.Close()
		}
	}()
	// Pub/Sub is dialled on the first publish: many functions never
	// publish on most requests.
	app.publish = &events.PubSub{Project: cfg.Project}
	var publisher events.Publisher = app.publish
	if opts.WrapPublisher != nil {
		publisher = opts.WrapPublisher(publisher)
	}

	key, err := signingKey(cfg, slices.Contains(names, "user"))
	if err != nil {
		return nil, err
	}
	app.Signer = auth.Signer{Key: key, Issuer: cfg.TokenIssuer, TTL: cfg.TokenTTL}
	verifier := &auth.Verifier{Issuer: cfg.TokenIssuer}
	switch {
	case cfg.JWKSURL != "" && key.Private == nil:
		verifier.Keys = &auth.RemoteJWKS{URL: cfg.JWKSURL, MinRefresh: time.Minute}
	case key.Private != nil:
		verifier.Keys = auth.StaticKeys{key.KID: key.Private.Public().(ed25519.PublicKey)}
	default:
		return nil, errors.New("no way to verify tokens: set KW_JWKS_URL or KW_TOKEN_SIGNING_KEY")
	}
	guard := fnreg.Auth{Tokens: verifier, Push: auth.PushToken(cfg.Push.Token.Reveal())}
	if cfg.Push.Invoker != "" {
		guard.Push = &auth.PushOIDC{Keys: &auth.RemoteJWKS{URL: cfg.Push.JWKSURL, MinRefresh: time.Minute},
			AudienceBase: cfg.BaseURL, Invoker: cfg.Push.Invoker}
	}

	var revocations http.Handler // the User service's list, when served here
	for _, name := range names {
		svc, found := Service(name)
		if !found {
			return nil, fmt.Errorf("unknown service %q", name)
		}
		deps := fnreg.Deps{Config: cfg, Getenv: opts.Getenv, Log: log, Publisher: publisher, Signer: app.Signer}
		if svc.HasDatabase() {
			if deps.DB, err = app.db(ctx, cfg, svc.Database); err != nil {
				return nil, err
			}
			deps.Outbox = &events.Outbox{DB: deps.DB, Publisher: publisher, Log: log}
		}
		hs, err := svc.Build(deps)
		if err != nil {
			return nil, fmt.Errorf("service %s: %w", name, err)
		}
		for _, spec := range svc.Functions {
			h := hs[spec.Name]
			if spec.Service == "user" && spec.Method == http.MethodGet && spec.Path == user.TokenRevocationsPath {
				revocations = h
			}
			if opts.WrapHandler != nil {
				h = opts.WrapHandler(spec, h)
			}
			app.Functions = append(app.Functions, fnreg.Function{Spec: spec, Handler: fnreg.Guard(spec, guard, h)})
		}
	}
	// Revoked tokens (a deleted account, a password change, log out
	// everywhere) are refused within RevocationsRefresh: the list is read
	// in process where the User service runs, else fetched.
	switch {
	case revocations != nil:
		verifier.Revocations = &auth.RemoteRevocations{URL: "http://user.in-process" + user.TokenRevocationsPath,
			Client: &http.Client{Transport: auth.HandlerTransport{Handler: revocations}}, Refresh: cfg.RevocationsRefresh, Log: log}
	case cfg.RevocationsURL != "":
		verifier.Revocations = &auth.RemoteRevocations{URL: cfg.RevocationsURL, Refresh: cfg.RevocationsRefresh, Log: log}
	}
	ok = true
	return app, nil
}

// signingKey returns the token signing key from configuration; locally, a
// fresh one is generated when none is configured. Only processes serving the
// User service hold it in the cloud.
func signingKey(cfg config.Config, userService bool) (auth.SigningKey, error) {
	if cfg.TokenSigningKey != "" {
		return auth.ParseKeyPEM(cfg.TokenSigningKey.Reveal())
	}
	if cfg.Env == "local" {
		return auth.GenerateKey()
	}
	if userService {
		return auth.SigningKey{}, errors.New("KW_TOKEN_SIGNING_KEY is required for the User service")
	}
	return auth.SigningKey{}, nil
}

func (a *App) db(ctx context.Context, cfg config.Config, name string) (*spanner.Client, error) {
	if c, ok := a.dbs[name]; ok {
		return c, nil
	}
	c, err := spanx.Open(ctx, spanx.DatabasePath(cfg.Project, cfg.SpannerInstance, name))
	if err != nil {
		return nil, err
	}
	a.dbs[name] = c
	return c, nil
}

// Handler is the HTTP surface of the app: every function's route, the health
// check, and the OpenAPI document; wrapped in the request middleware.
func (a *App) Handler() http.Handler {
	mux := fnreg.Mux(a.Functions)
	mux.Handle("GET /healthz", httpx.Handler(a.health))
	mux.HandleFunc("GET /openapi.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(OpenAPIDocument)
	})
	return httpx.Middleware(a.Log, fnreg.JSONErrors(mux))
}

// health reports whether each database answers.
func (a *App) health(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	checks, status := map[string]string{}, http.StatusOK
	for name, db := range a.dbs {
		if err := spanx.Ping(ctx, db); err != nil {
			checks["spanner:"+name] = "unavailable"
			status = http.StatusServiceUnavailable
			a.Log.WarnContext(ctx, "health check failed", "database", name, "err", err.Error())
		} else {
			checks["spanner:"+name] = "ok"
		}
	}
	state := "ok"
	if status != http.StatusOK {
		state = "unavailable"
	}
	httpx.WriteJSON(w, status, map[string]any{"status": state, "checks": checks})
	return nil
}

// Close releases every client.
func (a *App) Close() {
	if a.publish != nil {
		a.publish.Stop()
	}
	for _, c := range a.dbs {
		c.Close()
	}
}
