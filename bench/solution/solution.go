// Package solution writes the synthetic solution harness-deployment's
// benchmarks measure, so the in-process benchmark (bench/deploy_test.go) and
// the command-line one (bench/deployment.sh, through bench/gensolution) time
// the same input.
package solution

import (
	"fmt"
	"os"
	"path/filepath"
)

// Write writes n applications under dir/applications: each with a
// Deployment, a Service, a secret, a readiness probe and a Dockerfile, and
// every third one an auto postgres database.
func Write(dir string, n int) error {
	for i := range n {
		name := fmt.Sprintf("app%d", i)
		db := ""
		if i%3 == 0 {
			db = "  database:\n    auto: true\n    type: postgres\n"
		}
		values := fmt.Sprintf("harness:\n  subdomain: %s\n  deployment:\n    auto: true\n  secrets:\n    token: \"\"\n  readinessProbe:\n    path: /ready\n%s", name, db)
		for file, content := range map[string]string{"Dockerfile": "FROM scratch\n", "deploy/values.yaml": values} {
			p := filepath.Join(dir, "applications", name, filepath.FromSlash(file))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				return fmt.Errorf("write solution: %w", err)
			}
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				return fmt.Errorf("write solution: %w", err)
			}
		}
	}
	return nil
}
