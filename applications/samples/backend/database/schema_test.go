// Scaffolded by harness; yours to edit.

package database_test

import (
	"context"
	"errors"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/harness-sh/harness/applications/samples/backend/database"
	"github.com/harness-sh/harness/applications/samples/backend/database/databasetest"
	"github.com/harness-sh/harness/runtime"
	"github.com/jackc/pgx/v5/pgxpool"
)

// downPool is a pool of a database that does not answer: a port of
// 127.0.0.1 that nothing listens on.
func downPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	pool, err := pgxpool.New(context.Background(), "postgres://u:p@127.0.0.1:"+strconv.Itoa(port)+"/db?sslmode=disable&connect_timeout=1")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// With the database down, the schema is not ready: first because it was
// never reached, then with the connection's error; Prepare and Wait keep
// retrying until their context ends.
func TestDatabaseDown(t *testing.T) {
	pool := downPool(t)
	s := &database.Schema{Pool: pool, Log: quiet, Migrate: true}
	if err := s.Ready(context.Background()); !errors.Is(err, database.ErrNotPrepared) {
		t.Fatalf("ready before Prepare: %v, want ErrNotPrepared", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	err := s.Prepare(ctx)
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "database not ready") {
		t.Fatalf("Prepare: %v, want it to retry until the deadline", err)
	}
	if err := s.Ready(context.Background()); err == nil || errors.Is(err, database.ErrNotPrepared) || !strings.Contains(err.Error(), "127.0.0.1") {
		t.Errorf("ready after failed attempts: %v, want the connection's error", err)
	}
	wctx, wcancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer wcancel()
	if err := database.Wait(wctx, pool, quiet); !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "database unreachable") {
		t.Errorf("Wait: %v", err)
	}
}

// A server that does not migrate (MIGRATE_ON_START=false) is not ready
// until the migrate command has brought the schema up to date, then ready
// while the database answers.
func TestReadyWaitsForMigrations(t *testing.T) {
	pool := databasetest.Pool(t)
	s := &database.Schema{Pool: pool, Log: quiet}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := s.Prepare(ctx); err == nil {
		t.Fatal("Prepare succeeded on an empty database without migrating")
	}
	if v, _ := database.Version(context.Background(), pool); v != 0 {
		t.Fatalf("Prepare without Migrate migrated to %d", v)
	}
	err := s.Ready(context.Background())
	if err == nil || !strings.Contains(err.Error(), "schema version 0, want "+strconv.FormatInt(database.Latest(), 10)+": waiting for the migrate command") {
		t.Fatalf("ready: %v", err)
	}
	if _, err := database.Migrate(context.Background(), pool, quiet); err != nil {
		t.Fatal(err)
	}
	if err := s.Prepare(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := s.Ready(context.Background()); err != nil {
		t.Fatalf("ready once migrated: %v", err)
	}
	pool.Close()
	if err := s.Ready(context.Background()); err == nil {
		t.Error("ready with the pool closed")
	}
}

// A server that migrates at start is ready once Prepare returns.
func TestPrepareMigrates(t *testing.T) {
	pool := databasetest.Pool(t)
	s := &database.Schema{Pool: pool, Log: quiet, Migrate: true}
	if err := s.Prepare(context.Background()); err != nil {
		t.Fatal(err)
	}
	if v, err := database.Version(context.Background(), pool); err != nil || v != database.Latest() {
		t.Fatalf("version %d, %v", v, err)
	}
	if err := s.Ready(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// Config reads $DATABASE_URL, else the application's database in the
// harness values; it bounds the connection's wait unless the URL does.
func TestConfig(t *testing.T) {
	const dbValues = `{"apps": {
  "samples": {"harness": {"name": "samples", "database": {"auto": true, "type": "postgres", "user": "mnp", "pass": "secret",
    "postgres": {"initialdb": "samples"}}}},
  "nodb": {"harness": {"name": "nodb", "database": {"auto": false}}}}}`
	values := func(app string) func() (*runtime.Config, error) {
		return func() (*runtime.Config, error) {
			return runtime.Parse([]byte(dbValues), "allvalues.json", runtime.Options{CurrentApp: app, Location: runtime.InCluster, Getenv: func(string) string { return "" }})
		}
	}
	noValues := func() (*runtime.Config, error) { return nil, os.ErrNotExist }
	for _, tc := range []struct {
		name, url string
		values    func() (*runtime.Config, error)
		want      string // host:port/database user password timeout
		err       string
	}{
		{name: "URL", url: "postgres://u:p@db.example:6543/app?sslmode=disable", values: noValues, want: "db.example:6543/app u p 5s"},
		{name: "URL with its timeout", url: "postgres://u:p@db.example/app?connect_timeout=2", values: noValues, want: "db.example:5432/app u p 2s"},
		{name: "bad URL", url: "postgres://u:p@db.example:port/app", values: noValues, err: "database URL"},
		{name: "no URL, no values", values: noValues, err: "no DATABASE_URL and no harness values: file does not exist"},
		{name: "no URL, values", values: values("samples"), want: "samples-db:5432/samples mnp secret 5s"},
		{name: "no URL, no current application", values: values(""), err: "no DATABASE_URL: current application"},
		{name: "no URL, no database", values: values("nodb"), err: "no DATABASE_URL: application \"nodb\": no automatic database"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := database.ConfigFrom(tc.url, tc.values)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c := cfg.ConnConfig
			if got := c.Host + ":" + strconv.Itoa(int(c.Port)) + "/" + c.Database + " " + c.User + " " + c.Password + " " + c.ConnectTimeout.String(); got != tc.want {
				t.Errorf("config %s, want %s", got, tc.want)
			}
		})
	}
	t.Setenv("DATABASE_URL", "postgres://env@db.example/app")
	if cfg, err := database.Config(); err != nil || cfg.ConnConfig.User != "env" {
		t.Errorf("Config with $DATABASE_URL: %v", err)
	}
}
