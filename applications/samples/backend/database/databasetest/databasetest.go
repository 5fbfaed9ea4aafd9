// Scaffolded by harness; yours to edit.

// Package databasetest gives tests a PostgreSQL schema of their own in the
// database of $TEST_DATABASE_URL, else in a throwaway cluster that
// harness's pgcluster starts for the test (samples lives in harness's
// module): without PostgreSQL installed the tests skip, or fail when
// CI=true.
package databasetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"testing"

	"github.com/harness-sh/harness/internal/pgcluster"
	"github.com/harness-sh/harness/internal/pgserver"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Main runs a package's tests, for its TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(databasetest.Main(m)) }
//
// Unless $TEST_DATABASE_URL is set, it starts one cluster for all of them
// and points $TEST_DATABASE_URL at it: each test still gets a schema of its
// own, without paying for a server of its own. Without PostgreSQL installed
// it starts none, and each test skips (or fails when CI=true) as Pool says.
func Main(m *testing.M) int {
	if os.Getenv("TEST_DATABASE_URL") != "" {
		return m.Run()
	}
	if _, err := pgserver.BinDir(""); err != nil {
		return m.Run()
	}
	c, err := pgcluster.Start(context.Background(), pgcluster.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "databasetest: start a cluster:", err)
		return 1
	}
	defer c.Stop()
	os.Setenv("TEST_DATABASE_URL", c.URL("postgres"))
	defer os.Unsetenv("TEST_DATABASE_URL")
	return m.Run()
}

// URL returns the URL of a new, empty schema (its search_path), dropped
// when t ends: what a test hands to code that connects by itself.
func URL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		base = pgcluster.ForTest(t, pgcluster.Options{}).URL("postgres")
	}
	ctx := context.Background()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "test_" + hex.EncodeToString(b)
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			t.Error(err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Pool returns a pool whose connections work in a new, empty schema,
// dropped when t ends.
func Pool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), URL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}
