package pgcluster

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestCluster starts a cluster, creates a database, queries it, stops it,
// and leaves no folder behind.
func TestCluster(t *testing.T) {
	c := ForTest(t, Options{})
	ctx := context.Background()
	url, err := c.CreateDatabase(ctx, "app")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	var name string
	if err := conn.QueryRow(ctx, "SELECT current_database()").Scan(&name); err != nil || name != "app" {
		t.Fatalf("current_database() = %q, %v", name, err)
	}
	conn.Close(ctx)
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(c.dir); !os.IsNotExist(err) {
		t.Errorf("%s is still there: %v", c.dir, err)
	}
	if _, err := pgx.Connect(ctx, url); err == nil {
		t.Error("the stopped cluster still answers")
	}
}
