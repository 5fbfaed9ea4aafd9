package pgcluster

import (
	"context"
	"testing"

	"github.com/harness-sh/harness/internal/pgserver"
	"github.com/harness-sh/harness/internal/testenv"
)

// ForTest starts a cluster for t, stopped and removed when t ends. Without
// initdb and postgres the test is skipped, or fails when CI=true: CI
// installs them (scripts/test.sh).
func ForTest(t testing.TB, o Options) *Cluster {
	t.Helper()
	if _, err := pgserver.BinDir(o.BinDir); err != nil {
		testenv.Missing(t, "%v (Debian: apt-get install postgresql)", err)
	}
	c, err := Start(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Stop() })
	return c
}
