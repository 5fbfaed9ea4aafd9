package deploycmd

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harness-sh/harness/internal/cli"
)

// TestDeploymentDockerCompose: --docker-compose writes the compose file
// instead of the chart; with --deploy it is a usage error.
func TestDeploymentDockerCompose(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"applications/web/Dockerfile":         "FROM scratch\nUSER 65532\n",
		"applications/web/deploy/values.yaml": "harness:\n  subdomain: web\n  deployment:\n    auto: true\n  service:\n    auto: true\n",
	} {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(content), 0o644)
	}
	out := filepath.Join(dir, "out")
	code, stdout, stderr := run(t, "deployment", dir, "--docker-compose", "-o", out)
	if code != cli.ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "web                      http://localhost:8000") || !strings.Contains(stdout, "docker compose -f "+filepath.Join(out, "docker-compose.yaml")+" up --build") {
		t.Errorf("stdout:\n%s", stdout)
	}
	if _, err := os.Stat(filepath.Join(out, "docker-compose.yaml")); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(filepath.Join(out, "helm")); !os.IsNotExist(err) {
		t.Errorf("the chart was written too: %v", err)
	}
	if code, _, stderr := run(t, "deployment", dir, "--docker-compose", "--deploy", "-o", out); code != cli.ExitUsage || !strings.Contains(stderr, "not with --docker-compose") {
		t.Errorf("--deploy: exit %d, %s", code, stderr)
	}
}
