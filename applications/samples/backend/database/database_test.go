// Scaffolded by harness; yours to edit.

package database_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/harness-sh/harness/applications/samples/backend/database"
	"github.com/harness-sh/harness/applications/samples/backend/database/databasetest"
)

// The tests of this package share one PostgreSQL server, a schema each.
func TestMain(m *testing.M) { os.Exit(databasetest.Main(m)) }

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// From an empty database to the latest schema, then nothing more to do.
func TestMigrate(t *testing.T) {
	ctx := context.Background()
	pool := databasetest.Pool(t)
	if v, err := database.Version(ctx, pool); err != nil || v != 0 {
		t.Fatalf("empty database: version %d, %v", v, err)
	}
	applied, err := database.Migrate(ctx, pool, quiet)
	if err != nil || len(applied) == 0 {
		t.Fatalf("applied %d: %v", len(applied), err)
	}
	if v, err := database.Version(ctx, pool); err != nil || v != database.Latest() {
		t.Fatalf("version %d, want %d (%v)", v, database.Latest(), err)
	}
	if again, err := database.Migrate(ctx, pool, quiet); err != nil || len(again) != 0 {
		t.Fatalf("second run applied %d: %v", len(again), err)
	}
}

// A migration failing halfway rolls back whole: the schema stays at the
// migration before, and the error names the file.
func TestMigrationFails(t *testing.T) {
	ctx := context.Background()
	pool := databasetest.Pool(t)
	ms, err := database.Load(fstest.MapFS{
		"m/0001_first.sql":  {Data: []byte("CREATE TABLE a (id int);")},
		"m/0002_broken.sql": {Data: []byte("CREATE TABLE b (id int); INSERT INTO missing VALUES (1);")},
	}, "m")
	if err != nil {
		t.Fatal(err)
	}
	_, err = database.Apply(ctx, pool, ms, quiet)
	if err == nil || !strings.Contains(err.Error(), "m/0002_broken.sql") {
		t.Fatalf("error %v, want one naming m/0002_broken.sql", err)
	}
	if v, _ := database.Version(ctx, pool); v != 1 {
		t.Errorf("version %d, want 1", v)
	}
	var b bool
	if err := pool.QueryRow(ctx, "SELECT to_regclass('b') IS NOT NULL").Scan(&b); err != nil || b {
		t.Errorf("table b of the failed migration exists: %v %v", b, err)
	}
}

func TestLoadBadNames(t *testing.T) {
	for _, tc := range []struct {
		name string
		fs   fstest.MapFS
		want string
	}{
		{"no number", fstest.MapFS{"m/create.sql": {}}, "m/create.sql: a migration is named"},
		{"twice", fstest.MapFS{"m/0001_a.sql": {}, "m/1_b.sql": {}}, "version 1 is"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := database.Load(tc.fs, "m"); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}
