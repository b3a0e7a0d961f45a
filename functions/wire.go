package functions

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"cloud.google.com/go/pubsub/v2"
	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/functions/billing"
	"github.com/kwipper/kwipper/functions/content"
	"github.com/kwipper/kwipper/functions/course"
	"github.com/kwipper/kwipper/functions/subscribe"
	"github.com/kwipper/kwipper/functions/user"
	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/config"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/httpx"
	"github.com/kwipper/kwipper/shared/spanx"
)

// App is a set of opened services: their functions bound to handlers, and
// the clients behind them.
type App struct {
	Functions []fnreg.Function
	Log       *slog.Logger
	// Signer issues tokens (set when the User service is open).
	Signer  auth.Signer
	dbs     map[string]*spanner.Client
	pubsub  *pubsub.Client
	publish *events.PubSub
}

// Plugins are the services, one line each.
var Plugins = []fnreg.Service{user.Plugin, course.Plugin, content.Plugin, subscribe.Plugin, billing.Plugin}

// Services lists every service name, in order.
func Services() []string {
	out := make([]string, len(Plugins))
	for i, p := range Plugins {
		out[i] = p.Name
	}
	return out
}

// Plugin returns the service named svc.
func Plugin(svc string) (fnreg.Service, bool) {
	for _, p := range Plugins {
		if p.Name == svc {
			return p, true
		}
	}
	return fnreg.Service{}, false
}

// Lookup returns the spec of function name.
func Lookup(name string) (fnreg.Spec, bool) {
	for _, s := range Table {
		if s.Name == name {
			return s, true
		}
	}
	return fnreg.Spec{}, false
}

// Open builds the named services (all when none are named) with their
// clients; only what those services need is created, so a function instance
// in the cloud opens just its own database.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger, services ...string) (*App, error) {
	if err := fnreg.Validate(Table); err != nil {
		return nil, err
	}
	if len(services) == 0 {
		services = Services()
	}
	app := &App{Log: log, dbs: map[string]*spanner.Client{}}
	ok := false
	defer func() {
		if !ok {
			app.Close()
		}
	}()
	ps, err := pubsub.NewClient(ctx, cfg.Project)
	if err != nil {
		return nil, fmt.Errorf("pubsub client: %w", err)
	}
	app.pubsub, app.publish = ps, &events.PubSub{Client: ps}

	key, err := signingKey(cfg, slices.Contains(services, "user"))
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

	handlers := map[string]http.Handler{}
	for _, svc := range services {
		plugin, found := Plugin(svc)
		if !found {
			return nil, fmt.Errorf("unknown service %q", svc)
		}
		db, err := app.db(ctx, cfg, plugin.Database)
		if err != nil {
			return nil, err
		}
		hs, err := plugin.Build(fnreg.Deps{Config: cfg, Log: log, DB: db, Publisher: app.publish, Signer: app.Signer,
			Outbox: &events.Outbox{DB: db, Publisher: app.publish, Log: log}})
		if err != nil {
			return nil, fmt.Errorf("service %s: %w", svc, err)
		}
		for name, h := range hs {
			if spec, ok := Lookup(name); !ok || spec.Service != svc {
				return nil, fmt.Errorf("service %s has a handler %q that Table does not list for it", svc, name)
			}
			handlers[name] = h
		}
	}
	for _, spec := range Table {
		if !slices.Contains(services, spec.Service) {
			continue
		}
		h, found := handlers[spec.Name]
		if !found {
			return nil, fmt.Errorf("function %s has no handler in service %s", spec.Name, spec.Service)
		}
		app.Functions = append(app.Functions, fnreg.Function{Spec: spec, Handler: fnreg.Guard(spec, guard, h)})
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
	return httpx.Middleware(a.Log, mux)
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
	if a.pubsub != nil {
		a.pubsub.Close()
	}
}
