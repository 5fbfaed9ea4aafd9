// Package testenv holds the one rule for tests that need something from
// the machine (a tool, a server, the shared fixtures): without it a test
// skips, so that a clone elsewhere still passes, except under CI=true,
// where the test command has installed everything and its absence is a
// failure.
package testenv

import (
	"fmt"
	"os"
	"testing"
)

// CI reports whether the tests run in CI (CI=true).
func CI() bool { return os.Getenv("CI") == "true" }

// Missing skips t, saying what is missing and how to get it, or fails it
// under CI=true.
func Missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if CI() {
		t.Fatal("CI=true: " + msg)
	}
	t.Skip(msg)
}
