package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTranslateLegacyFlags(t *testing.T) {
	tests := []struct{ in, want string }{
		{"-rs secret -ex a -dtls", "--registry-secret secret --exclude a --disable-tls"},
		{"-rs=secret -ex=b", "--registry-secret=secret --exclude=b"},
		{"-r reg -e dev-prod -i app", "-r reg -e dev-prod -i app"},
		{"root -- -ex", "root -- -ex"},
	}
	for _, tc := range tests {
		if got := strings.Join(translateLegacyFlags(strings.Fields(tc.in)), " "); got != tc.want {
			t.Errorf("%q → %q, want %q", tc.in, got, tc.want)
		}
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
	code, _, stderr = run(t, "deployment", dir, "-o", out)
	if code != 1 || !strings.Contains(stderr, "applications/bad/deploy/values.yaml:2: harness.subdomian: ") {
		t.Errorf("bad values: exit %d, stderr %s", code, stderr)
	}
	if code, _, _ := run(t, "deployment", "--no-such-flag"); code != 2 {
		t.Errorf("unknown flag: exit %d, want 2", code)
	}
}
