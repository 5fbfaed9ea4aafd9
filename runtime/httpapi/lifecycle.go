package httpapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// Lifecycle runs a service's HTTP server from its start to a graceful stop,
// and is the one source of its readiness: give Ready to Options.Ready, and
// /ready answers what the lifecycle and the service's Check say together.
//
// When the context given to Serve is done (SIGTERM, through
// signal.NotifyContext), the service turns not ready (/ready answers 503)
// and every answer asks its client to close the connection, while the
// server goes on serving for DrainDelay: the time Kubernetes and the load
// balancers in front take to see that and stop sending requests. Then
// http.Server.Shutdown closes the listener and waits for the requests in
// flight, at most ShutdownTimeout, after which the connections still open
// are closed. Kubernetes kills the pod terminationGracePeriodSeconds after
// SIGTERM (30 s unless set): DrainDelay plus ShutdownTimeout must fit.
type Lifecycle struct {
	Logger *slog.Logger // nil means slog.Default()
	// Check is the service's own readiness (its database answers...): /ready
	// answers 503 while it fails. Its error is logged, never sent. Nil
	// means ready.
	Check func(context.Context) error
	// DrainDelay is how long the server keeps serving, not ready, before it
	// shuts down: 0 means 5 s, a negative value none.
	DrainDelay time.Duration
	// ShutdownTimeout bounds the wait for the requests in flight: 0 means
	// 20 s.
	ShutdownTimeout time.Duration

	draining atomic.Bool
}

// ErrDraining is the readiness of a service shutting down.
var ErrDraining = errors.New("shutting down")

// Ready reports the service's readiness: ErrDraining once it shuts down,
// else what Check says.
func (l *Lifecycle) Ready(ctx context.Context) error {
	if l.draining.Load() {
		return ErrDraining
	}
	if l.Check != nil {
		return l.Check(ctx)
	}
	return nil
}

// Draining reports whether the service is shutting down.
func (l *Lifecycle) Draining() bool { return l.draining.Load() }

// ListenAndServe listens on srv.Addr (":http" when empty) and serves as
// Serve does.
func (l *Lifecycle) ListenAndServe(ctx context.Context, srv *http.Server) error {
	addr := srv.Addr
	if addr == "" {
		addr = ":http"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return l.Serve(ctx, srv, ln)
}

// Serve serves srv on ln until ctx is done, then drains and shuts down as
// the Lifecycle says. It returns nil once every request in flight has been
// answered, an error when the server failed or when requests were still
// running at the shutdown deadline (their connections are then closed).
// It wraps srv.Handler (nil meaning http.DefaultServeMux) to close the
// connections of answers sent while draining.
func (l *Lifecycle) Serve(ctx context.Context, srv *http.Server, ln net.Listener) error {
	log := l.Logger
	if log == nil {
		log = slog.Default()
	}
	h := srv.Handler
	if h == nil {
		h = http.DefaultServeMux
	}
	srv.Handler = &draining{h: h, on: &l.draining}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String())

	select {
	case err := <-served:
		return serveError(err)
	case <-ctx.Done():
	}
	l.draining.Store(true)
	delay := defaultDuration(l.DrainDelay, 5*time.Second)
	log.Info("shutting down: not ready, draining", "delay", delay)
	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case err := <-served:
			t.Stop()
			return serveError(err)
		}
	}
	timeout := defaultDuration(l.ShutdownTimeout, 20*time.Second)
	log.Info("shutting down: waiting for the requests in flight", "timeout", timeout)
	sctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		cerr := srv.Close()
		return errors.Join(fmt.Errorf("shutdown: requests still running after %s were cut: %w", timeout, err), cerr)
	}
	if err := serveError(<-served); err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}

// serveError is the error of http.Server.Serve, none when it returned
// because the server was shut down.
func serveError(err error) error {
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

func defaultDuration(d, def time.Duration) time.Duration {
	switch {
	case d == 0:
		return def
	case d < 0:
		return 0
	}
	return d
}

// draining asks the client of each answer sent while the service drains
// to close its connection (net/http closes it after the answer), so that
// no connection is left idle for Shutdown to close under a request being
// sent on it. Unlike http.Server.SetKeepAlivesEnabled(false), it closes no
// idle connection itself, which would race with requests on them too.
type draining struct {
	h  http.Handler
	on *atomic.Bool
}

func (d *draining) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if d.on.Load() {
		w.Header()["Connection"] = connectionClose
	}
	d.h.ServeHTTP(w, r)
}

var connectionClose = []string{"close"}

// LogLevel is the slog level a setting such as $LOG_LEVEL names: debug,
// info, warn (or warning) or error, in any case, with an optional offset
// as slog writes levels ("debug-4", "error+2"); "" is info.
func LogLevel(s string) (slog.Level, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return slog.LevelInfo, nil
	}
	if strings.EqualFold(s, "warning") {
		s = "warn"
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return slog.LevelInfo, fmt.Errorf("log level %q: want debug, info, warn or error", s)
	}
	return l, nil
}

// NewLogger is a JSON logger to w at the level LogLevel reads from level
// (for example os.Getenv("LOG_LEVEL")); an unknown level is Info, and
// logged as a warning.
func NewLogger(w io.Writer, level string) *slog.Logger {
	l, err := LogLevel(level)
	log := slog.New(newJSONHandler(w, l))
	if err != nil {
		log.Warn("unknown log level; logging at info", "err", err)
	}
	return log
}
