// Scaffolded by harness; yours to edit.

package database

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"regexp"
	"sort"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// files are the migrations: NNNN_what.sql, applied in the order of NNNN.
// A migration, once released, is never edited: add the next number.
//
//go:embed migrations/*.sql
var files embed.FS

// Migration is one SQL file of migrations/.
type Migration struct {
	Version int64
	File    string // migrations/0001_create_items.sql
	SQL     string
}

var fileName = regexp.MustCompile(`^([0-9]+)_[a-z0-9_]+\.sql$`)

// Migrations returns the embedded migrations in order.
func Migrations() ([]Migration, error) { return Load(files, "migrations") }

// Load reads the migrations of dir in fsys: a file not named NNNN_what.sql,
// or two files of one number, is an error naming them.
func Load(fsys fs.FS, dir string) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	var out []Migration
	seen := map[int64]string{}
	for _, e := range entries {
		p := path.Join(dir, e.Name())
		m := fileName.FindStringSubmatch(e.Name())
		if m == nil {
			return nil, fmt.Errorf("%s: a migration is named NNNN_what.sql (digits, then lower-case letters, digits and _)", p)
		}
		v, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil || v < 1 {
			return nil, fmt.Errorf("%s: version must be a positive number", p)
		}
		if other, dup := seen[v]; dup {
			return nil, fmt.Errorf("%s: version %d is %s's too", p, v, other)
		}
		seen[v] = p
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, File: p, SQL: string(data)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// Latest is the version of the last embedded migration: the schema this
// binary needs.
func Latest() int64 {
	ms, err := Migrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].Version
}

// lockKey is the advisory lock that makes two migrators (replicas starting
// together, a Job and a server) take turns.
const lockKey = 7_237_616_112_245_430_905

// Migrate applies the embedded migrations that the database lacks.
func Migrate(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger) ([]Migration, error) {
	ms, err := Migrations()
	if err != nil {
		return nil, err
	}
	return Apply(ctx, pool, ms, log)
}

// Apply applies the migrations ms that the database lacks, each in its own
// transaction recorded in schema_migrations: a migration that fails leaves
// the schema of the one before, and the error names its file.
func Apply(ctx context.Context, pool *pgxpool.Pool, ms []Migration, log *slog.Logger) (applied []Migration, err error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Release()
	// A session lock: held across the transactions below, released by
	// the unlock, or by PostgreSQL when the connection drops.
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", int64(lockKey)); err != nil {
		return nil, fmt.Errorf("lock schema_migrations: %w", err)
	}
	defer func() {
		if _, uerr := conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", int64(lockKey)); uerr != nil {
			conn.Conn().Close(context.WithoutCancel(ctx)) // the lock goes with the connection
		}
	}()
	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
	version bigint PRIMARY KEY,
	file text NOT NULL,
	applied_at timestamptz NOT NULL DEFAULT now()
)`); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	done := map[int64]bool{}
	rows, err := conn.Query(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return nil, err
	}
	versions, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	for _, v := range versions {
		done[v] = true
	}
	for _, m := range ms {
		if done[m.Version] {
			continue
		}
		err := pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version, file) VALUES ($1, $2)", m.Version, m.File)
			return err
		})
		if err != nil {
			return applied, fmt.Errorf("%s: %w (rolled back; the schema is at the migration before)", m.File, err)
		}
		log.Info("migrated", "file", m.File)
		applied = append(applied, m)
	}
	return applied, nil
}

// Version is the database's schema version: its last migration, 0 for a
// database never migrated.
func Version(ctx context.Context, pool *pgxpool.Pool) (int64, error) {
	var exists bool
	if err := pool.QueryRow(ctx, "SELECT to_regclass('schema_migrations') IS NOT NULL").Scan(&exists); err != nil || !exists {
		return 0, err
	}
	var v int64
	err := pool.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&v)
	return v, err
}
