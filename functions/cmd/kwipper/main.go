// Command kwipper is Kwipper's one binary, the one the image holds. In the
// cloud it serves the function named by FUNCTION_TARGET (one Cloud Run
// service per function, same image); without it, every function and the
// REST routes on one port. The local stack (emulators, fakes) is the other
// binary, kwipper-dev.
//
//	kwipper                 serve (FUNCTION_TARGET set: that function only)
//	kwipper migrate         create missing databases and apply migrations
//	kwipper gen [--check]   write (or check) functions/openapi.json and terraform/functions.json
//	kwipper billing-cycle [--as-of T]  publish a billing-cycle tick as of T (RFC 3339; default now)
//	kwipper payments-unreconciled [--older-than D]  list payments reconciliation could not settle
//	kwipper export --out DIR           write a portable export of every database (one snapshot)
//	kwipper restore --from DIR [--resume]  load an export into empty databases
//	kwipper drill --api URL [--learners N] [--destroy-project P]  rehearse a recovery, print RPO and RTO
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/GoogleCloudPlatform/functions-framework-go/funcframework"
	ff "github.com/GoogleCloudPlatform/functions-framework-go/functions"

	"github.com/kwipper/kwipper/functions"
	"github.com/kwipper/kwipper/functions/ops"
	"github.com/kwipper/kwipper/shared/config"
	"github.com/kwipper/kwipper/shared/fnreg"
	"github.com/kwipper/kwipper/shared/httpx"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "kwipper:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	if cmd == "gen" {
		return gen(args)
	}
	cfg, log, done, err := ops.Setup(os.Getenv)
	if err != nil {
		return err
	}
	defer done()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch cmd {
	case "serve":
		if cfg.FunctionTarget != "" {
			return serveOne(ctx, cfg, log)
		}
		return serveAll(ctx, cfg, log)
	case "migrate":
		return ops.Migrate(ctx, cfg, log)
	case "billing-cycle":
		return billingCycle(ctx, cfg, log, args)
	case "payments-unreconciled":
		return paymentsUnreconciled(ctx, cfg, log, args)
	case "export":
		return export(ctx, cfg, log, args)
	case "restore":
		return restore(ctx, cfg, log, args)
	case "drill":
		return drill(ctx, cfg, log, args)
	}
	return fmt.Errorf("unknown command %q (serve, migrate, gen, billing-cycle, payments-unreconciled, export, restore, drill)", cmd)
}

// serveOne serves the FUNCTION_TARGET function through the functions
// framework, building only its service.
func serveOne(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	spec, ok := functions.Lookup(cfg.FunctionTarget)
	if !ok {
		return fmt.Errorf("FUNCTION_TARGET %q is not a Kwipper function", cfg.FunctionTarget)
	}
	app, err := functions.Open(ctx, cfg, log, functions.Options{Getenv: os.Getenv, Services: []string{spec.Service}})
	if err != nil {
		return err
	}
	defer app.Close()
	for _, f := range app.Functions {
		if f.Name == spec.Name {
			app.Functions = []fnreg.Function{f}
		}
	}
	h := canaryPath("kw-"+spec.Name, app.Handler())
	ff.HTTP(spec.Name, h.ServeHTTP)
	log.InfoContext(ctx, "serving function", "function", spec.Name, "port", cfg.Port)
	errc := make(chan error, 1)
	go func() { errc <- funcframework.Start(cfg.Port) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return nil
	}
}

// serveAll serves every function on cfg.Port until ctx ends.
func serveAll(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	app, err := functions.Open(ctx, cfg, log, functions.Options{Getenv: os.Getenv})
	if err != nil {
		return err
	}
	defer app.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:"+cfg.Port)
	if err != nil {
		return err
	}
	srv := httpx.NewServer(app.Handler())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.InfoContext(ctx, "serving every function", "url", "http://"+ln.Addr().String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
