// Scaffolded by harness; yours to edit.

// Command samples serves the samples API.
package main

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	samples "github.com/harness-sh/harness/applications/samples/backend/samples"
	"github.com/harness-sh/harness/applications/samples/backend/service"
	"github.com/harness-sh/harness/runtime"
	"github.com/harness-sh/harness/runtime/httpapi"
)

func main() {
	log := httpapi.NewLogger(os.Stderr, os.Getenv("LOG_LEVEL")) // debug, info (default), warn or error
	if err := run(log); err != nil {
		log.Error("server stopped", "err", err)
		os.Exit(1)
	}
}

func run(log *slog.Logger) error {
	// SIGTERM (Kubernetes stopping the pod) or Ctrl-C starts a graceful
	// shutdown; a second one stops at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	context.AfterFunc(ctx, stop)

	// The lifecycle is the service's readiness (/ready): set its Check to
	// your own (a ping of your database). After SIGTERM it answers not
	// ready while the server drains (DrainDelay, 5 s), then shuts down,
	// letting the requests in flight finish (ShutdownTimeout, 20 s).
	life := &httpapi.Lifecycle{Logger: log}
	srv := &http.Server{
		Addr:              ":" + strconv.Itoa(port(log)),
		Handler:           samples.NewHandler(&service.Service{}, samples.Options{Logger: log, Ready: life.Ready}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	return life.ListenAndServe(ctx, srv)
}

// port is $PORT when set, else the deployment port from the solution's
// values (harness.deployment.port), else 8080 (running locally, no values).
func port(log *slog.Logger) int {
	if p, err := strconv.Atoi(os.Getenv("PORT")); err == nil && p > 0 {
		return p
	}
	cfg, err := runtime.Default()
	if err != nil {
		log.Info("no harness values; using port 8080", "err", err)
		return 8080
	}
	app, err := cfg.Current()
	if err != nil {
		log.Info("current application unknown; using port 8080", "err", err)
		return 8080
	}
	return app.DeploymentPort()
}
