// Scaffolded by harness; yours to edit.

// Command samples serves the samples API.
package main

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

import (
	samples "github.com/harness-sh/harness/applications/samples/backend/samples"
	"github.com/harness-sh/harness/applications/samples/backend/service"
	"github.com/harness-sh/harness/runtime"
)

func main() {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	if err := run(log); err != nil {
		log.Error("server stopped", "err", err)
		os.Exit(1)
	}
}

func run(log *slog.Logger) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	srv := &http.Server{
		Addr:              ":" + strconv.Itoa(port(log)),
		Handler:           samples.NewHandler(&service.Service{}, samples.Options{Logger: log}),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.ListenAndServe() }()
	log.Info("listening", "addr", srv.Addr)

	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
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
