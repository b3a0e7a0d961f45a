package ops

import (
	"cmp"
	"context"
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
