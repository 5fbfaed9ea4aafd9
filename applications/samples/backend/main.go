// Scaffolded by harness; yours to edit.

// Command samples serves the samples API on its PostgreSQL database. Its
// binary is /server in the application's image:
//
//	server                  serve (the default; also: server serve)
//	server migrate          bring the database's schema up to date, then exit
//	server import FILE.csv  add the passengers of a CSV file, all or none
//
// The database is $DATABASE_URL, else the application's automatic database
// in the harness values.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/harness-sh/harness/applications/samples/backend/database"
	samples "github.com/harness-sh/harness/applications/samples/backend/samples"
	"github.com/harness-sh/harness/applications/samples/backend/service"
	"github.com/harness-sh/harness/runtime"
	"github.com/harness-sh/harness/runtime/httpapi"
	"github.com/jackc/pgx/v5/pgxpool"
)

// errUsage is a command line that names no command of this binary.
var errUsage = errors.New("usage: server [serve | migrate | import FILE.csv]")

func main() {
	log := httpapi.NewLogger(os.Stderr, os.Getenv("LOG_LEVEL")) // debug, info (default), warn or error
	// SIGTERM (Kubernetes stopping the pod) or Ctrl-C starts a graceful
	// shutdown; a second one stops at once.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	context.AfterFunc(ctx, stop)
	err := run(ctx, command{log: log, stdout: os.Stdout}, os.Args[1:])
	stop()
	var refused *service.ImportError
	switch {
	case err == nil:
		return
	case errors.As(err, &refused):
		// The bad rows, one a line, as a person fixing the file reads them.
		fmt.Fprintln(os.Stderr, refused)
		os.Exit(1)
	case errors.Is(err, errUsage):
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	log.Error("stopped", "err", err)
	os.Exit(1)
}

// command is what the commands write to, and how the server stops.
type command struct {
	log    *slog.Logger
	stdout io.Writer
	// drainDelay is httpapi.Lifecycle.DrainDelay: 0 means its default.
	drainDelay time.Duration
}

// pages, when another file of this package sets it, wraps the API's handler
// to serve more than the API: web.go, which the go-server template writes
// beside this file when the application has a frontend/, serves the web page.
var pages func(api http.Handler) http.Handler

func run(ctx context.Context, c command, args []string) error {
	cmd := "serve"
	if len(args) > 0 {
		cmd = args[0]
	}
	want := 0
	switch cmd {
	case "serve", "migrate":
	case "import":
		want = 1
	default:
		return fmt.Errorf("%w: unknown command %q", errUsage, cmd)
	}
	if len(args) > 0 && len(args)-1 != want {
		return fmt.Errorf("%w: %q takes %d argument(s)", errUsage, cmd, want)
	}
	cfg, err := database.Config()
	if err != nil {
		return err
	}
	// The pool connects lazily: it exists before the database answers.
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer pool.Close()
	switch cmd {
	case "migrate":
		return migrate(ctx, c, pool)
	case "import":
		return importFile(ctx, c, pool, args[1])
	}
	return serve(ctx, c, pool)
}

// waitDatabase waits for the database at most MIGRATE_WAIT (default 2m).
func waitDatabase(ctx context.Context, log *slog.Logger, pool *pgxpool.Pool) error {
	wait := 2 * time.Minute
	if d, err := time.ParseDuration(os.Getenv("MIGRATE_WAIT")); err == nil {
		wait = d
	}
	wctx, cancel := context.WithTimeout(ctx, wait)
	defer cancel()
	return database.Wait(wctx, pool, log)
}

// migrate waits for the database, then applies the pending migrations. A
// failure exits non-zero: the chart's hook Job then fails, and with it the
// upgrade.
func migrate(ctx context.Context, c command, pool *pgxpool.Pool) error {
	if err := waitDatabase(ctx, c.log, pool); err != nil {
		return err
	}
	applied, err := database.Migrate(ctx, pool, c.log)
	if err != nil {
		return err
	}
	c.log.Info("schema is current", "version", database.Latest(), "applied", len(applied))
	return nil
}

// importFile imports the passengers of a CSV file (service.Importer says
// how) into a database whose schema is current: it migrates nothing, as
// the server or the chart's Job does that.
func importFile(ctx context.Context, c command, pool *pgxpool.Pool, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := waitDatabase(ctx, c.log, pool); err != nil {
		return err
	}
	v, err := database.Version(ctx, pool)
	if err != nil {
		return fmt.Errorf("schema version: %w", err)
	}
	if v != database.Latest() {
		return fmt.Errorf("the schema is at version %d, this binary needs %d: run `server migrate` first", v, database.Latest())
	}
	im := &service.Importer{DB: pool}
	n, err := im.Import(ctx, path, f)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "%s: imported %d passenger(s)\n", path, n)
	return nil
}

// serve serves the API. It answers /live at once and /ready only once the
// database answers with a current schema: a database down at start keeps
// the server up, not ready, retrying with backoff. The server applies the
// pending migrations itself unless MIGRATE_ON_START is false.
func serve(ctx context.Context, c command, pool *pgxpool.Pool) error {
	log := c.log
	ln, err := net.Listen("tcp", ":"+strconv.Itoa(port(log)))
	if err != nil {
		return err
	}
	schema := &database.Schema{Pool: pool, Log: log, Migrate: os.Getenv("MIGRATE_ON_START") != "false"}
	// Prepare retries until the schema is current or serving stops; serve
	// returns after it, so that it never uses the pool once run closes it.
	pctx, cancel := context.WithCancel(ctx)
	prepared := make(chan struct{})
	go func() {
		defer close(prepared)
		schema.Prepare(pctx) // fails only when pctx ends: nothing to report
	}()
	defer func() { <-prepared }()
	defer cancel()

	// The lifecycle is the service's readiness (/ready): the schema's,
	// until SIGTERM; then it answers not ready while the server drains
	// (DrainDelay, 5 s), then shuts down, letting the requests in flight
	// finish (ShutdownTimeout, 20 s).
	life := &httpapi.Lifecycle{Logger: log, Check: schema.Ready, DrainDelay: c.drainDelay}
	var handler http.Handler = samples.NewHandler(service.New(pool), samples.Options{Logger: log, Ready: life.Ready})
	if pages != nil {
		handler = pages(handler)
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
	return life.Serve(ctx, srv, ln)
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
