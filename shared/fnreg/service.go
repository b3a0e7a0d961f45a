package fnreg

import (
	"log/slog"
	"net/http"

	"cloud.google.com/go/spanner"

	"github.com/kwipper/kwipper/shared/auth"
	"github.com/kwipper/kwipper/shared/config"
	"github.com/kwipper/kwipper/shared/events"
	"github.com/kwipper/kwipper/shared/spanx"
)

// Service is how a service plugs into the platform: its name (as in the
// function table), its database, its schema, and how to build its handlers.
type Service struct {
	Name     string
	Database string
	// Publishes lists the topics the service publishes to.
	Publishes  []string
	Migrations func() ([]spanx.Migration, error)
	// Build returns the service's handlers by function name; it must create
	// any further clients it needs itself (lazily where it can).
	Build func(Deps) (map[string]http.Handler, error)
}

// Deps is what the platform gives every service.
type Deps struct {
	Config config.Config
	Log    *slog.Logger
	// DB is a client of the service's own database.
	DB *spanner.Client
	// Outbox writes events with the service's changes.
	Outbox *events.Outbox
	// Publisher publishes directly (for commands and replies not tied to a
	// database change; prefer Outbox).
	Publisher events.Publisher
	// Signer issues access tokens (only the User service's has a key in the
	// cloud).
	Signer auth.Signer
}
