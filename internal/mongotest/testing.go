package mongotest

import (
	"context"
	"testing"

	"github.com/harness-sh/harness/internal/testenv"
)

// ForTest starts a server for t, its data under t.TempDir(), stopped when t
// ends. Without $HARNESS_FERRETDB the test is skipped, or fails when
// CI=true: CI builds FerretDB (scripts/test.sh).
func ForTest(t testing.TB) *Server {
	t.Helper()
	return ForTestWith(t, Options{})
}

// ForTestWith is ForTest with options: a given port, for a test that starts
// its client before the server.
func ForTestWith(t testing.TB, o Options) *Server {
	t.Helper()
	if o.Binary == "" {
		bin, err := Binary()
		if err != nil {
			testenv.Missing(t, "%v", err)
		}
		o.Binary = bin
	}
	if o.Dir == "" {
		o.Dir = t.TempDir()
	}
	s, err := Start(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Stop() })
	return s
}
