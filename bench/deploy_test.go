// Package bench measures harness-deployment: merge, render, lint and verify
// of a synthetic solution of N applications, against a bare render of the
// same chart with Helm's engine (what `helm template` does). Run bench/run.sh.
package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"helm.sh/helm/v3/pkg/chart/loader"

	"github.com/harness-sh/harness/internal/deploy"
	"github.com/harness-sh/harness/internal/helmcheck"
)

// solution writes n applications, each with a Deployment, Service, a secret,
// probes and every third one a postgres database.
func solution(b *testing.B, n int) string {
	b.Helper()
	dir := b.TempDir()
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("app%d", i)
		db := ""
		if i%3 == 0 {
			db = "  database:\n    auto: true\n    type: postgres\n"
		}
		values := fmt.Sprintf("harness:\n  subdomain: %s\n  deployment:\n    auto: true\n  secrets:\n    token: \"\"\n  readinessProbe:\n    path: /ready\n%s", name, db)
		for file, content := range map[string]string{"Dockerfile": "FROM scratch\n", "deploy/values.yaml": values} {
			p := filepath.Join(dir, "applications", name, file)
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
				b.Fatal(err)
			}
		}
	}
	return dir
}

func BenchmarkDeployment(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("apps=%d", n), func(b *testing.B) {
			dir := solution(b, n)
			for b.Loop() {
				d := &deploy.Deployment{Roots: []string{dir}, Tag: "1", Output: filepath.Join(b.TempDir(), "out"), Domain: "example.com"}
				if _, err := d.Run(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkHelmTemplate renders the chart harness wrote, with Helm's engine
// alone: the baseline of the 2× target.
func BenchmarkHelmTemplate(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("apps=%d", n), func(b *testing.B) {
			dir := solution(b, n)
			out := filepath.Join(b.TempDir(), "out")
			d := &deploy.Deployment{Roots: []string{dir}, Tag: "1", Output: out, Domain: "example.com"}
			if _, err := d.Run(context.Background()); err != nil {
				b.Fatal(err)
			}
			c, err := helmcheck.New("ch", "ch")
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				ch, err := loader.Load(filepath.Join(out, "helm"))
				if err != nil {
					b.Fatal(err)
				}
				if _, err := c.Render(ch); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
