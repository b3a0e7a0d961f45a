package ops

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/kwipper/kwipper/shared/config"
	"github.com/kwipper/kwipper/shared/logging"
	"github.com/kwipper/kwipper/shared/tracing"
)

// Setup starts a Kwipper process: it loads the platform's configuration
// from getenv, installs the JSON logger (on stdout, as Cloud Logging reads
// it) and the tracer provider. done flushes the traces at exit.
func Setup(getenv func(string) string) (cfg config.Config, log *slog.Logger, done func(), err error) {
	getenv, stack := LocalStack(getenv, ".")
	if stack != "" {
		// Pub/Sub and Storage clients read their emulator hosts from the
		// process environment.
		for _, k := range []string{"SPANNER_EMULATOR_HOST", "PUBSUB_EMULATOR_HOST", "STORAGE_EMULATOR_HOST"} {
			if v := getenv(k); v != "" && os.Getenv(k) == "" {
				_ = os.Setenv(k, v)
			}
		}
		fmt.Fprintf(os.Stderr, "kwipper: using the local stack that scripts/dev runs (%s: Spanner %s, Pub/Sub %s, project %s)\n",
			stack, getenv("SPANNER_EMULATOR_HOST"), getenv("PUBSUB_EMULATOR_HOST"), getenv("KW_PROJECT"))
	}
	if cfg, err = config.Load(getenv); err != nil {
		return cfg, nil, nil, err
	}
	log = logging.New(os.Stdout, cfg.LogLevel, cfg.Project)
	slog.SetDefault(log)
	shutdown, err := tracing.Setup(context.Background(), tracing.Config{OTLPEndpoint: cfg.Tracing.OTLPEndpoint,
		Insecure: cfg.Tracing.Insecure, SampleRate: cfg.Tracing.SampleRate, Service: cmp.Or(cfg.FunctionTarget, "kwipper"),
		Project: cfg.Project})
	if err != nil {
		return cfg, nil, nil, err
	}
	done = func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := shutdown(ctx); err != nil {
			log.Warn("trace export at shutdown failed", "err", err.Error())
		}
	}
	return cfg, log, done, nil
}
