// Scaffolded by harness; yours to edit.

// Package database connects samples to its PostgreSQL database and keeps
// its schema. The SQL files of migrations/ are embedded in the binary and
// applied in order by Migrate: the `migrate` command runs it (the chart's
// hook Job, before an upgrade), and so does the server at start, so that a
// first install, whose database starts with the release, needs no Job.
package database

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync/atomic"
	"time"

	"github.com/harness-sh/harness/runtime"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Config is the pool's configuration: $DATABASE_URL when set, else the
// application's automatic database as the harness values describe it
// (harness.database: host, port, user, the database-password secret).
func Config() (*pgxpool.Config, error) {
	return ConfigFrom(os.Getenv("DATABASE_URL"), runtime.Default)
}

// ConfigFrom is Config with its sources given: url when not empty, else
// the current application's database in the values that values returns.
func ConfigFrom(url string, values func() (*runtime.Config, error)) (*pgxpool.Config, error) {
	if url == "" {
		cfg, err := values()
		if err != nil {
			return nil, fmt.Errorf("no DATABASE_URL and no harness values: %w", err)
		}
		app, err := cfg.Current()
		if err != nil {
			return nil, fmt.Errorf("no DATABASE_URL: %w", err)
		}
		db, err := app.Database()
		if err != nil {
			return nil, fmt.Errorf("no DATABASE_URL: %w", err)
		}
		url = db.ConnectionString()
	}
	pc, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("database URL: %w", err)
	}
	if pc.ConnConfig.ConnectTimeout == 0 {
		pc.ConnConfig.ConnectTimeout = 5 * time.Second
	}
	return pc, nil
}

// Wait returns once the database answers, retrying with a backoff that
// doubles from 100 ms up to 5 s; it fails only when ctx ends.
func Wait(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger) error {
	return retry(ctx, log, "database unreachable", func(ctx context.Context) error { return pool.Ping(ctx) })
}

func retry(ctx context.Context, log *slog.Logger, what string, f func(context.Context) error) error {
	for delay := 100 * time.Millisecond; ; delay = min(2*delay, 5*time.Second) {
		err := f(ctx)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%s: %w", what, errors.Join(ctx.Err(), err))
		}
		log.Warn(what+"; retrying", "err", err, "in", delay)
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%s: %w", what, errors.Join(ctx.Err(), err))
		case <-t.C:
		}
	}
}

// Schema is the server's readiness as far as the database goes: not ready
// until Prepare has seen the database answer with a current schema, then
// ready while the database answers.
type Schema struct {
	Pool *pgxpool.Pool
	Log  *slog.Logger
	// Migrate applies the pending migrations at start. Without it the
	// server waits for the `migrate` command (the chart's Job) to do it.
	Migrate bool

	current atomic.Bool
	last    atomic.Pointer[error]
}

// ErrNotPrepared is the readiness before the first connection.
var ErrNotPrepared = errors.New("database not reached yet")

// Prepare waits for the database and a current schema, retrying with
// backoff; a database down at start keeps the server up and not ready
// instead of stopping it. It returns when the schema is current or ctx ends.
func (s *Schema) Prepare(ctx context.Context) error {
	return retry(ctx, s.Log, "database not ready", func(ctx context.Context) error {
		err := s.prepare(ctx)
		if err != nil {
			s.last.Store(&err)
			return err
		}
		s.current.Store(true)
		s.Log.Info("database ready: schema is current", "version", Latest())
		return nil
	})
}

func (s *Schema) prepare(ctx context.Context) error {
	if err := s.Pool.Ping(ctx); err != nil {
		return err
	}
	if s.Migrate {
		if _, err := Migrate(ctx, s.Pool, s.Log); err != nil {
			return err
		}
	}
	v, err := Version(ctx, s.Pool)
	if err != nil {
		return err
	}
	if v < Latest() {
		return fmt.Errorf("schema version %d, want %d: waiting for the migrate command", v, Latest())
	}
	return nil
}

// Ready is the readiness check for httpapi.Lifecycle.Check.
func (s *Schema) Ready(ctx context.Context) error {
	if !s.current.Load() {
		if err := s.last.Load(); err != nil {
			return *err
		}
		return ErrNotPrepared
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return s.Pool.Ping(ctx)
}
