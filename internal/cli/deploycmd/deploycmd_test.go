package deploycmd

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/harness-sh/harness/internal/cli"
)

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = cli.Execute(cli.NewRootCmd(New()), args, cli.Streams{In: strings.NewReader(""), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

func TestDeploymentHelp(t *testing.T) {
	code, out, errOut := run(t, "deployment", "--help")
	if code != cli.ExitOK || !strings.Contains(out, "Usage:") || !strings.Contains(out, "Examples:") {
		t.Fatalf("exit %d, help:\n%s%s", code, out, errOut)
	}
}

func TestDeploymentCommand(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"applications/web/Dockerfile":         "FROM scratch\n",
		"applications/web/deploy/values.yaml": "harness:\n  subdomain: web\n  deployment:\n    auto: true\n",
		"applications/old/Dockerfile":         "FROM scratch\n",
		"applications/bad/deploy/values.yaml": "harness:\n  subdomian: x\n",
	} {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(content), 0o644)
	}
	out := filepath.Join(dir, "out")
	code, stdout, stderr := run(t, "deployment", dir, "-ex", "old", "-ex", "bad", "-dtls", "-rs", "pull", "-t", "2", "-n", "shop", "-d", "example.com", "-o", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "kubectl port-forward -n shop service/web 80:80") || !strings.Contains(stdout, "web.example.com") {
		t.Errorf("stdout:\n%s", stdout)
	}
	values, err := os.ReadFile(filepath.Join(out, "helm", "values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(values), "old:") || !strings.Contains(string(values), "secret: pull") {
		t.Errorf("-ex or -rs not applied:\n%s", values)
	}
	// An unknown harness key is a warning, an error with --strict.
	code, _, stderr = run(t, "deployment", dir, "-o", out)
	if code != 0 || !strings.Contains(stderr, "warning: "+dir+"/applications/bad/deploy/values.yaml:2: harness.subdomian: unknown key") {
		t.Errorf("unknown key: exit %d, stderr %s", code, stderr)
	}
	code, _, stderr = run(t, "deployment", dir, "-o", out, "--strict")
	if code != 1 || !strings.Contains(stderr, "applications/bad/deploy/values.yaml:2: harness.subdomian: ") || strings.Contains(stderr, "warning:") {
		t.Errorf("--strict: exit %d, stderr %s", code, stderr)
	}
	if code, _, _ := run(t, "deployment", "--no-such-flag"); code != 2 {
		t.Errorf("unknown flag: exit %d, want 2", code)
	}
}
