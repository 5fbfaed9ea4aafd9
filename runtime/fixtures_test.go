package runtime

import (
	"os"
	"path/filepath"
	goruntime "runtime"
	"testing"
)

// cloudHarness returns CloudHarness's fixtures, as the root module's
// internal/fixtures does (which this module cannot import): $HARNESS_SHARED or
// ../shared beside the repository; skipped when absent, failed under CI=true.
func cloudHarness(tb testing.TB) string {
	tb.Helper()
	dir := filepath.Join(sharedDir(), "fixtures", "cloudharness")
	if _, err := os.Stat(filepath.Join(dir, "applications")); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("CloudHarness fixtures missing at %s (set HARNESS_SHARED): %v", dir, err)
		}
		tb.Skipf("CloudHarness fixtures not found at %s (set HARNESS_SHARED to run this test)", dir)
	}
	return dir
}

// sharedDir is $HARNESS_SHARED, or ../shared beside the repository root.
func sharedDir() string {
	if dir := os.Getenv("HARNESS_SHARED"); dir != "" {
		return dir
	}
	_, file, _, _ := goruntime.Caller(0) // <root>/runtime/fixtures_test.go
	root := filepath.Dir(filepath.Dir(file))
	return filepath.Join(filepath.Dir(root), "shared")
}
