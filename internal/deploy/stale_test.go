package deploy

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/harness-sh/harness/internal/fileset"
)

// TestStaleStaging: what a killed run left beside OUT/helm (its staging
// folder, the previous chart it was replacing) is removed with a note once
// old enough to be no live run's; a recent one is left alone.
func TestStaleStaging(t *testing.T) {
	dir := writeTree(t, map[string]string{"applications/web/Dockerfile": dockerfile})
	out := t.TempDir()
	old := time.Now().Add(-2 * fileset.StaleAfter)
	for _, p := range []string{".harness-helm-123", "helm.old-5", ".harness-helm-live", "helm"} {
		if err := os.MkdirAll(filepath.Join(out, p, "templates"), 0o755); err != nil {
			t.Fatal(err)
		}
		if p != ".harness-helm-live" {
			os.Chtimes(filepath.Join(out, p), old, old)
		}
	}
	var errOut strings.Builder
	if _, err := run(t, &Deployment{Roots: []string{dir}, Tag: "1", Output: out, Err: &errOut}); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]bool{".harness-helm-123": false, "helm.old-5": false, ".harness-helm-live": true, "helm/Chart.yaml": true} {
		if _, err := os.Stat(filepath.Join(out, p)); (err == nil) != want {
			t.Errorf("%s there: %v, want %v", p, err == nil, want)
		}
	}
	for _, p := range []string{".harness-helm-123", "helm.old-5"} {
		if !strings.Contains(errOut.String(), "note: removed "+filepath.Join(out, p)+", left by an interrupted run") {
			t.Errorf("no note for %s in:\n%s", p, errOut.String())
		}
	}
}
